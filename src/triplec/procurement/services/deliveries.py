"""Deliveries, the purchaser's inspection, rejected units sent for repair or replacement, and the
whole-order completion, always computed from the inspections (never ticked)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Allocation, Contract, ContractLine, ContractStatus, Delivery, Rework
from .common import is_current_member, refuse, today


def lock_contract(contract: Contract) -> Contract:
    """The contract's row, locked until the transaction ends: one money or allocation change at a time."""
    return Contract.objects.select_for_update().select_related("programme", "association").get(pk=contract.pk)


def contract_value(contract: Contract) -> Decimal:
    return sum((line.ordered * line.unit_price for line in contract.lines.all()), Decimal(0))


@dataclass(frozen=True)
class LineProgress:
    line: ContractLine
    ordered: int
    allocated: int
    delivered: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class Completion:
    lines: list[LineProgress]

    @property
    def complete(self) -> bool:
        return bool(self.lines) and all(p.accepted >= p.ordered for p in self.lines)

    @property
    def share(self) -> Decimal:
        """Accepted units over ordered units, all lines."""
        ordered = sum(p.ordered for p in self.lines)
        return Decimal(sum(p.accepted for p in self.lines)) / ordered if ordered else Decimal(0)


def completion(contract: Contract) -> Completion:
    rows = []
    for line in contract.lines.all().order_by("id"):
        d = line.deliveries.aggregate(delivered=Sum("quantity"), accepted=Sum("accepted"), rejected=Sum("rejected"))
        allocated = line.allocations.aggregate(s=Sum("quantity"))["s"] or 0
        rows.append(LineProgress(line, line.ordered, allocated, d["delivered"] or 0, d["accepted"] or 0,
                                 d["rejected"] or 0))
    return Completion(rows)


def accepted_value_by_member(contract: Contract) -> dict[Enterprise, Decimal]:
    """The value of each maker's accepted units (its own allocations and the repairs it made)."""
    values: dict[Enterprise, Decimal] = defaultdict(Decimal)
    for delivery in Delivery.objects.filter(line__contract=contract, accepted__gt=0).select_related("maker", "line"):
        values[delivery.maker] += delivery.accepted * delivery.line.unit_price
    return dict(values)


def refresh_status(contract: Contract, on: date | None = None) -> None:
    """Move the stored status along what the records say (whole order accepted is computed)."""
    if contract.status == ContractStatus.PAID:
        return
    if completion(contract).complete:
        contract.status, contract.accepted_on = ContractStatus.ACCEPTED, contract.accepted_on or today(on)
    elif Allocation.objects.filter(line__contract=contract).exists():
        contract.status = ContractStatus.IN_PROGRESS
    contract.save(update_fields=["status", "accepted_on"])


def undelivered(allocation: Allocation) -> int:
    return allocation.quantity - (allocation.deliveries.aggregate(s=Sum("quantity"))["s"] or 0)


def open_rework(rework: Rework) -> int:
    return rework.quantity - (rework.deliveries.aggregate(s=Sum("quantity"))["s"] or 0)


def record_delivery(user, *, quantity: int, allocation: Allocation | None = None, rework: Rework | None = None,
                    delivered_on: date | None = None) -> Delivery:
    """The association hands over units of an allocation, or repaired/replacement units of a rework."""
    source = allocation or rework
    if (allocation is None) == (rework is None):
        refuse("__all__", _("Say whether the units come from an allocation or from a repair."))
    line = allocation.line if allocation else rework.delivery.line
    require(policy.can_run_contract, user, line.contract)
    with transaction.atomic():
        lock_contract(line.contract)
        source.refresh_from_db()
        left = undelivered(allocation) if allocation else open_rework(rework)
        if quantity <= 0 or quantity > left:
            refuse("quantity", _("Give between 1 and %(left)s units: that is what remains to be delivered.")
                   % {"left": left})
        delivery = Delivery.objects.create(line=line, maker=source.member, allocation=allocation, rework=rework,
                                           quantity=quantity, delivered_on=today(delivered_on))
    return delivery


def inspect(user, delivery: Delivery, *, accepted: int, rejected: int, reasons: str = "",
            on: date | None = None) -> Delivery:
    """The purchaser's inspector accepts and rejects the units of one delivery, with reasons."""
    contract = delivery.line.contract
    require(policy.can_inspect, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        delivery.refresh_from_db()
        if delivery.inspected_on is not None:
            refuse("__all__", _("This delivery has already been inspected."))
        if accepted < 0 or rejected < 0 or accepted + rejected != delivery.quantity:
            refuse("accepted", _("Accepted and rejected units must add up to the %(n)s delivered.")
                   % {"n": delivery.quantity})
        if rejected and not reasons.strip():
            refuse("reasons", _("Say why units were rejected."))
        delivery.accepted, delivery.rejected, delivery.reasons = accepted, rejected, reasons.strip()
        delivery.inspected_on, delivery.inspected_by = today(on), user
        delivery.save()
        refresh_status(contract, on)
    return delivery


def unassigned_rejections(delivery: Delivery) -> int:
    """Rejected units of the delivery not yet (or no longer) assigned for repair or replacement."""
    assigned = delivery.reworks.aggregate(s=Sum("quantity"))["s"] or 0
    return (delivery.rejected or 0) - assigned


def assign_rework(user, delivery: Delivery, *, member: Enterprise, quantity: int, kind: str = Rework.Kind.REPAIR,
                  on: date | None = None) -> Rework:
    """Send rejected units back to their maker or to another current member for repair or replacement."""
    contract = delivery.line.contract
    require(policy.can_run_contract, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        if not is_current_member(contract.association, member, on):
            refuse("member", _("%(name)s is not a member of the association.") % {"name": member})
        left = unassigned_rejections(delivery)
        if quantity <= 0 or quantity > left:
            refuse("quantity", _("Give between 1 and %(left)s units: that is what was rejected and not yet assigned.")
                   % {"left": left})
        if kind not in Rework.Kind.values:
            refuse("kind", _("Choose repair or replacement."))
        return Rework.objects.create(delivery=delivery, member=member, kind=kind, quantity=quantity,
                                     assigned_on=today(on))
