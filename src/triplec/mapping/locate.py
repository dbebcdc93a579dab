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

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
import shapely

from triplec.mapping.footprints import Footprint, FootprintSet
from triplec.mapping.geo import LonLatTransform, lonlat_transformer  # noqa: F401  (public names)
from triplec.mapping.points import EARTH_RADIUS_KM, PointRegister

StepProgress = Callable[[str, int, int], None]  # (step, done, total); raising stops the run (a cancel)

SIZE_CLASS_BOUNDS = (10, 50, 250)  # EU SME definition: micro < 10, small < 50, medium < 250 employees

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


def _chord(sites: PointRegister, eps_km: float) -> float:
    if sites.geographic:
        return 2.0 * EARTH_RADIUS_KM * math.sin(min(eps_km / (2.0 * EARTH_RADIUS_KM), math.pi / 2))
    return eps_km


def localised_sectors(table: pd.DataFrame, q_max: float | None = None) -> list[str]:
    """Sectors whose ``localised`` flag is true (booleans or their text from a CSV; missing = false).

    Parameters
    ----------
    table : pandas.DataFrame
        A screen's sector table (``sector, localised`` and, for ``q_max``, ``q_value``).
    q_max : float, optional
        Also require ``q_value <= q_max``: the sector-level test survives the Benjamini-Hochberg
        false-discovery-rate control across all screened sectors.

    Returns
    -------
    list of str
        The sectors, in the table's order.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289-300.

    Examples
    --------
    >>> table = pd.DataFrame({"sector": ["A", "B", "C"], "localised": [True, "true", False], "q_value": [0.01, 0.2, 0.5]})
    >>> localised_sectors(table), localised_sectors(table, q_max=0.05)
    (['A', 'B'], ['A'])
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
    sites: PointRegister,
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
    step_progress: StepProgress | None = None,
) -> FootprintSet:
    """Delineate the concentrations of each localised sector (see the module docstring).

    Parameters
    ----------
    sites : the register (:class:`triplec.mapping.PointRegister`).
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
    step_progress : called as ``step_progress("footprints", done, total)`` before each sector; an
        exception it raises (a cancel) stops the work there.

    Returns
    -------
    FootprintSet
        The footprints (largest first within a sector, ids ``"SECTOR-F1"``...), the radius of each
        sector and, for localised sectors without a footprint, why.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106.
    Ester, M., Kriegel, H.-P., Sander, J. & Xu, X. (1996). A density-based algorithm for discovering
    clusters in large spatial databases with noise. KDD-96, 226-231.
    Gunawan, A. (2013). A faster algorithm for DBSCAN. Master's thesis, TU Eindhoven.

    Examples
    --------
    >>> from triplec.mapping import PointRegister
    >>> ring = np.linspace(0, 2 * np.pi, 20, endpoint=False)  # 20 of A within 0.5 km, 40 of B on a 60 km grid
    >>> gx, gy = np.meshgrid(np.linspace(-30, 30, 8), np.linspace(-30, 30, 5))
    >>> reg = PointRegister.from_arrays(np.r_[0.5 * np.cos(ring), gx.ravel()], np.r_[0.5 * np.sin(ring), gy.ravel()],
    ...                                 ["A"] * 20 + ["B"] * 40)
    >>> screen = pd.DataFrame({"sector": ["A", "B"], "localised": [True, False], "peak_distance": [1.0, None]})
    >>> found = locate_footprints(reg, screen)
    >>> [(fp.id, fp.count) for fp in found]
    [('A-F1', 20)]
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
    space = sites.coords  # km; straight-line distance is the register's distance (sphere: 3-D chord)
    sector_codes = frame["sector"].to_numpy()
    index = nl.SitesIndex.from_points(space) if local_alpha is not None else None
    rows_of = {sector: np.flatnonzero(sector_codes == sector) for sector in chosen}
    # Sectors of one radius one after the other: the index's grid of all sites is built once per radius.
    labels_of: dict[str, np.ndarray] = {}
    todo = sorted((s for s in chosen if radii[s] is not None and len(rows_of[s]) >= min_count),
                  key=lambda s: radii[s])
    for done, sector in enumerate(todo):
        if step_progress is not None:
            step_progress("footprints", done, len(todo))
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


def _local_plane(sites: PointRegister, x: np.ndarray, y: np.ndarray):
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


def _build_footprint(sites: PointRegister, members: pd.DataFrame, sector: str, eps_km: float, use_weights: bool,
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
