"""The API's permission matrix: every endpoint and method, for anonymous callers, a bad token, each
role, and users of another organisation, in one table.

Statuses follow the apps' policies (written out here by hand, not computed from it):
401 no or bad credentials; 403 a visible object (or the register) the caller may not change;
404 an object outside the caller's scope (the same answer as a missing one); 422 a body that names
an enterprise or association the caller cannot see. `C(n)` is 200 with n items in the list.

World (tests/conftest.py): association-manager runs assoc_a (members ent_a1, ent_a2);
other-association-manager runs assoc_b (member ent_b1); enterprise-user works at ent_a1,
other-enterprise-user at ent_b1; ent_none belongs to no association; buyer is a public purchaser.
"""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.test import Client
from tests.permissions import ANONYMOUS, USERS, rolled_back

from triplec.accounts.models import ApiToken
from triplec.registry import services_changes
from triplec.registry.api import router as registry_router
from triplec.registry.models import EnterpriseChangeRequest, Membership, Territory
from triplec.web.api import api

BAD = "bad-token"
COLUMNS = (ANONYMOUS, BAD, *USERS)


@dataclass(frozen=True)
class C:
    """200 with this many items in the page."""

    n: int

    def __repr__(self):
        return f"200 with {self.n} items"


def matrix(w) -> list[tuple]:
    """(method, path template, path values, JSON body, expected per column in COLUMNS order)."""
    m_a1 = Membership.objects.get(enterprise=w.ent_a1).pk
    m_b1 = Membership.objects.get(enterprise=w.ent_b1).pk
    ceara = Territory.objects.get(code="CE").pk
    new_enterprise = {"legal_name": "Nova Ltda", "country": "BR", "national_id": "99.999.999/0001-91",
                      "sector_classification": "isic4", "sector_code": "1610"}
    new_association = {"kind": "business-association", "name": "New Assoc", "country": "BR"}
    new_buyer = {"kind": "buyer-retailer", "name": "Big Retail", "country": "BR"}
    # A past membership of a current member: the only kind an association manager can add.
    old_membership = {"enterprise_id": w.ent_a1.pk, "association_id": w.assoc_a.pk,
                      "start_date": "2010-01-01", "end_date": "2015-12-31"}
    end = {"end_date": date.today().isoformat()}
    E, A, G, M, T = "enterprise_id", "association_id", "organisation_id", "membership_id", "territory_id"
    pending = EnterpriseChangeRequest.objects.filter(enterprise=w.ent_a1, status="pending").first() or \
        services_changes.request_change(w.users["enterprise-user"], w.ent_a1, {"legal_name": "Alfa S.A."})
    R = "request_id"
    # fmt: off
    return [
        #                                                                  anon bad  admin  officer broker evaluator assoc-m ent-u other-am other-eu
        ("GET",   "/enterprises",              {},               None,            (401, 401, C(4), C(4), C(4), C(4), C(2), C(1), C(1), C(1))),
        ("POST",  "/enterprises",              {},               new_enterprise,  (401, 401, 201,  201,  403,  403,  201,  403,  201,  403)),
        ("GET",   "/enterprises/export",       {},               None,            (401, 401, 200,  200,  200,  200,  200,  200,  200,  200)),
        ("GET",   "/enterprises/{enterprise_id}", {E: w.ent_a1.pk},   None,        (401, 401, 200,  200,  200,  200,  200,  200,  404,  404)),
        ("GET",   "/enterprises/{enterprise_id}", {E: w.ent_b1.pk},   None,        (401, 401, 200,  200,  200,  200,  404,  404,  200,  200)),
        ("GET",   "/enterprises/{enterprise_id}", {E: w.ent_none.pk}, None,        (401, 401, 200,  200,  200,  200,  404,  404,  404,  404)),
        ("PATCH", "/enterprises/{enterprise_id}", {E: w.ent_a1.pk},   {"employees": 15},
                                                                                   (401, 401, 200,  200,  403,  403,  200,  200,  404,  404)),
        ("PATCH", "/enterprises/{enterprise_id}", {E: w.ent_b1.pk},   {"employees": 15},
                                                                                   (401, 401, 200,  200,  403,  403,  404,  404,  200,  200)),
        ("PATCH", "/enterprises/{enterprise_id}", {E: w.ent_none.pk}, {"employees": 15},
                                                                                   (401, 401, 200,  200,  403,  403,  404,  404,  404,  404)),

        ("GET",   "/associations",             {},               None,            (401, 401, C(2), C(2), C(2), C(2), C(1), C(1), C(1), C(1))),
        ("POST",  "/associations",             {},               new_association, (401, 401, 201,  201,  403,  403,  403,  403,  403,  403)),
        ("GET",   "/associations/{association_id}", {A: w.assoc_a.pk}, None,       (401, 401, 200,  200,  200,  200,  200,  200,  404,  404)),
        ("GET",   "/associations/{association_id}", {A: w.assoc_b.pk}, None,       (401, 401, 200,  200,  200,  200,  404,  404,  200,  200)),
        ("GET",   "/associations/{association_id}", {A: w.buyer.pk},   None,       (401, 401, 404,  404,  404,  404,  404,  404,  404,  404)),
        ("PATCH", "/associations/{association_id}", {A: w.assoc_a.pk}, {"phone": "+55 85 1111-2222"},
                                                                                   (401, 401, 200,  200,  403,  403,  200,  403,  404,  404)),
        ("PATCH", "/associations/{association_id}", {A: w.assoc_a.pk}, {"kind": "business-association"},
                                                                                   (401, 401, 200,  200,  403,  403,  403,  403,  404,  404)),

        ("GET",   "/organisations",            {},               None,            (401, 401, C(4), C(4), C(4), C(4), C(1), C(1), C(1), C(1))),
        ("POST",  "/organisations",            {},               new_buyer,       (401, 401, 201,  201,  403,  403,  403,  403,  403,  403)),
        ("GET",   "/organisations/{organisation_id}", {G: w.buyer.pk},   None,     (401, 401, 200,  200,  200,  200,  404,  404,  404,  404)),
        ("GET",   "/organisations/{organisation_id}", {G: w.agency.pk},  None,     (401, 401, 200,  200,  200,  200,  404,  404,  404,  404)),
        ("GET",   "/organisations/{organisation_id}", {G: w.assoc_a.pk}, None,     (401, 401, 200,  200,  200,  200,  200,  200,  404,  404)),
        ("PATCH", "/organisations/{organisation_id}", {G: w.buyer.pk},   {"phone": "+55 85 1111-2222"},
                                                                                   (401, 401, 200,  200,  403,  403,  404,  404,  404,  404)),
        ("PATCH", "/organisations/{organisation_id}", {G: w.assoc_a.pk}, {"phone": "+55 85 1111-2222"},
                                                                                   (401, 401, 200,  200,  403,  403,  200,  403,  404,  404)),

        ("GET",   "/memberships",              {},               None,            (401, 401, C(3), C(3), C(3), C(3), C(2), C(1), C(1), C(1))),
        ("POST",  "/memberships",              {},               old_membership,  (401, 401, 201,  201,  403,  403,  201,  403,  422,  422)),
        ("GET",   "/memberships/{membership_id}", {M: m_a1},     None,            (401, 401, 200,  200,  200,  200,  200,  200,  404,  404)),
        ("GET",   "/memberships/{membership_id}", {M: m_b1},     None,            (401, 401, 200,  200,  200,  200,  404,  404,  200,  200)),
        ("POST",  "/memberships/{membership_id}/end", {M: m_a1}, end,             (401, 401, 200,  200,  403,  403,  200,  403,  404,  404)),
        ("POST",  "/memberships/{membership_id}/end", {M: m_b1}, end,             (401, 401, 200,  200,  403,  403,  404,  404,  200,  403)),

        # The firm's own user asks (ent_a1 already has one waiting: 422); the agency's editors decide.
        ("POST",  "/enterprises/{enterprise_id}/change-requests", {E: w.ent_a1.pk}, {"sector_code": "1622"},
                                                                                   (401, 401, 403,  403,  403,  403,  403,  422,  404,  404)),
        ("POST",  "/enterprises/{enterprise_id}/change-requests", {E: w.ent_b1.pk}, {"sector_code": "1622"},
                                                                                   (401, 401, 403,  403,  403,  403,  404,  404,  403,  201)),
        ("GET",   "/change-requests",          {},               None,            (401, 401, C(1), C(1), C(1), C(1), C(1), C(1), C(0), C(0))),
        ("POST",  "/change-requests/{request_id}/approve", {R: pending.pk}, {"note": ""},
                                                                                   (401, 401, 200,  200,  403,  403,  403,  403,  404,  404)),
        ("POST",  "/change-requests/{request_id}/reject", {R: pending.pk}, {"note": "not on file"},
                                                                                   (401, 401, 200,  200,  403,  403,  403,  403,  404,  404)),

        ("GET",   "/territories",              {},               None,            (401, 401, C(3), C(3), C(3), C(3), C(3), C(3), C(3), C(3))),
        ("GET",   "/territories/{territory_id}", {T: ceara},     None,            (401, 401, 200,  200,  200,  200,  200,  200,  200,  200)),

        ("GET",   "/openapi.json",             {},               None,            (200, 200, 200,  200,  200,  200,  200,  200,  200,  200)),
        ("GET",   "/docs",                     {},               None,            (200, 200, 200,  200,  200,  200,  200,  200,  200,  200)),
    ]
    # fmt: on


def _clients(world) -> dict[str, Client]:
    clients = {ANONYMOUS: Client(), BAD: Client(headers={"Authorization": "Bearer tc_this-is-not-a-token"})}
    for name in COLUMNS[2:]:
        _, raw = ApiToken.issue(world.users[name], name="permission matrix")
        clients[name] = Client(headers={"Authorization": f"Bearer {raw}"})
    return clients


def _send(client, method: str, path: str, body):
    if body is None:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, body, content_type="application/json")


def _outcome(response, expected):
    if isinstance(expected, C):
        if response.status_code != 200:
            return response.status_code
        return C(response.json()["count"])
    return response.status_code


def test_api_permission_matrix(world):
    clients = _clients(world)
    rows = matrix(world)
    failures = []
    for method, template, values, body, expected in rows:
        assert len(expected) == len(COLUMNS), template
        path = "/api/v1" + template.format(**values)
        for who, want in zip(COLUMNS, expected, strict=True):
            # Each cell's writes are rolled back, so they never leak into the next.
            response = rolled_back(partial(_send, clients[who], method, path, body))
            got = _outcome(response, want)
            if got != want:
                failures.append(f"{method} {path} as {who}: expected {want!r}, got {got!r} "
                                f"{response.content[:200]!r}")
    assert not failures, f"{len(failures)} cells differ:\n" + "\n".join(failures)


def test_matrix_covers_every_register_api_operation(world):
    """Adding a register endpoint without a row in the matrix fails here. (Other apps' routers,
    such as /networks, keep their own matrices next to their tests.)"""
    operations = {(method, path) for path, view in registry_router.path_operations.items()
                  for operation in view.operations for method in operation.methods}
    published = {(method.upper(), path.removeprefix("/api/v1"))
                 for path, item in api.get_openapi_schema()["paths"].items() for method in item}
    covered = {(method, template) for method, template, *_ in matrix(world)}
    assert len(operations) == 23
    assert operations <= published, "a register operation is missing from the OpenAPI document"
    assert operations <= covered, f"no matrix row for {sorted(operations - covered)}"


def test_every_write_answered_2xx_in_the_matrix_really_wrote(world):
    """A 200/201 in the matrix must mean the change happened (spot-check one write per resource)."""
    _, raw = ApiToken.issue(world.users["association-manager"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    path = f"/api/v1/enterprises/{world.ent_a1.pk}"
    assert client.patch(path, {"employees": 15}, content_type="application/json").status_code == 200
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.employees == 15
    membership = Membership.objects.get(enterprise=world.ent_a1)
    today = date.today().isoformat()
    response = client.post(f"/api/v1/memberships/{membership.pk}/end", {"end_date": today},
                           content_type="application/json")
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.end_date == date.today()
    # and a refused write leaves the record as it was
    _, raw = ApiToken.issue(world.users["broker"])
    broker = Client(headers={"Authorization": f"Bearer {raw}"})
    assert broker.patch(path, {"employees": 99}, content_type="application/json").status_code == 403
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.employees == 15
