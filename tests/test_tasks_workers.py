"""Several workers on one queue: each task runs exactly once, whichever worker claims it (threads here,
each with its own database connection, as separate processes or hosts would have)."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django_tasks import task

from triplec.core import tasks
from triplec.core.models import BackgroundTask

RUNS: list[int] = []
_RUNS_LOCK = threading.Lock()


@task()
def record(n):
    time.sleep(0.002)  # long enough for the two workers to interleave
    with _RUNS_LOCK:
        RUNS.append(n)
    return n


def _work(worker_id: str, errors: list, ready: threading.Barrier | None = None) -> None:
    try:
        if ready is not None:  # both connected before either claims: a slow connect must not leave one idle
            connection.ensure_connection()
            ready.wait(timeout=60)
        while tasks.run_one(worker_id) is not None:
            pass
    except Exception as exc:  # pragma: no cover - reported by the test
        errors.append(exc)
    finally:
        connection.close()  # this thread's session, or the test database cannot be dropped


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQLite test database (in memory, shared "
                    "cache) locks a table against a second writer thread; files and PostgreSQL do not")
@pytest.mark.django_db(transaction=True)
def test_two_workers_take_200_tasks_and_run_each_exactly_once():
    RUNS.clear()
    rows = [tasks.enqueue(record, n=n).pk for n in range(200)]
    errors: list = []
    ready = threading.Barrier(2)
    workers = [threading.Thread(target=_work, args=(f"host-{i}:1:1", errors, ready)) for i in (1, 2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=300)
    assert not errors
    assert sorted(RUNS) == list(range(200))  # every task ran, none twice
    done = BackgroundTask.objects.filter(pk__in=rows)
    assert set(done.values_list("status", flat=True)) == {"done"}
    assert set(done.values_list("attempts", flat=True)) == {1}
    by_worker = Counter(done.values_list("worker", flat=True))
    assert set(by_worker) == {"host-1:1:1", "host-2:1:1"}, by_worker  # both took a share
