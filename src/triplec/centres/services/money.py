"""A centre's money on the shared ledger, in the centre's currency:

| owner          | code                            | holds                                          |
|----------------|---------------------------------|------------------------------------------------|
| the centre     | centres:<c>:income:public       | public funds received (grants of the agency...) |
| the centre     | centres:<c>:income:subscriptions| members' yearly fees                           |
| the centre     | centres:<c>:income:fees         | pay-per-use and booking fees                   |
| a funder       | centres:<c>:granted             | what it granted (negative: money out of it)    |
| a firm         | centres:<c>:paid                | what it paid the centre (negative)             |

Every posting balances, so the centre's income by source equals what funders and firms paid out, to
the cent. Finance per year is read from the income accounts' entries by their effective date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.ledger import services as ledger
from triplec.ledger.models import Account, Entry, Transaction, from_units, owner_key

from .. import policy
from ..models import Centre
from .common import ZERO, amount_of, refuse, today

PUBLIC, SUBSCRIPTIONS, FEES = "public", "subscriptions", "fees"
SOURCES = (PUBLIC, SUBSCRIPTIONS, FEES)


def income_account(centre: Centre, source: str) -> Account:
    return ledger.account_for(centre.organisation, f"centres:{centre.pk}:income:{source}", centre.currency)


def firm_account(centre: Centre, enterprise) -> Account:
    return ledger.account_for(enterprise, f"centres:{centre.pk}:paid", centre.currency)


def charge_firm(centre: Centre, enterprise, amount: Decimal, source: str, key: str | None, *, user, on: date | None,
                memo: str) -> Transaction:
    """The firm pays `amount` to the centre's `source` income (once per `key`)."""
    legs = [(firm_account(centre, enterprise), -amount), (income_account(centre, source), amount)]
    return ledger.post(legs, currency=centre.currency, idempotency_key=key, memo=memo, effective_on=today(on),
                       by=user if getattr(user, "is_authenticated", False) else None)


def record_public_funds(user, centre: Centre, funder, amount, reference: str, on: date | None = None) -> Transaction:
    """Public money granted to the centre by `funder` (an organisation), once per `reference`."""
    require(policy.can_manage_centres, user)
    amount = amount_of(amount)
    if amount <= 0:
        refuse("amount", _("Public funds must be more than zero."))
    if not reference.strip():
        refuse("reference", _("Give the grant's reference."))
    legs = [(ledger.account_for(funder, f"centres:{centre.pk}:granted", centre.currency), -amount),
            (income_account(centre, PUBLIC), amount)]
    return ledger.post(legs, currency=centre.currency, idempotency_key=f"centres:{centre.pk}:public:{reference}",
                       memo=_("Public funds: %(reference)s") % {"reference": reference}, effective_on=today(on),
                       by=user if getattr(user, "is_authenticated", False) else None)


def import_year(user, centre: Centre, year: int, *, public, subscriptions, fees, note: str) -> list[Transaction]:
    """A past year's income by source taken from the centre's annual accounts (before it used the
    platform), posted from an account standing for those accounts, dated 31 December; once per year."""
    require(policy.can_manage_centres, user)
    books = ledger.account_for(f"centres:{centre.pk}:annual-accounts", f"centres:{centre.pk}:imported",
                               centre.currency)
    posted = []
    for source, value in ((PUBLIC, public), (SUBSCRIPTIONS, subscriptions), (FEES, fees)):
        amount = amount_of(value, source)
        if amount:
            posted.append(ledger.post(
                [(books, -amount), (income_account(centre, source), amount)], currency=centre.currency,
                idempotency_key=f"centres:{centre.pk}:imported:{year}:{source}", memo=note[:300],
                effective_on=date(year, 12, 31), by=user if getattr(user, "is_authenticated", False) else None))
    return posted


@dataclass(frozen=True)
class YearFinance:
    year: int
    public: Decimal
    subscriptions: Decimal
    fees: Decimal

    @property
    def total(self) -> Decimal:
        return self.public + self.subscriptions + self.fees

    @property
    def public_share(self) -> Decimal | None:
        """The public funds' share of the year's income (None when there was no income)."""
        return (self.public / self.total) if self.total else None

    @property
    def own_share(self) -> Decimal | None:
        return None if self.public_share is None else 1 - self.public_share


def finance_by_year(centre: Centre) -> list[YearFinance]:
    """The centre's income by source for each year with any, oldest first, from the ledger's entries."""
    return finance_by_year_many([centre])[centre.pk]


def finance_by_year_many(centres) -> dict[int, list[YearFinance]]:
    """`finance_by_year` of many centres (by id) in one read of the ledger."""
    owners = {centre.pk: owner_key(centre.organisation) for centre in centres}
    rows = (Entry.objects.filter(account__code__startswith="centres:", account__code__contains=":income:",
                                 account__owner__in=set(owners.values()))
            .annotate(year=ExtractYear("transaction__effective_on")).order_by()
            .values_list("account__owner", "year", "account__code").annotate(total=Sum("units")))
    years: dict[int, dict[int, dict[str, Decimal]]] = {centre.pk: {} for centre in centres}
    for owner, year, code, units in rows:
        centre_id = code.split(":")[1]
        centre_id = int(centre_id) if centre_id.isdigit() else None
        prefix = f"centres:{centre_id}:income:"
        if centre_id in owners and owners[centre_id] == owner and code.startswith(prefix):
            years[centre_id].setdefault(year, dict.fromkeys(SOURCES, ZERO))[code[len(prefix):]] += from_units(units)
    return {pk: [YearFinance(year, **sums) for year, sums in sorted(found.items())] for pk, found in years.items()}


def paid_by_firm(centre: Centre, enterprise) -> Decimal:
    """What a firm has paid the centre, net of refunds (from the ledger)."""
    return -ledger.balance(firm_account(centre, enterprise))


def income(centre: Centre) -> dict[str, Decimal]:
    accounts = {source: income_account(centre, source) for source in SOURCES}
    sums = ledger.balances(accounts.values())
    return {source: sums[account.pk] for source, account in accounts.items()}
