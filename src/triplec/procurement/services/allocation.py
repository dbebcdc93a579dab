"""Sharing a line's quantity among the association's members: a proposal explained per member, which
the manager edits and confirms. A line is never over-allocated, also under concurrent confirmations
(the contract row is locked while the quantities are checked and written).

The proposal: each member's room is its declared capacity for the product less its current load
(units allocated to it and not yet accepted on contracts still open); its weight is that room times
(1 - rejection rate) times (1 - warranty rate) over its past deliveries. The quantity is shared in
proportion to the weights, never beyond a member's room, largest remainders first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.money_format import format_share
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Allocation, Capacity, ContractLine, ContractStatus, Delivery, WarrantyClaim
from .common import current_members, refuse, today
from .deliveries import lock_contract, refresh_status

OPEN = (ContractStatus.AWARDED, ContractStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ProposalRow:
    member: Enterprise
    capacity: int
    load: int
    room: int
    rejection_rate: Decimal
    warranty_rate: Decimal
    weight: Decimal
    proposed: int
    why: str


def _rates(member_ids: list[int]) -> tuple[dict, dict]:
    inspected = {row["maker_id"]: row for row in Delivery.objects.filter(
        maker_id__in=member_ids, inspected_on__isnull=False).values("maker_id").annotate(
        accepted=Sum("accepted"), rejected=Sum("rejected"))}
    claims = dict(WarrantyClaim.objects.filter(maker_id__in=member_ids).values_list("maker_id").annotate(
        units=Sum("units")))
    rejection, warranty = {}, {}
    for pk in member_ids:
        row = inspected.get(pk) or {"accepted": 0, "rejected": 0}
        seen = (row["accepted"] or 0) + (row["rejected"] or 0)
        rejection[pk] = Decimal(row["rejected"] or 0) / seen if seen else Decimal(0)
        accepted = row["accepted"] or 0
        warranty[pk] = min(Decimal(claims.get(pk, 0)) / accepted, Decimal(1)) if accepted else Decimal(0)
    return rejection, warranty


def _loads(member_ids: list[int]) -> dict[int, int]:
    # Read from the open lines, not from the members: with the members' ids as the filter SQLite walks
    # every allocation and delivery they ever had (10 years of an association of 500: 0.5 s, not 20 ms).
    open_lines = ContractLine.objects.filter(contract__status__in=OPEN)
    allocated = dict(Allocation.objects.filter(line__in=open_lines).values_list("member_id")
                     .annotate(s=Sum("quantity")))
    accepted = dict(Delivery.objects.filter(line__in=open_lines, allocation__isnull=False)
                    .values_list("maker_id").annotate(s=Sum("accepted")))
    return {pk: (allocated.get(pk) or 0) - (accepted.get(pk) or 0) for pk in member_ids}


def _share(quantity: int, weights: dict[int, Decimal], room: dict[int, int]) -> dict[int, int]:
    """Share `quantity` in proportion to `weights` (largest remainders get the units left after rounding
    down), never beyond a member's `room`; what a full member cannot take is shared again among the others."""
    given = {pk: 0 for pk in weights}
    left = quantity
    while left > 0:
        open_ = {pk: w for pk, w in weights.items() if w > 0 and given[pk] < room[pk]}
        total = sum(open_.values())
        if not open_ or total <= 0:
            break
        exact = {pk: left * w / total for pk, w in open_.items()}
        step = {pk: min(int(x), room[pk] - given[pk]) for pk, x in exact.items()}
        if all(int(exact[pk]) <= room[pk] - given[pk] for pk in open_):  # nobody full: hand out the remainders
            rest = left - sum(step.values())
            for pk in sorted(open_, key=lambda p: (-(exact[p] - int(exact[p])), p)):
                if rest and given[pk] + step[pk] < room[pk]:
                    step[pk] += 1
                    rest -= 1
        for pk, n in step.items():
            given[pk] += n
            left -= n
    return given


def propose(line: ContractLine, on: date | None = None) -> list[ProposalRow]:
    """The proposal for what is still unallocated on `line`, one explained row per current member."""
    contract = line.contract
    members = list(current_members(contract.association, on).order_by("legal_name", "pk"))
    ids = [m.pk for m in members]
    capacity = dict(Capacity.objects.filter(association=contract.association, product=line.product,
                                            member_id__in=ids).values_list("member_id", "units"))
    loads = _loads(ids)
    rejection, warranty = _rates(ids)
    room = {pk: max(capacity.get(pk, 0) - loads[pk], 0) for pk in ids}
    weights = {pk: room[pk] * (1 - rejection[pk]) * (1 - warranty[pk]) for pk in ids}
    already = line.allocations.aggregate(s=Sum("quantity"))["s"] or 0
    given = _share(line.ordered - already, weights, room)
    rows = []
    for m in members:
        pk = m.pk
        if pk not in capacity:
            why = _("No capacity declared for this product.")
        elif room[pk] == 0:
            why = _("Declared capacity %(capacity)s is taken by %(load)s units still open on other contracts.") % {
                "capacity": capacity[pk], "load": loads[pk]}
        else:
            why = _("Room for %(room)s units (capacity %(capacity)s less %(load)s open); rejected %(rejection)s "
                    "and warranty claims on %(warranty)s of its units so far.") % {
                "room": room[pk], "capacity": capacity[pk], "load": loads[pk],
                "rejection": format_share(rejection[pk], places=1), "warranty": format_share(warranty[pk], places=1)}
        rows.append(ProposalRow(m, capacity.get(pk, 0), loads[pk], room[pk], rejection[pk], warranty[pk],
                                weights[pk], given[pk], why))
    return rows


def next_lot_code(line: ContractLine, member: Enterprise) -> str:
    n = Allocation.objects.filter(line=line, member=member).count() + 1
    return f"C{line.contract_id}-L{line.pk}-M{member.pk}-{n}"


def confirm(user, line: ContractLine, quantities: Mapping[Enterprise, int], on: date | None = None,
            note: str = "") -> list[Allocation]:
    """Allocate `quantities` (member -> units) of the line, on top of what is already allocated."""
    require(policy.can_run_contract, user, line.contract)
    with transaction.atomic():
        contract = lock_contract(line.contract)
        if contract.status not in OPEN:
            refuse("__all__", _("The whole order has been accepted; nothing is left to allocate."))
        line = ContractLine.objects.get(pk=line.pk)
        members = set(current_members(contract.association, on).values_list("pk", flat=True))
        wanted = {m: int(q) for m, q in quantities.items() if int(q) != 0}
        for member, units in wanted.items():
            if member.pk not in members:
                refuse("member", _("%(name)s is not a member of the association: only its members make its "
                                   "orders.") % {"name": member})
            if units < 0:
                refuse("quantity", _("Give a positive number of units."))
        already = line.allocations.aggregate(s=Sum("quantity"))["s"] or 0
        if already + sum(wanted.values()) > line.ordered:
            refuse("quantity", _("Only %(left)s units of this line are still unallocated.")
                   % {"left": line.ordered - already})
        created = [Allocation.objects.create(line=line, member=member, quantity=units,
                                             lot_code=next_lot_code(line, member), confirmed_on=today(on), note=note)
                   for member, units in sorted(wanted.items(), key=lambda kv: kv[0].pk)]
        refresh_status(contract, on)
    return created
