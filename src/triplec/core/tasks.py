"""A small database-backed task queue with progress, the same on SQLite and PostgreSQL.

Why our own: long work must report progress to the page that started it, run in-process on the
embedded defaults (a thread inside `triplec serve`) and in separate `triplec worker` processes when
scaled out, with no broker to install. Tasks are plain functions registered by name:

    @task("mapping.run")
    def run_mapping(progress, run_id): ...

`enqueue("mapping.run", run_id=3, user=u)` stores a row; a worker claims it atomically (a conditional
UPDATE, so two workers never run the same task), calls the function with a `progress(done, total,
message)` callback and stores the result or the error.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone, translation
from django.utils.translation import get_language

from .models import BackgroundTask

log = logging.getLogger(__name__)
_REGISTRY: dict[str, Callable] = {}
LANGUAGE_ARGUMENT = "_language"
_PROGRESS_INTERVAL = 0.5  # seconds between progress writes: pages poll, the database need not be hammered


def task(name: str):
    def register(func: Callable) -> Callable:
        _REGISTRY[name] = func
        return func
    return register


def registered() -> dict[str, Callable]:
    _load_task_modules()
    return dict(_REGISTRY)


def _load_task_modules() -> None:
    """Import every installed app's `tasks` module so its functions register themselves."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("triplec."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


class TaskStopped(Exception):
    """Raised by a task that stops on purpose (e.g. cancelled by a user): it ends FAILED with the message,
    logged as information, without a traceback."""


def enqueue(name: str, *, user=None, **arguments) -> BackgroundTask:
    if name not in registered():
        raise KeyError(f"No task named {name!r}.")
    # The task speaks the language of whoever queued it (row errors, files it writes for them).
    arguments = {**arguments, LANGUAGE_ARGUMENT: get_language()}
    row = BackgroundTask.objects.create(name=name, arguments=arguments, created_by=user)
    _wake.set()
    return row


def cancel_queued(task_id: int, message: str = "Cancelled") -> bool:
    """Withdraw a task that no worker has claimed yet: it ends FAILED with `message` and never runs.
    False when a worker claimed it first (the same conditional UPDATE as `_claim`); a running task
    can only stop itself (its function checks a flag of its own between progress reports)."""
    return bool(BackgroundTask.objects.filter(pk=task_id, status=BackgroundTask.Status.QUEUED).update(
        status=BackgroundTask.Status.FAILED, finished_at=timezone.now(), message=str(message)[:300]))


def _claim(worker_id: str) -> BackgroundTask | None:
    for candidate in BackgroundTask.objects.filter(status=BackgroundTask.Status.QUEUED).order_by("created_at", "id")[:5]:
        claimed = BackgroundTask.objects.filter(pk=candidate.pk, status=BackgroundTask.Status.QUEUED).update(
            status=BackgroundTask.Status.RUNNING, started_at=timezone.now(), worker=worker_id)
        if claimed:
            candidate.refresh_from_db()
            return candidate
    return None


def _progress_writer(task_id: int) -> Callable[[int, int, str], None]:
    last = [0.0]

    def progress(done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < _PROGRESS_INTERVAL and done < total:
            return
        last[0] = now
        BackgroundTask.objects.filter(pk=task_id).update(
            progress_done=max(0, int(done)), progress_total=max(0, int(total)), message=str(message)[:300])

    return progress


def run_one(worker_id: str = "inline") -> BackgroundTask | None:
    """Claim and run one queued task; returns it (finished), or None when the queue is empty."""
    row = _claim(worker_id)
    if row is None:
        return None
    func = registered().get(row.name)
    try:
        if func is None:
            raise KeyError(f"No task named {row.name!r} in this installation.")
        arguments = dict(row.arguments)
        with translation.override(arguments.pop(LANGUAGE_ARGUMENT, None) or settings.LANGUAGE_CODE):
            result = func(_progress_writer(row.pk), **arguments)
        BackgroundTask.objects.filter(pk=row.pk).update(
            status=BackgroundTask.Status.DONE, result=result, finished_at=timezone.now(), message="Done")
    except TaskStopped as exc:
        log.info("Task %s stopped: %s", row, exc)
        BackgroundTask.objects.filter(pk=row.pk).update(
            status=BackgroundTask.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:300])
    except Exception as exc:  # a failed task must never take the worker down; the page shows why
        log.exception("Task %s failed", row)
        BackgroundTask.objects.filter(pk=row.pk).update(
            status=BackgroundTask.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:300],
            error="".join(traceback.format_exception(exc))[-10000:])
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


def requeue_abandoned() -> int:
    """Tasks left 'running' by a worker process of this host that has died are queued again."""
    host = socket.gethostname()
    n = 0
    for row in BackgroundTask.objects.filter(status=BackgroundTask.Status.RUNNING, worker__startswith=f"{host}:"):
        try:
            pid = int(row.worker.split(":")[1])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(pid):
            n += BackgroundTask.objects.filter(pk=row.pk, status=BackgroundTask.Status.RUNNING).update(
                status=BackgroundTask.Status.QUEUED, started_at=None, worker="")
    return n


_wake = threading.Event()

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


def run_due_housekeeping(now: float | None = None) -> list[str]:
    """Run the housekeeping jobs whose interval has passed since their last run here (all of them on
    the first call); returns their names. A failing job is logged and retried after its interval."""
    registered()  # load the apps' tasks modules, which register the jobs
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


def worker_loop(stop: threading.Event, poll_seconds: float = 2.0, worker_id: str | None = None) -> None:
    worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
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


def start_in_process_worker() -> threading.Event:
    """The embedded default: one daemon thread inside the web server process."""
    requeue_abandoned()
    stop = threading.Event()
    threading.Thread(target=worker_loop, args=(stop,), name="triplec-worker", daemon=True).start()
    return stop
