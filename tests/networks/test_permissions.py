"""Permission matrix of every /api/v1/networks endpoint: anonymous, each role, a broker of another
network, an association manager and a member firm's user of another network.

For `nets.net` (brokered by "broker"; ent_a1 and ent_a2 of assoc_a are members):
  managers  agency-admin, programme-officer, broker            -> may write
  readers   evaluator, association-manager, enterprise-user    -> 200 on reads, 403 on writes
  outsiders other-broker, other-association-manager, other-enterprise-user -> 404 (not revealed)
  anonymous                                                    -> 401
Contracts and independence assessments are the agency's (broker: 403); defining kinds is the agency
administrator's. Every request runs in a savepoint that is rolled back, so each user meets the same
state and a success status proves the write was allowed and valid.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests import permissions
from tests.permissions import ANONYMOUS, EDITORS, OTHER_BROKER, OTHERS, ROLES, matrix_failures, rolled_back

from triplec.accounts.models import ApiToken
from triplec.networks import services
from triplec.networks.independence import JUDGED
from triplec.networks.models import ContributionEntry, CostEntry, GateRequirement, NetworkMember

from .test_lifecycle import craft_kind

API = "/api/v1/networks"
USERS = [*permissions.USERS, OTHER_BROKER]
AGENCY = set(EDITORS)
MANAGERS = AGENCY | {"broker"}
READERS = set(ROLES) - MANAGERS
OUTSIDERS = {OTHER_BROKER, *OTHERS}


@pytest.fixture
def ctx(nets):
    """`nets` plus one of everything, so that item endpoints have something to act on."""
    admin, broker, w = nets.users["agency-admin"], nets.users["broker"], nets.world
    net = nets.net
    contract = services.create_contract(admin, net, {"manager_name": "Ana", "monthly_fee": "900.00",
                                                     "start_date": date(2024, 1, 1)})
    services.accrue_manager_costs(admin, net, through=date(2024, 2, 28))
    cost, _ = services.record_cost(broker, net, category="events", amount="50.00", incurred_on=date(2024, 3, 1),
                                   idempotency_key="fair")
    contribution, _ = services.record_contribution(broker, net, enterprise=w.ent_a1, amount="40.00",
                                                   paid_on=date(2024, 3, 2), idempotency_key="r-1")
    services.record_activity(broker, net, {"kind": "meeting", "occurred_on": date(2024, 3, 3), "title": "Kick-off",
                                           "attendance": [{"enterprise": w.ent_a1}]})
    services.record_evaluation(broker, net, w.ent_a1, date(2024, 3, 4), {"process": 2})
    evidence = services.add_gate_evidence(broker, net, "network-idea", reference="archive://idea")
    assessment = services.record_assessment(admin, net, date(2024, 6, 30), {c: {"met": False} for c in JUDGED})
    services.define_kind(admin, craft_kind())
    leaving = NetworkMember.objects.get(network=net, enterprise=nets.extra[3])
    idea = GateRequirement.objects.get(gate__kind=net.kind, code="network-idea")
    return {"net": net.pk, "contract": contract.pk, "cost": cost.pk, "contribution": contribution.pk,
            "evidence": evidence.pk, "assessment": assessment.pk, "member": leaving.pk, "idea": idea.pk,
            "ent_a1": w.ent_a1.pk, "ent_none": w.ent_none.pk, "users": nets.users}


@dataclass
class Endpoint:
    method: str
    path: str
    access: str           # any | read | manage | agency | create | define
    ok: int = 200
    body: object = None   # dict or callable(ctx) -> dict
    multipart: bool = False


def upload_body(c):
    return {"requirement_id": c["idea"], "reference": "scan",
            "document": SimpleUploadedFile("idea.pdf", b"%PDF idea", content_type="application/pdf")}


ENDPOINTS = [
    Endpoint("get", "/kinds", "any"),
    Endpoint("get", "/kinds/profo", "any"),
    Endpoint("post", "/kinds", "define", 201, lambda c: craft_kind(code="weavers")),
    Endpoint("put", "/kinds/craft-circle", "define", 200, lambda c: craft_kind(name="Renamed circle")),
    Endpoint("get", "/evaluations/due", "any"),
    Endpoint("get", "/portfolio/independence", "any"),
    Endpoint("get", "/dashboard", "any"),
    Endpoint("get", "", "any"),
    Endpoint("post", "", "create", 201, {"kind": "brokered", "name": "Brand new network", "currency": "BRL"}),
    Endpoint("get", "/{net}", "read"),
    Endpoint("patch", "/{net}", "manage", 200, {"notes": "Visited the buyer"}),
    Endpoint("get", "/{net}/members", "read"),
    Endpoint("post", "/{net}/members", "manage", 201, lambda c: {"enterprise_id": c["ent_none"],
                                                                  "joined_on": "2024-05-01"}),
    Endpoint("post", "/{net}/members/{member}/leave", "manage", 200, {"left_on": "2024-06-01", "reason": "Sold"}),
    Endpoint("get", "/{net}/transitions", "read"),
    Endpoint("post", "/{net}/transitions", "manage", 201, {"to_stage": "viable-idea", "reason": "Buyer keen"}),
    Endpoint("get", "/{net}/checklist", "read"),
    Endpoint("get", "/{net}/evidence", "read"),
    Endpoint("post", "/{net}/evidence", "manage", 201, lambda c: {"requirement_id": c["idea"], "reference": "v2"}),
    Endpoint("post", "/{net}/evidence/upload", "manage", 201, upload_body, multipart=True),
    Endpoint("post", "/{net}/evidence/{evidence}/withdraw", "manage", 200, {"reason": "Superseded"}),
    Endpoint("get", "/{net}/activities", "read"),
    Endpoint("post", "/{net}/activities", "manage", 201, {"kind": "group-workshop", "occurred_on": "2024-05-02",
                                                          "title": "Finishing workshop"}),
    Endpoint("get", "/{net}/contracts", "read"),
    Endpoint("post", "/{net}/contracts", "agency", 201, {"manager_name": "Bea", "monthly_fee": "800.00",
                                                         "start_date": "2024-07-01"}),
    Endpoint("post", "/{net}/contracts/accrue", "agency", 200, {"through": "2024-04-30"}),
    Endpoint("get", "/{net}/costs", "read"),
    Endpoint("post", "/{net}/costs", "manage", 201, {"category": "travel", "amount": "75.50",
                                                     "incurred_on": "2024-05-03", "idempotency_key": "bus"}),
    Endpoint("post", "/{net}/costs/{cost}/reverse", "manage", 201, {"reason": "Billed twice"}),
    Endpoint("get", "/{net}/contributions", "read"),
    Endpoint("post", "/{net}/contributions", "manage", 201, lambda c: {
        "enterprise_id": c["ent_a1"], "amount": "40.00", "paid_on": "2024-04-02", "idempotency_key": "r-2"}),
    Endpoint("post", "/{net}/contributions/{contribution}/reverse", "manage", 201, {"reason": "Bounced"}),
    Endpoint("get", "/{net}/shares", "read"),
    Endpoint("get", "/{net}/evaluations", "read"),
    Endpoint("post", "/{net}/evaluations", "manage", 201, lambda c: {
        "enterprise_id": c["ent_a1"], "evaluated_on": "2024-09-04", "scores": {"process": 3}}),
    Endpoint("get", "/{net}/evaluations/progress", "read"),
    Endpoint("get", "/{net}/assessments", "read"),
    Endpoint("get", "/{net}/assessments/preview", "read"),
    Endpoint("get", "/{net}/assessments/{assessment}", "read"),
    Endpoint("post", "/{net}/assessments", "agency", 201, {
        "assessed_on": "2024-12-31", "judgements": {c: {"met": False} for c in JUDGED}}),
]


def expected_status(endpoint: Endpoint, user: str) -> int:
    access = endpoint.access
    if access == "any":
        return endpoint.ok
    if access == "define":
        return endpoint.ok if user == "agency-admin" else 403
    if access == "create":
        return endpoint.ok if user in MANAGERS | {"other-broker"} else 403
    if user in OUTSIDERS:
        return 404
    if access == "read":
        return endpoint.ok
    if access == "manage":
        return endpoint.ok if user in MANAGERS else 403
    if access == "agency":
        return endpoint.ok if user in AGENCY else 403
    raise AssertionError(access)


def request(client: Client, endpoint: Endpoint, c: dict):
    url = API + endpoint.path.format(**c)
    body = endpoint.body(c) if callable(endpoint.body) else endpoint.body
    if endpoint.method == "get":
        return client.get(url)
    if endpoint.multipart:
        return client.post(url, data=body)
    return getattr(client, endpoint.method)(url, data=body or {}, content_type="application/json")


def test_every_endpoint_is_in_the_matrix():
    from triplec.networks.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    listed = {(e.method, e.path.replace("{net}", "{network_id}").replace("{member}", "{member_id}")
               .replace("{evidence}", "{evidence_id}").replace("{cost}", "{entry_id}")
               .replace("{contribution}", "{entry_id}").replace("{assessment}", "{assessment_id}")
               .replace("/kinds/profo", "/kinds/{code}").replace("/kinds/craft-circle", "/kinds/{code}"))
              for e in ENDPOINTS}
    assert routes == listed


def test_permission_matrix_of_every_endpoint(ctx, settings, tmp_path):
    """One pass over the whole matrix (one fixture build); every mismatch is reported together as
    {"METHOD path": ["user: expected ..., got ..."]}."""
    settings.MEDIA_ROOT = tmp_path
    clients = {ANONYMOUS: Client()}
    for name in USERS:
        _, raw = ApiToken.issue(ctx["users"][name], name="matrix")
        clients[name] = Client(headers={"Authorization": f"Bearer {raw}"})
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, **{name: expected_status(endpoint, name) for name in USERS}}
        failures = matrix_failures(lambda who, endpoint=endpoint: rolled_back(
            lambda: request(clients[who], endpoint, ctx)), expected)
        if failures:
            mismatches[f"{endpoint.method.upper()} {endpoint.path or '/'}"] = failures
    assert mismatches == {}
    # Nothing leaked from the rolled-back requests.
    assert CostEntry.objects.filter(idempotency_key="bus").count() == 0
    assert ContributionEntry.objects.filter(idempotency_key="r-2").count() == 0
