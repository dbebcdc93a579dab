"""Issue 8, item 14 (imports): a file with a header and no rows is an error, not "0 created"; an XLSX
formula with no saved value is named as such, not as a missing field."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from tests.conftest import cnpj
from typer.testing import CliRunner

from triplec.cli import app
from triplec.registry.importing import validate_import

HEADER = "legal_name,country,national_id,sector_classification,sector_code\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_header_only_file_says_it_has_no_rows(world, client_for, tmp_path):
    preview = validate_import(None, HEADER.encode())
    assert [(e.row, e.reason) for e in preview.errors] == [(0, "the file has no data rows: only a header")]
    path = tmp_path / "empty.csv"
    path.write_text(HEADER)
    result = CliRunner().invoke(app, ["import", "enterprises", str(path), "--quiet"])
    assert result.exit_code == 1 and "no data rows" in result.stderr and "Imported" not in result.stdout
    client = client_for(world.users["agency-admin"])
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("empty.csv", HEADER.encode())})
    assert "the file has no data rows" in client.get(response["Location"]).content.decode()


def test_an_xlsx_formula_without_a_saved_value_is_named(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Serraria", "BR", cnpj(1), "isic4", "1610"])
    sheet.append(['=CONCAT("Serr","aria")', "BR", cnpj(2), "isic4", "=1000+610"])
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl saves formulas without their values, as a script would
    preview = validate_import(None, buffer.getvalue())
    assert [(e.row, e.field) for e in preview.errors] == [(3, "legal_name"), (3, "sector_code")]
    assert all("formula" in e.reason and "no saved value" in e.reason for e in preview.errors), preview.errors
    assert "=1000+610" in preview.errors[1].reason
