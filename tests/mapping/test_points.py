"""Point registers: validation at the boundary, units, great-circle distances."""

import math

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, RegisterError, haversine_km
from triplec.mapping.points import EARTH_RADIUS_KM

pytestmark = pytest.mark.nodb


def frame(**overrides):
    df = pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "sector": ["S1", "S1", "S2", "S2"],
        "x": [0.0, 3.0, 10.0, 20.0],
        "y": [0.0, 4.0, 10.0, 20.0],
        "emp": [1, 5, 10, 0],
    })
    for k, v in overrides.items():
        df[k] = v
    return df


def build(df, **kw):
    args = dict(id_col="id", sector_col="sector", x_col="x", y_col="y")
    args.update(kw)
    return PointRegister.from_frame(df, **args)


def test_projected_register_in_km_and_m():
    reg = build(frame(), weight_col="emp")
    assert reg.n == 4 and reg.geometry == "planar" and reg.weighted
    assert reg.distance(0, 1) == pytest.approx(5.0)
    reg_m = build(frame(x=[0.0, 3000.0, 10000.0, 20000.0], y=[0.0, 4000.0, 10000.0, 20000.0]), unit="m")
    assert reg_m.distance(0, 1) == pytest.approx(5.0)
    assert reg.employment("S1") == 6.0
    assert list(reg.indices("S2")) == [2, 3]
    assert math.isnan(build(frame()).employment("S1"))


def test_missing_column_is_named():
    with pytest.raises(RegisterError, match=r"missing column\(s\) 'yy' \(y_col\)"):
        build(frame(), y_col="yy")
    with pytest.raises(RegisterError, match=r"'employees' \(weight_col\)"):
        build(frame(), weight_col="employees")


def test_non_numeric_coordinate_names_row_and_id():
    with pytest.raises(RegisterError, match=r"'x' is not numeric at row 3 \(id 'c'\).*'ten'"):
        build(frame(x=[0.0, 3.0, "ten", 20.0]))


def test_missing_coordinate_names_row():
    with pytest.raises(RegisterError, match=r"'y' is missing .* row 2 \(id 'b'\)"):
        build(frame(y=[0.0, np.nan, 10.0, 20.0]))


def test_infinite_coordinate_is_refused():
    with pytest.raises(RegisterError, match=r"infinite at row 4"):
        build(frame(x=[0.0, 3.0, 10.0, np.inf]))


def test_lonlat_out_of_range_names_row():
    df = frame()
    df["lon"] = [2.35, 2.36, 190.0, 2.0]
    df["lat"] = [48.85, 48.86, 45.0, 44.0]
    with pytest.raises(RegisterError, match=r"longitude column 'lon' is out of range .* row 3 \(id 'c'\)"):
        PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
    df["lon"] = [2.35, 2.36, 2.0, 2.0]
    df["lat"] = [48.85, -91.0, 45.0, 44.0]
    with pytest.raises(RegisterError, match=r"latitude .* row 2 \(id 'b'\)"):
        PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")


def test_duplicate_ids_are_refused():
    with pytest.raises(RegisterError, match=r"duplicate ids .* 'b' appears in rows 2, 4"):
        build(frame(id=["a", "b", "c", "b"]))


def test_negative_weight_is_refused():
    with pytest.raises(RegisterError, match=r"negative at row 2 \(id 'b'\)"):
        build(frame(emp=[1, -2, 3, 4]), weight_col="emp")


def test_empty_sector_and_bad_options():
    with pytest.raises(RegisterError, match=r"sector column 'sector' is empty at row 1"):
        build(frame(sector=[None, "S1", "S2", "S2"]))
    with pytest.raises(RegisterError, match="unit must be one of"):
        build(frame(), unit="miles")
    with pytest.raises(RegisterError, match="not both"):
        build(frame(), lon_col="x", lat_col="y")
    with pytest.raises(RegisterError, match="empty"):
        build(frame().iloc[:0])


def test_sector_codes_are_text():
    reg = build(frame(sector=[311811.0, 311811.0, 4411.0, 4411.0]))
    assert set(reg.sectors) == {"311811", "4411"}
    assert reg.sector_counts.to_dict() == {"311811": 2, "4411": 2}
    with pytest.raises(KeyError, match="'999' is not in the register"):
        reg.indices("999")


def test_great_circle_distances_match_haversine():
    rng = np.random.default_rng(4)
    lon = rng.uniform(-10, 30, 50)
    lat = rng.uniform(35, 60, 50)
    df = pd.DataFrame({"id": range(50), "sector": "A", "lon": lon, "lat": lat})
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
    assert reg.geometry == "sphere"
    for i, j in [(0, 1), (3, 40), (10, 11), (5, 49)]:
        assert reg.distance(i, j) == pytest.approx(haversine_km(lon[i], lat[i], lon[j], lat[j]), rel=1e-12)
    # one degree of a great circle
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180, rel=1e-12)
    # Paris - London, about 343.5 km
    assert haversine_km(2.3522, 48.8566, -0.1276, 51.5072) == pytest.approx(343.5, abs=1.0)
