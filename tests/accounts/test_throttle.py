"""Abuse limits on the account pages: login failures per client address across usernames (password
spraying), password-reset requests per address and per e-mail address, client addresses behind the
HTTPS proxy. Real database, real views."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from tests.conftest import PASSWORD

from triplec.accounts.models import User


def client_at(address: str, **headers) -> Client:
    return Client(REMOTE_ADDR=address, headers=headers)


@pytest.fixture
def many_users(world):
    users = []
    for i in range(30):
        user = User(username=f"member-{i:02d}", role="evaluator", email=f"member-{i:02d}@example.org")
        user.set_password(PASSWORD)
        user.save()
        users.append(user)
    return users


def spray(client: Client, users, count: int):
    """One wrong password for each of `count` users; the failure that reaches a limit already answers
    with the lock-out page (as django-axes does), so only the earlier ones must be plain failures."""
    response = None
    for i, user in enumerate(users[:count]):
        response = client.post("/accounts/login/", {"username": user.username, "password": "Summer2026!"})
        if i < count - 1:
            assert response.status_code == 200  # a failed login, not yet a lock-out
    return response


def test_password_spraying_from_one_address_locks_that_address(many_users, settings):
    limit = settings.TRIPLEC_LOGIN_IP_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT  # one user's typos lock that user, not the whole office
    attacker = client_at("203.0.113.7")
    last = spray(attacker, many_users, limit)  # one failure per username: none reaches its own limit
    assert last.status_code == 429
    locked = attacker.post("/accounts/login/", {"username": many_users[-1].username, "password": PASSWORD})
    assert locked.status_code == 429  # even a right password, from that address
    assert "Too many failed logins" in locked.content.decode()
    elsewhere = client_at("198.51.100.20")
    assert elsewhere.post("/accounts/login/", {"username": many_users[-1].username,
                                               "password": PASSWORD}).status_code == 302


def test_below_the_address_limit_logins_still_work(many_users, settings):
    attacker = client_at("203.0.113.8")
    spray(attacker, many_users, settings.TRIPLEC_LOGIN_IP_FAILURE_LIMIT - 1)
    ok = attacker.post("/accounts/login/", {"username": many_users[-1].username, "password": PASSWORD})
    assert ok.status_code == 302


def test_a_successful_login_does_not_reset_the_address_count(many_users, settings):
    """A sprayer with one real account must not clear its address's failures by logging in."""
    limit = settings.TRIPLEC_LOGIN_IP_FAILURE_LIMIT
    attacker = client_at("203.0.113.9")
    spray(attacker, many_users[1:], limit - 1)
    own = client_at("203.0.113.9")
    assert own.post("/accounts/login/", {"username": many_users[0].username, "password": PASSWORD}).status_code == 302
    assert spray(attacker, many_users[1:][limit - 1:], 1).status_code == 429
    locked = attacker.post("/accounts/login/", {"username": many_users[0].username, "password": PASSWORD})
    assert locked.status_code == 429


def test_behind_the_https_proxy_clients_are_told_apart_by_x_forwarded_for(many_users, settings):
    settings.TRIPLEC_PROXY_COUNT = 1
    limit = settings.TRIPLEC_LOGIN_IP_FAILURE_LIMIT
    proxy = "10.0.0.2"
    attacker = client_at(proxy, x_forwarded_for="203.0.113.10")
    spray(attacker, many_users, limit)
    assert attacker.post("/accounts/login/", {"username": many_users[0].username,
                                              "password": PASSWORD}).status_code == 429
    # Another person behind the same proxy is not locked out; a forged left-most entry changes nothing.
    colleague = client_at(proxy, x_forwarded_for="198.51.100.30")
    assert colleague.post("/accounts/login/", {"username": many_users[0].username,
                                               "password": PASSWORD}).status_code == 302
    forged = client_at(proxy, x_forwarded_for="198.51.100.99, 203.0.113.10")
    assert forged.post("/accounts/login/", {"username": many_users[1].username,
                                            "password": PASSWORD}).status_code == 429


# Password reset ------------------------------------------------------------------------------------

def reset(client: Client, email: str, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


def test_password_reset_requests_per_email_are_limited(many_users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    per_email = settings.TRIPLEC_PASSWORD_RESET_LIMITS["email"][0]
    target = many_users[0].email
    for i in range(per_email):  # from different addresses: the e-mail's own limit applies
        assert reset(client_at(f"198.51.100.{i + 1}"), target).status_code == 302
    assert len(mail.outbox) == per_email
    limited = reset(client_at("198.51.100.200"), target.upper())  # case does not make a new address
    assert limited.status_code == 429
    assert "Too many password-reset requests" in limited.content.decode()
    assert len(mail.outbox) == per_email  # nothing more sent


def test_password_reset_requests_per_address_are_limited(many_users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    per_address = settings.TRIPLEC_PASSWORD_RESET_LIMITS["address"][0]
    client = client_at("203.0.113.50")
    for user in many_users[:per_address]:
        assert reset(client, user.email).status_code == 302
    limited = reset(client, many_users[per_address].email)
    assert limited.status_code == 429
    assert len(mail.outbox) == per_address
    assert reset(client_at("203.0.113.51"), many_users[per_address].email).status_code == 302


def test_the_limit_reveals_nothing_about_which_accounts_exist(many_users, settings):
    """An unknown e-mail address is counted and answered exactly like a known one."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    per_email = settings.TRIPLEC_PASSWORD_RESET_LIMITS["email"][0]
    answers = {}
    for email in (many_users[0].email, "nobody@example.org"):
        statuses = [reset(client_at(f"192.0.2.{i + 1}"), email).status_code for i in range(per_email + 1)]
        last = reset(client_at("192.0.2.250"), email)
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", last.content.decode())
        answers[email] = (statuses, last.status_code, page.replace(email, "EMAIL"))
    known, unknown = answers.values()
    assert known[0] == unknown[0] == [302] * per_email + [429]
    assert known[1:] == unknown[1:]


def test_the_limit_message_is_translated(many_users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    per_email = settings.TRIPLEC_PASSWORD_RESET_LIMITS["email"][0]
    for i in range(per_email):
        reset(client_at(f"192.0.2.{i + 1}"), "someone@example.org")
    limited = reset(client_at("192.0.2.99", accept_language="pt-br"), "someone@example.org")
    assert limited.status_code == 429
    page = limited.content.decode()
    assert "Too many" not in page and "Muitos pedidos" in page
