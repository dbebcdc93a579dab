"""Footprints: density clustering of localised sectors at the scale the distance test found."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely

from triplec.mapping.locate import (
    EARTH_RADIUS_KM,
    Sites,
    localised_sectors,
    locate_footprints,
    lonlat_transformer,
    sector_eps,
)

pytestmark = pytest.mark.nodb


def planted_register(seed=0, unit_scale=1.0):
    """Sector A: two tight groups (30 at (100, 100), 20 at (400, 300)) + 15 scattered; B, C uniform."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, (x, y) in enumerate(rng.normal([100, 100], 2.0, size=(30, 2))):
        rows.append((f"a1-{i}", "A", x, y, "Lyon" if i % 2 else "Villeurbanne"))
    for i, (x, y) in enumerate(rng.normal([400, 300], 2.0, size=(20, 2))):
        rows.append((f"a2-{i}", "A", x, y, "Grenoble"))
    # scattered A, far from each other (on a coarse lattice so no 5 of them fall within eps)
    for i in range(15):
        rows.append((f"a0-{i}", "A", 50.0 + 60.0 * (i % 5), 600.0 + 70.0 * (i // 5), "Elsewhere"))
    for sector in ("B", "C"):
        for i, (x, y) in enumerate(rng.uniform(0, 800, size=(200, 2))):
            rows.append((f"{sector}-{i}", sector, x, y, "Rural"))
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y", "commune"])
    df["x"] *= unit_scale
    df["y"] *= unit_scale
    return df


SCREEN = pd.DataFrame({
    "sector": ["A", "B", "C"], "n": [65, 200, 200], "localised": [True, False, False],
    "peak_distance": [5.0, 0.0, 0.0],
})


def test_planted_groups_are_found_exactly():
    sites = Sites.from_frame(planted_register(), x_col="x", y_col="y", unit="km", region_col="commune")
    result = locate_footprints(sites, SCREEN, min_samples=5)
    assert [fp.id for fp in result] == ["A-F1", "A-F2"]
    first, second = result.footprints
    assert sorted(first.establishments) == sorted(f"a1-{i}" for i in range(30))
    assert sorted(second.establishments) == sorted(f"a2-{i}" for i in range(20))
    assert first.count == 30 and second.count == 20
    assert first.regions == ["Lyon", "Villeurbanne"] and second.regions == ["Grenoble"]
    assert first.centroid == pytest.approx((100, 100), abs=1.5)
    assert first.employment is None and first.sme_share is None
    # the polygon covers every member, and is no larger than the members' convex hull grown by eps/2
    members = sites.frame[sites.frame["id"].isin(first.establishments)]
    assert shapely.contains_xy(first.polygon, members["x"], members["y"]).all()
    hull = shapely.multipoints(members[["x", "y"]].to_numpy()).convex_hull
    assert first.area_km2 <= hull.buffer(2.5).area + 1e-6
    assert first.area_km2 >= hull.area
    table = result.table
    assert list(table["count"]) == [30, 20]
    assert table.loc[0, "regions"] == "Lyon; Villeurbanne"
    assert len(result.members) == 50


def test_metres_give_the_same_footprints_as_km():
    km = Sites.from_frame(planted_register(), x_col="x", y_col="y", unit="km")
    m = Sites.from_frame(planted_register(unit_scale=1000.0), x_col="x", y_col="y", unit="m")
    a = locate_footprints(km, SCREEN)
    b = locate_footprints(m, SCREEN)
    assert [sorted(fp.establishments) for fp in a] == [sorted(fp.establishments) for fp in b]
    assert [fp.area_km2 for fp in a] == pytest.approx([fp.area_km2 for fp in b], rel=1e-6)
    assert b.footprints[0].centroid == pytest.approx(
        tuple(1000 * v for v in a.footprints[0].centroid), rel=1e-9)
    # the polygon stays in the register's own unit (metres here)
    assert b.footprints[0].polygon.area == pytest.approx(a.footprints[0].polygon.area * 1e6, rel=1e-6)


def test_row_order_does_not_change_the_footprints():
    df = planted_register()
    shuffled = df.sample(frac=1.0, random_state=3)
    a = locate_footprints(Sites.from_frame(df, x_col="x", y_col="y"), SCREEN)
    b = locate_footprints(Sites.from_frame(shuffled, x_col="x", y_col="y"), SCREEN)
    assert [sorted(fp.establishments) for fp in a] == [sorted(fp.establishments) for fp in b]


def test_eps_too_small_or_too_large_changes_the_delineation():
    sites = Sites.from_frame(planted_register(), x_col="x", y_col="y")
    tight = locate_footprints(sites, SCREEN, eps=0.3)
    assert sum(fp.count for fp in tight) < 50  # parts of the groups fall out as noise
    wide = locate_footprints(sites, SCREEN, eps=400.0, local_alpha=None)
    assert len(wide) == 1 and wide.footprints[0].count == 65
    # at 2000 km every establishment neighbours every other: sector A is over-represented nowhere
    assert len(locate_footprints(sites, SCREEN, eps=2000.0, local_alpha=None)) == 1
    assert len(locate_footprints(sites, SCREEN, eps=2000.0)) == 0


def test_min_count_drops_small_groups():
    sites = Sites.from_frame(planted_register(), x_col="x", y_col="y")
    result = locate_footprints(sites, SCREEN, min_count=25)
    assert [fp.count for fp in result] == [30]


def test_haversine_distances_in_lon_lat():
    # five establishments 1 km apart along the equator, then a gap of 3 km, then five more
    step = math.degrees(1.0 / EARTH_RADIUS_KM)
    lons = [i * step for i in range(5)] + [(7 + i) * step for i in range(5)]
    df = pd.DataFrame({"id": range(10), "sector": "A", "lon": lons, "lat": 0.0})
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [1.01]})
    sites = Sites.from_frame(df, lon_col="lon", lat_col="lat")
    split = locate_footprints(sites, screen, min_samples=2, min_count=2, local_alpha=None)
    assert [fp.count for fp in split] == [5, 5]
    joined = locate_footprints(sites, screen, eps=3.01, min_samples=2, min_count=2, local_alpha=None)
    assert [fp.count for fp in joined] == [10]
    fp = joined.footprints[0]
    assert fp.centroid_lonlat == pytest.approx((5.5 * step, 0.0), abs=1e-9)
    # chain of 10 points spanning 11 km, buffered by 1.5 km: area between the buffered segment and a disc bound
    assert 11 * 3 < fp.area_km2 < (11 + 3) * 3 + 1e-6
    geo = joined.to_geojson()
    ring = geo["features"][0]["geometry"]["coordinates"][0]
    assert shapely.Polygon(ring).exterior.is_ccw  # RFC 7946 right-hand rule


def test_lon_lat_near_the_pole_uses_great_circle_km():
    # at 60 degrees north, 0.036 degrees of longitude is ~2 km; 0.036 degrees of latitude is ~4 km
    lon_step = math.degrees(2.0 / (EARTH_RADIUS_KM * math.cos(math.radians(60))))
    df = pd.DataFrame({"id": range(6), "sector": "A", "lon": [i * lon_step for i in range(6)], "lat": 60.0})
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [2.1]})
    result = locate_footprints(Sites.from_frame(df, lon_col="lon", lat_col="lat"), screen, min_samples=2,
                               local_alpha=None)
    assert [fp.count for fp in result] == [6]
    narrower = locate_footprints(Sites.from_frame(df, lon_col="lon", lat_col="lat"), screen, eps=1.9,
                                 min_samples=2, local_alpha=None)
    assert len(narrower) == 0


def test_employment_weighting_and_sme_share():
    # three big plants close together + six tiny workshops close together elsewhere
    df = pd.DataFrame({
        "id": list(range(9)), "sector": "A",
        "x": [0, 1, 0.5, 100, 101, 100.5, 100, 101, 100.5],
        "y": [0, 0, 1, 0, 0, 1, 1.5, 1.5, 0.5],
        "employees": [1000, 800, 600, 5, 3, 2, 4, 6, 1],
    })
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [2.0]})
    sites = Sites.from_frame(df, x_col="x", y_col="y", weight_col="employees")
    counts = locate_footprints(sites, screen, min_samples=4, min_count=3, weighted=False, local_alpha=None)
    assert [sorted(fp.establishments) for fp in counts] == [["3", "4", "5", "6", "7", "8"]]
    weighted = locate_footprints(sites, screen, min_samples=4, min_count=3, local_alpha=None)
    # mean size 269: the three plants hold 2400/269 = 8.9 average establishments' worth; the workshops 0.08
    assert [sorted(fp.establishments) for fp in weighted] == [["0", "1", "2"]]
    fp = weighted.footprints[0]
    assert fp.employment == 2400
    assert fp.sme_share == 0.0
    assert fp.centroid == pytest.approx(((1000 * 0 + 800 * 1 + 600 * 0.5) / 2400, 600 / 2400))
    assert counts.footprints[0].sme_share == 1.0
    mixed = locate_footprints(sites, screen, eps=200, min_samples=1, min_count=3, sme_threshold=700,
                              local_alpha=None)
    assert mixed.footprints[0].sme_share == pytest.approx(7 / 9)


def test_sme_share_ignores_unknown_sizes():
    df = pd.DataFrame({"id": range(4), "sector": "A", "x": [0, 1, 0, 1], "y": [0, 0, 1, 1],
                       "emp": [10, 300, None, 20]})
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [2.0]})
    result = locate_footprints(Sites.from_frame(df, x_col="x", y_col="y", weight_col="emp"), screen,
                               min_samples=2, local_alpha=None)
    assert result.footprints[0].sme_share == pytest.approx(2 / 3)
    assert result.footprints[0].employment == 330


def test_lambert_ii_etendu_to_wgs84():
    # Lambert II etendu: false origin (600 000 m, 2 200 000 m) at the Paris meridian (2deg20'14.025" E)
    # and 52 grads = 46.8 deg N on the NTF datum; the NTF -> WGS84 shift is about 100 m.
    to_lonlat = lonlat_transformer("EPSG:27572", unit="m")
    lon, lat = to_lonlat(np.array([600000.0]), np.array([2200000.0]))
    assert lon[0] == pytest.approx(2 + 20 / 60 + 14.025 / 3600, abs=0.005)
    assert lat[0] == pytest.approx(46.8, abs=0.005)
    lon_km, lat_km = lonlat_transformer("EPSG:27572", unit="km")(np.array([600.0]), np.array([2200.0]))
    assert (lon_km[0], lat_km[0]) == pytest.approx((lon[0], lat[0]), abs=1e-9)
    # 100 km north along the central meridian is 100 km / 111.2 km per degree
    _, lat_north = to_lonlat(np.array([600000.0]), np.array([2300000.0]))
    assert lat_north[0] - lat[0] == pytest.approx(100 / 111.2, rel=0.01)


def test_projected_footprints_get_lon_lat_polygons():
    df = planted_register(unit_scale=1000.0)
    df["x"] += 500000.0
    df["y"] += 2000000.0
    sites = Sites.from_frame(df, x_col="x", y_col="y", unit="m", crs="EPSG:27572")
    result = locate_footprints(sites, SCREEN)
    fp = result.footprints[0]
    lon, lat = fp.centroid_lonlat
    assert -5 < lon < 10 and 41 < lat < 52
    geo = json.loads(json.dumps(result.to_geojson()))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 2
    feature = geo["features"][0]
    assert feature["properties"]["count"] == 30
    assert sorted(feature["properties"]["establishments"]) == sorted(f"a1-{i}" for i in range(30))
    ring = np.array(feature["geometry"]["coordinates"][0])
    assert (np.abs(ring[:, 0] - lon) < 0.2).all() and (np.abs(ring[:, 1] - lat) < 0.2).all()
    # the lon/lat polygon holds the members' lon/lat positions
    mlon, mlat = sites.to_lonlat(*[df[df.id.str.startswith("a1-")][c].to_numpy() for c in ("x", "y")])
    assert shapely.contains_xy(fp.polygon_lonlat, mlon, mlat).all()


def test_projected_without_crs_writes_register_coordinates(tmp_path):
    sites = Sites.from_frame(planted_register(), x_col="x", y_col="y")
    result = locate_footprints(sites, SCREEN)
    geo = json.loads(result.write_geojson(tmp_path / "f.geojson").read_text())
    assert geo["triplec:coordinates"] == "projected register coordinates in km"
    assert geo["features"][0]["properties"]["centroid_lon"] is None


def test_sector_eps_rules():
    table = pd.DataFrame({"sector": ["A", "B", "C"], "peak_distance": [12.0, 0.0, np.nan]})
    curves = pd.DataFrame({"sector": ["A"] * 3 + ["B"] * 3 + ["C"] * 3, "r": [0, 5, 10] * 3})
    assert sector_eps(table, curves) == {"A": 12.0, "B": 5.0, "C": 5.0}
    assert sector_eps(table, eps=3.0) == {"A": 3.0, "B": 3.0, "C": 3.0}
    assert sector_eps(table, eps_floor=20.0) == {"A": 20.0, "B": 20.0, "C": 20.0}
    assert sector_eps(table, curves, eps={"B": 1.5}) == {"A": 12.0, "B": 1.5, "C": 5.0}
    with pytest.raises(ValueError, match="sector 'B'.*no usable distance"):
        sector_eps(table)


def test_localised_flags_from_csv_text():
    table = pd.DataFrame({"sector": ["A", "B", "C", "D"], "localised": ["True", "False", "true", pd.NA],
                          "q_value": [0.01, 0.01, 0.2, 0.01]})
    assert localised_sectors(table) == ["A", "C"]
    assert localised_sectors(table, q_max=0.05) == ["A"]
    with pytest.raises(ValueError, match="q_value"):
        localised_sectors(table.drop(columns="q_value"), q_max=0.05)


def test_screen_result_object_is_accepted():
    class Result:
        table = SCREEN
        curves = pd.DataFrame({"sector": ["A", "A"], "r": [0.0, 5.0]})

    sites = Sites.from_frame(planted_register(), x_col="x", y_col="y")
    zero_peak = Result()
    zero_peak.table = SCREEN.assign(peak_distance=[0.0, 0.0, 0.0])
    result = locate_footprints(sites, zero_peak)
    assert result.eps_km == {"A": 5.0}
    assert [fp.count for fp in result] == [30, 20]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda d: d.drop(columns="sector"), {}, r"column\(s\) \['sector'\] not found"),
        (lambda d: d.assign(id=["x"] * len(d)), {}, r"ids must be unique \(read as text\); duplicates at rows"),
        (lambda d: d.assign(x=d.x.where(d.index != 7, np.nan)), {}, r"column 'x'.*at rows \[7\]"),
        (lambda d: d.assign(x=d.x.astype(object).where(d.index != 3, "abc")), {}, r"rows \[3\]"),
        (lambda d: d.assign(emp=-1.0), {"weight_col": "emp"}, "negative employment"),
        (lambda d: d.assign(sector=d.sector.where(d.index != 2, None)), {}, r"'sector'.*rows \[2\]"),
    ],
)
def test_bad_registers_are_rejected_with_row_numbers(change, kwargs, message):
    df = change(planted_register())
    with pytest.raises(ValueError, match=message):
        Sites.from_frame(df, x_col="x", y_col="y", **kwargs)


def test_bad_coordinates_options():
    df = planted_register()
    with pytest.raises(ValueError, match="either lon/lat columns or x/y"):
        Sites.from_frame(df, x_col="x", y_col="y", lon_col="x", lat_col="y")
    with pytest.raises(ValueError, match="unit must be one of"):
        Sites.from_frame(df, x_col="x", y_col="y", unit="miles")
    with pytest.raises(ValueError, match=r"'y': values outside \[-90, 90\]"):
        Sites.from_frame(df.assign(x=df.x / 10), lon_col="x", lat_col="y")
    with pytest.raises(ValueError, match="unknown coordinate reference system"):
        Sites.from_frame(df, x_col="x", y_col="y", crs="EPSG:999999")
    with pytest.raises(ValueError, match="geographic CRS"):
        Sites.from_frame(df, x_col="x", y_col="y", crs="EPSG:4326")
    sites = Sites.from_frame(df, x_col="x", y_col="y")
    with pytest.raises(ValueError, match="not in the screen table"):
        locate_footprints(sites, SCREEN, sectors=["Z"])
    with pytest.raises(ValueError, match="no employment column"):
        locate_footprints(sites, SCREEN, weighted=True)


def test_sites_from_a_point_register_match_sites_from_the_frame():
    from triplec.mapping import PointRegister

    df = planted_register(unit_scale=1000.0)
    df["x"] += 500000.0
    df["y"] += 2000000.0
    df["emp"] = np.arange(len(df)) % 300
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", x_col="x", y_col="y", unit="m",
                                   weight_col="emp")
    from_reg = Sites.from_register(reg, regions=df["commune"].tolist(), crs="EPSG:27572")
    direct = Sites.from_frame(df, x_col="x", y_col="y", unit="m", weight_col="emp", region_col="commune",
                              crs="EPSG:27572")
    assert from_reg.unit == "km"
    assert np.allclose(from_reg.frame["x"] * 1000, direct.frame["x"])
    assert np.allclose(np.column_stack(from_reg.lonlat()), np.column_stack(direct.lonlat()), atol=1e-9)
    a = locate_footprints(from_reg, SCREEN)
    b = locate_footprints(direct, SCREEN)
    assert [fp.establishments for fp in a] == [fp.establishments for fp in b]
    assert [fp.regions for fp in a] == [fp.regions for fp in b]
    assert a.footprints[0].employment == b.footprints[0].employment

    geo = PointRegister.from_frame(df.assign(lon=df.x / 1e6, lat=df.y / 1e6 + 40), id_col="id",
                                   sector_col="sector", lon_col="lon", lat_col="lat")
    sites = Sites.from_register(geo)
    assert sites.geographic and np.allclose(sites.frame["x"], df.x / 1e6)


def test_plain_dbscan_matches_scikit_learn():
    from sklearn.cluster import DBSCAN

    from triplec.mapping.locate import dense_groups

    rng = np.random.default_rng(11)
    points = np.vstack([rng.normal(c, 3.0, size=(60, 2)) for c in ([0, 0], [30, 5], [10, 40])] +
                       [rng.uniform(-20, 60, size=(80, 2))])
    weights = rng.gamma(1.5, 1.0, len(points))
    for w in (None, weights):
        ours, core = dense_groups(points, points, 2.5, min_samples=5, weights=w, local_alpha=None)
        ref = DBSCAN(eps=2.5, min_samples=5).fit(points, sample_weight=w)
        ref_core = np.zeros(len(points), dtype=bool)
        ref_core[ref.core_sample_indices_] = True
        assert (core == ref_core).all()
        # same partition of the core points, and the same points left out
        pairs = {(a, b) for a, b in zip(ours[core], ref.labels_[core], strict=True)}
        assert len(pairs) == len(set(ours[core])) == len(set(ref.labels_[core]))
        assert ((ours == -1) == (ref.labels_ == -1)).all()


def test_neighbour_lists_in_small_chunks_give_the_same_groups(monkeypatch):
    from triplec.mapping import locate
    from triplec.mapping.locate import _chunks, dense_groups

    assert [c.tolist() for c in _chunks(np.array([3, 3, 3, 10, 1]), budget=6)] == [[0, 1], [2], [3], [4]]
    rng = np.random.default_rng(12)
    points = np.vstack([rng.normal(c, 2.0, size=(80, 2)) for c in ([0, 0], [20, 0])] + [rng.uniform(-10, 30, (60, 2))])
    sites = np.vstack([points, rng.uniform(-10, 30, (400, 2))])
    weights = rng.gamma(2.0, 1.0, len(points))
    whole = dense_groups(points, sites, 2.0, weights=weights, local_alpha=0.05)
    monkeypatch.setattr(locate, "_PAIRS_PER_CHUNK", 50)
    chunked = dense_groups(points, sites, 2.0, weights=weights, local_alpha=0.05)
    assert (whole[0] == chunked[0]).all() and (whole[1] == chunked[1]).all()
    assert whole[0].max() >= 1  # the two planted groups


def test_local_test_ignores_places_dense_in_every_sector():
    """A city where every sector is equally present is no footprint; a sector's own district is."""
    rng = np.random.default_rng(5)
    rows = []
    for sector in ("A", "B", "C", "D"):
        rows += [(f"{sector}c{i}", sector, *rng.normal([100, 100], 3.0)) for i in range(50)]  # the city
        rows += [(f"{sector}r{i}", sector, *rng.uniform(0, 500, 2)) for i in range(50)]  # countryside
    rows += [(f"Ad{i}", "A", *rng.normal([350, 350], 3.0)) for i in range(25)]  # A's own district
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y"])
    sites = Sites.from_frame(df, x_col="x", y_col="y")
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [5.0]})
    plain = locate_footprints(sites, screen, local_alpha=None)
    assert sorted(round(fp.centroid[0]) // 50 for fp in plain) == [2, 7]  # the city and the district
    local = locate_footprints(sites, screen)
    assert len(local) == 1 and local.footprints[0].count >= 22
    assert all(est.startswith("Ad") for est in local.footprints[0].establishments)
    assert local.footprints[0].centroid == pytest.approx((350, 350), abs=2)


def test_scale_comes_from_the_curves_up_to_eps_max():
    r = np.arange(0, 301, 5.0)
    band = np.full(len(r), 0.01)
    near = 0.01 + 0.004 * np.exp(-((r - 20) / 5) ** 2)  # strongest excess at 20 km
    far = 0.01 + 0.01 * np.exp(-((r - 200) / 20) ** 2) + 0.002 * np.exp(-((r - 10) / 5) ** 2)
    macro = 0.01 + 0.01 * np.exp(-((r - 200) / 20) ** 2)  # localised only around 200 km
    curves = pd.concat([pd.DataFrame({"sector": s, "r": r, "kd": kd, "global_do_hi": band})
                        for s, kd in (("N", near), ("F", far), ("M", macro))])
    table = pd.DataFrame({"sector": ["N", "F", "M"], "peak_distance": [20.0, 200.0, 200.0]})
    assert sector_eps(table, curves) == {"N": 20.0, "F": 10.0, "M": None}
    assert sector_eps(table, curves, eps_max=None) == {"N": 20.0, "F": 200.0, "M": 200.0}
    assert sector_eps(table) == {"N": 20.0, "F": None, "M": None}
    sites = Sites.from_frame(planted_register().assign(sector="M"), x_col="x", y_col="y")
    result = locate_footprints(sites, table.assign(localised=True), curves=curves, sectors=["M"])
    assert len(result) == 0 and "beyond 50 km" in result.skipped["M"]
