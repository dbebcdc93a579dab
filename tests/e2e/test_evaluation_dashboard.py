"""Acceptance (issue 12): the programme dashboard in chromium. The evaluator opens it from the
evaluation pages, filters by year and instrument, runs an impact estimate from the dashboard's link
(a supplier programme with staggered entry, tests/evaluation/impact_world.py; the queue runs in a
thread as `triplec serve` does), comes back, downloads the PDF and the Excel report (both open and hold
the numbers the page showed: the PDF read back as text with pypdf) and opens a programme scorecard's
evidence. Screenshots go to /tmp/triplec-e2e/dashboard-*.png."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader
from tests.e2e.test_mapping_run import start_worker  # noqa: F401 (the fixture)
from tests.evaluation.impact_world import build as build_impact_world
from tests.fairs.conftest import expo, signed_up  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_evaluator_filters_runs_an_estimate_reads_evidence_and_downloads_the_reports(
        expo, signed_up, start_worker, page, login, shot):  # noqa: F811
    from triplec.evaluation.models import FirmYear, ImpactRun
    from triplec.fairs.services import money

    w = expo.world
    money.pay_costs(expo.admin, signed_up[0], on=date(2027, 4, 1))
    for firm, employment in ((w.ent_a1, 14), (w.ent_b1, 80), (w.ent_none, 300)):
        FirmYear.objects.create(enterprise=firm, year=2027, employment=employment)
    suppliers, _firms, _cohorts = build_impact_world(w)  # panel years 2018-2022: not in 2027's figures
    start_worker()
    login(w.users["evaluator"])
    page.goto("/evaluation/")
    page.get_by_test_id("dashboard-link").click()
    page.wait_for_url("**/evaluation/dashboard/")
    filters = page.get_by_test_id("dashboard-filters")
    filters.get_by_test_id("filter-year-from").fill("2027")
    filters.get_by_test_id("filter-year-to").fill("2027")
    filters.get_by_test_id("filter-instrument").select_option("fair-participation")
    filters.get_by_test_id("filter-apply").click()
    expect(page).to_have_url(re.compile(r"year_from=2027.*instrument=fair-participation"))
    fairs = page.get_by_test_id("table-fairs")
    expect(fairs).to_contain_text("5,000.00")  # the subsidy paid, from the ledger
    expect(page.get_by_test_id("table-outcomes")).to_contain_text("47.0")  # (14 + 80) / 2 supported firms
    expect(page.get_by_test_id("chart-money")).to_be_visible()
    shown = {"subsidy": "5,000.00", "participations": fairs.locator("tbody tr td").nth(2).inner_text(),
             "mean": "47.0", "others": "300.0"}
    shot(page, "dashboard-filtered")

    dashboard = page.url
    page.get_by_test_id("dashboard-impact-link").click()
    form = page.get_by_test_id("impact-form")
    form.locator("select[name=support]").select_option(f"supplier-programme:{suppliers.pk}")
    form.locator("select[name=outcome]").select_option("sales")
    form.locator("input[name=caliper]").fill("1")
    page.get_by_test_id("start-impact").click()
    page.wait_for_url(f"**/evaluation/impact/{ImpactRun.objects.get().pk}/")
    expect(page.get_by_test_id("event-study")).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("impact-status")).to_have_text("done")
    expect(page.get_by_test_id("impact-caveats")).to_contain_text("What this estimate can and cannot say")
    shot(page, "dashboard-impact")
    page.goto(dashboard)

    with page.expect_download() as pdf_download:
        page.get_by_test_id("dashboard-pdf").click()
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    for value in shown.values():
        assert value in text, value
    assert "Programme dashboard" in text and "Fair participation" in text
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("dashboard-xlsx").click()
    book = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read()))
    fairs_sheet = list(book["fairs"].values)
    assert fairs_sheet[1][2] == int(shown["participations"]) and f"{fairs_sheet[1][4]:,.2f}" == shown["subsidy"]
    outcomes = list(book["outcomes"].values)
    assert outcomes[1][0] == 2027 and float(outcomes[1][2]) == float(shown["mean"])

    page.get_by_test_id("table-scorecards").get_by_role("link", name="Feiras 2027").click()
    page.wait_for_url(f"**/evaluation/scorecards/fair-participation/programme/{expo.programme.pk}/**")
    evidence = page.get_by_test_id("figure-public_cost").get_by_test_id("evidence").first
    expect(evidence).to_be_visible()
    shot(page, "dashboard-scorecard")
    assert page.js_errors == []
