"""Background work through the `django.tasks` API (the `django-tasks` backport on Django 5.2), stored
and run by our own database backend, the same on SQLite and PostgreSQL.

Tasks are module-level functions made tasks by `django_tasks.task`; they take the task context, whose
`progress(done, total, message)` writes the progress row that pages poll:

    @task(takes_context=True, max_attempts=2, time_limit=600)
    def import_check(context, batch_id): ...

    import_check.enqueue(batch_id=...)           # the standard call; or, to record who queued it:
    enqueue(import_check, user=u, batch_id=...)  # -> the BackgroundTask row that pages show

Why a backend of our own rather than the `django-tasks-db` worker: that worker has no progress, no
cancel, no heartbeat (a task of a worker that died on another host stays RUNNING for ever), no retries
and no time limit. The queue (`QueueBackend`, `worker.py`) adds them behind the standard API. Each task
runs in the language of whoever queued it (the `_language` argument).
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django_tasks import TaskContext, TaskResult, TaskResultStatus, task  # noqa: F401 (task: re-exported)
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError
from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist

from .models import BackgroundTask

LANGUAGE_ARGUMENT = "_language"
_queued_by: contextvars.ContextVar = contextvars.ContextVar("triplec_task_user", default=None)
_wake_callbacks: list[Callable[[], None]] = []


@dataclasses.dataclass(frozen=True, kw_only=True)
class QueueTask(Task):
    """A task kind with its retry and time-limit policy: `max_attempts` runs in all when it raises an
    unexpected error (a `TaskStopped` is final), `time_limit` seconds per attempt (checked at each
    progress report and heartbeat: the task stops at its next report)."""

    max_attempts: int = 1
    time_limit: float | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProgressContext(TaskContext):
    """The task context with the progress writer of its row."""

    progress: Callable[..., None]


class TaskStopped(Exception):
    """Raised by a task that stops on purpose (e.g. cancelled by a user): it ends FAILED with the message,
    logged as information, without a traceback, and is not retried."""


class TaskTimedOut(TaskStopped):
    """The task ran past the time limit of its kind."""


_STATUS = {
    BackgroundTask.Status.QUEUED: TaskResultStatus.READY,
    BackgroundTask.Status.RUNNING: TaskResultStatus.RUNNING,
    BackgroundTask.Status.DONE: TaskResultStatus.SUCCESSFUL,
    BackgroundTask.Status.FAILED: TaskResultStatus.FAILED,
}


class QueueBackend(BaseTaskBackend):
    """`TASKS = {"default": {"BACKEND": "triplec.core.tasks.QueueBackend"}}`: tasks become
    `BackgroundTask` rows, run by `triplec worker` processes or the embedded worker of `triplec serve`."""

    task_class = QueueTask
    supports_get_result = True

    def validate_task(self, task: Task) -> None:
        super().validate_task(task)
        if not isinstance(task, QueueTask):
            raise InvalidTaskError("Tasks of this backend are QueueTask instances.")

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        if args:
            raise InvalidTaskError("Pass task arguments by name (they are stored by name).")
        arguments = {**kwargs, LANGUAGE_ARGUMENT: get_language()}  # the task speaks the queuer's language
        row = BackgroundTask.objects.create(name=task.module_path, arguments=arguments,
                                            created_by=_queued_by.get())
        transaction.on_commit(_wake_workers)  # a worker waiting in this process starts at once
        return self.result_of(row, task)

    def get_result(self, result_id: str) -> TaskResult:
        try:
            row = BackgroundTask.objects.get(pk=int(result_id))
        except (BackgroundTask.DoesNotExist, ValueError):
            raise TaskResultDoesNotExist(result_id) from None
        return self.result_of(row)

    def result_of(self, row: BackgroundTask, task: Task | None = None) -> TaskResult:
        from django.utils.module_loading import import_string

        arguments = {k: v for k, v in row.arguments.items() if k != LANGUAGE_ARGUMENT}
        errors = [TaskError(exception_class_path="builtins.Exception", traceback=row.error or row.message)] \
            if row.status == BackgroundTask.Status.FAILED else []
        result = TaskResult(
            task=task or import_string(row.name), id=str(row.pk), status=_STATUS[row.status],
            enqueued_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
            last_attempted_at=row.started_at, args=[], kwargs=arguments, backend=self.alias, errors=errors,
            worker_ids=[row.worker] * row.attempts if row.worker else [])
        object.__setattr__(result, "_return_value", row.result)
        return result


def _wake_workers() -> None:
    for wake in _wake_callbacks:
        wake()


def enqueue(task: QueueTask, *, user=None, **kwargs) -> BackgroundTask:
    """`task.enqueue(**kwargs)` recording `user` as the one who queued it; returns the row pages show."""
    token = _queued_by.set(user)
    try:
        result = task.enqueue(**kwargs)
    finally:
        _queued_by.reset(token)
    return BackgroundTask.objects.get(pk=int(result.id))


def call_now(task: QueueTask, progress: Callable[..., None] | None = None, **kwargs):
    """Run a task's function here and now, unqueued, with `progress` as its progress writer (tests)."""
    if not task.takes_context:
        return task.call(**kwargs)
    result = TaskResult(task=task, id="now", status=TaskResultStatus.RUNNING, enqueued_at=None,
                        started_at=timezone.now(), finished_at=None, last_attempted_at=None, args=[],
                        kwargs=kwargs, backend=task.backend, errors=[], worker_ids=[])
    return task.call(ProgressContext(task_result=result, progress=progress or (lambda *a, **k: None)), **kwargs)


def cancel_queued(task_id: int, message: str = "Cancelled") -> bool:
    """Withdraw a task that no worker has claimed yet: it ends FAILED with `message` and never runs.
    False when a worker claimed it first (the same conditional UPDATE as a claim); a running task stops
    itself (its function checks a flag of its own between progress reports)."""
    return bool(BackgroundTask.objects.filter(pk=task_id, status=BackgroundTask.Status.QUEUED).update(
        status=BackgroundTask.Status.FAILED, finished_at=timezone.now(), message=str(message)[:300]))


# The worker lives in worker.py; these names are kept here for the callers of the queue.
from .worker import (  # noqa: E402
    _HOUSEKEEPING,  # noqa: F401 (tests and the CLI reach the worker's state here)
    _claim,  # noqa: F401 (tests and the CLI reach the worker's state here)
    _housekeeping_last,  # noqa: F401 (tests and the CLI reach the worker's state here)
    _wake,  # noqa: F401 (tests and the CLI reach the worker's state here)
    housekeeping,
    load_task_modules,
    requeue_abandoned,
    run_due_housekeeping,
    run_one,
    run_pending,
    start_in_process_worker,
    worker_loop,
)

__all__ = ["LANGUAGE_ARGUMENT", "ProgressContext", "QueueBackend", "QueueTask", "TaskStopped", "TaskTimedOut",
           "call_now", "cancel_queued", "enqueue", "housekeeping", "load_task_modules", "requeue_abandoned", "run_due_housekeeping", "run_one",
           "run_pending", "start_in_process_worker", "task", "worker_loop"]
