"""Scorecards of procurement contracts (and of a procurement programme), from the contracts'
records and their postings on the shared ledger (procurement.services.money reads them).

- customer-oriented: the named public purchaser; orders traced (the value of what it ordered, less
  units cancelled); sales traced (what the purchaser paid, from the ledger).
- collective: firms reached (members with an allocation); delivered to a group (an association);
  public cost: none, a purchase pays for goods delivered, it subsidises nothing; joint actions = lines
  made by two or more members together.
- cumulative: members that had made units of an earlier contract of the association (repeat
  participation, paid by the purchaser's orders, never by a subsidy); the association's latest yearly
  share of output sold to buyers other than the programme.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.procurement.models import Allocation, AssociationOutcome, ContractLine
from triplec.procurement.services.money import contract_balances

from .cards import Evidence, Figure, firms_reached, money_figures


def _details(contracts: list) -> tuple[Evidence, ...]:
    return tuple(Evidence(c.reference, reverse("procurement:contract_detail", args=[c.pk])) for c in contracts)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (members with an allocation) of each group of contracts, in one query."""
    members: dict[int, set] = defaultdict(set)
    for contract_id, member_id in Allocation.objects.filter(
            line__contract_id__in={c.pk for contracts in groups for c in contracts}).values_list("line__contract_id",
                                                                                                 "member_id"):
        members[contract_id].add(member_id)
    return [firms_reached(len(set().union(*(members[c.pk] for c in contracts))), _details(contracts))
            for contracts in groups]


def figures(contracts: list, single: bool) -> tuple[list, list, list]:
    ids = [c.pk for c in contracts]
    details = _details(contracts)
    ordered: dict[str, Decimal] = defaultdict(Decimal)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for line in ContractLine.objects.filter(contract_id__in=ids).select_related("contract__programme"):
        ordered[line.contract.programme.currency] += line.ordered * line.unit_price
    for c in contracts:
        paid[c.programme.currency] += contract_balances(c).paid_in
    purchasers = sorted({c.programme.purchaser.name for c in contracts})
    customer = [
        Figure("named_customer", _("Named customer"), ", ".join(purchasers), "text", evidence=details),
        *money_figures("orders_traced", _("Orders traced"), ordered, details),
        *money_figures("sales_traced", _("Sales traced (paid by the purchaser)"), paid, details),
    ]
    allocations = Allocation.objects.filter(line__contract_id__in=ids)
    members = set(allocations.values_list("member_id", flat=True))
    joint = (allocations.values("line_id").annotate(makers=Count("member_id", distinct=True))
             .filter(makers__gte=2).count())
    collective = [
        firms_reached(len(members), details),
        Figure("delivery", _("Group or individual"), "group", "text", evidence=details,
               note=_("Awarded to an association; its members make the units.")),
        Figure("public_cost", _("Public cost"), None, "money", evidence=details,
               note=_("A purchase pays for goods delivered: no subsidy.")),
        Figure("joint_actions", _("Lines made by two or more members together"), joint, evidence=details),
    ]
    earliest = min(c.awarded_on for c in contracts)
    associations = {c.association_id for c in contracts}
    before = set(Allocation.objects.filter(line__contract__association_id__in=associations,
                                           line__contract__awarded_on__lt=earliest, member_id__in=members)
                 .values_list("member_id", flat=True))
    outcomes = []
    for association_id in sorted(associations):
        latest = AssociationOutcome.objects.filter(association_id=association_id).order_by("-year").first()
        if latest is not None:
            outcomes.append(latest)
    outcome_pages = tuple(Evidence(str(o.association), reverse("procurement:outcomes", args=[o.association_id]))
                          for o in outcomes)
    cumulative = [
        Figure("repeat_participation", _("Members that made units of an earlier contract of the association"),
               len(before), evidence=details),
    ]
    if single:
        outcome = outcomes[0] if outcomes else None
        cumulative.append(Figure(
            "sales_beyond", _("Share of output sold to other buyers (latest year)"),
            outcome.share_sold_elsewhere if outcome else None, "share", evidence=outcome_pages,
            note=str(outcome.year) if outcome else _("The association has entered no yearly outcomes.")))
    return customer, collective, cumulative
