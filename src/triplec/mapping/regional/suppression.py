"""Fill suppressed cells of a hierarchical table top-down from the parents' residuals.

Public establishment statistics hide small cells. The County Business Patterns county file, for
example, omits every county x NAICS cell with fewer than three establishments, but it publishes
the 2-, 3-, 4- and 5-digit subtotals, which still contain the employment of the hidden 6-digit
cells. Summing only the published 6-digit cells therefore undercounts small industries, most in
small regions.

Method (top-down residual allocation, in the spirit of the imputations of Isserman & Westervelt
2006, "1.5 million missing numbers", Int. Regional Sci. Rev. 29(3), and Eckert, Fort, Schott &
Yang 2020, NBER WP 26632, reduced to its simplest form): for each region, level by level from the
top of the hierarchy down,

    residual(region, parent) = max(0, value(region, parent) - sum of published children values)

and the residual is shared among the parent's children that are *not published* in that region
(for a value column, "published" means present with a value > 0), in proportion to each child's
total over all regions (equal shares if those totals are all zero). A parent whose value was
itself imputed passes its imputed value down. The result holds the finest level only, each value
column `v` with a companion `v_imputed` saying how much of it was imputed.

Children sum to more than their parent in a few cells of noise-infused data; those residuals are
clipped at zero (nothing is taken away from published cells).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from triplec.mapping.sectors import code_level, parent_code

__all__ = ["impute_suppressed_cells"]


def impute_suppressed_cells(
    frame: pd.DataFrame,
    *,
    region_col: str,
    code_col: str,
    value_cols: Sequence[str] = ("emp", "estab"),
    scheme: str = "naics",
) -> pd.DataFrame:
    """Return the finest-level cells of a hierarchical region x code table with suppressed cells filled.

    Parameters
    ----------
    frame : pandas.DataFrame
        Every level of the hierarchy for each region (e.g. CBP: "00", 2- to 6-digit NAICS); levels
        must be contiguous from the top level present to the finest.
    region_col, code_col : str
        Columns of the region and of the sector code.
    value_cols : sequence of str
        Additive value columns (employment, establishments), >= 0.
    scheme : {"naics", "naf", "plain"}
        The code hierarchy (see :func:`triplec.mapping.sectors.parent_code`).

    Returns
    -------
    pandas.DataFrame
        ``region_col``, ``code_col``, each value column and ``<value>_imputed`` (the imputed part; 0 for
        published cells), at the finest level only.

    References
    ----------
    Isserman, A. M. & Westervelt, J. (2006). 1.5 million missing numbers: overcoming employment
    suppression in County Business Patterns data. International Regional Science Review 29(3), 311-335.
    Eckert, F., Fort, T. C., Schott, P. K. & Yang, N. J. (2020). Imputing missing values in the US
    Census Bureau's County Business Patterns. NBER Working Paper 26632.

    Examples
    --------
    County 01001 publishes 100 employees in NAICS 3364 but hides 33642; the 30 left over go to it:

    >>> frame = pd.DataFrame({"county": ["01001"] * 3 + ["01003"] * 3,
    ...                       "naics": ["3364", "33641", "33643", "3364", "33641", "33642"],
    ...                       "emp": [100, 60, 10, 80, 50, 30]})
    >>> impute_suppressed_cells(frame, region_col="county", code_col="naics", value_cols=["emp"])
      county  naics   emp  emp_imputed
    0  01001  33641  60.0          0.0
    1  01001  33642  30.0         30.0
    2  01001  33643  10.0          0.0
    3  01003  33641  50.0          0.0
    4  01003  33642  30.0          0.0
    """
    value_cols = list(value_cols)
    missing = [c for c in (region_col, code_col, *value_cols) if c not in frame.columns]
    if missing:
        raise ValueError(f"impute_suppressed_cells: missing column(s) {missing}")
    work = frame[[region_col, code_col, *value_cols]].copy()
    work[code_col] = work[code_col].astype(str)
    for col in value_cols:
        work[col] = pd.to_numeric(work[col], errors="raise").astype(float)
        if (work[col] < 0).any() or work[col].isna().any():
            raise ValueError(f"impute_suppressed_cells: column '{col}' has negative or missing values")
    if work.duplicated([region_col, code_col]).any():
        row = work[work.duplicated([region_col, code_col])].iloc[0]
        raise ValueError(f"impute_suppressed_cells: region {row[region_col]!r}, code {row[code_col]!r} is listed twice")

    # integer ids: region r, code c; a cell's key is r * n_codes + c
    region_ids, regions = pd.factorize(work[region_col], sort=True)
    code_ids, codes = pd.factorize(work[code_col], sort=True)
    n_codes = len(codes)
    level = np.array([code_level(c, scheme) for c in codes])
    index_of = {c: i for i, c in enumerate(codes)}
    parent = np.array([index_of.get(parent_code(c, scheme), -1) for c in codes])
    levels = sorted(set(level.tolist()))
    if levels != list(range(levels[0], levels[-1] + 1)):
        raise ValueError(f"impute_suppressed_cells: levels {levels} are not contiguous; every level from the top "
                         f"present to the finest is needed")
    orphans = [codes[i] for i in range(n_codes) if level[i] > levels[0] and parent[i] < 0]
    if orphans:
        raise ValueError(f"impute_suppressed_cells: code {orphans[0]!r} has no parent code in the table")
    keys = region_ids.astype(np.int64) * n_codes + code_ids
    cell_level = level[code_ids]

    finest = {}
    for col in value_cols:
        values = work[col].to_numpy()
        totals = np.bincount(code_ids, weights=values, minlength=n_codes)  # all-region totals: the weights
        top = cell_level == levels[0]
        cur_keys, cur_vals, cur_imp = keys[top], values[top], np.zeros(int(top.sum()))
        for lvl in levels[1:]:
            at = cell_level == lvl
            pub_keys, pub_vals = keys[at], values[at]
            add_keys, add_vals = _allocate(cur_keys, cur_vals, pub_keys, pub_vals, parent, level, lvl, totals, n_codes)
            all_keys = np.concatenate([pub_keys, add_keys])
            uniq, inverse = np.unique(all_keys, return_inverse=True)
            cur_vals = np.bincount(inverse, weights=np.concatenate([pub_vals, add_vals]), minlength=len(uniq))
            cur_imp = np.bincount(inverse, weights=np.concatenate([np.zeros(len(pub_vals)), add_vals]),
                                  minlength=len(uniq))
            cur_keys = uniq
        finest[col] = (cur_keys, cur_vals, cur_imp)

    # union of the finest-level cells over the value columns
    key = np.unique(np.concatenate([k for k, _, _ in finest.values()]))
    result = pd.DataFrame({region_col: regions.to_numpy()[key // n_codes], code_col: codes.to_numpy()[key % n_codes]})
    for col, (col_keys, col_vals, col_imp) in finest.items():
        pos = np.searchsorted(key, col_keys)
        full, imputed = np.zeros(len(key)), np.zeros(len(key))
        full[pos], imputed[pos] = col_vals, col_imp
        result[col], result[col + "_imputed"] = full, imputed
    return result


def _allocate(parent_keys, parent_vals, pub_keys, pub_vals, parent, level, lvl, totals, n_codes):
    """Residual of each (region, parent) shared among its children not published with a value > 0.

    Returns (keys, amounts) of the added values at level `lvl`."""
    positive = pub_vals > 0
    pub_keys, pub_vals = pub_keys[positive], pub_vals[positive]
    # sum of published children per (region, parent) key
    child_region, child_code = pub_keys // n_codes, pub_keys % n_codes
    parent_of_child = child_region * n_codes + parent[child_code]
    uniq, inverse = np.unique(parent_of_child, return_inverse=True)
    child_sum = np.bincount(inverse, weights=pub_vals, minlength=len(uniq))
    pos = np.searchsorted(uniq, parent_keys)
    found = (pos < len(uniq)) & (uniq[np.minimum(pos, len(uniq) - 1)] == parent_keys) if len(uniq) else np.zeros(len(parent_keys), bool)
    published_sum = np.where(found, child_sum[np.minimum(pos, max(len(uniq) - 1, 0))] if len(uniq) else 0.0, 0.0)
    resid = np.clip(parent_vals - published_sum, 0.0, None)
    keep = resid > 0
    if not keep.any():
        return np.empty(0, np.int64), np.empty(0)
    r_keys, resid = parent_keys[keep], resid[keep]
    r_region, r_code = r_keys // n_codes, r_keys % n_codes
    # children of each parent code at this level, as CSR lists
    kids = np.flatnonzero(level == lvl)
    kids = kids[np.argsort(parent[kids], kind="stable")]
    starts = np.searchsorted(parent[kids], np.arange(n_codes), side="left")
    ends = np.searchsorted(parent[kids], np.arange(n_codes), side="right")
    counts = (ends - starts)[r_code]
    row = np.repeat(np.arange(len(r_keys)), counts)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    child = kids[starts[r_code][row] + offset]
    cand_keys = r_region[row] * n_codes + child
    free = ~np.isin(cand_keys, pub_keys)
    row, child, cand_keys = row[free], child[free], cand_keys[free]
    weight = totals[child]
    wsum = np.bincount(row, weights=weight, minlength=len(r_keys))
    n_free = np.bincount(row, minlength=len(r_keys))
    share = np.where(wsum[row] > 0, weight / np.where(wsum[row] > 0, wsum[row], 1.0), 1.0 / np.maximum(n_free[row], 1))
    return cand_keys, resid[row] * share
