"""The procurement API's money: payments, the ledger-derived money of a contract and of a member, and the
payment POSTs. Each payment is a ledger posting with an idempotency key: the advance, the final payment
and the retention once per contract, a member's advance once per allocation, a debt settlement once per
key the caller sends. Sending a payment again answers 200 with what was paid, never paying twice.
See `api` for the other conventions."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from ninja import Query, Status

from triplec.accounts.policy import require
from triplec.core.api_schemas import answers, list_page, repeatable_answers
from triplec.core.errors import NotFound
from triplec.registry.models import Enterprise
from triplec.registry.policy import visible_enterprises

from . import policy
from .api_common import _contract, _member, _user, router
from .models import Allocation, ContractStatus, Payment
from .schemas import MemberMoneyPage, MoneyOut, PageQuery, PaymentOut, PaymentPage, PaymentQuery
from .schemas_work import PaymentDate, SettlementCreate
from .services import deliveries as delivery_services
from .services import money
from .services.deliveries import lock_contract

ZERO = Decimal(0)


def _payments(contract):
    return Payment.objects.filter(contract=contract).select_related("member", "transaction")


@router.get("/contracts/{contract_id}/payments", response=answers(200, PaymentPage, 401, 404, 422),
            summary="List payments")
def list_payments(request, contract_id: int, filters: Query[PaymentQuery]):
    """The contract's ledger postings the caller may see (a member those to or from it)."""
    contract = _contract(request, contract_id)
    qs = (policy.visible_payments(_user(request)).filter(contract=contract).select_related("member", "transaction")
          .order_by("recorded_at", "id"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.member:
        qs = qs.filter(member_id=filters.member)
    return list_page(qs, filters.limit, filters.offset)


def _member_rows(user, contract, balances) -> list[dict]:
    own = policy.money_scope(user)
    allocated: dict[int, int] = {}
    for member_id, quantity in (policy.visible_allocations(user).filter(line__contract=contract)
                                .values_list("member_id", "quantity")):
        allocated[member_id] = allocated.get(member_id, 0) + quantity
    on_ledger = set(balances.received) | set(balances.debts)
    ids = set(allocated) | ({own} & on_ledger if own else on_ledger)
    rows = []
    for member in Enterprise.objects.filter(pk__in=ids).order_by("legal_name", "pk"):
        rows.append({"member": {"id": member.pk, "name": str(member)}, "allocated": allocated.get(member.pk, 0),
                     "advance": money.gross_kept(contract, member),
                     "received": balances.received.get(member.pk, ZERO), "owed": balances.debts.get(member.pk, ZERO)})
    return rows


@router.get("/contracts/{contract_id}/money", response=answers(200, MoneyOut, 401, 404), summary="The contract's money")
def contract_money(request, contract_id: int):
    """Derived from the ledger: what the purchaser paid in, what the association holds and retained, what
    members received and owe, per member. A member sees only its own row and no contract totals."""
    user = _user(request)
    contract = _contract(request, contract_id)
    balances = money.contract_balances(contract)
    whole = policy.money_scope(user) is None
    totals = {name: getattr(balances, name) if whole else None
              for name in ("paid_in", "held", "retained", "paid_out", "owed")}
    return {"contract_id": contract.pk, "currency": contract.programme.currency,
            "value": delivery_services.contract_value(contract), "advance_due": money.advance_due(contract),
            **totals, "members": _member_rows(user, contract, balances)}


# Payments --------------------------------------------------------------------------------------------

@router.post("/contracts/{contract_id}/payments/advance", response=repeatable_answers(PaymentOut),
             summary="The purchaser pays the advance")
def pay_advance(request, contract_id: int, payload: PaymentDate):
    """The programme's advance share of the contract value, to the association, once per contract
    (the purchaser's inspector or agency staff)."""
    contract = _contract(request, contract_id)
    with transaction.atomic():
        lock_contract(contract)  # whether it was paid before, and paying, in one step
        paid = _payments(contract).filter(kind=Payment.Kind.ADVANCE).exists()
        payment = money.pay_advance(_user(request), contract, on=payload.on)
    return Status(200 if paid else 201, _payments(contract).get(pk=payment.pk))


@router.post("/contracts/{contract_id}/payments/member-advances", response=repeatable_answers(list[PaymentOut]),
             summary="Pass the advance to members")
def pass_advances(request, contract_id: int, payload: PaymentDate):
    """Each allocation's advance to its member, less the association's fee, once per allocation (the
    association's manager). Answers the payments made now; 200 with none when all were passed before."""
    contract = _contract(request, contract_id)
    made = money.pass_advances(_user(request), contract, on=payload.on)
    return Status(201 if made else 200, list(_payments(contract).filter(pk__in=[p.pk for p in made]).order_by("id")))


_FINAL_KINDS = (Payment.Kind.FINAL, Payment.Kind.FINAL_TO_MEMBER, Payment.Kind.SHORTFALL_DEBT)


@router.post("/contracts/{contract_id}/payments/final", response=repeatable_answers(list[PaymentOut]),
             summary="The final payment")
def pay_final(request, contract_id: int, payload: PaymentDate):
    """Only once the whole order is accepted: the purchaser pays the rest (less the retention) and each
    member its accepted units less the advance it kept; a member advanced beyond its accepted units owes
    the difference (the purchaser's inspector or agency staff)."""
    contract = _contract(request, contract_id)
    with transaction.atomic():
        paid = lock_contract(contract).status == ContractStatus.PAID
        made = money.pay_final(_user(request), contract, on=payload.on)
    return Status(200 if paid else 201, list(_payments(contract).filter(pk__in=[p.pk for p in made]).order_by("id")))


@router.post("/contracts/{contract_id}/payments/retention", response=repeatable_answers(PaymentOut),
             summary="Release the retention")
def release_retention(request, contract_id: int, payload: PaymentDate):
    """What the purchaser kept, once the warranty period after acceptance has ended (the purchaser's
    inspector or agency staff)."""
    contract = _contract(request, contract_id)
    with transaction.atomic():
        lock_contract(contract)
        paid = _payments(contract).filter(kind=Payment.Kind.RETENTION).exists()
        payment = money.release_retention(_user(request), contract, on=payload.on)
    return Status(200 if paid else 201, _payments(contract).get(pk=payment.pk))


@router.post("/contracts/{contract_id}/payments/settlements", response=repeatable_answers(PaymentOut),
             summary="A member settles its debt")
def settle_debt(request, contract_id: int, payload: SettlementCreate):
    """A member pays back (part of) what it owes the association on this contract (the association's
    manager records it). The same key again answers 200 with the first settlement; the same key with
    another member or amount is refused."""
    user = _user(request)
    contract = _contract(request, contract_id)
    require(policy.can_run_contract, user, contract)
    member = _member(contract, payload.member_id, "member_id")
    key = f"procurement:{contract.pk}:settle:{payload.idempotency_key}"
    with transaction.atomic():
        lock_contract(contract)
        paid = _payments(contract).filter(transaction__idempotency_key=key).exists()
        payment = money.settle_debt(user, contract, member, payload.amount, payload.idempotency_key, on=payload.on)
    return Status(200 if paid else 201, _payments(contract).get(pk=payment.pk))


# A member's own money ----------------------------------------------------------------------------------

def _member_contracts(user, member_id: int):
    """Visible contracts on which the member has an allocation or a payment."""
    took_money = Payment.objects.filter(member_id=member_id).values("contract_id")
    allocated = Allocation.objects.filter(member_id=member_id).values("line__contract_id")
    return (policy.visible_contracts(user).filter(Q(pk__in=took_money) | Q(pk__in=allocated))
            .select_related("programme").order_by("-awarded_on", "-id"))


@router.get("/members/{enterprise_id}/money", response=answers(200, MemberMoneyPage, 401, 404, 422),
            summary="A member's money, contract by contract")
def member_money(request, enterprise_id: int, page: Query[PageQuery]):
    """For each contract the caller sees on which the member made units or took money: its allocated
    units, the advance it kept, what it received and what it owes (from the ledger). A member's user
    sees its own enterprise only; the association's manager its members; the agency everyone."""
    user = _user(request)
    own = policy.money_scope(user)
    contracts = _member_contracts(user, enterprise_id)
    visible = visible_enterprises(user).filter(pk=enterprise_id).exists() or contracts.exists()
    if (own is not None and own != enterprise_id) or not visible:
        raise NotFound(_("No such member."))
    member = Enterprise.objects.get(pk=enterprise_id)
    result = list_page(contracts, page.limit, page.offset)
    rows = []
    for contract in result["items"]:
        balances = money.contract_balances(contract)
        allocated = Allocation.objects.filter(line__contract=contract, member=member).aggregate(s=Sum("quantity"))
        rows.append({"contract_id": contract.pk, "reference": contract.reference,
                     "currency": contract.programme.currency, "allocated": allocated["s"] or 0,
                     "advance": money.gross_kept(contract, member), "received": balances.received.get(member.pk, ZERO),
                     "owed": balances.debts.get(member.pk, ZERO)})
    return {**result, "items": rows}
