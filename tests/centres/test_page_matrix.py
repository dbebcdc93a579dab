"""The permission matrix of every centres page (tests/permissions.py): anonymous, each role, another
centre's staff, another firm (other-enterprise-user: ent_b1, not a member of CITER) and a large
buyer's staff.

On CITER (tests/centres/conftest.py): centre-staff runs it, enterprise-user's firm ent_a1 is a member
with a booking of the CAD/CAM station and a need on the exchange; other-centre-staff runs another centre.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.centres.conftest import slot
from tests.permissions import AGENCY, USERS, Case, assert_page_permissions, by_scope, everyone

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "centre-staff", "other-centre-staff", "buyer-staff")
SEES_CITER = (*AGENCY, "association-manager", "other-association-manager", "enterprise-user",
              "other-enterprise-user", "centre-staff")
RUNS_CITER = ("agency-admin", "programme-officer", "centre-staff")
BOOKS = (*RUNS_CITER, "enterprise-user", "other-enterprise-user")
SEES_BOOKS = (*AGENCY, "centre-staff")
SEES_A1_BOOKING = (*SEES_BOOKS, "enterprise-user")
ENTITLED = (*AGENCY, "centre-staff", "enterprise-user")


def _booking_data(w):
    start, end = slot(9, 14)
    return {"enterprise": w.ent_a1.pk, "day": start.date().isoformat(), "start": "14:00", "hours": "1.5"}


CASES = [
    Case("centre list", "get", lambda w: reverse("centres:centre_list"), everyone(200, PEOPLE)),
    Case("centre detail", "get", lambda w: reverse("centres:centre_detail", args=[w.citer.centre.pk]),
         by_scope(PEOPLE, SEES_CITER, SEES_CITER, ok=200)),
    Case("booking form", "get", lambda w: reverse("centres:book", args=[w.citer.centre.pk, w.citer.cadcam.pk]),
         by_scope(PEOPLE, BOOKS, SEES_CITER, ok=200)),
    Case("booking", "post", lambda w: reverse("centres:book", args=[w.citer.centre.pk, w.citer.cadcam.pk]),
         by_scope(PEOPLE, BOOKS, SEES_CITER), data=_booking_data),
    Case("cancel booking", "post", lambda w: reverse("centres:cancel_booking", args=[w.booking.pk]),
         by_scope(PEOPLE, (*RUNS_CITER, "enterprise-user"), SEES_A1_BOOKING, ok=302)),
    Case("publication", "get", lambda w: reverse("centres:publication", args=[w.publication.pk]),
         by_scope(PEOPLE, ENTITLED, SEES_CITER, ok=200)),
    Case("finance", "get", lambda w: reverse("centres:finance", args=[w.citer.centre.pk]),
         by_scope(PEOPLE, SEES_BOOKS, SEES_CITER, ok=200)),
    Case("matches", "get", lambda w: reverse("centres:matches", args=[w.need.pk]),
         by_scope(PEOPLE, SEES_CITER, SEES_CITER, ok=200)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, citer, client_for, case):
    from triplec.centres.services import bookings, catalogue, exchange

    world.citer = citer
    world.booking = bookings.book(citer.member, citer.cadcam, world.ent_a1, *slot(3, 9))
    world.publication = catalogue.publish(citer.staff, citer.report, title="Trends", issued_on=date(2027, 1, 1),
                                          filename="trends.pdf", content=b"%PDF trends")
    world.need = exchange.post(citer.member, citer.centre, world.ent_a1, kind="need", code="sewing", quantity=10)
    assert_page_permissions(world, client_for, case)
