"""Stale uploads: files of web uploads never imported are deleted after the retention
(TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS), never while a task of theirs is queued or running; their pages
then say the file has expired. Hourly from the worker loop's housekeeping, and `triplec import purge-uploads`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from tests.conftest import cnpj
from typer.testing import CliRunner

from triplec.cli import app
from triplec.core import tasks as queue
from triplec.core.models import BackgroundTask
from triplec.registry.importing import batches
from triplec.registry.models_import import ImportBatch

TEXT = f"legal_name,country,national_id,sector_classification,sector_code\nFirma 1,BR,{cnpj(1)},isic4,1610\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploaded(world, days_old: float, name="firms.csv", checked=True) -> ImportBatch:
    officer = world.users["programme-officer"]
    batch = ImportBatch(uploaded_by=officer, original_name=name)
    batch.file.save(name, ContentFile(TEXT.encode()), save=False)
    if checked:
        batches.check(batch, officer)
    batch.save()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    batch.refresh_from_db()
    return batch


def on_disk(batch: ImportBatch) -> bool:
    return Path(batch.file.path).is_file()


def test_old_unconfirmed_file_removed_recent_imported_and_busy_ones_kept(world, settings):
    settings.TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS = 7
    old, recent = uploaded(world, 8, "old.csv"), uploaded(world, 6, "recent.csv")
    imported = uploaded(world, 30, "imported.csv")
    ImportBatch.objects.filter(pk=imported.pk).update(status=ImportBatch.Status.IMPORTED)
    queued, running = uploaded(world, 30, "queued.csv"), uploaded(world, 30, "running.csv")
    batches.queue_check(queued, queued.uploaded_by)
    task = batches.queue_check(running, running.uploaded_by)
    BackgroundTask.objects.filter(pk=task.pk).update(status=BackgroundTask.Status.RUNNING)
    failed = uploaded(world, 30, "failed.csv")  # its check task failed: nothing keeps it
    task = batches.queue_check(failed, failed.uploaded_by)
    BackgroundTask.objects.filter(pk=task.pk).update(status=BackgroundTask.Status.FAILED, finished_at=timezone.now())
    paths = {b.original_name: Path(b.file.path) for b in (old, recent, imported, queued, running, failed)}

    purged = batches.purge_stale_uploads()

    assert sorted(b.original_name for b in purged) == ["failed.csv", "old.csv"]
    assert {name: path.is_file() for name, path in paths.items()} == {
        "old.csv": False, "failed.csv": False, "recent.csv": True, "imported.csv": True,
        "queued.csv": True, "running.csv": True}
    old.refresh_from_db()
    assert not old.file and old.status == ImportBatch.Status.CHECKED and old.preview["counts"]["rows"] == 1
    assert batches.purge_stale_uploads() == []  # nothing left to do
    assert [b.original_name for b in batches.purge_stale_uploads(timedelta(days=5))] == ["recent.csv"]


def test_the_page_of_an_expired_upload_says_so_and_confirm_does_not_fail(world, client_for):
    batch = uploaded(world, 8)
    client = client_for(world.users["programme-officer"])
    url = reverse("enterprise_import_preview", args=[batch.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="import-expired"' not in html and 'data-testid="confirm-import" ' in html

    batches.purge_stale_uploads()
    html = client.get(url).content.decode()
    assert 'data-testid="import-expired"' in html
    assert "The uploaded file has expired: upload it again." in html
    assert 'data-testid="mapping-form"' not in html and "disabled" in html
    response = client.post(reverse("enterprise_import_confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "The uploaded file has expired: upload it again." in response.content.decode()
    response = client.post(url, {"col_0": "legal_name"}, follow=True)
    assert response.status_code == 200 and "The uploaded file has expired" in response.content.decode()


def test_a_file_lost_from_the_disk_reads_as_expired_not_a_server_error(world, client_for):
    batch = uploaded(world, 0)
    Path(batch.file.path).unlink()
    client = client_for(world.users["programme-officer"])
    response = client.post(reverse("enterprise_import_confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert 'data-testid="import-expired"' in response.content.decode()


def test_the_worker_housekeeping_purges_at_most_once_an_hour(world):
    queue.load_task_modules()
    assert "registry.purge_stale_uploads" in queue._HOUSEKEEPING
    first = uploaded(world, 8, "first.csv")
    assert on_disk(first)
    queue._housekeeping_last.pop("registry.purge_stale_uploads", None)
    assert "registry.purge_stale_uploads" in queue.run_due_housekeeping(now=10_000.0)
    assert not on_disk(first) and not ImportBatch.objects.get(pk=first.pk).file
    second = uploaded(world, 8, "second.csv")
    assert "registry.purge_stale_uploads" not in queue.run_due_housekeeping(now=10_000.0 + 3599)
    assert ImportBatch.objects.get(pk=second.pk).file
    assert "registry.purge_stale_uploads" in queue.run_due_housekeeping(now=10_000.0 + 3600)
    assert not ImportBatch.objects.get(pk=second.pk).file


def test_cli_prints_what_it_removed(world):
    old, recent = uploaded(world, 3, "old.csv"), uploaded(world, 1, "recent.csv")
    result = CliRunner().invoke(app, ["import", "purge-uploads", "--days", "2"])
    assert result.exit_code == 0, result.output
    assert f"Removed the file of 'old.csv' (upload {old.pk}" in result.stdout
    assert "by programme-officer" in result.stdout and "recent.csv" not in result.stdout
    assert "1 upload file(s) older than 2 day(s) removed." in result.stdout
    assert not ImportBatch.objects.get(pk=old.pk).file and ImportBatch.objects.get(pk=recent.pk).file
    result = CliRunner().invoke(app, ["import", "purge-uploads"])  # default retention: 7 days
    assert result.exit_code == 0 and "0 upload file(s) older than 7 day(s) removed." in result.stdout
