"""A participation's costs on the shared ledger. Accounts, in the programme's currency:

| owner        | code                               | holds                                               |
|--------------|------------------------------------|-----------------------------------------------------|
| programme p  | fairs:subsidies:<firm>:<year>      | subsidies p paid firm in year (negative: money out) |
| firm         | fairs:participation:<id>:paid      | what the firm paid itself (negative)                |
| fair         | fairs:exhibition-costs             | the exhibition costs paid to the organiser          |

So at every moment: exhibition costs paid = subsidies + what the firms paid themselves, exactly,
because each posting balances. The yearly cap is read from the subsidy accounts of the firm and year
(never from a stored total), with the firm's row locked so that two payments at the same moment
cannot both use the same room under the cap. Each posting has an idempotency key: paying twice pays
once. A wrong payment is reversed on the ledger (`reverse_payment`, with a reason kept in a
`PaymentReversal`); the participation may then be paid anew, under the key of its next round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger import services as ledger
from triplec.ledger.models import Account, Entry, owner_key
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Fair, GroupStand, Participation, PaymentReversal, Programme
from .common import ZERO, cents, refuse, today
from .programmes import check_stand_ready
from .subsidy import evaluate


def subsidy_account(programme: Programme, enterprise_id: int, year: int) -> Account:
    return ledger.account_for(programme, f"fairs:subsidies:{enterprise_id}:{year}", programme.currency)


def firm_account(participation: Participation) -> Account:
    return ledger.account_for(participation.enterprise, f"fairs:participation:{participation.pk}:paid",
                              participation.fair.programme.currency)


def costs_account(fair: Fair) -> Account:
    return ledger.account_for(fair, "fairs:exhibition-costs", fair.programme.currency)


def subsidy_received(programme: Programme, enterprise_id: int, year: int) -> Decimal:
    return cents(-ledger.balance(subsidy_account(programme, enterprise_id, year)))  # the ledger keeps 4 places


def payment_round(participation: Participation) -> int:
    """How many payments of this participation were reversed: a form sends it so that a post sent again
    after a reversal does not pay a second time."""
    return participation.reversals.count()


def pay_costs(user, participation: Participation, on: date | None = None, *, round_no: int | None = None) -> Participation:
    """Pay a participation's exhibition cost: the subsidy from the programme (evaluated now, with its
    explanation kept) and the rest by the firm. Once only; with `round_no` (see payment_round), a payment
    meant for an earlier round (a form sent again) changes nothing."""
    require(policy.can_manage_programmes, user)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=participation.enterprise_id).first()
        participation = (Participation.objects.select_for_update(of=("self",))
                         .select_related("fair__programme", "enterprise", "stand").get(pk=participation.pk))
        done = payment_round(participation)
        if participation.paid or (round_no is not None and round_no != done):
            return participation
        if participation.cancelled:
            refuse("participation", _("This participation was cancelled."))
        if participation.stand_id:
            check_stand_ready(participation.stand)
        if participation.cost <= 0:
            refuse("cost", _("This participation has no exhibition cost to pay."))
        fair, programme = participation.fair, participation.fair.programme
        year = fair.starts_on.year
        cap_account = subsidy_account(programme, participation.enterprise_id, year)
        result = evaluate(participation, used_this_year=cents(-ledger.balance(cap_account)))
        legs = [(costs_account(fair), participation.cost), (cap_account, -result.amount),
                (firm_account(participation), -(participation.cost - result.amount))]
        posted = ledger.post(
            legs, currency=programme.currency, idempotency_key=f"fairs:participation:{participation.pk}:costs"
            + (f":{done}" if done else ""),
            memo=_("Exhibition cost of %(firm)s at %(fair)s") % {"firm": participation.enterprise, "fair": fair},
            effective_on=today(on), by=user if getattr(user, "is_authenticated", False) else None)
        participation.subsidy, participation.explanation = result.amount, result.as_json()
        participation.transaction = posted
        participation.save(update_fields=["subsidy", "explanation", "transaction"])
        return participation


def pay_stand(user, stand: GroupStand, on: date | None = None) -> list[Participation]:
    """Pay the costs of every firm at a group stand (each evaluated on its own rules)."""
    require(policy.can_manage_programmes, user)
    with transaction.atomic():
        # by pk: the stand's own ordering joins its (nullable) holder, which PostgreSQL cannot lock
        GroupStand.objects.select_for_update().filter(pk=stand.pk).order_by("pk").first()
        check_stand_ready(stand)
        return [pay_costs(user, p, on) for p in stand.participations.filter(cancelled_on__isnull=True).order_by("id")]


def reverse_payment(user, participation: Participation, *, reason: str, transaction_id: int | None = None,
                    on: date | None = None) -> PaymentReversal:
    """Undo a wrong payment of the participation's costs on the ledger: the subsidy goes back under the
    firm's yearly cap and the participation is unpaid again. `transaction_id` names the payment meant
    (a form sends it): a post sent again, once that payment is reversed, returns its reversal."""
    require(policy.can_manage_programmes, user)
    if not (reason or "").strip():
        refuse("reason", _("Say why the payment is reversed."))
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=participation.enterprise_id).first()
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if transaction_id is not None and participation.transaction_id != transaction_id:
            done = PaymentReversal.objects.filter(participation=participation, original_id=transaction_id).first()
            if done is not None:
                return done
            refuse("transaction", _("That payment is not this participation's current payment."))
        if not participation.paid:
            refuse("transaction", _("This participation's costs are not paid: there is nothing to reverse."))
        original = participation.transaction
        by = user if getattr(user, "is_authenticated", False) else None
        reversal = ledger.reverse(original, idempotency_key=f"fairs:participation:{participation.pk}:reversal:"
                                  f"{original.pk}", memo=_("Reversal: %(reason)s") % {"reason": reason.strip()},
                                  effective_on=today(on), by=by)
        record = PaymentReversal.objects.create(participation=participation, original=original, reversal=reversal,
                                                reason=reason.strip(), reversed_on=today(on), reversed_by=by)
        participation.transaction, participation.subsidy, participation.explanation = None, None, []
        participation.save(update_fields=["transaction", "subsidy", "explanation"])
        return record


@dataclass(frozen=True)
class MoneyLine:
    """One posting of a participation's costs, as its money table shows it."""

    transaction_id: int
    effective_on: date
    subsidy: Decimal
    own: Decimal
    reversal_of: int | None
    reason: str


def money_lines(participation: Participation) -> list[MoneyLine]:
    """Every payment of the participation and every reversal, in order, amounts from the ledger."""
    reversals = list(participation.reversals.select_related("original", "reversal"))
    transactions = [r.original for r in reversals] + [r.reversal for r in reversals]
    if participation.transaction_id:
        transactions.append(participation.transaction)
    reasons = {r.reversal_id: (r.original_id, r.reason) for r in reversals}
    lines = []
    for t in sorted(transactions, key=lambda t: t.pk):
        paid = _split(participation, t)
        of, reason = reasons.get(t.pk, (None, ""))
        lines.append(MoneyLine(t.pk, t.effective_on, paid.subsidy, paid.own, of, reason))
    return lines


@dataclass(frozen=True)
class Paid:
    """What the ledger says was paid for a participation: by the programme and by the firm."""

    subsidy: Decimal
    own: Decimal

    @property
    def total(self) -> Decimal:
        return self.subsidy + self.own


def paid_for(participation: Participation) -> Paid:
    if not participation.transaction_id:
        return Paid(ZERO, ZERO)
    return _split(participation, participation.transaction)


def paid_for_many(participations) -> dict[int, Paid]:
    """`paid_for` of many participations (by id) in one read of the ledger."""
    paid = [p for p in participations if p.transaction_id]
    entries: dict[int, list[Entry]] = {}
    for entry in Entry.objects.filter(transaction_id__in=[p.transaction_id for p in paid]).select_related("account"):
        entries.setdefault(entry.transaction_id, []).append(entry)
    return {p.pk: _split(p, entries=entries.get(p.transaction_id, [])) for p in paid}


def _split(participation: Participation, posted=None, *, entries=None) -> Paid:
    own_key = owner_key(participation.enterprise)
    subsidy = own = ZERO
    for entry in posted.entries.select_related("account") if entries is None else entries:
        if entry.account.owner == own_key:
            own -= entry.amount
        elif entry.account.code.startswith("fairs:subsidies:"):
            subsidy -= entry.amount
    return Paid(cents(subsidy), cents(own))  # the ledger keeps four places; a payment is in cents


@dataclass(frozen=True)
class ProgrammeTotals:
    costs: Decimal
    subsidies: Decimal
    own: Decimal


def programme_totals(programme: Programme) -> ProgrammeTotals:
    """The programme's money as the ledger has it: costs paid at its fairs, its subsidies, the firms' part."""
    subsidies = Account.objects.filter(owner=owner_key(programme), code__startswith="fairs:subsidies:")
    fairs = Account.objects.filter(owner__in=[owner_key(f) for f in programme.fairs.all()],
                                   code="fairs:exhibition-costs")
    firms = Account.objects.filter(code__in=[
        f"fairs:participation:{pk}:paid" for pk in Participation.objects.filter(fair__programme=programme)
        .values_list("pk", flat=True)])
    def total(accounts) -> Decimal:
        return sum(ledger.balances(accounts).values(), ZERO)
    return ProgrammeTotals(total(fairs), -total(subsidies), -total(firms))
