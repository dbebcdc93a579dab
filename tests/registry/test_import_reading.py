"""Reading import files (no database): formats, encodings, delimiters, row numbers, column matching,
cell parsing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from triplec.registry.importing import cells
from triplec.registry.importing.cells import CellError
from triplec.registry.importing.columns import resolve_mapping, suggested_field
from triplec.registry.importing.reading import detect_format, read_table

pytestmark = pytest.mark.nodb


def test_utf8_bom_is_removed_and_delimiter_is_sniffed():
    table = read_table("\ufeffa;b\n1;2\n".encode())
    assert (table.columns, table.rows, table.encoding, table.errors) == (["a", "b"], [(2, ["1", "2"])], "utf-8", [])
    table = read_table(b"a\tb\n1\t2\n")
    assert table.columns == ["a", "b"]


def test_utf16_with_bom():
    table = read_table("name,x\nÉcole,1\n".encode("utf-16"))
    assert table.rows == [(2, ["École", "1"])] and table.encoding == "utf-16"


def test_bad_bytes_name_row_and_column_and_explicit_encoding_reads_them():
    data = "name,city\nAção,Paris\nB,Orl".encode() + b"\xe9ans\n"  # UTF-8 with one Latin-1 byte
    table = read_table(data)
    assert [(e.row, e.field) for e in table.errors] == [(3, "city")]
    assert "bad encoding at row 3" in table.errors[0].reason and "Latin-1" in table.errors[0].reason
    data = "name,city\nA,Paris\nB,Orl\xe9ans\n".encode("latin-1")
    table = read_table(data, encoding="latin-1")
    assert table.errors == [] and table.rows[1] == (3, ["B", "Orléans"])
    assert read_table(data, encoding="klingon").errors[0].reason == "unknown encoding 'klingon'"


def test_blank_lines_keep_spreadsheet_numbering():
    table = read_table(b"\n\na,b\n\n1,2\n ,\n3,4\n")
    assert table.columns == ["a", "b"]
    assert [n for n, _ in table.rows] == [5, 7]


def test_malformed_csv_is_an_error():
    table = read_table(b'a,b\n"unterminated,2\n', delimiter=",")
    assert table.errors and "malformed CSV" in table.errors[0].reason


def test_duplicate_header_is_an_error():
    table = read_table(b"a,b,a\n1,2,3\n")
    assert [(e.row, e.field) for e in table.errors] == [(1, "a")]


def test_xlsx_uses_the_sheets_row_numbers_and_typed_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet["A2"], sheet["B2"], sheet["C2"] = "name", "employees", "since"
    sheet["A3"], sheet["B3"], sheet["C3"] = "Firm", 12, datetime(2020, 5, 1)
    sheet["A5"], sheet["B5"] = "Other", 3.0
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.format == "xlsx" and table.columns == ["name", "employees", "since"]
    assert table.rows == [(3, ["Firm", 12, datetime(2020, 5, 1)]), (5, ["Other", 3, None])]


def test_parquet_rows_start_at_two():
    buffer = io.BytesIO()
    pq.write_table(pa.table({"name": ["A", None, "C"], "employees": [1, None, 3]}), buffer)
    table = read_table(buffer.getvalue())
    assert table.format == "parquet" and table.rows == [(2, ["A", 1]), (4, ["C", 3])]


def test_format_detection():
    assert detect_format("x.csv", b"PAR1....") == "parquet"
    assert detect_format("x.bin", b"PK\x03\x04") == "xlsx"
    assert detect_format("x.parquet", b"abc") == "parquet"
    assert detect_format(None, b"a,b") == "csv"


def test_columns_match_names_and_synonyms_ignoring_case_accents_and_spaces():
    mapping = resolve_mapping(["Raison sociale", "SIRET", "Code APE", "Lat", "LNG", "E-mail", "Région", "colour"])
    assert mapping.columns == {"Raison sociale": "legal_name", "SIRET": "national_id", "Code APE": "sector_code",
                               "Lat": "latitude", "LNG": "longitude", "E-mail": "email", "Région": "region_name"}
    assert mapping.implied_classification == "nace2"
    assert mapping.ignored == ["colour"]
    assert suggested_field("Legal Name") == "legal_name"
    # The first of two synonyms wins; the second is ignored, not an error
    assert resolve_mapping(["name", "Company"]).columns == {"name": "legal_name"}
    # export-only columns are neither mapped nor listed as ignored
    assert resolve_mapping(["size_class", "territory"]).ignored == []


@pytest.mark.parametrize("value, expected", [
    (" 12 ", 12), ("12.0", 12), (12.0, 12), (7, 7),
])
def test_whole_numbers(value, expected):
    assert cells.whole_number(value, 0, 10**6) == expected


@pytest.mark.parametrize("value, reason", [
    ("12.5", "not a whole number"), ("abc", "bad number"), ("1,200", "thousands separator"),
    ("1 200", "thousands separator"), (True, "bad number"), ("nan", "bad number"),
    ("1e400", "finite"), ("9" * 5000, "out of range"), (10**400, "too large"), ("-1", "out of range"),
])
def test_bad_whole_numbers(value, reason):
    with pytest.raises(CellError, match=reason):
        cells.whole_number(value, 0, 10**6)


def test_coordinates_accept_decimal_commas_and_refuse_out_of_range():
    assert cells.decimal_degrees("45,5", 90, "latitude", decimal_comma=True) == 45.5
    assert cells.decimal_degrees(-38.9, 180, "longitude") == -38.9
    with pytest.raises(CellError, match="outside -90..90"):
        cells.decimal_degrees("90.0001", 90, "latitude")
    with pytest.raises(CellError, match="bad coordinates"):
        cells.decimal_degrees("inf", 90, "latitude")


@pytest.mark.parametrize("value, expected", [
    ("yes", True), ("Oui", True), ("1", True), (1, True), (True, True), ("no", False), ("", False), (None, False),
    ("N", False), (0.0, False),
])
def test_booleans(value, expected):
    assert cells.boolean(value) is expected


def test_text_cells():
    assert cells.text(12345678901.0) == "12345678901"
    assert cells.text(" a ") == "a"
    assert cells.text("'=SUM(A1)") == "=SUM(A1)"  # the export's formula guard comes off again
    assert cells.text("'quoted'") == "'quoted'"
    assert cells.text(date(2020, 1, 2)) == "2020-01-02"
    for bad, reason in [("a\x00b", "NUL"), ("a\x07", "control character U.0007"), ("\udce9", "bad encoding"), (b"\xff", "bad encoding")]:
        with pytest.raises(CellError, match=reason):
            cells.text(bad)


def test_email_and_website():
    assert cells.email("a.b@example.org", 254) == "a.b@example.org"
    assert cells.email("info@exämple.org", 254) == "info@exämple.org"  # not the fast path: Django accepts IDN
    with pytest.raises(CellError, match="not a valid e-mail"):
        cells.email("not-an-address", 254)
    assert cells.website("www.example.org", 200) == "https://www.example.org"
    assert cells.website("http://example.org/a?b=1", 200) == "http://example.org/a?b=1"
    with pytest.raises(CellError, match="not a valid web address"):
        cells.website("http://exa mple", 200)


def test_dates():
    assert cells.iso_date("2024-02-29") == date(2024, 2, 29)
    assert cells.iso_date(datetime(2024, 1, 1, 0, 0)) == date(2024, 1, 1)
    assert cells.iso_date("2024-01-01 00:00:00") == date(2024, 1, 1)
    for bad in ("2023-02-29", "01/02/2024", "0001-01-01"):
        with pytest.raises(CellError, match="bad date"):
            cells.iso_date(bad)
