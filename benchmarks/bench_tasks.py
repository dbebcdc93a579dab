"""Task queue: throughput of the django.tasks queue (`triplec.core.tasks`) against the previous queue
(its loop copied below), and how soon a cancelled mapping screen of the French register stops.

1. Throughput: TASKS trivial tasks (one progress report each) queued, then run by one and by two worker
   threads (each its own database connection), on the queue of this version and on the previous one,
   in this process and on this database. Prints tasks per second and the ratio new/previous.
   Each measure is taken ROUNDS times, alternating the two queues, and the best is printed.
2. Cancel delay: the all-sector screen of the French facility register (10,052 mainland establishments,
   79 sectors, 999 simulations, as tests/e2e/test_map_report.py) with the progress callback a mapping run
   uses: a cancel requested SECONDS into the simulations is noticed at the next batch report after the
   check interval (`triplec.clusters.tasks.CANCEL_CHECK_SECONDS`); printed: seconds from the request to
   the screen having stopped (its running batches finished), per request time.

    python benchmarks/bench_tasks.py                    # a temporary SQLite database
    DATABASE_URL=postgres://... python benchmarks/bench_tasks.py --skip-cancel
    python benchmarks/bench_tasks.py --tasks 200 --cancel-at 3 10

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

# Django is set up before the tasks below are defined (a task asks its backend at definition).
WORKDIR = Path(tempfile.mkdtemp(prefix="triplec-bench-tasks-"))
os.environ.setdefault("TRIPLEC_DATA_DIR", str(WORKDIR / "data"))
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
import django  # noqa: E402

django.setup()
from django_tasks import task  # noqa: E402


@task(takes_context=True)
def bench_noop(context, n):
    context.progress(1, 1, "done")
    return n


# The previous queue's loop (core/tasks.py before django.tasks), kept for the comparison -----------------
_PREVIOUS_REGISTRY = {}


def _previous_enqueue(name, **arguments):
    from triplec.core.models import BackgroundTask

    return BackgroundTask.objects.create(name=name, arguments={**arguments, "_language": "en"})


def _previous_claim(worker_id):
    from django.utils import timezone

    from triplec.core.models import BackgroundTask

    for candidate in BackgroundTask.objects.filter(status="queued").order_by("created_at", "id")[:5]:
        if BackgroundTask.objects.filter(pk=candidate.pk, status="queued").update(
                status="running", started_at=timezone.now(), worker=worker_id):
            candidate.refresh_from_db()
            return candidate
    return None


def _previous_run_one(worker_id):
    from django.utils import timezone, translation

    from triplec.core.models import BackgroundTask

    row = _previous_claim(worker_id)
    if row is None:
        return None
    last = [0.0]

    def progress(done, total, message=""):
        now = time.monotonic()
        if now - last[0] < 0.5 and done < total:
            return
        last[0] = now
        BackgroundTask.objects.filter(pk=row.pk).update(progress_done=done, progress_total=total, message=message)

    arguments = dict(row.arguments)
    with translation.override(arguments.pop("_language", None) or "en"):
        result = _PREVIOUS_REGISTRY[row.name](progress, **arguments)
    BackgroundTask.objects.filter(pk=row.pk).update(status="done", result=result, finished_at=timezone.now(),
                                                    message="Done")
    row.refresh_from_db()
    return row


def _previous_noop(progress, n):
    progress(1, 1, "done")
    return n


_PREVIOUS_REGISTRY["bench.noop"] = _previous_noop

# -------------------------------------------------------------------------------------------------------


def throughput(n_tasks: int, n_workers: int, queue: str) -> float:
    from django.db import close_old_connections

    from triplec.core import tasks
    from triplec.core.models import BackgroundTask

    BackgroundTask.objects.all().delete()
    for n in range(n_tasks):
        if queue == "new":
            tasks.enqueue(bench_noop, n=n)
        else:
            _previous_enqueue("bench.noop", n=n)
    run_one = tasks.run_one if queue == "new" else _previous_run_one
    errors = []

    def work(worker_id):
        try:
            while run_one(worker_id) is not None:
                pass
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(f"bench-{i}",)) for i in range(n_workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    done = BackgroundTask.objects.filter(status="done").count()
    assert done == n_tasks, (done, n_tasks)
    return n_tasks / seconds


def cancel_delays(request_times: list[float]) -> list[tuple[float, float, int]]:
    import pandas as pd

    import triplec
    from triplec.clusters.tasks import CANCEL_CHECK_SECONDS
    from triplec.mapping import PointRegister, screen_sectors

    register_file = Path(triplec.__file__).parent / "registry" / "data" / "irep_france_facilities_etablissements.csv"
    df = pd.read_csv(register_file, dtype=str)
    x, y = pd.to_numeric(df["Coordonnees_X"]), pd.to_numeric(df["Coordonnees_Y"])
    df = df[x.between(0, 1.3e6) & y.between(1.6e6, 2.8e6)]
    register = PointRegister.from_frame(df, id_col="Identifiant", sector_col="Code_APE", x_col="Coordonnees_X",
                                        y_col="Coordonnees_Y", unit="m")
    out = []
    for at in request_times:
        asked = threading.Event()
        state = {"asked_at": None, "last_check": time.monotonic(), "started": None, "reports": 0}

        class Cancelled(Exception):
            pass

        def progress(done, total, state=state, asked=asked, at=at):
            now = time.monotonic()
            state["reports"] += 1
            if state["started"] is None and done > 0:
                state["started"] = now
                threading.Timer(at, lambda: (state.__setitem__("asked_at", time.monotonic()), asked.set())).start()
            if now - state["last_check"] >= CANCEL_CHECK_SECONDS:  # as clusters.tasks.mapping_run does
                state["last_check"] = now
                if asked.is_set():
                    raise Cancelled

        try:
            screen_sectors(register, r_max=300, r_step=5, sims=999, min_n=30, seed=1, progress=progress)
            out.append((at, float("nan"), state["reports"]))  # finished before the request
        except Cancelled:
            out.append((at, time.monotonic() - state["asked_at"], state["reports"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--cancel-at", type=float, nargs="*", default=[2.0, 10.0, 30.0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--skip-cancel", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.skip_throughput:
        throughput(50, 1, "new")  # warm-up
        throughput(50, 1, "previous")
        for workers in (1, 2):
            # alternated, best of ROUNDS each: the machine's other work weighs on both alike
            rates = {"previous": [], "new": []}
            for _round in range(args.rounds):
                for queue in ("previous", "new") if _round % 2 == 0 else ("new", "previous"):
                    rates[queue].append(throughput(args.tasks, workers, queue))
            previous, new = max(rates["previous"]), max(rates["new"])
            print(f"{args.tasks} tasks, {workers} worker(s): previous queue {previous:.0f} tasks/s, "
                  f"django.tasks queue {new:.0f} tasks/s (ratio {new / previous:.2f}; best of {args.rounds})")
    if not args.skip_cancel:
        for at, delay, reports in cancel_delays(args.cancel_at):
            print(f"French register screen, cancel {at:g} s into the simulations: stopped {delay:.2f} s later "
                  f"({reports} progress reports)")


if __name__ == "__main__":
    sys.exit(main())
