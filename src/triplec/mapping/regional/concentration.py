"""Concentration indices on region x sector tables: location quotients, Ellison-Glaeser,
Maurel-Sedillot and Ellison-Glaeser-Kerr coagglomeration.

Notation (all indices): region r, sector s; E_rs the measure (employment, or establishments) of
sector s in region r; E_r = sum_s E_rs, E_s = sum_r E_rs, E = sum E_rs.
s_r = E_rs / E_s is the sector's share in region r; x_r is the region's share of the aggregate
(by default E_r / E over all sectors of the table; pass `x` to use another aggregate, e.g. all
manufacturing or all employment of the country). H is the plant Herfindahl of the sector,
H = sum_j z_j^2 with z_j the employment share of plant j in the sector.

Plant Herfindahl when plant sizes are unknown
---------------------------------------------
EG and MS need H. With plant-level data it is exact (`plant_herfindahl`, `ellison_glaeser_plants`).
A region x sector table gives only counts N_rs and employment E_rs; two labelled approximations:

- ``approx_regional_mean_size``: every plant of sector s in region r has the regional mean size
  E_rs / N_rs, so H ~= sum_r N_rs (E_rs / N_rs)^2 / E_s^2 = sum_r E_rs^2 / (N_rs E_s^2);
- ``approx_equal_size``: all plants of the sector have the same size, H ~= 1 / N_s.

Both are lower bounds of the true H (Cauchy-Schwarz: size dispersion only raises H), so gamma is
biased upwards when plant sizes are very unequal. When the measure is the establishment count
itself, every plant weighs 1 and H = 1 / N_s is exact (method ``counts_exact``).
Cells with employment but no establishment count (N_rs = 0, E_rs > 0) are treated as one plant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "H_METHODS",
    "AgglomerationResult",
    "agglomeration_indices",
    "coagglomeration",
    "ellison_glaeser_gamma",
    "ellison_glaeser_plants",
    "herfindahl_equal_size",
    "herfindahl_from_size_classes",
    "herfindahl_regional_mean_size",
    "location_quotients",
    "maurel_sedillot_gamma",
    "plant_herfindahl",
    "raw_concentration",
]

H_METHODS = ("plant_herfindahl", "approx_regional_mean_size", "approx_equal_size", "counts_exact", "given")
_TOL = 1e-9


# ------------------------------------------------------------------------------- location quotient

def location_quotients(matrix: pd.DataFrame, *, region_totals: pd.Series | None = None,
                       sector_shares: pd.Series | None = None) -> pd.DataFrame:
    """Location quotients of a region x sector matrix.

        LQ_rs = (E_rs / E_r) / (E_s / E)

    the sector's share of the region's measure over its share of the whole (Florence 1939; see
    Isard 1960, "Methods of regional analysis", ch. 7). LQ > 1: the region is specialised in the
    sector. `region_totals` replaces E_r (e.g. total employment of all industries when the matrix
    holds only some); `sector_shares` replaces E_s / E (e.g. national shares from another source).
    Regions with E_r = 0 or sectors with E_s = 0 give NaN.

    The U.S. Cluster Mapping `lq_tf` of a traded cluster is this LQ over the matrix of traded
    clusters only: E_r is the region's traded employment (clustermapping/cmp,
    data/processing/cluster_calcs_mapper.js).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Regions (index) x sectors (columns), values >= 0 (employment or establishments).
    region_totals, sector_shares : pandas.Series, optional
        As above.

    Returns
    -------
    pandas.DataFrame
        LQ of each cell, same shape as ``matrix``.

    References
    ----------
    Florence, P. S. (1939). Report on the location of industry. Political and Economic Planning.
    Isard, W. (1960). Methods of regional analysis. MIT Press, ch. 7.

    Examples
    --------
    >>> m = pd.DataFrame({"shoes": [900.0, 100.0], "wine": [100.0, 900.0]}, index=["N", "S"])
    >>> location_quotients(m)
       shoes  wine
    N    1.8   0.2
    S    0.2   1.8
    """
    values = matrix.to_numpy(dtype=float)
    if (values < 0).any() or not np.isfinite(values).all():
        raise ValueError("location_quotients: the matrix must hold finite values >= 0")
    e_r = (region_totals.reindex(matrix.index).to_numpy(dtype=float) if region_totals is not None
           else values.sum(axis=1))
    if sector_shares is not None:
        share_s = sector_shares.reindex(matrix.columns).to_numpy(dtype=float)
    else:
        total = values.sum()
        share_s = values.sum(axis=0) / total if total > 0 else np.full(values.shape[1], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        regional_share = values / e_r[:, None]
        lq = regional_share / share_s[None, :]
    lq[~np.isfinite(lq)] = np.nan
    return pd.DataFrame(lq, index=matrix.index, columns=matrix.columns)


# ------------------------------------------------------------------------------- Herfindahl

def plant_herfindahl(sizes) -> float:
    """H = sum_j z_j^2, z_j = size_j / sum(size): the plant Herfindahl of one sector (EG 1997, eq. 3).
    NaN when the sector has no employment.

    >>> round(plant_herfindahl([50, 30, 20]), 3)
    0.38
    """
    sizes = np.asarray(sizes, dtype=float)
    if (sizes < 0).any():
        raise ValueError("plant_herfindahl: sizes must be >= 0")
    total = sizes.sum()
    return float(np.sum((sizes / total) ** 2)) if total > 0 else float("nan")


def herfindahl_regional_mean_size(emp: pd.DataFrame, estab: pd.DataFrame) -> pd.Series:
    """Approximate H per sector assuming plants of a region-sector cell share its mean size:
    H_s ~= sum_r E_rs^2 / (max(N_rs, 1) E_s^2) for cells with E_rs > 0. A lower bound of the true H.

    >>> emp = pd.DataFrame({"A": [90, 10], "B": [40, 60]}, index=["r1", "r2"])
    >>> estab = pd.DataFrame({"A": [3, 2], "B": [10, 10]}, index=["r1", "r2"])
    >>> herfindahl_regional_mean_size(emp, estab).round(3).tolist()
    [0.275, 0.052]
    """
    e = emp.to_numpy(dtype=float)
    n = estab.reindex(index=emp.index, columns=emp.columns).fillna(0.0).to_numpy(dtype=float)
    e_s = e.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = (e ** 2 / np.maximum(n, 1.0)).sum(axis=0) / e_s ** 2
    return pd.Series(np.where(e_s > 0, h, np.nan), index=emp.columns, name="H")


def herfindahl_equal_size(estab: pd.DataFrame) -> pd.Series:
    """H_s = 1 / N_s: exact for establishment counts, a lower bound of the employment Herfindahl.

    >>> herfindahl_equal_size(pd.DataFrame({"A": [3, 2], "B": [10, 10]}, index=["r1", "r2"])).tolist()
    [0.2, 0.05]
    """
    n_s = estab.to_numpy(dtype=float).sum(axis=0)
    with np.errstate(divide="ignore"):
        h = np.where(n_s > 0, 1.0 / n_s, np.nan)
    return pd.Series(h, index=estab.columns, name="H")


def herfindahl_from_size_classes(class_counts, class_sizes) -> float:
    """Approximate H from establishment counts n_k by size class with a representative size m_k
    (e.g. the class midpoint): H ~= sum_k n_k m_k^2 / (sum_k n_k m_k)^2.

    >>> round(herfindahl_from_size_classes([8, 2], [5, 100]), 3)  # eight micro, two large establishments
    0.351
    """
    n = np.asarray(class_counts, dtype=float)
    m = np.asarray(class_sizes, dtype=float)
    if n.shape != m.shape or (n < 0).any() or (m < 0).any():
        raise ValueError("herfindahl_from_size_classes: counts and sizes must be >= 0 and of equal length")
    total = float(np.sum(n * m))
    return float(np.sum(n * m ** 2) / total ** 2) if total > 0 else float("nan")


# ------------------------------------------------------------------------------- EG and MS

def _check_shares(s: np.ndarray, x: np.ndarray) -> None:
    if (x < -_TOL).any() or abs(x.sum() - 1.0) > 1e-6:
        raise ValueError("region shares x must be >= 0 and sum to 1")
    sums = s.sum(axis=0)
    ok = np.isnan(sums) | (np.abs(sums - 1.0) <= 1e-6)
    if (s < -_TOL).any() or not np.all(ok):
        raise ValueError("sector shares s must be >= 0 and sum to 1 over regions")


def raw_concentration(s, x) -> np.ndarray | float:
    """EG raw geographic concentration G = sum_r (s_r - x_r)^2 (regions along axis 0).

    >>> raw_concentration([[0.9, 0.4], [0.1, 0.6]], [0.5, 0.5]).round(3).tolist()  # two sectors
    [0.32, 0.02]
    """
    s, x = np.asarray(s, dtype=float), np.asarray(x, dtype=float)
    xx = x if s.ndim == 1 else x[:, None]
    return np.sum((s - xx) ** 2, axis=0)


def ellison_glaeser_gamma(s, x, h):
    """Ellison & Glaeser (1997) agglomeration index of one or several sectors.

        gamma = (G - (1 - sum_r x_r^2) H) / ((1 - sum_r x_r^2) (1 - H)),   G = sum_r (s_r - x_r)^2

    Ellison, G. & Glaeser, E. L. (1997), "Geographic concentration in U.S. manufacturing
    industries: a dartboard approach", J. Political Economy 105(5): 889-927, eq. (5).
    Under the dartboard model (plants located independently with probabilities x_r) E[gamma] = 0;
    in their spillover / natural-advantage models E[gamma] equals the model's gamma (Props. 1-2).

    `s`: shares over regions (R,) or (R, S); `x`: (R,); `h`: scalar or (S,). NaN where H = 1
    (a single plant) or the sector is empty.

    Parameters
    ----------
    s : array_like
        The sector's shares over the regions, (R,) or (R, S) for S sectors.
    x : array_like
        The aggregate's shares over the regions, (R,).
    h : float or array_like
        The plant Herfindahl index of each sector.

    Returns
    -------
    float or numpy.ndarray
        gamma of each sector.

    References
    ----------
    Ellison & Glaeser (1997), above.

    Examples
    --------
    >>> round(float(ellison_glaeser_gamma([0.9, 0.1], [0.5, 0.5], 0.01)), 4)
    0.6364
    """
    s, x = np.asarray(s, dtype=float), np.asarray(x, dtype=float)
    h = np.asarray(h, dtype=float)
    _check_shares(s, x)
    one_minus_x2 = 1.0 - np.sum(x ** 2)
    g = raw_concentration(s, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = (g - one_minus_x2 * h) / (one_minus_x2 * (1.0 - h))
    gamma = np.where(np.isclose(h, 1.0) | np.isnan(h) | ~np.isfinite(gamma), np.nan, gamma)
    return float(gamma) if np.ndim(gamma) == 0 else gamma


def maurel_sedillot_gamma(s, x, h):
    """Maurel & Sedillot (1999) agglomeration index.

        gamma_MS = (G_MS - H) / (1 - H),   G_MS = (sum_r s_r^2 - sum_r x_r^2) / (1 - sum_r x_r^2)

    Maurel, F. & Sedillot, B. (1999), "A measure of the geographic concentration in French
    manufacturing industries", Regional Science and Urban Economics 29(5): 575-604, eq. (9).
    Unbiased under the same dartboard / spillover models as EG. Same array conventions as
    `ellison_glaeser_gamma`.

    Parameters
    ----------
    s, x, h : array_like
        As :func:`ellison_glaeser_gamma`.

    Returns
    -------
    float or numpy.ndarray
        gamma_MS of each sector.

    References
    ----------
    Maurel & Sedillot (1999), above.

    Examples
    --------
    >>> s, x = np.array([0.7, 0.2, 0.1]), np.array([0.4, 0.4, 0.2])
    >>> round(float(maurel_sedillot_gamma(s, x, 0.05)), 4)
    0.2434
    """
    s, x = np.asarray(s, dtype=float), np.asarray(x, dtype=float)
    h = np.asarray(h, dtype=float)
    _check_shares(s, x)
    sum_x2 = np.sum(x ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):  # one region only: 1 - sum x^2 = 0 -> NaN
        g_ms = (np.sum(s ** 2, axis=0) - sum_x2) / (1.0 - sum_x2)
        gamma = (g_ms - h) / (1.0 - h)
    gamma = np.where(np.isclose(h, 1.0) | np.isnan(h) | ~np.isfinite(gamma), np.nan, gamma)
    return float(gamma) if np.ndim(gamma) == 0 else gamma


def _region_shares(matrix: pd.DataFrame, x: pd.Series | None) -> np.ndarray:
    if x is None:
        totals = matrix.to_numpy(dtype=float).sum(axis=1)
        if totals.sum() <= 0:
            raise ValueError("the table has no positive value: region shares are undefined")
        return totals / totals.sum()
    missing = matrix.index.difference(x.index)
    if len(missing):
        raise ValueError(f"region weights x lack region {missing[0]!r}")
    weights = x.reindex(matrix.index).to_numpy(dtype=float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("region weights x must be >= 0 with a positive sum")
    # regions absent from the table but present in x still count in the aggregate
    return weights / x.to_numpy(dtype=float).sum()


@dataclass(frozen=True)
class AgglomerationResult:
    """Per-sector EG and MS indices: `table` has columns sector, eg_gamma, ms_gamma, eg_method,
    G, H, total, n_regions (regions with a positive value)."""

    table: pd.DataFrame



def _sector_and_region_shares(matrix: pd.DataFrame, x: pd.Series | None) -> tuple[np.ndarray, np.ndarray]:
    """Each sector's shares over the regions (NaN for an empty sector) and the aggregate's region
    shares ``x_r``. Regions of ``x`` outside the matrix get sector shares 0: G must include their x_r^2."""
    values = matrix.to_numpy(dtype=float)
    xr = _region_shares(matrix, x)
    if x is not None:
        outside = x.index.difference(matrix.index)
        xr = np.concatenate([xr, x.reindex(outside).to_numpy(dtype=float) / x.to_numpy(dtype=float).sum()])
        values = np.vstack([values, np.zeros((len(outside), values.shape[1]))])
    totals = values.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, values / np.where(totals > 0, totals, 1.0), np.nan)
    return shares, xr

def agglomeration_indices(
    matrix: pd.DataFrame,
    herfindahl: pd.Series,
    *,
    method: str,
    x: pd.Series | None = None,
) -> AgglomerationResult:
    """EG and MS gammas of every sector (column) of a region x sector `matrix`.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Employment (or establishments), regions as rows and sectors as columns.
    herfindahl : pandas.Series
        Plant Herfindahl H of each sector (see the module docstring for the approximations).
    method : str
        How H was obtained, one of ``H_METHODS`` (reported in ``eg_method``).
    x : pandas.Series, optional
        Region weights of the aggregate (default: the matrix's row totals).

    Returns
    -------
    AgglomerationResult
        ``table``: ``sector, eg_gamma, ms_gamma, eg_method, G, H, total, n_regions``.

    References
    ----------
    Ellison, G. & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing industries: a
    dartboard approach. Journal of Political Economy 105(5), 889-927. Maurel, F. & Sedillot, B. (1999).
    A measure of the geographic concentration in French manufacturing industries. Regional Science and
    Urban Economics 29(5), 575-604.

    Examples
    --------
    >>> matrix = pd.DataFrame({"A": [80, 10, 10], "B": [35, 35, 30]}, index=["r1", "r2", "r3"])
    >>> x = pd.Series({"r1": 0.4, "r2": 0.3, "r3": 0.3})  # e.g. the regions' shares of all employment
    >>> result = agglomeration_indices(matrix, pd.Series({"A": 0.05, "B": 0.05}), method="given", x=x)
    >>> result.table[["sector", "G", "eg_gamma", "ms_gamma"]].round(3)
      sector      G  eg_gamma  ms_gamma
    0      A  0.240     0.330     0.458
    1      B  0.005    -0.045    -0.061
    """
    if method not in H_METHODS:
        raise ValueError(f"method must be one of {H_METHODS}, not {method!r}")
    shares, xr = _sector_and_region_shares(matrix, x)
    values = matrix.to_numpy(dtype=float)
    totals = values.sum(axis=0)  # regions outside the matrix add zeros only
    h = herfindahl.reindex(matrix.columns).to_numpy(dtype=float)
    eg = ellison_glaeser_gamma(shares, xr, h)
    ms = maurel_sedillot_gamma(shares, xr, h)
    table = pd.DataFrame({
        "sector": matrix.columns.astype(str),
        "eg_gamma": eg,
        "ms_gamma": ms,
        "eg_method": method,
        "G": raw_concentration(shares, xr),
        "H": h,
        "total": totals,
        "n_regions": (values > 0).sum(axis=0),
    })
    return AgglomerationResult(table=table.reset_index(drop=True))


def ellison_glaeser_plants(
    plants: pd.DataFrame,
    *,
    region_col: str = "region",
    sector_col: str = "sector",
    size_col: str = "employees",
    x: pd.Series | None = None,
) -> pd.DataFrame:
    """EG and MS gammas from plant-level data with the true plant Herfindahl (method
    ``plant_herfindahl``). One row of `plants` is an establishment with its region, sector and
    size (employees >= 0). x_r defaults to region r's share of all plants' employment.

    Returns the table of :func:`agglomeration_indices` with ``emp`` for ``total`` and ``n_plants``.
    Ellison & Glaeser (1997), eq. 3 for H.

    >>> plants = pd.DataFrame({"region": ["r1", "r1", "r1", "r2", "r1", "r2", "r3", "r3"],
    ...                        "sector": ["A"] * 4 + ["B"] * 4, "employees": [40, 30, 20, 10, 25, 25, 25, 25]})
    >>> x = pd.Series({"r1": 0.4, "r2": 0.3, "r3": 0.3})
    >>> ellison_glaeser_plants(plants, x=x)[["sector", "n_plants", "H", "eg_gamma"]].round(3)
      sector  n_plants     H  eg_gamma
    0      A         4  0.30     0.394
    1      B         4  0.25    -0.202
    """
    missing = [c for c in (region_col, sector_col, size_col) if c not in plants.columns]
    if missing:
        raise ValueError(f"ellison_glaeser_plants: missing column(s) {missing}")
    sizes = pd.to_numeric(plants[size_col], errors="coerce")
    bad = sizes.isna() | (sizes < 0)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise ValueError(f"ellison_glaeser_plants: row {plants.index[i]!r}: '{size_col}' = {plants[size_col].iloc[i]!r} "
                         f"is not a number >= 0")
    frame = pd.DataFrame({"region": plants[region_col].astype(str).to_numpy(),
                          "sector": plants[sector_col].astype(str).to_numpy(), "size": sizes.to_numpy(dtype=float)})
    herf = frame.groupby("sector")["size"].apply(plant_herfindahl)
    matrix = frame.pivot_table(index="region", columns="sector", values="size", aggfunc="sum", fill_value=0.0)
    result = agglomeration_indices(matrix, herf, method="plant_herfindahl", x=x).table
    result["n_plants"] = frame.groupby("sector").size().reindex(result["sector"]).to_numpy()
    return result.rename(columns={"total": "emp"})


# ------------------------------------------------------------------------------- coagglomeration

def coagglomeration(matrix: pd.DataFrame, *, x: pd.Series | None = None, pairs=None) -> pd.DataFrame:
    """Ellison-Glaeser-Kerr coagglomeration of sector pairs.

        gamma^c_ij = sum_r (s_ri - x_r)(s_rj - x_r) / (1 - sum_r x_r^2)

    Ellison, G., Glaeser, E. L. & Kerr, W. R. (2010), "What causes industry agglomeration?
    Evidence from coagglomeration patterns", American Economic Review 100(3): 1195-1213, eq. (1)
    (the simplified EG 1997 multi-industry index). 0 in expectation when the two sectors locate
    independently of each other by the dartboard.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Employment, regions as rows and sectors as columns.
    x : pandas.Series, optional
        Region shares of the aggregate ``x_r`` (default: each row's share of the table's total).
    pairs : list of (str, str), optional
        The pairs to compute (default: every unordered pair, ``sector_a < sector_b``).

    Returns
    -------
    pandas.DataFrame
        Columns ``sector_a, sector_b, gamma_c``.

    References
    ----------
    Ellison, G., Glaeser, E. L. & Kerr, W. R. (2010). What causes industry agglomeration? Evidence
    from coagglomeration patterns. American Economic Review 100(3), 1195-1213.

    Examples
    --------
    A and B gather in the same region, C elsewhere:

    >>> matrix = pd.DataFrame({"A": [90, 5, 5], "B": [80, 10, 10], "C": [5, 5, 90]}, index=["r1", "r2", "r3"])
    >>> coagglomeration(matrix).round(3)
      sector_a sector_b  gamma_c
    0        A        B    0.269
    1        A        C   -0.626
    2        B        C   -0.476
    """
    shares, xr = _sector_and_region_shares(matrix, x)
    dev = shares - xr[:, None]
    denominator = 1.0 - np.sum(xr ** 2)
    sectors = [str(c) for c in matrix.columns]
    position = {s: i for i, s in enumerate(sectors)}
    if pairs is None:
        ia, ib = np.triu_indices(len(sectors), k=1)
    else:
        unknown = [p for pair in pairs for p in pair if str(p) not in position]
        if unknown:
            raise ValueError(f"coagglomeration: sector {unknown[0]!r} is not in the table")
        ia = np.array([position[str(a)] for a, _ in pairs], dtype=int)
        ib = np.array([position[str(b)] for _, b in pairs], dtype=int)
    with np.errstate(divide="ignore", invalid="ignore"):  # one region only: denominator 0 -> NaN
        gamma = np.einsum("ri,ri->i", dev[:, ia], dev[:, ib]) / denominator
    return pd.DataFrame({"sector_a": [sectors[i] for i in ia], "sector_b": [sectors[i] for i in ib], "gamma_c": gamma})
