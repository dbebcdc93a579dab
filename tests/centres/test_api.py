"""GET /api/v1/services/centres and /bookings: the register's page shape, scoped like the pages, for
anonymous, a bad token, every role, another centre's staff, another firm and a large buyer's staff."""

import pytest
from django.test import Client
from tests.centres.conftest import slot
from tests.permissions import assert_matrix

from triplec.accounts.models import ApiToken
from triplec.centres.services import bookings

pytestmark = pytest.mark.django_db
CALLERS = ("anonymous", "bad-token", "agency-admin", "programme-officer", "broker", "evaluator",
           "association-manager", "other-association-manager", "enterprise-user", "other-enterprise-user",
           "centre-staff", "other-centre-staff", "buyer-staff")


def sender(world, url):
    def send(who):
        headers = {}
        if who == "bad-token":
            headers = {"Authorization": "Bearer nope"}
        elif who != "anonymous":
            _, raw = ApiToken.issue(world.users[who])
            headers = {"Authorization": f"Bearer {raw}"}
        return Client(headers=headers).get(url)
    return send


def check(world, url, expected):
    send = sender(world, url)
    assert_matrix(send, {who: 401 if want == 401 else 200 for who, want in expected.items()}, url)
    for who, want in expected.items():
        if want == 401:
            continue
        body = send(who).json()
        assert (body["count"], body["limit"], body["offset"]) == (len(want), 50, 0), who
        assert [row["id"] for row in body["items"]] == want, who


def test_centre_list_per_caller(citer):
    both = [citer.centre.pk, citer.other.pk]  # CITER, Centro de Qualidade: by name
    expected = dict.fromkeys(CALLERS, both) | {
        "anonymous": 401, "bad-token": 401, "centre-staff": [citer.centre.pk], "other-centre-staff": [citer.other.pk],
        "buyer-staff": []}
    check(citer.world, "/api/v1/services/centres", expected)


def test_centre_items_and_filters(citer):
    send = sender(citer.world, "/api/v1/services/centres?function=quality")
    body = send("enterprise-user").json()
    assert body["items"] == [{"id": citer.other.pk, "name": "Centro de Qualidade",
                              "organisation": citer.other.organisation_id, "scope": "transversal",
                              "function": "quality", "function_label": "Quality certification", "sector_code": "",
                              "currency": "BRL", "services": 0}]
    row = sender(citer.world, "/api/v1/services/centres?scope=sector")("agency-admin").json()["items"][0]
    assert (row["id"], row["services"]) == (citer.centre.pk, 4)
    assert sender(citer.world, "/api/v1/services/centres?function=nonsense")("agency-admin").status_code == 422
    assert sender(citer.world, "/api/v1/services/centres?limit=0")("agency-admin").status_code == 422


def test_booking_list_per_caller(citer):
    w = citer.world
    start, end = slot(2, 9)
    mine = bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end)
    theirs = bookings.book(citer.outsider, citer.cadcam, w.ent_b1, end, end + (end - start))
    bookings.cancel(citer.outsider, theirs)
    both = [mine.pk, theirs.pk]
    expected = dict.fromkeys(CALLERS, []) | {
        "anonymous": 401, "bad-token": 401, "agency-admin": both, "programme-officer": both, "broker": both,
        "evaluator": both, "centre-staff": both, "enterprise-user": [mine.pk], "other-enterprise-user": [theirs.pk]}
    check(w, "/api/v1/services/bookings", expected)
    live = sender(w, f"/api/v1/services/bookings?live=true&centre={citer.centre.pk}")("centre-staff").json()
    assert [r["id"] for r in live["items"]] == [mine.pk]
    row = live["items"][0]
    assert (row["price"], row["member_rate"], row["cancelled"], row["equipment_name"]) == (
        "80.00", True, False, "CAD/CAM station")
