"""Cluster-strength rules of the two public cluster observatories.

U.S. Cluster Mapping (Harvard Business School / U.S. EDA, clustermapping.us)
----------------------------------------------------------------------------
Source: the project's own data pipeline, clustermapping/cmp on GitHub,
`data/processing/cluster_calcs_reducer.js` (the code that set `strong_b` on clustermapping.us),
with cluster definitions from Delgado, Porter & Stern (2016), "Defining clusters of related
industries", J. Econ. Geogr. 16(1): 1-38. For one cluster and one type of region (states,
economic areas, ...), over the regions with employment > 0:

    Q_p(v) = p-quantile of v with linear interpolation (d3.quantile = numpy's default)
    base   = emp > Q_.25(emp)  and  estab > Q_.25(estab)
    strong      = LQ >= Q_.75(LQ) and LQ >= 1 and base     (top quartile of specialisation)
    strong10    = LQ >= Q_.90(LQ) and LQ >= 1 and base     (top decile)
    significant = LQ >  Q_.50(LQ) and base
    qualifying  = LQ >  Q_.25(LQ) and base

The quantiles come from the regions with emp > 0; the rule is then applied to every region.
Recomputed from the official `lq_tf`, `emp_tl`, `est_tl`, this reproduces the official `strong_b`
of all 2,550 state x traded-cluster rows of 2016 (tests/mapping/test_uscm_validation.py).

European Cluster Observatory star rating
-----------------------------------------
Source: European Cluster Observatory, "Evaluation of regional cluster strength"
(http://www.clusterobservatory.eu/index.php?id=49, Center for Strategy and Competitiveness,
Stockholm School of Economics, for the European Commission). A regional cluster (region x cluster
category) gets one star for each criterion it meets (0 to 3 stars):

- size: its employment is in the top 10% of all regional clusters of the same category;
- specialisation: its location quotient (share of the category in the region's employment over
  the category's share in total European employment) is 2 or more;
- focus: its share of the region's total employment is in the top 10% of all regional clusters.

"Top 10%" is read here as: fewer than 10% of the compared cells have a strictly larger value
(ties are kept together); the compared cells are those with employment > 0. For focus the
comparison pool is every regional cluster of every category (`focus_pool="all"`, as the page
reads), or the same category only (`focus_pool="sector"`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["eco_stars", "top_share_flags", "uscm_cluster_strength"]


def _required(frame: pd.DataFrame, cols: list[str], who: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{who}: missing column(s) {missing}; columns are {list(frame.columns)}")


def uscm_cluster_strength(
    frame: pd.DataFrame,
    *,
    sector_col: str = "sector",
    lq_col: str = "lq",
    emp_col: str = "emp",
    estab_col: str | None = "estab",
) -> pd.DataFrame:
    """U.S. Cluster Mapping strength flags of every row (one row = one region x cluster).

    Parameters
    ----------
    frame : pandas.DataFrame
        Every region of the comparison set for each cluster (rows with zero employment may be present
        or absent: they take no part in the quantiles and are never strong).
    sector_col, lq_col, emp_col : str
        Columns of the cluster, its location quotient and its employment.
    estab_col : str or None
        Column of the establishments; None leaves the establishment condition out (the official rule
        needs both; say so when you report it).

    Returns
    -------
    pandas.DataFrame
        Aligned with ``frame.index``, boolean columns ``qualifying, significant, strong, strong10``
        (see the module docstring).

    References
    ----------
    Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries. Journal of
    Economic Geography 16(1), 1-38. U.S. Cluster Mapping, clustermapping/cmp,
    ``data/processing/cluster_calcs_reducer.js``.

    Examples
    --------
    Eight states for one cluster; h is the most specialised but too small to count:

    >>> frame = pd.DataFrame({"region": list("abcdefgh"), "sector": "Aerospace",
    ...                       "lq": [0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 2.5, 3.0],
    ...                       "emp": [10, 50, 80, 120, 300, 150, 400, 5], "estab": [2, 5, 8, 10, 20, 12, 30, 1]})
    >>> flags = uscm_cluster_strength(frame)
    >>> frame.loc[flags["strong"], "region"].tolist(), frame.loc[flags["significant"], "region"].tolist()
    (['g'], ['e', 'f', 'g'])
    """
    cols = [sector_col, lq_col, emp_col] + ([estab_col] if estab_col else [])
    _required(frame, cols, "uscm_cluster_strength")
    lq = frame[lq_col].to_numpy(dtype=float)
    emp = frame[emp_col].to_numpy(dtype=float)
    estab = frame[estab_col].to_numpy(dtype=float) if estab_col else None
    out = {name: np.zeros(len(frame), dtype=bool) for name in ("qualifying", "significant", "strong", "strong10")}
    groups = frame.groupby(sector_col, sort=False).indices
    for rows in groups.values():
        positive = rows[emp[rows] > 0]
        if len(positive) == 0:
            continue
        q_lq = np.quantile(np.nan_to_num(lq[positive], nan=0.0), [0.25, 0.5, 0.75, 0.9])
        base = emp[rows] > np.quantile(emp[positive], 0.25)
        if estab is not None:
            base &= estab[rows] > np.quantile(estab[positive], 0.25)
        value = np.nan_to_num(lq[rows], nan=0.0)
        out["qualifying"][rows] = (value > q_lq[0]) & base
        out["significant"][rows] = (value > q_lq[1]) & base
        out["strong"][rows] = (value >= q_lq[2]) & (value >= 1.0) & base
        out["strong10"][rows] = (value >= q_lq[3]) & (value >= 1.0) & base
    return pd.DataFrame(out, index=frame.index)


def top_share_flags(values, share: float = 0.10) -> np.ndarray:
    """True where fewer than `share` x n of the values are strictly larger (n = len(values)):
    the top `share` of the values, ties kept together.

    Parameters
    ----------
    values : array_like of float
        The compared values.
    share : float
        The top share (European Cluster Observatory: 0.10).

    Returns
    -------
    numpy.ndarray of bool
        In the order of ``values``.

    Examples
    --------
    >>> top_share_flags([5, 9, 9, 1, 3, 7], share=0.3).tolist()  # the two 9s tie at the top
    [False, True, True, False, False, False]
    """
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    ordered = np.sort(values)
    strictly_larger = len(values) - np.searchsorted(ordered, values, side="right")
    return strictly_larger < share * len(values)


def eco_stars(
    frame: pd.DataFrame,
    *,
    region_col: str = "region",
    sector_col: str = "sector",
    emp_col: str = "emp",
    lq_col: str = "lq",
    region_totals: pd.Series | None = None,
    top_share: float = 0.10,
    lq_threshold: float = 2.0,
    focus_pool: str = "all",
) -> pd.DataFrame:
    """European Cluster Observatory stars of every row (one row = one region x cluster category).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row a region x cluster category.
    region_col, sector_col, emp_col : str
        Columns of the region, the category and its employment.
    lq_col : str
        Column of the specialisation (location) quotient.
    region_totals : pandas.Series, optional
        Each region's total employment (default: the sum of ``emp_col`` over the region's rows, right
        when the table covers the whole economy).
    top_share : float
        The "top 10%" of size and focus.
    lq_threshold : float
        The specialisation star's quotient (2).
    focus_pool : {"all", "sector"}
        Compare focus with every regional cluster, or with those of the same category.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``frame.index``: ``focus`` (emp / region total), ``eco_size``,
        ``eco_specialisation``, ``eco_focus`` (bool) and ``eco_stars`` (0-3).

    References
    ----------
    European Cluster Observatory, "Evaluation of regional cluster strength", Center for Strategy and
    Competitiveness, Stockholm School of Economics, for the European Commission.

    Examples
    --------
    Three regions, two categories; with ``top_share=0.5`` the top half of the cells earns a star:

    >>> frame = pd.DataFrame({"region": ["r1", "r1", "r2", "r2", "r3", "r3"], "sector": ["Metal", "Food"] * 3,
    ...                       "emp": [500, 100, 50, 300, 20, 30], "lq": [2.1, 0.4, 0.3, 1.8, 1.0, 1.0]})
    >>> eco_stars(frame, top_share=0.5).round(3)
       focus  eco_size  eco_specialisation  eco_focus  eco_stars
    0  0.833      True                True       True          3
    1  0.167      True               False      False          1
    2  0.143      True               False      False          1
    3  0.857      True               False       True          2
    4  0.400     False               False      False          0
    5  0.600     False               False       True          1
    """
    _required(frame, [region_col, sector_col, emp_col, lq_col], "eco_stars")
    if focus_pool not in ("all", "sector"):
        raise ValueError(f"focus_pool must be 'all' or 'sector', not {focus_pool!r}")
    emp = frame[emp_col].to_numpy(dtype=float)
    if region_totals is None:
        totals = frame.groupby(region_col)[emp_col].transform("sum").to_numpy(dtype=float)
    else:
        totals = frame[region_col].astype(str).map(region_totals.rename(index=str)).to_numpy(dtype=float)
        if np.isnan(totals).any():
            region = frame.loc[np.isnan(totals), region_col].iloc[0]
            raise ValueError(f"eco_stars: region_totals lack region {region!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        focus = np.where(totals > 0, emp / totals, 0.0)
    positive = emp > 0
    size = np.zeros(len(frame), dtype=bool)
    focus_star = np.zeros(len(frame), dtype=bool)
    for rows in frame.groupby(sector_col, sort=False).indices.values():
        pool = rows[positive[rows]]
        size[pool] = top_share_flags(emp[pool], top_share)
        if focus_pool == "sector":
            focus_star[pool] = top_share_flags(focus[pool], top_share)
    if focus_pool == "all":
        pool = np.flatnonzero(positive)
        focus_star[pool] = top_share_flags(focus[pool], top_share)
    special = np.nan_to_num(frame[lq_col].to_numpy(dtype=float), nan=0.0) >= lq_threshold
    return pd.DataFrame({
        "focus": focus,
        "eco_size": size,
        "eco_specialisation": special,
        "eco_focus": focus_star,
        "eco_stars": size.astype(int) + special.astype(int) + focus_star.astype(int),
    }, index=frame.index)
