"""Big web imports run as background tasks: above TRIPLEC_IMPORT_BACKGROUND_ROWS the upload queues a
check, "Confirm" queues the import; the batch's page shows a progress bar, then the outcome or the row
errors. One transaction (all or none), progress recorded, the uploaded file removed at the end, and
only the uploader sees the batch. The queue runs here with `run_pending` (no worker thread)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.conftest import cnpj

from triplec.core.models import BackgroundTask
from triplec.core.tasks import call_now, run_pending
from triplec.registry import tasks
from triplec.registry.importing import batches, service, writer
from triplec.registry.importing.reading import estimate_rows
from triplec.registry.models import Enterprise, Membership
from triplec.registry.models_import import ImportBatch

HEADER = "legal_name,country,national_id,sector_classification,sector_code,employees\n"
THRESHOLD = 5


def rows(n: int, start: int = 1) -> str:
    return "".join(f"Firma {i},BR,{cnpj(7000 + i)},isic4,1610,{i}\n" for i in range(start, start + n))


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = THRESHOLD


def upload(client, text: str, name="big.csv"):
    return client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def count(html: str, what: str) -> int:
    return int(re.search(rf'data-count="{what}">([\d,]+)<', html).group(1).replace(",", ""))


def page_state(html: str) -> str:
    return re.search(r'data-testid="import-title" data-state="([\w-]+)"', html).group(1)


def test_big_file_is_checked_then_imported_in_the_background(world, client_for):
    officer = world.users["programme-officer"]
    client = client_for(officer)
    response = upload(client, HEADER + rows(12))
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/enterprises/import/{batch.pk}/"
    check = BackgroundTask.objects.get()
    assert (check.name, check.status, check.arguments, check.created_by) == (
        "triplec.registry.tasks.import_check", "queued", {"batch_id": str(batch.pk), "_language": "en"}, officer)
    assert batch.preview == {}

    # While queued: a polling progress bar, no counts, no confirm button.
    html = client.get(response["Location"]).content.decode()
    assert page_state(html) == "checking"
    assert f'hx-get="/enterprises/import/{batch.pk}/progress/"' in html and "Waiting for a worker" in html
    assert 'data-testid="confirm-import"' not in html and 'data-testid="import-counts"' not in html

    assert run_pending() == 1
    html = client.get(response["Location"]).content.decode()
    assert page_state(html) == "checked" and 'id="import-progress"' not in html
    assert count(html, "create") == 12 and count(html, "errors") == 0
    assert not re.search(r'data-testid="confirm-import"[^>]*disabled', html)
    assert not Enterprise.objects.filter(legal_name__startswith="Firma ").exists()

    response = client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert response.status_code == 302
    client.post(f"/enterprises/import/{batch.pk}/confirm/")  # a second click queues nothing more
    commit = BackgroundTask.objects.get(name="triplec.registry.tasks.import_commit")
    html = client.get(f"/enterprises/import/{batch.pk}/").content.decode()
    assert page_state(html) == "importing" and "register is unchanged" in html
    assert 'data-testid="confirm-import"' not in html and 'data-testid="mapping-form"' not in html
    assert not Enterprise.objects.filter(legal_name__startswith="Firma ").exists()
    stored = batch.file.path

    assert run_pending() == 1
    commit.refresh_from_db()
    assert commit.status == "done" and commit.result == {"created": 12, "updated": 0, "unchanged": 0,
                                                           "memberships": 0, "territories": 0}
    assert (commit.progress_done, commit.progress_total, commit.percent) == (1000, 1000, 100)
    assert Enterprise.objects.filter(legal_name__startswith="Firma ").count() == 12
    assert Enterprise.objects.get(national_id=cnpj(7007)).history.get().history_user == officer
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.result["created"] == 12
    assert not batch.file and not Path(stored).exists()
    assert not batches.progress_path(batch).exists()
    html = client.get(f"/enterprises/import/{batch.pk}/").content.decode()
    assert page_state(html) == "imported" and 'data-testid="import-result"' in html
    assert "12 created, 0 updated, 0 unchanged" in html

    # The polled fragment, once finished, makes htmx reload the page; the upload page lists the state.
    fragment = client.get(f"/enterprises/import/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and 'data-state="imported"' in fragment.content.decode()
    assert 'data-state="imported"' in client.get("/enterprises/import/").content.decode()


def test_small_file_stays_within_the_request(world, client_for):
    client = client_for(world.users["agency-admin"])
    upload(client, HEADER + rows(THRESHOLD))
    batch = ImportBatch.objects.get()
    assert batch.preview["counts"]["create"] == THRESHOLD and not BackgroundTask.objects.exists()
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert Enterprise.objects.filter(legal_name__startswith="Firma ").count() == THRESHOLD
    assert not BackgroundTask.objects.exists() and batch.file.storage.exists(batch.file.name)


def _checked_batch(user, text: str) -> ImportBatch:
    """An upload checked in the background, as the upload page leaves it."""
    batch = ImportBatch(uploaded_by=user, original_name="big.csv")
    batch.file.save("big.csv", io.BytesIO(text.encode("utf-8")), save=True)
    batches.queue_check(batch, user)
    run_pending()
    batch.refresh_from_db()
    return batch


def test_a_row_that_went_bad_after_the_check_stops_the_whole_import(world, client_for):
    """An association manager's file updates a member in the middle; the membership ends between the
    check and the import: that row is refused, and none of the 10 others is written."""
    manager = world.users["association-manager"]
    a1 = world.ent_a1
    text = HEADER + rows(5) + f"{a1.legal_name},BR,{a1.national_id},isic4,1610,99\n" + rows(5, start=6)
    batch = _checked_batch(manager, text)
    assert batch.preview["counts"] == {"rows": 11, "create": 10, "update": 1, "unchanged": 0, "memberships": 10,
                                       "territories": 0, "errors": 0}
    stored = batch.file.path
    Membership.objects.filter(enterprise=a1, association=world.assoc_a).update(end_date=date(2024, 12, 31))

    client = client_for(manager)
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    run_pending()
    task = batches.latest_task(batch)
    assert task.status == "failed"
    assert task.message.startswith("Nothing was imported: the file has 1 error ")
    assert task.error == ""  # a wrong file is not a crash: no traceback kept
    assert not Enterprise.objects.filter(legal_name__startswith="Firma ").exists()
    a1.refresh_from_db()
    assert a1.employees == 12
    batch.refresh_from_db()
    assert [(e["row"], e["field"]) for e in batch.preview["errors"]] == [(7, "national_id")]
    assert "cannot be added by you" in batch.preview["errors"][0]["reason"]  # a1 left the association
    assert batch.status == "checked" and not batch.file and not Path(stored).exists()

    html = client.get(f"/enterprises/import/{batch.pk}/").content.decode()
    assert page_state(html) == "not-imported" and 'data-testid="import-failed"' in html
    assert 'data-row="7" data-field="national_id"' in html and "upload it again" in html
    assert 'data-testid="confirm-import"' not in html and 'data-testid="mapping-form"' not in html
    client.post(f"/enterprises/import/{batch.pk}/confirm/")  # refused: the file is gone
    assert BackgroundTask.objects.filter(name="triplec.registry.tasks.import_commit").count() == 1


def test_a_failure_while_writing_rolls_back_what_was_already_written(world, monkeypatch):
    """The writing goes in batches; the second batch fails (a fault injected into the writer): the first
    batch's rows are rolled back with it, the batch stays unimported and its file is removed."""
    officer = world.users["programme-officer"]
    batch = _checked_batch(officer, HEADER + rows(12))
    monkeypatch.setattr(service, "WRITE_BATCH", 4)
    inserts = []
    real_insert = writer.insert

    def failing_insert(model, rows, info):
        inserts.append(len(rows))
        if len(inserts) == 2:
            assert Enterprise.objects.filter(legal_name__startswith="Firma ").count() == 4  # first batch is in
            raise RuntimeError("disk full")
        return real_insert(model, rows, info)

    monkeypatch.setattr(writer, "insert", failing_insert)
    batches.queue_commit(batch, officer)
    run_pending()
    task = batches.latest_task(batch)
    assert (task.status, task.message) == ("failed", "disk full") and inserts == [4, 4]
    assert not Enterprise.objects.filter(legal_name__startswith="Firma ").exists()
    assert not Enterprise.history.filter(legal_name__startswith="Firma ").exists()
    batch.refresh_from_db()
    assert batch.status == "checked" and not batch.file


def test_progress_goes_to_the_task_outside_the_transaction_and_to_the_file_always(world, monkeypatch):
    officer = world.users["programme-officer"]
    batch = _checked_batch(officer, HEADER + rows(12))
    monkeypatch.setattr(service, "WRITE_BATCH", 5)
    monkeypatch.setattr(batches, "FILE_INTERVAL", 0)
    to_task: list[tuple] = []
    in_file: list[dict] = []
    real_write = batches.ProgressReporter._write_file

    def spy_write(self):
        real_write(self)
        in_file.append(json.loads(self.path.read_text()))

    monkeypatch.setattr(batches.ProgressReporter, "_write_file", spy_write)
    result = call_now(tasks.import_commit, lambda done, total, message="": to_task.append((done, total, message)),
                      batch_id=str(batch.pk))
    assert result["created"] == 12

    messages = [m["message"] for m in in_file]
    assert messages[0] == "Reading the file" and "Checked 12 of 12 rows" in messages
    assert "Comparing 12 rows with the register" in messages
    assert [m for m in messages if m.startswith("Written")] == ["Written 5 of 12 records", "Written 10 of 12 records",
                                                                "Written 12 of 12 records"]
    done = [m["done"] for m in in_file]
    assert done == sorted(done) and done[-1] == 1000 and all(m["total"] == 1000 for m in in_file)
    # The task row is told nothing from inside the import's transaction (comparing and writing)...
    assert not any("Written" in m or "Comparing" in m for *_, m in to_task)
    assert any(m == "Checked 12 of 12 rows" for *_, m in to_task)
    # ...and the outcome once it is committed.
    assert to_task[-1] == (1000, 1000, "Imported: 12 created, 0 updated, 0 unchanged; "
                                       "0 memberships and 0 territories added")
    assert not batches.progress_path(batch).exists()


def test_the_progress_fragment_shows_the_running_tasks_progress_file(world, client_for):
    officer = world.users["programme-officer"]
    batch = _checked_batch(officer, HEADER + rows(12))
    task = batches.queue_commit(batch, officer)
    BackgroundTask.objects.filter(pk=task.pk).update(status="running", progress_done=300, progress_total=1000,
                                                     message="Checked 12 of 12 rows")
    client = client_for(officer)
    fragment = client.get(f"/enterprises/import/{batch.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="import-percent">30%' in fragment and "Checked 12 of 12 rows" in fragment

    path = batches.progress_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"done": 775, "total": 1000, "message": "Written 6 of 12 records"}))
    response = client.get(f"/enterprises/import/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'data-testid="import-percent">77%' in fragment and "Written 6 of 12 records" in fragment
    assert '<progress value="77" max="100"' in fragment and "HX-Refresh" not in response
    assert f'hx-get="/enterprises/import/{batch.pk}/progress/"' in fragment


@pytest.mark.parametrize("role, status", [
    ("agency-admin", 404), ("association-manager", 404), ("other-association-manager", 404),
    ("broker", 403), ("evaluator", 403), ("enterprise-user", 403), ("other-enterprise-user", 403),
])
def test_only_the_uploader_sees_a_background_import(world, client_for, role, status):
    officer = world.users["programme-officer"]
    batch = _checked_batch(officer, HEADER + rows(12))
    batches.queue_commit(batch, officer)
    other = client_for(world.users[role])
    for url in (f"/enterprises/import/{batch.pk}/", f"/enterprises/import/{batch.pk}/progress/"):
        response = other.get(url)
        assert response.status_code == status, url
        assert "Firma" not in response.content.decode()
    assert other.post(f"/enterprises/import/{batch.pk}/confirm/").status_code == status
    assert client_for(officer).get(f"/enterprises/import/{batch.pk}/progress/").status_code == 200
    anonymous = client_for(None).get(reverse("enterprise_import_progress", args=[batch.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_recheck_of_a_big_file_with_other_columns_runs_in_the_background(world, client_for):
    officer = world.users["programme-officer"]
    text = "Nome;CNPJ;CNAE\n" + "".join(f"Firma {i};{cnpj(8000 + i, formatted=True)};1610\n" for i in range(8))
    client = client_for(officer)
    upload(client, text)
    run_pending()
    batch = ImportBatch.objects.get()
    assert batch.preview["counts"]["errors"] > 0  # no column is recognised, no country, no classification
    response = client.post(f"/enterprises/import/{batch.pk}/", {
        "col_0": "legal_name", "col_1": "national_id", "col_2": "sector_code", "classification": "isic4",
        "country": "BR", "encoding": ""})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.preview == {} and batches.latest_task(batch).status == "queued"
    assert page_state(client.get(f"/enterprises/import/{batch.pk}/").content.decode()) == "checking"
    run_pending()
    batch.refresh_from_db()
    assert batch.preview["counts"]["errors"] == 0 and batch.preview["counts"]["create"] == 8


def test_a_check_task_that_fails_says_why(world, client_for):
    officer = world.users["programme-officer"]
    client = client_for(officer)
    upload(client, HEADER + rows(12))
    batch = ImportBatch.objects.get()
    batch.file.storage.delete(batch.file.name)  # lost from the disk before the worker got to it
    run_pending()
    html = client.get(f"/enterprises/import/{batch.pk}/").content.decode()
    assert page_state(html) == "check-failed" and 'data-testid="check-failed"' in html
    assert "the uploaded file &#x27;big.csv&#x27; is missing from the server&#x27;s data folder; upload it again" in html
    assert str(batch.file.storage.location) not in html
    assert client.post(f"/enterprises/import/{batch.pk}/confirm/").status_code == 302
    assert not BackgroundTask.objects.filter(name="triplec.registry.tasks.import_commit").exists()


@pytest.mark.nodb
def test_row_estimates_of_each_format():
    import pandas as pd

    csv = (HEADER + rows(30)).encode()
    assert estimate_rows(csv) == 30
    assert estimate_rows(csv.rstrip(b"\n")) == 30
    assert estimate_rows(b"") == 0
    frame = pd.read_csv(io.BytesIO(csv))
    xlsx, parquet = io.BytesIO(), io.BytesIO()
    frame.to_excel(xlsx, index=False)
    frame.to_parquet(parquet, index=False)
    assert estimate_rows(xlsx.getvalue()) == 30
    assert estimate_rows(parquet.getvalue()) == 30
    assert estimate_rows(b"PK\x03\x04 damaged") == 0 and estimate_rows(b"PAR1 damaged") == 0
