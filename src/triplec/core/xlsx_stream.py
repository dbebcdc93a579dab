"""Excel workbooks written as a stream of bytes, in constant memory.

openpyxl's write-only mode keeps memory flat but builds the ZIP archive only when the workbook is saved,
so a web response could start only after the last row (7-16 s for the whole register). Here the archive
is written on the fly: the fixed parts first, then each sheet's rows as they come, each chunk handed to
the caller at once (zipfile writes to an unseekable stream with data descriptors, which Excel,
LibreOffice and openpyxl read). Cells: text as inline strings (never a formula), numbers and booleans
typed, dates as ISO text, empty values left out.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot hold (the same set openpyxl strips).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


class _Sink:
    """A write-only file that hands what was written to the generator, chunk by chunk."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return f'<c r="{ref}"/>'  # written, so that readers give every row its full width
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal) and not (isinstance(value, float) and value != value):
        return f'<c r="{ref}"><v>{value!r}</v></c>' if isinstance(value, float) else f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, values: Sequence, letters: Sequence[str]) -> str:
    cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _fixed_parts(names: Sequence[str]) -> dict[str, str]:
    sheets = "".join(f'<sheet name={quoteattr(name[:31])} sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(names, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(names) + 1))
    styles_id = len(names) + 1
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'{overrides}</Types>'),
        "_rels/.rels": head + (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": head + f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": head + (
            f'<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{styles_id}" '
            f'Type="{_DOC_REL}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": head + (
            f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '</styleSheet>'),
    }


def xlsx_stream(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
                rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The workbook's bytes, in chunks: ``sheets`` is a list of (name, header cells, rows of cells).
    The first chunk (fixed parts and the header row) comes before any row is read."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _fixed_parts([name for name, _h, _r in sheets]).items():
            archive.writestr(name, text)
        for number, (_name, header, rows) in enumerate(sheets, start=1):
            letters = [_column_letter(i) for i in range(len(header))]
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                part.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
                            f'<sheetData>{_row(1, header, letters)}').encode())
                yield sink.take()
                buffer: list[str] = []
                for index, values in enumerate(rows, start=2):
                    buffer.append(_row(index, values, letters))
                    if len(buffer) >= rows_per_chunk:
                        part.write("".join(buffer).encode())
                        buffer.clear()
                        chunk = sink.take()
                        if chunk:
                            yield chunk
                part.write(("".join(buffer) + "</sheetData></worksheet>").encode())
            yield sink.take()
    yield sink.take()
