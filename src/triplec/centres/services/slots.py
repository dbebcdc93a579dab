"""Equipment's opening hours and its week of bookable slots.

A piece of equipment opens on some weekdays (`Service.open_days`, ISO: 1 Monday to 7 Sunday) between
`opens_at` and `closes_at` (local time; none: any time of an open day). A booking lies within one open
day's hours. The week view cuts each day into hours: free, booked (by a live booking), closed, or past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.accounts.policy import require
from triplec.core.records import save_validated

from .. import policy
from ..models import Booking, Service
from .common import refuse

DAY_SHOWN = (8, 18)  # the hours a week shows of equipment without opening hours (more if booked outside)


def set_opening_hours(user, equipment: Service, *, opens_at: time | None, closes_at: time | None,
                      open_days: str) -> Service:
    """The equipment's weekdays and hours; bookings made before keep their times."""
    require(policy.can_run_centre, user, equipment.centre)
    if not equipment.is_equipment:
        refuse("equipment", _("Only shared equipment has opening hours."))
    days = "".join(sorted(set(open_days or "")))
    if not days or any(d not in "1234567" for d in days):
        refuse("open_days", _("Give the weekdays it opens as digits, 1 (Monday) to 7 (Sunday), e.g. 12345."))
    if (opens_at is None) != (closes_at is None) or (opens_at is not None and closes_at <= opens_at):
        refuse("closes_at", _("Give both hours, the closing after the opening, or neither."))
    equipment.opens_at, equipment.closes_at, equipment.open_days = opens_at, closes_at, days
    save_validated(equipment, user)
    return equipment


def outside_hours(equipment: Service, starts_at: datetime, ends_at: datetime) -> str | None:
    """Why a booking from `starts_at` to `ends_at` is outside the equipment's opening hours; None if within."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if str(start.isoweekday()) not in equipment.open_days:
        return _("%(equipment)s is closed on %(day)s.") % {"equipment": equipment, "day": date_format(start, "l")}
    if equipment.opens_at is None:
        return None
    last = end - timedelta(microseconds=1)
    if last.date() != start.date() or start.time() < equipment.opens_at or end.time() > equipment.closes_at:
        return _("%(equipment)s can be booked from %(opens)s to %(closes)s.") % {
            "equipment": equipment, "opens": time_format(equipment.opens_at, "H:i"),
            "closes": time_format(equipment.closes_at, "H:i")}
    return None


class SlotState:
    FREE = "free"
    BOOKED = "booked"
    CLOSED = "closed"
    PAST = "past"
    LABELS = {FREE: gettext_lazy("free"), BOOKED: gettext_lazy("booked"), CLOSED: gettext_lazy("closed"),
              PAST: "—"}


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    state: str

    @property
    def label(self) -> str:
        return str(SlotState.LABELS[self.state])


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[date]
    rows: list[tuple[time, list[Slot]]]  # one row per hour, a slot per day

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def week(equipment: Service, day: date, *, now: datetime | None = None) -> Week:
    """The week (Monday to Sunday) holding `day`, hour by hour: each slot free, booked, closed or past."""
    now = now or timezone.now()
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    start = timezone.make_aware(datetime.combine(monday, time()))
    booked = [(timezone.localtime(b.starts_at), timezone.localtime(b.ends_at)) for b in Booking.objects.filter(
        equipment=equipment, cancelled_at__isnull=True, starts_at__lt=start + timedelta(days=7), ends_at__gt=start)]
    if equipment.opens_at is not None:
        first = equipment.opens_at.hour
        last = equipment.closes_at.hour + (1 if equipment.closes_at.minute else 0)
    else:
        first = min([DAY_SHOWN[0], *(b_start.hour for b_start, _end in booked)])
        last = max([DAY_SHOWN[1], *(b_end.hour + (1 if b_end.minute else 0) for b_start, b_end in booked
                                    if b_end.date() == b_start.date())])
    rows = []
    for hour in range(first, last):
        slots = []
        for d in days:
            at = timezone.make_aware(datetime.combine(d, time(hour)))
            until = at + timedelta(hours=1)
            if any(s < until and e > at for s, e in booked):
                state = SlotState.BOOKED
            elif outside_hours(equipment, at, until) is not None:
                state = SlotState.CLOSED
            elif until <= now:
                state = SlotState.PAST
            else:
                state = SlotState.FREE
            slots.append(Slot(at, state))
        rows.append((time(hour), slots))
    return Week(monday, days, rows)
