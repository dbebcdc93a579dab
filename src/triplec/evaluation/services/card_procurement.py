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
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.ledger import services as ledger
from triplec.ledger.models import Account
from triplec.procurement.models import Allocation, AssociationOutcome, ContractLine

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
    return figures_many([contracts], [single])[0]


@dataclass
class _Read:
    """What the figures of a page's contracts read, in a fixed number of queries however many."""

    lines: dict
    paid: dict
    allocations: dict
    earlier: list
    outcomes: dict

    @classmethod
    def of(cls, contracts: list) -> _Read:
        ids = [c.pk for c in contracts]
        lines, allocations = defaultdict(list), defaultdict(list)
        for line in ContractLine.objects.filter(contract_id__in=ids):
            lines[line.contract_id].append(line)
        # what the purchaser paid: minus the balance of each contract's "paid" accounts (contract_balances)
        accounts = list(Account.objects.filter(code__in=[f"procurement:{pk}:paid" for pk in ids]))
        sums = ledger.balances(accounts)
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for account in accounts:
            paid[int(account.code.split(":")[1])] -= sums[account.pk]
        for contract_id, line_id, member_id in Allocation.objects.filter(line__contract_id__in=ids).values_list(
                "line__contract_id", "line_id", "member_id"):
            allocations[contract_id].append((line_id, member_id))
        members = {m for rows in allocations.values() for _line, m in rows}
        earlier = list(Allocation.objects.filter(
            line__contract__association_id__in={c.association_id for c in contracts}, member_id__in=members)
            .values_list("line__contract__association_id", "line__contract__awarded_on", "member_id"))
        outcomes = {}
        for outcome in (AssociationOutcome.objects.filter(association_id__in={c.association_id for c in contracts})
                        .select_related("association").order_by("association_id", "-year")):
            outcomes.setdefault(outcome.association_id, outcome)
        return cls(lines, paid, allocations, earlier, outcomes)


def figures_many(groups: list[list], singles: list[bool]) -> list[tuple[list, list, list]]:
    """The figures of each group of contracts (a scorecard's), from one read of all of them."""
    read = _Read.of(list({c.pk: c for contracts in groups for c in contracts}.values()))
    return [_figures(contracts, single, read) for contracts, single in zip(groups, singles, strict=True)]


def _figures(contracts: list, single: bool, read: _Read) -> tuple[list, list, list]:
    details = _details(contracts)
    ordered: dict[str, Decimal] = defaultdict(Decimal)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for c in contracts:
        for line in read.lines[c.pk]:
            ordered[c.programme.currency] += line.ordered * line.unit_price
        paid[c.programme.currency] += read.paid[c.pk]
    purchasers = sorted({c.programme.purchaser.name for c in contracts})
    customer = [
        Figure("named_customer", _("Named customer"), ", ".join(purchasers), "text", evidence=details),
        *money_figures("orders_traced", _("Orders traced"), ordered, details),
        *money_figures("sales_traced", _("Sales traced (paid by the purchaser)"), paid, details),
    ]
    allocations = [row for c in contracts for row in read.allocations[c.pk]]
    members = {member for _line, member in allocations}
    makers: dict[int, set] = defaultdict(set)
    for line, member in allocations:
        makers[line].add(member)
    joint = sum(1 for made_by in makers.values() if len(made_by) >= 2)
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
    before = {member for association, awarded_on, member in read.earlier
              if association in associations and awarded_on < earliest and member in members}
    outcomes = [read.outcomes[a] for a in sorted(associations) if a in read.outcomes]
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
