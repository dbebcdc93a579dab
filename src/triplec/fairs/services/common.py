"""Small helpers of the fairs services."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from triplec.core.errors import ValidationFailed, refuse  # noqa: F401 (re-exported to the services)
from triplec.core.money_format import CENT, cents, format_share  # noqa: F401 (re-exported to the services)
from triplec.core.months import today  # noqa: F401 (re-exported to the services)

ZERO = Decimal(0)


def decimal_of(field: str, value) -> Decimal:
    if isinstance(value, float):
        refuse(field, _("Give an amount as a decimal string, not a float."))
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        refuse(field, _("%(value)s is not a number.") % {"value": value})
    if not result.is_finite():
        refuse(field, _("%(value)s is not a number.") % {"value": value})
    return result


def money_of(field: str, value, *, positive: bool = True) -> Decimal:
    """An amount in cents (positive, or at least zero)."""
    amount = decimal_of(field, value)
    if cents(amount) != amount or amount < 0 or (positive and amount == 0):
        refuse(field, _("Give a positive amount in cents.") if positive else _("Give an amount in cents, zero or more."))
    return amount


def split_in_cents(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` shared in proportion to `weights`, in cents, summing exactly to `total`: each gets its
    share rounded down, then the cents left go one each to the largest remainders (the first in order
    on a tie)."""
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum <= 0:
        return [ZERO for _w in weights]
    total_cents = int(total / CENT)
    exact = [Decimal(total_cents) * w / weight_sum for w in weights]
    floors = [int(x) for x in exact]
    left = total_cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(n) * CENT for n in floors]


def share_text(value) -> str:
    """A share as the reader writes it: "50%", or "12.5%" when it has a fraction of a point."""
    value = Decimal(str(value))
    return format_share(value, places=1 if value * 100 % 1 else 0)
