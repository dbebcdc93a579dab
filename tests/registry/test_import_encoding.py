"""Issue 8, item 1: what an import file's bytes may become. A CSV is read as UTF-8 (with or without a
BOM), UTF-16 (with a BOM), or else Windows-1252 (as Excel saves it in Brazil), and the page and the CLI
say which; a file that is none of these is refused. Nothing undecodable ever reaches the database, and
one bad row never blocks a backup (`triplec doctor` cleans databases written before)."""

from __future__ import annotations

import json
import re
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import cnpj
from typer.testing import CliRunner

from triplec.cli import app
from triplec.core.text import has_lone_surrogates
from triplec.registry.importing.reading import read_table
from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch

BRAZIL_1252 = ("Razão social;País;CNPJ;Classificação;CNAE\n"
               f"Serraria São João;BR;{cnpj(1)};isic4;1610\n").encode("cp1252")
RANDOM_BYTES = bytes(range(256)) * 3 + b"\x81\x00\xfe\xff\x90"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.nodb
def test_windows_1252_is_detected_when_the_file_is_not_utf8():
    table = read_table(BRAZIL_1252)
    assert table.errors == []
    assert table.columns == ["Razão social", "País", "CNPJ", "Classificação", "CNAE"]
    assert table.rows == [(2, ["Serraria São João", "BR", cnpj(1), "isic4", "1610"])]
    assert (table.encoding, table.encoding_detected) == ("cp1252", True)
    utf8 = read_table("Razão social\nAção\n".encode())
    assert (utf8.encoding, utf8.encoding_detected, utf8.rows) == ("utf-8", False, [(2, ["Ação"])])


@pytest.mark.nodb
def test_random_bytes_named_csv_are_refused_with_a_clear_message():
    table = read_table(RANDOM_BYTES, filename="firms.csv")
    assert [(e.row, e.field) for e in table.errors] == [(0, "")]
    assert "not a text file" in table.errors[0].reason
    assert table.columns == [] and table.rows == []


@pytest.mark.nodb
def test_a_file_mixing_utf8_and_other_bytes_names_the_bad_cells_without_keeping_them():
    data = "name,city\nAção,Paris\nB,Orl".encode() + b"\xe9ans\n"
    table = read_table(data)
    assert [(e.row, e.field) for e in table.errors] == [(3, "city")]
    assert "bad encoding at row 3" in table.errors[0].reason
    assert not has_lone_surrogates([table.columns, table.rows, [e.reason for e in table.errors]])


@pytest.mark.nodb
def test_an_explicit_encoding_that_does_not_fit_is_a_file_error():
    table = read_table("a\nÉ\n\n".encode("cp1252"), encoding="utf-16")  # an odd number of bytes
    assert table.errors and table.errors[0].row == 0
    table = read_table(b"a\n\x81\n", encoding="cp1252")
    assert table.errors[0].row == 0 and "line 2" in table.errors[0].reason


@pytest.mark.nodb
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), encoding=st.sampled_from([None, "utf-8", "cp1252", "latin-1", "utf-16"]))
def test_no_bytes_ever_give_undecodable_text(data, encoding):
    table = read_table(data, fmt="csv", encoding=encoding)
    assert not has_lone_surrogates([table.columns, table.rows, [(e.field, e.reason) for e in table.errors]])


def _upload(client, data: bytes, name: str):
    return client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _backup_with_the_cli(tmp_path) -> list[dict]:
    archive = tmp_path / "backup.tar.gz"
    result = CliRunner().invoke(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("data.json").read().decode("utf-8"))


def test_windows_1252_upload_is_read_and_says_so_then_imports_and_backs_up(world, client_for, tmp_path):
    client = client_for(world.users["agency-admin"])
    response = _upload(client, BRAZIL_1252, "firmas.csv")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Windows-1252 (detected)" in html and "Razão social" in html
    batch = ImportBatch.objects.get()
    assert batch.preview["encoding"] == "cp1252" and batch.preview["counts"]["errors"] == 0
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert Enterprise.objects.get(national_id=cnpj(1)).legal_name == "Serraria São João"
    records = _backup_with_the_cli(tmp_path)
    assert any(r["model"] == "registry.importbatch" for r in records)


def test_random_bytes_upload_is_refused_and_backup_still_works(world, client_for, tmp_path):
    client = client_for(world.users["agency-admin"])
    response = _upload(client, RANDOM_BYTES, "random.csv")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "not a text file" in page.content.decode()
    batch = ImportBatch.objects.get()
    assert not has_lone_surrogates(batch.preview)
    records = _backup_with_the_cli(tmp_path)
    assert [r["pk"] for r in records if r["model"] == "registry.importbatch"] == [str(batch.pk)]


def test_cli_import_says_which_encoding_it_used(world, tmp_path):
    path = tmp_path / "firmas.csv"
    path.write_bytes(BRAZIL_1252)
    result = CliRunner().invoke(app, ["import", "enterprises", str(path), "--quiet", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "File: 1 data rows (csv, Windows-1252, detected, decimal comma)" in result.stdout
    path.write_bytes(RANDOM_BYTES)
    result = CliRunner().invoke(app, ["import", "enterprises", str(path), "--quiet"])
    assert result.exit_code == 1 and "not a text file" in result.stderr


# Databases written before the fix ----------------------------------------------------------------

def _store_undecodable_preview(world) -> ImportBatch:
    """What an upload left before the fix: lone surrogates (escaped in the JSON) in its preview."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's jsonb refuses lone surrogates: such rows exist only in SQLite databases")
    batch = ImportBatch(uploaded_by=world.users["agency-admin"], original_name="old.csv", file="imports/x.csv",
                        preview={"columns": ["Raz\udce3o social"], "mapping": {"Raz\udce3o social": ""},
                                 "errors": [{"row": 1, "field": "Raz\udce3o social", "reason": "x"}]})
    batch.save()
    return batch


def test_backup_is_not_blocked_by_a_row_holding_undecodable_text(world, tmp_path):
    _store_undecodable_preview(world)
    records = _backup_with_the_cli(tmp_path)
    preview = next(r for r in records if r["model"] == "registry.importbatch")["fields"]["preview"]
    assert preview["columns"] == ["Raz\ufffdo social"]


def test_doctor_cleans_rows_holding_undecodable_text(world, client_for):
    batch = _store_undecodable_preview(world)
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert re.search(r"registry\.importbatch.*1 row", result.stdout)
    batch.refresh_from_db()
    assert batch.preview["columns"] == ["Raz\ufffdo social"]
    assert batch.preview["mapping"] == {"Raz\ufffdo social": ""}
    assert client_for(world.users["agency-admin"]).get(f"/enterprises/import/{batch.pk}/").status_code == 200
    again = CliRunner().invoke(app, ["doctor"])
    assert again.exit_code == 0 and "nothing to clean" in again.stdout.lower()


def test_the_migration_cleans_uploads_stored_before(world):
    import importlib

    from django.apps import apps

    batch = _store_undecodable_preview(world)
    migration = importlib.import_module("triplec.registry.migrations.0006_clean_undecodable_import_text")
    migration.clean(apps, None)
    batch.refresh_from_db()
    assert batch.preview["errors"][0]["field"] == "Raz\ufffdo social" and not has_lone_surrogates(batch.preview)
