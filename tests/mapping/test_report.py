"""The self-contained HTML report: offline assets, map data, plots, tables."""

import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from tests.mapping.caxias import caxias_report_inputs

from triplec.mapping.locate import PointRegister, locate_footprints
from triplec.mapping.profile import profile_footprints
from triplec.mapping.report import (
    LEAFLET_DIR,
    country_outlines,
    global_band_columns,
    kd_plot_svg,
    map_data,
    nice_ticks,
    render_report,
    write_report,
)

pytestmark = pytest.mark.nodb

R = np.arange(0, 101, 5.0)


def make_run(crs="EPSG:27572", weighted=False, n_other=150, seed=0):
    """A small projected register (metres, Lambert II etendu) with one planted cluster, and a screen."""
    rng = np.random.default_rng(seed)
    rows = [(f"a{i}", "A", *(rng.normal([650, 2100], 2.0) * 1000), "Lyon") for i in range(40)]
    rows += [(f"s{i}", "S", *(rng.normal([650, 2100], 2.0) * 1000), "Lyon") for i in range(10)]
    rows += [(f"{s}{i}", s, *(rng.uniform([300, 1800], [1000, 2600]) * 1000), "Rural")
             for s in ("S", "T") for i in range(n_other)]
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y", "commune"])
    if weighted:
        df["emp"] = rng.integers(1, 400, len(df))
    sites = PointRegister.from_frame(df, x_col="x", y_col="y", unit="m", crs=crs, region_col="commune",
                             weight_col="emp" if weighted else None)
    table = pd.DataFrame({
        "sector": ["A", "S", "T"], "n": [40, 10 + n_other, n_other], "employment": np.nan,
        "gamma": [0.3, 0.0, 0.0], "psi": [0.0, 0.0, 0.01], "localised": [True, False, False],
        "p_value": [0.001, 0.4, 0.9], "q_value": [0.003, 0.6, 0.9], "peak_distance": [0.0, np.nan, np.nan],
    })
    curves = []
    for sector, scale in (("A", 10.0), ("S", 80.0), ("T", 90.0)):
        kd = np.exp(-R / scale) / scale
        top = 0.9 if sector == "A" else 1.4  # A leaves its global band from above, at every distance
        frame = pd.DataFrame({"sector": sector, "r": R, "kd": kd, "lo": 0.8 * kd, "hi": 1.2 * kd,
                              "global_do_lo": 0.6 * kd, "global_do_hi": top * kd,
                              "global_dbmss_lo": 0.5 * kd, "global_dbmss_hi": 1.5 * kd})
        if weighted:
            frame = frame.assign(kemp=1.1 * kd, kemp_lo=0.7 * kd, kemp_hi=1.3 * kd)
        curves.append(frame)
    curves = pd.concat(curves, ignore_index=True)
    footprints = locate_footprints(sites, table, curves=curves)
    profiles = profile_footprints(sites, footprints)
    return sites, table, curves, footprints, profiles


@pytest.fixture(scope="module")
def run():
    return make_run()


@pytest.fixture(scope="module")
def page(run):
    sites, table, curves, footprints, profiles = run
    return render_report(table, curves, footprints=footprints, sites=sites, profiles=profiles,
                         labels={"A": "Steel <works>", "S": "Services & repair"},
                         parameters={"simulations": 99, "seed": 1})


def embedded_map(page_html):
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page_html, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_page_loads_nothing_from_outside(page):
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    css_urls = re.findall(r"url\(([^)]*)\)", page.split("<script")[0])
    assert css_urls and all(u.startswith(("data:", "#")) for u in css_urls), css_urls
    # the vendored Leaflet is inlined whole, without its source-map pointer, with its licence
    leaflet = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet.split("\n//# sourceMappingURL")[0] in page
    assert "sourceMappingURL" not in page
    assert "Copyright (c) 2010-2023, Volodymyr Agafonkin" in page


def test_sector_table_and_escaping(page):
    body = page.split('id="sector-table"')[1].split("</table>")[0]
    assert body.count("<tr") == 1 + 3  # header + 3 sectors
    assert "Steel &lt;works&gt;" in page and "Steel <works>" not in page.split("<script")[0]
    assert "Services &amp; repair" in page
    first = body.split("<tbody>")[1].split("</tr>")[0]
    assert 'href="#kd-A"' in first and ">yes<" in first  # localised first
    assert "employment" not in body.split("</thead>")[0]  # all-NaN column hidden


def test_plots_one_per_sector_with_unique_ids(page):
    assert page.count('<figure class="plot"') == 3
    assert page.split("<script")[0].count("<svg") == 3
    ids = re.findall(r'\sid="([^"]+)"', page)
    duplicated = [k for k, v in Counter(ids).items() if v > 1]
    assert not duplicated
    plots = page.split('<section id="plots">')[1].split("</section>")[0]
    for ref in re.findall(r"url\(#([^)]+)\)", plots):
        assert ref in ids


def test_map_data_in_lon_lat(run, page):
    sites, table, curves, footprints, profiles = run
    data = embedded_map(page)
    assert data["mode"] == "lonlat"
    features = data["footprints"]["features"]
    assert len(features) == len(footprints) >= 1
    ring = np.array(features[0]["geometry"]["coordinates"][0])
    assert (ring[:, 0] > -5).all() and (ring[:, 0] < 10).all() and (ring[:, 1] > 41).all()
    props = features[0]["properties"]
    assert props["sector"] == "A" and props["count"] == footprints.footprints[0].count
    assert props["regions"] == ["Lyon"]
    assert props["co_located"][0]["sector"] == "S"
    points = data["points"]
    assert points["total"] == points["shown"] == len(sites.frame) == len(points["x"])
    assert sum(1 for f in points["f"] if f == 0) == footprints.footprints[0].count
    assert data["tiles"]["url"].startswith("https://")


def test_sampling_keeps_every_footprint_member(run):
    sites, table, curves, footprints, profiles = run
    data = map_data(sites, footprints, max_points=60, seed=3)
    points = data["points"]
    members = sum(fp.count for fp in footprints)
    assert points["shown"] == 60 and points["total"] == len(sites.frame)
    assert sum(1 for f in points["f"] if f >= 0) == members
    assert points["shown"] - members == 60 - members


def test_planar_mode_without_crs():
    sites, table, curves, footprints, profiles = make_run(crs=None)
    page = render_report(table, curves, footprints=footprints, sites=sites, profiles=profiles)
    data = embedded_map(page)
    assert data["mode"] == "planar" and data["tiles"] is None
    x, y = data["points"]["x"][0], data["points"]["y"][0]
    assert x == pytest.approx(sites.frame["x"].iloc[0], abs=1) and y == pytest.approx(sites.frame["y"].iloc[0], abs=1)
    assert "drawn in its own plane" in page


def test_weighted_run_draws_kemp_panels(tmp_path):
    sites, table, curves, footprints, profiles = make_run(weighted=True)
    table = table.assign(employment=[1000.0, 2000.0, 3000.0])
    path = write_report(tmp_path / "r.html", table, curves, footprints=footprints, sites=sites,
                        profiles=profiles, title="Weighted run")
    page = path.read_text(encoding="utf-8")
    assert "<title>Weighted run</title>" in page
    assert page.count(">Kemp (1/km)<") == 3  # one Kemp panel per sector
    assert "employment" in page.split('id="sector-table"')[1].split("</thead>")[0]
    assert "SME share" in page


def test_kd_plot_draws_the_curve_and_both_bands():
    import xml.etree.ElementTree as ET

    kd = np.linspace(0.02, 0.0, len(R))
    curve = pd.DataFrame({"r": R, "kd": kd, "lo": 0.0, "hi": 0.01, "glo": 0.0, "ghi": 0.015})
    svg = kd_plot_svg(curve, title="Kd of A <steel>")
    root = ET.fromstring(svg)  # well-formed XML
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.find("s:title", ns).text == "Kd of A <steel>"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "local band" in texts and "global band" in texts and "distance (km)" in texts
    assert "Kd (1/km)" in texts and "100" in texts  # axis label and the last distance tick
    # the curve: one vertex per distance, x increasing, height proportional to Kd (y axis from 0)
    path = root.find("s:path[@class='curve']", ns).get("d")
    xy = np.array([[float(v) for v in p.split(",")] for p in path[1:].split(" L")])
    assert len(xy) == len(R) and (np.diff(xy[:, 0]) > 0).all()
    baseline = xy[-1, 1]  # Kd = 0 at the last distance
    height = baseline - xy[:, 1]
    assert height[1:-1] / kd[1:-1] == pytest.approx(np.full(len(R) - 2, height[0] / kd[0]), rel=0.02)
    band = root.find("s:path[@class='band']", ns).get("d")
    assert band.startswith("M") and band.endswith("Z")
    assert len(root.findall("s:path[@class='global']", ns)) == 2
    assert [b[:2] for b in global_band_columns(curve)] == [("glo", "ghi")]
    no_global = kd_plot_svg(curve.drop(columns=["glo", "ghi"]))
    assert "global band" not in no_global
    both = curve.rename(columns={"glo": "global_do_lo", "ghi": "global_do_hi"}).assign(
        global_dbmss_lo=0.0, global_dbmss_hi=0.02)
    svg = kd_plot_svg(both)
    assert "global band (DO)" in svg and "envelope (dbmss)" in svg
    assert [b[2] for b in global_band_columns(both.assign(kemp_global_do_lo=0, kemp_global_do_hi=1), "kemp_")] \
        == ["global band (DO)"]
    # curves only (no simulations): no band, the curve still drawn
    bare = kd_plot_svg(curve[["r", "kd"]].assign(lo=np.nan, hi=np.nan))
    assert 'class="band"' not in bare and 'class="curve"' in bare


def test_nice_ticks():
    assert nice_ticks(0, 300, 6).tolist() == [0, 50, 100, 150, 200, 250, 300]
    assert nice_ticks(0, 0.021, 4) == pytest.approx([0, 0.005, 0.01, 0.015, 0.02])
    assert nice_ticks(2.5, 150, 6).tolist() == [20, 40, 60, 80, 100, 120, 140]


def test_report_without_footprints_or_curves():
    table = pd.DataFrame({"sector": ["A"], "n": [10], "localised": [False]})
    page = render_report(table, None)
    assert "No footprint" in page and "No curves in this run" in page
    assert embedded_map(page)["points"] is None


def test_country_outlines_decode_the_topojson(run, page):
    import shapely
    from shapely.geometry import shape

    outlines = embedded_map(page)["outlines"]
    countries = {f["properties"]["name"]: shape(f["geometry"]) for f in outlines["features"]}
    assert {"France", "Spain", "Italy", "Switzerland"} <= set(countries)
    assert shapely.contains_xy(countries["France"], 2.35, 48.86)  # Paris
    assert shapely.contains_xy(countries["Spain"], -3.70, 40.42)  # Madrid
    assert not shapely.contains_xy(countries["France"], -3.70, 40.42)
    assert countries["France"].bounds[2] < 20  # French Guiana and the other overseas parts are clipped away
    assert country_outlines((0, 0, 1, 1), source=LEAFLET_DIR / "missing.json") is None


def test_positions_a_transform_cannot_place_are_left_off_the_map():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"id": range(60), "sector": ["A"] * 30 + ["B"] * 30,
                       "x": np.r_[rng.normal(10, 1, 30), rng.uniform(0, 100, 30)],
                       "y": np.r_[rng.normal(10, 1, 30), rng.uniform(0, 100, 30)]})
    df.loc[59, "x"] = 5000.0  # a B establishment the transform cannot place

    def to_lonlat(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        return np.where(x > 1000, np.inf, x / 100), np.where(x > 1000, np.inf, 45 + y / 100)

    sites = PointRegister.from_frame(df, x_col="x", y_col="y", to_lonlat=to_lonlat)
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [3.0]})
    footprints = locate_footprints(sites, screen)
    assert len(footprints) == 1
    page = render_report(screen, None, footprints=footprints, sites=sites)
    points = embedded_map(page)["points"]
    assert points["shown"] == 59 and points["total"] == 60 and "cannot be placed" in page
    assert all(np.isfinite(points["x"]))
    # a footprint the transform cannot place keeps its attributes, without geometry
    far = PointRegister.from_frame(df.assign(x=np.where(df.sector == "A", df.x + 3000, df.x)), x_col="x", y_col="y",
                           to_lonlat=to_lonlat)
    unplaced = locate_footprints(far, screen)
    assert len(unplaced) == 1 and unplaced.footprints[0].polygon_lonlat is None
    assert unplaced.to_geojson()["features"][0]["geometry"] is None
    assert embedded_map(render_report(screen, None, footprints=unplaced, sites=far))["footprints"]["features"] == []


def test_lonlat_report_inlines_the_places_around_the_points(tmp_path):
    """Place names for the offline map: the countries, the states and cities of the countries in view,
    and a footprint's city in its properties (issue 8, item 11)."""
    sites, table, curves, footprints = caxias_report_inputs()
    data = map_data(sites, footprints)
    places = data["places"]
    assert {"countries.json", "cities-major.json", "admin1/BRA.json", "cities/BR.json"} <= set(places)
    assert "cities/FR.json" not in places
    assert any(c[0] == "Caxias do Sul" for c in places["cities/BR.json"]["cities"])
    assert data["footprints"]["features"][0]["properties"]["near"] == "Caxias do Sul, Rio Grande do Sul"
    html = render_report(table, curves, footprints=footprints, sites=sites)
    assert "window.triplecPlaces" in html and "GeoNames (CC BY 4.0" in html
