"""Calendar-month arithmetic shared by the instruments: network ages, funding years, evaluation
rhythms, warranty periods, follow-ups months after a fair."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils import timezone


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months; the day of month is clamped to the month's length
    (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months elapsed from `start` to `end` (negative when end is earlier):
    months_between(d, add_months(d, n)) == n, and one day less gives n - 1."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def window_start(end: date, months: int) -> date:
    """First day of the `months`-month window that ends on `end` (inclusive): e.g. the 12 months
    to 2024-06-30 run from 2023-07-01."""
    return add_months(end, -months) + timedelta(days=1)


def today(on: date | None = None) -> date:
    """`on`, or the agency's today (TRIPLEC_TIME_ZONE) when no day is given."""
    return on or timezone.localdate()
