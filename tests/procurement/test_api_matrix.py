"""The permission matrix of every /api/v1/procurement endpoint (tests/permissions.py): anonymous, a bad
token, each role, another association's manager and member, the purchaser's inspector, another
purchaser's inspector and an inspector whose organisation is not a purchaser.

The world is tests/procurement/api_world.py `books`. Expected answers are written out by hand from the
issue's rules (procurement.policy's table), not computed from the policy:
  sees a contract   the agency (4 roles), the purchaser's inspector, the association's manager, and the
                    members' users of members allocated on it (s1-user: C1, C3, C4; s2-user: C1, C5);
                    C2 (assoc_a, another purchaser): the agency, other-inspector, association-manager and
                    enterprise-user (ent_a1 makes it)
  runs it           agency-admin, programme-officer, the association's manager
  inspects and pays the purchaser's part    agency-admin, programme-officer, the purchaser's inspector
A caller who does not see the contract (or association, programme, member) gets 404; one who sees it but
may not act, 403. Each request runs in a savepoint rolled back afterwards, so every caller meets the
same state and a 2xx proves the write was allowed and valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from tests.permissions import AGENCY, ANONYMOUS, USERS, matrix_failures, rolled_back, send_api, token_clients
from tests.procurement import api_world

from triplec.accounts.models import ApiToken
from triplec.procurement.models import Payment, WarrantyClaim

pytestmark = pytest.mark.django_db
books = api_world.books  # the fixture

API = "/api/v1/procurement"
BAD = "bad-token"
PEOPLE = (*USERS, "inspector", "other-inspector", "misplaced-inspector", "aruaru-manager", "s1-user", "s2-user")
EDITORS = ("agency-admin", "programme-officer")
RUNS = (*EDITORS, "aruaru-manager")
INSPECTS = (*EDITORS, "inspector")
SAWMILLS = (*AGENCY, "inspector", "aruaru-manager")  # see every contract of the sawmills
SEES = {"c1": (*SAWMILLS, "s1-user", "s2-user"), "c3": (*SAWMILLS, "s1-user"), "c4": (*SAWMILLS, "s1-user"),
        "c5": (*SAWMILLS, "s2-user"), "c2": (*AGENCY, "other-inspector", "association-manager", "enterprise-user")}


def expect(ok: int, allowed, visible) -> dict:
    """`ok` for the allowed, 403 for the others who see the object, 404 for the rest."""
    return {who: ok if who in allowed else 403 if who in visible else 404 for who in PEOPLE}


def read(contract: str) -> dict:
    return expect(200, SEES[contract], SEES[contract])


def everyone(status) -> dict:
    return dict.fromkeys(PEOPLE, status)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with the ids of `ids(books)`
    expected: dict
    body: object = None  # dict, or callable(ids) -> dict


def ids(b) -> dict:
    return {"c1": b.c1.pk, "c2": b.c2.pk, "c3": b.c3.pk, "c4": b.c4.pk, "c5": b.c5.pk,
            "c3_line": b.c3.lines.get().pk, "c4_line": b.c4.lines.get().pk,
            "s1_on_c1": b.allocation(b.c1, 1).pk, "d1": b.delivery(b.c1, 1).pk, "d2": b.delivery(b.c1, 2).pk,
            **{f"s{n}": b.member(n).pk for n in range(1, 11)},
            "programme": b.desks.programme.pk, "association": b.desks.association.pk, "desk": b.desks.desk.pk,
            "buyer": b.world.buyer.pk}


SCOREBOARD = {**expect(200, (*AGENCY, "aruaru-manager", "s1-user", "s2-user"), ()), "inspector": 403}
KNOWS_SAWMILLS = (*SAWMILLS, "s1-user", "s2-user")  # the association: its own, its members, its contracts'
MANAGES_SAWMILLS = RUNS

ENDPOINTS = [
    Endpoint("get", "/programmes", everyone(200)),
    Endpoint("post", "/programmes", expect(201, EDITORS, PEOPLE),
             lambda i: {"name": "Cadeiras", "purchaser_id": i["buyer"], "currency": "BRL"}),
    Endpoint("get", "/programmes/{programme}", read("c1")),
    Endpoint("post", "/programmes/{programme}/products", expect(201, EDITORS, SEES["c1"]),
             {"code": "chair", "name": "Chair", "reference_price": "50.00"}),
    Endpoint("post", "/contracts", expect(201, EDITORS, PEOPLE),
             lambda i: {"programme_id": i["programme"], "association_id": i["association"], "reference": "CE-NEW",
                        "lines": [{"product_id": i["desk"], "quantity": 10, "unit_price": "10.00",
                                   "deadline": "2027-06-30"}]}),
    Endpoint("get", "/contracts", everyone(200)),
    Endpoint("get", "/contracts/{c1}", read("c1")),
    Endpoint("get", "/contracts/{c2}", read("c2")),
    Endpoint("get", "/contracts/{c1}/allocations", read("c1")),
    Endpoint("get", "/contracts/{c1}/deliveries", read("c1")),
    Endpoint("get", "/contracts/{c4}/warranty-claims", read("c4")),
    Endpoint("get", "/contracts/{c1}/payments", read("c1")),
    Endpoint("get", "/contracts/{c1}/money", read("c1")),
    Endpoint("get", "/members/{s1}/money", expect(200, (*SAWMILLS, "s1-user"), ())),
    Endpoint("get", "/contracts/{c3}/lines/{c3_line}/proposal", expect(200, RUNS, SEES["c3"])),
    Endpoint("post", "/contracts/{c3}/lines/{c3_line}/allocations", expect(201, RUNS, SEES["c3"]),
             lambda i: {"allocations": [{"member_id": i["s4"], "quantity": 5}], "note": "S4 has room"}),
    Endpoint("post", "/contracts/{c1}/allocations/{s1_on_c1}/default", expect(201, RUNS, SEES["c1"]),
             lambda i: {"reason": "withdrew", "remedy": "reallocate", "successor_id": i["s5"]}),
    Endpoint("post", "/contracts/{c1}/deliveries", expect(201, RUNS, SEES["c1"]),
             lambda i: {"allocation_id": i["s1_on_c1"], "quantity": 2}),
    Endpoint("post", "/contracts/{c1}/deliveries/{d1}/inspection", expect(200, INSPECTS, SEES["c1"]),
             {"accepted": 4, "rejected": 1, "reasons": "Loose leg"}),
    Endpoint("post", "/contracts/{c1}/deliveries/{d2}/reworks", expect(201, RUNS, SEES["c1"]),
             lambda i: {"member_id": i["s2"], "quantity": 2, "kind": "repair"}),
    Endpoint("post", "/contracts/{c4}/warranty-claims", expect(201, (*RUNS, "inspector"), SEES["c4"]),
             lambda i: {"line_id": i["c4_line"], "maker_id": i["s1"], "units": 1, "description": "Wobbly",
                        "repair_cost": "5.00"}),
    Endpoint("post", "/contracts/{c2}/payments/advance", expect(201, (*EDITORS, "other-inspector"), SEES["c2"]), {}),
    Endpoint("post", "/contracts/{c3}/payments/member-advances", expect(201, RUNS, SEES["c3"]), {}),
    Endpoint("post", "/contracts/{c4}/payments/final", expect(201, INSPECTS, SEES["c4"]), {}),
    Endpoint("post", "/contracts/{c5}/payments/retention", expect(201, INSPECTS, SEES["c5"]),
             {"on": api_world.RETENTION_DUE_ON.isoformat()}),
    Endpoint("post", "/contracts/{c3}/payments/settlements", expect(201, RUNS, SEES["c3"]),
             lambda i: {"member_id": i["s3"], "amount": "10.00", "idempotency_key": "cash-1"}),
    Endpoint("get", "/associations/{association}/scoreboard", SCOREBOARD),
    Endpoint("get", "/associations/{association}/rules", expect(200, KNOWS_SAWMILLS, ())),
    Endpoint("put", "/associations/{association}/rules", expect(200, MANAGES_SAWMILLS, KNOWS_SAWMILLS),
             {"fee_share": "0.05", "warranty_cost_rule": "shared"}),
    Endpoint("post", "/associations/{association}/capacities", expect(201, MANAGES_SAWMILLS, KNOWS_SAWMILLS),
             lambda i: {"member_id": i["s4"], "product_id": i["desk"], "units": 8}),
    Endpoint("get", "/associations/{association}/outcomes", expect(200, KNOWS_SAWMILLS, ())),
    Endpoint("post", "/associations/{association}/outcomes", expect(201, MANAGES_SAWMILLS, KNOWS_SAWMILLS),
             {"year": 2021, "members": 12, "workers": 50, "share_sold_elsewhere": "0.1"}),
    Endpoint("put", "/associations/{association}/outcomes/2020", expect(200, MANAGES_SAWMILLS, KNOWS_SAWMILLS),
             {"members": 11, "workers": 44}),
]


def test_every_endpoint_is_in_the_matrix():
    from triplec.procurement.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    names = {"{c1}": "{contract_id}", "{c2}": "{contract_id}", "{c3}": "{contract_id}", "{c4}": "{contract_id}",
             "{c5}": "{contract_id}", "{c3_line}": "{line_id}", "{s1_on_c1}": "{allocation_id}",
             "{d1}": "{delivery_id}", "{d2}": "{delivery_id}", "{s1}": "{enterprise_id}",
             "{programme}": "{programme_id}", "{association}": "{association_id}", "/2020": "/{year}"}
    listed = set()
    for e in ENDPOINTS:
        path = e.path
        for name, template in names.items():
            path = path.replace(name, template)
        listed.add((e.method, path))
    assert routes == listed


def test_permission_matrix_of_every_endpoint(books):
    """One pass over the whole matrix; every mismatch reported together as {"METHOD path": [...]}."""
    clients = token_clients(books.world, PEOPLE, BAD, "procurement matrix")
    values = ids(books)
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, endpoint=endpoint: rolled_back(
            lambda: send_api(clients[who], API, endpoint, values)), expected)
        if failures:
            mismatches[f"{endpoint.method.upper()} {endpoint.path}"] = failures
    assert mismatches == {}
    # Nothing leaked from the rolled-back requests.
    assert not WarrantyClaim.objects.exists()
    assert not Payment.objects.filter(kind=Payment.Kind.SETTLEMENT).exists()
    assert not Payment.objects.filter(contract=books.c2).exists()


def test_refused_writes_change_nothing(books):
    """A 403 and a 404 leave the books as they were (the matrix rolls back, so check outside it)."""
    before = Payment.objects.count()
    for who, status in (("s1-user", 403), ("other-association-manager", 404), ("broker", 403)):
        _, raw = ApiToken.issue(books.world.users[who])
        response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
            f"{API}/contracts/{books.c3.pk}/payments/member-advances", {}, content_type="application/json")
        assert response.status_code == status, who
    assert Payment.objects.count() == before
    assert books.c3.payments.filter(kind=Payment.Kind.ADVANCE_TO_MEMBER).count() == 1  # S3's, before its default
