"""The map of the offline HTML report: footprints (GeoJSON), establishments (compact arrays), the country
outlines, and the place names and state borders drawn with them (see :mod:`triplec.mapping.places`)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.footprints import FootprintSet, _rounded_geometry
from triplec.mapping.places import city_near, report_places
from triplec.mapping.points import PointRegister

DEFAULT_TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "&copy; OpenStreetMap contributors",
}
# The report's files (page template, style, script, Leaflet, place labels, country outlines), shipped in
# the package; the platform's pages serve the outlines, place names and their script from here too.
ASSETS = resources.files("triplec.mapping") / "report_assets"
# Colour-blind-friendly categorical palette (Okabe & Ito 2008, then Tol's "muted").
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442", "#882255",
           "#44AA99", "#117733", "#332288", "#AA4499", "#999933", "#88CCEE", "#661100", "#6699CC"]


# --------------------------------------------------------------------------------------------------
# Map data

# Country outlines (Natural Earth 1:50m, public domain, as the world-atlas 2.0.2 TopoJSON vendored for the
# platform's maps, ISC): drawn under the footprints so a lon/lat map reads without any tile server.
WORLD_ATLAS = ASSETS / "world-atlas" / "countries-50m.json"


def _topojson_arcs(topology: dict) -> list[np.ndarray]:
    """Decode quantised, delta-encoded TopoJSON arcs to lon/lat arrays."""
    scale = np.asarray(topology["transform"]["scale"], float)
    translate = np.asarray(topology["transform"]["translate"], float)
    return [np.cumsum(np.asarray(arc, float), axis=0) * scale + translate for arc in topology["arcs"]]


def _topojson_ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for k, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.vstack(parts)


def country_outlines(bounds: tuple[float, float, float, float], *, margin: float = 3.0,
                     tolerance: float = 0.01, source: Path = WORLD_ATLAS) -> dict | None:
    """Country polygons clipped to ``bounds`` (lon/lat) plus ``margin`` degrees, as GeoJSON; None if
    the outline file is not installed."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, box

    if not source.is_file():
        return None
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _topojson_arcs(topology)
    arc_boxes = np.array([[a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max()] for a in arcs])
    window = box(bounds[0] - margin, max(bounds[1] - margin, -90), bounds[2] + margin, min(bounds[3] + margin, 90))
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        used = np.array([i if i >= 0 else ~i for rings in polygons for ring in rings for i in ring])
        lo_x, lo_y = arc_boxes[used, 0].min(), arc_boxes[used, 1].min()
        hi_x, hi_y = arc_boxes[used, 2].max(), arc_boxes[used, 3].max()
        wx0, wy0, wx1, wy1 = window.bounds
        if hi_x < wx0 or lo_x > wx1 or hi_y < wy0 or lo_y > wy1:
            continue
        shapes = [Polygon(_topojson_ring(arcs, rings[0]), [_topojson_ring(arcs, r) for r in rings[1:]])
                  for rings in polygons]
        shape = shapely.make_valid(MultiPolygon(shapes))
        if not shape.intersects(window):
            continue
        clipped = shape.intersection(window).simplify(tolerance, preserve_topology=True)
        if clipped.is_empty:
            continue
        features.append({"type": "Feature", "properties": {"name": geometry.get("properties", {}).get("name", "")},
                         "geometry": _rounded_geometry(clipped, 3)})
    return {"type": "FeatureCollection", "features": features}



def _near(fp) -> str:
    """'near City, State' for a footprint placed in lon/lat (shipped GeoNames cities), else ''."""
    if fp.centroid_lonlat is None:
        return ""
    place = city_near(fp.centroid_lonlat[1], fp.centroid_lonlat[0])
    return place.describe() if place else ""


def _sector_colours(sectors: list[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sectors)}


def map_data(
    sites: PointRegister | None,
    footprints: FootprintSet | None,
    *,
    profiles: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    max_points: int = 20000,
    seed: int = 0,
    tiles: Mapping[str, str] | None = DEFAULT_TILES,
    outline: bool = True,
) -> dict:
    """The JSON the report's map draws: footprints as GeoJSON, establishments as compact arrays.

    When the register has more than ``max_points`` establishments, all footprint members are kept and the
    others are a seeded random sample, and the map says so.
    """
    labels = labels or {}
    planar = sites is not None and not sites.can_map
    fps = list(footprints) if footprints is not None else []
    fp_sectors = list(dict.fromkeys(fp.sector for fp in fps))
    colours = _sector_colours(fp_sectors)
    co_located = _top_co_located(profiles, labels)

    features = []
    fps = [fp for fp in fps if planar or fp.polygon_lonlat is not None]  # those that can be placed
    for k, fp in enumerate(fps):
        geometry = fp.polygon_lonlat if not planar else _planar_metres(fp.polygon, sites)
        props = fp.properties()
        props.pop("establishments")
        props.update(index=k, colour=colours[fp.sector], label=labels.get(fp.sector, ""),
                     co_located=co_located.get(fp.id, []), near=_near(fp) if not planar else "")
        features.append({"type": "Feature", "geometry": _rounded_geometry(geometry, 6 if not planar else 1),
                         "properties": props})

    points = None
    if sites is not None:
        frame = sites.frame
        if planar:
            k = sites.km_per_unit * 1000.0
            px, py = frame["x"].to_numpy(float) * k, frame["y"].to_numpy(float) * k
        else:
            px, py = sites.lonlat_degrees()
        member_of = np.full(len(frame), -1)
        position = pd.Series(np.arange(len(frame)), index=frame["id"])
        for k_fp, fp in enumerate(fps):
            member_of[position.reindex(fp.establishments).dropna().astype(int).to_numpy()] = k_fp
        placed = np.isfinite(px) & np.isfinite(py)  # PROJ gives inf outside a CRS's domain
        keep = np.flatnonzero(placed)
        if len(keep) > max_points:
            members = np.flatnonzero((member_of >= 0) & placed)
            others = np.flatnonzero((member_of < 0) & placed)
            room = max(max_points - len(members), 0)
            rng = np.random.default_rng(seed)
            keep = np.sort(np.concatenate([members, rng.choice(others, size=min(room, len(others)),
                                                               replace=False)]))
        sector_codes = sorted(set(frame["sector"]))
        code_index = {s: i for i, s in enumerate(sector_codes)}
        digits = 5 if not planar else 0
        points = {
            "x": np.round(px[keep], digits).tolist(),
            "y": np.round(py[keep], digits).tolist(),
            "s": [code_index[s] for s in frame["sector"].to_numpy()[keep]],
            "f": member_of[keep].tolist(),
            "sectors": sector_codes,
            "shown": int(len(keep)),
            "total": int(len(frame)),
        }
    outlines = place_data = None
    if outline and not planar and points is not None and points["x"]:
        lon, lat = np.asarray(points["x"]), np.asarray(points["y"])
        span = max(lon.max() - lon.min(), lat.max() - lat.min())
        bounds = (lon.min(), lat.min(), lon.max(), lat.max())
        outlines = country_outlines(bounds, margin=max(4.0, span))
        place_data = report_places(bounds)
    return {
        "mode": "planar" if planar else "lonlat",
        "outlines": outlines,
        "places": place_data,
        "footprints": {"type": "FeatureCollection", "features": features},
        "points": points,
        "colours": colours,
        "labels": {s: labels.get(s, "") for s in fp_sectors},
        "tiles": dict(tiles) if tiles and not planar else None,
    }


def _planar_metres(polygon, sites: PointRegister):
    import shapely

    k = sites.km_per_unit * 1000.0
    return shapely.transform(polygon, lambda xy: xy * k)


def _kd_flag(value) -> bool | None:
    """True/False when a bivariate Kd test was run for the pair, None when it was not."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def _top_co_located(profiles: pd.DataFrame | None, labels: Mapping[str, str], top: int = 5) -> dict:
    """footprint id -> up to ``top`` co-located sectors as ``{sector, label, ratio, count}``."""
    if profiles is None or profiles.empty:
        return {}
    out: dict[str, list] = {}
    hits = profiles[profiles["co_located"].astype(bool)].sort_values(["footprint_id", "q_value", "ratio"],
                                                                      ascending=[True, True, False])
    for fid, group in hits.groupby("footprint_id", sort=False):
        out[str(fid)] = [
            {"sector": str(row.sector), "label": labels.get(str(row.sector), ""),
             "ratio": round(float(row.ratio), 2), "count": int(row.count_in_footprint),
             "kd_near": _kd_flag(getattr(row, "kd_near", None))}
            for row in group.head(top).itertuples()
        ]
    return out
