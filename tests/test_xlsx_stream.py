"""The streamed XLSX writer: readable by openpyxl, typed cells, text never a formula, and the first bytes
out before any row is read (so a big export starts downloading at once)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from triplec.core import spreadsheets
from triplec.core.xlsx_stream import xlsx_stream


def test_cells_keep_their_types_and_text_stays_text():
    rows = [["Serraria \"Alfa\" & Cia", 12, -4.3, True, None, "=HYPERLINK(\"x\")", "tab\x01bad"]]
    content = b"".join(xlsx_stream([("enterprises", ["name", "n", "lat", "ok", "none", "f", "ctl"], rows),
                                    ("second", ["a"], [["b"]])]))
    book = load_workbook(io.BytesIO(content))
    sheet = book["enterprises"]
    assert [c.value for c in sheet[1]] == ["name", "n", "lat", "ok", "none", "f", "ctl"]
    values = [c.value for c in sheet[2]]
    assert values == ["Serraria \"Alfa\" & Cia", 12, -4.3, True, None, "=HYPERLINK(\"x\")", "tabbad"]
    assert sheet["F2"].data_type == "s"  # a string, not a formula
    assert book["second"]["A2"].value == "b"


def test_first_chunk_before_any_row_is_read():
    read = []

    def rows():
        for i in range(3000):
            read.append(i)
            yield [f"firm {i}", i]

    chunks = xlsx_stream([("s", ["name", "n"], rows())])
    first = next(chunks)
    assert first.startswith(b"PK") and read == []
    rest = list(chunks)
    assert len(read) == 3000 and len(rest) > 2  # the rows leave in several chunks, not at the end
    sheet = load_workbook(io.BytesIO(first + b"".join(rest)), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 3001


def test_xlsx_bytes_with_translated_headers():
    content = spreadsheets.xlsx_bytes({"t": (["a", "b"], [{"a": 1, "b": "x"}])}, headers={"a": "Alfa"})
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["Alfa", "b"]
