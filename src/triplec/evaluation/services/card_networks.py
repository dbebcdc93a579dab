"""Scorecards of networks (and of a network kind, the networks' programme), from the network records
and its postings on the shared ledger (networks.funding reads them).

- customer-oriented: target buyers named; markets described (product, volume and quality).
- collective: firms reached (every firm that was ever a member); delivered to a group; public cost =
  the expenses the firms did not pay (expenses - contributions, never below 0), and per firm reached;
  joint actions = joint purchases, marketing and projects.
- cumulative: share of the expenses the firms paid, over the network's life and network year by year;
  activities after the last cost the agency subsidised (the schedule's share above 0); firms that paid
  contributions in two or more calendar years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.core.months import months_between
from triplec.networks import books
from triplec.networks.funding import ScheduleRules, shares_by_year_of_rows, shares_of_rows
from triplec.networks.models import COLLECTIVE_BUSINESS_KINDS, Activity, NetworkMember, TargetBuyer

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share

EARLIEST = date(1900, 1, 1)


def _detail(n) -> Evidence:
    return Evidence(str(n), reverse("networks:network_detail", args=[n.pk]))


def _last_subsidised_cost(network, rules: ScheduleRules, costs: list) -> date | None:
    """The date of the network's last cost of which the schedule gave the agency a part."""
    start, last = network.funding_start_date, None
    for category, incurred_on, amount in costs:
        if amount > 0 and rules.agency_share(category, max(0, months_between(start, incurred_on))) > 0:
            last = max(last or incurred_on, incurred_on)
    return last


def _repeat_payers(networks, contributions: dict) -> int:
    paid: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for n in networks:
        for enterprise_id, paid_on, amount in contributions[n.pk]:
            paid[(enterprise_id, paid_on.year)] += amount
    years: dict[int, int] = defaultdict(int)
    for (enterprise_id, _year), amount in paid.items():
        if amount > 0:
            years[enterprise_id] += 1
    return sum(1 for n in years.values() if n >= 2)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (every firm ever a member) of each group of networks, in one query."""
    firms: dict[int, set] = defaultdict(set)
    for network_id, enterprise_id in NetworkMember.objects.filter(
            network_id__in={n.pk for networks in groups for n in networks}).values_list("network_id", "enterprise_id"):
        firms[network_id].add(enterprise_id)
    return [firms_reached(len(set().union(*(firms[n.pk] for n in networks))), map(_detail, networks))
            for networks in groups]


def figures(networks: list, single: bool) -> tuple[list, list, list]:
    return figures_many([networks], [single])[0]


@dataclass
class _Read:
    """What the figures of a page's networks read, in a fixed number of queries however many there are."""

    buyers: dict
    members: dict
    activities: dict
    rules: dict
    costs: dict
    contributions: dict

    @classmethod
    def of(cls, networks: list) -> _Read:
        ids = [n.pk for n in networks]
        buyers, members, activities = defaultdict(list), defaultdict(set), defaultdict(list)
        for b in TargetBuyer.objects.filter(network_id__in=ids).select_related("organisation"):
            buyers[b.network_id].append(b)
        for network_id, currency, firm in NetworkMember.objects.filter(network_id__in=ids).values_list(
                "network_id", "network__currency", "enterprise_id"):
            members[network_id].add((currency, firm))
        for network_id, kind, day in Activity.objects.filter(network_id__in=ids).values_list(
                "network_id", "kind", "occurred_on"):
            activities[network_id].append((kind, day))
        prefetch_related_objects(networks, "funding_schedule__rules", "kind__funding_schedule__rules")
        rules = {n.pk: ScheduleRules.of(n.schedule) for n in networks}
        return cls(buyers, members, activities, rules, books.costs_of(networks), books.contributions_of(networks))


def figures_many(groups: list[list], singles: list[bool]) -> list[tuple[list, list, list]]:
    """The figures of each group of networks (a scorecard's), from one read of all of them."""
    read = _Read.of(list({n.pk: n for networks in groups for n in networks}.values()))
    return [_figures(networks, single, read) for networks, single in zip(groups, singles, strict=True)]


def _figures(networks: list, single: bool, read: _Read) -> tuple[list, list, list]:
    details = tuple(_detail(n) for n in networks)
    money = tuple(Evidence(_("Money of %(network)s") % {"network": n}, reverse("networks:money", args=[n.pk]))
                  for n in networks)
    activities_pages = tuple(Evidence(_("Activities of %(network)s") % {"network": n},
                                      reverse("networks:activities", args=[n.pk])) for n in networks)
    buyers = [b for n in networks for b in read.buyers[n.pk]]
    customer = [
        Figure("named_customers", _("Target buyers named"), len(buyers), evidence=details,
               note=", ".join(sorted({b.organisation.name for b in buyers}))[:300]),
        Figure("markets_described", _("Networks with a described market"),
               sum(1 for n in networks if n.has_described_market), evidence=details),
    ]
    members = set().union(*(read.members[n.pk] for n in networks))
    by_currency: dict[str, list] = defaultdict(list)
    for n in networks:
        by_currency[n.currency].append((n, shares_of_rows(n, read.rules[n.pk], read.costs[n.pk],
                                                          read.contributions[n.pk], EARLIEST, date.max)))
    public = {c: sum((max(s.expenses - s.contributions, Decimal(0)) for _n, s in rows), Decimal(0))
              for c, rows in by_currency.items()}
    reached_in = {c: len({firm for cur, firm in members if cur == c}) for c in by_currency}
    joint = sum(1 for n in networks for kind, _day in read.activities[n.pk] if kind in COLLECTIVE_BUSINESS_KINDS)
    collective = [
        firms_reached(len({firm for _currency, firm in members}), details),
        Figure("delivery", _("Group or individual"), "group", "text", evidence=details,
               note=_("A network serves its member firms as a group.")),
        *money_figures("public_cost", _("Public cost"), public, money,
                       _("Expenses the member firms did not pay themselves.")),
        *[Figure("public_cost_per_firm", _("Public cost per firm reached"), per_firm(public[c], reached_in[c]),
                 "money", c, money) for c in sorted(public)],
        Figure("joint_actions", _("Joint actions"), joint, evidence=activities_pages,
               note=_("Joint purchases, joint marketing and joint projects.")),
    ]
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the costs paid by the firms"),
               share(sum((s.contributions for _n, s in rows), Decimal(0)),
                     sum((s.expenses for _n, s in rows), Decimal(0))), "share", c, money)
        for c, rows in sorted(by_currency.items())]
    if single:
        network = networks[0]
        by_year = shares_by_year_of_rows(network, read.rules[network.pk], read.costs[network.pk],
                                         read.contributions[network.pk])
        cumulative.append(Figure("cost_share_by_year", _("Share of the costs paid by the firms, year by year"),
                                 [{"year": y, "value": s.member_share} for y, s in by_year if s.expenses > 0],
                                 "by-year", network.currency, money))
    after = 0
    for n in networks:
        last = _last_subsidised_cost(n, read.rules[n.pk], read.costs[n.pk])
        if last is not None:
            after += sum(1 for _kind, day in read.activities[n.pk] if day > last)
    cumulative += [
        Figure("activity_after_subsidy", _("Activities after the last subsidised cost"), after,
               evidence=activities_pages),
        Figure("repeat_paid", _("Firms that paid contributions in two or more years"),
               _repeat_payers(networks, read.contributions), evidence=money),
    ]
    return customer, collective, cumulative
