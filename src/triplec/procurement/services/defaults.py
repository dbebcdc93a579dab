"""A member fails on its allocation (deadline passed, withdrew, ceased): its undelivered units are
reallocated to another member, the advance share moving with them, or taken off the order with that
advance repaid to the purchaser. Either way, what the member received for those units becomes its debt
to the association (on the ledger), to be settled later."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Allocation, ContractLine, Default, Payment, Rework
from . import money
from .allocation import next_lot_code
from .common import is_current_member, refuse, today
from .deliveries import lock_contract, open_rework, refresh_status, undelivered


def record_default(user, allocation: Allocation, *, reason: str, remedy: str, successor: Enterprise | None = None,
                   on: date | None = None) -> Default:
    contract = allocation.line.contract
    require(policy.can_run_contract, user, contract)
    if reason not in Default.Reason.values:
        refuse("reason", _("Choose why the member failed: deadline passed, withdrew or ceased."))
    with transaction.atomic():
        contract = lock_contract(contract)
        allocation = Allocation.objects.select_related("line", "member").get(pk=allocation.pk)
        if allocation.defaulted_on is not None:
            refuse("__all__", _("This allocation has already been recorded as defaulted."))
        units = undelivered(allocation)
        if units <= 0:
            refuse("__all__", _("Everything allocated has been delivered: there is nothing to default on."))
        line = ContractLine.objects.get(pk=allocation.line_id)
        advanced = Payment.objects.filter(allocation=allocation, kind=Payment.Kind.ADVANCE_TO_MEMBER).exists()
        gross = money.allocation_advance(allocation, units)
        day = today(on)
        allocation.quantity -= units
        allocation.defaulted_on = day
        allocation.save(update_fields=["quantity", "defaulted_on"])
        # Repairs the member had taken on and not delivered go back to the association to reassign.
        for rework in Rework.objects.filter(delivery__line__contract=contract, member=allocation.member,
                                            closed_on__isnull=True):
            rework.quantity -= open_rework(rework)
            rework.closed_on = day
            rework.save(update_fields=["quantity", "closed_on"])
        record = Default(allocation=allocation, reason=reason, remedy=remedy, units=units, recorded_on=day)
        if advanced:
            money.turn_into_debt(contract, Payment.Kind.DEFAULT_DEBT, allocation.member, gross,
                                 f"procurement:allocation:{allocation.pk}:default", user=user, on=on,
                                 allocation=allocation,
                                 memo=_("Advance of lot %(lot)s not delivered") % {"lot": allocation.lot_code})
        if remedy == Default.Remedy.REALLOCATE:
            if successor is None or successor.pk == allocation.member_id or not is_current_member(
                    contract.association, successor, on):
                refuse("successor", _("Choose another current member of the association to take the units over."))
            record.successor = Allocation.objects.create(
                line=line, member=successor, quantity=units, lot_code=next_lot_code(line, successor),
                confirmed_on=day, note=_("Taken over from lot %(lot)s") % {"lot": allocation.lot_code})
            if advanced:
                money.pay_to_member(contract, Payment.Kind.ADVANCE_TO_MEMBER, successor, gross,
                                    f"procurement:allocation:{record.successor.pk}:advance", user=user, on=on,
                                    allocation=record.successor,
                                    memo=_("Advance for lot %(lot)s") % {"lot": record.successor.lot_code})
        elif remedy == Default.Remedy.REPAY:
            line.cancelled += units
            line.save(update_fields=["cancelled"])
            if Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE).exists():
                money.post_payment(contract, Payment.Kind.REPAID,
                            [(money.account(contract, "held"), -gross), (money.account(contract, "paid"), gross)],
                            f"procurement:allocation:{allocation.pk}:repaid", user=user, on=on,
                            memo=_("Advance of lot %(lot)s repaid") % {"lot": allocation.lot_code},
                            allocation=allocation, gross=gross)
        else:
            refuse("remedy", _("Choose to reallocate the units or to repay the advance."))
        record.save()
        refresh_status(contract, on)
    return record
