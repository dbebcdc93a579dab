"""Excel workbooks for the exports of every app (openpyxl, write-only: memory stays flat for big tables)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Mapping]]]) -> bytes:
    """One workbook: a sheet per entry ``name -> (columns, rows)``, a header row then one row per mapping.

    Text cells are written as text (never parsed as a formula) with the control characters XLSX cannot
    hold removed; other values keep their type (numbers, dates, booleans, None).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    for name, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for row in rows:
            out = []
            for column in columns:
                value = row[column]
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"
                    out.append(cell)
                else:
                    out.append(value)
            sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
