"""Small helpers shared by the centres' services."""

from __future__ import annotations

from decimal import Decimal

from triplec.core.errors import ValidationFailed, refuse  # noqa: F401 (re-exported to the services)
from triplec.core.money_format import CENT, cents  # noqa: F401 (this app's services round with them)
from triplec.core.months import today  # noqa: F401 (re-exported to the services)

ZERO = Decimal(0)


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
