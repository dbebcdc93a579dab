"""Logging in and out, password change and reset, rate limiting, hashing."""

import re

import pytest
from django.core import mail
from tests.conftest import PASSWORD


def test_login_and_logout(world, client):
    page = client.post("/accounts/login/", {"username": "broker", "password": PASSWORD})
    assert page.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2(db):
    from django.conf import settings as live_settings
    from django.test import override_settings

    from triplec.accounts.models import User
    from triplec.web import settings as production

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User(username="hash-check")
        user.set_password(PASSWORD)
        assert user.password.startswith("argon2$")
        assert live_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_repeated_failed_logins_lock_the_account(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "broker", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "broker", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content


def test_password_change(world, client):
    client.force_login(world.users["evaluator"])
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "Another-long-pw-42", "new_password2": "Another-long-pw-42"})
    assert response.status_code == 302
    world.users["evaluator"].refresh_from_db()
    assert world.users["evaluator"].check_password("Another-long-pw-42")


def test_password_reset_by_email(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = world.users["broker"]
    user.email = "broker@example.org"
    user.save()
    client.post("/accounts/password/reset/", {"email": "broker@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^\s]+/accounts/reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": "Reset-long-pw-2026", "new_password2": "Reset-long-pw-2026"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Reset-long-pw-2026")


@pytest.mark.parametrize("role", ["association-manager", "enterprise-user"])
def test_scoped_roles_need_their_organisation(db, role):
    from triplec.accounts import services
    from triplec.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.create_user(None, username="x", role=role, password="A-long-enough-pw-77")


def test_password_pages_use_the_platform_templates_not_the_admin_ones(world, client):
    client.force_login(world.users["evaluator"])
    page = client.get("/accounts/password/change/").content.decode()
    assert "Django" not in page and 'name="old_password"' in page
    assert "Django" not in client.get("/accounts/password/reset/").content.decode()
