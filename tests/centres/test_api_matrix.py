"""The permission matrix of every /api/v1/services endpoint (tests/permissions.py): anonymous, a bad
token, each role, another centre's staff, another firm and a large buyer's staff.

The world is tests/centres/conftest.py `citer` plus a booking of the CAD/CAM station, a publication and
a need of ent_a1 (the member; enterprise-user) and a capacity post of ent_b1 (other-enterprise-user, not
a member). Expected answers are written out by hand from centres.policy's table:
  sees CITER        the agency (4 roles), both associations' managers, both firms' users, CITER's staff
  runs it           agency-admin, programme-officer, CITER's staff
  sees its books    the agency (4 roles), CITER's staff
A caller who does not see the centre (or booking, post) gets 404; one who sees it but may not act, 403.
Each request runs in a savepoint rolled back afterwards, so every caller meets the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from tests.centres.conftest import slot
from tests.permissions import AGENCY, ANONYMOUS, USERS, matrix_failures, rolled_back, send_api, token_clients

from triplec.centres.models import Booking, ExchangePost, Service, Subscription

pytestmark = pytest.mark.django_db

API = "/api/v1/services"
BAD = "bad-token"
PEOPLE = (*USERS, "centre-staff", "other-centre-staff", "buyer-staff")
EDITORS = ("agency-admin", "programme-officer")
RUNS = (*EDITORS, "centre-staff")
SEES = (*AGENCY, "association-manager", "other-association-manager", "enterprise-user", "other-enterprise-user",
        "centre-staff")
BOOKS = (*AGENCY, "centre-staff")
FOR_A1 = (*RUNS, "enterprise-user")  # acts for ent_a1
SEES_A1_BOOKING = (*BOOKS, "enterprise-user")


def expect(ok: int, allowed, visible) -> dict:
    return {who: ok if who in allowed else 403 if who in visible else 404 for who in PEOPLE}


def everyone(status) -> dict:
    return dict.fromkeys(PEOPLE, status)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with `ids`
    expected: dict
    body: object = None  # dict, or callable(ids) -> dict


def _slot(v):
    start, end = slot(5, 15)
    return {"equipment": v["cadcam"], "enterprise": v["a1"], "starts_at": start.isoformat(),
            "ends_at": end.isoformat()}


ENDPOINTS = [
    Endpoint("get", "/centres", everyone(200)),
    Endpoint("get", "/bookings", everyone(200)),
    Endpoint("get", "/centres/{centre}", expect(200, SEES, SEES)),
    Endpoint("post", "/centres/{centre}/catalogue", expect(201, RUNS, SEES),
             {"code": "loom", "name": "Loom", "kind": "equipment", "member_price": "10.00"}),
    Endpoint("put", "/catalogue/{note}/offered", expect(200, RUNS, SEES), {"offered": False}),
    Endpoint("put", "/centres/{centre}/fees/micro", expect(200, RUNS, SEES), {"yearly_fee": "650.00"}),
    Endpoint("get", "/subscriptions", everyone(200)),
    Endpoint("post", "/centres/{centre}/subscriptions", expect(201, (*RUNS, "other-enterprise-user"), SEES),
             lambda v: {"enterprise": v["b1"]}),
    Endpoint("post", "/centres/{centre}/uses", expect(201, FOR_A1, SEES),
             lambda v: {"service": v["note"], "enterprise": v["a1"], "quantity": "2"}),
    Endpoint("post", "/centres/{centre}/public-funds", expect(201, EDITORS, SEES),
             lambda v: {"funder": v["agency"], "amount": "5000.00", "reference": "g-1"}),
    Endpoint("get", "/centres/{centre}/finance", expect(200, BOOKS, SEES)),
    Endpoint("post", "/centres/{centre}/bookings", expect(201, FOR_A1, SEES), _slot),
    Endpoint("post", "/bookings/{booking}/cancel", expect(200, FOR_A1, SEES_A1_BOOKING)),
    Endpoint("get", "/publications", everyone(200)),
    Endpoint("get", "/publications/{publication}/file", expect(200, (*BOOKS, "enterprise-user"), SEES)),
    Endpoint("get", "/usage", everyone(200)),
    Endpoint("get", "/exchange", everyone(200)),
    Endpoint("post", "/centres/{centre}/exchange", expect(201, FOR_A1, SEES),
             lambda v: {"enterprise": v["a1"], "kind": "capacity", "code": "cutting", "quantity": 40}),
    Endpoint("post", "/exchange/{need}/withdraw", expect(200, FOR_A1, SEES)),
    Endpoint("get", "/exchange/{need}/matches", expect(200, SEES, SEES)),
]

PARAMETERS = {"{centre}": "{centre_id}", "{note}": "{service_id}", "{booking}": "{booking_id}",
              "{publication}": "{publication_id}", "{need}": "{post_id}", "/micro": "/{size_class}"}


def test_every_endpoint_is_in_the_matrix():
    from triplec.centres.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    listed = set()
    for e in ENDPOINTS:
        path = e.path
        for name, template in PARAMETERS.items():
            path = path.replace(name, template)
        listed.add((e.method, path))
    assert routes == listed


@pytest.fixture
def values(citer):
    from triplec.centres.services import bookings, catalogue, exchange

    w = citer.world
    booking = bookings.book(citer.member, citer.cadcam, w.ent_a1, *slot(3, 9))
    issue = catalogue.publish(citer.staff, citer.report, title="Trends", issued_on=date(2027, 1, 1),
                              filename="trends.pdf", content=b"%PDF trends")
    need = exchange.post(citer.member, citer.centre, w.ent_a1, kind="need", code="sewing", quantity=10)
    exchange.post(citer.outsider, citer.centre, w.ent_b1, kind="capacity", code="sewing", quantity=5)
    return {"centre": citer.centre.pk, "note": citer.note.pk, "cadcam": citer.cadcam.pk, "booking": booking.pk,
            "publication": issue.pk, "need": need.pk, "a1": w.ent_a1.pk, "b1": w.ent_b1.pk, "agency": w.agency.pk}


def test_permission_matrix_of_every_endpoint(citer, values):
    """One pass over the whole matrix; every mismatch reported together as {"METHOD path": [...]}."""
    clients = token_clients(citer.world, PEOPLE, BAD, "centres matrix")
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, endpoint=endpoint: rolled_back(
            lambda: send_api(clients[who], API, endpoint, values)), expected)
        if failures:
            mismatches[f"{endpoint.method.upper()} {endpoint.path}"] = failures
    assert mismatches == {}
    # Nothing leaked from the rolled-back requests.
    assert not Service.objects.filter(code="loom").exists()
    assert Booking.objects.count() == 1 and not Booking.objects.filter(cancelled_at__isnull=False).exists()
    assert not Subscription.objects.filter(enterprise=citer.world.ent_b1).exists()
    assert ExchangePost.objects.filter(closed_on__isnull=True).count() == 2
