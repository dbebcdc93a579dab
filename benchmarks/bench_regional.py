"""Regional half of triplec.mapping on County Business Patterns 2021 (38 states, 566,683 rows).

Prints, in one run:
- the time of each step of the state x cluster pipeline (validate, fill suppressed cells, sum
  counties into states, crosswalk, indices) and of `regional_indices` on the county x 6-digit table;
- `impute_suppressed_cells` (integer keys, NumPy) against a straightforward pandas implementation
  of the same top-down allocation (merges on string keys), run on the same data in this process,
  with a check that both give the same cells.

    .venv/bin/python benchmarks/bench_regional.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.regional import RegionalTable, impute_suppressed_cells, regional_indices
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


if __name__ == "__main__":
    main()
