"""The permission matrix of every /api/v1/evaluation endpoint: anonymous, a bad token, each role,
another association's manager and firm, another member of the association (a2-user), a large buyer's
and a centre's staff. The world and the rules are those of test_page_matrix.py; here a reader that
may not see a scorecard gets 404, one that reads no evaluation 403, no credentials 401."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from tests.permissions import AGENCY, ANONYMOUS, matrix_failures, rolled_back

from triplec.accounts.models import ApiToken
from triplec.evaluation.services import impact_runs

from .test_page_matrix import PEOPLE, READERS, RUNNERS, SEES_A1, START, answers

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
BAD = "bad-token"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expected: dict


ENDPOINTS = [
    Endpoint("get", "/scorecards", answers(200, READERS)),
    Endpoint("get", "/scorecards?instrument=fair-participation&year=2027", answers(200, READERS)),
    Endpoint("get", "/scorecards/fair-participation/intervention/{stand}", answers(200, SEES_A1)),
    Endpoint("get", "/scorecards/fair-participation/programme/{programme}", answers(200, AGENCY)),
    Endpoint("get", "/panel", answers(200, READERS)),
    Endpoint("get", "/dashboard?instrument=fair-participation", answers(200, AGENCY, READERS)),
]

ENDPOINTS += [
    Endpoint("get", "/impact-runs", answers(200, AGENCY, PEOPLE)),
    Endpoint("get", "/impact-runs/{run}", answers(200, AGENCY, PEOPLE)),
    Endpoint("post", "/impact-runs", answers(201, RUNNERS, PEOPLE)),
    # the evaluator started it: it and the agency's editors may cancel it (each request rolled back)
    Endpoint("post", "/impact-runs/{run}/cancel", answers(200, RUNNERS, PEOPLE)),
]


def test_every_endpoint_is_in_the_matrix():
    from triplec.evaluation.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    listed = {(e.method, e.path.split("?")[0].replace("{stand}", "{pk}").replace("{programme}", "{pk}")
               .replace("fair-participation/intervention", "{instrument}/{level}")
               .replace("fair-participation/programme", "{instrument}/{level}")
               .replace("{run}", "{pk}")) for e in ENDPOINTS}
    assert routes == listed


def test_permission_matrix_of_every_endpoint(world, expo, signed_up):
    clients = {ANONYMOUS: Client(), BAD: Client(headers={"Authorization": "Bearer tc_not-a-token"})}
    for name in PEOPLE:
        _, raw = ApiToken.issue(world.users[name], name="evaluation matrix")
        clients[name] = Client(headers={"Authorization": f"Bearer {raw}"})
    values = {"stand": signed_up[1][0].pk, "programme": expo.programme.pk}
    values["run"] = impact_runs.start_run(world.users["evaluator"], START).pk
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, e=endpoint: send(clients[who], e, values), expected)
        if failures:
            mismatches[endpoint.path] = failures
    assert mismatches == {}


def send(client, endpoint, values):
    url = API + endpoint.path.format(**values)
    if url.endswith("/cancel"):
        return rolled_back(lambda: client.post(url))
    if endpoint.method == "post":
        return client.post(url, {k: v for k, v in START.items() if k != "support"}, content_type="application/json")
    return client.get(url)


def test_the_page_shape_and_a_scorecard(world, expo, signed_up):
    _, raw = ApiToken.issue(world.users["evaluator"], name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    body = client.get(f"{API}/scorecards", {"instrument": "fair-participation", "limit": 2, "offset": 1}).json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (6, 2, 1, 2)
    item = body["items"][0]
    assert {"customer_oriented", "collective", "cumulative"} <= set(item)
    reached = next(f for f in item["collective"] if f["key"] == "firms_reached")
    assert reached["value"] == 1 and reached["evidence"][0]["url"].startswith("/fairs/participations/")
    assert client.get(f"{API}/scorecards", {"programme": 1}).status_code == 422
    assert client.get(f"{API}/scorecards", {"instrument": "nothing"}).status_code == 422
