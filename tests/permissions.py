"""The one permission-matrix helper of every app's tests: who gets which answer from a page or an
endpoint, the whole matrix checked in one call and every mismatch reported together.

The users (tests/conftest.py `world`; tests/networks/conftest.py adds "other-broker"):
association-manager manages assoc_a (members ent_a1, ent_a2); other-association-manager manages
assoc_b (member ent_b1); enterprise-user works at ent_a1, other-enterprise-user at ent_b1.

An expected answer is a status (200, 302, 403, 404...), a tuple of statuses that are all right (a
form shown again or a redirect after the write), or LOGIN: redirected to the login page. A 302 that
is expected never counts when it goes to the login page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

ANONYMOUS = "anonymous"
LOGIN = "login"
ROLES = ("agency-admin", "programme-officer", "broker", "evaluator", "association-manager", "enterprise-user")
OTHERS = ("other-association-manager", "other-enterprise-user")  # the same roles, of another association
OTHER_BROKER = "other-broker"  # brokers another network (the networks tests' world only)
USERS = ROLES + OTHERS
AGENCY = ("agency-admin", "programme-officer", "broker", "evaluator")  # agency-wide roles
EDITORS = ("agency-admin", "programme-officer")


def everyone(status, users: Iterable[str] = USERS) -> dict[str, object]:
    return dict.fromkeys(users, status)


def matrix(default, users: Iterable[str] = USERS, **by_user) -> dict[str, object]:
    """`default` for every user, with exceptions named with underscores (other_association_manager=404)."""
    expected = everyone(default, users)
    for key, status in by_user.items():
        name = key.replace("_", "-")
        assert name in expected, name
        expected[name] = status
    return expected


def by_scope(users: Iterable[str], allowed: Iterable[str], visible: Iterable[str], ok=(200, 302)) -> dict:
    """Anonymous -> LOGIN; who cannot see the object -> 404; who sees it but may not act -> 403;
    the others -> `ok`."""
    allowed, visible = set(allowed), set(visible)
    expected = {ANONYMOUS: LOGIN}
    for who in users:
        expected[who] = ok if who in allowed else 403 if who in visible else 404
    return expected


@dataclass(frozen=True)
class Case:
    """One row of a page matrix: the request and the answer each user should get (anonymous: LOGIN)."""

    name: str
    method: str
    url: Callable  # world -> url
    expected: dict
    data: Callable | None = None  # world -> POST data


class _Rollback(Exception):
    pass


def rolled_back(send: Callable):
    """The answer of `send()`, with every database change it made undone."""
    try:
        with transaction.atomic():
            raise _Rollback(send())
    except _Rollback as done:
        return done.args[0]


def page_requests(users: dict, client_for, method: str, url, data=None, *, rollback: bool = True) -> Callable:
    """`who -> response`: the request sent by that user's logged-in client (anonymous: none). `url` and
    `data` may be callables, called for each user (fresh objects); with `rollback` each request's
    changes are undone, so every user meets the same state."""
    def send_as(who: str):
        client = client_for(None if who == ANONYMOUS else users[who])
        target = url() if callable(url) else url
        body = data() if callable(data) else data
        def send():
            return getattr(client, method.lower())(target, body or {})
        return rolled_back(send) if rollback else send()
    return send_as


def _matches(response, want) -> bool:
    to_login = response.status_code == 302 and response.get("Location", "").startswith(reverse("login"))
    if want == LOGIN:
        return to_login
    wanted = want if isinstance(want, tuple) else (want,)
    return response.status_code in wanted and not (response.status_code == 302 and to_login)


def matrix_failures(send_as: Callable, expected: dict) -> list[str]:
    """Each user's request (in the order of `expected`) against the answer expected of it."""
    failures = []
    for who, want in expected.items():
        response = send_as(who)
        if not _matches(response, want):
            failures.append(f"{who}: expected {want}, got {response.status_code} {response.get('Location', '')}")
    return failures


def assert_matrix(send_as: Callable, expected: dict, what: str = "") -> None:
    """The whole matrix in one call; the failure lists every user whose answer was not the expected one."""
    failures = matrix_failures(send_as, expected)
    assert not failures, f"{what}:\n  " + "\n  ".join(failures)


def assert_page_permissions(world, client_for, case: Case) -> None:
    """A `Case` of a page matrix: anonymous visitors go to the login page, then every user of `expected`."""
    url = case.url(world)
    data = case.data(world) if case.data else None
    send_as = page_requests(world.users, client_for, case.method, url, data)
    assert_matrix(send_as, {ANONYMOUS: LOGIN, **case.expected}, f"{case.method.upper()} {url}")


# --- API matrices: one token client per person, one request per endpoint ---------------------------

def token_clients(world, people: Iterable[str], bad: str, label: str) -> dict:
    """A test client per person with a fresh API token, the anonymous one and one with a bad token."""
    from django.test import Client

    from triplec.accounts.models import ApiToken

    clients = {ANONYMOUS: Client(), bad: Client(headers={"Authorization": "Bearer tc_not-a-token"})}
    for name in people:
        _, raw = ApiToken.issue(world.users[name], name=label)
        clients[name] = Client(headers={"Authorization": f"Bearer {raw}"})
    return clients


def send_api(client, api: str, endpoint, values: dict):
    """`endpoint` (method, path with {names}, body or body(values)) sent by `client` under `api`."""
    url = api + endpoint.path.format(**values)
    if endpoint.method == "get":
        return client.get(url)
    body = endpoint.body(values) if callable(endpoint.body) else endpoint.body
    return getattr(client, endpoint.method)(url, data=body or {}, content_type="application/json")
