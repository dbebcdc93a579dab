"""Acceptance (issue 11, fairs) in chromium: a firm signs itself up at its association's group stand at
an international fair and reads its subsidy estimate explained; the agency pays the costs; the firm
records the buyer's agent it met and an order traced to the fair. Screenshots go to
/tmp/triplec-e2e/fairs-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.e2e.navigation import go_to
from tests.fairs.conftest import expo  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, login, user):
    page.context.clear_cookies()
    login(user)


def test_a_group_stand_participation_from_sign_up_to_an_order(expo, page, login, shot):  # noqa: F811
    from triplec.fairs.models import Order, Participation

    firm_user = expo.world.users["a2-user"]

    # 1. The firm (micro) signs itself up at assoc_a's stand at MICAM and sees the estimate explained.
    _as(page, login, firm_user)
    page.goto("/")
    go_to(page, "nav-fairs")
    page.get_by_role("link", name="MICAM 2027").click()
    page.select_option("select[name=stand]", label="Sawmills Assoc")
    page.get_by_test_id("sign-up").click()
    page.wait_for_url("**/fairs/participations/*/")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("Subsidy if paid today (estimate)")
    expect(explanation).to_contain_text("Group stand at an international fair: 10% more.")
    expect(explanation).to_contain_text("The programme pays R$6,000.00; the firm pays R$4,000.00.")
    shot(page, "fairs-estimate")
    participation = Participation.objects.get(enterprise=expo.world.ent_a2, fair=expo.international)
    detail = f"/fairs/participations/{participation.pk}/"

    # 2. The agency pays the costs: the subsidy and the firm's part come from the ledger.
    _as(page, login, expo.admin)
    page.goto(detail)
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("subsidy")).to_have_text("R$6,000.00")
    expect(page.get_by_test_id("own-part")).to_have_text("R$4,000.00")

    # 3. The firm records the agent it met and an order traced to the fair.
    _as(page, login, firm_user)
    page.goto(detail)
    expect(page.get_by_test_id("explanation")).to_contain_text("How the subsidy was computed")
    page.select_option("select[name=contact-buyer]", label="Milano Export Agents")
    page.check("input[name=contact-is_agent]")
    page.get_by_test_id("contact-form").get_by_role("button").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("contacts")).to_contain_text("Milano Export Agents (IT)")
    form = page.get_by_test_id("order-form")
    form.locator("select[name=order-contact]").select_option(label="Milano Export Agents")
    form.locator("input[name=order-value]").fill("4200.00")
    form.locator("input[name=order-currency]").fill("EUR")
    form.locator("input[name=order-ordered_on]").fill("2027-09-21")
    form.get_by_role("button").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row")).to_contain_text("€4,200.00")
    shot(page, "fairs-order")
    assert Order.objects.get().participation_id == participation.pk
    assert page.js_errors == []
