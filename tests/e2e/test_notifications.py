"""Acceptance (issue 12, notifications) in chromium: a firm's user sees the count of its notices in the
top bar, opens the list, follows a notice to the fair participation where the follow-up is recorded,
and the badge counts one fewer. Screenshot: /tmp/triplec-e2e/notifications-list.png."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from tests.fairs.conftest import expo, signed_up  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_user_sees_the_badge_opens_the_list_and_follows_a_notice(expo, signed_up, page, login, shot):  # noqa: F811
    from triplec.notifications.services import inbox

    inbox.refresh(on=date(2027, 12, 20))  # the firm's FENAC and MICAM follow-ups are due
    login(expo.world.users["enterprise-user"])
    page.goto("/")
    expect(page.get_by_test_id("notices-badge")).to_have_text("3")
    page.get_by_test_id("nav-notifications").click()
    page.wait_for_url("**/notifications/")
    expect(page.get_by_test_id("notice")).to_have_count(3)
    expect(page.get_by_test_id("notices")).to_contain_text("Follow-up with buyers due")
    shot(page, "notifications-list")
    page.get_by_test_id("notice-link").first.click()
    page.wait_for_url(f"**/fairs/participations/{signed_up[0].pk}/")
    expect(page.get_by_test_id("notices-badge")).to_have_text("2")
