"""Regional half of triplec.mapping on County Business Patterns 2021 (38 states, 566,683 rows).

Prints, in one run:
- the time of each step of the state x cluster pipeline (validate, fill suppressed cells, sum
  counties into states, crosswalk, indices) and of `regional_indices` on the county x 6-digit table;
- `impute_suppressed_cells` (integer keys, NumPy) against a straightforward pandas implementation
  of the same top-down allocation (merges on string keys), run on the same data in this process,
  with a check that both give the same cells;
- `regional_series` over three years (2021 and two synthetic years: every cell's employment times a
  seeded log-normal factor) of the county x 6-digit and state x cluster tables, against a
  straightforward pandas version (groupby transforms, merges, groupby diff), with a check that both
  give the same LQ, strong flags and statuses.

    .venv/bin/python benchmarks/bench_regional.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.regional import RegionalTable, impute_suppressed_cells, regional_indices, regional_series
from triplec.mapping.sectors import code_level, load_crosswalk, load_uscm_crosswalk, parent_code

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "cbp2021_county_x_naics_38states.parquet"


def straightforward_fill(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Baseline: the same allocation written with pandas merges on the string codes."""
    frame = frame.copy()
    frame["level"] = frame["sector"].map({c: code_level(c) for c in frame["sector"].unique()})
    frame["parent"] = frame["sector"].map({c: parent_code(c) for c in frame["sector"].unique()})
    totals = frame.groupby("sector")[value].sum()
    universe = frame[["sector", "parent", "level"]].drop_duplicates("sector")
    filled = frame[frame["level"] == frame["level"].min()][["region", "sector", value]]
    for lvl in range(frame["level"].min() + 1, frame["level"].max() + 1):
        children = frame[frame["level"] == lvl]
        published = children[children[value] > 0]
        sums = published.groupby(["region", "parent"])[value].sum().rename("children").reset_index()
        resid = filled.rename(columns={"sector": "parent"}).merge(sums, on=["region", "parent"], how="left")
        resid["resid"] = (resid[value] - resid["children"].fillna(0)).clip(lower=0)
        resid = resid[resid["resid"] > 0][["region", "parent", "resid"]]
        cand = resid.merge(universe[universe["level"] == lvl][["sector", "parent"]], on="parent")
        cand = cand.merge(published[["region", "sector"]].assign(taken=True), on=["region", "sector"], how="left")
        cand = cand[cand["taken"].isna()].copy()
        cand["w"] = cand["sector"].map(totals).fillna(0)
        grp = cand.groupby(["region", "parent"])["w"]
        wsum, count = grp.transform("sum"), grp.transform("size")
        cand["add"] = cand["resid"] * np.where(wsum > 0, cand["w"] / wsum.where(wsum > 0, 1), 1 / count)
        both = pd.concat([children[["region", "sector", value]], cand[["region", "sector"]].assign(**{value: cand["add"]})])
        filled = both.groupby(["region", "sector"], as_index=False)[value].sum()
    return filled


def synthetic_years(table: RegionalTable, years: list[int], seed: int = 2022) -> dict[int, RegionalTable]:
    """The table as the first year; each later year multiplies every cell's employment by exp(N(0, 0.15))."""
    rng = np.random.default_rng(seed)
    tables = {years[0]: table}
    for year in years[1:]:
        data = table.data.copy()
        data["emp"] = data["emp"] * np.exp(rng.normal(0.0, 0.15, len(data)))
        tables[year] = RegionalTable(data=data)
    return tables


def straightforward_series(tables: dict[int, RegionalTable], threshold: float = 1.0) -> pd.DataFrame:
    """Baseline: LQ, the strong-cluster rule and the year-on-year status written with plain pandas on the
    cells with employment (groupby transforms and quantiles, a merge, groupby diff)."""
    frames = []
    for year, table in tables.items():
        f = table.data[table.data["emp"] > 0].copy()
        f["region_total"] = f.groupby("region")["emp"].transform("sum")
        f["sector_total"] = f.groupby("sector")["emp"].transform("sum")
        f["lq"] = (f["emp"] / f["region_total"]) / (f["sector_total"] / f["emp"].sum())
        f["emp_share"] = f["emp"] / f["sector_total"]
        cuts = f.groupby("sector").agg(lq75=("lq", lambda v: v.quantile(0.75)), emp25=("emp", lambda v: v.quantile(0.25)),
                                       estab25=("estab", lambda v: v.quantile(0.25))).reset_index()
        f = f.merge(cuts, on="sector", how="left")
        f["strong"] = (f["lq"] >= f["lq75"]) & (f["lq"] >= 1.0) & (f["emp"] > f["emp25"]) & (f["estab"] > f["estab25"])
        frames.append(f[["region", "sector", "emp", "lq", "strong", "emp_share"]].assign(year=year))
    long = pd.concat(frames).sort_values(["region", "sector", "year"]).reset_index(drop=True)
    groups = long.groupby(["region", "sector"])
    long["d_lq"] = groups["lq"].diff()
    long["d_emp_share"] = groups["emp_share"].diff()
    prev_strong = groups["strong"].shift().astype("boolean")
    prev_lq = groups["lq"].shift()
    up = (~prev_strong & long["strong"]) | (~prev_strong & ~long["strong"] & (prev_lq < threshold) & (long["lq"] >= threshold))
    down = (prev_strong & ~long["strong"]) | (~prev_strong & ~long["strong"] & (long["lq"] < threshold) & (prev_lq >= threshold))
    conditions = [prev_strong.isna(), prev_strong & long["strong"], up, down]
    long["status"] = np.select([c.to_numpy(dtype=bool, na_value=False) for c in conditions],
                               ["", "persistent", "emerging", "declining"], default="other")
    return long


def compare_series(label: str, tables: dict[int, RegionalTable]) -> None:
    years = sorted(tables)
    print(f"regional series over {len(years)} years, {label}: library vs straightforward pandas")
    lib, lib_s = timed("library (regional_series)", regional_series, tables)
    base, base_s = timed("straightforward (pandas groupby / merge)", straightforward_series, tables)
    keys = ["region", "sector", "year"]
    both = lib.series.merge(base, on=keys, suffixes=("_lib", "_base"))
    lq_gap = float(np.nanmax(np.abs(both["lq_lib"] - both["lq_base"])))
    same_strong = int((both["strong_lib"] == both["strong_base"]).sum())
    same_status = int((both["status_lib"] == both["status_base"]).sum())
    print(f"  {len(both):,} cell-years in both; largest LQ difference {lq_gap:.3g}; strong agree {same_strong:,}, "
          f"status agree {same_status:,} of {len(both):,}")
    print(f"  speed-up: {base_s / lib_s:.1f}x")


def timed(label, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<48s} {seconds:8.2f} s")
    return out, seconds


def main() -> None:
    cbp = pd.read_parquet(DATA, columns=["fips", "state_fips", "naics2017", "emp", "estab"])
    print(f"CBP 2021: {len(cbp):,} county x NAICS rows, {cbp['fips'].nunique():,} counties")
    print("state x traded-cluster pipeline:")
    counties, _ = timed("validate (RegionalTable.from_frame)", RegionalTable.from_frame, cbp, region_col="fips",
                        sector_col="naics2017", emp_col="emp", estab_col="estab")
    filled, fast = timed("fill suppressed cells (impute_suppressed_cells)", impute_suppressed_cells, counties.data,
                         region_col="region", code_col="sector")
    table = RegionalTable(data=filled[["region", "sector", "emp", "estab"]])
    state_of = cbp.drop_duplicates("fips").set_index("fips")["state_fips"]
    states, _ = timed("sum counties into states", table.aggregate_regions, state_of)
    crosswalk = load_crosswalk(load_uscm_crosswalk(traded_only=True), "naics", "cluster")
    (clusters, _), _ = timed("crosswalk to 51 traded clusters", states.map_sectors, crosswalk)
    states_six = states.select_level(6)
    timed("regional_indices (38 x 51)", regional_indices, clusters)
    six = counties.select_level(6)
    timed(f"regional_indices county x 6-digit ({len(six.regions)} x {len(six.sectors)})", regional_indices, six)

    print("fill suppressed cells, employment only: library vs straightforward pandas")
    lib, lib_s = timed("library (integer keys, NumPy)", impute_suppressed_cells, counties.data.drop(columns="estab"),
                       region_col="region", code_col="sector", value_cols=["emp"])
    base, base_s = timed("straightforward (pandas merges)", straightforward_fill, counties.data, "emp")
    merged = lib.merge(base, on=["region", "sector"], how="outer", suffixes=("_lib", "_base")).fillna(0.0)
    worst = float(np.max(np.abs(merged["emp_lib"] - merged["emp_base"])))
    print(f"  same cells: {len(lib):,} vs {len(base):,}; largest difference {worst:.3g} jobs")
    print(f"  speed-up: {base_s / lib_s:.1f}x")

    compare_series(f"state x traded cluster ({len(clusters.regions)} x {len(clusters.sectors)})",
                   synthetic_years(clusters, [2021, 2022, 2023]))
    compare_series(f"state x 6-digit ({len(states_six.regions)} x {len(states_six.sectors)})",
                   synthetic_years(states_six, [2021, 2022, 2023]))
    compare_series(f"county x 6-digit ({len(six.regions)} x {len(six.sectors)})", synthetic_years(six, [2021, 2022, 2023]))


if __name__ == "__main__":
    main()
