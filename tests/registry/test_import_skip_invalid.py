"""Issue 8, item 15: an explicit choice beside all-or-nothing (still the default): import the valid
rows and get the rejected ones back as a CSV with a reason column; on the service, the CLI, the
upload page and for background imports."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import cnpj
from typer.testing import CliRunner

from triplec.cli import app
from triplec.core.tasks import run_pending
from triplec.registry.importing import ImportRejected, commit_import
from triplec.registry.importing.rejected import rejected_csv
from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch

HEADER = "legal_name;country;national_id;sector_classification;sector_code;employees\n"
SK = {n: cnpj(n) for n in range(1, 5)}  # the file's four firms
FILE = (HEADER + f"Serraria Um;BR;{SK[1]};isic4;1610;12\n"
        f"Serraria Dois;BR;{SK[2]};isic4;9999;3\n"           # row 3: unknown code
        f"=Serraria Três;BR;{SK[3]};isic4;1610;1,500\n"      # row 4: ambiguous number (and a formula-like name)
        f"Serraria Quatro;BR;{SK[4]};isic4;1610;\n").encode()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read_rejected(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_all_or_nothing_stays_the_default_and_skip_invalid_writes_the_valid_rows(world):
    with pytest.raises(ImportRejected):
        commit_import(None, FILE)
    assert not Enterprise.objects.filter(national_id__in=SK.values()).exists()
    result = commit_import(None, FILE, skip_invalid=True)
    assert (result.created, [(e.row, e.field) for e in result.rejected]) == (2, [(3, "sector_code"), (4, "employees")])
    assert sorted(Enterprise.objects.filter(national_id__in=SK.values()).values_list("national_id", flat=True)) \
        == [SK[1], SK[4]]
    rows = read_rejected(rejected_csv(result))
    assert rows[0] == HEADER.strip().split(";") + ["reason"]
    assert [r[2] for r in rows[1:]] == [SK[2], SK[3]]
    assert rows[1][-1].startswith("row 3, sector_code: ") and "thousands separator" in rows[2][-1]
    assert rows[2][0] == "'=Serraria Três"  # kept safe for spreadsheets; the import takes the guard off again


def test_a_file_level_error_still_rejects_everything(world):
    with pytest.raises(ImportRejected):
        commit_import(None, b"legal_name;country\nA;BR\n", skip_invalid=True)


def test_cli_skip_invalid_writes_the_rejected_file(world, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_bytes(FILE)
    rejected = tmp_path / "out" / "rejected.csv"
    result = CliRunner().invoke(app, ["import", "enterprises", str(path), "--quiet", "--skip-invalid",
                                      "--rejected", str(rejected)])
    assert result.exit_code == 0, result.output
    assert "Imported: 2 created" in result.stdout and f"2 rows rejected: written to {rejected}" in result.stdout
    assert [r[2] for r in read_rejected(rejected.read_bytes())[1:]] == [SK[2], SK[3]]


def _upload(client):
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("firms.csv", FILE)})
    return ImportBatch.objects.get(), response["Location"]


def _import_valid_rows_on_the_page(client, batch, location):
    html = client.get(location).content.decode()
    assert 'data-testid="confirm-import-valid"' in html
    return client.post(f"/enterprises/import/{batch.pk}/confirm/", {"skip_invalid": "1"}, follow=True)


def test_upload_page_imports_the_valid_rows_and_offers_the_rejected_ones(world, client_for):
    client = client_for(world.users["programme-officer"])
    batch, location = _upload(client)
    html = _import_valid_rows_on_the_page(client, batch, location).content.decode()
    assert Enterprise.objects.filter(national_id__in=SK.values()).count() == 2
    assert 'data-testid="download-rejected"' in html
    download = client.get(f"/enterprises/import/{batch.pk}/rejected.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert [r[2] for r in read_rejected(b"".join(download.streaming_content))[1:]] == [SK[2], SK[3]]
    other = client_for(world.users["agency-admin"])
    assert other.get(f"/enterprises/import/{batch.pk}/rejected.csv").status_code == 404


def test_background_import_of_the_valid_rows(world, client_for, settings):
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = 1
    client = client_for(world.users["programme-officer"])
    batch, location = _upload(client)
    assert run_pending() == 1  # the check
    _import_valid_rows_on_the_page(client, batch, location)
    assert run_pending() == 1  # the import
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.result["rejected"] == 2
    assert Enterprise.objects.filter(national_id__in=SK.values()).count() == 2
    html = client.get(location).content.decode()
    assert 'data-testid="download-rejected"' in html
    assert client.get(f"/enterprises/import/{batch.pk}/rejected.csv").status_code == 200


def test_background_import_writes_the_rejected_rows_in_the_uploaders_language(world, client_for, settings):
    """A Brazilian officer's rejected-rows file says why in Portuguese, although the worker that wrote it
    runs with the platform's default language."""
    from django.utils import translation

    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = 1
    client = client_for(world.users["programme-officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
    batch, location = _upload(client)
    with translation.override("en"):
        assert run_pending() == 1  # the check
    _import_valid_rows_on_the_page(client, batch, location)
    with translation.override("en"):
        assert run_pending() == 1  # the import
    download = client.get(f"/enterprises/import/{batch.pk}/rejected.csv")
    rows = read_rejected(b"".join(download.streaming_content))
    assert rows[0][-1] == "motivo"
    assert rows[1][-1].startswith("linha 3, sector_code: ") and "separador de milhares" in rows[2][-1], rows
