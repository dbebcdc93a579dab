"""Acceptance (issue 13, item 1), in chromium through the pages: an officer opens a cluster, starts a
diagnostic study prefilled from the register (sees the computed firms and employment), fills an attribute,
a problem and a proposed instrument, completes it and prints it (downloads the PDF and reads it back;
the print view hides the site's navigation); then the study once more in Portuguese.

The cluster is tests/diagnostics/conftest.py `wood` (4 firms, 275 employees). Screenshots go to
/tmp/triplec-e2e/diagnostic-*.png."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader
from tests.diagnostics.conftest import wood  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pdf_text(path: str) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(Path(path).read_bytes())).pages)


def test_an_officer_starts_completes_and_prints_a_diagnostic_study(wood, page,  # noqa: F811
                                                                    login, live_server, shot):
    login(wood.officer)
    page.goto(f"/clusters/{wood.cluster.pk}/")
    page.get_by_test_id("start-diagnostic").click()
    expect(page.get_by_test_id("study-status")).to_have_text("Draft")
    expect(page.get_by_test_id("value-firms")).to_have_text("4 firms")
    expect(page.get_by_test_id("value-employment")).to_have_text("275 employees")
    expect(page.get_by_test_id("origin-firms")).to_have_text("computed")

    page.get_by_test_id("attr-trust-assessment").select_option("weak")
    page.get_by_test_id("attr-trust-text").fill("Joint action only for the state contract")
    page.get_by_test_id("problem-0-kind").select_option("problem")
    page.get_by_test_id("problem-0-text").fill("No drying kiln in the town")
    page.get_by_test_id("instrument-0").select_option("procurement")
    page.get_by_test_id("instrument-0-reason").fill("School desks through the association")
    shot(page, "diagnostic-draft")
    page.get_by_test_id("save-study").click()
    expect(page.locator(".messages")).to_contain_text("Study saved.")
    page.get_by_test_id("complete-study").click()
    expect(page.get_by_test_id("study-status")).to_have_text("Completed")
    expect(page.get_by_test_id("study-form")).to_have_count(0)
    expect(page.get_by_test_id("problems")).to_contain_text("No drying kiln in the town")

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    text = pdf_text(download.value.path())
    for expected in ("Diagnostic study of Aruaru wood", "Trust and joint action", "Weak",
                     "No drying kiln in the town", "Public procurement through associations", "275"):
        assert expected in text, expected

    page.get_by_test_id("print-view").click()
    expect(page.get_by_test_id("print-indicators")).to_contain_text("275")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-button")).to_be_hidden()
    expect(page.get_by_test_id("print-page")).to_contain_text("No drying kiln in the town")
    shot(page, "diagnostic-print")
    page.emulate_media(media="screen")

    # The same study read in Portuguese, and its PDF too.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    page.get_by_test_id("print-page").get_by_role("link").first.click()
    expect(page.get_by_test_id("study-status")).to_have_text("Concluído")
    expect(page.get_by_test_id("value-employment")).to_have_text("275 empregados")
    expect(page.get_by_test_id("attributes")).to_contain_text("Confiança e ação conjunta")
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    assert "Atributos do distrito" in pdf_text(download.value.path())
    assert page.js_errors == []
