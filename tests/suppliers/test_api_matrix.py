"""The permission matrix of every /api/v1/suppliers endpoint (tests/permissions.py): anonymous, a bad
token, each role, another programme's buyer, a service centre's staff, another firm (another
programme's supplier, and an enterprise that supplies nothing).

On the shoe programme (tests/suppliers/conftest.py `shoes`), written out by hand from suppliers.policy's
table: it is seen by the agency (4 roles), its buyer's staff and the user of its supplier ent_a1; the
homeworker, the sessions and the costs only by the agency and the buyer's staff. Set-up is agency
editors'; plans, orders and attendance also the buyer's staff's; an action's status and the sales to
other customers also the supplier's. A caller who does not see the object gets 404; one who sees it
but may not act, 403. Each request runs in a savepoint rolled back afterwards, so every caller meets
the same state and a 2xx proves the write was allowed and valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
from tests.suppliers.conftest import add_user, scores

from triplec.suppliers.models import Order, Supplier
from triplec.suppliers.services import diagnostics, programmes, training

pytestmark = pytest.mark.django_db

API = "/api/v1/suppliers"
BAD = "bad-token"
PEOPLE = (*USERS, "buyer-staff", "other-buyer-staff", "centre-staff", "not-a-supplier")
SEES = (*AGENCY, "buyer-staff", "enterprise-user")  # the programme and the supplier ent_a1
WHOLE = (*AGENCY, "buyer-staff")  # the homeworker, sessions, costs; a programme not yet supplied
RUNS = (*EDITORS, "buyer-staff")
UPDATES = (*RUNS, "enterprise-user")


def expect(ok: int, allowed, visible) -> dict:
    return {who: ok if who in allowed else 403 if who in visible else 404 for who in PEOPLE}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expected: dict
    body: object = None  # dict, or callable(ids) -> dict


ENDPOINTS = [
    Endpoint("get", "/programmes", dict.fromkeys(PEOPLE, 200)),
    Endpoint("post", "/programmes", expect(201, EDITORS, PEOPLE),
             lambda i: {"name": "Novo", "buyer_id": i["buyer"], "currency": "BRL", "started_on": "2026-02-01"}),
    Endpoint("get", "/programmes/{programme}", expect(200, SEES, SEES)),
    Endpoint("post", "/programmes/{fresh}/consent", expect(200, EDITORS, WHOLE),
             {"given_by": "Ana", "given_on": "2026-02-03", "reference": "Termo 9"}),
    Endpoint("get", "/programmes/{programme}/suppliers", expect(200, SEES, SEES)),
    Endpoint("get", "/programmes/{programme}/kpis", expect(200, WHOLE, SEES)),
    Endpoint("post", "/programmes/{programme}/suppliers", expect(201, EDITORS, SEES),
             lambda i: {"enterprise": i["ent_a2_id"]}),
    Endpoint("post", "/programmes/{programme}/sessions", expect(201, EDITORS, SEES),
             {"title": "Lean", "kind": "behavioural", "held_on": "2026-03-01", "cost": "10.00"}),
    Endpoint("get", "/sessions/{session}", expect(200, WHOLE, WHOLE)),
    Endpoint("post", "/sessions/{session}/attendance", expect(200, RUNS, WHOLE),
             lambda i: {"supplier_ids": [i["supplier"]], "staff": ["Rita"]}),
    Endpoint("get", "/suppliers/{supplier}", expect(200, SEES, SEES)),
    Endpoint("get", "/suppliers/{homeworker}", expect(200, WHOLE, WHOLE)),
    Endpoint("post", "/suppliers/{supplier}/diagnostics", expect(201, EDITORS, SEES),
             {"carried_out_on": "2026-03-01", "consultant": "C", "cost": "100.00",
              "scores": {code: {"score": 3} for code in ("quality", "delivery", "cost", "technology", "management")}}),
    Endpoint("post", "/suppliers/{supplier}/actions", expect(201, RUNS, SEES),
             {"description": "Gauges", "owner": "consultant", "due_on": "2026-05-01", "area": "quality"}),
    Endpoint("post", "/actions/{action}/status", expect(200, UPDATES, SEES), {"status": "done"}),
    Endpoint("post", "/suppliers/{supplier}/orders", expect(201, RUNS, SEES),
             {"reference": "P1", "ordered_on": "2026-03-01", "promised_on": "2026-03-10", "quantity": 5,
              "unit_price": "3.00"}),
    Endpoint("post", "/suppliers/{supplier}/other-sales", expect(200, UPDATES, SEES),
             {"year": 2026, "amount": "100.00", "customers": 1}),
]


@pytest.fixture
def matrix_world(shoes):
    add_user(shoes.world, "not-a-supplier", "enterprise-user", enterprise=shoes.world.ent_a2)
    diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="C",
                                  cost="500.00", scores=scores())
    action = diagnostics.add_action(shoes.admin, shoes.supplier, description="Incoming inspection",
                                    owner="supplier", due_on=date(2026, 4, 1))
    session = training.create_session(shoes.admin, shoes.programme, title="Gauges", kind="technical",
                                      held_on=date(2026, 2, 10))
    fresh = programmes.create_programme(shoes.admin, name="Not consented yet", buyer=shoes.buyer, currency="BRL",
                                        started_on=date(2026, 2, 1))
    shoes.ids = {"programme": shoes.programme.pk, "fresh": fresh.pk, "supplier": shoes.supplier.pk,
                 "homeworker": shoes.homeworker.pk, "session": session.pk, "action": action.pk,
                 "buyer": shoes.buyer.pk, "ent_a2_id": shoes.world.ent_a2.national_id}
    return shoes


def test_every_endpoint_is_in_the_matrix():
    from triplec.suppliers.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    names = {"{programme}": "{programme_id}", "{fresh}": "{programme_id}", "{supplier}": "{supplier_id}",
             "{homeworker}": "{supplier_id}", "{session}": "{session_id}", "{action}": "{action_id}"}
    listed = set()
    for e in ENDPOINTS:
        path = e.path
        for name, template in names.items():
            path = path.replace(name, template)
        listed.add((e.method, path))
    assert routes == listed


def test_permission_matrix_of_every_endpoint(matrix_world):
    """One pass over the whole matrix; every mismatch reported together as {"METHOD path": [...]}."""
    clients = token_clients(matrix_world.world, PEOPLE, BAD, "suppliers matrix")
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, endpoint=endpoint: rolled_back(
            lambda: send_api(clients[who], API, endpoint, matrix_world.ids)), expected)
        if failures:
            mismatches[f"{endpoint.method.upper()} {endpoint.path}"] = failures
    assert mismatches == {}
    assert not Order.objects.exists() and Supplier.objects.count() == 3  # nothing leaked from the rollbacks
