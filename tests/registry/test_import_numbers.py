"""Issue 8, item 2: a number's reading follows the file's convention, never a guess per cell. A
`;`-separated CSV writes decimals with a comma unless told otherwise; any other file with a point
unless told (`decimal=","`). Thousands separators are never read: a cell that has one, or the other
convention's separator, is a row error naming row, field and reason."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import cnpj
from typer.testing import CliRunner

from triplec.cli import app
from triplec.registry.importing import cells, commit_import, validate_import
from triplec.registry.importing.cells import CellError
from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch

HEADER = "legal_name;country;national_id;sector_classification;sector_code;latitude;longitude;employees\n"


def semicolon_file(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.nodb
@pytest.mark.parametrize("raw, comma, expected", [
    ("-0,128", True, -0.128), ("0,034", True, 0.034), ("45,123", True, 45.123), ("51,48", True, 51.48),
    ("-0.128", False, -0.128), ("45.123", False, 45.123), ("12", True, 12.0), ("1,5e-07", True, 1.5e-07),
])
def test_coordinates_follow_the_files_convention(raw, comma, expected):
    assert cells.decimal_degrees(raw, 180, "longitude", decimal_comma=comma) == expected


@pytest.mark.nodb
@pytest.mark.parametrize("raw, comma, reason", [
    ("45,123", False, "decimal point"), ("-0.128", True, "decimal comma"), ("1.234,5", True, "decimal comma"),
    ("1,234.5", False, "decimal point"),
])
def test_the_other_conventions_separator_is_an_error(raw, comma, reason):
    with pytest.raises(CellError, match=reason):
        cells.decimal_degrees(raw, 180, "longitude", decimal_comma=comma)


@pytest.mark.nodb
@pytest.mark.parametrize("raw, comma", [("1,500", True), ("1.500", False), ("1,500", False), ("1.500", True),
                                        ("1 500", False)])
def test_thousands_separators_in_whole_numbers_are_errors(raw, comma):
    with pytest.raises(CellError, match="thousands separator"):
        cells.whole_number(raw, 0, 10**6, decimal_comma=comma)
    assert cells.whole_number("1500", 0, 10**6, decimal_comma=comma) == 1500


def test_semicolon_file_reads_decimal_commas_without_an_option(world):
    data = semicolon_file(f"Serraria Sul;BR;{cnpj(1)};isic4;1610;51,48;-0,128;12",
                          f"Serraria Norte;BR;{cnpj(2)};isic4;1610;45,123;0,034;")
    result = commit_import(None, data)
    assert result.created == 2 and result.preview.decimal_separator == ","
    assert Enterprise.objects.get(national_id=cnpj(1)).longitude == -0.128
    north = Enterprise.objects.get(national_id=cnpj(2))
    assert (north.latitude, north.longitude) == (45.123, 0.034)


def test_ambiguous_cells_are_row_errors_naming_row_field_and_reason(world):
    data = semicolon_file(f"A;BR;{cnpj(1)};isic4;1610;51,48;-0.128;1,500", f"B;BR;{cnpj(2)};isic4;1610;;;1.500")
    preview = validate_import(None, data)
    reasons = {(e.row, e.field): e.reason for e in preview.errors}
    assert list(reasons) == [(2, "employees"), (2, "longitude"), (3, "employees")]
    assert "decimal comma" in reasons[2, "longitude"] and "thousands separator" in reasons[2, "employees"]
    assert "thousands separator" in reasons[3, "employees"]
    # A point-decimal `;` file: said explicitly
    preview = validate_import(None, semicolon_file(f"A;BR;{cnpj(1)};isic4;1610;51.48;-0.128;1500"), decimal=".")
    assert preview.ok and preview.decimal_separator == "."
    comma_file = (b'legal_name,country,national_id,sector_classification,sector_code,latitude,longitude\n'
                  + f'A,BR,{cnpj(1)},isic4,1610,"51,48","-0,128"\n'.encode())
    assert [e.field for e in validate_import(None, comma_file).errors] == ["latitude", "longitude"]
    assert validate_import(None, comma_file, decimal=",").ok


coordinates = st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))
writings = st.sampled_from(["repr", "fixed6", "fixed9", "exponent"])


def _written(number: float, how: str, comma: bool) -> str:
    text = {"repr": repr(number), "fixed6": f"{number:.6f}", "fixed9": f"{number:.9f}",
            "exponent": f"{number:.8e}"}[how]
    return text.replace(".", ",") if comma else text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.lists(coordinates, min_size=1, max_size=5), how=writings, comma=st.booleans(),
       delimiter=st.sampled_from([";", ","]))
def test_any_coordinate_in_either_convention_reads_back_exactly(world, points, how, comma, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["legal_name", "country", "national_id", "sector_classification", "sector_code",
                     "latitude", "longitude"])
    for n, (lat, lon) in enumerate(points):
        writer.writerow([f"Firm {n}", "BR", cnpj(n + 1), "isic4", "1610", _written(lat, how, comma),
                         _written(lon, how, comma)])
    option = None if (delimiter == ";") == comma else ("," if comma else ".")
    preview = validate_import(None, buffer.getvalue().encode(), decimal=option)
    assert preview.ok, preview.errors
    read = {r.values["national_id"]: (r.values["latitude"], r.values["longitude"]) for r, _ in preview._plan.creates}
    expected = {cnpj(n + 1): (float(_written(lat, how, False)), float(_written(lon, how, False)))
                for n, (lat, lon) in enumerate(points)}
    assert read == expected


def test_cli_decimal_option(world, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text('legal_name,country,national_id,sector_classification,sector_code,latitude,longitude\n'
                    f'A,BR,{cnpj(9)},isic4,1610,"51,48","-0,128"\n')
    runner = CliRunner()
    refused = runner.invoke(app, ["import", "enterprises", str(path), "--quiet"])
    assert refused.exit_code == 1 and "row 2, latitude:" in refused.stderr
    result = runner.invoke(app, ["import", "enterprises", str(path), "--quiet", "--decimal", "comma"])
    assert result.exit_code == 0, result.output
    assert "decimal comma" in result.stdout
    assert Enterprise.objects.get(national_id=cnpj(9)).longitude == -0.128


def test_upload_form_decimal_choice(world, client_for):
    client = client_for(world.users["agency-admin"])
    data = (b'legal_name,country,national_id,sector_classification,sector_code,latitude,longitude\n'
            + f'A,BR,{cnpj(8)},isic4,1610,"51,48","-0,128"\n'.encode())
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("f.csv", data), "decimal": ","})
    batch = ImportBatch.objects.get()
    assert batch.decimal_separator == "," and batch.preview["counts"]["errors"] == 0
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-decimal"' in html and "decimal comma" in html
    page = client.get("/enterprises/import/").content.decode()
    assert 'name="decimal"' in page
