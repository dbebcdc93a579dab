"""`RegionalTable`: establishments and employment by region and sector, validated at the boundary.

One row of `RegionalTable.data` is one (region, sector) cell with `emp` (employment) and/or
`estab` (number of establishments), both as floats (crosswalk weights may split a count).

Validation (`RegionalTable.from_frame`) names the row and column of each problem: missing
columns, empty region or sector codes, values that are not numbers, negative or infinite values,
missing values (an error unless `missing="zero"`), and duplicate (region, sector) rows.

Duplicates: by default (`duplicates="sum"`) rows for the same region and sector are **summed**.
Counts and employment are additive, and summing is what aggregation to a coarser code level or
through a crosswalk needs. Pass `duplicates="error"` to reject them instead (useful when each
cell should appear once, e.g. a table exported from a statistical office).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from triplec.mapping.sectors import apply_crosswalk, nested_code_pairs, truncate_codes

__all__ = ["MEASURES", "RegionalTable", "RegionalTableError", "validate_codes", "validate_numbers"]

MEASURES = ("emp", "estab")


class RegionalTableError(ValueError):
    """Bad input for a regional table; the message names the row, the column and the reason."""


def _default_label(frame: pd.DataFrame) -> Callable[[int], str]:
    index = frame.index
    return lambda i: f"row {index[i]!r}"


def _show(value) -> str:
    return repr(value.item() if isinstance(value, np.generic) else value)


def validate_numbers(frame: pd.DataFrame, col: str, label: Callable[[int], str], missing: str,
                     *, allow_negative: bool = False) -> np.ndarray:
    """Column `col` as finite floats (>= 0 unless `allow_negative`); RegionalTableError naming the
    first bad row otherwise. `missing` is 'error' or 'zero' (empty cells read as 0)."""
    raw = frame[col]
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype(float)  # nullable integers: <NA> becomes NaN
        is_missing = values.isna()
        not_number = pd.Series(False, index=raw.index)
    else:
        # text or mixed column: decide on the distinct values only (fast on long tables)
        position, uniques = pd.factorize(raw, use_na_sentinel=True)
        unique_text = pd.Series(uniques, dtype=object).astype(str).str.strip()
        unique_missing = unique_text.isin(["", "nan", "NaN", "<NA>", "None"]).to_numpy()
        unique_values = pd.to_numeric(pd.Series(np.where(unique_missing, np.nan, unique_text), dtype=object),
                                      errors="coerce").to_numpy(dtype=float)
        unique_bad = np.isnan(unique_values) & ~unique_missing
        na = position < 0
        safe = np.where(na, 0, position)
        values = pd.Series(np.where(na, np.nan, unique_values[safe] if len(uniques) else np.nan), index=raw.index)
        is_missing = pd.Series(na | (unique_missing[safe] if len(uniques) else na), index=raw.index)
        not_number = pd.Series(~na & (unique_bad[safe] if len(uniques) else False), index=raw.index)
    if not_number.any():
        i = int(np.argmax(not_number.to_numpy()))
        raise RegionalTableError(f"{label(i)}: column '{col}' has value {_show(raw.iloc[i])}, which is not a number")
    values = values.astype(float).to_numpy()
    if is_missing.any():
        if missing == "zero":
            values = np.where(is_missing.to_numpy(), 0.0, values)
        else:
            i = int(np.argmax(is_missing.to_numpy()))
            raise RegionalTableError(f"{label(i)}: column '{col}' is empty (pass missing='zero' to read empty cells as 0)")
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise RegionalTableError(f"{label(i)}: column '{col}' has value {_show(raw.iloc[i])}, which is not finite")
    negative = values < 0
    if negative.any() and not allow_negative:
        i = int(np.argmax(negative))
        raise RegionalTableError(f"{label(i)}: column '{col}' has negative value {_show(raw.iloc[i])}")
    return values


def validate_codes(frame: pd.DataFrame, col: str, label: Callable[[int], str]) -> np.ndarray:
    """Column `col` as stripped strings; RegionalTableError naming the first empty row otherwise."""
    raw = frame[col]
    position, uniques = pd.factorize(raw, use_na_sentinel=True)
    stripped = pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    empty = (position < 0) | (np.append(stripped == "", False)[position] if len(stripped) else True)
    if np.any(empty):
        i = int(np.argmax(empty))
        raise RegionalTableError(f"{label(i)}: column '{col}' is empty")
    return stripped[position]


@dataclass(frozen=True)
class RegionalTable:
    """Region x sector cells. Build with `RegionalTable.from_frame` (validates); the constructor
    trusts its input.

    Attributes
    ----------
    data : DataFrame with columns `region`, `sector` (str) and one or both of `emp`, `estab`
        (float >= 0); one row per (region, sector), sorted.
    centroids : optional DataFrame indexed by region with two coordinate columns (e.g. lon, lat).
    """

    data: pd.DataFrame
    centroids: pd.DataFrame | None = field(default=None)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        region_col: str = "region",
        sector_col: str = "sector",
        emp_col: str | None = None,
        estab_col: str | None = None,
        duplicates: str = "sum",
        missing: str = "error",
        centroids: pd.DataFrame | None = None,
        centroid_cols: tuple[str, str] = ("lon", "lat"),
        row_label: Callable[[int], str] | None = None,
    ) -> RegionalTable:
        """Validate a long table (one row a region-sector cell) and build a RegionalTable.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row a region x sector cell.
        region_col, sector_col : str
            Columns of the region and sector codes (read as text).
        emp_col, estab_col : str, optional
            Columns of employment and of establishments; at least one must be given.
        duplicates : {"sum", "error"}
            Add up the rows of one cell, or refuse them.
        missing : {"error", "zero"}
            Refuse empty values, or read them as 0.
        centroids : pandas.DataFrame, optional
            A region column named ``region_col`` and the two ``centroid_cols``.
        row_label : callable, optional
            ``row_label(i)`` names data row i in messages (file readers pass "file.csv line 7").

        Returns
        -------
        RegionalTable
            One row a (region, sector) cell, sorted.

        Raises
        ------
        RegionalTableError
            Naming the row, the column and the reason.

        Examples
        --------
        >>> frame = pd.DataFrame({"county": ["01001", "01001", "01003", "01003", "01003"],
        ...                       "naics": ["336411", "336412", "336411", "311111", "311111"],
        ...                       "emp": [120, 30, 40, 10, 5]})
        >>> table = RegionalTable.from_frame(frame, region_col="county", sector_col="naics", emp_col="emp")
        >>> table.data  # the two 311111 rows of 01003 are summed
          region  sector    emp
        0  01001  336411  120.0
        1  01001  336412   30.0
        2  01003  311111   15.0
        3  01003  336411   40.0
        >>> table.truncate_sectors(3).matrix()
        sector   311    336
        region
        01001    0.0  150.0
        01003   15.0   40.0
        >>> table.aggregate_regions({"01001": "01", "01003": "01"}).matrix()
        sector  311111  336411  336412
        region
        01         15.0   160.0    30.0
        """
        if not isinstance(frame, pd.DataFrame):
            raise RegionalTableError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        if emp_col is None and estab_col is None:
            raise RegionalTableError("give at least one measure: an employment column or an establishment column")
        if duplicates not in ("sum", "error"):
            raise RegionalTableError(f"duplicates must be 'sum' or 'error', not {duplicates!r}")
        if missing not in ("error", "zero"):
            raise RegionalTableError(f"missing must be 'error' or 'zero', not {missing!r}")
        wanted = {"region": region_col, "sector": sector_col, "emp": emp_col, "estab": estab_col}
        absent = [f"'{c}' ({role})" for role, c in wanted.items() if c is not None and c not in frame.columns]
        if absent:
            raise RegionalTableError(f"missing column(s) {', '.join(absent)}; the table has {list(frame.columns)}")
        if frame.empty:
            raise RegionalTableError("the table has no rows")
        label = row_label or _default_label(frame)
        data = {"region": validate_codes(frame, region_col, label), "sector": validate_codes(frame, sector_col, label)}
        for measure, col in (("emp", emp_col), ("estab", estab_col)):
            if col is not None:
                data[measure] = validate_numbers(frame, col, label, missing)
        long = pd.DataFrame(data)
        dup = long.duplicated(["region", "sector"], keep=False).to_numpy()
        if dup.any():
            if duplicates == "error":
                positions = np.flatnonzero(dup)
                first = positions[0]
                twin = next(p for p in positions[1:] if long.iat[p, 0] == long.iat[first, 0] and long.iat[p, 1] == long.iat[first, 1])
                raise RegionalTableError(
                    f"{label(first)} and {label(twin)}: duplicate cell region {long.iat[first, 0]!r}, sector "
                    f"{long.iat[first, 1]!r} (pass duplicates='sum' to add them up)")
            long = long.groupby(["region", "sector"], as_index=False, sort=False).sum()
        table = cls(data=long.sort_values(["region", "sector"], kind="stable").reset_index(drop=True))
        if centroids is not None:
            table = table.with_centroids(centroids, region_col=region_col, coord_cols=centroid_cols)
        return table

    def with_centroids(self, centroids: pd.DataFrame, *, region_col: str = "region",
                       coord_cols: tuple[str, str] = ("lon", "lat")) -> RegionalTable:
        """Attach region centroids (two numeric, finite coordinate columns; one row per region).
        For `('lon', 'lat')`, longitudes must lie in [-180, 180] and latitudes in [-90, 90].

        >>> table = RegionalTable.from_frame(pd.DataFrame({"region": ["01001", "01003"], "sector": ["336411"] * 2,
        ...                                                "emp": [120, 40]}), emp_col="emp")
        >>> centroids = pd.DataFrame({"region": ["01001", "01003"], "lon": [-86.6, -87.7], "lat": [32.5, 30.7]})
        >>> table.with_centroids(centroids).centroids
                 lon   lat
        region
        01001  -86.6  32.5
        01003  -87.7  30.7
        >>> table.with_centroids(centroids.assign(lat=[32.5, 95.0]))
        Traceback (most recent call last):
        triplec.mapping.regional.table.RegionalTableError: centroids: region '01003' has lon/lat out of range
        """
        absent = [c for c in (region_col, *coord_cols) if c not in centroids.columns]
        if absent:
            raise RegionalTableError(f"centroids: missing column(s) {absent}; columns are {list(centroids.columns)}")
        label = _default_label(centroids)
        regions = validate_codes(centroids, region_col, lambda i: "centroids " + label(i))
        coords = {c: validate_numbers(centroids, c, lambda i: "centroids " + label(i), "error", allow_negative=True)
                  for c in coord_cols}
        out = pd.DataFrame(coords, index=pd.Index(regions, name="region"))
        if out.index.duplicated().any():
            raise RegionalTableError(f"centroids: region {out.index[out.index.duplicated()][0]!r} is listed twice")
        if tuple(coord_cols) == ("lon", "lat"):
            bad = (out["lon"].abs() > 180) | (out["lat"].abs() > 90)
            if bad.any():
                raise RegionalTableError(f"centroids: region {out.index[bad.to_numpy()][0]!r} has lon/lat out of range")
        return replace(self, centroids=out)

    # ------------------------------------------------------------------ accessors
    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m for m in MEASURES if m in self.data.columns)

    @property
    def regions(self) -> list[str]:
        return sorted(self.data["region"].unique())

    @property
    def sectors(self) -> list[str]:
        return sorted(self.data["sector"].unique())

    def matrix(self, measure: str | None = None) -> pd.DataFrame:
        """Wide region x sector matrix of `measure` ('emp' by default when present, else 'estab');
        absent cells are 0. Rows and columns sorted.

        >>> frame = pd.DataFrame({"region": ["01001", "01001", "01003"], "sector": ["336411", "311111", "336411"],
        ...                       "emp": [120, 15, 40], "estab": [3, 2, 1]})
        >>> RegionalTable.from_frame(frame, emp_col="emp", estab_col="estab").matrix("estab")
        sector  311111  336411
        region
        01001      2.0     3.0
        01003      0.0     1.0
        """
        measure = measure or self.measures[0]
        if measure not in self.measures:
            raise RegionalTableError(f"this table has no '{measure}' column (it has {list(self.measures)})")
        wide = self.data.pivot(index="region", columns="sector", values=measure)
        return wide.fillna(0.0).sort_index().sort_index(axis=1)

    # ------------------------------------------------------------------ re-aggregation
    def _regroup(self, data: pd.DataFrame) -> RegionalTable:
        cols = ["region", "sector", *self.measures]
        grouped = data[cols].groupby(["region", "sector"], as_index=False, sort=True).sum()
        return replace(self, data=grouped.reset_index(drop=True))

    def truncate_sectors(self, level: int | str, scheme: str = "naics", *, allow_nested: bool = False) -> RegionalTable:
        """Move sector codes to `level` of `scheme` (see `triplec.mapping.sectors.truncate_codes`) and
        sum. Refuses a table that holds a code and one of its ancestors (e.g. "3361" and "336111"),
        which would double count, unless `allow_nested=True`.

        >>> frame = pd.DataFrame({"region": ["01001"] * 3, "sector": ["336411", "336412", "311111"], "emp": [120, 30, 15]})
        >>> RegionalTable.from_frame(frame, emp_col="emp").truncate_sectors(4).data
          region sector    emp
        0  01001   3111   15.0
        1  01001   3364  150.0
        """
        if not allow_nested:
            self._refuse_nested(scheme)
        data = self.data.assign(sector=truncate_codes(self.data["sector"], level, scheme).to_numpy())
        return self._regroup(data)

    def _refuse_nested(self, scheme: str) -> None:
        pairs = nested_code_pairs(self.data["sector"].unique(), scheme)
        if pairs:
            parent, child = pairs[0]
            raise RegionalTableError(
                f"the table mixes levels of one hierarchy: sector {parent!r} and its sub-code {child!r} are "
                f"both present ({len(pairs)} such pairs), so sums would double count; keep one level first "
                f"(e.g. select_level) or fill suppressed cells with impute_suppressed_cells")

    def select_level(self, level: int, scheme: str = "naics") -> RegionalTable:
        """Keep only rows whose sector code sits at `level` (e.g. the 6-digit rows of County Business
        Patterns, which also lists 2- to 5-digit subtotals).

        >>> cbp = pd.DataFrame({"region": ["01001"] * 3, "sector": ["31-33", "336", "336411"], "emp": [10, 8, 5]})
        >>> RegionalTable.from_frame(cbp, emp_col="emp").select_level(6).data
          region  sector  emp
        0  01001  336411  5.0
        """
        from triplec.mapping.sectors import code_level

        levels = {code: code_level(code, scheme) for code in self.data["sector"].unique()}
        kept = self.data[self.data["sector"].map(levels) == level]
        if kept.empty:
            raise RegionalTableError(f"no sector code at level {level} in this table")
        return replace(self, data=kept.reset_index(drop=True))

    def map_sectors(self, crosswalk: pd.DataFrame, *, unmapped: str = "drop") -> tuple[RegionalTable, pd.DataFrame]:
        """Aggregate sectors through a crosswalk (columns from/to/weight, see
        `triplec.mapping.sectors.load_crosswalk`). Returns the new table and the unmapped codes
        (code, rows and totals of each measure); `unmapped` is 'drop', 'keep' or 'error'.

        >>> from triplec.mapping.sectors import load_crosswalk
        >>> table = RegionalTable.from_frame(pd.DataFrame({"region": ["01001", "01001", "01003"],
        ...                                                "sector": ["336411", "311111", "999999"],
        ...                                                "emp": [120, 15, 7]}), emp_col="emp")
        >>> crosswalk = load_crosswalk(pd.DataFrame({"naics": ["336411", "311111"], "cluster": ["Aerospace", "Food"]}),
        ...                            "naics", "cluster")
        >>> clusters, unmapped = table.map_sectors(crosswalk)
        >>> clusters.matrix()
        sector  Aerospace  Food
        region
        01001       120.0  15.0
        >>> unmapped
             code  emp  rows
        0  999999  7.0     1
        """
        result = apply_crosswalk(self.data, "sector", crosswalk, list(self.measures), unmapped=unmapped)
        if result.frame.empty:
            raise RegionalTableError("no sector code of the table is in the crosswalk")
        return self._regroup(result.frame), result.unmapped

    def aggregate_regions(self, mapping: Mapping[str, str] | pd.Series) -> RegionalTable:
        """Sum regions into larger ones (e.g. county FIPS -> state FIPS). Every region must be mapped.
        Centroids are dropped (they do not aggregate).

        >>> frame = pd.DataFrame({"region": ["01001", "01003", "13001"], "sector": ["336411"] * 3, "emp": [120, 40, 9]})
        >>> RegionalTable.from_frame(frame, emp_col="emp").aggregate_regions({"01001": "01", "01003": "01", "13001": "13"}).data
          region  sector    emp
        0     01  336411  160.0
        1     13  336411    9.0
        """
        lookup = pd.Series(mapping, dtype=object) if not isinstance(mapping, pd.Series) else mapping.astype(object)
        lookup.index = lookup.index.astype(str)
        target = self.data["region"].map(lookup)
        if target.isna().any():
            region = self.data.loc[target.isna(), "region"].iloc[0]
            raise RegionalTableError(f"region {region!r} has no target in the region mapping")
        grouped = replace(self, centroids=None)._regroup(self.data.assign(region=target.astype(str).to_numpy()))
        return grouped
