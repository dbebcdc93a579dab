"""Checks of a register's coordinates that do not stop a mapping run but make its results doubtful:
many establishments on identical points (geocoded to a town's centre, a default coordinate), and
longitude and latitude given the wrong way round.

The messages are English templates with ``%(name)s`` values (the platform shows them translated: its
clusters.messages lists the same templates).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

DUPLICATES = ("%(n)s of %(total)s establishments share their exact coordinates with another (%(points)s "
              "points; the busiest holds %(top)s): geocoded to a town's centre or a default point? Distances "
              "of 0 km make sectors look more localised than they are.")
SWAPPED_RANGE = ("%(n)s latitudes lie beyond ±90° while their longitudes lie within ±90°: longitude and "
                 "latitude look swapped.")
SWAPPED_SEA = ("Only %(given)s of the establishments fall on land as given, but %(swapped)s when longitude and "
               "latitude are swapped: are the longitude and latitude columns the wrong way round?")
SWAPPED_COUNTRY = ("Only %(given)s of the establishments fall within %(country)s as given, but %(swapped)s "
                   "when longitude and latitude are swapped: are the longitude and latitude columns the wrong "
                   "way round?")

DUPLICATE_SHARE = 0.2  # warn when this share of establishments sits on shared points ...
DUPLICATE_MIN = 10  # ... and at least this many
SAMPLE = 2000  # points tested for land (seeded sample)
LAND_GIVEN_MAX = 0.5  # as given, at most this share on land (or in the country) ...
LAND_SWAPPED_MIN = 0.8  # ... and at least this share when swapped: swapped

__all__ = ["DUPLICATES", "SWAPPED_COUNTRY", "SWAPPED_RANGE", "SWAPPED_SEA", "coordinate_warnings", "duplicate_points",
           "swapped_axes", "swapped_range"]


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def duplicate_points(x: np.ndarray, y: np.ndarray) -> str | None:
    """A warning when many establishments share exact coordinates, else None."""
    finite = np.isfinite(x) & np.isfinite(y)
    pairs = np.column_stack([x[finite], y[finite]])
    total = len(pairs)
    if total == 0:
        return None
    _, inverse, counts = np.unique(pairs, axis=0, return_inverse=True, return_counts=True)
    shared = counts[inverse.ravel()] > 1
    n = int(shared.sum())
    if n < DUPLICATE_MIN or n < DUPLICATE_SHARE * total:
        return None
    return DUPLICATES % {"n": f"{n:,}", "total": f"{total:,}", "points": f"{int((counts > 1).sum()):,}",
                         "top": f"{int(counts.max()):,}"}


def swapped_range(lon: np.ndarray, lat: np.ndarray) -> str | None:
    """An error text when latitudes beyond ±90 would be valid longitudes the other way round."""
    bad = np.isfinite(lat) & (np.abs(lat) > 90)
    if not bad.any() or (np.abs(lon[bad]) > 90).any():
        return None
    return SWAPPED_RANGE % {"n": f"{int(bad.sum()):,}"}


@lru_cache(maxsize=1)
def _land():
    """Land (Natural Earth 1:50m countries, the outlines the maps draw) as one prepared geometry."""
    import json

    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    from triplec.mapping.report_map import WORLD_ATLAS, _topojson_arcs, _topojson_ring

    if not WORLD_ATLAS.is_file():
        return None
    topology = json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))
    arcs = _topojson_arcs(topology)
    parts = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = ([geometry["arcs"]] if geometry.get("type") == "Polygon"
                    else geometry.get("arcs", []) if geometry.get("type") == "MultiPolygon" else [])
        for rings in polygons:
            parts.append(Polygon(_topojson_ring(arcs, rings[0]), [_topojson_ring(arcs, r) for r in rings[1:]]))
    land = shapely.make_valid(MultiPolygon(parts)).buffer(0.05)  # coastal towns just off the 1:50m coast
    shapely.prepare(land)
    return land


def _inside_share(lon: np.ndarray, lat: np.ndarray, country: str | None) -> float | None:
    import shapely

    if country:
        from triplec.mapping.places import country_bounds

        bounds = country_bounds(country)
        if bounds is None:
            return None
        west, south, east, north = bounds
        return float(((lon >= west - 0.5) & (lon <= east + 0.5) & (lat >= south - 0.5) & (lat <= north + 0.5)).mean())
    land = _land()
    if land is None:
        return None
    return float(shapely.contains_xy(land, lon, lat).mean())


def swapped_axes(lon: np.ndarray, lat: np.ndarray, country: str | None = None, seed: int = 0) -> str | None:
    """A warning when the points fall in the sea (or outside ``country``, ISO alpha-2 or -3, when given)
    as given but on land (in the country) with longitude and latitude swapped, else None."""
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 90)
    lon, lat = lon[ok], lat[ok]
    if len(lon) < 5:
        return None
    if len(lon) > SAMPLE:
        keep = np.random.default_rng(seed).choice(len(lon), SAMPLE, replace=False)
        lon, lat = lon[keep], lat[keep]
    given = _inside_share(lon, lat, country)
    if given is None or given > LAND_GIVEN_MAX:
        return None
    swapped = _inside_share(lat, lon, country)
    if swapped is None or swapped < LAND_SWAPPED_MIN:
        return None
    values = {"given": _percent(given), "swapped": _percent(swapped)}
    if country:
        return SWAPPED_COUNTRY % {**values, "country": country.upper()}
    return SWAPPED_SEA % values


def coordinate_warnings(x: np.ndarray, y: np.ndarray, *, lonlat: bool, country: str | None = None) -> list[str]:
    """Every warning about a register's coordinates (``x, y`` are lon, lat when ``lonlat``)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    warnings = [w for w in (duplicate_points(x, y),) if w]
    if lonlat:
        swapped = swapped_axes(x, y, country)
        if swapped:
            warnings.append(swapped)
    return warnings
