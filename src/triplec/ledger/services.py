"""The one way money moves, for every instrument: `post`, `reverse`, `balance`, `statement`, `movements`.

Concurrency: a posting locks the rows of the accounts it touches (`select_for_update`, in id order so
two postings never wait on each other crosswise), then checks the idempotency key and the limits, then
writes. On PostgreSQL the lock makes the check-then-write atomic per account; on SQLite every write
transaction is IMMEDIATE (settings), so writers are already serialised.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import is_currency
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.core.errors import refuse
from triplec.core.money_format import format_money

from .errors import (
    AlreadyReversed,
    CurrencyMismatch,
    IdempotencyConflict,
    LimitExceeded,
    Unbalanced,
    UnknownCurrency,
)
from .models import Account, Entry, Transaction, from_units, owner_key, to_units

ZERO = Decimal(0)


@dataclass(frozen=True)
class Leg:
    """One side of a posting: `amount` goes into `account` (negative: out of it)."""

    account: Account
    amount: Decimal


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not is_currency(code):
        raise UnknownCurrency(_("%(code)s is not an ISO 4217 currency code.") % {"code": code or "—"})
    return code


def input_currency(code: str, field: str = "currency") -> str:
    """A currency a service was given: its ISO 4217 code, or the error of the input's `field`."""
    try:
        return check_currency(code)
    except UnknownCurrency as exc:
        refuse(field, str(exc))


def account_for(owner, code: str, currency: str, *, name: str = "", floor=None, ceiling=None) -> Account:
    """The owner's account `code` in `currency`, opened on first use. `floor` / `ceiling` apply when
    the account is opened (change them on the account afterwards)."""
    currency = check_currency(currency)
    defaults = {"name": name, "floor": floor, "ceiling": ceiling}
    key = owner_key(owner)
    try:
        with transaction.atomic():
            account, _created = Account.objects.get_or_create(owner=key, code=code, currency=currency,
                                                               defaults=defaults)
    except IntegrityError:  # opened by a concurrent caller between our read and our insert
        account = Account.objects.get(owner=key, code=code, currency=currency)
    return account


def _amount(value) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise Unbalanced(_("%(value)s is not an amount.") % {"value": value}) from exc
    if not amount.is_finite():
        raise Unbalanced(_("%(value)s is not an amount.") % {"value": value})
    try:
        to_units(amount)
    except ValueError as exc:
        raise Unbalanced(_("%(value)s has more than four decimal places.") % {"value": value}) from exc
    return amount


def _normalise(legs: Iterable, currency: str) -> list[Leg]:
    merged: dict[int, Leg] = {}
    for item in legs:
        leg = item if isinstance(item, Leg) else Leg(*item)
        amount = _amount(leg.amount)
        if leg.account.currency != currency:
            raise CurrencyMismatch(
                _("Account %(account)s is kept in %(account_currency)s; this transaction is in %(currency)s.")
                % {"account": leg.account, "account_currency": leg.account.currency, "currency": currency})
        previous = merged.get(leg.account.pk)
        merged[leg.account.pk] = Leg(leg.account, amount + (previous.amount if previous else ZERO))
    result = [leg for leg in merged.values() if leg.amount != 0]
    if len(result) < 2:
        raise Unbalanced(_("A transaction moves money between at least two accounts."))
    total = sum((leg.amount for leg in result), ZERO)
    if total != 0:
        raise Unbalanced(_("The amounts of a transaction must sum to zero (they sum to %(total)s).")
                         % {"total": format_money(total, currency)})
    return sorted(result, key=lambda leg: leg.account.pk)


def _lock(account_ids: list[int]) -> dict[int, Account]:
    """Lock the accounts' rows in id order (a fixed order: no deadlock between two postings)."""
    rows = Account.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    return {account.pk: account for account in rows}


def _existing(key: str, legs: list[Leg] | None) -> Transaction | None:
    first = Transaction.objects.filter(idempotency_key=key).first()
    if first is None or legs is None:
        return first
    recorded = {(e.account_id, e.units) for e in first.entries.all()}
    if recorded != {(leg.account.pk, to_units(leg.amount)) for leg in legs}:
        raise IdempotencyConflict(
            _("The key %(key)s was already used for a different transaction (#%(id)s).") % {"key": key, "id": first.pk})
    return first


def balances(accounts: Iterable[Account], as_of: date | None = None) -> dict[int, Decimal]:
    """Balance of each account (sum of its entries, up to `as_of` included), by account id."""
    ids = [a.pk for a in accounts]
    entries = Entry.objects.filter(account_id__in=ids)
    if as_of is not None:
        entries = entries.filter(transaction__effective_on__lte=as_of)
    sums = dict(entries.order_by().values_list("account_id").annotate(total=Sum("units")))
    return {pk: from_units(sums.get(pk) or 0) for pk in ids}


def balance(account: Account, as_of: date | None = None) -> Decimal:
    """The account's balance: the sum of its entries (up to `as_of` included)."""
    return balances([account], as_of)[account.pk]


def _check_limits(locked: dict[int, Account], legs: list[Leg]) -> None:
    limited = [locked[leg.account.pk] for leg in legs
               if locked[leg.account.pk].floor is not None or locked[leg.account.pk].ceiling is not None]
    if not limited:
        return
    now = balances(limited)
    for leg in legs:
        account = locked[leg.account.pk]
        if account.pk not in now:
            continue
        after = now[account.pk] + leg.amount
        if leg.amount < 0 and account.floor is not None and after < account.floor:
            raise LimitExceeded(
                _("%(account)s would fall to %(after)s, below its lowest allowed balance of %(floor)s.")
                % {"account": account.name or account.code, "after": format_money(after, account.currency),
                   "floor": format_money(account.floor, account.currency)})
        if leg.amount > 0 and account.ceiling is not None and after > account.ceiling:
            raise LimitExceeded(
                _("%(account)s would rise to %(after)s, above its highest allowed balance of %(ceiling)s.")
                % {"account": account.name or account.code, "after": format_money(after, account.currency),
                   "ceiling": format_money(account.ceiling, account.currency)})


def _write(*, legs: list[Leg], currency: str, key: str, memo: str, effective_on: date, by,
           reverses: Transaction | None = None) -> Transaction:
    """Lock, check, write. Returns the first transaction recorded under `key` if there is one."""
    with transaction.atomic():
        locked = _lock([leg.account.pk for leg in legs])
        # Read the key only after the locks: a concurrent posting with the same key has committed by now.
        first = _existing(key, legs)
        if first is not None:
            return first
        if reverses is not None and Transaction.objects.filter(reverses=reverses).exists():
            raise AlreadyReversed(_("Transaction #%(id)s has already been reversed.") % {"id": reverses.pk})
        _check_limits(locked, legs)
        try:
            with transaction.atomic():
                posted = Transaction.objects.create(currency=currency, idempotency_key=key, memo=memo[:300],
                                                    effective_on=effective_on, reverses=reverses, recorded_by=by)
                Entry.objects.bulk_create(
                    [Entry(transaction=posted, account_id=leg.account.pk, units=to_units(leg.amount), currency=currency)
                     for leg in legs])
        except IntegrityError as clash:
            # Same key or same reversal committed by a writer that did not share our locks.
            first = _existing(key, legs)
            if first is not None:
                return first
            if reverses is not None:
                raise AlreadyReversed(
                    _("Transaction #%(id)s has already been reversed.") % {"id": reverses.pk}) from clash
            raise
        return posted


def post(legs: Iterable, *, currency: str, idempotency_key: str | None = None, memo: str = "",
         effective_on: date | None = None, by=None) -> Transaction:
    """Record one balanced transaction: `legs` are `Leg(account, amount)` (or pairs) summing to zero.

    Posting again with the same `idempotency_key` returns the first transaction and writes nothing;
    the same key with different legs is refused. Refused too: legs in another currency, legs that do
    not balance, and any leg that takes a limited account below its floor or above its ceiling.
    """
    currency = check_currency(currency)
    normalised = _normalise(legs, currency)
    key = idempotency_key or f"auto:{uuid.uuid4()}"
    return _write(legs=normalised, currency=currency, key=key, memo=memo,
                  effective_on=effective_on or timezone.localdate(), by=by)


def reverse(original: Transaction, *, idempotency_key: str | None = None, memo: str = "",
            effective_on: date | None = None, by=None) -> Transaction:
    """Cancel `original` with a new transaction of the opposite legs. A transaction is reversed at
    most once and a reversal is not itself reversed (post the correction instead). The reversal is
    dated like the original unless `effective_on` is given, so balances on past dates come out right."""
    if original.reverses_id is not None:
        raise AlreadyReversed(_("Transaction #%(id)s is a reversal; post a new transaction instead.")
                              % {"id": original.pk})
    legs = [Leg(entry.account, -entry.amount) for entry in original.entries.select_related("account")]
    key = idempotency_key or f"auto:{uuid.uuid4()}"
    return _write(legs=sorted(legs, key=lambda leg: leg.account.pk), currency=original.currency, key=key,
                  memo=memo or _("Reversal of #%(id)s") % {"id": original.pk},
                  effective_on=effective_on or original.effective_on, by=by, reverses=original)


@dataclass(frozen=True)
class StatementLine:
    transaction_id: int
    effective_on: date
    memo: str
    amount: Decimal
    balance: Decimal
    reverses_id: int | None


@dataclass(frozen=True)
class Statement:
    account: Account
    opening: Decimal
    lines: list[StatementLine]

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening


def statement(account: Account, start: date | None = None, end: date | None = None) -> Statement:
    """The account's entries between `start` and `end` (included) in date order, with the balance
    before `start` and the running balance after each line (computed here, never stored)."""
    opening = ZERO
    entries = Entry.objects.filter(account=account).select_related("transaction")
    if start is not None:
        opening = from_units(Entry.objects.filter(account=account, transaction__effective_on__lt=start).aggregate(
            total=Sum("units"))["total"] or 0)
        entries = entries.filter(transaction__effective_on__gte=start)
    if end is not None:
        entries = entries.filter(transaction__effective_on__lte=end)
    running, lines = opening, []
    for entry in entries.order_by("transaction__effective_on", "transaction_id", "id"):
        running += entry.amount
        t = entry.transaction
        lines.append(StatementLine(t.pk, t.effective_on, t.memo, entry.amount, running, t.reverses_id))
    return Statement(account, opening, lines)


@dataclass(frozen=True)
class Movement:
    """One entry as read back: `amount` moved into `account_id` on `effective_on` by `transaction_id`."""

    account_id: int
    transaction_id: int
    effective_on: date
    amount: Decimal


def movements(accounts: Iterable[Account], start: date | None = None, end: date | None = None) -> list[Movement]:
    """Every entry on `accounts` dated between `start` and `end` (included; None: no bound), in
    date order: for instruments that price each posting on its own (e.g. a share by month)."""
    entries = Entry.objects.filter(account_id__in=[a.pk for a in accounts])
    if start is not None:
        entries = entries.filter(transaction__effective_on__gte=start)
    if end is not None:
        entries = entries.filter(transaction__effective_on__lte=end)
    rows = entries.order_by("transaction__effective_on", "transaction_id", "id").values_list(
        "account_id", "transaction_id", "transaction__effective_on", "units")
    return [Movement(account_id, transaction_id, day, from_units(units))
            for account_id, transaction_id, day, units in rows]
