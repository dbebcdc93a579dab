"""Small helpers shared by the centres' services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from triplec.core.errors import ValidationFailed
from triplec.core.money_format import CENT, cents  # noqa: F401 (this app's services round with them)

ZERO = Decimal(0)


def today(on: date | None) -> date:
    return on or timezone.localdate()


def refuse(field: str, message: str):
    raise ValidationFailed({field: [message]})


def amount_of(value, field: str = "amount") -> Decimal:
    """A non-negative amount in whole cents, or a refusal on `field`."""
    from django.utils.translation import gettext as _

    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or cents(amount) != amount:
        refuse(field, _("Give an amount in whole cents, zero or more."))
    return amount
