"""CPU time per request of the load test's requests, one process, no server, no concurrency.

benchmarks/bench_load.py measures response times under 30 clients; on a machine shared with other
work those wall-clock figures move with the neighbours. What the server spends on one request moves
far less: this script answers each of bench_load's requests (same list, same register of 110,000
enterprises, same officer) `--runs` times through Django's full request handling (middleware, session,
view, templates) in this process and prints the least and the median CPU time (time.process_time)
per request (the least is the figure other work on a shared machine moves least: it slows a process's
CPU time too, through caches and shared cores), with the least's ratio to a baseline measured in the
same process just before: `/healthz` (the fixed cost of a request: middleware and the handler).

    .venv/bin/python benchmarks/bench_load.py --seconds 1 --clients 1   # fills var/bench-load once
    .venv/bin/python benchmarks/bench_request_cpu.py                    # every request
    .venv/bin/python benchmarks/bench_request_cpu.py --only search --profile 20
                                                   # the search requests, with a cProfile of each

With `--profile N` each chosen request is run once more under cProfile and its N costliest functions
(by own time and by cumulative time) are printed. No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_load import BENCH_USER, prepare_data, requests_to_make, setup_django  # noqa: E402


def cpu_ms(client, path: str, headers: dict, runs: int) -> tuple[float, float]:
    """The least and the median CPU milliseconds of `runs` GETs of `path` after one warm-up."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(runs):
        began = time.process_time()
        response = client.get(path, headers=headers)
        times.append((time.process_time() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return min(times), statistics.median(times)


def profile(client, path: str, headers: dict, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path, headers=headers)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=110_000, help="enterprises in the register (default 110,000)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per request (median reported)")
    parser.add_argument("--only", default="", help="only the requests whose label holds this text")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print each request's N costliest functions (cProfile)")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-load"),
                        help="the database bench_load.py filled (filled here if empty)")
    args = parser.parse_args(argv)

    setup_django(args.data_dir.resolve())
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from triplec.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ids = prepare_data(args.n)
    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    api_headers = {"Authorization": f"Bearer {ids['token']}"}
    chosen = [r for r in requests_to_make(ids) if args.only.lower() in r[0].lower()]

    print(f"triplec CPU per request: {ids['total']:,} enterprises, {connection.vendor}; {args.runs} runs "
          f"after one warm-up, time.process_time; Python {sys.version.split()[0]}")
    baseline, baseline_median = cpu_ms(client, "/healthz", {}, args.runs * 4)
    print(f"{'request':<19}{'least ms':>9}{'median':>9}{'x baseline':>12}")
    print(f"{'baseline /healthz':<19}{baseline:>9.2f}{baseline_median:>9.2f}{1.0:>12.1f}")
    for label, path, api in chosen:
        least, median = cpu_ms(client, path, api_headers if api else {}, args.runs)
        print(f"{label:<19}{least:>9.2f}{median:>9.2f}{least / baseline:>12.1f}")
    if args.profile:
        for label, path, api in chosen:
            print(f"\n=== {label}: {path} (5 requests) ===")
            print(profile(client, path, api_headers if api else {}, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
