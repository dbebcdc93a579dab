"""Acceptance (issue 2): a programme officer logs in, imports a small CSV with one bad row (sees the
row error, nothing is written), fixes it, imports it, finds the enterprise in the list, opens its
page and sees it on the map. Screenshots go to /tmp/triplec-e2e/."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from triplec.registry.models import Enterprise, Territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "legal_name,trade_name,country,national_id,sector_classification,sector_code,employees,founding_year," \
         "region_code,region_name,municipality_code,municipality_name,latitude,longitude,exporter"
GOOD_ROW = "Serraria Aurora Ltda,Aurora,BR,77.777.777/0001-91,isic4,1610,14,2008,CE,Ceará,2301950," \
           "São João do Aruaru,-4.5312,-38.8123,yes"
OTHER_ROW = "Marcenaria Boa Vista,,BR,88888888000191,isic4,3100,4,2015,CE,Ceará,2301950," \
            "São João do Aruaru,-4.5290,-38.8010,no"
BAD_ROW = OTHER_ROW.replace(",3100,", ",9999,")  # no such ISIC Rev.4 code


def write_csv(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def upload(page, path):
    """Open the import page, choose the file and ask for the check (preview)."""
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_test_id("upload-import").click()
    page.wait_for_load_state("networkidle")


def test_officer_imports_finds_and_maps_an_enterprise(world, page, login, shot, tmp_path):
    officer = world.users["programme-officer"]
    before = Enterprise.objects.count()
    login(officer)
    expect(page.locator("h1")).to_have_text("Dashboard")
    shot(page, "01-dashboard")

    # 1. A file with one bad row: the row error is shown and nothing is written.
    upload(page, write_csv(tmp_path, "enterprises-bad.csv", [GOOD_ROW, BAD_ROW]))
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    bad = errors.locator("tbody tr")
    expect(bad).to_have_count(1)
    expect(bad.first).to_have_attribute("data-row", "3")  # header is row 1, the bad row is row 3
    expect(bad.first).to_have_attribute("data-field", "sector_code")
    expect(bad.first).to_contain_text("9999")
    expect(page.get_by_test_id("import-counts").locator("[data-count=errors]")).to_have_text("1")
    expect(page.get_by_test_id("confirm-import")).to_be_disabled()
    shot(page, "02-import-row-error")
    assert Enterprise.objects.count() == before

    # 2. The fixed file: a preview with counts, then confirm.
    upload(page, write_csv(tmp_path, "enterprises.csv", [GOOD_ROW, OTHER_ROW]))
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator("[data-count=create]")).to_have_text("2")
    expect(counts.locator("[data-count=errors]")).to_have_text("0")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    shot(page, "03-import-preview")
    assert Enterprise.objects.count() == before  # a preview writes nothing
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("2 created")
    shot(page, "04-import-done")
    assert Enterprise.objects.count() == before + 2
    aurora = Enterprise.objects.get(national_id="77777777000191")

    # 3. Find it in the list (the search updates the table in place through htmx).
    page.goto("/enterprises/")
    page.fill("input[name=q]", "aurora")
    rows = page.get_by_test_id("enterprise-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Serraria Aurora Ltda")
    expect(page).to_have_url(re.compile(r"q=aurora"))
    shot(page, "05-list-search")

    # 4. Open its page: sector label, territory path, history of the import.
    rows.first.get_by_role("link", name="Serraria Aurora Ltda").click()
    expect(page.get_by_test_id("enterprise-name")).to_have_text("Serraria Aurora Ltda")
    expect(page.get_by_test_id("sector")).to_contain_text("Sawmilling and planing of wood")
    expect(page.get_by_test_id("territory-path")).to_contain_text("Brazil › Ceará › São João do Aruaru")
    expect(page.get_by_test_id("history")).to_contain_text("programme-officer")
    expect(page.locator("#mini-map .map-point")).to_have_count(1)
    assert page.url.endswith(f"/enterprises/{aurora.pk}/")
    shot(page, "06-detail")

    # 5. See it on the map and open its popup.
    page.get_by_test_id("open-map").click()
    expect(page.get_by_test_id("map-count")).to_have_text("1 enterprise on the map")
    point = page.locator("#map path.map-point")
    expect(point).to_have_count(1)
    point.click()
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text("Serraria Aurora Ltda")
    expect(popup.get_by_role("link")).to_have_attribute("href", f"/enterprises/{aurora.pk}/")
    shot(page, "07-map")
    assert page.js_errors == []


def test_map_clusters_many_points_without_tiles(world, page, login, shot):
    """With no tile server the map still shows clusters and points on the outline background."""
    aruaru = Territory.objects.get(code="2301950")
    Enterprise.objects.bulk_create([
        Enterprise(legal_name=f"Oficina {i:03d}", country="BR", national_id=f"OF{i:03d}", sector_classification="isic4",
                   sector_code="2592", sector_section="C", territory=aruaru,
                   latitude=-4.5 + (i % 20) * 0.01, longitude=-38.8 + (i // 20) * 0.01) for i in range(300)])
    login(world.users["broker"])
    page.goto("/enterprises/map/")
    expect(page.get_by_test_id("map-count")).to_contain_text("302 enterprises on the map")
    expect(page.locator("#map .cluster").first).to_be_visible()
    # Country outlines are drawn (an SVG path per country) under the clusters.
    expect(page.locator("#map .leaflet-outline-pane path").first).to_be_attached()
    # Zooming into a cluster splits it.
    # Opening a cluster (keyboard: clusters are focusable buttons) zooms in and splits it.
    zoom = page.evaluate("window.triplecMap.map.getZoom()")
    cluster = page.locator("#map .cluster").first
    cluster.focus()
    cluster.press("Enter")
    # Polled from here: wait_for_function evaluates its text with eval, which the pages' CSP refuses.
    deadline = time.monotonic() + 10
    while page.evaluate("window.triplecMap.map.getZoom()") <= zoom:
        assert time.monotonic() < deadline, "opening a cluster did not zoom in"
        page.wait_for_timeout(100)
    expect(page.locator("#map .cluster, #map path.map-point").first).to_be_visible()
    # Filtering from the form reloads the points.
    page.fill("input[name=q]", "Oficina 001")
    expect(page.get_by_test_id("map-count")).to_have_text("1 enterprise on the map", timeout=10_000)
    shot(page, "08-map-clusters")
    assert page.js_errors == []


def test_list_filters_without_javascript(world, browser, live_server, shot):
    """The filters are a plain GET form: they work with JavaScript switched off."""
    from tests.conftest import PASSWORD

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "evaluator")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/enterprises/")
    page.select_option("select[name=size]", "micro")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"size=micro"))
    expect(page.get_by_test_id("enterprise-row")).to_have_count(1)
    expect(page.get_by_test_id("enterprise-row").first).to_contain_text("Marcenaria Beta")
    shot(page, "09-list-no-js")
    context.close()
