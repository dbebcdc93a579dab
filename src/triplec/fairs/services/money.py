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
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger import services as ledger
from triplec.ledger.models import Account, owner_key
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Fair, GroupStand, Participation, Programme
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


def pay_costs(user, participation: Participation, on: date | None = None) -> Participation:
    """Pay a participation's exhibition cost: the subsidy from the programme (evaluated now, with its
    explanation kept) and the rest by the firm. Once only."""
    require(policy.can_manage_programmes, user)
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=participation.enterprise_id).first()
        participation = (Participation.objects.select_for_update(of=("self",))
                         .select_related("fair__programme", "enterprise", "stand").get(pk=participation.pk))
        if participation.paid:
            return participation
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
            legs, currency=programme.currency, idempotency_key=f"fairs:participation:{participation.pk}:costs",
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
        GroupStand.objects.select_for_update().filter(pk=stand.pk).first()
        check_stand_ready(stand)
        return [pay_costs(user, p, on) for p in stand.participations.order_by("id")]


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
    own_key = owner_key(participation.enterprise)
    subsidy = own = ZERO
    for entry in participation.transaction.entries.select_related("account"):
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
