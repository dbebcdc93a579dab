"""Equipment's opening hours (weekdays and hours, set by the centre's staff) refuse bookings outside
them, and the week view shows each hour free, booked, closed or past; the booking page draws it."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from triplec.centres.services import bookings, slots
from triplec.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def weekdays_9_to_17(citer):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())  # next week's
    with pytest.raises(PermissionDenied):
        slots.set_opening_hours(citer.member, citer.cadcam, opens_at=time(9), closes_at=time(17), open_days="12345")
    with pytest.raises(ValidationFailed, match="closing after the opening"):
        slots.set_opening_hours(citer.staff, citer.cadcam, opens_at=time(17), closes_at=time(9), open_days="12345")
    with pytest.raises(ValidationFailed, match="1 \\(Monday\\) to 7"):
        slots.set_opening_hours(citer.staff, citer.cadcam, opens_at=time(9), closes_at=time(17), open_days="158")
    slots.set_opening_hours(citer.staff, citer.cadcam, opens_at=time(9), closes_at=time(17), open_days="54321")
    citer.cadcam.refresh_from_db()
    assert (citer.cadcam.opens_at, citer.cadcam.closes_at, citer.cadcam.open_days) == (time(9), time(17), "12345")
    return monday


def test_bookings_only_within_the_opening_hours(citer, weekdays_9_to_17):
    monday, firm = weekdays_9_to_17, citer.world.ent_a1
    saturday = monday + timedelta(days=5)
    with pytest.raises(ValidationFailed, match="CAD/CAM station is closed on Saturday"):
        bookings.book(citer.member, citer.cadcam, firm, at(saturday, 10), at(saturday, 12))
    for start, end in ((at(monday, 8), at(monday, 10)), (at(monday, 16), at(monday, 18))):
        with pytest.raises(ValidationFailed, match="can be booked from 09:00 to 17:00"):
            bookings.book(citer.member, citer.cadcam, firm, start, end)
    assert bookings.book(citer.member, citer.cadcam, firm, at(monday, 9), at(monday, 17)).price == 320  # 8 h x 40


def test_the_week_shows_free_booked_closed_and_past_hours(citer, weekdays_9_to_17):
    monday = weekdays_9_to_17
    bookings.book(citer.member, citer.cadcam, citer.world.ent_a1, at(monday, 10, 30), at(monday, 12))
    now = at(monday, 9, 30)  # the 9 o'clock hour of Monday is not over yet: still free
    week = slots.week(citer.cadcam, monday + timedelta(days=3), now=now)
    assert week.monday == monday and week.days[-1] == monday + timedelta(days=6)
    assert [hour for hour, _row in week.rows] == [time(h) for h in range(9, 17)]
    states = {(hour.hour, i): slot.state for hour, row in week.rows for i, slot in enumerate(row)}
    assert [states[(h, 0)] for h in range(9, 13)] == ["free", "booked", "booked", "free"]
    assert {states[(h, d)] for h in range(9, 17) for d in (5, 6)} == {"closed"}
    later = slots.week(citer.cadcam, monday, now=at(monday, 13))
    assert [slot.state for slot in later.rows[0][1][:2]] == ["past", "free"]  # Monday 9:00 over; Tuesday free


def test_the_booking_page_draws_the_week_and_staff_set_the_hours(citer, client_for):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    staff = client_for(citer.staff)
    sent = staff.post(reverse("centres:centre_set_hours", args=[citer.centre.pk]), {
        "hours-equipment": citer.cadcam.pk, "hours-opens_at": "08:00", "hours-closes_at": "12:00",
        "hours-open_days": "12345"})
    assert sent.status_code == 302
    citer.cadcam.refresh_from_db()
    assert (citer.cadcam.opens_at, citer.cadcam.closes_at) == (time(8), time(12))
    bookings.book(citer.member, citer.cadcam, citer.world.ent_a1, at(monday, 9), at(monday, 10))
    url = reverse("centres:book", args=[citer.centre.pk, citer.cadcam.pk]) + f"?week={monday.isoformat()}"
    page = client_for(citer.member).get(url).content.decode()
    assert page.count('data-testid="slot-booked"') == 1 and page.count('data-testid="slot-free"') == 4 * 5 - 1
    assert page.count('data-testid="slot-closed"') == 4 * 2
    assert f"?week={(monday + timedelta(days=7)).isoformat()}" in page
