"""Spreadsheet exports of every app: Excel workbooks (streamed, memory flat for big tables) and CSV in the
reader's convention."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass


def xlsx_sheets(sheets: Mapping[str, tuple[Sequence[str], Iterable[Mapping]]],
                headers: Mapping[str, str] | None = None) -> list[tuple[str, list[str], Iterator[list]]]:
    """``name -> (columns, rows of mappings)`` as the sheets `xlsx_stream` writes: a header row showing
    ``headers[column]`` where given (labels in the reader's language), else the code, then the values."""
    return [(name, [str((headers or {}).get(c, c)) for c in columns], _values(columns, rows))
            for name, (columns, rows) in sheets.items()]


def _values(columns: Sequence[str], rows: Iterable[Mapping]) -> Iterator[list]:
    for row in rows:
        yield [row[c] for c in columns]


def xlsx_iter(sheets: Mapping[str, tuple[Sequence[str], Iterable[Mapping]]],
              headers: Mapping[str, str] | None = None) -> Iterator[bytes]:
    """The workbook as byte chunks, rows read as they are written (see `core.xlsx_stream`)."""
    from .xlsx_stream import xlsx_stream

    return xlsx_stream(xlsx_sheets(sheets, headers))


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Mapping]]],
               headers: Mapping[str, str] | None = None) -> bytes:
    """One workbook: a sheet per entry ``name -> (columns, rows)``, a header row then one row per mapping.
    Text cells are written as text (never parsed as a formula) with the control characters XLSX cannot
    hold removed; numbers and booleans keep their type, dates are written as ISO text."""
    return b"".join(xlsx_iter(sheets, headers))


# CSV in the reader's convention -------------------------------------------------------------------------

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}
DECIMALS = {"point": ".", "comma": ","}
HEADERS = ("codes", "labels")
# Languages whose spreadsheets read "1,5" as a number and split CSV on ";" (Excel in Brazil, Chile, Spain).
DECIMAL_COMMA_LANGUAGES = ("pt", "es")


@dataclass(frozen=True)
class TableStyle:
    """How a CSV export is written: the field separator, the decimal mark of numbers, and whether the
    header row holds the column codes (which an import reads back) or labels in the reader's language."""

    separator: str = ","
    decimal: str = "."
    headers: str = "codes"

    @property
    def option_names(self) -> dict[str, str]:
        """The query parameters that select this style (for links and the API)."""
        sep = next(name for name, char in SEPARATORS.items() if char == self.separator)
        dec = next(name for name, char in DECIMALS.items() if char == self.decimal)
        return {"sep": sep, "decimal": dec, "headers": self.headers}


def default_style(language: str | None) -> TableStyle:
    """`;` and a decimal comma for Portuguese and Spanish readers, `,` and a point otherwise; codes as
    headers (the file then imports back unchanged)."""
    base = (language or "en").split("-")[0].split("_")[0].lower()
    if base in DECIMAL_COMMA_LANGUAGES:
        return TableStyle(separator=";", decimal=",")
    return TableStyle()


def style_from_options(language: str | None, sep: str | None = None, decimal: str | None = None,
                       headers: str | None = None) -> TableStyle:
    """The reader's default style with any option given (`sep`: comma, semicolon, tab or the character
    itself; `decimal`: point or comma; `headers`: codes or labels); ValueError naming a bad option."""
    style = default_style(language)
    separator, mark, head = style.separator, style.decimal, style.headers
    if sep:
        separator = SEPARATORS.get(sep, sep if sep in SEPARATORS.values() else None)
        if separator is None:
            raise ValueError(f"sep must be one of {', '.join(SEPARATORS)}, not {sep!r}")
    if decimal:
        mark = DECIMALS.get(decimal, decimal if decimal in DECIMALS.values() else None)
        if mark is None:
            raise ValueError(f"decimal must be point or comma, not {decimal!r}")
    if headers:
        if headers not in HEADERS:
            raise ValueError(f"headers must be codes or labels, not {headers!r}")
        head = headers
    if separator == mark:
        raise ValueError("a decimal comma needs another separator than the comma (use semicolon or tab)")
    return TableStyle(separator, mark, head)


def number_text(value, decimal: str = ".") -> str:
    """A number as CSV text: the shortest text that reads back as the same float, with the decimal mark
    asked for (no thousands separator: spreadsheets would read it as a decimal mark or text)."""
    text = repr(value) if isinstance(value, float) else str(value)
    return text.replace(".", decimal) if decimal != "." else text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP "CSV injection")."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_cell(value, decimal: str = ".", guard: Callable[[str], str] = defused) -> str:
    """A value as CSV text: empty for None, yes/no, numbers with the decimal mark asked for, text guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return number_text(value, decimal)
    return guard(str(value))


def csv_stream(header: Sequence[str], cells: Iterable[Sequence[str]], style: TableStyle,
               flush_every: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (Excel then detects the encoding), CRLF line ends, `style`'s
    separator, as byte chunks: the header at once, then every `flush_every` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.separator, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(header)
    yield b"\xef\xbb\xbf" + flush()
    for count, row in enumerate(cells, start=1):
        writer.writerow(row)
        if count % flush_every == 0:
            yield flush()
    tail = flush()
    if tail:
        yield tail
