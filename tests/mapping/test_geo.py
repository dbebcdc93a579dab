"""GeoDataFrame in, GeoParquet out (the optional [geo] extra), and the library without geopandas."""

import json
import sys

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, RegisterError
from triplec.mapping.pipeline import run_map

pytestmark = pytest.mark.nodb


def register_frame(seed=4):
    """Lon/lat around Caxias do Sul: sector P in one district, three background sectors."""
    rng = np.random.default_rng(seed)
    lon0, lat0 = -51.18, -29.17
    rows = [(f"p{i}", "P", lon0 + d[0] * 0.01, lat0 + d[1] * 0.01) for i, d in enumerate(rng.normal(0, 1, (40, 2)))]
    rows += [(f"b{i}", f"B{i % 3}", lon0 + d[0], lat0 + d[1]) for i, d in enumerate(rng.uniform(-1, 1, (300, 2)))]
    return pd.DataFrame(rows, columns=["id", "sector", "lon", "lat"])


def test_a_geodataframe_in_another_crs_is_the_same_register_as_its_lon_lat():
    geopandas = pytest.importorskip("geopandas")
    df = register_frame()
    points = geopandas.GeoDataFrame(df[["id", "sector"]], geometry=geopandas.points_from_xy(df.lon, df.lat),
                                    crs="EPSG:4326").to_crs("EPSG:31982")  # SIRGAS 2000 / UTM 22S, metres
    from_geo = PointRegister.from_frame(points)
    from_lonlat = PointRegister.from_frame(df, lon_col="lon", lat_col="lat")
    assert from_geo.geographic and list(from_geo.ids) == list(from_lonlat.ids)
    assert np.allclose(from_geo.lonlat, from_lonlat.lonlat, atol=1e-7)
    assert np.allclose(from_geo.coords, from_lonlat.coords, atol=1e-3)  # km on the sphere


def test_a_geodataframe_must_hold_points_and_no_coordinate_columns():
    geopandas = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    df = register_frame().head(3)
    points = geopandas.GeoDataFrame(df, geometry=geopandas.points_from_xy(df.lon, df.lat), crs="EPSG:4326")
    with pytest.raises(RegisterError, match="no x/y or lon/lat columns"):
        PointRegister.from_frame(points, lon_col="lon", lat_col="lat")
    points.loc[1, "geometry"] = shapely.box(0, 0, 1, 1)
    with pytest.raises(RegisterError, match=r"must be points; not at row\(s\) 2"):
        PointRegister.from_frame(points)


def map_it(out):
    return run_map(register_frame(), out, lon_col="lon", lat_col="lat", r_max=20, r_step=1, sims=99, seed=3,
                   min_n=30)


def test_footprints_are_written_as_geoparquet_beside_the_geojson(tmp_path):
    geopandas = pytest.importorskip("geopandas")
    outputs = map_it(tmp_path)
    assert outputs.files["footprints.parquet"] == tmp_path / "footprints.parquet"
    written = geopandas.read_parquet(tmp_path / "footprints.parquet")
    geojson = json.loads((tmp_path / "footprints.geojson").read_text(encoding="utf-8"))
    assert len(outputs.footprints) > 0
    assert list(written["id"]) == [f["id"] for f in geojson["features"]] == [fp.id for fp in outputs.footprints]
    assert written.crs.to_epsg() == 4326
    first = outputs.footprints.footprints[0]
    assert written.geometry.iloc[0].hausdorff_distance(first.polygon_lonlat) < 1e-5  # GeoJSON: 6 decimals
    assert list(written["establishments"].iloc[0]) == first.establishments


def test_the_library_works_without_geopandas(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "geopandas", None)  # import geopandas now raises ImportError
    for name in [m for m in sys.modules if m.startswith("triplec.mapping")]:
        monkeypatch.delitem(sys.modules, name)
    from triplec.mapping.pipeline import run_map as fresh_run_map

    outputs = fresh_run_map(register_frame(), tmp_path, lon_col="lon", lat_col="lat", r_max=20, r_step=1,
                            sims=99, seed=3, min_n=30)
    assert len(outputs.footprints) > 0 and (tmp_path / "footprints.geojson").is_file()
    assert "footprints.parquet" not in outputs.files and not (tmp_path / "footprints.parquet").exists()
