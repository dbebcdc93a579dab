"""What the money block of a contract's page offers the reader (the policy decides who; the records
decide when), and the open lots and repairs a delivery can come from. Read-only: the writes are in
`services`, called by `views_money`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .forms_money import SettleDebtForm
from .models import Allocation, Contract, ContractStatus, Payment, Rework
from .services import deliveries as delivery_services
from .services import money
from .services.common import add_months, cents


@dataclass
class MoneyActions:
    """Each field: whether the button is shown (and what it is about)."""

    contract: Contract
    currency: str
    advance_due: Decimal | None = None  # the purchaser may pay the advance now
    advances_to_pass: int = 0  # allocations whose advance the manager may pass on
    final_due: bool = False  # the whole order is accepted: the purchaser may pay the rest
    final_waiting: bool = False  # the purchaser's final payment waits for the whole order
    retention: Decimal | None = None  # kept by the purchaser, not yet released
    retention_from: date | None = None  # ... released from this day
    settle_form: SettleDebtForm | None = None
    record_delivery: bool = False

    @property
    def retention_due(self) -> bool:
        return self.retention is not None and self.retention_from <= timezone.localdate()

    @property
    def any(self) -> bool:
        return bool(self.advance_due or self.advances_to_pass or self.final_due or self.final_waiting
                    or self.retention or self.settle_form or self.record_delivery)


def _paid(contract: Contract, kind: str) -> bool:
    return Payment.objects.filter(contract=contract, kind=kind).exists()


def debtors(contract: Contract) -> list[tuple]:
    """(member, owed) of every member that owes the association on this contract, by name."""
    debts = {pk: cents(owed) for pk, owed in money.contract_balances(contract).debts.items() if owed > 0}
    members = {a.member_id: a.member for a in Allocation.objects.filter(line__contract=contract,
                                                                        member_id__in=debts).select_related("member")}
    return sorted(((members[pk], debts[pk]) for pk in debts if pk in members),
                  key=lambda pair: (pair[0].legal_name, pair[0].pk))


def advances_to_pass(contract: Contract) -> int:
    passed = Payment.objects.filter(allocation=OuterRef("pk"), kind=Payment.Kind.ADVANCE_TO_MEMBER)
    return (Allocation.objects.filter(line__contract=contract, quantity__gt=0)
            .exclude(Exists(passed)).count())


def money_actions(user, contract: Contract, settle_form: SettleDebtForm | None = None) -> MoneyActions:
    actions = MoneyActions(contract, contract.programme.currency)
    open_contract = contract.status != ContractStatus.PAID
    advance_paid = _paid(contract, Payment.Kind.ADVANCE)
    if policy.can_record_purchaser_payment(user, contract):
        if open_contract and not advance_paid:
            actions.advance_due = money.advance_due(contract) or None
        if open_contract:
            complete = delivery_services.completion(contract).complete
            actions.final_due, actions.final_waiting = complete, not complete
        retention = money.retention(contract)
        if not open_contract and retention > 0 and not _paid(contract, Payment.Kind.RETENTION):
            actions.retention = retention
            actions.retention_from = add_months(contract.accepted_on, contract.programme.warranty_months)
    if policy.can_run_contract(user, contract):
        if open_contract and advance_paid:
            actions.advances_to_pass = advances_to_pass(contract)
        owing = debtors(contract)
        if settle_form is not None or owing:
            actions.settle_form = settle_form or SettleDebtForm(debtors=owing, currency=actions.currency)
        actions.record_delivery = open_contract
    return actions


@dataclass(frozen=True)
class Source:
    """An allocation or a repair with units still to deliver."""

    value: str
    label: str
    left: int
    target: object


def delivery_sources(contract: Contract) -> list[Source]:
    delivered = Coalesce(Sum("deliveries__quantity"), Value(0))
    sources = []
    for a in (Allocation.objects.filter(line__contract=contract).annotate(delivered=delivered)
              .select_related("member", "line__product").order_by("line_id", "member__legal_name", "id")):
        if a.quantity - a.delivered > 0:
            sources.append(Source(f"allocation:{a.pk}", _("%(member)s · %(product)s · lot %(lot)s · %(left)s left")
                                  % {"member": a.member, "product": a.line.product, "lot": a.lot_code,
                                     "left": a.quantity - a.delivered}, a.quantity - a.delivered, a))
    for r in (Rework.objects.filter(delivery__line__contract=contract).annotate(delivered=delivered)
              .select_related("member", "delivery__line__product").order_by("assigned_on", "id")):
        if r.quantity - r.delivered > 0:
            sources.append(Source(f"rework:{r.pk}", _("%(member)s · %(product)s · %(kind)s (rejected units) · "
                                                      "%(left)s left")
                                  % {"member": r.member, "product": r.delivery.line.product,
                                     "kind": r.get_kind_display(), "left": r.quantity - r.delivered},
                                  r.quantity - r.delivered, r))
    return sources
