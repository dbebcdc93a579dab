"""Background tasks of the register: checking and writing a big import file uploaded on the web pages.

Both run as the user who uploaded the file (their permissions, their name in the history). The import
task writes every row in one transaction or none, and removes the uploaded file when it ends, whatever
the outcome; row errors end it as failed with "Nothing was imported", and the batch's page lists them
(row, field, reason) as the check does. See `triplec.registry.importing.batches` for the states.
"""

from __future__ import annotations

from django.db import connection

from triplec.core.tasks import TaskStopped, housekeeping, task

from .importing import batches
from .importing import messages as msg
from .importing.errors import ImportRejected
from .models_import import ImportBatch

# Retries and time limits per kind: a check only reads (run again once after an unexpected error); a
# commit removes its file whatever the outcome, so it is never retried.
CHECK_TIME_LIMIT_SECONDS = 3600
COMMIT_TIME_LIMIT_SECONDS = 3 * 3600


class ImportNotWritten(TaskStopped):
    """The import found row errors: nothing was written. The task ends failed with this message and
    no traceback (the file is wrong, the platform is not)."""


def _batch(batch_id: str) -> ImportBatch:
    return ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)


def _reporter(batch: ImportBatch, stages: dict[str, int], progress) -> batches.ProgressReporter:
    """Progress to the task row only outside the import's own transaction (where nobody else could
    see it, and on PostgreSQL it would lock the task row until the end), to the file always."""
    depth = len(connection.atomic_blocks)
    return batches.ProgressReporter(batch, stages, to_task=progress,
                                    in_transaction=lambda: len(connection.atomic_blocks) > depth)


@task(takes_context=True, max_attempts=2, time_limit=CHECK_TIME_LIMIT_SECONDS)
def import_check(context, batch_id: str) -> dict:
    """Check an uploaded file (nothing is written) and keep the preview on its batch."""
    progress = context.progress
    batch = _batch(batch_id)
    reporter = _reporter(batch, batches.CHECK_STAGES, progress)
    try:
        preview = batches.check(batch, batch.uploaded_by, progress=reporter)
        batch.save(update_fields=["file_format", "preview"])
    finally:
        reporter.close()
    progress(batches.TOTAL, batches.TOTAL,
             msg.CHECKED % {"rows": f"{preview.rows:,}", "errors": f"{len(preview.errors):,}"})
    return preview.counts()


@task(takes_context=True, max_attempts=1, time_limit=COMMIT_TIME_LIMIT_SECONDS)
def import_commit(context, batch_id: str, skip_invalid: bool = False) -> dict:
    """Write an uploaded file: checked again, then all rows in one transaction, or none (or, with
    `skip_invalid`, the valid rows, the others kept as a file of rejected rows)."""
    progress = context.progress
    batch = _batch(batch_id)
    reporter = _reporter(batch, batches.COMMIT_STAGES, progress)
    try:
        result = batches.commit(batch, batch.uploaded_by, progress=reporter, skip_invalid=skip_invalid)
    except ImportRejected as exc:
        errors = len(exc.preview.errors)
        message = msg.NOT_IMPORTED_ONE if errors == 1 else msg.NOT_IMPORTED
        raise ImportNotWritten(message % {"errors": f"{errors:,}"}) from None
    finally:
        reporter.close()
        batches.remove_file(batch)
    progress(batches.TOTAL, batches.TOTAL, msg.IMPORTED % {  # the same words as result.describe()
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "memberships": result.memberships, "territories": result.territories})
    return dict(batch.result)


@housekeeping("registry.purge_stale_uploads", every_seconds=3600)
def purge_stale_uploads() -> int:
    """Hourly in every worker loop: delete the files of uploads never imported, after the retention."""
    return len(batches.purge_stale_uploads())
