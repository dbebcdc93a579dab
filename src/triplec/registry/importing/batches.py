"""An uploaded import file (`ImportBatch`) on its way through the web pages: checked, then written.

Small files are checked and written within the request, as before. A file with more data rows than
`settings.TRIPLEC_IMPORT_BACKGROUND_ROWS` is checked by the background task `triplec.registry.tasks.import_check`
and written by "registry.import_commit" (see `triplec.registry.tasks`), while its page shows a
progress bar. Either way the writing is one transaction: all rows, or none.

States of a batch, as its page shows them (`batch_state`):

    checking -> checked -> importing -> imported
                  |            `-> not-imported (row errors, or the task failed: nothing written)
                  `-> check-failed (the check task itself failed)

The uploaded file lives under MEDIA_ROOT/imports while the batch may still be checked or written; a
background import removes it when it ends, whatever the outcome. While a task runs, its progress also
goes to a small file next to the upload (`<uuid>.progress.json`): the import's transaction keeps its
own progress writes to the database invisible to the pages (PostgreSQL) or locked out (SQLite has one
writer), and the file is on the host that holds the upload anyway.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from triplec.core.models import BackgroundTask
from triplec.registry.models_import import ImportBatch

from . import messages as msg
from .errors import ImportRejected
from .reading import estimate_rows
from .rejected import rejected_csv
from .service import ImportPreview, ImportResult, Progress, commit_import, validate_import

CHECK_TASK = "triplec.registry.tasks.import_check"  # task module paths (django.tasks), as rows store them
COMMIT_TASK = "triplec.registry.tasks.import_commit"
TASKS = (CHECK_TASK, COMMIT_TASK)
ERRORS_KEPT = 1000  # errors stored and shown per check; the total count is always shown
DEFAULT_BACKGROUND_ROWS = 2000


def background_rows() -> int:
    """Files with more data rows than this are checked and written by a background task."""
    return int(getattr(settings, "TRIPLEC_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def read_file(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise FileNotFoundError(msg.FILE_REMOVED)
    try:
        with batch.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:  # said without the server's paths
        raise FileNotFoundError(msg.FILE_MISSING % {"name": repr(batch.original_name)}) from None


def rows_of(batch: ImportBatch) -> int:
    """Data rows of the batch: counted by its last check, else estimated from the file."""
    counted = (batch.preview or {}).get("counts", {}).get("rows")
    if counted is not None:
        return int(counted)
    return estimate_rows(read_file(batch), filename=batch.original_name)


def runs_in_background(batch: ImportBatch) -> bool:
    return rows_of(batch) > background_rows()


def check(batch: ImportBatch, actor, progress: Progress | None = None) -> ImportPreview:
    """Validate the batch's file with its options and keep the preview on the batch (not saved:
    the caller saves). Nothing is written to the register."""
    preview = validate_import(actor, read_file(batch), batch.mapping or None, batch.defaults,
                              encoding=batch.encoding or None, decimal=batch.decimal_separator or None,
                              filename=batch.original_name, progress=progress)
    batch.file_format = preview.format
    batch.preview = preview.as_dict(max_errors=ERRORS_KEPT)
    return preview


def rejected_path(batch: ImportBatch) -> Path:
    """The CSV of the rows an import of the valid rows left out (kept after the upload is removed)."""
    return Path(settings.MEDIA_ROOT) / "imports" / f"{batch.pk}.rejected.csv"


def commit(batch: ImportBatch, actor, progress: Progress | None = None, skip_invalid: bool = False) -> ImportResult:
    """Check again and write every row in one transaction; the batch is marked imported in the same
    transaction. On row errors the batch keeps them as its preview and ImportRejected is raised.
    With `skip_invalid`, the valid rows are written and the others go to `rejected_path(batch)`; the
    batch's preview then lists their errors."""

    def mark_imported(result: ImportResult) -> None:
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
        batch.preview = result.preview.as_dict(max_errors=ERRORS_KEPT)
        batch.result = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                        "memberships": result.memberships, "territories": result.territories}
        if result.rejected:
            batch.result["rejected"] = result.rejected_rows
            batch.preview["errors"] = [e.as_dict() for e in result.rejected[:ERRORS_KEPT]]
            batch.preview["counts"]["errors"] = len(result.rejected)
            path = rejected_path(batch)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(rejected_csv(result))
        batch.save(update_fields=["status", "imported_at", "preview", "result"])

    try:
        result = commit_import(actor, read_file(batch), batch.mapping or None, batch.defaults,
                               encoding=batch.encoding or None, decimal=batch.decimal_separator or None,
                               filename=batch.original_name,
                               change_reason=f"import: {batch.original_name}"[:100], progress=progress,
                               skip_invalid=skip_invalid, on_written=mark_imported)
    except ImportRejected as exc:
        batch.preview = exc.preview.as_dict(max_errors=ERRORS_KEPT)
        batch.save(update_fields=["preview"])
        raise
    return result


def remove_file(batch: ImportBatch) -> None:
    """Delete the uploaded file (and any progress file); the batch keeps its name, preview and result."""
    if batch.file:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
    progress_path(batch).unlink(missing_ok=True)


# Tasks of a batch ----------------------------------------------------------------------------------

def _tasks_of(batch_ids: Iterable[str]):
    return BackgroundTask.objects.filter(name__in=TASKS, arguments__batch_id__in=[str(b) for b in batch_ids])


def latest_task(batch: ImportBatch) -> BackgroundTask | None:
    """The batch's most recent check or import task (None when it never ran in the background)."""
    return _tasks_of([batch.pk]).order_by("-created_at", "-id").first()


def latest_tasks(batches: Iterable[ImportBatch]) -> dict[str, BackgroundTask]:
    """batch id (text) -> its most recent task, for a list of batches in one query."""
    batches = list(batches)
    found: dict[str, BackgroundTask] = {}
    for task in _tasks_of([b.pk for b in batches]).order_by("created_at", "id"):
        found[str(task.arguments.get("batch_id"))] = task  # later ones win
    return found


def batch_state(batch: ImportBatch, task: BackgroundTask | None) -> str:
    """checking, checked, check-failed, importing, imported or not-imported (see the module docstring)."""
    if batch.status == ImportBatch.Status.IMPORTED:
        return "imported"
    if task is None:
        return "checked"
    if not task.finished:
        return "checking" if task.name == CHECK_TASK else "importing"
    if task.status == BackgroundTask.Status.FAILED:
        return "check-failed" if task.name == CHECK_TASK else "not-imported"
    return "checked"


def _queue(batch: ImportBatch, user, name: str, **arguments) -> BackgroundTask | None:
    """Queue `name` for the batch unless it is imported or a task of it is still queued or running
    (the batch row is locked meanwhile, so two clicks queue one task)."""
    from triplec.core.tasks import enqueue
    from triplec.registry import tasks  # imports this module: imported when queueing

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        running = _tasks_of([batch.pk]).exclude(status__in=[BackgroundTask.Status.DONE, BackgroundTask.Status.FAILED])
        if locked.status == ImportBatch.Status.IMPORTED or running.exists():
            return None
        task = tasks.import_check if name == CHECK_TASK else tasks.import_commit
        return enqueue(task, user=user, batch_id=str(batch.pk), **arguments)


def queue_check(batch: ImportBatch, user) -> BackgroundTask | None:
    return _queue(batch, user, CHECK_TASK)


def queue_commit(batch: ImportBatch, user, skip_invalid: bool = False) -> BackgroundTask | None:
    return _queue(batch, user, COMMIT_TASK, **({"skip_invalid": True} if skip_invalid else {}))


# Stale uploads ------------------------------------------------------------------------------------

DEFAULT_RETENTION_DAYS = 7


def upload_retention() -> timedelta:
    """How long the file of an upload that is never imported is kept (TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS)."""
    return timedelta(days=int(getattr(settings, "TRIPLEC_IMPORT_UPLOAD_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))


def file_present(batch: ImportBatch) -> bool:
    """The batch still has its uploaded file (not purged, removed after a background import, or lost)."""
    return bool(batch.file) and batch.file.storage.exists(batch.file.name)


def purge_stale_uploads(older_than: timedelta | None = None) -> list[ImportBatch]:
    """Delete the files of uploads never imported (checked, or whose check failed) that were made more
    than `older_than` ago (default: `upload_retention()`); the batches keep their name and last preview,
    and their pages say the file has expired. Batches with a queued or running task are left alone; each
    one is locked while it is looked at, as `_queue` locks it, so no task can be queued meanwhile.
    Returns the batches whose files were deleted."""
    cutoff = timezone.now() - (upload_retention() if older_than is None else older_than)
    candidates = (ImportBatch.objects.filter(status=ImportBatch.Status.CHECKED, created_at__lt=cutoff)
                  .exclude(file="").values_list("pk", flat=True))
    purged = []
    for pk in list(candidates):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().filter(pk=pk).first()
            busy = _tasks_of([pk]).exclude(status__in=[BackgroundTask.Status.DONE, BackgroundTask.Status.FAILED])
            if batch is None or not batch.file or batch.status != ImportBatch.Status.CHECKED or busy.exists():
                continue
            remove_file(batch)
            batch.file = ""
        purged.append(batch)
    return purged


# Progress ------------------------------------------------------------------------------------------

# Share of the bar (out of TOTAL) each stage ends at, from the stage times of 100,000-row imports of
# benchmarks/bench_import.py's file on SQLite: a check spends 17% reading, 48% checking the rows and 35%
# comparing them with the register; an import 11% reading, 22% checking, 15% comparing, 52% writing.
TOTAL = 1000
CHECK_STAGES = {"read": 150, "check": 650, "plan": 1000}
COMMIT_STAGES = {"read": 100, "check": 330, "plan": 480, "write": 1000}
FILE_INTERVAL = 0.3  # seconds between progress-file writes within a stage


@dataclass
class Live:
    """What a progress bar shows: permille done and a sentence with row counts."""

    done: int
    total: int
    message: str

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0


def progress_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"{batch.pk}.progress.json"


def stage_message(stage: str, done: int, total: int) -> str:
    """In English, as stored with the task; pages show it with `messages.shown`."""
    if stage == "read":
        return msg.READING_FILE
    if stage == "check":
        return msg.CHECKED_ROWS_OF % {"done": f"{done:,}", "total": f"{total:,}"}
    if stage == "plan":
        return msg.COMPARING % {"total": f"{total:,}"}
    if stage == "write":
        return msg.WRITTEN_OF % {"done": f"{done:,}", "total": f"{total:,}"}
    return stage


class ProgressReporter:
    """The import service's `progress(stage, done, total)` turned into one bar: `to_task(done, total,
    message)` (the queue's own, throttled, writer) while no transaction is open, and the progress file
    always (at once on a stage change, else at most every FILE_INTERVAL)."""

    def __init__(self, batch: ImportBatch, stages: dict[str, int],
                 to_task: Callable[[int, int, str], None] | None = None,
                 in_transaction: Callable[[], bool] = lambda: False):
        self.path = progress_path(batch)
        self.stages = stages
        self.to_task = to_task
        self.in_transaction = in_transaction
        self.stage = ""
        self.written_at = 0.0
        self.last = Live(0, TOTAL, "")

    def __call__(self, stage: str, done: int, total: int) -> None:
        order = list(self.stages)
        if stage not in self.stages:
            return
        start = self.stages[order[order.index(stage) - 1]] if order.index(stage) else 0
        share = done / total if total else 1.0
        self.last = Live(start + int((self.stages[stage] - start) * min(1.0, share)), TOTAL,
                         stage_message(stage, done, total))
        changed = stage != self.stage
        self.stage = stage
        if self.to_task is not None and not self.in_transaction():
            self.to_task(self.last.done, self.last.total, self.last.message)
        now = time.monotonic()
        if changed or now - self.written_at >= FILE_INTERVAL or done >= total:
            self.written_at = now
            self._write_file()

    def _write_file(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps({"done": self.last.done, "total": self.last.total,
                                       "message": self.last.message}), encoding="utf-8")
        os.replace(partial, self.path)  # readers never see half a file

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def live_progress(batch: ImportBatch, task: BackgroundTask | None) -> Live:
    """The bar of the batch's task: its progress file while it runs (fresher), else its database row."""
    if task is None:
        return Live(0, TOTAL, "")
    if task.status == BackgroundTask.Status.RUNNING:
        try:
            data = json.loads(progress_path(batch).read_text(encoding="utf-8"))
            return Live(int(data["done"]), int(data["total"]), str(data["message"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not written yet, or removed as the task ended
    done = task.progress_total if task.status == BackgroundTask.Status.DONE else task.progress_done
    return Live(done, task.progress_total, task.message)
