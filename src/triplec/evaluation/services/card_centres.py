"""Scorecards of service subscriptions (and of a service centre, their programme), from the
subscriptions, the usage record and the centre's income on the shared ledger (centres.services.money).

- customer-oriented: the market the centre serves (its function and sector); services the firms used
  while subscribed.
- collective: firms reached (subscribers); a shared centre; public cost = the centre's public income in
  the years the subscriptions cover, per firm subscribed in those years.
- cumulative: share of the centre's income paid by the firms (fees and subscriptions) in those years,
  year by year; later subscriptions the firms paid (renewals).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.centres.models import Subscription, Usage
from triplec.centres.services.money import finance_by_year_many

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share


def _page(centre) -> tuple[Evidence, ...]:
    return (Evidence(str(centre), reverse("centres:centre_detail", args=[centre.pk])),)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (subscribers) of each group of subscriptions (one centre each), from the records."""
    return [firms_reached(len({s.enterprise_id for s in subscriptions}), _page(subscriptions[0].centre))
            for subscriptions in groups]


def figures(subscriptions: list, single: bool) -> tuple[list, list, list]:
    return figures_many([subscriptions], [single])[0]


@dataclass
class _Read:
    """What the figures of a page's subscriptions read, in a fixed number of queries however many."""

    usage: dict  # (centre id, firm) -> [days]
    subscriptions: dict  # centre id -> [subscription rows]
    finance: dict

    @classmethod
    def of(cls, subscriptions: list) -> _Read:
        centres = list({s.centre_id: s.centre for s in subscriptions}.values())
        usage, rows = defaultdict(list), defaultdict(list)
        for centre_id, firm, day in (Usage.objects.filter(centre__in=centres,
                                                          enterprise_id__in={s.enterprise_id for s in subscriptions})
                                     .annotate(day=TruncDate("at")).values_list("centre_id", "enterprise_id", "day")):
            usage[(centre_id, firm)].append(day)
        for row in Subscription.objects.filter(centre__in=centres).values(
                "centre_id", "enterprise_id", "starts_on", "ends_on", "transaction_id", "fee"):
            rows[row["centre_id"]].append(row)
        return cls(usage, rows, finance_by_year_many(centres))


def figures_many(groups: list[list], singles: list[bool]) -> list[tuple[list, list, list]]:
    """The figures of each group of subscriptions (one centre each), from one read of all of them."""
    read = _Read.of(list({s.pk: s for subscriptions in groups for s in subscriptions}.values()))
    return [_figures(subscriptions, single, read) for subscriptions, single in zip(groups, singles, strict=True)]


def _figures(subscriptions: list, single: bool, read: _Read) -> tuple[list, list, list]:
    centre = subscriptions[0].centre  # one centre per scorecard
    page = _page(centre)
    finance_page = (Evidence(_("Finance of %(centre)s") % {"centre": centre}, reverse("centres:finance", args=[centre.pk])),)
    firms = {s.enterprise_id for s in subscriptions}
    used = sum(1 for firm in firms for day in read.usage[(centre.pk, firm)]
               if any(s.enterprise_id == firm and s.starts_on <= day <= s.ends_on for s in subscriptions))
    market = centre.get_function_display() + (f" · {centre.sector_code}" if centre.sector_code else "")
    customer = [
        Figure("named_market", _("Market served"), market, "text", evidence=page),
        Figure("services_used", _("Services used while subscribed"), used, evidence=page),
    ]
    years = set()
    for s in subscriptions:
        years.update(range(s.starts_on.year, s.ends_on.year + 1))
    finance = [f for f in read.finance[centre.pk] if f.year in years]
    public = sum((f.public for f in finance), Decimal(0))
    own = sum((f.subscriptions + f.fees for f in finance), Decimal(0))
    at_centre = read.subscriptions[centre.pk]
    in_years = len({r["enterprise_id"] for r in at_centre
                    if r["starts_on"].year <= max(years) and r["ends_on"].year >= min(years)})
    collective = [
        firms_reached(len(firms), page),
        Figure("delivery", _("Group or individual"), "shared", "text", evidence=page,
               note=_("A real service centre serves many firms with the same services.")),
        *money_figures("public_cost", _("Public funds of the centre in these years"), {centre.currency: public},
                       finance_page),
        Figure("public_cost_per_firm", _("Public cost per firm reached"), per_firm(public, in_years), "money",
               centre.currency, finance_page,
               _("%(firms)s firms subscribed in these years.") % {"firms": in_years}),
    ]
    first = min(s.starts_on for s in subscriptions)
    renewed_by = {subscriptions[0].enterprise_id} if single else firms
    renewals = sum(1 for r in at_centre if r["enterprise_id"] in renewed_by and r["transaction_id"] is not None
                   and r["fee"] > 0 and r["starts_on"] > first)
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the centre's income paid by the firms"), share(own, own + public),
               "share", centre.currency, finance_page),
        Figure("cost_share_by_year", _("Share paid by the firms, year by year"),
               [{"year": f.year, "value": f.own_share.quantize(Decimal("0.0001")) if f.own_share is not None else None}
                for f in finance], "by-year", centre.currency, finance_page),
        Figure("repeat_paid", _("Later subscriptions the firms paid"), renewals, evidence=page),
    ]
    return customer, collective, cumulative
