"""Queries and time of the scorecard list (page and API) on the demo database.

Loads the demo (without the French register) into a throwaway SQLite file, then, as the demo's
evaluator, requests with Django's test Client the list page (every instrument, first page of 25, and
each instrument alone) and GET /api/v1/evaluation/scorecards (limit 20 and 100), and prints for each
the number of SQL queries and the median time of --runs after one warm-up.

Run:  .venv/bin/python benchmarks/bench_scorecards.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register_pages import prepare_database, setup_django  # noqa: E402


def measure(client, url: str, runs: int) -> tuple[int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - start)
        assert answer.status_code == 200, (url, answer.status_code)
    return len(queries), statistics.median(times), len(answer.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(Path(data_dir))
        from django.test import Client

        from triplec import demo
        from triplec.accounts.models import ApiToken, User

        where, cleanup = prepare_database()
        try:
            demo.load(french_register=False)
            evaluator = User.objects.get(username="evaluator")
            page = Client()
            page.force_login(evaluator)
            _, raw = ApiToken.issue(evaluator, name="bench")
            api = Client(headers={"Authorization": f"Bearer {raw}"})
            print(f"demo on {where}")
            urls = [(page, "/evaluation/"), *[(page, f"/evaluation/?instrument={key}") for key in
                    ("network", "contract", "fair-participation", "supplier-programme", "subscription")],
                    (api, "/api/v1/evaluation/scorecards?limit=20"), (api, "/api/v1/evaluation/scorecards?limit=100")]
            print(f"{'request':60} {'queries':>8} {'median s':>9} {'bytes':>8}")
            for client, url in urls:
                count, seconds, size = measure(client, url, args.runs)
                print(f"{url:60} {count:8d} {seconds:9.3f} {size:8d}")
        finally:
            cleanup()


if __name__ == "__main__":
    main()
