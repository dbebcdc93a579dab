"""Coordinate reference systems and geospatial files: projected x/y to lon/lat, GeoDataFrame points in,
GeoParquet footprints out.

pyproj is a dependency of the library; geopandas is optional (the ``[geo]`` extra). A GeoDataFrame is
recognised without importing geopandas, so the library imports and runs without it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

LonLatTransform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
UNIT_TO_KM = {"km": 1.0, "m": 0.001}
GEO_LON, GEO_LAT = "__triplec_lon", "__triplec_lat"  # columns added for a GeoDataFrame's points

__all__ = ["GEO_LAT", "GEO_LON", "UNIT_TO_KM", "LonLatTransform", "geopandas_available", "is_geodataframe",
           "lonlat_transformer", "with_lonlat_columns", "write_geoparquet"]


def lonlat_transformer(crs: str, unit: str = "m") -> LonLatTransform:
    """Return ``f(x, y) -> (lon, lat)`` from a projected CRS (e.g. ``"EPSG:27572"``) to WGS84 degrees.

    ``unit`` is the unit of the register's coordinates; they are rescaled to the CRS's own axis unit
    first, so a register in km with a CRS in metres is handled. Uses PROJ through pyproj, offline
    (no grid downloads; datum shifts fall back to PROJ's built-in Helmert parameters).
    """
    import pyproj

    try:
        source = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"unknown coordinate reference system {crs!r}: {exc}") from exc
    if source.is_geographic:
        raise ValueError(
            f"{crs!r} is a geographic CRS (degrees); give the coordinates as --lon-col/--lat-col instead"
        )
    if unit not in UNIT_TO_KM:
        raise ValueError(f"unit must be one of {sorted(UNIT_TO_KM)}, not {unit!r}")
    axis_metres = source.axis_info[0].unit_conversion_factor if source.axis_info else 1.0
    factor = UNIT_TO_KM[unit] * 1000.0 / axis_metres
    transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.atleast_1d(np.asarray(x, float)) * factor
        y = np.atleast_1d(np.asarray(y, float)) * factor
        n = len(x)
        if n == 1:  # pyproj would take its scalar path for one-element arrays (deprecated in NumPy)
            x, y = np.repeat(x, 2), np.repeat(y, 2)
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, float)[:n], np.asarray(lat, float)[:n]

    return to_lonlat


def is_geodataframe(df: object) -> bool:
    """True for a geopandas GeoDataFrame (checked by class, without importing geopandas)."""
    return any(cls.__name__ == "GeoDataFrame" and cls.__module__.startswith("geopandas")
               for cls in type(df).__mro__)


def with_lonlat_columns(gdf) -> pd.DataFrame:
    """A GeoDataFrame of points as a plain frame with lon/lat columns ``GEO_LON, GEO_LAT`` (EPSG:4326).

    A GeoDataFrame without a CRS is taken to be in lon/lat already; any other CRS is transformed.
    """
    from triplec.mapping.points import RegisterError

    geometry = gdf.geometry
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        geometry = geometry.to_crs("EPSG:4326")
    kinds = geometry.geom_type
    bad = np.flatnonzero(~kinds.isin(["Point"]).to_numpy() | geometry.is_empty.to_numpy())
    if len(bad):
        rows = ", ".join(str(int(i) + 1) for i in bad[:5])
        raise RegisterError(f"the GeoDataFrame's geometry must be points; not at row(s) {rows}")
    import pandas as pd

    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame[GEO_LON] = geometry.x.to_numpy(float)
    frame[GEO_LAT] = geometry.y.to_numpy(float)
    return frame


def geopandas_available() -> bool:
    """True when the optional geopandas (the ``[geo]`` extra) can be imported."""
    try:
        import geopandas  # noqa: F401
    except ImportError:
        return False
    return True


def write_geoparquet(geojson: dict, path: str | Path) -> Path | None:
    """Write a GeoJSON FeatureCollection (lon/lat) as GeoParquet; ``None`` when geopandas is missing.

    Only lon/lat collections are written (GeoParquet needs a CRS; a projected register without one
    cannot say where its polygons are).
    """
    if not geopandas_available() or "triplec:coordinates" in geojson:
        return None
    import geopandas

    features = [f for f in geojson["features"] if f["geometry"] is not None]
    if features:
        frame = geopandas.GeoDataFrame.from_features(features, crs="EPSG:4326")  # properties hold the id
    else:
        frame = geopandas.GeoDataFrame({"id": []}, geometry=geopandas.GeoSeries([], crs="EPSG:4326"))
    path = Path(path)
    frame.to_parquet(path, index=False)
    return path
