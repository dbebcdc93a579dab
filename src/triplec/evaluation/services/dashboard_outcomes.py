"""The dashboard's outcome and money tables.

Outcomes: the means of what firms reported in the panel (FirmYear), year by year, for the firms ever
supported (by the instrument, or the programme, chosen; by any instrument otherwise) and for the other
firms of the register that reported, with the number of firm-years behind each mean. Two grouped
queries sum the panel per year and currency: one over every firm (in the territory and sector), one
over the supported firms; the others are their difference. This compares groups that were not chosen
alike: it is a description, not the effect of support (the impact estimates compare like with like).

Money, public vs private, year by year, from the shared ledger (never from the instruments' own
records), by the accounts each instrument posts to:

| instrument  | public (the agency's money)                          | private (firms' and buyers' money)      |
|-------------|------------------------------------------------------|-----------------------------------------|
| network     | costs less what member firms paid in                 | members' contributions                  |
| fair        | subsidies paid by the programme                      | what the firm paid itself               |
| supplier    | the agency's share of the costs                      | the buyer's and the supplier's shares   |
| centre      | public funds received by the centre                  | subscriptions and fees received         |
| contract    | nothing: a purchase pays for goods, subsidises none  | nothing                                 |

Reversals count with their sign, so a payment reversed counts for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import BigIntegerField, Case, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext as _

from triplec.ledger.models import Entry, from_units

from ..models import FirmYear
from .dashboard import Filters, Table, cached
from .support import SOURCES, Year, participations

MEASURES = ("employment", "customers", "sales", "exports")
MEAN_PLACES = Decimal("0.1")


def _supported_q(filters: Filters) -> Q:
    q = Q(pk__in=[])
    for source in SOURCES:
        if filters.wants(source.instrument):
            qs = participations(source, filters.programme_of(source.instrument))
            q |= Q(enterprise_id__in=qs.order_by().values(source.firm))
    return q


def _sums(qs) -> dict:
    aggregates = {"rows": Count("id")}
    for measure in MEASURES:
        aggregates[f"n_{measure}"] = Count(measure)
        aggregates[f"s_{measure}"] = Sum(measure)
    return {(r["year"], r["currency"]): r for r in qs.values("year", "currency").annotate(**aggregates).order_by()}


def _panel_sums(filters: Filters) -> tuple[dict, dict]:
    qs = FirmYear.objects.filter(filters.years("year"))
    if (firms := filters.firms()) is not None:
        qs = qs.filter(enterprise_id__in=firms)
    return _sums(qs), _sums(qs.filter(_supported_q(filters)))


def _mean(total, n) -> Decimal | None:
    return (Decimal(total) / n).quantize(MEAN_PLACES) if n else None


def _groups(every: dict, supported: dict) -> dict:
    """(year, currency) -> {"supported": sums, "others": sums}."""
    cells = {}
    for key, row in every.items():
        mine = supported.get(key, {})
        others = {name: (value or 0) - (mine.get(name) or 0) for name, value in row.items()
                  if name not in ("year", "currency")}
        cells[key] = {"supported": {k: mine.get(k) or 0 for k in others}, "others": others}
    return cells


def _outcome_rows(filters: Filters) -> tuple[list, list]:
    cells = _groups(*_panel_sums(filters))
    by_year: dict = defaultdict(lambda: {g: defaultdict(int) for g in ("supported", "others")})
    money = []
    for (year, currency), groups in sorted(cells.items()):
        for group, sums in groups.items():
            for name, value in sums.items():
                by_year[year][group][name] += value
        if currency:
            row = {"year": year, "currency": currency}
            for group, sums in groups.items():
                for measure in ("sales", "exports"):
                    row[f"{group}_{measure}"] = _mean(sums[f"s_{measure}"], sums[f"n_{measure}"])
                row[f"{group}_n"] = sums["n_sales"]
            money.append(row)
    counts = []
    for year, groups in sorted(by_year.items()):
        row = {"year": year}
        for group, sums in groups.items():
            row[f"{group}_n"] = sums["rows"]
            for measure in ("employment", "customers"):
                row[f"{group}_{measure}"] = _mean(sums[f"s_{measure}"], sums[f"n_{measure}"])
        counts.append(row)
    return counts, money


def outcomes(filters: Filters) -> list[Table]:
    counts, money = cached("outcomes", filters, lambda: _outcome_rows(filters))
    plain = _("Supported firms: ever supported by the chosen instrument or programme (any instrument when none is "
              "chosen); other firms: the rest of the register that reported. The groups were not chosen alike: "
              "a difference here is not the effect of support; the impact estimates compare like with like.")
    return [
        Table("outcomes", _("Outcomes of supported and other firms"), [
            ("year", _("Year"), "year"),
            ("supported_n", _("Supported: firms reporting"), "count"),
            ("supported_employment", _("Supported: mean employment"), "number"),
            ("supported_customers", _("Supported: mean customers"), "number"),
            ("others_n", _("Others: firms reporting"), "count"),
            ("others_employment", _("Others: mean employment"), "number"),
            ("others_customers", _("Others: mean customers"), "number")], counts, plain,
            {"kind": "line", "x": "year", "series": {"supported_employment": _("Supported: mean employment"),
                                                     "others_employment": _("Others: mean employment")}}),
        Table("outcomes-money", _("Sales and exports of supported and other firms"), [
            ("year", _("Year"), "year"), ("currency", _("Currency"), "text"),
            ("supported_n", _("Supported: firms reporting sales"), "count"),
            ("supported_sales", _("Supported: mean sales"), "money"),
            ("supported_exports", _("Supported: mean exports"), "money"),
            ("others_n", _("Others: firms reporting sales"), "count"),
            ("others_sales", _("Others: mean sales"), "money"),
            ("others_exports", _("Others: mean exports"), "money")], money,
            _("Means in each currency the firms reported in.")),
    ]


def _code(suffix: str) -> Q:
    return Q(account__code__endswith=suffix)


def _money_classes(filters: Filters) -> tuple[list, list]:
    """(public whens, private whens): When(account condition, then=signed units) per instrument."""
    firm = Q(account__owner__startswith="registry.enterprise:")
    units, out = F("units"), -F("units")
    public, private = [], []
    if filters.wants("network"):
        network = Q(account__owner__startswith="networks.network:")
        public += [When(network & Q(account__code__startswith="costs:"), then=units),
                   When(network & Q(account__code="receipts"), then=out)]
        private.append(When(firm & Q(account__code__startswith="contributions:"), then=out))
    if filters.wants("fair-participation"):
        public.append(When(Q(account__code__startswith="fairs:subsidies:"), then=out))
        private.append(When(firm & Q(account__code__startswith="fairs:participation:"), then=out))
    if filters.wants("supplier-programme"):
        supplier_paid = Q(account__code__startswith="suppliers:") & _code(":paid")
        public.append(When(supplier_paid & Q(account__owner="agency"), then=out))
        private.append(When(supplier_paid & ~Q(account__owner="agency"), then=out))
    if filters.wants("subscription"):
        public.append(When(Q(account__code__startswith="centres:") & _code(":income:public"), then=units))
        private.append(When(Q(account__code__startswith="centres:")
                            & (_code(":income:subscriptions") | _code(":income:fees")), then=units))
    return public, private


def _money_rows(filters: Filters) -> list[dict]:
    public, private = _money_classes(filters)
    if not public:
        return []
    qs = Entry.objects.filter(filters.years("transaction__effective_on__year"))
    if filters.instrument and filters.programme is not None:
        return []  # the ledger's accounts are per programme only for some instruments: see the table's note
    rows = (qs.values(year=Year("transaction__effective_on"), cur=F("currency"))
            .annotate(public=Sum(Case(*public, default=Value(0), output_field=BigIntegerField())),
                      private=Sum(Case(*private, default=Value(0), output_field=BigIntegerField())))
            .order_by("year", "cur"))
    result = []
    for r in rows:
        pub, priv = from_units(r["public"] or 0), from_units(r["private"] or 0)
        if pub or priv:
            total = pub + priv
            result.append({"year": r["year"], "currency": r["cur"], "public": pub, "private": priv,
                           "private_share": (priv / total * 100).quantize(MEAN_PLACES) if total > 0 else None})
    return result


def money(filters: Filters) -> Table:
    note = _("From the shared ledger, by the date of each payment: public money is the agency's (networks' costs "
             "less members' contributions, fair subsidies, the agency's share of supplier programmes, centres' public "
             "funds); private money is what firms and buyers paid. Procurement contracts buy goods and subsidise "
             "nothing.")
    if filters.instrument and filters.programme is not None:
        note = _("Not split by programme: choose the instrument only to see its money.")
    return Table("money", _("Money, public and private"), [
        ("year", _("Year"), "year"), ("currency", _("Currency"), "text"), ("public", _("Public"), "money"),
        ("private", _("Private"), "money"), ("private_share", _("Private share (%)"), "number")],
        cached("money", filters, lambda: _money_rows(filters)), note,
        {"kind": "bar", "x": "year", "series": {"public": _("Public"), "private": _("Private")}})


def tables(filters: Filters) -> list[Table]:
    return [money(filters), *outcomes(filters)]
