"""Time to first byte and total time of the full-register export on 100,000 enterprises.

Fills a throwaway database as benchmarks/bench_register_pages.py does, then requests the export page
as a programme officer with Django's test Client (no network; the first byte is the first chunk the
response hands to the server) and reports, median of --runs after one warm-up:

  csv             the CSV export (streamed since issue 2)
  xlsx before     the XLSX export as it was before issue 8: openpyxl's write-only workbook, saved
                  whole and then sent (reproduced below, `openpyxl_whole`): nothing leaves before the end
  xlsx streamed   the XLSX export now: core.xlsx_stream writes the archive on the fly

with each time's ratio to the CSV's total time; with --memory also the peak memory of the two XLSX
writers (tracemalloc, slow).

Run:  .venv/bin/python benchmarks/bench_export.py [--n 100000] [--runs 3] [--memory]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_register_pages import fill, make_user, prepare_database, setup_django  # noqa: E402


def openpyxl_whole(columns, rows) -> bytes:
    """The former writer (core.spreadsheets before issue 8): openpyxl write-only, then saved at once."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("enterprises")
    sheet.append(list(columns))
    for row in rows:
        out = []
        for column in columns:
            value = row[column]
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_stream(chunks) -> tuple[float, float, int]:
    """(first byte s, total s, bytes) of an iterator of byte chunks."""
    start = time.perf_counter()
    first, size = None, 0
    for chunk in chunks:
        if first is None and chunk:
            first = time.perf_counter() - start
        size += len(chunk)
    return first or 0.0, time.perf_counter() - start, size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="also the XLSX writers' peak memory (slow)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="triplec-bench-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client
        from django.urls import reverse

        from triplec.registry import exporting
        from triplec.registry.selectors import EnterpriseFilter

        where, cleanup = prepare_database()
        try:
            user = make_user()
            client = Client()
            client.force_login(user)
            fill(args.n)
            url = reverse("enterprise_export")

            def page(fmt):
                response = client.get(url, {"format": fmt})
                assert response.status_code == 200 and response.streaming
                return response.streaming_content

            def before():
                # the former view: build the whole workbook, then one HttpResponse
                yield openpyxl_whole(exporting.EXPORT_COLUMNS, exporting.export_rows(user, EnterpriseFilter()))

            cases = [("csv", lambda: page("csv")), ("xlsx before", before), ("xlsx streamed", lambda: page("xlsx"))]
            print(f"triplec register export: {args.n:,} enterprises in {where}")
            print(f"median of {args.runs} runs after one warm-up; Python {sys.version.split()[0]}, "
                  f"{os.cpu_count()} CPUs")
            print(f"{'export':<15}{'first byte s':>13}{'total s':>10}{'x csv total':>13}{'MB':>8}", flush=True)
            csv_total = None
            for label, make in cases:
                timed_stream(make())  # warm-up
                runs = [timed_stream(make()) for _ in range(args.runs)]
                first, total = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
                csv_total = csv_total or total
                print(f"{label:<15}{first:>13.3f}{total:>10.2f}{total / csv_total:>13.2f}{runs[0][2] / 2**20:>8.1f}",
                      flush=True)
            if args.memory:
                for label, make in cases[1:]:
                    tracemalloc.start()
                    timed_stream(make())
                    print(f"peak memory, {label}: {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB", flush=True)
                    tracemalloc.stop()
        finally:
            cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
