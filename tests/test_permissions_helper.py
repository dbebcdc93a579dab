"""The permission-matrix helper (tests/permissions.py) itself: a wrong answer fails the matrix, and
every wrong answer is named, so that the matrices built on it can fail."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from tests.permissions import ANONYMOUS, LOGIN, assert_matrix, by_scope, matrix, matrix_failures


def _answers(**by_user):
    """who -> a response with the given status (302: a redirect to `/done/`, "login": to the login page)."""
    def send_as(who):
        answer = by_user[who.replace("-", "_")]
        if answer == "login":
            return HttpResponseRedirect(reverse("login") + "?next=/x/")
        if answer == 302:
            return HttpResponseRedirect("/done/")
        return HttpResponse(status=answer)
    return send_as


def test_every_mismatch_is_named():
    send_as = _answers(anonymous="login", broker=200, evaluator=404, enterprise_user=302)
    expected = {ANONYMOUS: LOGIN, "broker": 403, "evaluator": 404, "enterprise-user": (200, 302)}
    assert matrix_failures(send_as, expected) == ["broker: expected 403, got 200 "]
    with pytest.raises(AssertionError, match="broker: expected 403"):
        assert_matrix(send_as, expected, "GET /x/")


def test_login_redirect_is_not_a_done_redirect():
    assert matrix_failures(_answers(broker="login"), {"broker": 302})  # expected the write, got the login page
    assert matrix_failures(_answers(anonymous=302), {ANONYMOUS: LOGIN})  # redirected, but not to log in
    assert matrix_failures(_answers(anonymous=200), {ANONYMOUS: LOGIN})
    assert not matrix_failures(_answers(anonymous="login", broker=302), {ANONYMOUS: LOGIN, "broker": 302})


def test_matrix_and_scope_builders():
    expected = matrix(403, agency_admin=200)
    assert expected["agency-admin"] == 200 and expected["other-enterprise-user"] == 403 and len(expected) == 8
    with pytest.raises(AssertionError):
        matrix(403, nobody=200)  # a misspelt user is an error, not a silent extra row
    scope = by_scope(["broker", "evaluator", "enterprise-user"], allowed={"broker"}, visible={"broker", "evaluator"})
    assert scope == {ANONYMOUS: LOGIN, "broker": (200, 302), "evaluator": 403, "enterprise-user": 404}
