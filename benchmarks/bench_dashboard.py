"""Time of the programme dashboard, and of an impact estimate, on a programme of 20,000 supported firms
in a register of 100,000 with 10 years of panel (1,000,000 FirmYear rows).

Fills a throwaway SQLite database (a temporary folder; with DATABASE_URL set, a throwaway PostgreSQL
database) with the register of bench_register_pages (100,000 firms, 10 regions x 40 municipalities,
ISIC classes), a service centre whose subscriptions support 20,000 of them from 8 staggered years,
and 10 years of panel for every firm (bulk_create). Then, with Django's test Client as an evaluator
(median of --runs):

  baseline         the dashboard page computed by plain queries on every request (the cache off)
  cold             the first request, nothing kept: every table computed and kept
  warm             the same request again, the database unchanged: the kept tables
  unrelated write  after a login (accounts_user written): still the kept tables
  related write    after one panel figure changed (evaluation_firmyear written): the tables that
                   read the panel computed again, the others kept (core.table_versions)
  filtered         a filtered request (one region, section C, 2020-2025), cold then warm

and the impact estimate on the same panel (employment, cohorts = each supported firm's first year,
never-supported comparison firms, one covariate): triplec.impact.att_gt against bench_impact's
per-cell baseline. Each printed with its ratio to its baseline in the same run.

Run:  .venv/bin/python benchmarks/bench_dashboard.py [--firms 100000] [--supported 20000] [--years 10] [--runs 3]
      [--keep DIR]   (SQLite: fill DIR once and reuse its database on the next runs)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

FIRST_YEAR = 2016


def fill_programme(supported: int, years: int, seed: int = 12) -> dict:
    """A centre supporting `supported` firms from staggered years, and `years` of panel for every firm."""
    from decimal import Decimal

    from triplec.centres.models import Centre, Subscription
    from triplec.evaluation.models import FirmYear
    from triplec.registry.models import Enterprise, Organisation, OrganisationKind

    rng = random.Random(seed)
    organisation = Organisation.objects.create(kind=OrganisationKind.SERVICE_CENTRE, name="Bench centre", country="BR")
    centre = Centre.objects.create(organisation=organisation, scope="transversal", function="technology",
                                   currency="BRL")
    firms = list(Enterprise.objects.order_by("pk").values_list("pk", "employees"))
    chosen = rng.sample(range(len(firms)), supported)
    cohort = {firms[i][0]: FIRST_YEAR + 2 + rng.randrange(8) for i in chosen}
    Subscription.objects.bulk_create(
        [Subscription(centre=centre, enterprise_id=pk, starts_on=date(year, 3, 1), ends_on=date(year + 1, 2, 28),
                      size_class="small", fee=Decimal("100.00")) for pk, year in cohort.items()], batch_size=5000)
    batch = []
    for pk, employees in firms:
        base = employees or 5
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            lift = 2 if pk in cohort and year >= cohort[pk] else 0
            employment = max(0, base + lift + rng.randint(-1, 1))
            batch.append(FirmYear(enterprise_id=pk, year=year, employment=employment, currency="BRL",
                                  sales=Decimal(employment * 50_000), customers=rng.randint(1, 20)))
            if len(batch) == 20_000:
                FirmYear.objects.bulk_create(batch)
                batch = []
    FirmYear.objects.bulk_create(batch)
    return {"centre": centre.pk, "cohort": cohort}


def page_time(client, params: dict, runs: int) -> float:
    """Median ms of `runs` GETs of the dashboard page (each a full render)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/evaluation/dashboard/", params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def forget() -> None:
    """Nothing kept: as a server process that has not computed the dashboard yet."""
    from triplec.core import table_versions

    table_versions._kept.items.clear()


def login(user) -> None:
    """A write to a table the dashboard does not read (a login's last_login)."""
    from django.utils import timezone

    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())


def panel_write() -> None:
    """A write to a table the dashboard reads: one firm's employment in one year, back and forth."""
    from django.db.models import F

    from triplec.evaluation.models import FirmYear

    first = FirmYear.objects.order_by("pk").values_list("pk", flat=True)[0]
    FirmYear.objects.filter(pk=first).update(employment=F("employment") + 1)
    FirmYear.objects.filter(pk=first).update(employment=F("employment") - 1)


def switched_off():
    """The dashboard's cache switched off: every table computed by its queries on each request."""
    from triplec.evaluation.services import dashboard_figures, dashboard_outcomes

    def plain(_name, _filters, compute):
        return compute()

    saved = dashboard_figures.cached, dashboard_outcomes.cached
    dashboard_figures.cached = dashboard_outcomes.cached = plain
    return lambda: (setattr(dashboard_figures, "cached", saved[0]), setattr(dashboard_outcomes, "cached", saved[1]))


def impact(cohort: dict, runs: int) -> None:
    import bench_impact
    import numpy as np
    import pandas as pd

    from triplec.evaluation.models import FirmYear

    rows = pd.DataFrame.from_records(FirmYear.objects.values_list("enterprise_id", "year", "employment"),
                                     columns=["unit", "year", "y"])
    rows["y"] = rows["y"].astype(float)
    rows["cohort"] = rows["unit"].map(cohort).fillna(0).astype(int)
    first = rows[rows["year"] == FIRST_YEAR].set_index("unit")["y"]
    rows["x"] = np.log1p(rows["unit"].map(first))
    fast, fast_cpu, ours = bench_impact.timed(bench_impact.ours, rows, runs)
    slow, slow_cpu, base = bench_impact.timed(bench_impact.baseline, rows, runs)
    gap = max(abs(ours[k] - base[k]) for k in base)
    print(f"impact estimate on the panel ({len(rows):,} rows, {len(ours)} ATT(g,t) cells + 4 aggregations): "
          f"{fast:.2f} s wall, {fast_cpu:.2f} s CPU")
    print(f"impact baseline (bench_impact's per-cell pandas, same estimator): {slow:.2f} s wall, {slow_cpu:.2f} s CPU")
    print(f"impact ratio ours / baseline: {fast / slow:.2f}x wall (largest ATT(g,t) difference {gap:.1e}; "
          f"planted effect 2 employees, mean ATT(g,t) after entry "
          f"{np.mean([att for (g, t), att in ours.items() if t >= g]):.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--supported", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None,
                        help="SQLite: a folder whose database is filled once and reused by later runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        import bench_register_pages as register

        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        register.setup_django(folder)
        where, cleanup = register.prepare_database()
        try:
            from django.test import Client

            from triplec.accounts.models import User
            from triplec.centres.models import Subscription

            started = time.perf_counter()
            if args.keep is None or not User.objects.filter(username="bench-officer").exists():
                register.fill(args.firms)
                fill_programme(args.supported, args.years)
                user = register.make_user()
                user.role = "evaluator"
                user.save()
            user = User.objects.get(username="bench-officer")
            filled = {"cohort": {pk: on.year for pk, on in Subscription.objects.values_list("enterprise_id", "starts_on")}}
            print(f"{where}: {args.firms:,} firms, {len(filled['cohort']):,} supported, {args.years} years of panel, "
                  f"ready in {time.perf_counter() - started:.0f} s")
            client = Client()
            client.force_login(user)
            from triplec.registry.models import Territory

            region = Territory.objects.filter(level="region").order_by("code")[3].pk
            filtered = {"territory": region, "sector": "C", "year_from": 2020, "year_to": 2025}

            page_time(client, {}, 1)  # warm-up: the first request loads every app and template
            restore = switched_off()
            baseline = page_time(client, {}, args.runs)
            restore()
            times: dict = {name: [] for name in ("cold", "warm", "unrelated", "related", "f_cold", "f_warm")}
            for _ in range(args.runs):
                forget()
                times["cold"].append(page_time(client, {}, 1))
                times["warm"].append(page_time(client, {}, 1))
                login(user)
                times["unrelated"].append(page_time(client, {}, 1))
                panel_write()
                times["related"].append(page_time(client, {}, 1))
                forget()
                times["f_cold"].append(page_time(client, filtered, 1))
                times["f_warm"].append(page_time(client, filtered, 1))
            print(f"baseline (no cache, plain queries each request): {baseline:.0f} ms")
            for name, label in (("cold", "cold (nothing kept: every table computed and kept)"),
                                ("warm", "warm (the kept tables)"),
                                ("unrelated", "after an unrelated write (a login)"),
                                ("related", "after a related write (a panel figure)"),
                                ("f_cold", "filtered, cold"), ("f_warm", "filtered, warm")):
                value = statistics.median(times[name])
                print(f"{label}: {value:.0f} ms, ratio {value / baseline:.3f}x baseline")
            impact(filled["cohort"], args.runs)
        finally:
            cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
