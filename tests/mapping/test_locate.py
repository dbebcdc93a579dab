"""Footprints: density clustering of localised sectors at the scale the distance test found."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely

from triplec.mapping import kd_curve
from triplec.mapping.locate import (
    EARTH_RADIUS_KM,
    PointRegister,
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
    sites = PointRegister.from_frame(planted_register(), x_col="x", y_col="y", unit="km", region_col="commune")
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
    km = PointRegister.from_frame(planted_register(), x_col="x", y_col="y", unit="km")
    m = PointRegister.from_frame(planted_register(unit_scale=1000.0), x_col="x", y_col="y", unit="m")
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
    a = locate_footprints(PointRegister.from_frame(df, x_col="x", y_col="y"), SCREEN)
    b = locate_footprints(PointRegister.from_frame(shuffled, x_col="x", y_col="y"), SCREEN)
    assert [sorted(fp.establishments) for fp in a] == [sorted(fp.establishments) for fp in b]


def test_eps_too_small_or_too_large_changes_the_delineation():
    sites = PointRegister.from_frame(planted_register(), x_col="x", y_col="y")
    tight = locate_footprints(sites, SCREEN, eps=0.3)
    assert sum(fp.count for fp in tight) < 50  # parts of the groups fall out as noise
    wide = locate_footprints(sites, SCREEN, eps=400.0, local_alpha=None)
    assert len(wide) == 1 and wide.footprints[0].count == 65
    # at 2000 km every establishment neighbours every other: sector A is over-represented nowhere
    assert len(locate_footprints(sites, SCREEN, eps=2000.0, local_alpha=None)) == 1
    assert len(locate_footprints(sites, SCREEN, eps=2000.0)) == 0


def test_min_count_drops_small_groups():
    sites = PointRegister.from_frame(planted_register(), x_col="x", y_col="y")
    result = locate_footprints(sites, SCREEN, min_count=25)
    assert [fp.count for fp in result] == [30]


def test_haversine_distances_in_lon_lat():
    # five establishments 1 km apart along the equator, then a gap of 3 km, then five more
    step = math.degrees(1.0 / EARTH_RADIUS_KM)
    lons = [i * step for i in range(5)] + [(7 + i) * step for i in range(5)]
    df = pd.DataFrame({"id": range(10), "sector": "A", "lon": lons, "lat": 0.0})
    screen = pd.DataFrame({"sector": ["A"], "localised": [True], "peak_distance": [1.01]})
    sites = PointRegister.from_frame(df, lon_col="lon", lat_col="lat")
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
    result = locate_footprints(PointRegister.from_frame(df, lon_col="lon", lat_col="lat"), screen, min_samples=2,
                               local_alpha=None)
    assert [fp.count for fp in result] == [6]
    narrower = locate_footprints(PointRegister.from_frame(df, lon_col="lon", lat_col="lat"), screen, eps=1.9,
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
    sites = PointRegister.from_frame(df, x_col="x", y_col="y", weight_col="employees")
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
    register = PointRegister.from_frame(df, x_col="x", y_col="y", weight_col="emp", allow_missing_weights=True)
    with pytest.raises(ValueError, match=r"unknown at row 3 \(id '2'\)"):
        kd_curve(register, "A", r_max=2.0, r_step=1.0, weighted=True)
    result = locate_footprints(register, screen, min_samples=2, local_alpha=None)
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
    sites = PointRegister.from_frame(df, x_col="x", y_col="y", unit="m", crs="EPSG:27572")
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
    sites = PointRegister.from_frame(planted_register(), x_col="x", y_col="y")
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

    sites = PointRegister.from_frame(planted_register(), x_col="x", y_col="y")
    zero_peak = Result()
    zero_peak.table = SCREEN.assign(peak_distance=[0.0, 0.0, 0.0])
    result = locate_footprints(sites, zero_peak)
    assert result.eps_km == {"A": 5.0}
    assert [fp.count for fp in result] == [30, 20]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda d: d.drop(columns="sector"), {}, r"missing column\(s\) 'sector' \(sector_col\)"),
        (lambda d: d.assign(id=["x"] * len(d)), {}, r"duplicate ids in column 'id'"),
        (lambda d: d.assign(x=d.x.where(d.index != 7, np.nan)), {}, r"x column 'x' is missing .*at row 8 "),
        (lambda d: d.assign(x=d.x.astype(object).where(d.index != 3, "abc")), {}, r"'x' is not numeric at row 4 "),
        (lambda d: d.assign(emp=-1.0), {"weight_col": "emp"}, "weight column 'emp' is negative"),
        (lambda d: d.assign(sector=d.sector.where(d.index != 2, None)), {}, r"sector column 'sector' is empty at row 3 "),
    ],
)
def test_bad_registers_are_rejected_with_row_numbers(change, kwargs, message):
    df = change(planted_register())
    with pytest.raises(ValueError, match=message):
        PointRegister.from_frame(df, x_col="x", y_col="y", **kwargs)


def test_bad_coordinates_options():
    df = planted_register()
    with pytest.raises(ValueError, match="not both"):
        PointRegister.from_frame(df, x_col="x", y_col="y", lon_col="x", lat_col="y")
    with pytest.raises(ValueError, match="unit must be one of"):
        PointRegister.from_frame(df, x_col="x", y_col="y", unit="miles")
    with pytest.raises(ValueError, match=r"latitude column 'y' is out of range \[-90.0, 90.0\]"):
        PointRegister.from_frame(df.assign(x=df.x / 10), lon_col="x", lat_col="y")
    with pytest.raises(ValueError, match="unknown coordinate reference system"):
        PointRegister.from_frame(df, x_col="x", y_col="y", crs="EPSG:999999")
    with pytest.raises(ValueError, match="geographic CRS"):
        PointRegister.from_frame(df, x_col="x", y_col="y", crs="EPSG:4326")
    sites = PointRegister.from_frame(df, x_col="x", y_col="y")
    with pytest.raises(ValueError, match="not in the screen table"):
        locate_footprints(sites, SCREEN, sectors=["Z"])
    with pytest.raises(ValueError, match="no employment column"):
        locate_footprints(sites, SCREEN, weighted=True)


def test_one_register_in_metres_or_km_gives_the_same_positions_and_footprints():
    df = planted_register(unit_scale=1000.0)
    df["x"] += 500000.0
    df["y"] += 2000000.0
    df["emp"] = np.arange(len(df)) % 300
    metres = PointRegister.from_frame(df, x_col="x", y_col="y", unit="m", weight_col="emp", region_col="commune",
                                      crs="EPSG:27572")
    km = PointRegister.from_frame(df.assign(x=df.x / 1000, y=df.y / 1000), x_col="x", y_col="y", unit="km",
                                  weight_col="emp", region_col="commune", crs="EPSG:27572")
    assert metres.unit == "m" and km.unit == "km"
    assert np.allclose(km.frame["x"] * 1000, metres.frame["x"])
    assert np.allclose(metres.coords, km.coords)
    assert np.allclose(np.column_stack(km.lonlat_degrees()), np.column_stack(metres.lonlat_degrees()), atol=1e-9)
    a = locate_footprints(km, SCREEN)
    b = locate_footprints(metres, SCREEN)
    assert [fp.establishments for fp in a] == [fp.establishments for fp in b]
    assert [fp.regions for fp in a] == [fp.regions for fp in b]
    assert a.footprints[0].employment == b.footprints[0].employment

    geo = PointRegister.from_frame(df.assign(lon=df.x / 1e6, lat=df.y / 1e6 + 40), lon_col="lon", lat_col="lat")
    assert geo.geographic and geo.unit == "deg" and np.allclose(geo.frame["x"], df.x / 1e6)
    assert np.array_equal(np.column_stack(geo.lonlat_degrees()), geo.lonlat)


def test_plain_dbscan_matches_scikit_learn():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")

    from triplec.mapping.locate import dense_groups

    rng = np.random.default_rng(11)
    for dim in (2, 3):
        centres = ([0, 0, 0], [30, 5, 0], [10, 40, 5])
        points = np.vstack([rng.normal(c[:dim], 3.0, size=(60, dim)) for c in centres] +
                           [rng.uniform(-20, 60, size=(80, dim))])
        weights = rng.gamma(1.5, 1.0, len(points))
        for w in (None, weights):
            ours, core = dense_groups(points, points, 2.5, min_samples=5, weights=w, local_alpha=None)
            ref = sklearn_cluster.DBSCAN(eps=2.5, min_samples=5).fit(points, sample_weight=w)
            ref_core = np.zeros(len(points), dtype=bool)
            ref_core[ref.core_sample_indices_] = True
            assert (core == ref_core).all()
            # same partition of the core points, and the same points left out
            pairs = {(a, b) for a, b in zip(ours[core], ref.labels_[core], strict=True)}
            assert len(pairs) == len(set(ours[core])) == len(set(ref.labels_[core]))
            assert ((ours == -1) == (ref.labels_ == -1)).all()
            assert core.sum() > 20 and len(set(ours[core])) >= 2


# --------------------------------------------------------------------------------------------------
# dense_groups against a brute-force reference written from its definition (full distance matrix)


def reference_dense_groups(points, sites, radius, min_samples, weights, local_alpha):
    """The definition of :func:`dense_groups`, pair by pair, on the full matrix of squared distances."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.stats import hypergeom

    def squared(a, b):  # ((dx^2 + dy^2) + dz^2): the order of the sum is that of scipy's cKDTree
        out = np.zeros((len(a), len(b)))
        for axis in range(a.shape[1]):
            diff = b[None, :, axis] - a[:, None, axis]
            out = out + diff * diff
        return out

    n = len(points)
    rr = radius * radius
    own = squared(points, points)
    near = own <= rr
    mass = near.sum(axis=1).astype(float) if weights is None else near @ np.asarray(weights, float)
    core = mass >= min_samples - 1e-9
    if local_alpha is not None:
        k = near.sum(axis=1) - 1
        m = np.maximum((squared(points, sites) <= rr).sum(axis=1) - 1, k)
        core &= hypergeom.sf(k - 1, len(sites) - 1, n - 1, m) <= local_alpha
    cores = np.flatnonzero(core)
    group = np.full(n, -1)
    if len(cores):
        _, component = connected_components(csr_matrix(near[np.ix_(cores, cores)]), directed=False)
        group[cores] = component
        bound = (radius * (1 + 1e-12)) ** 2
        for i in np.flatnonzero(~core):
            d2 = own[i, cores]
            best = d2.min()
            if best < bound:
                tied = cores[d2 == best]  # exact ties: the core with the smallest coordinates
                pick = tied[np.lexsort(points[tied].T[::-1])[0]]
                group[i] = group[pick]
    labels = np.full(n, -1)
    used = group >= 0
    _, first, inverse = np.unique(group[used], return_index=True, return_inverse=True)
    labels[used] = np.argsort(np.argsort(first))[inverse]
    return labels, core


def clustered(rng, n, dim, side=100.0, spread=3.0, towns=6):
    centres = rng.uniform(0, side, (towns, dim))
    town = rng.integers(0, towns, n // 2)
    return np.vstack([centres[town] + rng.normal(0, spread, (len(town), dim)),
                      rng.uniform(0, side, (n - len(town), dim))])


def on_sphere(rng, n, radius_km=6371.0088):
    """3-D chord coordinates of points scattered around a few places on a sphere (as for lon/lat)."""
    lon = np.radians(np.concatenate([rng.normal(2.0, 0.3, n // 2), rng.uniform(-5, 8, n - n // 2)]))
    lat = np.radians(np.concatenate([rng.normal(46.0, 0.2, n // 2), rng.uniform(42, 51, n - n // 2)]))
    c = np.cos(lat)
    return radius_km * np.column_stack([c * np.cos(lon), c * np.sin(lon), np.sin(lat)])


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("layout", ["uniform", "clustered"])
def test_dense_groups_equal_the_brute_force_definition(dim, layout):
    from triplec.mapping.locate import dense_groups

    rng = np.random.default_rng(100 * dim + len(layout))
    make = (lambda n: rng.uniform(0, 60, (n, dim))) if layout == "uniform" else (lambda n: clustered(rng, n, dim))
    points = make(1200)
    sites = np.vstack([points, make(2500)])
    weights = rng.lognormal(0.0, 1.0, len(points))
    weights /= weights.mean()
    groups_seen = 0
    for radius in (2.0, 4.5):
        for w in (None, weights):
            for alpha in (None, 0.05):
                labels, core = dense_groups(points, sites, radius, min_samples=5, weights=w, local_alpha=alpha)
                ref_labels, ref_core = reference_dense_groups(points, sites, radius, 5, w, alpha)
                assert (core == ref_core).all()
                assert (labels == ref_labels).all()
                groups_seen += labels.max() + 1
    assert groups_seen > 20  # the cases do form groups (and not one giant group each)


def test_dense_groups_equal_the_definition_on_the_sphere():
    from triplec.mapping.locate import _chord, dense_groups

    rng = np.random.default_rng(7)
    points = on_sphere(rng, 1500)
    sites = np.vstack([points, on_sphere(rng, 2500)])
    weights = rng.gamma(1.0, 1.0, len(points))
    sphere = PointRegister.from_frame(pd.DataFrame({"id": [0], "sector": ["A"], "lon": [0.0], "lat": [0.0]}),
                              lon_col="lon", lat_col="lat")
    radius = _chord(sphere, 8.0)
    for w in (None, weights):
        for alpha in (None, 0.05):
            labels, core = dense_groups(points, sites, radius, min_samples=4, weights=w, local_alpha=alpha)
            ref_labels, ref_core = reference_dense_groups(points, sites, radius, 4, w, alpha)
            assert (core == ref_core).all() and (labels == ref_labels).all()
            assert labels.max() >= 1


def test_points_at_exactly_the_radius_are_neighbours():
    """A unit lattice at radius 1: the four lattice neighbours count (distance exactly 1), diagonals not."""
    from triplec.mapping.locate import dense_groups

    xs, ys = np.meshgrid(np.arange(12.0), np.arange(9.0))
    lattice = np.column_stack([xs.ravel(), ys.ravel()])
    labels, core = dense_groups(lattice, lattice, 1.0, min_samples=5, local_alpha=None)
    interior = (lattice[:, 0] > 0) & (lattice[:, 0] < 11) & (lattice[:, 1] > 0) & (lattice[:, 1] < 8)
    assert (core == interior).all()
    corners = (lattice[:, 0] % 11 == 0) & (lattice[:, 1] % 8 == 0)
    assert (labels[~corners] == 0).all() and (labels[corners] == -1).all()  # edges border the interior
    for radius in (1.0, math.sqrt(2.0), 2.0):
        for dim in (2, 3):
            pts = np.column_stack([lattice] + ([lattice[:, 0] % 3] if dim == 3 else []))
            for ms in (4, 6, 9):
                ours = dense_groups(pts, pts, radius, min_samples=ms, local_alpha=None)
                ref = reference_dense_groups(pts, pts, radius, ms, None, None)
                assert (ours[0] == ref[0]).all() and (ours[1] == ref[1]).all()


def test_equidistant_border_point_joins_the_core_with_the_smallest_coordinates():
    from triplec.mapping.locate import dense_groups

    # two groups of cores, at (-1, 0) (+ four at -1.5) and (1, 0) (+ four at 1.5); the point at (0, 0)
    # is 1 from both, not dense itself (mass 3 < 5)
    points = np.array([[0.0, 0.0], [-1.0, 0.0], [1.0, 0.0]] + [[-1.5, 0.0]] * 4 + [[1.5, 0.0]] * 4)
    for seed in range(6):
        order = np.random.default_rng(seed).permutation(len(points))
        labels, core = dense_groups(points[order], points[order], 1.0, min_samples=5, local_alpha=None)
        back = np.empty_like(labels)
        back[order] = labels
        assert not core[np.flatnonzero(order == 0)[0]] and core.sum() == 10
        assert back[0] == back[1] != back[2]  # joins the group on the left (smaller x)


def test_grid_kernels_do_not_depend_on_the_cell_side():
    """Counts and groups are exact whatever the cells: wide cells (not cliques) take the pair-by-pair paths."""
    from triplec.mapping import _numba_locate as nl

    rng = np.random.default_rng(21)
    xyz, _ = nl.as_xyz(clustered(rng, 1500, 2, spread=2.0), "points")
    radius = 3.0
    w = rng.gamma(2.0, 1.0, len(xyz))
    results = []
    for side in (radius / 7.0, nl.clique_side(radius, 2), radius, 3.0 * radius):
        grid = nl.build_grid(xyz, side)
        count, mass = nl.neighbour_counts(grid, grid, radius, weights=w)
        core = count >= 6
        results.append((count, mass, nl.core_groups(grid, core, radius, radius * (1 + 1e-12)), core))
    for count, mass, groups, _core in results[1:]:
        assert (count == results[0][0]).all()
        assert np.allclose(mass, results[0][1], rtol=1e-12)
        same = groups >= 0
        assert (same == (results[0][2] >= 0)).all()
        pairs = set(zip(groups[same], results[0][2][same], strict=True))
        assert len(pairs) == len(set(groups[same]))  # one-to-one: the same partition
    d2 = ((xyz[:, None, :2] - xyz[None, :, :2]) ** 2).sum(axis=2)
    assert (results[0][0] == (d2 <= radius * radius).sum(axis=1)).all()


def test_cells_over_a_huge_span_are_sorted_without_a_packed_key():
    from triplec.mapping import _numba_locate as nl
    from triplec.mapping.locate import dense_groups

    rng = np.random.default_rng(4)
    # two clusters 1.7e7 cell widths apart on each axis: the packed int64 cell key would overflow
    points = np.vstack([rng.normal(0.0, 1.0, (150, 3)), rng.normal(1.7e7, 1.0, (150, 3))])
    cells = np.floor(points / 1.0).astype(np.int64)
    order = nl._lexicographic_order(cells)
    assert (order == np.lexsort((cells[:, 2], cells[:, 1], cells[:, 0]))).all()
    labels, core = dense_groups(points, points, 2.5, min_samples=5, local_alpha=None)
    ref_labels, ref_core = reference_dense_groups(points, points, 2.5, 5, None, None)
    assert (labels == ref_labels).all() and (core == ref_core).all() and labels.max() == 1
    small = cells[:150]  # and the packed key sorts like np.lexsort when it fits
    assert (nl._lexicographic_order(small) == np.lexsort((small[:, 2], small[:, 1], small[:, 0]))).all()


def test_reusing_a_sites_index_gives_the_same_groups():
    from scipy.spatial import cKDTree

    from triplec.mapping import _numba_locate as nl
    from triplec.mapping.locate import dense_groups

    rng = np.random.default_rng(12)
    points = np.vstack([rng.normal(c, 2.0, size=(80, 2)) for c in ([0, 0], [20, 0])] + [rng.uniform(-10, 30, (60, 2))])
    sites = np.vstack([points, rng.uniform(-200, 300, (3000, 2))])
    weights = rng.gamma(2.0, 1.0, len(points))
    plain = dense_groups(points, sites, 2.0, weights=weights, local_alpha=0.05)
    index = nl.SitesIndex.from_points(sites)
    for reuse in (index, index, cKDTree(sites)):
        again = dense_groups(points, sites, 2.0, weights=weights, local_alpha=0.05, sites_tree=reuse)
        assert (plain[0] == again[0]).all() and (plain[1] == again[1]).all()
    assert plain[0].max() >= 1  # the two planted groups


def test_sectors_with_different_radii_keep_the_requested_order():
    """Sectors are computed radius by radius (one grid of all sites per radius) but reported as asked."""
    rng = np.random.default_rng(9)
    frames = []
    for sector, centre in (("A", (100, 100)), ("B", (300, 200)), ("C", (500, 400))):
        pts = np.vstack([rng.normal(centre, 2.0, (40, 2)), rng.uniform(0, 600, (40, 2))])
        frames.append(pd.DataFrame({"id": [f"{sector}{i}" for i in range(len(pts))], "sector": sector,
                                    "x": pts[:, 0], "y": pts[:, 1]}))
    sites = PointRegister.from_frame(pd.concat(frames, ignore_index=True), x_col="x", y_col="y")
    screen = pd.DataFrame({"sector": ["A", "B", "C"], "localised": True, "peak_distance": [6.0, 3.0, 9.0]})
    together = locate_footprints(sites, screen, sectors=["C", "A", "B"])
    assert [fp.sector for fp in together] == ["C", "A", "B"]
    for fp in together:
        alone = locate_footprints(sites, screen, sectors=[fp.sector]).footprints
        assert [sorted(f.establishments) for f in alone] == [sorted(fp.establishments)]
        assert fp.eps_km == {"A": 6.0, "B": 3.0, "C": 9.0}[fp.sector] and fp.count >= 35


def test_dense_groups_rejects_bad_input():
    from triplec.mapping.locate import dense_groups

    good = np.zeros((3, 2))
    with pytest.raises(ValueError, match="non-finite coordinates at row 1"):
        dense_groups(np.array([[0.0, 0.0], [np.nan, 1.0]]), good, 1.0)
    with pytest.raises(ValueError, match="d = 1, 2 or 3"):
        dense_groups(np.zeros((3, 4)), np.zeros((3, 4)), 1.0)
    with pytest.raises(ValueError, match="radius must be a positive"):
        dense_groups(good, good, 0.0)
    with pytest.raises(ValueError, match="weights must be 3 finite numbers"):
        dense_groups(good, good, 1.0, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="too small for the size of the coordinates"):
        dense_groups(good + 1e6, good + 1e6, 1e-6)
    labels, core = dense_groups(np.zeros((0, 2)), good, 1.0)
    assert len(labels) == 0 and len(core) == 0


def test_local_test_ignores_places_dense_in_every_sector():
    """A city where every sector is equally present is no footprint; a sector's own district is."""
    rng = np.random.default_rng(5)
    rows = []
    for sector in ("A", "B", "C", "D"):
        rows += [(f"{sector}c{i}", sector, *rng.normal([100, 100], 3.0)) for i in range(50)]  # the city
        rows += [(f"{sector}r{i}", sector, *rng.uniform(0, 500, 2)) for i in range(50)]  # countryside
    rows += [(f"Ad{i}", "A", *rng.normal([350, 350], 3.0)) for i in range(25)]  # A's own district
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y"])
    sites = PointRegister.from_frame(df, x_col="x", y_col="y")
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
    sites = PointRegister.from_frame(planted_register().assign(sector="M"), x_col="x", y_col="y")
    result = locate_footprints(sites, table.assign(localised=True), curves=curves, sectors=["M"])
    assert len(result) == 0 and "beyond 50 km" in result.skipped["M"]


def test_regions_of_a_footprint_come_main_place_first():
    """A footprint's places are ordered by their establishments (employment when weighted), most first,
    so the first names the main place, not the alphabetically first (issue 8, item 14)."""
    rng = np.random.default_rng(3)
    rows = [(f"z{i}", "A", x, y, "Zaragoza", 5.0) for i, (x, y) in enumerate(rng.normal([100, 100], 2.0, (20, 2)))]
    rows += [(f"a{i}", "A", x, y, "Alcalá", 50.0) for i, (x, y) in enumerate(rng.normal([100, 100], 2.0, (8, 2)))]
    rows += [(f"m{i}", "A", x, y, "Madrid", 1.0) for i, (x, y) in enumerate(rng.normal([100, 100], 2.0, (12, 2)))]
    rows += [(f"b{i}", "B", x, y, "Rural", 3.0) for i, (x, y) in enumerate(rng.uniform(0, 800, (200, 2)))]
    frame = pd.DataFrame(rows, columns=["id", "sector", "x", "y", "town", "employees"])
    screen = pd.DataFrame({"sector": ["A", "B"], "n": [40, 200], "localised": [True, False],
                           "peak_distance": [5.0, 0.0]})
    sites = PointRegister.from_frame(frame, x_col="x", y_col="y", unit="km", region_col="town")
    (footprint,) = locate_footprints(sites, screen, min_samples=5).footprints
    assert footprint.regions == ["Zaragoza", "Madrid", "Alcalá"]
    weighted = PointRegister.from_frame(frame, x_col="x", y_col="y", unit="km", region_col="town", weight_col="employees")
    (footprint,) = locate_footprints(weighted, screen, min_samples=5, weighted=True).footprints
    assert footprint.regions == ["Alcalá", "Zaragoza", "Madrid"]  # 400 employed, 100, 12
