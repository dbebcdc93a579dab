"""Regional series: location quotients and strong clusters of a region x sector table over years.

    from triplec.mapping.regional import regional_series, tables_by_year
    tables = tables_by_year(frame, year_col="year", region_col="state", sector_col="cluster", emp_col="emp")
    result = regional_series(tables)     # result.series (one row a cell and year), result.changes

Each year is computed on its own table, as `regional_indices` does for one table: the LQ on
employment (establishments when the table has no employment), over that year's region and sector
totals (Florence 1939), and the U.S. Cluster Mapping strong-cluster rule (`rules.uscm_cluster_strength`,
from clustermapping/cmp `cluster_calcs_reducer.js`; Delgado, Porter & Stern 2016), with that year's
quartiles.

Definitions (per cell, region r and sector s, year t):

- ``emp_share`` = E_rst / E_st, the region's share of the sector's employment over all regions of
  that year's table: U.S. Cluster Mapping's "national employment share" of a regional cluster when
  the table covers the nation (establishments when the table has no employment);
- ``d_emp_share`` and ``d_lq``: change since the previous year of the series (empty in the first);
- ``status`` of year t against the previous year, with the LQ threshold c (1, the LQ condition of
  the strong-cluster rule):

  * ``persistent``: strong in both years;
  * ``emerging``: became strong, or not strong in either year and the LQ rose past c
    (LQ_prev < c <= LQ_t);
  * ``declining``: lost strong, or not strong in either year and the LQ fell below c
    (LQ_t < c <= LQ_prev);
  * ``other``: none of these; empty in the first year.

`changes` applies the same classes to the first and the last year of the series (``class``), with
``years_strong``, the number of years the cell was strong. The three classes are triplec's reading
of "emerging" and "declining" clusters on top of the published rule; U.S. Cluster Mapping publishes
the strong flag and the change in employment share per year, not these classes.

A cell absent from a year's table has employment 0; its LQ is empty when its region or its sector
is absent that year (no total to divide by), and its share is empty when its sector is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triplec.mapping.regional.indices import main_measure
from triplec.mapping.regional.rules import uscm_cluster_strength
from triplec.mapping.regional.table import RegionalTable, RegionalTableError, validate_numbers

__all__ = ["CHANGE_COLUMNS", "SERIES_COLUMNS", "RegionalSeries", "regional_series", "tables_by_year"]

SERIES_COLUMNS = ["region", "sector", "year", "emp", "estab", "lq", "strong", "emp_share", "d_emp_share", "d_lq",
                  "status"]
CHANGE_COLUMNS = ["region", "sector", "first_year", "last_year", "emp_first", "emp_last", "lq_first", "lq_last",
                  "d_lq", "emp_share_first", "emp_share_last", "d_emp_share", "strong_first", "strong_last",
                  "years_strong", "class"]


@dataclass(frozen=True)
class RegionalSeries:
    """Output of `regional_series`; see the module docstring for the columns."""

    series: pd.DataFrame
    changes: pd.DataFrame
    years: list[int]
    methods: dict = field(default_factory=dict)


def tables_by_year(frame: pd.DataFrame, *, year_col: str = "year",
                   row_label: Callable[[int], str] | None = None, **from_frame) -> dict[int, RegionalTable]:
    """Split a long table with a year column into one validated `RegionalTable` per year.

    ``from_frame`` are the arguments of `RegionalTable.from_frame` (region_col, sector_col, emp_col,
    estab_col, duplicates, missing); messages name the row of ``frame`` (``row_label(i)``).

    >>> frame = pd.DataFrame({"year": [2021, 2021, 2022, 2022], "region": ["N", "S", "N", "S"],
    ...                       "sector": "wine", "emp": [10, 30, 12, 30]})
    >>> {year: table.data["emp"].tolist() for year, table in tables_by_year(frame, emp_col="emp").items()}
    {2021: [10.0, 30.0], 2022: [12.0, 30.0]}
    """
    if year_col not in frame.columns:
        raise RegionalTableError(f"missing column '{year_col}' (year); the table has {list(frame.columns)}")
    label = row_label or (lambda i: f"row {frame.index[i]!r}")
    tables = {}
    for year, positions in year_positions(frame, year_col, label):
        tables[year] = RegionalTable.from_frame(frame.iloc[positions], row_label=lambda i, p=positions: label(int(p[i])),
                                                **from_frame)
    return tables


def year_positions(frame: pd.DataFrame, year_col: str, label: Callable[[int], str]) -> list[tuple[int, np.ndarray]]:
    """(year, row positions) for each year of `year_col` in order; years must be whole numbers."""
    values = validate_numbers(frame, year_col, label, "error")
    whole = values == np.round(values)
    if not whole.all():
        i = int(np.argmin(whole))
        raise RegionalTableError(f"{label(i)}: column '{year_col}' has value {values[i]:g}, which is not a whole year")
    return [(year, np.flatnonzero(values == year)) for year in sorted(set(values.astype(int).tolist()))]


def _status(strong_prev, strong_now, lq_prev, lq_now, threshold: float) -> np.ndarray:
    lq_prev, lq_now = np.nan_to_num(lq_prev, nan=0.0), np.nan_to_num(lq_now, nan=0.0)
    neither = ~strong_prev & ~strong_now
    return np.select(
        [strong_prev & strong_now,
         (~strong_prev & strong_now) | (neither & (lq_prev < threshold) & (lq_now >= threshold)),
         (strong_prev & ~strong_now) | (neither & (lq_now < threshold) & (lq_prev >= threshold))],
        ["persistent", "emerging", "declining"], default="other")


def regional_series(tables: Mapping[int, RegionalTable], *, lq_threshold: float = 1.0) -> RegionalSeries:
    """LQ, strong-cluster status and their changes for each region x sector cell over the years.

    Parameters
    ----------
    tables : mapping of year to RegionalTable
        Two or more years, all with the same measures (employment and/or establishments).
    lq_threshold : float
        The LQ a cell must rise past to be emerging (or fall below to be declining) without
        changing its strong status.

    Returns
    -------
    RegionalSeries
        ``series`` (columns `SERIES_COLUMNS`, one row a cell and year, sorted by region, sector,
        year; cells with no employment nor establishments in any year left out), ``changes``
        (`CHANGE_COLUMNS`, first against last year) and ``methods``.

    References
    ----------
    Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries. Journal of
    Economic Geography 16(1), 1-38. U.S. Cluster Mapping, clustermapping/cmp,
    ``data/processing/cluster_calcs_reducer.js`` (strong clusters; national employment share).

    Examples
    --------
    Wine grows in the north; the south keeps its shoes:

    >>> def year(wine_north):
    ...     cells = pd.DataFrame({"region": ["N", "N", "S", "S"], "sector": ["shoes", "wine"] * 2,
    ...                           "emp": [900, wine_north, 800, 300]})
    ...     return RegionalTable.from_frame(cells, emp_col="emp")
    >>> result = regional_series({2021: year(100), 2022: year(600)})
    >>> series = result.series
    >>> series[series["year"] == 2022][["region", "sector", "lq", "strong", "d_lq", "status"]].round(3)
      region sector     lq  strong   d_lq     status
    1      N  shoes  0.918   False -0.194  declining
    3      N   wine  1.156    True  0.631   emerging
    5      S  shoes  1.112   False  0.214   emerging
    7      S   wine  0.788   False -0.644  declining
    >>> result.changes[["region", "sector", "d_emp_share", "class"]].round(3)
      region sector  d_emp_share      class
    0      N  shoes        0.000  declining
    1      N   wine        0.417   emerging
    2      S  shoes        0.000   emerging
    3      S   wine       -0.417  declining
    """
    years = sorted(tables)
    if len(years) < 2:
        raise RegionalTableError(f"a series needs two or more years, got {years}")
    measures = {year: tables[year].measures for year in years}
    if len(set(measures.values())) > 1:
        raise RegionalTableError(f"every year must have the same measures: {measures}")
    measure = main_measure(tables[years[0]])
    cells = [_year_cells(tables[year], measure) for year in years]
    regions, region_codes = _codes([c["region"] for c in cells])
    sectors, sector_codes = _codes([c["sector"] for c in cells])
    keys = [r * len(sectors) + s for r, s in zip(region_codes, sector_codes, strict=True)]
    # the cells with the measure in some year, in order of region then sector
    present = np.unique(np.concatenate([k[c[measure].to_numpy() > 0] for k, c in zip(keys, cells, strict=True)]))
    cell_region, cell_sector = present // len(sectors), present % len(sectors)
    n_cells, n = len(present), len(years)
    grid = {col: np.zeros((n_cells, n)) for col in ("emp", "estab")}
    grid["lq"], grid["emp_share"] = np.full((n_cells, n), np.nan), np.full((n_cells, n), np.nan)
    grid["strong"] = np.zeros((n_cells, n), dtype=bool)
    for y, (year_cells, year_keys) in enumerate(zip(cells, keys, strict=True)):
        # a cell absent this year: no employment; LQ 0 if its region and sector have some, share 0 if its sector has
        region_has = np.zeros(len(regions), dtype=bool)
        sector_has = np.zeros(len(sectors), dtype=bool)
        region_has[np.unique(region_codes[y][year_cells["region_total"].to_numpy() > 0])] = True
        sector_has[np.unique(sector_codes[y][year_cells["sector_total"].to_numpy() > 0])] = True
        grid["lq"][:, y] = np.where(region_has[cell_region] & sector_has[cell_sector], 0.0, np.nan)
        grid["emp_share"][:, y] = np.where(sector_has[cell_sector], 0.0, np.nan)
        at = np.searchsorted(present, year_keys)
        found = (at < n_cells) & (present[np.minimum(at, n_cells - 1)] == year_keys)
        for col in ("emp", "estab", "lq", "emp_share", "strong"):
            grid[col][at[found], y] = year_cells[col].to_numpy()[found]
    for m in ("emp", "estab"):
        if m not in tables[years[0]].measures:
            grid[m][:] = np.nan
    series = pd.DataFrame({"region": np.repeat(regions[cell_region], n), "sector": np.repeat(sectors[cell_sector], n),
                           "year": np.tile(np.asarray(years, dtype=np.int64), n_cells)})
    for col in ("emp", "estab", "lq", "strong", "emp_share"):
        series[col] = grid[col].ravel()

    n = len(years)
    first = np.tile(np.arange(n) == 0, len(present))
    for col in ("emp_share", "lq"):
        values = series[col].to_numpy(dtype=float)
        diff = values - np.roll(values, 1)
        series["d_" + col] = np.where(first, np.nan, diff)
    strong = series["strong"].to_numpy(dtype=bool)
    lq = series["lq"].to_numpy(dtype=float)
    status = _status(np.roll(strong, 1), strong, np.roll(lq, 1), lq, lq_threshold)
    series["status"] = np.where(first, "", status)
    series = series[SERIES_COLUMNS]

    changes = _changes(series, years, n, lq_threshold)
    methods = {
        "measure": measure,
        "lq": "LQ per year over that year's region and sector totals",
        "strong": "U.S. Cluster Mapping strong-cluster rule per year (clustermapping/cmp cluster_calcs_reducer.js)",
        "emp_share": "region's share of the sector's total of the year",
        "status": f"persistent / emerging / declining / other against the previous year; LQ threshold {lq_threshold:g}",
    }
    return RegionalSeries(series=series, changes=changes, years=years, methods=methods)


def _year_cells(table: RegionalTable, measure: str) -> pd.DataFrame:
    """The cells of one year's table (sparse: the cells it lists): LQ (as `location_quotients`, from the
    region and sector totals), share, and the strong flag of `uscm_cluster_strength`. Leaving the
    unlisted (empty) cells out changes no flag: they take no part in the rule's quartiles and are never
    strong."""
    data = table.data
    value = data[measure].to_numpy(dtype=float)
    region_codes, region_names = pd.factorize(data["region"])
    sector_codes, sector_names = pd.factorize(data["sector"])
    region_total = np.bincount(region_codes, weights=value, minlength=len(region_names))[region_codes]
    sector_total = np.bincount(sector_codes, weights=value, minlength=len(sector_names))[sector_codes]
    total = value.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (value / region_total) / (sector_total / total)
        share = np.where(sector_total > 0, value / sector_total, np.nan)
    lq[~np.isfinite(lq)] = np.nan
    cells = pd.DataFrame({"region": data["region"].to_numpy(), "sector": data["sector"].to_numpy(),
                          "emp": data["emp"].to_numpy(dtype=float) if "emp" in data else np.nan,
                          "estab": data["estab"].to_numpy(dtype=float) if "estab" in data else np.nan,
                          "lq": lq, "emp_share": share, "region_total": region_total, "sector_total": sector_total})
    has_estab = "estab" in table.measures and measure == "emp"
    cells["strong"] = uscm_cluster_strength(cells, lq_col="lq", emp_col=measure,
                                            estab_col="estab" if has_estab else None)["strong"].to_numpy()
    return cells


def _codes(columns: list[pd.Series]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sorted distinct values of several columns, and each column as positions in them."""
    codes, names = pd.factorize(pd.concat(columns, ignore_index=True), sort=True)
    bounds = np.cumsum([0] + [len(c) for c in columns])
    return np.asarray(names, dtype=object), [codes[bounds[i]:bounds[i + 1]] for i in range(len(columns))]


def _changes(series: pd.DataFrame, years: list[int], n: int, threshold: float) -> pd.DataFrame:
    head, tail = series.iloc[0::n].reset_index(drop=True), series.iloc[n - 1::n].reset_index(drop=True)
    strong_first, strong_last = head["strong"].to_numpy(bool), tail["strong"].to_numpy(bool)
    changes = pd.DataFrame({
        "region": head["region"], "sector": head["sector"], "first_year": years[0], "last_year": years[-1],
        "emp_first": head["emp"], "emp_last": tail["emp"], "lq_first": head["lq"], "lq_last": tail["lq"],
        "d_lq": tail["lq"] - head["lq"], "emp_share_first": head["emp_share"], "emp_share_last": tail["emp_share"],
        "d_emp_share": tail["emp_share"] - head["emp_share"], "strong_first": strong_first, "strong_last": strong_last,
        "years_strong": series["strong"].to_numpy(bool).reshape(-1, n).sum(axis=1),
        "class": _status(strong_first, strong_last, head["lq"].to_numpy(float), tail["lq"].to_numpy(float), threshold),
    })
    return changes[CHANGE_COLUMNS]
