"""The permission matrix of every /api/v1/diagnostics endpoint (tests/permissions.py): anonymous, a bad
token and each role. Written by hand from diagnostics.policy's table: the agency (4 roles) reads,
agency-admin and programme-officer write, association managers and firms' users see nothing (404 for
an object, an empty list). Each request runs in a savepoint rolled back afterwards."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.permissions import (
    AGENCY,
    ANONYMOUS,
    EDITORS,
    USERS,
    rolled_back,
    send_api,
    token_clients,
)

from triplec.diagnostics import services

pytestmark = pytest.mark.django_db
API = "/api/v1/diagnostics"
BAD = "bad-token"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expected: dict
    body: object = None


def expect(ok, allowed=EDITORS, visible=AGENCY) -> dict:
    return {ANONYMOUS: 401, BAD: 401,
            **{who: ok if who in allowed else 403 if who in visible else 404 for who in USERS}}


READ = expect(200, AGENCY)
ENDPOINTS = [
    Endpoint("get", "/studies", {ANONYMOUS: 401, BAD: 401, **dict.fromkeys(USERS, 200)}),
    Endpoint("get", "/studies/{draft}", READ),
    Endpoint("get", "/baseline/{cluster}", READ),
    Endpoint("post", "/studies", expect(201), lambda v: {"cluster": v["cluster"]}),
    Endpoint("patch", "/studies/{draft}", expect(200), {"summary": "Seen"}),
    Endpoint("post", "/studies/{draft}/refresh", expect(200)),
    Endpoint("put", "/studies/{draft}/indicators/firms", expect(200), {"value": 5, "source": "Survey"}),
    Endpoint("delete", "/studies/{draft}/indicators/employment", expect(200)),
    Endpoint("get", "/studies/{draft}/evidence/{evidence}/file", READ),
    Endpoint("post", "/studies/{draft}/evidence/links", expect(201),
             {"target": "problems", "link": "https://example.org/survey"}),
    Endpoint("delete", "/studies/{draft}/evidence/{evidence}", expect(204)),
    Endpoint("post", "/studies/{draft}/complete", expect(200)),
]


def test_the_api_matrix(wood):
    officer = wood.officer
    done = services.start_study(officer, wood.cluster)
    services.update_study(officer, done, {"attributes": {"trust": {"assessment": "weak"}}})
    services.complete_study(officer, done)
    draft = services.start_study(officer, wood.cluster)
    services.state_indicator(officer, draft, "employment", {"value": 1, "source": "Survey"})
    evidence = services.add_evidence(officer, draft, target="problems", filename="a.pdf", content=b"%PDF-1.4")
    values = {"cluster": wood.cluster.pk, "draft": draft.pk, "evidence": evidence.pk}
    clients = token_clients(wood.world, USERS, BAD, "matrix")
    failures = []
    for endpoint in ENDPOINTS:
        for who, want in endpoint.expected.items():
            answer = rolled_back(lambda c=clients[who], e=endpoint: send_api(c, API, e, values))
            if answer.status_code != want:
                failures.append(f"{endpoint.method.upper()} {endpoint.path} {who}: expected {want}, "
                                f"got {answer.status_code}")
    for who, want in expect(201).items():  # the multipart upload
        upload = SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        answer = rolled_back(lambda c=clients[who], f=upload: c.post(
            f"{API}/studies/{draft.pk}/evidence/files", {"target": "indicator:employment", "file": f}))
        if answer.status_code != want:
            failures.append(f"POST evidence/files {who}: expected {want}, got {answer.status_code}")
    listed = {who: clients[who].get(f"{API}/studies").json()["count"] for who in USERS}
    assert listed == {who: 2 if who in AGENCY else 0 for who in USERS}
    assert not failures, "\n".join(failures)
