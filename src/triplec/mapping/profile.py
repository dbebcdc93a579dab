"""Depth of a footprint: which other sectors are co-located in it more than expected.

A cluster "attracts suppliers of raw materials, components, machinery and spare parts, a pool of
sector-skilled workers, agents, and specialised services" (Humphrey & Schmitz 1995, s.3). For a footprint
of sector A, with polygon P, take the population of all establishments *not* of sector A
(``M`` of them, ``K_s`` of sector s) and those of them located in P (``n``, ``k_s`` of sector s). Then

- ``expected_s = n * K_s / M`` is the count of sector s in P if P drew its non-A establishments at
  random from the register;
- ``ratio_s = k_s / expected_s = (k_s / n) / (K_s / M)`` is a local location quotient;
- ``p_value_s = P(X >= k_s)`` with ``X ~ Hypergeometric(M, K_s, n)``: the chance of at least ``k_s``
  establishments of s among ``n`` drawn without replacement (Fisher's exact test, one-sided);
- ``q_value_s``: Benjamini-Hochberg (1995) false-discovery-rate adjustment across all the other
  sectors of the register (sectors absent from P enter the correction with p = 1);
- ``co_located = q_value < alpha and ratio > 1``.

When employment is known the table also gives the employment of s in P and its local employment
quotient ``(e_s,P / e_P) / (E_s / E)`` over the same population (descriptive, untested).

This is a footprint-level complement to the register-wide Ellison-Glaeser-Kerr coagglomeration index
and bivariate Kd: it says *where* sector s gathers around sector A, not only that it does on average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.stats import hypergeom

from triplec.mapping.envelopes import bh_qvalues
from triplec.mapping.footprints import Footprint, FootprintSet
from triplec.mapping.points import PointRegister

PROFILE_COLUMNS = [
    "footprint_id", "footprint_sector", "sector", "count_in_footprint", "sector_total", "expected",
    "ratio", "p_value", "q_value", "co_located",
]
EMPLOYMENT_COLUMNS = ["employment_in_footprint", "employment_ratio"]


def inside_footprint(sites: PointRegister, footprint: Footprint) -> np.ndarray:
    """Boolean mask of the register's establishments located in the footprint polygon (boundary in)."""
    x = sites.frame["x"].to_numpy(float)
    y = sites.frame["y"].to_numpy(float)
    minx, miny, maxx, maxy = footprint.polygon.bounds
    candidate = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
    mask = np.zeros(len(x), dtype=bool)
    idx = np.flatnonzero(candidate)
    shapely.prepare(footprint.polygon)  # many points against one polygon
    mask[idx] = shapely.intersects_xy(footprint.polygon, x[idx], y[idx])
    return mask


class _RegisterCounts:
    """Sector codes as integers and register-wide totals, computed once for many footprints."""

    def __init__(self, sites: PointRegister):
        frame = sites.frame
        self.names, self.codes = np.unique(frame["sector"].to_numpy(dtype=str), return_inverse=True)
        self.counts = np.bincount(self.codes, minlength=len(self.names))
        self.weights = frame["weight"].fillna(0.0).to_numpy(float) if sites.has_weights else None
        self.employment = (np.bincount(self.codes, self.weights, minlength=len(self.names))
                           if self.weights is not None else None)
        self.position = {name: i for i, name in enumerate(self.names)}


def profile_footprint(sites: PointRegister, footprint: Footprint, *, alpha: float = 0.05,
                      min_count: int = 1, counts: _RegisterCounts | None = None) -> pd.DataFrame:
    """Co-location table of one footprint (see the module docstring), sorted by p-value then ratio.

    Parameters
    ----------
    sites : PointRegister
        The register the footprint was located on.
    footprint : Footprint
        The footprint (its ``sector`` and ``polygon`` in register coordinates).
    alpha : float
        False-discovery rate of ``co_located``, in (0, 1).
    min_count : int
        Rows are the other sectors with at least ``min_count`` establishments in the footprint.
    counts : optional
        Register-wide counts shared across footprints (:func:`profile_footprints` passes them).

    Returns
    -------
    pandas.DataFrame
        One row per other sector: ``footprint_id, footprint_sector, sector, count_in_footprint,
        sector_total, expected, ratio, p_value, q_value, co_located`` (and ``employment_in_footprint,
        employment_ratio`` when the register has employment).

    References
    ----------
    Humphrey, J. & Schmitz, H. (1995). Principles for promoting clusters and networks of SMEs. UNIDO.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289-300.

    Examples
    --------
    Two establishments of A, five of B in a 3 km square around them; one B and ten C elsewhere:

    >>> from shapely.geometry import box
    >>> from triplec.mapping import PointRegister
    >>> from triplec.mapping.footprints import Footprint
    >>> x = np.r_[np.linspace(0, 1, 7), np.linspace(8, 10, 11)]
    >>> reg = PointRegister.from_arrays(x, x, ["A"] * 2 + ["B"] * 6 + ["C"] * 10)
    >>> fp = Footprint("A-F1", "A", 1.0, ["0", "1"], None, None, (0.5, 0.5), box(-1, -1, 2, 2), 9.0)
    >>> profile_footprint(reg, fp)[["sector", "count_in_footprint", "expected", "ratio", "q_value", "co_located"]].round(4)
      sector  count_in_footprint  expected   ratio  q_value  co_located
    0      B                   5     1.875  2.6667   0.0027        True
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    counts = counts if counts is not None else _RegisterCounts(sites)
    own = counts.position.get(footprint.sector, -1)
    inside = inside_footprint(sites, footprint)
    local_codes = counts.codes[inside]
    local_codes = local_codes[local_codes != own]
    present = np.flatnonzero((counts.counts > 0) & (np.arange(len(counts.names)) != own))  # other sectors
    k = np.bincount(local_codes, minlength=len(counts.names))[present]
    big_k = counts.counts[present]
    m_total = int(big_k.sum())
    n_inside = len(local_codes)
    expected = n_inside * big_k / m_total if m_total else np.zeros(len(k))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, k / expected, np.nan)
    p = hypergeom.sf(k - 1, m_total, big_k, n_inside) if n_inside else np.ones(len(k))
    p = np.clip(p, 0.0, 1.0)
    q = bh_qvalues(p)
    table = pd.DataFrame({
        "footprint_id": footprint.id,
        "footprint_sector": footprint.sector,
        "sector": counts.names[present].astype(str),
        "count_in_footprint": k.astype(int),
        "sector_total": big_k.astype(int),
        "expected": expected,
        "ratio": ratio,
        "p_value": p,
        "q_value": q,
        "co_located": (q < alpha) & (ratio > 1),
    })
    if counts.weights is not None:
        keep = inside & (counts.codes != own)
        emp_local = np.bincount(counts.codes[keep], counts.weights[keep], minlength=len(counts.names))[present]
        emp_total = counts.employment[present]
        share_all = emp_total / emp_total.sum() if emp_total.sum() > 0 else emp_total * np.nan
        share_local = emp_local / emp_local.sum() if emp_local.sum() > 0 else emp_local * np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            table["employment_in_footprint"] = emp_local
            table["employment_ratio"] = np.where(share_all > 0, share_local / share_all, np.nan)
    table = table[table["count_in_footprint"] >= min_count]
    return table.sort_values(["p_value", "ratio", "sector"], ascending=[True, False, True],
                             kind="mergesort").reset_index(drop=True)


def profile_footprints(sites: PointRegister, footprints: FootprintSet | list[Footprint], *, alpha: float = 0.05,
                       min_count: int = 1, step_progress=None) -> pd.DataFrame:
    """Co-location tables of all footprints, stacked (one row a footprint x other sector).

    Parameters
    ----------
    sites : PointRegister
        The register the footprints were located on.
    footprints : FootprintSet or list of Footprint
        Usually the result of :func:`triplec.mapping.locate_footprints`.
    alpha, min_count
        As :func:`profile_footprint`.
    step_progress : callable, optional
        Called as ``step_progress("profiles", done, total)`` before each footprint; an exception it
        raises (a cancel) stops the work there.

    Returns
    -------
    pandas.DataFrame
        The tables of :func:`profile_footprint` one after the other, with its columns (empty, with the
        columns, when there is no footprint).

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289-300.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from triplec.mapping import PointRegister
    >>> from triplec.mapping.footprints import Footprint
    >>> x = np.r_[np.linspace(0, 1, 7), np.linspace(8, 10, 11)]
    >>> reg = PointRegister.from_arrays(x, x, ["A"] * 2 + ["B"] * 6 + ["C"] * 10)
    >>> fps = [Footprint("A-F1", "A", 1.0, ["0", "1"], None, None, (0.5, 0.5), box(-1, -1, 2, 2), 9.0),
    ...        Footprint("C-F1", "C", 1.0, [], None, None, (9.0, 9.0), box(8, 8, 10, 10), 4.0)]
    >>> profile_footprints(reg, fps)[["footprint_id", "sector", "count_in_footprint", "ratio"]].round(2)
      footprint_id sector  count_in_footprint  ratio
    0         A-F1      B                   5   2.67
    1         C-F1      B                   1   1.33
    """
    counts = _RegisterCounts(sites)
    footprints = list(footprints)
    tables = []
    for done, fp in enumerate(footprints):
        if step_progress is not None:
            step_progress("profiles", done, len(footprints))
        tables.append(profile_footprint(sites, fp, alpha=alpha, min_count=min_count, counts=counts))
    columns = PROFILE_COLUMNS + (EMPLOYMENT_COLUMNS if sites.has_weights else [])
    if not tables:
        return pd.DataFrame(columns=columns)
    return pd.concat(tables, ignore_index=True)[columns]


COLOCATION_KD_COLUMNS = ["footprint_sector", "sector", "kd_gamma", "kd_near", "kd_p_value", "kd_peak_distance"]


def colocation_kd(register, profiles: pd.DataFrame, *, top: int = 3, r_max: float = 100.0, r_step: float = 5.0,
                  sims: int = 199, alpha: float = 0.05, seed: int = 1, scheduler=None,
                  step_progress=None) -> pd.DataFrame:
    """Register-wide check of the footprint-level co-locations with bivariate Kd (Duranton-Overman).

    For each footprint, its ``top`` co-located sectors (lowest q-value first) are tested: is sector s
    located near the footprint's sector A across the whole register? The pair's bivariate Kd (pairs
    ``i`` in A, ``j`` in s) against random location of both sectors' establishments
    (:func:`triplec.mapping.kd_test` with ``other=s``); ``kd_near`` is true when it leaves the upper
    global band.

    Parameters
    ----------
    register : PointRegister
        The whole register.
    profiles : pandas.DataFrame
        The co-location tables of :func:`profile_footprints` (``footprint_id, footprint_sector, sector,
        q_value, ratio, co_located``).
    top : int
        How many co-located sectors of each footprint to test.
    r_max, r_step, sims, alpha, seed, scheduler
        As :func:`triplec.mapping.kd_test`.
    step_progress : callable, optional
        Called as ``step_progress("colocation", done, total)`` before each pair.

    Returns
    -------
    pandas.DataFrame
        One row a distinct (footprint sector, sector) pair, columns
        ``footprint_sector, sector, kd_gamma, kd_near, kd_p_value, kd_peak_distance``.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106 (section 5, co-localisation).

    Examples
    --------
    Each of 20 establishments of B sits about 300 m from one of A; 40 of C are anywhere:

    >>> from triplec.mapping import PointRegister
    >>> rng = np.random.default_rng(2)
    >>> ax, ay = rng.uniform(0, 40, (2, 20))
    >>> bx, by = ax + rng.normal(0, 0.3, 20), ay + rng.normal(0, 0.3, 20)
    >>> cx, cy = rng.uniform(0, 40, (2, 40))
    >>> reg = PointRegister.from_arrays(np.r_[ax, bx, cx], np.r_[ay, by, cy], ["A"] * 20 + ["B"] * 20 + ["C"] * 40)
    >>> profiles = pd.DataFrame({"footprint_id": ["A-F1"], "footprint_sector": ["A"], "sector": ["B"],
    ...                          "q_value": [0.01], "ratio": [2.0], "co_located": [True]})
    >>> colocation_kd(reg, profiles, r_max=20, r_step=1, sims=39)[["sector", "kd_near", "kd_p_value"]]
      sector  kd_near  kd_p_value
    0      B     True       0.025
    """
    from triplec.mapping import kd_test

    if top < 1 or profiles is None or profiles.empty:
        return pd.DataFrame(columns=COLOCATION_KD_COLUMNS)
    hits = profiles[profiles["co_located"].astype(bool)].sort_values(["footprint_id", "q_value", "ratio"],
                                                                      ascending=[True, True, False])
    pairs = list(dict.fromkeys(
        (str(a), str(b)) for _, group in hits.groupby("footprint_id", sort=False)
        for a, b in zip(group["footprint_sector"].head(top), group["sector"].head(top), strict=True)
    ))
    rows = []
    for done, (sector, other) in enumerate(pairs):
        if step_progress is not None:
            step_progress("colocation", done, len(pairs))
        row = kd_test(register, sector, other=other, r_max=r_max, r_step=r_step, sims=sims, alpha=alpha,
                      seed=seed, scheduler=scheduler).table.iloc[0]
        rows.append({"footprint_sector": sector, "sector": other, "kd_gamma": float(row["gamma"]),
                     "kd_near": bool(row["localised"]), "kd_p_value": float(row["p_value"]),
                     "kd_peak_distance": float(row["peak_distance"])})
    return pd.DataFrame(rows, columns=COLOCATION_KD_COLUMNS)
