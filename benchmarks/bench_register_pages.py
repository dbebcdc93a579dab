"""Response times of the register's pages on a register of 100,000 enterprises.

Fills a throwaway database (SQLite file in a temporary folder; with DATABASE_URL set, a throwaway
PostgreSQL test database next to it) with realistic enterprises: ISIC Rev.4 classes drawn from
clustered sector mixes, 10 regions x 40 municipalities with coordinates scattered around each
municipality's centre, log-normal employee counts (mostly micro and small firms), memberships of three
associations. Then it measures, with Django's test Client as a programme officer (median of several
runs after one warm-up):

  baseline        the list page on an EMPTY register (same process, before filling)
  list            the list page, first page, 100,000 rows
  list p.500      page 500 of the list (OFFSET 24,950)
  search          the list with a two-word search ("serraria silva": 757 matches)
  search, unacc.  a search typed without the accents ("ceramica araujo" finds "Cerâmica ... Araújo")
  search, common  a word in every name ("ltda": the search is not selective)
  search, CNPJ    one firm's CNPJ as digits (11222333000181); "fmt": as written (11.222.333/0001-81)
  filtered        sector (division) + size class + territory (a region)
  sorted          the list sorted by employees, descending
  map data        the map's JSON for all 100,000 points
  map data (flt)  the map's JSON for a filtered subset

and prints each time with its ratio to the baseline. Targets (issue 2): list and filter < 300 ms,
map data for 100,000 points < 1 s; search well under 150 ms (registry.search: a trigram index, pg_trgm
on PostgreSQL, FTS5 on SQLite, over the folded names).

Run:  .venv/bin/python benchmarks/bench_register_pages.py [--n 100000] [--runs 7]
      DATABASE_URL=postgres://user:pw@localhost/triplec .venv/bin/python benchmarks/bench_register_pages.py
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: Path) -> None:
    os.environ["TRIPLEC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    os.environ["TRIPLEC_DEBUG"] = "0"
    import django

    django.setup()


def prepare_database() -> tuple[str, callable]:
    """Migrate a fresh database; returns (description, cleanup)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        return f"SQLite file {connection.settings_dict['NAME']}", lambda: None
    old_name = connection.settings_dict["NAME"]
    # A name of its own: the test suite's test database may be in use on the same server.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"triplec_bench_{os.getpid()}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)

    def cleanup():
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    return f"{connection.vendor} throwaway database {test_name}", cleanup


def make_user():
    from triplec.accounts.models import User
    from triplec.registry.models import Organisation, OrganisationKind

    agency = Organisation.objects.create(kind=OrganisationKind.SUPPORT_AGENCY, name="Bench agency", country="BR")
    user = User(username="bench-officer", role="programme-officer", organisation=agency)
    user.set_unusable_password()
    user.save()
    return user


def sector_pool(rng: random.Random) -> list[tuple[str, str]]:
    """(class code, section) pairs: every ISIC Rev.4 class, manufacturing and trade weighted up, as in
    real business registers."""
    from triplec.mapping import codes as codelists

    frame = codelists.load_codelist("isic4")
    classes = frame[frame["level"] == "class"]["code"].tolist()
    pool = []
    for code in classes:
        section = codelists.ancestors("isic4", code)[0]
        weight = {"C": 6, "G": 5, "F": 3, "I": 2, "M": 2}.get(section, 1)
        pool.extend([(code, section)] * weight)
    rng.shuffle(pool)
    return pool


def _cnpj(i: int) -> str:
    """A valid CNPJ as the register stores it (digits only), one per firm."""
    from stdnum.br import cnpj

    return f"{i:08d}0001" + cnpj.calc_check_digits(f"{i:08d}0001")


def fill(n: int, seed: int = 2026) -> dict:
    """Territories, associations and `n` enterprises with bulk_create (no history rows: a bulk load)."""
    from datetime import date

    from triplec.registry.models import Enterprise, Membership, Organisation, OrganisationKind, Territory

    rng = random.Random(seed)
    # get_or_create: benchmarks/bench_load.py fills a register the demo (which has Brazil) started
    country, _ = Territory.objects.get_or_create(level="country", code="BR", parent=None, defaults={"name": "Brazil"})
    regions, municipalities = [], []
    for r in range(10):
        region = Territory.objects.create(level="region", code=f"R{r:02d}", name=f"Region {r:02d}", parent=country)
        regions.append(region)
        centre = (-30 + 2.5 * r + rng.uniform(-1, 1), -55 + 1.5 * r + rng.uniform(-1, 1))
        for m in range(40):
            muni = Territory.objects.create(level="municipality", code=f"{r:02d}{m:03d}", name=f"Município {r:02d}-{m:03d}",
                                            parent=region)
            municipalities.append((muni, centre[0] + rng.gauss(0, 0.8), centre[1] + rng.gauss(0, 0.8)))
    pool = sector_pool(rng)
    # Clusters: each municipality favours a few sectors (sectoral and geographical concentration).
    favourites = {muni.pk: [rng.choice(pool) for _ in range(3)] for muni, _lat, _lon in municipalities}
    words = ["Serraria", "Marcenaria", "Calçados", "Curtume", "Metalúrgica", "Comércio", "Transportes",
             "Confecções", "Alimentos", "Construtora", "Oficina", "Padaria", "Cerâmica", "Gráfica", "Móveis"]
    surnames = ["Silva", "Souza", "Oliveira", "Pereira", "Costa", "Rodrigues", "Almeida", "Lima", "Araújo",
                "Gomes", "Martins", "Rocha", "Ribeiro", "Alves", "Monteiro", "Mendes", "Barros", "Freitas"]
    taken = set(Enterprise.objects.filter(country="BR").values_list("national_id", flat=True))  # the demo's firms
    roots = (root for root in range(10 ** 8) if _cnpj(root) not in taken)
    batch = []
    for i in range(n):
        muni, lat0, lon0 = municipalities[int(rng.paretovariate(1.2)) % len(municipalities)]
        code, section = rng.choice(favourites[muni.pk]) if rng.random() < 0.4 else rng.choice(pool)
        employees = None if rng.random() < 0.05 else max(1, int(math.exp(rng.gauss(1.6, 1.3))))
        has_coords = rng.random() < 0.97
        batch.append(Enterprise(
            legal_name=f"{rng.choice(words)} {rng.choice(surnames)} {rng.choice(surnames)} {i:06d} Ltda",
            trade_name="", country="BR", national_id=_cnpj(next(roots)),
            sector_classification="isic4", sector_code=code, sector_section=section,
            employees=employees, founding_year=rng.randint(1950, 2024), territory=muni,
            latitude=round(lat0 + rng.gauss(0, 0.05), 6) if has_coords else None,
            longitude=round(lon0 + rng.gauss(0, 0.05), 6) if has_coords else None,
            exporter=rng.random() < 0.08,
        ))
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    if batch:
        Enterprise.objects.bulk_create(batch)
    associations = [Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, name=f"Association {k}",
                                                country="BR") for k in range(3)]
    ids = list(Enterprise.objects.values_list("id", flat=True)[: n // 10])
    Membership.objects.bulk_create([Membership(enterprise_id=pk, association=associations[k % 3],
                                               start_date=date(2020, 1, 1)) for k, pk in enumerate(ids)])
    return {"region": regions[3].pk, "association": associations[0].pk}


def timed(client, url: str, params: dict, runs: int) -> tuple[float, int]:
    """Median wall time in ms of `runs` GETs after one warm-up, and the response size in bytes."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(response.content)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="enterprises to create (default 100,000)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per request (median reported)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="triplec-bench-") as tmp:
        setup_django(Path(tmp))
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        where, cleanup = prepare_database()
        try:
            user = make_user()
            client = Client()
            client.force_login(user)
            list_url, map_url = reverse("enterprise_list"), reverse("enterprise_map_data")
            baseline, _size = timed(client, list_url, {}, args.runs)

            start = time.perf_counter()
            ids = fill(args.n)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            fill_s = time.perf_counter() - start

            filtered = {"sector": "10", "size": "micro", "territory": ids["region"]}
            wanted = _cnpj(args.n // 2)  # a firm in the middle of the register
            cases = [
                ("list", list_url, {}),
                ("list p.500", list_url, {"page": 500}),
                ("search", list_url, {"q": "serraria silva"}),
                ("search, unacc.", list_url, {"q": "ceramica araujo"}),
                ("search, common", list_url, {"q": "ltda"}),
                ("search, CNPJ", list_url, {"q": wanted}),
                ("search, CNPJ fmt", list_url,
                 {"q": f"{wanted[:2]}.{wanted[2:5]}.{wanted[5:8]}/{wanted[8:12]}-{wanted[12:]}"}),
                ("filtered", list_url, filtered),
                ("association", list_url, {"association": ids["association"]}),
                ("sorted", list_url, {"sort": "-employees"}),
                ("map data", map_url, {}),
                ("map data (flt)", map_url, {"sector": "C", "territory": ids["region"]}),
            ]
            print(f"triplec register pages: {args.n:,} enterprises in {where}")
            print(f"filled in {fill_s:.1f} s; median of {args.runs} runs after one warm-up; "
                  f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
            print(f"{'request':<16}{'median ms':>11}{'x baseline':>12}{'bytes':>12}")
            print(f"{'baseline':<16}{baseline:>11.1f}{1.0:>12.2f}{'(empty)':>12}")
            for label, url, params in cases:
                ms, size = timed(client, url, params, args.runs)
                print(f"{label:<16}{ms:>11.1f}{ms / baseline:>12.2f}{size:>12,}")
        finally:
            cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
