"""The permission matrix of every /api/v1/fairs endpoint (tests/permissions.py): anonymous, a bad token,
each role, another association's manager and firm, another member of the same association (a2-user),
a large buyer's staff and a service centre's staff. A test fails when an endpoint has no row.

The world is tests/fairs/conftest.py `signed_up`, plus assoc_a's stand at FENAC, a buyer met and the
cost of ent_a1 alone at FENAC paid. Expected answers written by hand from fairs.policy's table:
  sees every fair   the agency, associations' managers and firms' users (not a buyer's or centre's staff)
  "it"              ent_a1 at assoc_a's MICAM stand: seen by the agency, assoc_a's manager and ent_a1's
                    user, who (with the agency editors) record its buyers, orders, follow-ups, cancel it
  "paid"            ent_a1 alone at FENAC, paid: seen by the agency and ent_a1's user
  sets up and pays  agency-admin, programme-officer
  network stand     at FENAC, of network_expo.other: signed up by agency editors and its broker
                    "other-broker" (tests/fairs/conftest.py), not by "broker" (403)
A caller who does not see the object gets 404; one who sees it but may not act, 403. Each request
runs in a savepoint rolled back afterwards, so every caller meets the same state.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.permissions import (
    AGENCY,
    ANONYMOUS,
    EDITORS,
    USERS,
    matrix_failures,
    rolled_back,
    send_api,
    token_clients,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/fairs"
BAD = "bad-token"
PEOPLE = (*USERS, "a2-user", "buyer-staff", "centre-staff", "other-broker")
SEES_FAIRS = (*AGENCY, "other-broker", "association-manager", "other-association-manager", "enterprise-user",
              "other-enterprise-user", "a2-user")
SEES_IT = (*AGENCY, "other-broker", "association-manager", "enterprise-user")
FOLLOWS_IT_UP = (*EDITORS, "association-manager", "enterprise-user")
SEES_PAID = (*AGENCY, "other-broker", "enterprise-user")
SIGNS_UP_A2_AT_FENAC = (*EDITORS, "association-manager", "a2-user")


def expect(ok: int, allowed, visible) -> dict:
    return {who: ok if who in allowed else 403 if who in visible else 404 for who in PEOPLE}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expected: dict
    body: object = None


FAIR = {"name": "Couromoda", "organiser": "Couromoda Feiras", "place": "São Paulo", "country": "BR",
        "starts_on": "2027-01-11", "ends_on": "2027-01-14", "latitude": -23.55, "longitude": -46.63}

ENDPOINTS = [
    Endpoint("get", "/fairs", dict.fromkeys(PEOPLE, 200)),
    Endpoint("get", "/participations", dict.fromkeys(PEOPLE, 200)),
    Endpoint("post", "/fairs", expect(201, EDITORS, PEOPLE), lambda i: {**FAIR, "programme_id": i["programme"]}),
    Endpoint("get", "/fairs/{fenac}", expect(200, SEES_FAIRS, SEES_FAIRS)),
    Endpoint("patch", "/fairs/{fenac}", expect(200, EDITORS, SEES_FAIRS), {"ends_on": "2027-04-10"}),
    Endpoint("post", "/participations", expect(201, SIGNS_UP_A2_AT_FENAC, SEES_FAIRS),
             lambda i: {"fair_id": i["fenac"], "enterprise_id": i["ent_a2"], "stand_id": i["fenac_stand"]}),
    Endpoint("get", "/participations/{it}", expect(200, SEES_IT, SEES_IT)),
    Endpoint("post", "/participations/{it}/payment", expect(201, EDITORS, SEES_IT), {}),
    Endpoint("post", "/participations/{paid}/payment/reversal", expect(201, EDITORS, SEES_PAID),
             lambda i: {"reason": "Wrong cost", "transaction_id": i["paid_transaction"]}),
    Endpoint("post", "/participations/{it}/cancellation", expect(200, FOLLOWS_IT_UP, SEES_IT), {"reason": "No stock"}),
    Endpoint("post", "/participations/{it}/contacts", expect(201, FOLLOWS_IT_UP, SEES_IT),
             {"person": "Anna Weber", "company": "Schuhhaus Weber", "country": "DE"}),
    Endpoint("post", "/participations/{it}/orders", expect(201, FOLLOWS_IT_UP, SEES_IT),
             lambda i: {"contact_id": i["contact"], "value": "1500.00", "currency": "EUR", "ordered_on": "2027-10-01"}),
    Endpoint("get", "/stands", dict.fromkeys(PEOPLE, 200)),
    Endpoint("post", "/fairs/{fenac}/network-stands", expect(201, (*EDITORS, "other-broker"), SEES_FAIRS),
             lambda i: {"network_id": i["other_network"], "total_cost": "5000.00"}),
    Endpoint("post", "/participations/{it}/follow-ups/{follow_up}/done", expect(200, FOLLOWS_IT_UP, SEES_IT),
             {"note": "Called"}),
]


def test_every_endpoint_is_in_the_matrix():
    from triplec.fairs.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    names = {"{fenac}": "{fair_id}", "{it}": "{participation_id}", "{paid}": "{participation_id}",
             "{follow_up}": "{follow_up_id}"}
    listed = set()
    for e in ENDPOINTS:
        path = e.path
        for name, template in names.items():
            path = path.replace(name, template)
        listed.add((e.method, path))
    assert routes == listed


@pytest.fixture
def fairs_world(expo, signed_up, network_expo):
    from triplec.fairs.services import links, money, programmes

    alone, (it, *_rest), _b1 = signed_up
    paid = money.pay_costs(expo.admin, alone)
    return {"programme": expo.programme.pk, "fenac": expo.national.pk, "ent_a2": expo.world.ent_a2.pk,
            "fenac_stand": programmes.add_group_stand(expo.admin, expo.national, association=expo.world.assoc_a,
                                                      total_cost="3000.00").pk,
            "it": it.pk, "paid": paid.pk, "paid_transaction": paid.transaction_id,
            "contact": links.record_contact(expo.admin, it, country="IT", buyer=expo.agent).pk,
            "follow_up": it.follow_ups.get(months=3).pk, "other_network": network_expo.other.pk}


def test_permission_matrix_of_every_endpoint(expo, fairs_world):
    clients = token_clients(expo.world, PEOPLE, BAD, "fairs matrix")
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, endpoint=endpoint: rolled_back(
            lambda: send_api(clients[who], API, endpoint, fairs_world)), expected)
        if failures:
            mismatches[f"{endpoint.method.upper()} {endpoint.path}"] = failures
    assert mismatches == {}
