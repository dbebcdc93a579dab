"""Locate the concentrations of localised sectors ("footprints").

A sector that the distance-based test finds localised (Duranton & Overman 2005: its Kd curve rises above
the global confidence band at some distance) is concentrated *somewhere*; this module says where. Each
localised sector's establishments are grouped by density, DBSCAN-style (Ester, Kriegel, Sander & Xu
1996), at the scale the test found, with one condition added so that a group is a concentration *of the
sector* and not just a dense place:

- ``eps`` (the neighbourhood radius) is the sector's distance of strongest localisation among the
  distances up to ``eps_max`` (argmax of ``Kd(r) - upper global band(r)`` where positive, from the
  screen's curves; the table's ``peak_distance`` when no curves are given), floored at the curves'
  resolution (a peak at ``r = 0`` means "closer than one step"). A sector localised only beyond
  ``eps_max`` (a macro-regional pattern, not a cluster) gets no footprint, and the result says so;
- mass: a point is dense when its ``eps``-neighbourhood (itself included) holds at least ``min_samples``
  establishments of the sector, or, when employment is known, ``min_samples`` *average establishments'
  worth* of employment (weight ``e_i / mean(e)``), as DBSCAN's ``sample_weight``;
- excess: and when the sector is over-represented around it, given how many establishments of *any*
  sector are there. With ``N`` establishments in all, ``n`` in the sector, ``m_i`` others within ``eps``
  of point ``i`` and ``k_i`` of them in the sector, random location (the screen's null) gives
  ``k_i ~ Hypergeometric(N - 1, n - 1, m_i)``; the point is a core point when
  ``P(K >= k_i) <= local_alpha``. This is the local counterpart of the Kd test: it controls for the
  overall density of economic activity, so a city full of every kind of firm does not become a
  footprint of each sector. ``local_alpha=None`` drops the condition (plain DBSCAN);
- core points within ``eps`` of each other form one group; a non-core establishment within ``eps`` of a
  core point joins the group of its nearest core point (deterministic, whatever the row order: at
  exactly equal distances, the core point with the smallest coordinates); groups with fewer than
  ``min_count`` establishments are dropped.

Neighbourhoods are found on cell grids by compiled kernels (:mod:`triplec.mapping._numba_locate`, grid
DBSCAN after Gunawan 2013): exactly the pairs within ``eps``, in time growing with those pairs and memory
growing with the establishments only.

Distances are great-circle for lon/lat registers (points on a sphere of radius 6371.0088 km, the chord
``2 R sin(eps / 2R)`` standing for ``eps``) and Euclidean for projected ones. Each footprint carries its
establishments, employment, SME share, centroid, a polygon (the concave hull of its members buffered by
``eps / 2``: discs of radius ``eps / 2`` around two neighbours within ``eps`` touch, so the buffered hull
covers the chain without gaps) in the register's coordinates and in lon/lat for GeoJSON, and the
municipalities or regions it covers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon, mapping

from triplec.mapping.points import EARTH_RADIUS_KM, UNIT_TO_KM, code_text, lonlat_to_sphere

SIZE_CLASS_BOUNDS = (10, 50, 250)  # EU SME definition: micro < 10, small < 50, medium < 250 employees

LonLatTransform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


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


@dataclass(frozen=True)
class Sites:
    """Establishments with a position, in a standard frame used by locate, profile and trajectories.

    ``frame`` has columns ``id, sector, x, y`` and optionally ``weight`` (employees; NaN = unknown) and
    ``region`` (municipality or region name). ``geographic`` is True when ``x, y`` are lon/lat degrees;
    otherwise they are projected coordinates in ``unit`` ("km" or "m"), and ``to_lonlat`` (optional)
    maps them to lon/lat for maps.
    """

    frame: pd.DataFrame
    geographic: bool
    unit: str
    to_lonlat: LonLatTransform | None = None

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        id_col: str = "id",
        sector_col: str = "sector",
        x_col: str | None = None,
        y_col: str | None = None,
        lon_col: str | None = None,
        lat_col: str | None = None,
        unit: str = "km",
        weight_col: str | None = None,
        region_col: str | None = None,
        to_lonlat: LonLatTransform | None = None,
        crs: str | None = None,
    ) -> Sites:
        """Validate a register and standardise it. Errors name the column, the rows and the reason."""
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
        geographic = lon_col is not None or lat_col is not None
        if geographic and (x_col is not None or y_col is not None):
            raise ValueError("give either lon/lat columns or x/y columns, not both")
        if geographic and (lon_col is None or lat_col is None):
            raise ValueError("lon/lat registers need both a lon column and a lat column")
        if not geographic and (x_col is None or y_col is None):
            raise ValueError("give the coordinate columns: lon_col and lat_col, or x_col and y_col")
        if not geographic and unit not in UNIT_TO_KM:
            raise ValueError(f"unit must be one of {sorted(UNIT_TO_KM)}, not {unit!r}")
        if geographic and (crs is not None or to_lonlat is not None):
            raise ValueError("a CRS or to_lonlat transform only applies to projected x/y registers")
        cx, cy = (lon_col, lat_col) if geographic else (x_col, y_col)
        wanted = {"id": id_col, "sector": sector_col, "x": cx, "y": cy}
        if weight_col is not None:
            wanted["weight"] = weight_col
        if region_col is not None:
            wanted["region"] = region_col
        missing = [col for col in wanted.values() if col not in df.columns]
        if missing:
            raise ValueError(
                f"column(s) {missing} not found in the register; available columns: {list(df.columns)}"
            )
        frame = pd.DataFrame({key: df[col].to_numpy() for key, col in wanted.items()})
        frame.index = df.index
        _require_present(frame, "id", id_col)
        _require_present(frame, "sector", sector_col)
        frame["sector"] = code_text(frame["sector"])
        frame["id"] = code_text(frame["id"])
        duplicated = frame["id"].duplicated(keep=False)
        if duplicated.any():
            rows = list(frame.index[duplicated][:5])
            raise ValueError(f"column {id_col!r}: ids must be unique (read as text); duplicates at rows {rows}")
        for key, col in (("x", cx), ("y", cy)):
            values = pd.to_numeric(frame[key], errors="coerce")
            bad = values.isna() | ~np.isfinite(values.to_numpy(float, na_value=np.nan))
            if bad.any():
                rows = list(frame.index[bad][:5])
                raise ValueError(f"column {col!r}: missing or non-numeric coordinates at rows {rows}")
            frame[key] = values.astype(float)
        if geographic:
            _require_range(frame, "x", lon_col, -180.0, 180.0)
            _require_range(frame, "y", lat_col, -90.0, 90.0)
        if weight_col is not None:
            weights = pd.to_numeric(frame["weight"], errors="coerce")
            non_numeric = weights.isna() & frame["weight"].notna()
            if non_numeric.any():
                rows = list(frame.index[non_numeric][:5])
                raise ValueError(f"column {weight_col!r}: non-numeric employment at rows {rows}")
            negative = weights < 0
            if negative.any():
                rows = list(frame.index[negative][:5])
                raise ValueError(f"column {weight_col!r}: negative employment at rows {rows}")
            frame["weight"] = weights.astype(float)
        if region_col is not None:
            frame["region"] = frame["region"].astype("string")
        if crs is not None:
            if to_lonlat is not None:
                raise ValueError("give either a CRS or a to_lonlat transform, not both")
            to_lonlat = lonlat_transformer(crs, unit)
        return cls(frame=frame.reset_index(drop=True), geographic=geographic,
                   unit="deg" if geographic else unit, to_lonlat=to_lonlat)

    @classmethod
    def from_register(
        cls,
        register,
        *,
        regions: Sequence | None = None,
        to_lonlat: LonLatTransform | None = None,
        crs: str | None = None,
    ) -> Sites:
        """Sites of a :class:`triplec.mapping.PointRegister` (planar coordinates are in km there).

        ``regions`` (one value per establishment, in register order) names the municipality or region;
        ``crs`` / ``to_lonlat`` place a projected register on a lon/lat map (coordinates in km).
        """
        frame = pd.DataFrame({"id": register.ids, "sector": register.sectors})
        if register.geometry == "sphere":
            frame["x"], frame["y"] = register.lonlat[:, 0], register.lonlat[:, 1]
            coords: dict = {"lon_col": "x", "lat_col": "y"}
        else:
            frame["x"], frame["y"] = register.coords[:, 0], register.coords[:, 1]
            coords = {"x_col": "x", "y_col": "y", "unit": "km", "crs": crs, "to_lonlat": to_lonlat}
        if register.weights is not None:
            frame["weight"] = register.weights
        if regions is not None:
            if len(regions) != len(frame):
                raise ValueError(f"regions has {len(regions)} values for {len(frame)} establishments")
            frame["region"] = list(regions)
        return cls.from_frame(frame, id_col="id", sector_col="sector",
                              weight_col="weight" if register.weights is not None else None,
                              region_col="region" if regions is not None else None, **coords)

    @property
    def has_weights(self) -> bool:
        return "weight" in self.frame.columns and bool(self.frame["weight"].notna().any())

    @property
    def has_regions(self) -> bool:
        return "region" in self.frame.columns

    @property
    def can_map(self) -> bool:
        """True when positions can be drawn in lon/lat."""
        return self.geographic or self.to_lonlat is not None

    @property
    def km_per_unit(self) -> float:
        if self.geographic:
            raise ValueError("lon/lat registers have no planar unit; distances are great-circle km")
        return UNIT_TO_KM[self.unit]

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions in lon/lat degrees (raises when a projected register has no transform)."""
        x = self.frame["x"].to_numpy(float)
        y = self.frame["y"].to_numpy(float)
        if self.geographic:
            return x, y
        if self.to_lonlat is None:
            raise ValueError("this projected register has no CRS / to_lonlat transform; cannot give lon/lat")
        return self.to_lonlat(x, y)


def _require_present(frame: pd.DataFrame, key: str, col: str) -> None:
    empty = frame[key].isna() | (frame[key].astype(str).str.strip() == "")
    if empty.any():
        rows = list(frame.index[empty][:5])
        raise ValueError(f"column {col!r}: missing values at rows {rows}")


def _require_range(frame: pd.DataFrame, key: str, col: str, low: float, high: float) -> None:
    bad = (frame[key] < low) | (frame[key] > high)
    if bad.any():
        rows = list(frame.index[bad][:5])
        raise ValueError(f"column {col!r}: values outside [{low:g}, {high:g}] degrees at rows {rows}")


# --------------------------------------------------------------------------------------------------
# Footprints


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
        """Plain-JSON attributes (GeoJSON feature properties)."""
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
    sites: Sites
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


UPPER_GLOBAL_BAND = "global_do_hi"  # the screen's Duranton-Overman upper global band (decides "localised")


def sector_eps(
    table: pd.DataFrame,
    curves: pd.DataFrame | None = None,
    *,
    eps: float | Mapping[str, float] | None = None,
    eps_floor: float | None = None,
    eps_max: float | None = 50.0,
    band: str = UPPER_GLOBAL_BAND,
) -> dict[str, float | None]:
    """The neighbourhood radius (km) of each sector in ``table``; None for "no local scale".

    ``eps`` given (a number, or a mapping sector -> km) wins. Otherwise the distance of strongest
    localisation up to ``eps_max``: ``argmax_{r <= eps_max} Kd(r) - band(r)`` over the distances where
    Kd exceeds the band (from ``curves`` when they hold ``band``), else the table's ``peak_distance``
    (None when it exceeds ``eps_max``), floored at ``eps_floor`` or, by default, at the curves'
    smallest positive distance (their resolution ``r_step``).
    """
    out: dict[str, float | None] = {}
    sectors = table["sector"].astype(str).tolist()
    peaks = dict(zip(sectors, pd.to_numeric(table.get("peak_distance"), errors="coerce"), strict=False)) \
        if "peak_distance" in table.columns else {}
    steps: dict[str, float] = {}
    grouped: dict[str, pd.DataFrame] = {}
    if curves is not None and len(curves):
        keys = curves["sector"].astype(str)
        positive = curves[curves["r"] > 0]
        steps = positive.groupby(keys[curves["r"] > 0])["r"].min().to_dict()
        if band in curves.columns and "kd" in curves.columns:
            grouped = {k: g for k, g in curves.groupby(keys, sort=False) if g[band].notna().any()}
    for sector in sectors:
        if isinstance(eps, Mapping):
            if sector in eps:
                out[sector] = float(eps[sector])
                continue
        elif eps is not None:
            out[sector] = float(eps)
            continue
        floor = eps_floor if eps_floor is not None else steps.get(sector)
        if sector in grouped:
            curve = grouped[sector]
            r = curve["r"].to_numpy(float)
            excess = curve["kd"].to_numpy(float) - curve[band].to_numpy(float)
            window = (excess > 0) & (r <= eps_max if eps_max is not None else True)
            peak = float(r[window][np.argmax(excess[window])]) if window.any() else None
        else:
            peak = peaks.get(sector, np.nan)
            if eps_max is not None and np.isfinite(peak) and peak > eps_max:
                peak = None
        if peak is None:
            out[sector] = None
            continue
        candidates = [v for v in (peak, floor) if v is not None and np.isfinite(v) and v > 0]
        if not candidates:
            raise ValueError(
                f"sector {sector!r}: no usable distance for the footprint radius (peak_distance is "
                f"{peak!r} and no curves or eps_floor were given); pass eps= or eps_floor="
            )
        out[sector] = float(max(candidates))
    for sector, value in out.items():
        if value is not None and not (np.isfinite(value) and value > 0):
            raise ValueError(f"sector {sector!r}: eps must be a positive distance in km, got {value!r}")
    return out


def dense_groups(
    points: np.ndarray,
    sites: np.ndarray,
    radius: float,
    *,
    min_samples: int = 5,
    weights: np.ndarray | None = None,
    local_alpha: float | None = 0.01,
    sites_tree=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Group a sector's ``points`` (rows of ``sites``' space) by density; see the module docstring.

    ``points``: the sector's coordinates; ``sites``: all establishments' coordinates (the sector's
    included), both in a Euclidean space (1 to 3 coordinates) where ``radius`` is the neighbourhood
    distance. Returns ``(labels, core)``: group label per point (-1 = not in a group; groups numbered
    from 0 in order of first appearance) and the core mask. With ``local_alpha=None`` this is DBSCAN
    with ``sample_weight=weights``. ``sites_tree``: a :class:`triplec.mapping._numba_locate.SitesIndex`
    of ``sites`` to reuse across sectors (anything else, such as a ``cKDTree`` from earlier versions, is
    ignored).

    Precisely: ``b`` is within ``radius`` of ``a`` when the squared distance, computed in double
    precision as ``((x_a - x_b)^2 + (y_a - y_b)^2) + (z_a - z_b)^2``, is ``<= radius^2`` (the test of
    ``scipy.spatial.cKDTree.query_ball_point``). A point's mass is the count (or total weight) of the
    sector's points within ``radius``, itself included; it is dense when the mass is
    ``>= min_samples - 1e-9``. Core points within ``radius`` of each other are grouped (connected
    components). A non-core point joins the group of its nearest core point whose squared distance is
    ``< (radius (1 + 1e-12))^2``; among cores at exactly the same distance, the one with the smallest
    coordinates (first axis, then second, then third) wins, so the groups do not depend on the row order.

    Computed on cell grids with compiled kernels (:mod:`triplec.mapping._numba_locate`): time grows with
    the pairs within ``radius``, memory with the number of points only.
    """
    from scipy.stats import hypergeom

    from triplec.mapping import _numba_locate as nl

    xyz, dim = nl.as_xyz(points, "points")
    n = len(xyz)
    labels = np.full(n, -1)
    if n == 0:
        return labels, np.zeros(0, dtype=bool)
    radius = float(radius)
    if not (math.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a positive finite distance, got {radius!r}")
    omega = None
    if weights is not None:
        omega = np.asarray(weights, float)
        if omega.shape != (n,) or not np.isfinite(omega).all():
            raise ValueError(f"weights must be {n} finite numbers, one per point")
    # Mass: the sector's own neighbours, on a grid of cells 0.4 radius wide (cells wholly inside a
    # neighbourhood are added at once, only the cells on its rim are visited point by point; finer cells
    # visit fewer pairs but more cells: 2-3 cells per radius were fastest on a 1,000,000-site register).
    fine = nl.build_grid(xyz, radius / FINE_CELLS_PER_RADIUS)
    k, mass = nl.neighbour_counts(fine, fine, radius, weights=omega)  # the point itself included
    core = mass >= min_samples - 1e-9  # DBSCAN: weight of the neighbourhood, the point itself included
    if local_alpha is not None and core.any():
        index = sites_tree if isinstance(sites_tree, nl.SitesIndex) else _sites_near(sites, xyz, radius)
        big_n = len(index)
        m_all, _ = nl.neighbour_counts(fine, index.grid(fine.side), radius, active=core)
        candidates = np.flatnonzero(core)
        own = k[candidates] - 1
        m = np.maximum(m_all[candidates] - 1, own)  # the sector's own neighbours are among the sites near it
        if big_n > 1:  # each distinct (k, m) once: the tail sum costs up to a millisecond for N < 10^5
            key = own.astype(np.int64) * (int(m.max()) + 1) + m
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            p = hypergeom.sf(own[first] - 1, big_n - 1, n - 1, m[first])[inverse]
        else:
            p = np.ones(len(candidates))
        core[candidates] = p <= local_alpha
    if not core.any():
        return labels, core
    # Groups on cells whose diagonal is under the radius (all core points of a cell are linked).
    coarse = nl.build_grid(xyz, nl.clique_side(radius, dim))
    groups = nl.core_groups(coarse, core, radius, radius * (1 + 1e-12))
    # renumber groups 0..g-1 by first appearance
    used = groups >= 0
    _, first_seen, inverse = np.unique(groups[used], return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first_seen))
    labels[used] = rank[inverse]
    return labels, core


FINE_CELLS_PER_RADIUS = 2.5


def _sites_near(sites: np.ndarray, xyz: np.ndarray, radius: float):
    """An index of all sites, keeping only those in the points' bounding box grown by the radius.

    The big N of the local test stays the number of all sites."""
    from triplec.mapping import _numba_locate as nl

    all_xyz, _ = nl.as_xyz(sites, "sites")
    margin = 1.01 * radius
    lo = xyz.min(axis=0) - margin
    hi = xyz.max(axis=0) + margin
    near = np.all((all_xyz >= lo) & (all_xyz <= hi), axis=1)
    return nl.SitesIndex(all_xyz[near], total=len(all_xyz))


def _euclidean_space(sites: Sites, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Coordinates in km where straight-line distance is the register's distance (sphere: 3-D chord)."""
    if sites.geographic:
        return lonlat_to_sphere(x, y)
    return np.column_stack([x, y]) * sites.km_per_unit


def _chord(sites: Sites, eps_km: float) -> float:
    if sites.geographic:
        return 2.0 * EARTH_RADIUS_KM * math.sin(min(eps_km / (2.0 * EARTH_RADIUS_KM), math.pi / 2))
    return eps_km


def localised_sectors(table: pd.DataFrame, q_max: float | None = None) -> list[str]:
    """Sectors whose ``localised`` flag is true (booleans or their text from a CSV; missing = false).

    With ``q_max``, also require ``q_value <= q_max``: the sector-level test survives the
    Benjamini-Hochberg false-discovery-rate control across all screened sectors.
    """
    if "localised" not in table.columns:
        raise ValueError("the sector table has no 'localised' column")
    flags = table["localised"].map(
        lambda v: str(v).strip().lower() in {"true", "1", "yes"} if not isinstance(v, bool | np.bool_)
        else bool(v)
    ).astype(bool)
    if q_max is not None:
        if "q_value" not in table.columns:
            raise ValueError("q_max needs a 'q_value' column in the sector table")
        flags &= pd.to_numeric(table["q_value"], errors="coerce").le(q_max).to_numpy()
    return table.loc[flags, "sector"].astype(str).tolist()


def locate_footprints(
    sites: Sites,
    screen,
    *,
    curves: pd.DataFrame | None = None,
    sectors: Iterable[str] | None = None,
    q_max: float | None = None,
    eps: float | Mapping[str, float] | None = None,
    eps_floor: float | None = None,
    eps_max: float | None = 50.0,
    min_samples: int = 5,
    min_count: int = 3,
    local_alpha: float | None = 0.01,
    weighted: bool | None = None,
    sme_threshold: float = 250,
    hull_ratio: float = 0.3,
) -> FootprintSet:
    """Delineate the concentrations of each localised sector (see the module docstring).

    Parameters
    ----------
    sites : the register, as :class:`Sites`.
    screen : the screen result (an object with ``.table`` and ``.curves``) or its sector table
        (columns ``sector, localised, peak_distance``; ``peak_distance`` in km).
    curves : the Kd curves (``sector, r, kd`` and the upper global band ``global_do_hi``), used for the
        scale; taken from ``screen.curves`` when ``screen`` is a result object.
    sectors : sectors to locate (default: the localised ones).
    q_max : when given (and ``sectors`` is not), locate only the localised sectors with
        ``q_value <= q_max`` (false-discovery-rate control across sectors).
    eps, eps_floor, eps_max : see :func:`sector_eps` (km).
    min_samples : core mass, in establishments (or average establishments' employment).
    min_count : smallest footprint kept, in establishments.
    local_alpha : level of the local over-representation test of core points (None: plain DBSCAN).
    weighted : weight by employment (default: when the register has employment).
    sme_threshold : establishments with fewer employees than this are SMEs (EU: 250).
    hull_ratio : shapely ``concave_hull`` ratio (1 = convex hull, smaller = tighter).
    """
    from triplec.mapping import _numba_locate as nl

    table = getattr(screen, "table", screen)
    if curves is None:
        curves = getattr(screen, "curves", None)
    if not isinstance(table, pd.DataFrame) or "sector" not in table.columns:
        raise ValueError("screen must be a screen result or a DataFrame with a 'sector' column")
    if int(min_samples) != min_samples or min_samples < 1 or int(min_count) != min_count or min_count < 1:
        raise ValueError(f"min_samples and min_count must be integers >= 1, got {min_samples!r}, {min_count!r}")
    min_samples, min_count = int(min_samples), int(min_count)
    if not 0.0 <= hull_ratio <= 1.0:
        raise ValueError(f"hull_ratio must lie in [0, 1], got {hull_ratio!r}")
    if local_alpha is not None and not 0 < local_alpha < 1:
        raise ValueError(f"local_alpha must lie in (0, 1) or be None, got {local_alpha!r}")
    if eps_max is not None and not eps_max > 0:
        raise ValueError(f"eps_max must be a positive distance in km or None, got {eps_max!r}")
    chosen = localised_sectors(table, q_max) if sectors is None else [str(s) for s in sectors]
    known = set(table["sector"].astype(str))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValueError(f"sectors {unknown} are not in the screen table")
    sub_table = table[table["sector"].astype(str).isin(chosen)]
    radii = sector_eps(sub_table, curves, eps=eps, eps_floor=eps_floor, eps_max=eps_max) if chosen else {}
    use_weights = sites.has_weights if weighted is None else bool(weighted)
    if use_weights and not sites.has_weights:
        raise ValueError("weighted=True but the register has no employment column")

    frame = sites.frame
    space = _euclidean_space(sites, frame["x"].to_numpy(float), frame["y"].to_numpy(float))
    sector_codes = frame["sector"].to_numpy()
    index = nl.SitesIndex.from_points(space) if local_alpha is not None else None
    rows_of = {sector: np.flatnonzero(sector_codes == sector) for sector in chosen}
    # Sectors of one radius one after the other: the index's grid of all sites is built once per radius.
    labels_of: dict[str, np.ndarray] = {}
    for sector in sorted((s for s in chosen if radii[s] is not None and len(rows_of[s]) >= min_count),
                         key=lambda s: radii[s]):
        rows = rows_of[sector]
        weights = _dbscan_weights(frame.iloc[rows]) if use_weights else None
        labels_of[sector], _ = dense_groups(space[rows], space, _chord(sites, radii[sector]),
                                            min_samples=min_samples, weights=weights,
                                            local_alpha=local_alpha, sites_tree=index)
    footprints: list[Footprint] = []
    skipped: dict[str, str] = {}
    for sector in chosen:
        eps_km = radii[sector]
        if eps_km is None:
            skipped[sector] = f"localised only beyond {eps_max:g} km (no local scale)"
            continue
        rows = rows_of[sector]
        if len(rows) < min_count:
            skipped[sector] = f"fewer than {min_count} establishments"
            continue
        members = frame.iloc[rows]
        labels = labels_of[sector]
        grouped = labels >= 0
        order = np.flatnonzero(grouped)[np.argsort(labels[grouped], kind="stable")]
        groups = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1) if len(order) else []
        groups = [g for g in groups if len(g) >= min_count]
        if not groups:
            skipped[sector] = "no dense group of the sector at this scale"
        built = [_build_footprint(sites, members.iloc[g], sector, eps_km, use_weights, sme_threshold,
                                  hull_ratio) for g in groups]
        # Largest first (employment when known, then establishments), so "-F1" is the main one.
        built.sort(key=lambda fp: (-(fp.employment or 0.0), -fp.count, fp.centroid))
        for rank, fp in enumerate(built, start=1):
            fp.id = f"{sector}-F{rank}"
        footprints.extend(built)
    return FootprintSet(footprints=footprints, eps_km=radii, sites=sites, skipped=skipped)


def _dbscan_weights(members: pd.DataFrame) -> np.ndarray:
    """Employment relative to the sector mean; unknown sizes count as one average establishment."""
    w = members["weight"].to_numpy(float)
    known = np.isfinite(w)
    mean = w[known].mean() if known.any() else 1.0
    if not mean > 0:
        return np.ones_like(w)
    return np.where(known, w / mean, 1.0)


def _local_plane(sites: Sites, x: np.ndarray, y: np.ndarray):
    """Map positions to a plane in km and back (equirectangular around the centre for lon/lat)."""
    if not sites.geographic:
        k = sites.km_per_unit
        return np.column_stack([x * k, y * k]), lambda xy: xy / k
    lon0 = float(np.degrees(np.arctan2(np.sin(np.radians(x)).mean(), np.cos(np.radians(x)).mean())))
    lat0 = float(y.mean())
    kx = EARTH_RADIUS_KM * math.cos(math.radians(lat0)) * math.pi / 180.0
    ky = EARTH_RADIUS_KM * math.pi / 180.0
    dlon = (x - lon0 + 180.0) % 360.0 - 180.0
    to_plane = np.column_stack([dlon * kx, (y - lat0) * ky])

    def back(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] / kx + lon0, xy[:, 1] / ky + lat0])

    return to_plane, back


def _main_places_first(members: pd.DataFrame, sizes: np.ndarray | None) -> list[str]:
    """The footprint's regions, the main place first: by employment when weighted (and known), then by
    number of establishments, then by name."""
    if "region" not in members.columns:
        return []
    known = members["region"].notna().to_numpy()
    places = members["region"].astype(str).to_numpy()[known]
    work = sizes[known] if sizes is not None else np.zeros(len(places))
    table = pd.DataFrame({"place": places, "n": 1, "work": np.nan_to_num(work, nan=0.0)})
    totals = table.groupby("place", sort=False).agg(n=("n", "sum"), work=("work", "sum")).reset_index()
    totals = totals.sort_values(["work", "n", "place"], ascending=[False, False, True], kind="mergesort")
    return totals["place"].tolist()


def _build_footprint(sites: Sites, members: pd.DataFrame, sector: str, eps_km: float, use_weights: bool,
                     sme_threshold: float, hull_ratio: float) -> Footprint:
    x = members["x"].to_numpy(float)
    y = members["y"].to_numpy(float)
    plane, back = _local_plane(sites, x, y)
    unique = np.unique(plane, axis=0)
    hull = shapely.concave_hull(shapely.multipoints(unique), ratio=hull_ratio)
    area_poly = hull.buffer(eps_km / 2.0, quad_segs=4).simplify(eps_km / 100.0)
    area_poly = shapely.orient_polygons(area_poly)  # counter-clockwise exterior
    polygon = shapely.transform(area_poly, back)

    sizes = members["weight"].to_numpy(float) if "weight" in members.columns else None
    known = np.isfinite(sizes) if sizes is not None else None
    if use_weights and known is not None and sizes[known].sum() > 0:
        centre = (plane[known] * sizes[known, None]).sum(axis=0) / sizes[known].sum()
    else:
        centre = plane.mean(axis=0)
    cx, cy = back(centre[None, :])[0]
    employment = float(sizes[known].sum()) if sizes is not None and known.any() else None
    sme_share = float((sizes[known] < sme_threshold).mean()) if sizes is not None and known.any() else None
    regions = _main_places_first(members, sizes if use_weights else None)

    centroid_lonlat = polygon_lonlat = None
    if sites.geographic:
        centroid_lonlat, polygon_lonlat = (float(cx), float(cy)), polygon
    elif sites.to_lonlat is not None:
        lon, lat = sites.to_lonlat(np.array([cx]), np.array([cy]))
        centroid_lonlat = (float(lon[0]), float(lat[0]))

        def to_ll(xy: np.ndarray) -> np.ndarray:
            lo, la = sites.to_lonlat(xy[:, 0], xy[:, 1])
            return np.column_stack([lo, la])

        polygon_lonlat = shapely.transform(polygon, to_ll)
        ring = shapely.get_coordinates(polygon_lonlat)
        if not (np.isfinite(ring).all() and np.isfinite(centroid_lonlat).all()):
            # outside the CRS's domain: PROJ answers inf; keep the footprint, without a place on the map
            centroid_lonlat = polygon_lonlat = None
    return Footprint(
        id="", sector=sector, eps_km=float(eps_km), establishments=members["id"].tolist(),
        employment=employment, sme_share=sme_share, centroid=(float(cx), float(cy)), polygon=polygon,
        area_km2=float(area_poly.area), regions=regions, centroid_lonlat=centroid_lonlat,
        polygon_lonlat=polygon_lonlat,
    )
