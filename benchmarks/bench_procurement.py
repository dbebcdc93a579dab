"""Speed of procurement's allocation proposal and members' scoreboard (issue 10's benchmark).

An association of 500 members with 10 years of contracts (1,000 contracts of 10 lines: 10,000 lines),
each line made by 5 members (50,000 allocations), every allocation delivered and inspected, about 1 in
25 with a warranty claim; the last 20 contracts still in progress (the members' open load). Timed:

1. `services.allocation.propose` for a new line of 5,000 units, against a straightforward ORM baseline
   in this script: each member's capacity, load, rejections and warranty claims asked one member at a
   time (the same sharing rule afterwards).
2. `services.scoreboard.compute`, against a baseline that reads each member's deliveries and claims
   one member at a time and adds them up by year in Python.

Both are checked to give the same answer as their baseline before they are timed.

    python benchmarks/bench_procurement.py                 # temporary SQLite database
    python benchmarks/bench_procurement.py --members 100 --contracts 100
    DATABASE_URL=postgres://... python benchmarks/bench_procurement.py   # an empty PostgreSQL database

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

LINES_PER_CONTRACT = 10
MAKERS_PER_LINE = 5
PRODUCTS = 10


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build(args):
    """The association, its members, 10 years of contracts and their records, with bulk inserts."""
    from django.db import transaction

    from triplec.procurement.models import (
        Allocation,
        Capacity,
        Contract,
        ContractLine,
        ContractStatus,
        Delivery,
        ProductLine,
        Programme,
        WarrantyClaim,
    )
    from triplec.registry.models import Enterprise, Membership, Organisation, OrganisationKind

    rng = random.Random(7)
    with transaction.atomic():
        buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_PUBLIC, name="Bench purchaser", country="BR")
        association = Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, country="BR",
                                                  name="Bench association")
        members = Enterprise.objects.bulk_create([
            Enterprise(legal_name=f"Bench sawmill {n:04d}", country="BR", national_id=f"BENCH{n:08d}",
                       sector_classification="isic4", sector_code="1610") for n in range(args.members)])
        members = list(Enterprise.objects.filter(national_id__startswith="BENCH").order_by("pk"))
        Membership.objects.bulk_create([Membership(enterprise=m, association=association, start_date=date(2014, 1, 1))
                                        for m in members])
        programme = Programme.objects.create(name="Bench programme", purchaser=buyer, currency="BRL")
        products = [ProductLine.objects.create(programme=programme, code=f"p{n}", name=f"Product {n}",
                                               reference_price=Decimal("100.00")) for n in range(PRODUCTS)]
        Capacity.objects.bulk_create([Capacity(association=association, member=m, product=p,
                                               units=rng.randint(20, 200))
                                      for m in members for p in products])
    first_day = date(2016, 1, 1)
    open_from = args.contracts - 20
    for start in range(0, args.contracts, 100):
        with transaction.atomic():
            chunk = range(start, min(start + 100, args.contracts))
            contracts = Contract.objects.bulk_create([
                Contract(programme=programme, association=association, reference=f"B-{n:05d}",
                         awarded_on=first_day + timedelta(days=n * 3650 // args.contracts),
                         status=ContractStatus.IN_PROGRESS if n >= open_from else ContractStatus.PAID)
                for n in chunk])
            contracts = list(Contract.objects.filter(reference__in=[f"B-{n:05d}" for n in chunk]).order_by("pk"))
            lines = ContractLine.objects.bulk_create([
                ContractLine(contract=c, product=products[k % PRODUCTS], quantity=MAKERS_PER_LINE * 20,
                             unit_price=Decimal("100.00"), deadline=c.awarded_on + timedelta(days=60))
                for c in contracts for k in range(LINES_PER_CONTRACT)])
            lines = list(ContractLine.objects.filter(contract__in=contracts).select_related("contract").order_by("pk"))
            allocations = []
            for line in lines:
                for m in rng.sample(members, MAKERS_PER_LINE):
                    allocations.append(Allocation(line=line, member=m, quantity=20, confirmed_on=line.contract.awarded_on,
                                                  lot_code=f"C{line.contract_id}-L{line.pk}-M{m.pk}-1"))
            Allocation.objects.bulk_create(allocations)
            allocations = list(Allocation.objects.filter(line__in=lines).select_related("line__contract"))
            deliveries, claims = [], []
            for a in allocations:
                late = rng.random() < 0.15
                delivered = a.line.deadline + timedelta(days=rng.randint(1, 20)) if late else \
                    a.line.deadline - timedelta(days=rng.randint(0, 30))
                rejected = rng.choice((0, 0, 0, 0, 1, 2, 5))
                is_open = a.line.contract.status == ContractStatus.IN_PROGRESS
                deliveries.append(Delivery(line=a.line, maker_id=a.member_id, allocation=a, quantity=20,
                                           delivered_on=delivered, accepted=None if is_open else 20 - rejected,
                                           rejected=None if is_open else rejected,
                                           inspected_on=None if is_open else delivered))
                if not is_open and rng.random() < 0.04:
                    claims.append(WarrantyClaim(contract=a.line.contract, line=a.line, maker_id=a.member_id,
                                                repairer_id=a.member_id, units=rng.randint(1, 3), description="Bench",
                                                claimed_on=delivered + timedelta(days=90),
                                                repair_cost=Decimal("50.00"), maker_charged=Decimal("50.00")))
            Delivery.objects.bulk_create(deliveries)
            WarrantyClaim.objects.bulk_create(claims)
    with transaction.atomic():
        new = Contract.objects.create(programme=programme, association=association, reference="B-NEW",
                                      awarded_on=date(2026, 1, 5), status=ContractStatus.AWARDED)
        line = ContractLine.objects.create(contract=new, product=products[0], quantity=5000,
                                           unit_price=Decimal("100.00"), deadline=date(2026, 3, 31))
    return association, line


def baseline_propose(line, on):
    """The proposal's figures asked one member at a time, as one would first write it."""
    from django.db.models import Sum

    from triplec.procurement.models import Allocation, Capacity, Delivery, WarrantyClaim
    from triplec.procurement.services.allocation import OPEN, _share
    from triplec.procurement.services.common import current_members

    association = line.contract.association
    room, weights = {}, {}
    for m in current_members(association, on).order_by("legal_name", "pk"):
        capacity = Capacity.objects.filter(association=association, product=line.product, member=m).first()
        allocated = Allocation.objects.filter(member=m, line__contract__status__in=OPEN).aggregate(
            s=Sum("quantity"))["s"] or 0
        accepted_open = Delivery.objects.filter(maker=m, allocation__isnull=False,
                                                line__contract__status__in=OPEN).aggregate(s=Sum("accepted"))["s"] or 0
        seen = Delivery.objects.filter(maker=m, inspected_on__isnull=False).aggregate(
            accepted=Sum("accepted"), rejected=Sum("rejected"))
        claimed = WarrantyClaim.objects.filter(maker=m).aggregate(s=Sum("units"))["s"] or 0
        accepted, rejected = seen["accepted"] or 0, seen["rejected"] or 0
        rejection = Decimal(rejected) / (accepted + rejected) if accepted + rejected else Decimal(0)
        warranty = min(Decimal(claimed) / accepted, Decimal(1)) if accepted else Decimal(0)
        room[m.pk] = max((capacity.units if capacity else 0) - (allocated - accepted_open), 0)
        weights[m.pk] = room[m.pk] * (1 - rejection) * (1 - warranty)
    already = line.allocations.aggregate(s=Sum("quantity"))["s"] or 0
    return _share(line.ordered - already, weights, room)


def baseline_scoreboard(association, on):
    """Each member's deliveries and claims read one member at a time, added up by year in Python."""
    from triplec.procurement.models import Delivery, WarrantyClaim
    from triplec.procurement.services.common import current_members

    rows = {}
    for m in current_members(association, on).order_by("legal_name", "pk"):
        years = defaultdict(lambda: [0, 0, 0, 0, 0])
        for d in Delivery.objects.filter(maker=m, line__contract__association=association).select_related("line"):
            y = years[d.delivered_on.year]
            y[0] += d.quantity
            y[1] += d.quantity if d.delivered_on <= d.line.deadline else 0
            y[2] += d.accepted or 0
            y[3] += d.rejected or 0
        claims = list(WarrantyClaim.objects.filter(maker=m, contract__association=association))
        for c in claims:
            years[c.claimed_on.year][4] += c.units
        rows[m.pk] = (len(claims), {year: tuple(v) for year, v in sorted(years.items())})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--contracts", type=int, default=1000, help="of 10 lines each")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-procurement-"))
    os.environ.setdefault("TRIPLEC_DATA_DIR", str(workdir / "data"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from triplec.procurement.models import Allocation, Delivery
    from triplec.procurement.services import allocation, scoreboard

    call_command("migrate", interactive=False, verbosity=0)
    start = time.perf_counter()
    association, line = build(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; {args.members} members, {args.contracts * LINES_PER_CONTRACT:,} lines, "
          f"{Allocation.objects.count():,} allocations, {Delivery.objects.count():,} deliveries "
          f"(built in {time.perf_counter() - start:.0f} s)")
    on = date(2026, 1, 5)

    proposal = allocation.propose(line, on)
    assert {r.member.pk: r.proposed for r in proposal} == baseline_propose(line, on), "proposal differs"
    service_s = best_of(lambda: allocation.propose(line, on), args.repeat)
    plain_s = best_of(lambda: baseline_propose(line, on), max(2, args.repeat // 2))
    print(f"allocation proposal of {sum(r.proposed for r in proposal):,} units among {len(proposal)} members: {service_s * 1000:.0f} ms; per-member ORM baseline "
          f"{plain_s * 1000:.0f} ms; the service takes {service_s / plain_s:.2f}x the baseline's time")

    board = scoreboard.compute(association, on)
    expected = baseline_scoreboard(association, on)
    got = {r.member.pk: (r.warranty_claims, {y: (f.delivered, f.on_time, f.accepted, f.rejected, f.warranty_units)
                                             for y, f in r.years.items()}) for r in board}
    assert got == expected, "scoreboard differs"
    service_s = best_of(lambda: scoreboard.compute(association, on), args.repeat)
    plain_s = best_of(lambda: baseline_scoreboard(association, on), max(2, args.repeat // 2))
    print(f"scoreboard of {len(board)} members: {service_s * 1000:.0f} ms; per-member ORM baseline "
          f"{plain_s * 1000:.0f} ms; the service takes {service_s / plain_s:.2f}x the baseline's time")


if __name__ == "__main__":
    main()
