"""Tests see one date all session, even when the run passes midnight."""

from datetime import date, timedelta

from django.utils import timezone
from tests.conftest import SESSION_DAY, clock_on


def test_a_run_past_midnight_still_sees_the_day_it_began():
    yesterday = date.today() - timedelta(days=1)
    with clock_on(yesterday):
        assert date.today() == yesterday and timezone.localdate() == yesterday
    assert date.today() != yesterday


def test_tests_run_on_the_session_day():
    assert date.today() == SESSION_DAY
