"""Acceptance: `triplec map` on the French facility register (999 simulations), report opened in chromium.

The register ships with the package (IREP, Licence Ouverte); its mainland rows are Lambert II etendu
(EPSG:27572) metres. The report must open from the file alone: every request other than the file itself
is blocked and recorded, and must not happen. ``browser`` is the folder's fixture (tests/e2e/conftest.py):
Debian's chromium, headless.
"""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import triplec
from triplec.mapping.cli_map import map_command
from triplec.mapping.pipeline import SECTOR_COLUMNS

pytestmark = [pytest.mark.e2e, pytest.mark.nodb]

REGISTER = Path(triplec.__file__).parent / "registry" / "data" / "irep_france_facilities_etablissements.csv"
SCREENSHOT = Path("/tmp/triplec_map_report.png")


def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command("map")(map_command)
    app.command("version")(lambda: None)
    return app


def mainland(tmp: Path) -> Path:
    """The mainland rows (Lambert II etendu extent, Corsica included) as a Parquet file."""
    df = pd.read_csv(REGISTER, dtype=str)
    x = pd.to_numeric(df["Coordonnees_X"])
    y = pd.to_numeric(df["Coordonnees_Y"])
    keep = x.between(0, 1.3e6) & y.between(1.6e6, 2.8e6)
    path = tmp / "irep_mainland.parquet"
    df[keep].to_parquet(path, index=False)
    return path


def open_offline(browser, path: Path):
    """A page that may load only ``path``: other requests are aborted and recorded, console errors kept."""
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    outside, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    page.wait_for_selector("#map .leaflet-overlay-pane svg path")
    return page, outside, errors


@pytest.mark.slow
def test_french_register_all_sector_screen_report_renders(tmp_path, browser):
    points = mainland(tmp_path)
    assert len(pd.read_parquet(points)) == 10_052
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app(), [
        "map", str(points), "--out", str(out), "--id-col", "Identifiant", "--sector-col", "Code_APE",
        "--x-col", "Coordonnees_X", "--y-col", "Coordonnees_Y", "--unit", "m", "--crs", "EPSG:27572",
        "--region-col", "Commune", "--label-col", "Libelle_APE", "--sims", "999", "--r-max", "300",
        "--r-step", "5", "--min-n", "30", "--seed", "1",
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Screened 79 sectors (999 simulations)" in result.output

    sectors = pd.read_csv(out / "sectors.csv", dtype={"sector": str})
    assert list(sectors.columns) == SECTOR_COLUMNS and len(sectors) == 79
    assert sectors["p_value"].min() == pytest.approx(1 / 1000)
    geo = json.loads((out / "footprints.geojson").read_text(encoding="utf-8"))
    features = geo["features"]
    assert len(features) >= 10
    localised = set(sectors.loc[sectors["localised"] & (sectors["q_value"] <= 0.05), "sector"])
    assert {f["properties"]["sector"] for f in features} <= localised
    for f in features:  # lon/lat inside mainland France and Corsica
        lon, lat = f["properties"]["centroid_lon"], f["properties"]["centroid_lat"]
        assert -5.5 < lon < 9.7 and 41.3 < lat < 51.2, f["properties"]["id"]
    size = (out / "report.html").stat().st_size
    assert size < 4_000_000, size

    page, outside, errors = open_offline(browser, out / "report.html")
    # the map: one drawn path per footprint, establishments on a canvas, outlines, scale bar
    assert page.locator("#map .leaflet-overlay-pane svg path").count() == len(features)
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#map .leaflet-outlines-pane path").count() >= 5
    assert "km" in page.locator("#map .leaflet-control-scale-line").inner_text()
    box = page.locator("#map").bounding_box()
    assert box["width"] > 800 and box["height"] > 500
    # plots and the sector table
    assert page.locator("figure.plot svg path.curve").count() == 79
    assert page.locator("figure.plot svg path.band").count() == 79
    rows = page.locator("#sector-table tbody tr")
    assert rows.count() == len(sectors) == 79
    # sorting by n (descending on the second click) puts the largest sector first
    header = page.locator("#sector-table th", has_text=re.compile(r"^n$"))
    header.click()
    header.click()
    largest = sectors.sort_values("n", ascending=False)["sector"].iloc[0]
    assert rows.first.locator("td").first.inner_text() == largest
    # "map" on a sector zooms to its footprints; a click on a footprint opens its profile
    zoom_before = page.evaluate("window.tripleCMap.getZoom()")
    first_sector = features[0]["properties"]["sector"]
    page.locator(f"button.show[data-sector='{first_sector}']").click()
    page.wait_for_timeout(600)
    assert page.evaluate("window.tripleCMap.getZoom()") > zoom_before
    page.evaluate("""() => { let done = false; window.tripleCMap.eachLayer(l => {
        if (!done && l.feature && l.feature.properties && l.feature.properties.sector && l.openPopup) {
          l.openPopup(); done = true; } }); }""")
    assert page.locator(".leaflet-popup-content").count() == 1
    assert "establishments" in page.locator(".leaflet-popup-content").inner_text()
    assert errors == [] and outside == []

    page.reload()  # the page as a person first sees it
    page.wait_for_selector("#map .leaflet-overlay-pane svg path")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    page.close()


def test_small_report_tiles_fail_gracefully_offline(tmp_path, browser):
    """The optional tile layer, switched on with no network, says so and leaves the map working."""
    import numpy as np

    from triplec.mapping.locate import PointRegister, locate_footprints
    from triplec.mapping.report import write_report

    rng = np.random.default_rng(2)
    rows = [(f"a{i}", "A", *rng.normal([4.85, 45.75], 0.02)) for i in range(30)]
    rows += [(f"b{i}", "B", *rng.uniform([3.5, 45.0], [6.0, 46.5])) for i in range(200)]
    sites = PointRegister.from_frame(pd.DataFrame(rows, columns=["id", "sector", "lon", "lat"]), lon_col="lon",
                             lat_col="lat")
    table = pd.DataFrame({"sector": ["A", "B"], "n": [30, 200], "localised": [True, False],
                          "q_value": [0.001, 0.8], "peak_distance": [0.0, np.nan]})
    r = np.arange(0, 51, 5.0)
    curves = pd.concat([pd.DataFrame({"sector": s, "r": r, "kd": np.exp(-r / 10) / 10, "lo": 0.0, "hi": 0.01})
                        for s in ("A", "B")])
    footprints = locate_footprints(sites, table, curves=curves)
    assert len(footprints) == 1
    path = write_report(tmp_path / "report.html", table, curves, footprints=footprints, sites=sites)
    page, outside, errors = open_offline(browser, path)
    assert errors == [] and outside == []
    assert page.locator("#map .leaflet-overlay-pane svg path").count() == len(footprints)
    page.locator(".leaflet-control-layers-overlays label", has_text="Background tiles").locator("input").check()
    page.wait_for_function("document.getElementById('tiles-msg').textContent.length > 0", timeout=10_000)
    assert "could not be loaded" in page.locator("#tiles-msg").inner_text()
    assert outside and all(u.startswith("https://tile.openstreetmap.org/") for u in outside)
    assert not [e for e in errors if "Failed to load resource" not in e and "ERR_" not in e]
    # the rest of the map still works: footprints drawn, zoom control responds
    page.locator(".leaflet-control-zoom-in").click()
    assert page.locator("#map .leaflet-overlay-pane svg path").count() == len(footprints)
    page.close()


def test_small_report_names_the_places_offline(tmp_path, browser):
    """The report's map labels the cities and states around the footprints from data inlined in the file
    (issue 8, item 11), and a footprint's popup names its city."""
    from tests.mapping.caxias import caxias_report_inputs

    from triplec.mapping.report import write_report

    sites, table, curves, footprints = caxias_report_inputs()
    path = write_report(tmp_path / "report.html", table, curves, footprints=footprints, sites=sites)
    page, outside, errors = open_offline(browser, path)
    assert errors == [] and outside == []
    from playwright.sync_api import expect

    labels = page.locator("#map .place-label")
    expect(labels.filter(has_text="Caxias do Sul")).to_have_count(1)   # the map opens on the footprint
    page.locator("#map .leaflet-overlay-pane svg path").first.click(force=True)
    assert "Caxias do Sul, Rio Grande do Sul" in page.locator(".leaflet-popup-content").inner_text()
    for _ in range(4):
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(300)
    expect(labels.filter(has_text="Porto Alegre")).to_have_count(1)
    expect(labels.filter(has_text="Rio Grande do Sul")).to_have_count(1)
    page.close()
