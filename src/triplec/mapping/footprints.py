"""Footprints: the concentrations that :func:`triplec.mapping.locate_footprints` finds, one sector each,
with their members, size, polygon (register coordinates and lon/lat) and GeoJSON output."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon, mapping

from triplec.mapping.points import PointRegister


@dataclass
class Footprint:
    """One concentration of one sector. Distances in km, polygon in register coordinates."""

    id: str
    sector: str
    eps_km: float
    establishments: list
    employment: float | None
    sme_share: float | None
    centroid: tuple[float, float]
    polygon: Polygon
    area_km2: float
    regions: list[str] = field(default_factory=list)
    centroid_lonlat: tuple[float, float] | None = None
    polygon_lonlat: Polygon | None = None

    @property
    def count(self) -> int:
        return len(self.establishments)

    def properties(self) -> dict:
        """Plain-JSON attributes (GeoJSON feature properties).

        Examples
        --------
        >>> from shapely.geometry import box
        >>> fp = Footprint("A-F1", "A", 5.0, ["0", "1"], np.float64(40), float("nan"), (1.5, 2.0), box(0, 0, 3, 4), 12.0)
        >>> props = fp.properties()
        >>> props["count"], props["employment"], props["sme_share"], props["centroid_lon"], props["establishments"]
        (2, 40.0, None, None, ['0', '1'])
        """
        lon, lat = self.centroid_lonlat if self.centroid_lonlat else (None, None)
        return {
            "id": self.id,
            "sector": self.sector,
            "count": self.count,
            "employment": _plain(self.employment),
            "sme_share": _plain(self.sme_share),
            "centroid_x": _plain(self.centroid[0]),
            "centroid_y": _plain(self.centroid[1]),
            "centroid_lon": _plain(lon),
            "centroid_lat": _plain(lat),
            "area_km2": round(float(self.area_km2), 3),
            "eps_km": float(self.eps_km),
            "regions": list(self.regions),
            "establishments": [_plain(v) for v in self.establishments],
        }


@dataclass
class FootprintSet:
    """All footprints found, with per-sector eps (km), the register they came from, and the localised
    sectors left without a footprint with the reason."""

    footprints: list[Footprint]
    eps_km: dict[str, float | None]
    sites: PointRegister
    skipped: dict[str, str] = field(default_factory=dict)  # sector -> why it has no footprint

    def __len__(self) -> int:
        return len(self.footprints)

    def __iter__(self):
        return iter(self.footprints)

    @property
    def table(self) -> pd.DataFrame:
        """One row a footprint: id, sector, count, employment, sme_share, centroid, area, regions."""
        columns = ["id", "sector", "count", "employment", "sme_share", "centroid_x", "centroid_y",
                   "centroid_lon", "centroid_lat", "area_km2", "eps_km", "regions"]
        rows = []
        for fp in self.footprints:
            props = fp.properties()
            props["regions"] = "; ".join(fp.regions)
            rows.append({key: props[key] for key in columns})
        return pd.DataFrame(rows, columns=columns)

    @property
    def members(self) -> pd.DataFrame:
        """One row an establishment in a footprint: footprint_id, sector, id."""
        rows = [(fp.id, fp.sector, est) for fp in self.footprints for est in fp.establishments]
        return pd.DataFrame(rows, columns=["footprint_id", "sector", "id"])

    def to_geojson(self, precision: int = 6) -> dict:
        """A GeoJSON FeatureCollection (RFC 7946, lon/lat) of the footprint polygons.

        A projected register without a CRS / transform cannot be placed in lon/lat: its polygons are
        written in register coordinates and the collection says so in ``triplec:coordinates``.

        >>> from shapely.geometry import box
        >>> reg = PointRegister.from_arrays([0, 3, 0], [0, 4, 1], ["A", "A", "B"])
        >>> fp = Footprint("A-F1", "A", 5.0, ["0", "1"], None, None, (1.5, 2.0), box(0, 0, 3, 4), 12.0)
        >>> collection = FootprintSet([fp], {"A": 5.0}, reg).to_geojson()
        >>> collection["triplec:coordinates"], collection["features"][0]["properties"]["count"]
        ('projected register coordinates in km', 2)
        >>> collection["features"][0]["geometry"]["coordinates"]
        [[[0.0, 0.0], [3.0, 0.0], [3.0, 4.0], [0.0, 4.0], [0.0, 0.0]]]
        """
        in_lonlat = self.sites.can_map
        features = []
        for fp in self.footprints:
            geometry = fp.polygon_lonlat if in_lonlat else fp.polygon
            features.append({
                "type": "Feature",
                "id": fp.id,
                "geometry": None if geometry is None else _rounded_geometry(geometry, precision if in_lonlat else 3),
                "properties": fp.properties(),
            })
        collection: dict = {"type": "FeatureCollection", "features": features}
        if not in_lonlat:
            collection["triplec:coordinates"] = f"projected register coordinates in {self.sites.unit}"
        return collection

    def write_geojson(self, path: str | Path, precision: int = 6) -> Path:
        """Write :meth:`to_geojson` to ``path`` (UTF-8 JSON) and return the path.

        Examples
        --------
        >>> import tempfile
        >>> from shapely.geometry import box
        >>> reg = PointRegister.from_arrays([0, 3], [0, 4], ["A", "A"])
        >>> fp = Footprint("A-F1", "A", 5.0, ["0", "1"], None, None, (1.5, 2.0), box(0, 0, 3, 4), 12.0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = FootprintSet([fp], {"A": 5.0}, reg).write_geojson(Path(folder) / "footprints.geojson")
        ...     json.loads(path.read_text(encoding="utf-8"))["features"][0]["id"]
        'A-F1'
        """
        path = Path(path)
        path.write_text(json.dumps(self.to_geojson(precision), ensure_ascii=False), encoding="utf-8")
        return path


def _plain(value):
    """numpy scalars / NaN -> JSON-friendly Python values."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _rounded_geometry(geometry, precision: int) -> dict:
    rounded = shapely.set_precision(geometry, 10.0 ** -precision)
    geo = mapping(shapely.orient_polygons(rounded))  # RFC 7946: exterior rings counter-clockwise
    return json.loads(json.dumps(geo))  # tuples -> lists
