"""Read an import file (CSV, XLSX, Parquet) or in-memory rows into one plain table.

Row numbers follow the spreadsheet a person would open: the header is row 1 and the first data row
is row 2 (for CSV, a record that spans lines inside quotes is one row; for XLSX, the sheet's own row
numbers). Nothing here raises on bad input: every problem becomes a `RowError` in `Table.errors`.

CSV encoding: UTF-8 with or without a byte-order mark, UTF-16 with a BOM, else Windows-1252 (detected,
and said so), or an explicit encoding such as latin-1; a file that is none of these is refused. No text
read here ever holds an undecodable byte (a lone surrogate): stray bytes in a UTF-8 file are reported
per row and column ("bad encoding at row N") and replaced, never kept.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triplec.core.text import without_lone_surrogates

from . import messages as msg
from .errors import RowError

FORMATS = ("csv", "xlsx", "parquet")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
               ".parquet": "parquet", ".pq": "parquet"}
_DELIMITERS = (",", ";", "\t", "|")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" leaves for bad bytes
_SURROGATES = re.compile("[\ud800-\udfff]")
# Bytes no text file holds (tab, line feed, carriage return and form feed aside): a binary file.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_LETTER = re.compile("[\u0080-\ud7ff\ue000-\U0010ffff]")  # non-ASCII text decoded as UTF-8
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252", "iso8859-1": "Latin-1"}


@dataclass
class Table:
    """A header and data rows: `rows` holds (row number, cells) for every non-empty row."""

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    encoding_detected: bool = False  # chosen by looking at the bytes (Windows-1252), not UTF-8/BOM/asked
    delimiter: str = ""  # CSV only


def detect_format(filename: str | None, head: bytes) -> str:
    """csv, xlsx or parquet, from the file's first bytes, else from its name; CSV by default."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if filename:
        return _EXTENSIONS.get(Path(filename).suffix.lower(), "csv")
    return "csv"


def read_table(source: Any, *, fmt: str | None = None, encoding: str | None = None,
               filename: str | None = None, delimiter: str | None = None) -> Table:
    """Read `source` (a path, bytes, a binary file object, or a list of row mappings) into a Table."""
    if isinstance(source, Table):
        return source
    if isinstance(source, list | tuple):
        return _table_from_mappings(source)
    try:
        data, name = _read_bytes(source)
    except OSError as exc:
        return Table(errors=[RowError(0, "", msg.CANNOT_READ % {"reason": exc})])
    filename = filename or name
    fmt = (fmt or "").lower() or detect_format(filename, data[:8])
    if fmt not in FORMATS:
        return Table(errors=[RowError(0, "", msg.UNKNOWN_FORMAT % {"value": repr(fmt), "formats": ", ".join(FORMATS)})])
    if fmt == "xlsx":
        table = _read_xlsx(data)
    elif fmt == "parquet":
        table = _read_parquet(data)
    else:
        table = _read_csv(data, encoding, delimiter)
    table.format = fmt
    _check_header(table)
    return table


def estimate_rows(data: bytes, *, fmt: str | None = None, filename: str | None = None) -> int:
    """About how many data rows `data` holds, without reading them: enough to choose between checking
    a file at once and in a background task. An upper bound for CSV (line breaks, less the header;
    quoted line breaks count too), the sheet's stated dimension for XLSX, the footer's count for
    Parquet; 0 when the file cannot be opened (its check then reports why, quickly)."""
    fmt = (fmt or "").lower() or detect_format(filename, data[:8])
    try:
        if fmt == "xlsx":
            return _estimate_xlsx_rows(data)
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows)
    except Exception:  # damaged files of every kind: the check names the problem
        return 0
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return max(0, lines - 1)


def _estimate_xlsx_rows(data: bytes) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.active or workbook.worksheets[0]
        max_row = sheet.max_row  # from the sheet's <dimension>; None when the writer left it out
        if max_row is None:
            sheet.reset_dimensions()
            max_row = sum(1 for _ in sheet.iter_rows(values_only=True))
        return max(0, int(max_row) - 1)
    finally:
        workbook.close()


def _read_bytes(source: Any) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    if isinstance(source, str | Path):
        path = Path(source)
        return path.read_bytes(), path.name
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read()
        if isinstance(data, str):  # a text-mode file: its encoding is already applied
            data = data.encode("utf-8")
        return data, getattr(source, "name", None)
    raise OSError(f"unsupported source {type(source).__name__}")


# CSV -----------------------------------------------------------------------------------------------

DECIMAL_SEPARATORS = (".", ",")


def decimal_separator(table: Table, chosen: str | None) -> str:
    """The decimal separator of numbers written as text: the one chosen, else a comma in a
    `;`-separated CSV (where the comma is free for it, as Brazilian and Chilean spreadsheets write),
    else a point."""
    if chosen:
        return chosen
    return "," if table.format == "csv" and table.delimiter == ";" else "."


def encoding_name(codec: str) -> str:
    """How people know an encoding: Windows-1252, UTF-8, Latin-1 (codec names otherwise)."""
    return _ENCODING_NAMES.get(codec, codec)


def _line_of(data: bytes, index: int) -> int:
    return data[:index].count(b"\n") + 1


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, bool, list[RowError]]:
    """Text of the file, the encoding used, whether it was detected (not UTF-8 or UTF-16 with a BOM,
    nor chosen), and a file-level error if the file is not text in that encoding.

    Automatic: UTF-16 with a BOM; else UTF-8 (BOM or not); else, if the bytes are not UTF-8 at all,
    Windows-1252 (Excel's "CSV" in Brazil and Chile; its letters include Latin-1's). Bytes that are
    control characters or undefined in Windows-1252 mean the file is not text: it is refused.
    A file whose non-ASCII text is mostly UTF-8 with some stray bytes is read as UTF-8 and the
    cells holding them are named (see `_report_bad_bytes`).
    """
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            return "", encoding, False, [RowError(0, "", msg.UNKNOWN_ENCODING % {"value": repr(encoding)})]
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        return _with_flag(_decode_strictly(data, codec), False)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _with_flag(_decode_strictly(data, "utf-16"), False)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), "utf-8", False, []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    control = _CONTROL_BYTES.search(data)
    if control:
        return "", "", False, [_not_text_error(data, control.start())]
    loose = data.decode("utf-8", errors="surrogateescape")
    if _UTF8_LETTER.search(loose):  # real UTF-8 letters beside stray bytes: a UTF-8 file, damaged
        return loose, "utf-8", False, []
    try:
        return data.decode("cp1252"), "cp1252", True, []
    except UnicodeDecodeError as exc:
        return "", "", False, [_not_text_error(data, exc.start if exc.start >= first_bad else first_bad)]


def _with_flag(decoded: tuple[str, str, list[RowError]], detected: bool) -> tuple[str, str, bool, list[RowError]]:
    text, codec, errors = decoded
    return text, codec, detected, errors


def _decode_strictly(data: bytes, codec: str) -> tuple[str, str, list[RowError]]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if codec.startswith(("utf-16", "utf-32")):
            line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        else:
            line = _line_of(data, exc.start)
        return "", codec, [RowError(0, "", msg.BAD_ENCODING_LINE % {"line": line, "encoding": encoding_name(codec)})]
    bad = _SURROGATES.search(text)  # a few codecs (UTF-7...) can decode to lone surrogates
    if bad:
        line = text[: bad.start()].count("\n") + 1
        return "", codec, [RowError(0, "", msg.BAD_ENCODING_LINE % {"line": line, "encoding": encoding_name(codec)})]
    return text, codec, []


def _not_text_error(data: bytes, index: int) -> RowError:
    return RowError(0, "", msg.NOT_TEXT % {"byte": f"0x{data[index]:02X}", "line": _line_of(data, index)})


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, encoding: str | None, delimiter: str | None) -> Table:
    text, codec, detected, errors = _decode(data, encoding)
    table = Table(encoding=codec, encoding_detected=detected, errors=errors)
    if errors:
        return table
    has_bad_bytes = _UNDECODABLE.search(text) is not None
    # strict: an unterminated quote is an error instead of silently swallowing the rest of the file
    table.delimiter = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter, strict=True)
    row_number = 0
    header_seen = False
    try:
        for cells in reader:
            row_number += 1
            if not any(c.strip() for c in cells):
                continue
            if has_bad_bytes:
                _report_bad_bytes(table, row_number, cells, codec)
                cells = without_lone_surrogates(cells)  # named above; never kept
            if not header_seen:
                table.columns = [c.strip() for c in cells]
                header_seen = True
            else:
                table.rows.append((row_number, cells))
    except csv.Error as exc:
        table.errors.append(RowError(row_number + 1, "", msg.MALFORMED_CSV % {"reason": exc}))
    return table


def _report_bad_bytes(table: Table, row_number: int, cells: list[str], codec: str) -> None:
    for index, cell in enumerate(cells):
        if _UNDECODABLE.search(cell):
            column = table.columns[index] if index < len(table.columns) else f"column {index + 1}"
            shown = without_lone_surrogates(cell)
            table.errors.append(RowError(
                row_number, column,
                (msg.BAD_ENCODING_ROW_LATIN if codec == "utf-8" else msg.BAD_ENCODING_ROW)
                % {"row": row_number, "value": repr(shown[:40]), "encoding": encoding_name(codec)}))


# XLSX ----------------------------------------------------------------------------------------------

def _read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    table = Table()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        table.errors.append(RowError(0, "", msg.NOT_XLSX % {"reason": f"{exc.__class__.__name__}: {exc}"}))
        return table
    try:
        sheet = workbook.active or workbook.worksheets[0]
        header_seen = False
        for row_number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = list(values)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            if not header_seen:
                table.columns = ["" if v is None else str(v).strip() for v in cells]
                header_seen = True
            else:
                table.rows.append((row_number, cells))
        if _has_formulas(data):
            _mark_formulas_without_values(data, table)
    except Exception as exc:  # openpyxl raises many types for damaged sheets; report, never crash
        table.errors.append(RowError(0, "", msg.XLSX_UNREADABLE % {"reason": f"{exc.__class__.__name__}: {exc}"}))
    finally:
        workbook.close()
    return table


class FormulaWithoutValue:
    """An XLSX cell holding a formula whose value was never saved (written by a script, not by a
    spreadsheet): its value is unknown, which `cells` reports as such."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.formula!r})"


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(_FORMULA_TAG.search(archive.read(name)) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _mark_formulas_without_values(data: bytes, table: Table) -> None:
    """Read the sheet again for its formulas: an empty cell (no saved value) that holds one becomes a
    FormulaWithoutValue. Only for workbooks that have formulas at all."""
    from openpyxl import load_workbook

    rows = dict(table.rows)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook.active or workbook.worksheets[0]
        for row_number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = rows.get(row_number)
            if cells is None:
                continue
            for index, value in enumerate(values):
                if index < len(cells) and cells[index] is None and isinstance(value, str) and value.startswith("="):
                    cells[index] = FormulaWithoutValue(value)
    finally:
        workbook.close()


# Parquet -------------------------------------------------------------------------------------------

def _read_parquet(data: bytes) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = Table()
    try:
        arrow = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        table.errors.append(RowError(0, "", msg.NOT_PARQUET % {"reason": exc}))
        return table
    table.columns = [str(n).strip() for n in arrow.column_names]
    columns = [arrow.column(i).to_pylist() for i in range(arrow.num_columns)]
    for offset, cells in enumerate(zip(*columns, strict=True)):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        table.rows.append((offset + 2, list(cells)))
    return table


# In-memory rows (API, tests) -----------------------------------------------------------------------

def _table_from_mappings(records: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(format="rows")
    columns: dict[str, int] = {}
    records = list(records)
    for record in records:
        for key in record:
            columns.setdefault(str(key), len(columns))
    table.columns = list(columns)
    for offset, record in enumerate(records):
        cells: list[Any] = [None] * len(columns)
        for key, value in record.items():
            cells[columns[str(key)]] = value
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        table.rows.append((offset + 2, cells))
    _check_header(table)
    return table


def _check_header(table: Table) -> None:
    if table.errors and not table.columns:
        return
    if not table.columns:
        table.errors.append(RowError(0, "", msg.EMPTY_FILE))
        return
    seen: dict[str, int] = {}
    for index, name in enumerate(table.columns):
        if not name:
            continue
        if name in seen:
            table.errors.append(RowError(1, name, msg.COLUMN_TWICE % {"column": repr(name), "first": seen[name] + 1,
                                                                      "second": index + 1}))
        seen.setdefault(name, index)
