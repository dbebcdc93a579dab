"""A contract's money on the shared ledger. Accounts, in the programme's currency:

| owner        | code                           | holds                                                   |
|--------------|--------------------------------|---------------------------------------------------------|
| purchaser    | procurement:<c>:paid           | what the purchaser paid (negative: money out of it)     |
| association  | procurement:<c>:held           | money received and not yet passed to members            |
| association  | procurement:<c>:retained       | the association's fees, less warranty repairs it paid   |
| association  | procurement:<c>:owed-by:<m>    | what member m owes the association (its debt)           |
| member m     | procurement:<c>:received       | what member m received and keeps                        |

So, per contract: money in (paid by the purchaser) = money out (received by members) + retained
(held + fees) + owed (members' debts), exactly, because every posting balances.

Rules: the advance (programme share of the contract value) goes to the association with the order;
each allocation's advance (share x its value) is passed to its member less the association's fee. The
rest is paid only when the whole order is accepted; each member then gets the value of its accepted
units less the gross advance it kept (less the fee); a member advanced beyond its accepted units owes
the difference (what it received for it) as a debt. Every posting has an idempotency key, so paying
twice, even at the same moment, pays once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger import services as ledger
from triplec.ledger.models import Account

from .. import policy
from ..models import Allocation, Contract, ContractStatus, Payment
from .common import add_months, cents, refuse, today
from .deliveries import accepted_value_by_member, completion, contract_value, lock_contract
from .programmes import rules_of

ZERO = Decimal(0)


def account(contract: Contract, role: str, member=None) -> Account:
    currency = contract.programme.currency
    if role == "paid":
        return ledger.account_for(contract.programme.purchaser, f"procurement:{contract.pk}:paid", currency)
    if role in ("held", "retained"):
        return ledger.account_for(contract.association, f"procurement:{contract.pk}:{role}", currency)
    if role == "owed":
        return ledger.account_for(contract.association, f"procurement:{contract.pk}:owed-by:{member.pk}", currency)
    return ledger.account_for(member, f"procurement:{contract.pk}:received", currency)


def post_payment(contract: Contract, kind: str, legs, key: str, *, user, on: date | None, memo: str,
          member=None, allocation=None, gross=ZERO, fee=ZERO) -> Payment:
    posted = ledger.post(legs, currency=contract.programme.currency, idempotency_key=key, memo=memo,
                         effective_on=today(on), by=user if getattr(user, "is_authenticated", False) else None)
    payment, _created = Payment.objects.get_or_create(
        transaction=posted, defaults={"contract": contract, "kind": kind, "member": member,
                                      "allocation": allocation, "gross": gross, "fee": fee})
    return payment


def pay_to_member(contract, kind, member, gross: Decimal, key: str, *, user, on, memo, allocation=None,
                  source: str = "held") -> Payment:
    """Pass `gross` from the association to a member, keeping the association's fee."""
    fee = cents(gross * rules_of(contract.association).fee_share)
    legs = [(account(contract, source), -gross), (account(contract, "received", member), gross - fee)]
    if fee:
        legs.append((account(contract, "retained"), fee))
    return post_payment(contract, kind, legs, key, user=user, on=on, memo=memo, member=member, allocation=allocation,
                 gross=gross, fee=fee)


def turn_into_debt(contract, kind, member, gross: Decimal, key: str, *, user, on, memo, allocation=None) -> Payment:
    """Money a member received for `gross` of work it will not be paid for becomes its debt: what it
    received for it (gross less the fee the association kept)."""
    fee = cents(gross * rules_of(contract.association).fee_share)
    owed = gross - fee
    legs = [(account(contract, "received", member), -owed), (account(contract, "owed", member), owed)]
    return post_payment(contract, kind, legs, key, user=user, on=on, memo=memo, member=member, allocation=allocation,
                 gross=gross, fee=fee)


def allocation_advance(allocation: Allocation, units: int | None = None) -> Decimal:
    line = allocation.line
    share = line.contract.programme.advance_share
    return cents(share * line.unit_price * (allocation.quantity if units is None else units))


def advance_due(contract: Contract) -> Decimal:
    return cents(contract.programme.advance_share * contract_value(contract))


def _paid(contract: Contract, kind: str, **filters) -> Decimal:
    return Payment.objects.filter(contract=contract, kind=kind, **filters).aggregate(s=Sum("gross"))["s"] or ZERO


def pay_advance(user, contract: Contract, on: date | None = None) -> Payment:
    """The purchaser pays the advance to the association (once)."""
    require(policy.can_record_purchaser_payment, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        done = Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE).first()
        if done is not None:
            return done
        if contract.status == ContractStatus.PAID:
            refuse("__all__", _("The contract has been paid in full; no advance is due."))
        amount = advance_due(contract)
        if amount <= 0:
            refuse("__all__", _("This programme pays no advance."))
        legs = [(account(contract, "paid"), -amount), (account(contract, "held"), amount)]
        return post_payment(contract, Payment.Kind.ADVANCE, legs, f"procurement:{contract.pk}:advance", user=user, on=on,
                     memo=_("Advance on contract %(ref)s") % {"ref": contract.reference}, gross=amount)


def pass_advances(user, contract: Contract, on: date | None = None) -> list[Payment]:
    """Pass each allocation's advance to its member, once per allocation, after the purchaser's advance."""
    require(policy.can_run_contract, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        if not Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE).exists():
            refuse("__all__", _("The purchaser has not paid the advance yet."))
        if contract.status == ContractStatus.PAID:
            refuse("__all__", _("The contract is paid; there is no advance left to pass on."))
        paid_allocations = Payment.objects.filter(contract=contract, kind=Payment.Kind.ADVANCE_TO_MEMBER).values(
            "allocation_id")
        payments = []
        for allocation in (Allocation.objects.filter(line__contract=contract, quantity__gt=0)
                           .exclude(pk__in=paid_allocations).select_related("line", "member")):
            gross = allocation_advance(allocation)
            if gross:
                payments.append(pay_to_member(
                    contract, Payment.Kind.ADVANCE_TO_MEMBER, allocation.member, gross,
                    f"procurement:allocation:{allocation.pk}:advance", user=user, on=on, allocation=allocation,
                    memo=_("Advance for lot %(lot)s") % {"lot": allocation.lot_code}))
        return payments


def gross_kept(contract: Contract, member) -> Decimal:
    """Gross advance a member holds: advances passed to it less the ones turned into debts."""
    return (_paid(contract, Payment.Kind.ADVANCE_TO_MEMBER, member=member)
            - _paid(contract, Payment.Kind.DEFAULT_DEBT, member=member))


def pay_final(user, contract: Contract, on: date | None = None) -> list[Payment]:
    """Only once the whole order is accepted: the purchaser pays the rest (less the retention), then
    each member gets its accepted units' value less the advance it kept."""
    require(policy.can_record_purchaser_payment, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        if not completion(contract).complete:
            refuse("__all__", _("The final payment is made only when the whole order has been accepted."))
        value = contract_value(contract)
        advanced = _paid(contract, Payment.Kind.ADVANCE) - _paid(contract, Payment.Kind.REPAID)
        due = value - advanced - retention(contract)
        memo = _("Final payment on contract %(ref)s") % {"ref": contract.reference}
        payments = []
        if due:
            legs = [(account(contract, "paid"), -due), (account(contract, "held"), due)]
            payments.append(post_payment(contract, Payment.Kind.FINAL, legs, f"procurement:{contract.pk}:final",
                                  user=user, on=on, memo=memo, gross=due))
        for member, earned in sorted(accepted_value_by_member(contract).items(), key=lambda kv: kv[0].pk):
            payments.extend(_settle_member(user, contract, member, earned, on))
        # Members advanced who have no accepted unit at all owe their whole advance.
        accepted_ids = {m.pk for m in accepted_value_by_member(contract)}
        others = {a.member for a in Allocation.objects.filter(line__contract=contract).exclude(
            member_id__in=accepted_ids).select_related("member")}
        for member in sorted(others, key=lambda m: m.pk):
            payments.extend(_settle_member(user, contract, member, ZERO, on))
        contract.status = ContractStatus.PAID
        contract.save(update_fields=["status"])
        return payments


def _settle_member(user, contract, member, earned: Decimal, on) -> list[Payment]:
    difference = earned - gross_kept(contract, member)
    key = f"procurement:{contract.pk}:final:{member.pk}"
    if difference > 0:
        return [pay_to_member(contract, Payment.Kind.FINAL_TO_MEMBER, member, difference, key, user=user, on=on,
                              memo=_("Final payment for accepted units"))]
    if difference < 0:
        return [turn_into_debt(contract, Payment.Kind.SHORTFALL_DEBT, member, -difference, key, user=user, on=on,
                               memo=_("Advance received beyond the accepted units"))]
    return []


def retention(contract: Contract) -> Decimal:
    return cents(contract.programme.retention_share * contract_value(contract))


def release_retention(user, contract: Contract, on: date | None = None) -> Payment:
    """The purchaser pays what it kept once the warranty period after acceptance has ended."""
    require(policy.can_record_purchaser_payment, user, contract)
    with transaction.atomic():
        contract = lock_contract(contract)
        amount = retention(contract)
        if contract.status != ContractStatus.PAID or amount <= 0:
            refuse("__all__", _("There is no retention to release on this contract."))
        ends = add_months(contract.accepted_on, contract.programme.warranty_months)
        if today(on) < ends:
            refuse("__all__", _("The retention is released when the warranty period ends, on %(date)s.")
                   % {"date": ends.isoformat()})
        legs = [(account(contract, "paid"), -amount), (account(contract, "held"), amount)]
        return post_payment(contract, Payment.Kind.RETENTION, legs, f"procurement:{contract.pk}:retention", user=user,
                     on=on, memo=_("Retention released"), gross=amount)


def settle_debt(user, contract: Contract, member, amount, idempotency_key: str, on: date | None = None) -> Payment:
    """A member pays back (part of) what it owes the association on this contract."""
    require(policy.can_run_contract, user, contract)
    amount = Decimal(str(amount))
    key = f"procurement:{contract.pk}:settle:{idempotency_key}"
    with transaction.atomic():
        contract = lock_contract(contract)
        done = Payment.objects.filter(transaction__idempotency_key=key).first()
        if done is not None:  # the same settlement sent again
            if done.member_id != member.pk or done.gross != amount:
                refuse("idempotency_key", _("This key was already used for another settlement (%(amount)s from "
                                            "%(member)s).") % {"amount": done.gross, "member": done.member})
            return done
        owed_account = account(contract, "owed", member)
        if amount <= 0 or cents(amount) != amount or amount > ledger.balance(owed_account):
            refuse("amount", _("Give an amount in cents, no more than the member owes (%(owed)s).")
                   % {"owed": ledger.balance(owed_account)})
        legs = [(owed_account, -amount), (account(contract, "held"), amount)]
        return post_payment(contract, Payment.Kind.SETTLEMENT, legs, key, user=user, on=on, memo=_("Debt settled"), member=member, gross=amount)


@dataclass
class ContractBalances:
    """Derived from the ledger: what came in, what went out, what the association kept, who owes."""

    paid_in: Decimal
    held: Decimal
    retained: Decimal
    paid_out: Decimal
    owed: Decimal
    received: dict = field(default_factory=dict)  # member id -> received
    debts: dict = field(default_factory=dict)  # member id -> owed


def contract_balances(contract: Contract) -> ContractBalances:
    prefix = f"procurement:{contract.pk}:"
    accounts = list(Account.objects.filter(code__startswith=prefix))
    sums = ledger.balances(accounts)
    result = ContractBalances(ZERO, ZERO, ZERO, ZERO, ZERO)
    for acc in accounts:
        amount, what = sums[acc.pk], acc.code[len(prefix):]
        if what == "paid":
            result.paid_in -= amount
        elif what in ("held", "retained"):
            setattr(result, what, getattr(result, what) + amount)
        elif what == "received":
            result.paid_out += amount
            result.received[int(acc.owner.rsplit(":", 1)[1])] = amount
        elif what.startswith("owed-by:"):
            result.owed += amount
            result.debts[int(what.split(":")[1])] = amount
    return result
