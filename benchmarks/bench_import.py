"""Time of `commit_import` for a 100,000-row CSV: first import, identical re-import, 10% updated.

The file is generated (fixed seed): NACE Rev.2 classes, 13 regions x 400 municipalities (about 5,000
territories to create), coordinates, e-mail and web addresses, i.e. every kind of check the import makes.

Baselines, in the same process and on the same database:
- reading: `csv.reader` over the file, the floor for any CSV import;
- ORM insert: `Enterprise.objects.bulk_create` of the same rows, already parsed, without any check,
  territory or history (rolled back afterwards). The import does all of that in addition.

    python benchmarks/bench_import.py                    # 100,000 rows on a temporary SQLite database
    python benchmarks/bench_import.py --rows 20000
    DATABASE_URL=postgres://... python benchmarks/bench_import.py   # an empty PostgreSQL database

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ["legal_name", "trade_name", "country", "national_id", "sector_classification", "sector_code",
           "employees", "founding_year", "address", "postal_code", "region_code", "region_name",
           "municipality_code", "municipality_name", "latitude", "longitude", "exporter", "email", "phone",
           "website"]


def siren(body: int) -> str:
    """A valid SIREN: eight digits and their Luhn check digit (the import checks it)."""
    digits = [int(d) for d in f"{body:08d}"]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return f"{body:08d}{(10 - total % 10) % 10}"


def generate(path: Path, n: int, seed: int = 1, changed_share: float = 0.0) -> None:
    from triplec.mapping import codes as codelists

    codes = list(codelists.load_codelist("nace2").query("level == 'class'").code)
    rng = random.Random(seed)
    changed = random.Random(seed + 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(n):
            region, town = rng.randrange(13), rng.randrange(400)
            employees = rng.randrange(1, 500)
            if changed_share and changed.random() < changed_share:
                employees += 1
            writer.writerow([
                f"Entreprise {i}", f"E{i}", "FR", siren(10000000 + i), "nace2", rng.choice(codes), employees,
                rng.randrange(1900, 2024), f"{i} rue de la Paix", f"{rng.randrange(10000, 99999)}", f"R{region}",
                f"Région {region}", f"M{region}-{town}", f"Commune {region}-{town}",
                round(rng.uniform(42, 51), 6), round(rng.uniform(-4, 8), 6), rng.choice(["yes", "no"]),
                f"contact{i}@example.fr", "+33 1 23 45 67 89", f"www.e{i}.fr"])


def timed(label: str, fn):
    """(wall seconds, CPU seconds of this process, result). On a shared machine the CPU time shows
    what the work costs when the wall time is stretched by other processes."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - start, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="triplec-bench-import-"))
    os.environ.setdefault("TRIPLEC_DATA_DIR", str(workdir / "data"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from triplec.registry.importing import commit_import
    from triplec.registry.models import Enterprise

    call_command("migrate", interactive=False, verbosity=0)
    if Enterprise.objects.exists():
        sys.exit("The database already holds enterprises; point DATABASE_URL at an empty database.")

    first, updated = workdir / "first.csv", workdir / "updated.csv"
    generate(first, args.rows)
    generate(updated, args.rows, changed_share=0.1)
    print(f"{args.rows:,} rows, {first.stat().st_size / 1e6:.1f} MB CSV, database: {connection.vendor}")
    load = os.getloadavg()[0]

    read_s, read_cpu, rows = timed("read", lambda: list(csv.reader(first.open(encoding="utf-8"))))

    def orm_insert():
        objs = [Enterprise(legal_name=r[0], trade_name=r[1], country=r[2], national_id=r[3],
                           sector_classification=r[4], sector_code=r[5], employees=int(r[6]),
                           founding_year=int(r[7]), address=r[8], postal_code=r[9], latitude=float(r[14]),
                           longitude=float(r[15]), exporter=r[16] == "yes", email=r[17], phone=r[18],
                           website="https://" + r[19]) for r in rows[1:]]
        with transaction.atomic():
            Enterprise.objects.bulk_create(objs, batch_size=1000)
            transaction.set_rollback(True)

    orm_s, orm_cpu, _ = timed("orm", orm_insert)
    results = []
    for label, path in [("first import (all new)", first), ("same file again", first),
                        ("10% of rows changed", updated)]:
        seconds, cpu, result = timed(label, lambda p=path: commit_import(None, p))
        results.append((label, seconds, cpu, result.describe()))

    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    print(f"{'step':<28}{'wall s':>8}{'CPU s':>8}{'rows/s':>9}{'x ORM':>7}   outcome")
    rows_out = [("baseline: csv.reader", read_s, read_cpu, ""),
                ("baseline: ORM bulk_create", orm_s, orm_cpu, "no checks, no territories, no history"), *results]
    for label, seconds, cpu, outcome in rows_out:
        print(f"{label:<28}{seconds:>8.2f}{cpu:>8.2f}{args.rows / seconds:>9,.0f}{seconds / orm_s:>7.2f}   {outcome}")


if __name__ == "__main__":
    main()
