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


# The set-up and running pages (views_setup, views_exchange) ------------------------------------------------

class Reread:
    """An upload the test client can send once per user (a file object is read to its end once)."""

    def __init__(self, name: str, content: bytes):
        self.name, self.content = name, content

    def read(self):
        return self.content


EDITORS = ("agency-admin", "programme-officer")
FIRMS = ("enterprise-user", "other-enterprise-user")


def _url(name, *args):
    return lambda w: reverse(f"centres:{name}", args=[w.citer.centre.pk, *(a(w) for a in args)])


SETUP_CASES = [
    Case("setup page", "get", _url("centre_setup"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=200)),
    Case("add service", "post", _url("centre_add_service"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"service-code": "loom", "service-name": "Loom", "service-kind": "equipment",
                         "service-member_price": "10.00", "service-non_member_price": ""}),
    Case("withdraw service", "post", _url("centre_set_offered", lambda w: w.citer.note.pk),
         by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302)),
    Case("set equipment hours", "post", _url("centre_set_hours"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"hours-equipment": w.citer.cadcam.pk, "hours-open_days": "12345",
                         "hours-opens_at": "08:00", "hours-closes_at": "18:00"}),
    Case("firm suggestions", "get", lambda w: _url("firm_options")(w) + "?field=q&q=alfa",
         by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=200)),
    Case("set fee", "post", _url("centre_set_fee"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"fee-size_class": "micro", "fee-yearly_fee": "650.00"}),
    Case("upload publication", "post", _url("centre_publish"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"publication-service": w.citer.report.pk, "publication-title": "Trends 2",
                         "publication-issued_on": "2027-07-01",
                         "publication-document": Reread("trends-2.pdf", b"%PDF-1.4 two")}),
    Case("subscribe a firm", "post", _url("centre_subscribe"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"subscription-enterprise": w.ent_b1.national_id}),
    Case("record a use", "post", _url("centre_record_use"), by_scope(PEOPLE, RUNS_CITER, SEES_CITER, ok=302),
         data=lambda w: {"use-enterprise": w.ent_a1.national_id, "use-service": w.citer.note.pk, "use-quantity": "2"}),
    Case("public funds", "post", _url("centre_public_funds"), by_scope(PEOPLE, EDITORS, SEES_CITER, ok=302),
         data=lambda w: {"funds-funder": w.agency.pk, "funds-amount": "5000.00", "funds-reference": "g-1",
                         "funds-received_on": "2027-03-01"}),
    Case("join", "post", _url("centre_join"), by_scope(PEOPLE, FIRMS, SEES_CITER, ok=302)),
    Case("usage records", "get", _url("centre_usage"), by_scope(PEOPLE, SEES_BOOKS, SEES_CITER, ok=200)),
    Case("finance export", "get", _url("centre_finance_export", lambda w: "csv"),
         by_scope(PEOPLE, SEES_BOOKS, SEES_CITER, ok=200)),
    Case("exchange form", "get", _url("exchange_post"), by_scope(PEOPLE, BOOKS, SEES_CITER, ok=200)),
    # other-enterprise-user's form offers only its own firm, so ent_a1 is refused on the form (200).
    Case("exchange post", "post", _url("exchange_post"),
         {**by_scope(PEOPLE, BOOKS, SEES_CITER, ok=302), "other-enterprise-user": 200},
         data=lambda w: {"enterprise": w.ent_a1.national_id, "kind": "capacity", "code": "cutting", "quantity": "40",
                         "unit": "pairs"}),
    Case("withdraw post", "post", lambda w: reverse("centres:exchange_withdraw", args=[w.need.pk]),
         by_scope(PEOPLE, (*RUNS_CITER, "enterprise-user"), SEES_CITER, ok=302)),
]


@pytest.mark.parametrize("case", SETUP_CASES, ids=lambda c: c.name)
def test_setup_page_permissions(world, citer, client_for, case):
    test_page_permissions(world, citer, client_for, case)
