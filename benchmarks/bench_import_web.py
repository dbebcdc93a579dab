"""Request times of a 100,000-row import from the web pages: within the request (before) against a
background task (after), with the polls of the progress bar while the task runs.

Same generated file as benchmarks/bench_import.py (every kind of check), imported twice with other
identifiers so that both imports create every row:
- within the request: TRIPLEC_IMPORT_BACKGROUND_ROWS above the row count; the upload request checks
  the file, the confirm request writes it;
- in the background: the default threshold; both requests only queue a task, which a worker thread
  (as in `triplec serve`) runs while this thread polls the progress fragment every POLL seconds, as
  the page does, and records each poll's time and the percent it shows.

    python benchmarks/bench_import_web.py                 # 100,000 rows on a temporary SQLite database
    python benchmarks/bench_import_web.py --rows 20000
    DATABASE_URL=postgres://... python benchmarks/bench_import_web.py   # an empty PostgreSQL database

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

POLL = 0.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="triplec-bench-import-web-"))
    os.environ.setdefault("TRIPLEC_DATA_DIR", str(workdir / "data"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    sys.path.insert(0, str(Path(__file__).parent))
    import django

    django.setup()
    from bench_import import generate
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from triplec.accounts.models import User
    from triplec.core.tasks import worker_loop
    from triplec.registry.importing import batches
    from triplec.registry.models import Enterprise
    from triplec.registry.models_import import ImportBatch

    call_command("migrate", interactive=False, verbosity=0)
    if Enterprise.objects.exists():
        sys.exit("The database already holds enterprises; point DATABASE_URL at an empty database.")
    settings.ALLOWED_HOSTS = ["testserver"]
    user, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": "programme-officer"})
    client = Client()
    client.force_login(user)

    data = {}
    for label, prefix in [("request", "1"), ("background", "2")]:
        path = workdir / f"{label}.csv"
        generate(path, args.rows)
        # other identifiers for the second file, so that it creates every row too
        text = path.read_text(encoding="utf-8")
        data[label] = re.sub(r",FR,1(\d{8}),", lambda m, p=prefix: f",FR,{p}{m.group(1)},", text).encode("utf-8")
    print(f"{args.rows:,} rows, {len(data['request']) / 1e6:.1f} MB CSV, database: {connection.vendor}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def timed(fn):
        start = time.perf_counter()
        out = fn()
        return time.perf_counter() - start, out

    def upload(label: str):
        return client.post("/enterprises/import/", {"file": SimpleUploadedFile(f"{label}.csv", data[label])})

    # Warm-up (code lists, templates, first queries), so that neither side pays for it.
    small = b"legal_name,country,national_id,sector_classification,sector_code\nWarm,FR,W-1,nace2,16.10\n"
    client.post("/enterprises/import/", {"file": SimpleUploadedFile("warm-up.csv", small)})

    # Before: everything within the two requests.
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = args.rows + 1
    sync_upload, response = timed(lambda: upload("request"))
    batch = ImportBatch.objects.get(original_name="request.csv")
    assert batch.preview["counts"]["create"] == args.rows, batch.preview["counts"]
    sync_confirm, response = timed(lambda: client.post(f"/enterprises/import/{batch.pk}/confirm/"))
    batch.refresh_from_db()
    assert batch.result["created"] == args.rows, batch.result

    # After: the requests queue tasks; a worker thread runs them while the page polls.
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = batches.DEFAULT_BACKGROUND_ROWS
    stop = threading.Event()
    worker = threading.Thread(target=worker_loop, args=(stop,), kwargs={"poll_seconds": 0.1, "worker_id": "bench"},
                              daemon=True)

    def follow(batch) -> tuple[float, list[float], list[int]]:
        """Poll the progress fragment until the batch's task ends: (task seconds, poll times, percents)."""
        polls, percents = [], []
        start = time.perf_counter()
        while True:
            seconds, response = timed(lambda: client.get(f"/enterprises/import/{batch.pk}/progress/",
                                                         HTTP_HX_REQUEST="true"))
            polls.append(seconds)
            found = re.search(r'data-testid="import-percent">(\d+)%', response.content.decode())
            if found:
                percents.append(int(found.group(1)))
            if response.has_header("HX-Refresh"):
                return time.perf_counter() - start, polls, percents
            time.sleep(POLL)

    bg_upload, response = timed(lambda: upload("background"))
    batch = ImportBatch.objects.get(original_name="background.csv")
    worker.start()
    check_s, check_polls, check_percents = follow(batch)
    batch.refresh_from_db()
    assert batch.preview["counts"]["create"] == args.rows, batch.preview
    bg_confirm, response = timed(lambda: client.post(f"/enterprises/import/{batch.pk}/confirm/"))
    write_s, write_polls, write_percents = follow(batch)
    stop.set()
    worker.join(timeout=60)
    batch.refresh_from_db()
    assert batch.result["created"] == args.rows and not batch.file, batch.result

    print(f"{'request':<34}{'within the request':>20}{'background':>12}{'ratio':>8}")
    for label, before, after in [("upload (and check)", sync_upload, bg_upload),
                                 ("confirm (and write)", sync_confirm, bg_confirm)]:
        print(f"{label:<34}{before:>19.3f}s{after:>11.3f}s{before / after:>7.0f}x")
    for label, seconds, polls, percents in [("check task", check_s, check_polls, check_percents),
                                            ("import task", write_s, write_polls, write_percents)]:
        moving = sorted(set(percents))
        print(f"{label}: {seconds:.1f} s followed by {len(polls)} polls, median {statistics.median(polls) * 1000:.0f} ms,"
              f" slowest {max(polls) * 1000:.0f} ms; {len(moving)} distinct percents shown: {moving}")


if __name__ == "__main__":
    main()
