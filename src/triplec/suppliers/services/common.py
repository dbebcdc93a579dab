"""Small helpers shared by the supplier services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from triplec.core.errors import ValidationFailed, refuse  # noqa: F401 (re-exported to the services)
from triplec.core.money_format import CENT, cents  # noqa: F401 (this app's services round with them)
from triplec.core.months import today  # noqa: F401 (re-exported to the services)

ZERO = Decimal(0)


def decimal(field: str, value) -> Decimal:
    if isinstance(value, float):
        refuse(field, _("Give an amount as a decimal string, not a float."))
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        refuse(field, _("%(value)s is not a number.") % {"value": value})
    if not result.is_finite():
        refuse(field, _("%(value)s is not a number.") % {"value": value})
    return result


def money(field: str, value, *, positive: bool = False) -> Decimal:
    amount = decimal(field, value)
    if amount < 0 or (positive and amount == 0) or cents(amount) != amount:
        refuse(field, _("Give a positive amount in cents.") if positive else _("Give an amount in cents, not negative."))
    return amount


def share(field: str, value) -> Decimal:
    result = decimal(field, value)
    if not ZERO <= result <= 1:
        refuse(field, _("A share is between 0 and 1."))
    return result
