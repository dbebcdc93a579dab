"""Acceptance against the official U.S. Cluster Mapping results (clustermapping.us, 2016).

1. The strong-cluster rule, applied to the official state x traded-cluster inputs (lq_tf,
   emp_tl, est_tl), reproduces the official `strong_b` of every row.
2. The official `lq_tf` of a traded cluster is the LQ over traded clusters only (region totals =
   the region's traded employment): our `location_quotients` reproduces `region_emp_per_tf`, and
   lq / lq_tf is one constant per cluster (the national share, which in the official data also
   counts DC and territories).
3. From County Business Patterns 2021 (38 states; county x NAICS 2-6 digits, cells with fewer
   than 3 establishments not published) through the shipped crosswalk: state x traded-cluster
   LQs whose Spearman rank correlation with the official 2016 `lq_tf` across the same states has
   a median over the 51 clusters of at least 0.7. Suppressed county cells are filled top-down
   from the published subtotals (`impute_suppressed_cells`) before summing counties into states.

Run with `-s` to see the figures.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from triplec.mapping.regional import (
    RegionalTable,
    impute_suppressed_cells,
    location_quotients,
    regional_indices,
    uscm_cluster_strength,
)
from triplec.mapping.sectors import load_crosswalk, load_uscm_crosswalk

pytestmark = pytest.mark.nodb

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "uscm_official_state_x_cluster_2016.csv", dtype={"region_code_t": str})
    traded = frame[frame["traded_b"] & ~frame["subcluster_b"]].copy()
    assert len(traded) == 50 * 51
    return traded


def test_strong_rule_reproduces_official_strong_b(official):
    frame = official.rename(columns={"cluster_name_t": "sector", "lq_tf": "lq", "emp_tl": "emp", "est_tl": "estab"})
    flags = uscm_cluster_strength(frame)
    for ours, theirs in (("strong", "strong_b"), ("strong10", "strong10_b"), ("significant", "significant_b"),
                         ("qualifying", "qualifying_b")):
        agree = (flags[ours] == frame[theirs].astype(bool)).mean()
        assert agree == 1.0, (ours, agree)
    assert flags["strong"].sum() == 512


def test_lq_is_share_of_traded_employment(official):
    emp = official.pivot(index="region_code_t", columns="cluster_name_t", values="emp_tl").astype(float)
    lq = location_quotients(emp)
    # the region's share: E_rc / E_r,traded is the official region_emp_per_tf exactly
    share = emp.div(emp.sum(axis=1), axis=0)
    per = official.pivot(index="region_code_t", columns="cluster_name_t", values="region_emp_per_tf")
    np.testing.assert_allclose(share.to_numpy(), per.to_numpy(), rtol=1e-6)
    # lq / lq_tf: one constant per cluster (national share over 50 states vs the official nation)
    official_lq = official.pivot(index="region_code_t", columns="cluster_name_t", values="lq_tf")
    ratio = (lq / official_lq).where(official_lq > 0)
    assert (ratio.std() / ratio.mean()).max() < 1e-6
    assert ratio.mean().between(0.9, 1.05).all()


def state_cluster_indices(cbp: pd.DataFrame, impute: bool):
    crosswalk = load_crosswalk(load_uscm_crosswalk(traded_only=True), "naics", "cluster")
    counties = RegionalTable.from_frame(cbp, region_col="fips", sector_col="naics2017", emp_col="emp",
                                        estab_col="estab")
    if impute:
        filled = impute_suppressed_cells(counties.data, region_col="region", code_col="sector")
        counties = RegionalTable(data=filled[["region", "sector", "emp", "estab"]])
    else:
        counties = counties.select_level(6)
    state_of = cbp.drop_duplicates("fips").set_index("fips")["state_fips"]
    states, unmapped = counties.aggregate_regions(state_of).map_sectors(crosswalk)
    return regional_indices(states)


def compare(result, official) -> tuple[pd.Series, pd.DataFrame]:
    cells = result.indices.merge(official[["region_code_t", "cluster_name_t", "lq_tf", "strong_b"]],
                                 left_on=["region", "sector"], right_on=["region_code_t", "cluster_name_t"])
    rho = pd.Series({cluster: spearmanr(g["lq"], g["lq_tf"]).statistic for cluster, g in cells.groupby("sector")})
    return rho, cells


@pytest.mark.slow
def test_cbp_state_cluster_lq_rank_correlation(official):
    cbp = pd.read_parquet(DATA / "cbp2021_county_x_naics_38states.parquet",
                          columns=["fips", "state_fips", "naics2017", "emp", "estab"])
    assert cbp["state_fips"].nunique() == 38
    # the public file publishes no cell with fewer than 3 establishments: the suppression at work
    assert cbp["estab"].min() == 3

    naive_rho, _ = compare(state_cluster_indices(cbp, impute=False), official)
    rho, cells = compare(state_cluster_indices(cbp, impute=True), official)
    assert len(rho) == 51 and cells["region"].nunique() == 38

    quantiles = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]
    print("\nSpearman rank correlation of state LQ with official 2016 lq_tf, per traded cluster (38 states):")
    print("  published 6-digit cells only:", naive_rho.quantile(quantiles).round(3).to_dict())
    print("  suppressed cells filled      :", rho.quantile(quantiles).round(3).to_dict())
    print("  lowest clusters (filled):", rho.sort_values().head(5).round(3).to_dict())
    ours, theirs = cells["strong"].astype(bool), cells["strong_b"].astype(bool)
    agree = (ours == theirs).mean()
    chance = ours.mean() * theirs.mean() + (1 - ours.mean()) * (1 - theirs.mean())
    kappa = (agree - chance) / (1 - chance)
    print(f"  strong clusters: ours {ours.sum()}, official {theirs.sum()}, both {(ours & theirs).sum()}, "
          f"agreement {agree:.3f}, Cohen's kappa {kappa:.3f}")

    assert rho.median() >= 0.7
    # filling the suppressed cells is what lifts the figure: it must not lower it
    assert rho.median() > naive_rho.median()
    # strong flags from 2021 data agree with the official 2016 flags far beyond chance
    assert kappa > 0.5
