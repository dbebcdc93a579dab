"""Issue 13 (regional series in the platform): a programme officer uploads a two-year County Business
Patterns table (tests/data/cbp_connecticut_2021_2022shifted.csv: the 2021 rows and a shifted 2022), runs the
series, sees the chart of a region's sectors and downloads the changes CSV, in English and in Portuguese
(labels, and the CSV in the reader's convention). The live server has no worker: the test runs one."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from triplec.core.tasks import worker_loop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TWO_YEARS = Path(__file__).resolve().parents[1] / "data" / "cbp_connecticut_2021_2022shifted.csv"
LABELS = {
    "en": {"tab": "Regional series", "start": "Start the series", "show": "Show", "changes": "Changes (CSV)",
           "emerging": "emerging", "declining": "declining", "chart": "Location quotient over the years, 09007"},
    "pt-br": {"tab": "Séries regionais", "start": "Iniciar a série", "show": "Mostrar", "changes": "Mudanças (CSV)",
              "emerging": "emergente", "declining": "em declínio",
              "chart": "Quociente locacional ao longo dos anos, 09007"},
}


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    stop = threading.Event()
    thread = threading.Thread(target=worker_loop, args=(stop,), kwargs={"poll_seconds": 0.3, "worker_id": "e2e"},
                              daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=60)


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_officer_runs_a_series_sees_a_region_and_downloads_the_changes(world, worker, page, login, live_server, shot,
                                                                       language):
    words = LABELS[language]
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    login(world.users["programme-officer"])
    page.goto("/clusters/")
    page.get_by_role("link", name=words["tab"], exact=True).click()
    expect(page.locator("h1")).to_have_text(words["tab"])

    form = page.get_by_test_id("series-form")
    form.locator("input[name=title]").fill("Connecticut 2021-2022")
    form.locator("input[name=file]").set_input_files(str(TWO_YEARS))
    for name, column in (("region_col", "fips"), ("sector_col", "naics2017"), ("year_col", "year"),
                         ("emp_col", "emp"), ("estab_col", "estab")):
        form.locator(f"input[name={name}]").fill(column)
    shot(page, f"series-01-form-{language}")
    form.get_by_role("button", name=words["start"]).click()

    # The worker runs it; the page polls and reloads itself with the results.
    expect(page.get_by_test_id("series-summary")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("n-emerging")).to_have_text("2")
    expect(page.get_by_test_id("n-declining")).to_have_text("2")

    # Middlesex (09007): its 336 fell from LQ 1.46 to 1.08 (employment x 0.6 in 2022).
    page.select_option("#series-region", "09007")
    page.get_by_role("button", name=words["show"]).click()
    chart = page.get_by_test_id("series-chart")
    expect(chart.locator("title").first).to_have_text(words["chart"])
    expect(chart.locator("polyline")).to_have_count(5)
    expect(chart.locator('g[data-sector="336"] circle title')).to_have_text(["336 2021: LQ 1.46", "336 2022: LQ 1.08"])
    region_rows = page.get_by_test_id("region-changes")
    expect(region_rows.locator("tr", has_text="336")).to_contain_text(words["declining"])
    shot(page, f"series-02-region-{language}")

    with page.expect_download() as fetched:
        page.get_by_role("button", name=words["changes"]).click()
    download = fetched.value
    assert download.suggested_filename.endswith("-changes.csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    sep, comma = (";", True) if language == "pt-br" else (",", False)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=sep))
    assert len(rows) == 35 and rows[0].keys() >= {"region", "sector", "lq_first", "lq_last", "class"}
    middlesex = next(r for r in rows if (r["region"], r["sector"]) == ("09007", "336"))
    assert middlesex["class"] == "declining"
    lq_first = middlesex["lq_first"]
    assert ("," in lq_first) is comma and float(lq_first.replace(",", ".")) == pytest.approx(1.46, abs=0.005)
    assert sorted(r["class"] for r in rows if r["class"] in ("emerging", "declining")) == ["declining"] * 2 + ["emerging"] * 2
    assert page.js_errors == []
