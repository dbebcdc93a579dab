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

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.centres.models import Subscription, Usage
from triplec.centres.services.money import finance_by_year

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share


def _page(centre) -> tuple[Evidence, ...]:
    return (Evidence(str(centre), reverse("centres:centre_detail", args=[centre.pk])),)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (subscribers) of each group of subscriptions (one centre each), from the records."""
    return [firms_reached(len({s.enterprise_id for s in subscriptions}), _page(subscriptions[0].centre))
            for subscriptions in groups]


def figures(subscriptions: list, single: bool) -> tuple[list, list, list]:
    centre = subscriptions[0].centre  # one centre per scorecard
    page = _page(centre)
    finance_page = (Evidence(_("Finance of %(centre)s") % {"centre": centre}, reverse("centres:finance", args=[centre.pk])),)
    firms = {s.enterprise_id for s in subscriptions}
    # one subquery, not an OR per subscription (SQLite refuses a tree of a thousand of them)
    covering = Subscription.objects.filter(pk__in=[s.pk for s in subscriptions], enterprise_id=OuterRef("enterprise_id"),
                                           starts_on__lte=OuterRef("day"), ends_on__gte=OuterRef("day"))
    used = Usage.objects.alias(day=TruncDate("at")).filter(Exists(covering), centre=centre)
    market = centre.get_function_display() + (f" · {centre.sector_code}" if centre.sector_code else "")
    customer = [
        Figure("named_market", _("Market served"), market, "text", evidence=page),
        Figure("services_used", _("Services used while subscribed"), used.count(),
               evidence=page),
    ]
    years = set()
    for s in subscriptions:
        years.update(range(s.starts_on.year, s.ends_on.year + 1))
    finance = [f for f in finance_by_year(centre) if f.year in years]
    public = sum((f.public for f in finance), Decimal(0))
    own = sum((f.subscriptions + f.fees for f in finance), Decimal(0))
    subscribers = Subscription.objects.filter(centre=centre, starts_on__year__lte=max(years),
                                               ends_on__year__gte=min(years))
    in_years = len(set(subscribers.values_list("enterprise_id", flat=True)))
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
    renewals = Subscription.objects.filter(centre=centre, enterprise_id__in=firms, transaction__isnull=False,
                                           fee__gt=0, starts_on__gt=min(s.starts_on for s in subscriptions))
    if single:
        renewals = renewals.filter(enterprise_id=subscriptions[0].enterprise_id)
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the centre's income paid by the firms"), share(own, own + public),
               "share", centre.currency, finance_page),
        Figure("cost_share_by_year", _("Share paid by the firms, year by year"),
               [{"year": f.year, "value": f.own_share.quantize(Decimal("0.0001")) if f.own_share is not None else None}
                for f in finance], "by-year", centre.currency, finance_page),
        Figure("repeat_paid", _("Later subscriptions the firms paid"), renewals.count(), evidence=page),
    ]
    return customer, collective, cumulative
