"""Speed of the shared money ledger (`triplec.ledger.services`).

1. Postings per second through `services.post` (idempotency key, row locks, limit check on a limited
   account, transaction + two entries), against a baseline in the same process and database: a plain
   `bulk_create` of the same transaction and entry rows (no checks, no locks), per posting.
2. Balance of an account with 100,000 entries (`services.balance`, a SUM over the entries), against the
   baseline of reading the same account row by primary key, and against summing the entries in Python.

    python benchmarks/bench_ledger.py                    # temporary SQLite database
    python benchmarks/bench_ledger.py --postings 2000 --entries 100000
    DATABASE_URL=postgres://... python benchmarks/bench_ledger.py   # an empty PostgreSQL database

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    os.environ.setdefault("TRIPLEC_DATA_DIR", str(workdir / "data"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from triplec.ledger import services
    from triplec.ledger.models import Account, Entry, Transaction, to_units

    call_command("migrate", interactive=False, verbosity=0)
    run = uuid.uuid4().hex[:8]
    print(f"database: {connection.vendor}, {args.postings} postings, balance over {args.entries} entries")

    bank = services.account_for(f"bench:{run}", "bank", "BRL")
    budget = services.account_for(f"bench:{run}", "budget", "BRL", floor=Decimal(0))
    costs = services.account_for(f"bench:{run}", "costs", "BRL")
    services.post([(budget, Decimal(10) ** 9), (bank, -Decimal(10) ** 9)], currency="BRL")

    # 1. postings: each in its own database transaction, as a page or a task would post.
    start = time.perf_counter()
    for i in range(args.postings):
        services.post([(costs, Decimal("12.34")), (budget, Decimal("-12.34"))], currency="BRL",
                      idempotency_key=f"{run}:p{i}")
    service_s = time.perf_counter() - start

    start = time.perf_counter()
    today = timezone.localdate()
    for i in range(args.postings):
        with transaction.atomic():
            t = Transaction.objects.create(currency="BRL", idempotency_key=f"{run}:b{i}", effective_on=today)
            Entry.objects.bulk_create([Entry(transaction=t, account=costs, units=to_units(Decimal("12.34")),
                                             currency="BRL"),
                                       Entry(transaction=t, account=budget, units=to_units(Decimal("-12.34")),
                                             currency="BRL")])
    baseline_s = time.perf_counter() - start
    print(f"post: {args.postings / service_s:,.0f} postings/s through services.post; plain inserts of the same "
          f"rows {args.postings / baseline_s:,.0f}/s; services.post costs {service_s / baseline_s:.2f}x the "
          f"plain insert")

    # 2. a balance over many entries: fill one account with bulk inserts (the service's speed is above).
    big = services.account_for(f"bench:{run}", "many", "BRL")
    other = services.account_for(f"bench:{run}", "many-other", "BRL")
    half = args.entries
    chunk = 5000
    for first in range(0, half, chunk):
        with transaction.atomic():
            rows = Transaction.objects.bulk_create(
                [Transaction(currency="BRL", idempotency_key=f"{run}:m{i}", effective_on=today)
                 for i in range(first, min(first + chunk, half))])
            if rows[0].pk is None:  # SQLite before RETURNING support would leave pks unset
                rows = list(Transaction.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]))
            Entry.objects.bulk_create(
                [Entry(transaction=t, account=a, units=u, currency="BRL")
                 for t in rows for a, u in ((big, 10_000), (other, -10_000))])
    expected = Decimal(half)
    assert services.balance(big) == expected
    balance_s = best_of(lambda: services.balance(big))
    row_s = best_of(lambda: Account.objects.get(pk=big.pk))
    python_s = best_of(lambda: sum(Entry.objects.filter(account=big).values_list("units", flat=True)), repeat=3)
    print(f"balance of an account with {half:,} entries: {balance_s * 1000:.1f} ms; reading the account row "
          f"{row_s * 1000:.2f} ms ({balance_s / row_s:.0f}x); summing the entries in Python "
          f"{python_s * 1000:.0f} ms ({python_s / balance_s:.1f}x the SQL sum)")


if __name__ == "__main__":
    main()
