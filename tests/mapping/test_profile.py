"""Depth of footprints: co-located sectors, local location quotients and exact hypergeometric tests."""

from math import comb

import numpy as np
import pandas as pd
import pytest
import shapely

from triplec.mapping.envelopes import bh_qvalues
from triplec.mapping.locate import Footprint, PointRegister, locate_footprints
from triplec.mapping.profile import (
    inside_footprint,
    profile_footprint,
    profile_footprints,
)

pytestmark = pytest.mark.nodb


def hypergeom_tail(k, M, K, n):
    """P(X >= k), X ~ Hypergeometric(M, K, n), by counting."""
    return sum(comb(K, i) * comb(M - K, n - i) for i in range(k, min(K, n) + 1)) / comb(M, n)


def box_register():
    """A footprint box [0, 10]^2 of sector A; suppliers S half inside; R and T only outside or sparse."""
    rows = []
    for i in range(12):
        rows.append((f"A{i}", "A", 1 + (i % 4) * 2.5, 1 + (i // 4) * 3.0, 50 + i))
    for i in range(8):  # 8 of 20 suppliers in the box
        rows.append((f"S{i}", "S", 2 + i, 5.5, 20))
    for i in range(12):
        rows.append((f"S{8 + i}", "S", 50 + 3 * i, 50, 10))
    for i in range(2):  # 2 of 40 services in the box
        rows.append((f"R{i}", "R", 3 + i, 8, 5))
    for i in range(38):
        rows.append((f"R{2 + i}", "R", 20 + 2 * i, 80, 5))
    for i in range(30):  # T never in the box
        rows.append((f"T{i}", "T", 100 + i, 100, 1))
    return pd.DataFrame(rows, columns=["id", "sector", "x", "y", "emp"])


def box_footprint():
    return Footprint(id="A-F1", sector="A", eps_km=2.0, establishments=[f"A{i}" for i in range(12)],
                     employment=None, sme_share=None, centroid=(5.0, 5.0),
                     polygon=shapely.box(0, 0, 10, 10), area_km2=100.0)


def test_counts_expected_ratio_and_exact_p_values():
    sites = PointRegister.from_frame(box_register(), x_col="x", y_col="y")
    table = profile_footprint(sites, box_footprint())
    # population: the 90 non-A establishments; 10 of them in the box (8 S, 2 R)
    assert list(table["sector"]) == ["S", "R"]
    s = table.set_index("sector").loc["S"]
    r = table.set_index("sector").loc["R"]
    assert s["count_in_footprint"] == 8 and s["sector_total"] == 20
    assert s["expected"] == pytest.approx(10 * 20 / 90)
    assert s["ratio"] == pytest.approx(8 / (10 * 20 / 90))
    assert s["p_value"] == pytest.approx(hypergeom_tail(8, 90, 20, 10), rel=1e-9)
    assert r["p_value"] == pytest.approx(hypergeom_tail(2, 90, 40, 10), rel=1e-9)
    assert r["ratio"] == pytest.approx(2 / (10 * 40 / 90))
    assert bool(s["co_located"]) and not bool(r["co_located"])
    # BH over the three other sectors (T absent from the box enters with p = 1)
    p_s, p_r = s["p_value"], r["p_value"]
    assert s["q_value"] == pytest.approx(min(p_s * 3, p_r * 3 / 2, 1.0))
    assert r["q_value"] == pytest.approx(min(p_r * 3 / 2, 1.0))
    assert "employment_in_footprint" not in table.columns


def test_min_count_zero_lists_absent_sectors():
    sites = PointRegister.from_frame(box_register(), x_col="x", y_col="y")
    table = profile_footprint(sites, box_footprint(), min_count=0)
    t = table.set_index("sector").loc["T"]
    assert t["count_in_footprint"] == 0 and t["p_value"] == 1.0 and t["ratio"] == 0.0


def test_employment_quotient_when_sizes_are_known():
    sites = PointRegister.from_frame(box_register(), x_col="x", y_col="y", weight_col="emp")
    table = profile_footprint(sites, box_footprint()).set_index("sector")
    # employment in the box: S 8*20 = 160, R 2*5 = 10; register (non-A): S 160+120, R 200, T 30
    assert table.loc["S", "employment_in_footprint"] == 160
    assert table.loc["S", "employment_ratio"] == pytest.approx((160 / 170) / (280 / 510))
    assert table.loc["R", "employment_ratio"] == pytest.approx((10 / 170) / (200 / 510))


def test_boundary_points_count_as_inside():
    sites = PointRegister.from_frame(pd.DataFrame({"id": [1, 2, 3], "sector": "S", "x": [0.0, 10.0, 10.01],
                                           "y": [5.0, 10.0, 5.0]}), x_col="x", y_col="y")
    assert inside_footprint(sites, box_footprint()).tolist() == [True, True, False]


def test_benjamini_hochberg_by_hand():
    q = bh_qvalues(np.array([0.01, 0.04, 0.03, 0.005]))
    assert q == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert bh_qvalues(np.array([0.5, 0.9])).tolist() == [0.9, 0.9]
    assert len(bh_qvalues(np.array([]))) == 0


def test_suppliers_around_a_located_cluster_are_found():
    rng = np.random.default_rng(4)
    rows = [(f"a{i}", "A", *rng.normal([100, 100], 2.0)) for i in range(40)]
    rows += [(f"s{i}", "S", *rng.normal([100, 100], 2.0)) for i in range(15)]  # suppliers gather
    rows += [(f"s{15 + i}", "S", *rng.uniform(0, 600, 2)) for i in range(45)]
    rows += [(f"u{i}", "U", *rng.uniform(0, 600, 2)) for i in range(400)]
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y"])
    sites = PointRegister.from_frame(df, x_col="x", y_col="y")
    screen = pd.DataFrame({"sector": ["A", "S", "U"], "localised": [True, False, False],
                           "peak_distance": [5.0, 0.0, 0.0]})
    footprints = locate_footprints(sites, screen)
    assert len(footprints) == 1
    table = profile_footprints(sites, footprints)
    top = table.iloc[0]
    assert top["footprint_id"] == "A-F1" and top["sector"] == "S" and bool(top["co_located"])
    assert top["count_in_footprint"] >= 15 and top["ratio"] > 3
    assert not table.loc[table["sector"] == "U", "co_located"].any()


def test_no_footprints_gives_an_empty_table():
    sites = PointRegister.from_frame(box_register(), x_col="x", y_col="y", weight_col="emp")
    table = profile_footprints(sites, [])
    assert table.empty and "employment_ratio" in table.columns


def test_bad_alpha():
    sites = PointRegister.from_frame(box_register(), x_col="x", y_col="y")
    with pytest.raises(ValueError, match="alpha"):
        profile_footprint(sites, box_footprint(), alpha=1.5)


def test_bivariate_kd_confirms_co_location_register_wide():
    from triplec.mapping import PointRegister
    from triplec.mapping.profile import colocation_kd

    rng = np.random.default_rng(8)
    rows = [(f"a{i}", "A", *rng.normal([100, 100], 2.0)) for i in range(40)]
    rows += [(f"s{i}", "S", *rng.normal([100, 100], 2.0)) for i in range(20)]  # suppliers next to A
    rows += [(f"v{i}", "V", *rng.normal([100, 100], 2.0)) for i in range(6)]  # a few services too
    rows += [(f"v{6 + i}", "V", *rng.uniform(0, 400, 2)) for i in range(60)]
    rows += [(f"u{i}", "U", *rng.uniform(0, 400, 2)) for i in range(400)]
    df = pd.DataFrame(rows, columns=["id", "sector", "x", "y"])
    profiles = pd.DataFrame({  # as profile_footprints would give for A's footprint
        "footprint_id": "A-F1", "footprint_sector": "A", "sector": ["S", "V", "U"], "q_value": [1e-9, 1e-3, 0.9],
        "ratio": [20.0, 8.0, 0.5], "co_located": [True, True, False]})
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", x_col="x", y_col="y")
    table = colocation_kd(reg, profiles, top=3, r_max=40, r_step=2, sims=99, alpha=0.05, seed=2)
    assert table[["footprint_sector", "sector"]].values.tolist() == [["A", "S"], ["A", "V"]]  # U not co-located
    s = table.set_index("sector").loc["S"]
    assert bool(s["kd_near"]) and s["kd_p_value"] == pytest.approx(0.01) and s["kd_gamma"] > 0
    assert s["kd_peak_distance"] <= 6
    assert colocation_kd(reg, profiles, top=0).empty
