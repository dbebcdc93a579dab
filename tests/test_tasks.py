"""The background task queue: claiming, progress, failures, and the in-process worker thread."""

import threading
import time

import pytest

from triplec.core import tasks
from triplec.core.models import BackgroundTask


@tasks.task("tests.add")
def _add(progress, a, b):
    for i in range(3):
        progress(i + 1, 3, f"step {i + 1}")
    return {"sum": a + b}


@tasks.task("tests.fail")
def _fail(progress):
    raise ValueError("the input file has no sector column")


@pytest.mark.django_db
def test_task_runs_with_progress_and_result():
    row = tasks.enqueue("tests.add", a=2, b=3)
    assert row.status == BackgroundTask.Status.QUEUED and row.percent == 0
    done = tasks.run_one()
    assert done.pk == row.pk and done.status == BackgroundTask.Status.DONE
    assert done.result == {"sum": 5} and done.percent == 100 and done.progress_done == 3
    assert tasks.run_one() is None


@pytest.mark.django_db
def test_a_failing_task_keeps_its_reason_and_the_worker_goes_on():
    failing = tasks.enqueue("tests.fail")
    ok = tasks.enqueue("tests.add", a=1, b=1)
    assert tasks.run_pending() == 2
    failing.refresh_from_db()
    ok.refresh_from_db()
    assert failing.status == BackgroundTask.Status.FAILED
    assert "no sector column" in failing.message and "ValueError" in failing.error
    assert ok.status == BackgroundTask.Status.DONE


@pytest.mark.django_db
def test_unknown_task_name_is_refused():
    with pytest.raises(KeyError):
        tasks.enqueue("tests.nothing")


@pytest.mark.django_db
def test_a_task_is_claimed_once():
    row = tasks.enqueue("tests.add", a=1, b=2)
    assert tasks._claim("w1").pk == row.pk
    assert tasks._claim("w2") is None


@pytest.mark.django_db
def test_tasks_of_a_dead_worker_are_requeued():
    import socket

    row = tasks.enqueue("tests.add", a=1, b=2)
    BackgroundTask.objects.filter(pk=row.pk).update(status="running", worker=f"{socket.gethostname()}:999999:1")
    alive = tasks.enqueue("tests.add", a=1, b=2)
    import os

    BackgroundTask.objects.filter(pk=alive.pk).update(status="running", worker=f"{socket.gethostname()}:{os.getpid()}:1")
    assert tasks.requeue_abandoned() == 1
    row.refresh_from_db()
    alive.refresh_from_db()
    assert row.status == "queued" and alive.status == "running"


@pytest.mark.django_db(transaction=True)
def test_worker_thread_runs_queued_work():
    stop = threading.Event()
    thread = threading.Thread(target=tasks.worker_loop, args=(stop,), kwargs={"poll_seconds": 0.1}, daemon=True)
    thread.start()
    try:
        row = tasks.enqueue("tests.add", a=20, b=22)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row.refresh_from_db()
            if row.finished:
                break
            time.sleep(0.1)
        assert row.status == "done" and row.result == {"sum": 42}
    finally:
        stop.set()
        tasks._wake.set()
        thread.join(timeout=10)


@tasks.task("tests.stops_on_purpose")
def _stops(progress):
    raise tasks.TaskStopped("Cancelled by officer")


@pytest.mark.django_db
def test_a_task_that_stops_on_purpose_ends_failed_without_a_traceback(caplog):
    row = tasks.enqueue("tests.stops_on_purpose")
    with caplog.at_level("INFO", logger=tasks.log.name):
        tasks.run_one()
    row.refresh_from_db()
    assert row.status == row.Status.FAILED and row.message == "Cancelled by officer" and not row.error
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
