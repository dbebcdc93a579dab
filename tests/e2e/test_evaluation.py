"""Evaluation in chromium: the evaluator opens "Evaluation", filters the scorecards by instrument and
year, opens a fair participation's scorecard and follows a figure's evidence to the participation's
page; the firm enters a year of its panel. Screenshots go to /tmp/triplec-e2e/evaluation-*.png."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from tests.fairs.conftest import expo, signed_up  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_scorecards_evidence_and_a_panel_year(expo, signed_up, page, login, shot):  # noqa: F811
    from triplec.evaluation.models import FirmYear
    from triplec.fairs.services import money

    alone = money.pay_costs(expo.admin, signed_up[0], on=date(2027, 3, 15))
    login(expo.world.users["evaluator"])
    page.goto("/")
    page.get_by_test_id("nav-evaluation").click()
    filters = page.get_by_test_id("scorecard-filters")
    filters.locator("select[name=instrument]").select_option("fair-participation")
    filters.locator("input[name=year]").fill("2027")
    filters.get_by_role("button").click()
    expect(page.get_by_test_id("scorecard-row")).to_have_count(6)  # five participations and the programme
    page.get_by_role("link", name=str(alone)).click()
    expect(page.get_by_test_id("figure-public_cost")).to_contain_text("R$5,000.00")
    expect(page.get_by_test_id("figure-cost_share_by_firms")).to_contain_text("50.0%")
    shot(page, "evaluation-scorecard")
    page.get_by_test_id("figure-public_cost").get_by_test_id("evidence").click()
    page.wait_for_url(f"**/fairs/participations/{alone.pk}/")

    page.context.clear_cookies()
    login(expo.world.users["enterprise-user"])
    page.goto(f"/evaluation/panel/{expo.world.ent_a1.pk}/")
    form = page.get_by_test_id("panel-form")
    form.locator("input[name=year]").fill("2026")
    form.locator("input[name=employment]").fill("14")
    form.locator("input[name=currency]").fill("BRL")
    form.locator("input[name=sales]").fill("250000.00")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("panel-year")).to_have_count(1)
    expect(page.get_by_test_id("panel-year")).to_contain_text("250000.00")
    shot(page, "evaluation-panel")
    assert FirmYear.objects.get(enterprise=expo.world.ent_a1).employment == 14
    assert page.js_errors == []
