"""The page and API permission matrices of notifications, each in one pass over one world (the fairs'
`signed_up`, refreshed on 20 December 2027): every signed-in user has a list of their own; a notice
(the enterprise user's) is read, opened or marked only by its recipient, 404 for everyone else;
anonymous visitors go to the login page (the API: 401)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from tests.permissions import (
    ANONYMOUS,
    LOGIN,
    USERS,
    Case,
    assert_matrix,
    page_requests,
    send_api,
    token_clients,
)

from triplec.notifications.services import inbox

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "a2-user", "buyer-staff", "centre-staff")
BAD = "bad-token"


def only(owner: str, ok, others=404) -> dict:
    return {who: ok if who == owner else others for who in PEOPLE}


CASES = [
    Case("list", "get", lambda w: reverse("notifications:notice_list"), dict.fromkeys(PEOPLE, 200)),
    Case("check now", "post", lambda w: reverse("notifications:notices_refresh"), dict.fromkeys(PEOPLE, 302)),
    Case("mark all read", "post", lambda w: reverse("notifications:notices_read_all"), dict.fromkeys(PEOPLE, 302)),
    Case("mark one read", "post", lambda w: reverse("notifications:notice_read", args=[w.case_ids["notice"]]),
         only("enterprise-user", 302)),
    Case("open one", "get", lambda w: reverse("notifications:notice_open", args=[w.case_ids["notice"]]),
         only("enterprise-user", 302)),
]


@pytest.fixture
def notified(world, expo, signed_up):
    inbox.refresh(on=date(2027, 12, 20))
    world.case_ids = {"notice": inbox.open_notices(world.users["enterprise-user"]).first().pk}
    return world


def test_page_permissions(notified, client_for):
    failures = []
    for case in CASES:
        url = case.url(notified)
        send_as = page_requests(notified.users, client_for, case.method, url)
        try:
            assert_matrix(send_as, {ANONYMOUS: LOGIN, **case.expected}, f"{case.name}: {case.method.upper()} {url}")
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expected: dict
    body: object = None


API = "/api/v1/notifications"
ENDPOINTS = [
    Endpoint("get", "", dict.fromkeys(PEOPLE, 200)),
    Endpoint("get", "?state=all&limit=2", dict.fromkeys(PEOPLE, 200)),
    Endpoint("post", "/{notice}/read", only("enterprise-user", 200)),
]


def test_every_endpoint_is_in_the_matrix():
    from triplec.notifications.api import router

    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    assert routes == {(e.method, e.path.split("?")[0].replace("{notice}", "{pk}")) for e in ENDPOINTS}


def test_api_permissions(notified):
    from tests.permissions import matrix_failures

    clients = token_clients(notified, PEOPLE, BAD, "notifications matrix")
    mismatches = {}
    for endpoint in ENDPOINTS:
        expected = {ANONYMOUS: 401, BAD: 401, **endpoint.expected}
        failures = matrix_failures(lambda who, e=endpoint: send_api(clients[who], API, e, notified.case_ids),
                                   expected)
        if failures:
            mismatches[endpoint.path] = failures
    assert mismatches == {}


def test_the_api_lists_the_callers_own_in_the_page_shape(notified):
    clients = token_clients(notified, ["enterprise-user", "other-association-manager"], BAD, "t")
    client = clients["enterprise-user"]
    body = client.get(API, {"limit": 2, "offset": 1}).json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (3, 2, 1, 2)
    item = body["items"][0]
    assert item["kind"] == "follow-up-due" and item["title"].startswith("Follow-up with buyers due: Serraria Alfa")
    assert item["url"].startswith("/fairs/participations/") and item["read_at"] is None
    read = client.post(f"{API}/{item['id']}/read").json()
    assert read["read_at"] is not None
    assert client.get(API, {"state": "unread"}).json()["count"] == 2
    assert client.get(API, {"state": "nothing"}).status_code == 422
    assert clients["other-association-manager"].get(API).json()["count"] == 0
