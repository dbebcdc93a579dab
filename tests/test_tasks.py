"""The background task queue behind the django.tasks API: claiming, progress, failures, retries and time
limits per task kind, heartbeats, and the in-process worker thread."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection  # noqa: F401 (skipif)
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import InvalidTaskError

from triplec.core import tasks, worker
from triplec.core.models import BackgroundTask


@task(takes_context=True)
def add(context, a, b):
    for i in range(3):
        context.progress(i + 1, 3, f"step {i + 1}")
    return {"sum": a + b}


@task()
def fail():
    raise ValueError("the input file has no sector column")


FLAKY_FAILURES = {"left": 0}


@task(max_attempts=3)
def flaky():
    """Fails while FLAKY_FAILURES["left"] > 0: a kind that may run three times in all."""
    if FLAKY_FAILURES["left"] > 0:
        FLAKY_FAILURES["left"] -= 1
        raise ConnectionError("the file store did not answer")
    return "written"


@task(takes_context=True, time_limit=0.2)
def slow(context, steps):
    for i in range(steps):
        time.sleep(0.05)
        context.progress(i + 1, steps, "working")
    return "finished"


@task()
def stops_on_purpose():
    raise tasks.TaskStopped("Cancelled by officer")


@pytest.mark.django_db
def test_task_runs_with_progress_and_result():
    row = tasks.enqueue(add, a=2, b=3)
    assert row.status == BackgroundTask.Status.QUEUED and row.percent == 0
    assert row.name == "test_tasks.add" or row.name.endswith("test_tasks.add")
    done = tasks.run_one()
    assert done.pk == row.pk and done.status == BackgroundTask.Status.DONE
    assert done.result == {"sum": 5} and done.percent == 100 and done.progress_done == 3
    assert tasks.run_one() is None


@pytest.mark.django_db
def test_the_standard_api_enqueues_and_reads_results():
    result = add.enqueue(a=4, b=5)
    assert result.status == TaskResultStatus.READY and result.kwargs == {"a": 4, "b": 5}
    tasks.run_pending()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == {"sum": 9}
    assert add.get_result(result.id).attempts == 1


@pytest.mark.django_db
def test_a_failing_task_keeps_its_reason_and_the_worker_goes_on():
    failing = tasks.enqueue(fail)
    ok = tasks.enqueue(add, a=1, b=1)
    assert tasks.run_pending() == 2
    failing.refresh_from_db()
    ok.refresh_from_db()
    assert failing.status == BackgroundTask.Status.FAILED
    assert "no sector column" in failing.message and "ValueError" in failing.error
    assert ok.status == BackgroundTask.Status.DONE
    assert fail.get_result(str(failing.pk)).status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_arguments_go_by_name():
    with pytest.raises(InvalidTaskError):
        add.enqueue(1, 2)


@pytest.mark.django_db
def test_a_task_is_claimed_once():
    row = tasks.enqueue(add, a=1, b=2)
    assert tasks._claim("w1").pk == row.pk
    assert tasks._claim("w2") is None


@pytest.mark.django_db
def test_tasks_of_a_dead_worker_are_requeued():
    import os

    row = tasks.enqueue(add, a=1, b=2)
    now = timezone.now()
    BackgroundTask.objects.filter(pk=row.pk).update(status="running", heartbeat_at=now,
                                                    worker=f"{socket.gethostname()}:999999:1")
    alive = tasks.enqueue(add, a=1, b=2)
    BackgroundTask.objects.filter(pk=alive.pk).update(status="running", heartbeat_at=now,
                                                      worker=f"{socket.gethostname()}:{os.getpid()}:1")
    assert tasks.requeue_abandoned() == 1
    row.refresh_from_db()
    alive.refresh_from_db()
    assert row.status == "queued" and alive.status == "running"


@pytest.mark.django_db
def test_a_task_whose_worker_on_another_host_stopped_heartbeating_is_requeued_and_completes():
    beating = tasks.enqueue(add, a=1, b=1)
    silent = tasks.enqueue(add, a=20, b=22)
    now = timezone.now()
    # both claimed by workers of another container: one still heartbeats, one went quiet two minutes ago
    BackgroundTask.objects.filter(pk=beating.pk).update(status="running", attempts=1, heartbeat_at=now,
                                                        started_at=now, worker="container-b:7:1")
    BackgroundTask.objects.filter(pk=silent.pk).update(status="running", attempts=1, started_at=now,
                                                       heartbeat_at=now - timedelta(minutes=2),
                                                       worker="container-c:7:1")
    assert tasks.requeue_abandoned(stale_seconds=60) == 1
    assert tasks.run_pending("container-a:1:1") == 1
    silent.refresh_from_db()
    beating.refresh_from_db()
    assert silent.status == "done" and silent.result == {"sum": 42} and silent.attempts == 2
    assert silent.worker == "container-a:1:1"
    assert beating.status == "running" and beating.worker == "container-b:7:1"
    # the quiet worker coming back late cannot overwrite the new outcome
    worker._finish(BackgroundTask(pk=silent.pk, worker="container-c:7:1"), status="failed")
    silent.refresh_from_db()
    assert silent.status == "done"


@task(takes_context=True)
def waits_for_its_heartbeat(context):
    """Runs until its row shows a heartbeat newer than its claim (at most 600 naps: a busy database may
    hold the beat back for seconds), says whether it did."""
    pk = int(context.task_result.id)
    for _ in range(600):
        row = BackgroundTask.objects.get(pk=pk)
        if row.heartbeat_at > row.started_at:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQLite test database (in memory, shared "
                    "cache) locks the table against the heartbeat thread's write")
@pytest.mark.django_db(transaction=True)
def test_a_running_task_heartbeats(settings):
    settings.TRIPLEC_TASK_HEARTBEAT_SECONDS = 0.05
    tasks.enqueue(waits_for_its_heartbeat)
    done = tasks.run_one("w1")
    assert done.status == "done" and done.result is True and done.heartbeat_at > done.started_at


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_locked_row_does_not_hold_back_the_beats_of_the_other_running_tasks(settings):
    from django.db import connections, transaction

    settings.TRIPLEC_TASK_HEARTBEAT_TIMEOUT_SECONDS = 0.2
    locked, free = tasks.enqueue(add, a=1, b=2), tasks.enqueue(add, a=3, b=4)
    rows = [worker._claim("w1"), worker._claim("w1")]
    assert [row.pk for row in rows] == [int(locked.id), int(free.id)]
    holding, release = threading.Event(), threading.Event()

    def hold_the_first_row():
        try:
            with transaction.atomic():
                BackgroundTask.objects.select_for_update().get(pk=rows[0].pk)
                holding.set()
                release.wait(120)   # released once the beat has been given (or has waited 20 s)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_first_row)
    holder.start()
    try:
        assert holding.wait(30)
        before = BackgroundTask.objects.get(pk=rows[1].pk).heartbeat_at
        # one beat over both rows, as the heartbeat thread gives it, while the first row stays locked
        beating = threading.Thread(target=lambda: (worker.beat({row.pk: row.worker for row in rows}),
                                                   connections.close_all()))
        beating.start()
        beating.join(20)
        assert not beating.is_alive(), "the beat waited on the locked row"
        assert BackgroundTask.objects.get(pk=rows[1].pk).heartbeat_at > before
    finally:
        release.set()
        holder.join(30)


@pytest.mark.django_db
def test_a_kind_with_retries_runs_again_after_an_unexpected_error():
    FLAKY_FAILURES["left"] = 2
    row = tasks.enqueue(flaky)
    assert tasks.run_one().status == "queued"  # attempt 1 failed: queued again
    assert tasks.run_one().status == "queued"  # attempt 2
    done = tasks.run_one()
    assert done.pk == row.pk and done.status == "done" and done.result == "written" and done.attempts == 3


@pytest.mark.django_db
def test_retries_stop_at_the_kinds_limit_and_other_kinds_are_not_retried():
    FLAKY_FAILURES["left"] = 5
    row = tasks.enqueue(flaky)
    once = tasks.enqueue(fail)
    assert tasks.run_pending() == 4  # flaky three times, fail once
    row.refresh_from_db()
    once.refresh_from_db()
    assert row.status == "failed" and row.attempts == 3 and "did not answer" in row.message
    assert once.status == "failed" and once.attempts == 1


@pytest.mark.django_db
def test_a_kind_with_a_time_limit_stops_at_its_next_report_after_the_limit():
    row = tasks.enqueue(slow, steps=1000)  # 50 s of work against a limit of 0.2 s
    done = tasks.run_one()
    assert done.pk == row.pk and done.status == "failed" and "time limit" in done.message
    assert done.progress_done < 1000 and done.attempts == 1
    assert tasks.run_one() is None  # a time-out is final: not retried


@pytest.mark.django_db(transaction=True)
def test_worker_thread_runs_queued_work():
    stop = threading.Event()
    thread = threading.Thread(target=tasks.worker_loop, args=(stop,), kwargs={"poll_seconds": 0.1}, daemon=True)
    thread.start()
    try:
        row = tasks.enqueue(add, a=20, b=22)
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


@pytest.mark.django_db
def test_a_task_that_stops_on_purpose_ends_failed_without_a_traceback(caplog):
    row = tasks.enqueue(stops_on_purpose)
    with caplog.at_level("INFO", logger=worker.log.name):
        tasks.run_one()
    row.refresh_from_db()
    assert row.status == row.Status.FAILED and row.message == "Cancelled by officer" and not row.error
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
