"""What the procurement pages show, read through `policy` (never decided here): a contract's lines
and completion, the allocations, deliveries and money the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from triplec.accounts.policy import role_of
from triplec.accounts.roles import Role

from . import policy
from .models import Contract, Payment
from .services import deliveries as delivery_services
from .services import money

ZERO = Decimal(0)


@dataclass
class MemberMoney:
    member: object
    allocated: int
    advance: Decimal  # gross advance passed to it and kept
    received: Decimal  # what it holds on the ledger
    owed: Decimal  # its debt to the association


def sees_whole_contract(user) -> bool:
    """Members see only their own rows (policy scopes them); everyone else who sees the contract sees
    its totals as well."""
    return role_of(user) != Role.ENTERPRISE_USER


def contract_page(user, contract: Contract) -> dict:
    allocations = list(policy.visible_allocations(user).filter(line__contract=contract)
                       .select_related("line__product", "member", "default").order_by("line_id", "member__legal_name",
                                                                                      "id"))
    deliveries = list(policy.visible_deliveries(user).filter(line__contract=contract)
                      .select_related("line__product", "maker", "allocation").order_by("delivered_on", "id"))
    payments = list(policy.visible_payments(user).filter(contract=contract)
                    .select_related("member", "transaction").order_by("recorded_at", "id"))
    balances = money.contract_balances(contract)
    members: dict[int, MemberMoney] = {}
    for a in allocations:
        row = members.setdefault(a.member_id, MemberMoney(a.member, 0, ZERO, ZERO, ZERO))
        row.allocated += a.quantity
    for pk, row in members.items():
        row.advance = money.gross_kept(contract, row.member)
        row.received = balances.received.get(pk, ZERO)
        row.owed = balances.debts.get(pk, ZERO)
    whole = sees_whole_contract(user)
    advance = sum((p.gross for p in Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE)), ZERO)
    return {
        "contract": contract, "currency": contract.programme.currency,
        "completion": delivery_services.completion(contract), "value": delivery_services.contract_value(contract),
        "allocations": [(a, money.allocation_advance(a)) for a in allocations],
        "deliveries": deliveries, "payments": payments,
        "member_money": sorted(members.values(), key=lambda r: (r.member.legal_name, r.member.pk)),
        "whole": whole, "balances": balances if whole else None, "advance_paid": advance if whole else None,
        "final_paid": Payment.objects.filter(contract=contract, kind=Payment.Kind.FINAL).exists(),
    }

