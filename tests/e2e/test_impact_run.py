"""Acceptance (issue 12 item 3, the platform's part): the evaluator starts an impact estimate for a
supplier programme on the page, watches its progress finish, and reads the event-study plot, the
overall effect and the caveats, in English and then in Portuguese. The register, the programme's
staggered entry and the panel are those of tests/evaluation/impact_world.py (a known effect on sales).

The live server has no task worker of its own: the test runs the queue in a daemon thread, as
`triplec serve` does (tests/e2e/test_mapping_run.py's `start_worker`)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect
from tests.e2e.test_mapping_run import start_worker  # noqa: F401 (the fixture)
from tests.evaluation.impact_world import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_evaluator_runs_an_impact_estimate(world, start_worker, page, login, shot, live_server):  # noqa: F811
    from triplec.evaluation.models import ImpactRun

    programme, _firms, _cohorts = build(world)
    start_worker()
    login(world.users["evaluator"])
    page.goto("/")
    page.get_by_test_id("nav-evaluation").click()
    page.get_by_test_id("impact-link").click()
    expect(page.locator("h1")).to_have_text("Impact estimates")
    form = page.get_by_test_id("impact-form")
    form.locator("select[name=support]").select_option(f"supplier-programme:{programme.pk}")
    form.locator("select[name=outcome]").select_option("sales")
    form.locator("input[name=caliper]").fill("1")
    shot(page, "impact-01-form")
    page.get_by_test_id("start-impact").click()

    run = ImpactRun.objects.get()
    page.wait_for_url(f"**/evaluation/impact/{run.pk}/")
    # the progress fragment polls until the task ends, then the page reloads with the results
    expect(page.get_by_test_id("event-study")).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("impact-status")).to_have_text("done")
    expect(page.get_by_test_id("event-point").first).to_be_attached()
    expect(page.get_by_test_id("zero-line")).to_be_attached()
    expect(page.get_by_test_id("pre-periods")).to_be_attached()
    run.refresh_from_db()
    expect(page.get_by_test_id("overall-att")).to_have_text(f"{run.results['overall']['att']:.2f}")
    caveats = page.get_by_test_id("impact-caveats")
    expect(caveats).to_contain_text("What this estimate can and cannot say")
    expect(caveats).to_contain_text("not audited accounts")
    expect(page.get_by_test_id("impact-balance")).to_be_visible()
    shot(page, "impact-02-result")

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    expect(page.get_by_test_id("impact-chart")).to_contain_text("Estudo de evento")
    expect(page.get_by_test_id("event-study")).to_contain_text("Anos desde o apoio (0 = primeiro ano de apoio)")
    expect(page.get_by_test_id("event-study")).to_contain_text("Antes do apoio")
    expect(page.get_by_test_id("impact-caveats")).to_contain_text("O que esta estimativa pode e não pode dizer")
    expect(page.get_by_test_id("impact-caveats")).to_contain_text("não contas auditadas")
    expect(page.get_by_test_id("impact-status")).to_have_text("concluída")
    shot(page, "impact-03-result-pt")
    assert page.js_errors == []
