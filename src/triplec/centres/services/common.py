"""Small helpers shared by the centres' services."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from triplec.core.errors import ValidationFailed

CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(value) -> Decimal:
    """Money rounded to the cent, halves up (as a cashier would)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
