"""Acceptance (issue 8, item 9): the agency administrator manages users on the pages, in Portuguese:
creates a broker with a temporary password, issues an API token, deactivates the user and reads the
history; the new user's first login leads to the password change. Screenshots go to /tmp/triplec-e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.navigation import go_to

from triplec.accounts.models import ApiToken, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_user_issues_a_token_and_deactivates_it(world, page, login, shot, browser, live_server):
    login(world.users["agency-admin"])
    page.get_by_test_id("language-switcher").locator("button[value=pt-br]").click()
    go_to(page, "nav-users")
    expect(page.locator("h1")).to_have_text("Usuários")
    page.get_by_test_id("new-user").click()
    page.fill("input[name=username]", "joana")
    page.fill("input[name=first_name]", "Joana")
    page.select_option("select[name=role]", "broker")
    page.select_option("select[name=organisation]", label="Agency")
    page.check("input[name=password_mode][value=temporary]")
    page.get_by_test_id("create-user").click()
    temporary = page.get_by_test_id("temporary-password").locator("code").inner_text()
    assert len(temporary) >= 12
    shot(page, "users-01-created")

    page.fill("input[name=name]", "ERP")
    page.get_by_test_id("issue-token").click()
    token = page.get_by_test_id("new-token").locator("code").inner_text()
    assert re.fullmatch(r"tc_[\w-]{30,}", token)
    assert ApiToken.authenticate(token).username == "joana"

    page.get_by_test_id("deactivate").click()
    expect(page.get_by_test_id("user-inactive")).to_be_visible()
    history = page.get_by_test_id("history")
    for text in ("Conta criada com o papel Articulador", "Token de API", "Desativado"):
        expect(history).to_contain_text(text)
    shot(page, "users-02-history")
    assert not User.objects.get(username="joana").is_active
    assert ApiToken.authenticate(token) is None
    page.get_by_test_id("reactivate").click()
    assert page.js_errors == []

    # The new user's first login goes to the password change.
    other = browser.new_context(base_url=live_server.url).new_page()
    other.goto("/accounts/login/")
    other.fill("input[name=username]", "joana")
    other.fill("input[name=password]", temporary)
    other.click("main button[type=submit]")
    other.wait_for_url(re.compile(r"/accounts/password/change/"))
    other.context.close()
