"""The dashboard's tables of what the instruments did: firms reached (by instrument and year, in a group
or individually), networks by stage, procurement contracts, fairs, supplier programmes, centre
services, and each programme's firms reached with its scorecard. Each is computed by grouped queries and
kept while the database is unchanged (dashboard.cached).

Firms reached: a firm counts once per instrument, in the year it first took part in it (support.py
says what taking part is); in a group when it took part through a network, a procurement contract
(with its association) or a fair's group stand, individually otherwise. The territory and sector
filters narrow the firms reached and the outcomes; the other tables count interventions, not firms.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.centres.models import Subscription
from triplec.centres.models_usage import Usage
from triplec.fairs.models import Participation
from triplec.networks.models import Network
from triplec.procurement.models import Contract
from triplec.suppliers.models import Programme as SupplierProgramme
from triplec.suppliers.models import Supplier
from triplec.suppliers.models_records import Order

from . import scorecards as cards
from .dashboard import Filters, Table, cached
from .support import SOURCES, Year, participations

IN_GROUP = {"network": Value(1), "contract": Value(1), "supplier-programme": Value(0), "subscription": Value(0),
            "fair-participation": Case(When(stand__isnull=False, then=Value(1)), default=Value(0))}
MONEY_OUT = DecimalField(max_digits=20, decimal_places=2)


def _reach_rows(filters: Filters) -> list[dict]:
    firms = filters.firms()
    counts: dict = defaultdict(lambda: [set(), set()])  # (instrument, year) -> [firms, firms in a group]
    everyone: dict = defaultdict(set)
    for source in SOURCES:
        if not filters.wants(source.instrument):
            continue
        qs = participations(source, filters.programme_of(source.instrument), firms)
        rows = (qs.values(source.firm).annotate(first=Min(Year(source.day)),
                                                group=Max(IN_GROUP[source.instrument], output_field=IntegerField()))
                .order_by())
        for row in rows.iterator(chunk_size=5000):
            year = row["first"]
            if (filters.year_from and year < filters.year_from) or (filters.year_to and year > filters.year_to):
                continue
            cell = counts[(source.instrument, year)]
            cell[0].add(row[source.firm])
            if row["group"]:
                cell[1].add(row[source.firm])
            everyone[year].add(row[source.firm])
    order = [s.instrument for s in SOURCES]
    result = [{"instrument": instrument, "year": year, "firms": len(cell[0]), "in_group": len(cell[1]),
               "individually": len(cell[0]) - len(cell[1])}
              for (instrument, year), cell in sorted(counts.items(), key=lambda i: (order.index(i[0][0]), i[0][1]))]
    seen: set = set()
    for year in sorted(everyone):
        new = everyone[year] - seen
        seen |= new
        result.append({"instrument": "", "year": year, "firms": len(new), "in_group": None, "individually": None})
    return result


def reach(filters: Filters) -> Table:
    labels = {i.key: str(i.label) for i in cards.INSTRUMENTS}
    rows = [{**row, "instrument": labels.get(row["instrument"], _("Any instrument (each firm once)"))}
            for row in cached("reach", filters, lambda: _reach_rows(filters))]
    return Table("reach", _("Firms reached"), [
        ("instrument", _("Instrument"), "text"), ("year", _("First year"), "year"), ("firms", _("Firms"), "count"),
        ("in_group", _("In a group"), "count"), ("individually", _("Individually"), "count")], rows,
        _("Each firm once per instrument, in the year it first took part; the last rows count each firm once, "
          "whatever the instrument."))


def _networks_rows(filters: Filters) -> list[dict]:
    qs = Network.objects.filter(filters.years("started_on__year"))
    if (programme := filters.programme_of("network")) is not None:
        qs = qs.filter(kind_id=programme)
    rows = (qs.values("stage__kind__name", "stage__order", "stage__name").annotate(networks=Count("id"))
            .order_by("stage__kind__name", "stage__order"))
    return [{"kind": r["stage__kind__name"], "stage": r["stage__name"], "networks": r["networks"]} for r in rows]


def networks(filters: Filters) -> Table:
    return Table("networks", _("Networks by stage"), [
        ("kind", _("Kind"), "text"), ("stage", _("Stage"), "text"), ("networks", _("Networks"), "count")],
        # kinds' and stages' shipped names in the reader's language, after the cache (kept once for all)
        [{**row, "kind": _(row["kind"]), "stage": _(row["stage"])}
         for row in cached("networks", filters, lambda: _networks_rows(filters))],
        _("Networks first contacted in these years."))


def _contracts_rows(filters: Filters) -> list[dict]:
    qs = Contract.objects.filter(filters.years("awarded_on__year"))
    if (programme := filters.programme_of("contract")) is not None:
        qs = qs.filter(programme_id=programme)
    value = ExpressionWrapper((F("lines__quantity") - F("lines__cancelled")) * F("lines__unit_price"),
                              output_field=MONEY_OUT)
    rows = (qs.values(year=Year("awarded_on"), currency=F("programme__currency"))
            .annotate(contracts=Count("id", distinct=True), value=Sum(value)).order_by("year", "currency"))
    return [{**r, "value": r["value"] or Decimal(0)} for r in rows]


def contracts(filters: Filters) -> Table:
    return Table("contracts", _("Procurement contracts"), [
        ("year", _("Year awarded"), "year"), ("currency", _("Currency"), "text"),
        ("contracts", _("Contracts"), "count"), ("value", _("Value ordered"), "money")],
        cached("contracts", filters, lambda: _contracts_rows(filters)),
        _("Value: quantity ordered less quantity cancelled, at the contract's unit prices."))


def _fairs_rows(filters: Filters) -> list[dict]:
    qs = Participation.objects.filter(filters.years("fair__starts_on__year"), cancelled_on__isnull=True)
    if (programme := filters.programme_of("fair-participation")) is not None:
        qs = qs.filter(fair__programme_id=programme)
    rows = (qs.values(year=Year("fair__starts_on"), currency=F("fair__programme__currency"))
            .annotate(participations=Count("id"), firms=Count("enterprise", distinct=True), subsidies=Sum("subsidy"))
            .order_by("year", "currency"))
    return [{**r, "subsidies": r["subsidies"] or Decimal(0)} for r in rows]


def fairs(filters: Filters) -> Table:
    return Table("fairs", _("Fairs"), [
        ("year", _("Year of the fair"), "year"), ("currency", _("Currency"), "text"),
        ("participations", _("Participations"), "count"), ("firms", _("Firms"), "count"),
        ("subsidies", _("Subsidies paid"), "money")],
        cached("fairs", filters, lambda: _fairs_rows(filters)), _("Participations not cancelled."))


def _suppliers_rows(filters: Filters) -> list[dict]:
    programme = filters.programme_of("supplier-programme")
    enrolled = Supplier.objects.filter(filters.years("enrolled_on__year"))
    orders = Order.objects.filter(filters.years("ordered_on__year"))
    if programme is not None:
        enrolled, orders = enrolled.filter(programme_id=programme), orders.filter(supplier__programme_id=programme)
    cells: dict = defaultdict(lambda: {"suppliers": 0, "orders": 0, "value": Decimal(0)})
    for r in (enrolled.values(year=Year("enrolled_on"), currency=F("programme__currency"))
              .annotate(n=Count("id")).order_by()):
        cells[(r["year"], r["currency"])]["suppliers"] = r["n"]
    for r in (orders.values(year=Year("ordered_on"), currency=F("supplier__programme__currency"))
              .annotate(n=Count("id"), value=Sum(ExpressionWrapper(F("quantity") * F("unit_price"),
                                                                   output_field=MONEY_OUT))).order_by()):
        cells[(r["year"], r["currency"])].update(orders=r["n"], value=r["value"] or Decimal(0))
    return [{"year": year, "currency": currency, **cell} for (year, currency), cell in sorted(cells.items())]


def suppliers(filters: Filters) -> Table:
    return Table("suppliers", _("Supplier programmes"), [
        ("year", _("Year"), "year"), ("currency", _("Currency"), "text"),
        ("suppliers", _("Suppliers enrolled"), "count"), ("orders", _("Orders"), "count"),
        ("value", _("Value ordered"), "money")],
        cached("suppliers", filters, lambda: _suppliers_rows(filters)),
        _("Suppliers in the year they enrolled; the buyer's orders in the year they were placed."))


def _centres_rows(filters: Filters) -> list[dict]:
    centre = filters.programme_of("subscription")
    subscriptions = Subscription.objects.filter(filters.years("starts_on__year"))
    uses = Usage.objects.filter(filters.years("at__year"))
    if centre is not None:
        subscriptions, uses = subscriptions.filter(centre_id=centre), uses.filter(centre_id=centre)
    cells: dict = defaultdict(lambda: {"subscriptions": 0, "uses": 0})
    for r in subscriptions.values(year=Year("starts_on")).annotate(n=Count("id")).order_by():
        cells[r["year"]]["subscriptions"] = r["n"]
    for r in uses.values(year=ExtractYear("at")).annotate(n=Count("id")).order_by():
        cells[r["year"]]["uses"] = r["n"]
    return [{"year": year, **cell} for year, cell in sorted(cells.items())]


def centres(filters: Filters) -> Table:
    return Table("centres", _("Centre services"), [
        ("year", _("Year"), "year"), ("subscriptions", _("Subscriptions started"), "count"),
        ("uses", _("Services used"), "count")], cached("centres", filters, lambda: _centres_rows(filters)))


def _programme_rows(filters: Filters) -> list[dict]:
    """(instrument, programme id, firms reached): firms whose first year in the programme is in range."""
    firms = filters.firms()
    rows = []
    for source in SOURCES:
        if not filters.wants(source.instrument):
            continue
        qs = participations(source, filters.programme_of(source.instrument), firms)
        reached: dict = defaultdict(int)
        for row in (qs.values(source.firm, source.programme).annotate(first=Min(Year(source.day)))
                    .order_by().iterator(chunk_size=5000)):
            year = row["first"]
            if not ((filters.year_from and year < filters.year_from) or (filters.year_to and year > filters.year_to)):
                reached[row[source.programme]] += 1
        rows += [{"instrument": source.instrument, "pk": pk, "firms_reached": n} for pk, n in sorted(reached.items())]
    return rows


def scorecards(user, filters: Filters) -> Table:
    """The programmes that reached firms in these years, with how many, each linking to its scorecard
    (every figure with its evidence; a supplier programme is its own programme). No composite score."""
    year = filters.year_from if filters.year_from == filters.year_to else None
    rows = []
    for row in cached("programmes", filters, lambda: _programme_rows(filters)):
        spec = cards.BY_KEY[row["instrument"]]
        level = cards.PROGRAMME if spec.programmes is not None else cards.INTERVENTION
        model = spec.programmes().model if spec.programmes is not None else SupplierProgramme
        url = reverse("evaluation:scorecard_detail", args=[spec.key, level, row["pk"]])
        rows.append({"programme": str(model.objects.filter(pk=row["pk"]).first() or f"#{row['pk']}"),
                     "url": url + (f"?year={year}" if year and level == cards.PROGRAMME else ""),
                     "instrument": str(spec.label), "firms_reached": row["firms_reached"]})
    return Table("scorecards", _("Programme scorecards"), [
        ("programme", _("Programme"), "text"), ("instrument", _("Instrument"), "text"),
        ("firms_reached", _("Firms reached"), "count")], rows,
        _("Firms reached in these years, each firm once per programme; each programme's scorecard shows every "
          "figure (customer-oriented, collective, cumulative) with its evidence."))


def tables(user, filters: Filters) -> list[Table]:
    found = [reach(filters)]
    for instrument, build in (("network", networks), ("contract", contracts), ("fair-participation", fairs),
                              ("supplier-programme", suppliers), ("subscription", centres)):
        if filters.wants(instrument):
            found.append(build(filters))
    return [*found, scorecards(user, filters)]
