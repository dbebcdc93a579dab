"""The worker of the task queue (`triplec.core.tasks`): claims queued rows, runs them with progress, a
heartbeat, retries and a time limit per task kind, and requeues the tasks of workers that stopped
heartbeating on any host.

A claim is a conditional UPDATE (queued -> running), so two workers, threads or processes on any host
never run the same task. While a task runs, a heartbeat thread stamps its row every HEARTBEAT_SECONDS;
a running row whose stamp is older than STALE_SECONDS belongs to a worker that died (a killed process,
a lost container) and any worker queues it again (`requeue_abandoned`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from . import table_versions
from .models import BackgroundTask

log = logging.getLogger(__name__)
_PROGRESS_INTERVAL = 0.5  # seconds between progress writes: pages poll, the database need not be hammered
HEARTBEAT_SECONDS = 10.0
STALE_SECONDS = 60.0  # several missed heartbeats: the worker is gone
BEAT_TIMEOUT_SECONDS = 5.0  # longest wait of one row's beat on PostgreSQL


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def load_task_modules() -> None:
    """Import every installed app's `tasks` module (they register housekeeping jobs)."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("triplec."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _claim(worker_id: str) -> BackgroundTask | None:
    for candidate in BackgroundTask.objects.filter(status=BackgroundTask.Status.QUEUED).order_by("created_at", "id")[:5]:
        now = timezone.now()
        claimed = BackgroundTask.objects.filter(pk=candidate.pk, status=BackgroundTask.Status.QUEUED).update(
            status=BackgroundTask.Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker_id[:100],
            attempts=F("attempts") + 1)
        if claimed:
            candidate.refresh_from_db()
            return candidate
    return None


_running: dict[int, str] = {}  # task id -> worker id, the attempts running in this process
_running_lock = threading.Lock()
_heartbeat_thread: threading.Thread | None = None


def _heartbeat() -> None:
    """One thread per process stamps every task running here (threads are costly to start per task)."""
    last = time.monotonic()
    while True:
        every = _setting("TRIPLEC_TASK_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)
        time.sleep(min(every, 1.0))  # short naps: a changed interval applies within a second
        if time.monotonic() - last < every:
            continue
        last = time.monotonic()
        with _running_lock:
            running = dict(_running)
        if not running:  # nothing to stamp: no database work, and no idle connection kept open
            connection.close()
            continue
        beat(running)


def beat(running: dict[int, str]) -> None:
    """Stamp each running task (id -> worker) on its own: one that fails waits for the next beat."""
    for pk, worker in running.items():
        try:
            _stamp(pk, worker)
        except Exception:  # database briefly unavailable or the row locked: the next beat tries again
            log.exception("Heartbeat of task %s failed", pk)
    try:
        close_old_connections()
    except Exception:  # the heartbeat thread must outlive a broken connection
        log.exception("Heartbeat could not close its connection")


def _stamp(pk: int, worker: str) -> None:
    """One row's beat. On PostgreSQL it waits at most a few seconds: a row held by a lock elsewhere must
    not hold back the beats of the other tasks running here (they would be requeued as abandoned)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                timeout = _setting("TRIPLEC_TASK_HEARTBEAT_TIMEOUT_SECONDS", BEAT_TIMEOUT_SECONDS)
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(timeout * 1000)}ms"])
        BackgroundTask.objects.filter(pk=pk, status=BackgroundTask.Status.RUNNING, worker=worker).update(
            heartbeat_at=timezone.now())


class _Attempt:
    """One run of one row: its progress writer, its heartbeat and its deadline."""

    def __init__(self, row: BackgroundTask, time_limit: float | None):
        self.row = row
        self.deadline = time.monotonic() + time_limit if time_limit else None
        self.time_limit = time_limit
        self._last = 0.0

    def __enter__(self):
        global _heartbeat_thread
        with _running_lock:
            _running[self.row.pk] = self.row.worker
            if _heartbeat_thread is None or not _heartbeat_thread.is_alive():
                _heartbeat_thread = threading.Thread(target=_heartbeat, name="triplec-heartbeat", daemon=True)
                _heartbeat_thread.start()
        return self

    def __exit__(self, *exc):
        with _running_lock:
            _running.pop(self.row.pk, None)

    def check_time(self) -> None:
        from .tasks import TaskTimedOut

        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TaskTimedOut(f"Stopped: the time limit of {self.time_limit:g} s per run was reached.")

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.check_time()
        now = time.monotonic()
        if now - self._last < _PROGRESS_INTERVAL and done < total:
            return
        self._last = now
        BackgroundTask.objects.filter(pk=self.row.pk).update(
            progress_done=max(0, int(done)), progress_total=max(0, int(total)), message=str(message)[:300])


def _finish(row: BackgroundTask, **fields) -> None:
    BackgroundTask.objects.filter(pk=row.pk, worker=row.worker).update(finished_at=timezone.now(), **fields)


def run_one(worker_id: str = "inline") -> BackgroundTask | None:
    """Claim and run one queued task; returns it (finished, or queued again for a retry), or None when
    the queue is empty."""
    from django_tasks.base import TaskResult  # noqa: F401 (the backend's module is loaded with it)

    from .tasks import LANGUAGE_ARGUMENT, ProgressContext, QueueTask, TaskStopped

    row = _claim(worker_id)
    if row is None:
        return None
    task = None
    try:
        task = import_string(row.name)
        if not isinstance(task, QueueTask):
            raise KeyError(f"{row.name!r} is not a task of this installation.")
        arguments = dict(row.arguments)
        language = arguments.pop(LANGUAGE_ARGUMENT, None) or settings.LANGUAGE_CODE
        with _Attempt(row, task.time_limit) as attempt, translation.override(language):
            if task.takes_context:
                context = ProgressContext(task_result=task.get_backend().result_of(row, task),
                                          progress=attempt.progress)
                result = task.call(context, **arguments)
            else:
                result = task.call(**arguments)
            attempt.check_time()
        _finish(row, status=BackgroundTask.Status.DONE, result=result, message="Done")
    except TaskStopped as exc:
        log.info("Task %s stopped: %s", row, exc)
        _finish(row, status=BackgroundTask.Status.FAILED, message=str(exc)[:300])
    except Exception as exc:  # a failed task must never take the worker down; the page shows why
        log.exception("Task %s failed", row)
        error = "".join(traceback.format_exception(exc))[-10000:]
        if task is not None and isinstance(task, QueueTask) and row.attempts < task.max_attempts:
            BackgroundTask.objects.filter(pk=row.pk, worker=row.worker).update(
                status=BackgroundTask.Status.QUEUED, started_at=None, heartbeat_at=None, worker="",
                error=error, message=str(exc)[:300])
        else:
            _finish(row, status=BackgroundTask.Status.FAILED, message=str(exc)[:300], error=error)
    row.refresh_from_db()
    return row


def run_pending(worker_id: str = "inline") -> int:
    """Run queued tasks until none is left (tests, `triplec worker --once`)."""
    n = 0
    while run_one(worker_id) is not None:
        n += 1
    return n


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_abandoned(stale_seconds: float | None = None) -> int:
    """Queue again the running tasks whose worker is gone: on any host, those whose heartbeat is older
    than `stale_seconds`; on this host at once, those of a dead process."""
    stale = _setting("TRIPLEC_TASK_STALE_SECONDS", STALE_SECONDS) if stale_seconds is None else stale_seconds
    running = BackgroundTask.objects.filter(status=BackgroundTask.Status.RUNNING)
    cutoff = timezone.now() - timedelta(seconds=stale)
    gone = list(running.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
                .values_list("pk", "worker"))
    host = socket.gethostname()
    for pk, worker in running.filter(worker__startswith=f"{host}:").values_list("pk", "worker"):
        try:
            pid = int(worker.split(":")[1])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(pid):
            gone.append((pk, worker))
    n = 0
    for pk, worker in set(gone):
        n += BackgroundTask.objects.filter(pk=pk, status=BackgroundTask.Status.RUNNING, worker=worker).update(
            status=BackgroundTask.Status.QUEUED, started_at=None, heartbeat_at=None, worker="")
    if n:
        log.warning("Requeued %d task(s) of workers that stopped", n)
    return n


# Housekeeping: small periodic jobs (e.g. deleting stale uploads) that every worker loop runs at most once
# per interval. Registered by the apps' `tasks` modules; the last run is per process, so with several
# workers a job may run once per worker per interval: it must be idempotent.
_HOUSEKEEPING: dict[str, tuple[float, Callable[[], object]]] = {}
_housekeeping_last: dict[str, float] = {}


def housekeeping(name: str, every_seconds: float):
    def register(func: Callable[[], object]) -> Callable[[], object]:
        _HOUSEKEEPING[name] = (float(every_seconds), func)
        return func
    return register


@housekeeping("core.requeue_abandoned", every_seconds=HEARTBEAT_SECONDS)
def _requeue_housekeeping() -> int:
    return requeue_abandoned()


@housekeeping("core.fold_table_versions", every_seconds=600)
def _fold_table_versions() -> int:
    return table_versions.fold(connection)


def run_due_housekeeping(now: float | None = None) -> list[str]:
    """Run the housekeeping jobs whose interval has passed since their last run here (all of them on
    the first call); returns their names. A failing job is logged and retried after its interval."""
    load_task_modules()
    now = time.monotonic() if now is None else now
    ran = []
    for name, (every, func) in list(_HOUSEKEEPING.items()):
        last = _housekeeping_last.get(name)
        if last is not None and now - last < every:
            continue
        _housekeeping_last[name] = now
        ran.append(name)
        try:
            func()
        except Exception:  # never takes the worker down
            log.exception("Housekeeping %s failed", name)
    return ran


_wake = threading.Event()


def worker_loop(stop: threading.Event, poll_seconds: float = 2.0, worker_id: str | None = None) -> None:
    from .tasks import _wake_callbacks

    if _wake.set not in _wake_callbacks:
        _wake_callbacks.append(_wake.set)
    worker_id = worker_id or default_worker_id()
    while not stop.is_set():
        try:
            run_due_housekeeping()
            ran = run_one(worker_id)
        except Exception:  # database briefly unavailable: wait and retry
            log.exception("Worker could not poll the queue")
            ran = None
        finally:
            close_old_connections()
        if ran is None:
            _wake.wait(poll_seconds)
            _wake.clear()
    connection.close()  # this thread's own connection: a stopped worker leaves no session behind


def start_in_process_worker() -> threading.Event:
    """The embedded default: one daemon thread inside the web server process."""
    requeue_abandoned()
    stop = threading.Event()
    threading.Thread(target=worker_loop, args=(stop,), name="triplec-worker", daemon=True).start()
    return stop
