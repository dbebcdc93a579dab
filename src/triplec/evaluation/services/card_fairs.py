"""Scorecards of fair participations (and of a fairs programme), from the participations' records
and their postings on the shared ledger (fairs.services.money reads them).

- customer-oriented: buyers and agents met (named); orders traced to the fair, in the programme's
  currency (orders in other currencies are counted in the note, never converted).
- collective: firms reached; at a group stand or alone; public cost = the subsidies paid (ledger), and
  per firm reached.
- cumulative: share of the exhibition costs the firms paid themselves; follow-ups with the buyers done;
  orders placed after the fair ended (business continuing after the subsidised event); repeat
  participations the firms paid wholly themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.fairs.models import Contact, FollowUp, Order
from triplec.fairs.services.common import ZERO
from triplec.fairs.services.links import self_paid_repeats
from triplec.fairs.services.money import Paid, paid_for_many

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share


def _details(participations: list) -> tuple[Evidence, ...]:
    return tuple(Evidence(str(p), reverse("fairs:participation_detail", args=[p.pk])) for p in participations)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (the participating firms) of each group of participations, from the records."""
    return [firms_reached(len({p.enterprise_id for p in participations}), _details(participations))
            for participations in groups]


def figures(participations: list, single: bool) -> tuple[list, list, list]:
    return figures_many([participations], [single])[0]


@dataclass
class _Read:
    """What the figures of a page's participations read, in a fixed number of queries however many."""

    contacts: dict
    orders: dict
    paid: dict
    follow_ups: dict
    repeats: dict

    @classmethod
    def of(cls, participations: list) -> _Read:
        ids = [p.pk for p in participations]
        contacts = dict(Contact.objects.filter(participation_id__in=ids).order_by().values_list("participation_id")
                        .annotate(n=Count("id")))
        orders, follow_ups = defaultdict(list), defaultdict(list)
        for o in Order.objects.filter(participation_id__in=ids).select_related("participation__fair"):
            orders[o.participation_id].append(o)
        for participation_id, done_on in FollowUp.objects.filter(participation_id__in=ids).values_list(
                "participation_id", "done_on"):
            follow_ups[participation_id].append(done_on)
        paid = paid_for_many(participations)
        return cls(contacts, orders, {p.pk: paid.get(p.pk, Paid(ZERO, ZERO)) for p in participations}, follow_ups,
                   self_paid_repeats({p.enterprise_id for p in participations}))


def figures_many(groups: list[list], singles: list[bool]) -> list[tuple[list, list, list]]:
    """The figures of each group of participations (a scorecard's), from one read of all of them."""
    read = _Read.of(list({p.pk: p for participations in groups for p in participations}.values()))
    return [_figures(participations, single, read) for participations, single in zip(groups, singles, strict=True)]


def _figures(participations: list, single: bool, read: _Read) -> tuple[list, list, list]:
    details = _details(participations)
    currency = participations[0].fair.programme.currency
    contacts = sum(read.contacts.get(p.pk, 0) for p in participations)
    orders = [o for p in participations for o in read.orders[p.pk]]
    in_currency = [o for o in orders if o.currency == currency]
    others = len(orders) - len(in_currency)
    customer = [
        Figure("buyers_met", _("Buyers and agents met"), contacts, evidence=details),
        Figure("orders_traced_count", _("Orders traced"), len(orders), evidence=details),
        *money_figures("orders_traced", _("Value of orders traced"),
                       {currency: sum((o.value for o in in_currency), Decimal(0))}, details,
                       _("%(count)s orders in other currencies, not converted.") % {"count": others} if others else ""),
    ]
    paid = [read.paid[p.pk] for p in participations]
    subsidy = sum((x.subsidy for x in paid), Decimal(0))
    own = sum((x.own for x in paid), Decimal(0))
    firms = {p.enterprise_id for p in participations}
    grouped = sum(1 for p in participations if p.stand_id)
    collective = [
        firms_reached(len(firms), details),
        Figure("delivery", _("Group or individual"),
               ("group" if grouped else "individual") if single else
               _("%(group)s at group stands, %(alone)s alone") % {"group": grouped,
                                                                  "alone": len(participations) - grouped},
               "text", evidence=details),
        *money_figures("public_cost", _("Public cost"), {currency: subsidy}, details,
                       _("Subsidies paid, from the ledger.")),
        Figure("public_cost_per_firm", _("Public cost per firm reached"), per_firm(subsidy, len(firms)), "money",
               currency, details),
    ]
    follow_ups = [done_on for p in participations for done_on in read.follow_ups[p.pk]]
    later = sum(1 for o in orders if o.ordered_on > o.participation.fair.ends_on)
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the costs paid by the firms"), share(own, own + subsidy), "share",
               currency, details),
        Figure("follow_ups_done", _("Follow-ups with buyers done"), sum(1 for d in follow_ups if d is not None),
               evidence=details, note=_("of %(total)s due") % {"total": len(follow_ups)}),
        Figure("activity_after_subsidy", _("Orders placed after the fair ended"), later, evidence=details),
        Figure("repeat_paid", _("Later participations the firms paid wholly themselves"),
               sum(read.repeats.get(firm, 0) for firm in firms), evidence=details),
    ]
    return customer, collective, cumulative
