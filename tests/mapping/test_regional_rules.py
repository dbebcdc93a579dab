"""U.S. Cluster Mapping strength flags and European Cluster Observatory stars on small tables."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping.regional.rules import eco_stars, top_share_flags, uscm_cluster_strength

pytestmark = pytest.mark.nodb


def test_uscm_rule_by_hand():
    frame = pd.DataFrame({
        "sector": ["c"] * 5,
        "lq": [0.5, 1.2, 0.9, 2.0, 0.0],
        "emp": [100, 200, 300, 400, 0],
        "estab": [5, 10, 15, 20, 0],
    })
    flags = uscm_cluster_strength(frame)
    # regions with emp > 0: LQ sorted (0.5, 0.9, 1.2, 2.0); linear quantiles at positions p * 3:
    #   Q.25 = 0.5 + 0.75 * 0.4 = 0.8, Q.5 = 0.9 + 0.5 * 0.3 = 1.05, Q.75 = 1.2 + 0.25 * 0.8 = 1.4,
    #   Q.9 = 1.2 + 0.7 * 0.8 = 1.76; Q.25(emp) = 175, Q.25(estab) = 8.75
    # base (emp > 175 and estab > 8.75): rows 1, 2, 3
    assert flags["qualifying"].tolist() == [False, True, True, True, False]   # LQ > 0.8
    assert flags["significant"].tolist() == [False, True, False, True, False]  # LQ > 1.05
    assert flags["strong"].tolist() == [False, False, False, True, False]      # LQ >= 1.4 and >= 1
    assert flags["strong10"].tolist() == [False, False, False, True, False]    # LQ >= 1.76
    assert flags.index.equals(frame.index)


def test_uscm_rule_needs_lq_at_least_one_and_groups_by_cluster():
    # top quartile of a cluster where every region is under-represented: nobody is strong
    low = pd.DataFrame({"sector": ["c"] * 4, "lq": [0.2, 0.4, 0.6, 0.9], "emp": [10, 20, 30, 40], "estab": [2, 3, 4, 5]})
    assert not uscm_cluster_strength(low)["strong"].any()
    assert uscm_cluster_strength(low)["significant"].tolist() == [False, False, True, True]
    # quantiles are taken within each cluster: the same row values, two clusters, different answers
    two = pd.concat([low, low.assign(sector="d", lq=[1.5, 3.0, 1.1, 1.0])], ignore_index=True)
    strong = uscm_cluster_strength(two)["strong"]
    assert strong.tolist() == [False] * 4 + [False, True, False, False]
    # without establishment counts the establishment condition is left out
    no_estab = uscm_cluster_strength(two.drop(columns="estab"), estab_col=None)
    assert no_estab["strong"].tolist() == strong.tolist()
    with pytest.raises(ValueError, match=r"missing column\(s\) \['estab'\]"):
        uscm_cluster_strength(two.drop(columns="estab"))


def test_top_share_flags():
    values = np.arange(1, 21)  # 20 values: the top 10% are the 2 largest
    assert np.flatnonzero(top_share_flags(values)).tolist() == [18, 19]
    # ties kept together: 3 values tie at the top; fewer than 2 values are strictly larger than each
    tied = np.array([99, 99, 99] + list(range(17)))
    assert top_share_flags(tied)[:3].all() and top_share_flags(tied).sum() == 3
    assert top_share_flags(np.array([])).size == 0
    assert top_share_flags(np.array([5.0])).tolist() == [True]


def test_eco_stars_by_hand():
    # 10 regions, categories "a" and "b"; region r has emp_a = 10 r, emp_b = 100, lq given
    regions = [f"r{i}" for i in range(1, 11)]
    frame = pd.DataFrame({
        "region": regions * 2,
        "sector": ["a"] * 10 + ["b"] * 10,
        "emp": [10.0 * i for i in range(1, 11)] + [100.0] * 10,
        "lq": [0.5] * 9 + [2.5] + [1.0] * 9 + [1.9],
    })
    stars = eco_stars(frame)
    # size: top 10% of 10 regions within a category = 1 region: r10 for "a"; "b" ties at 100: all
    # ten have no strictly larger value, so all qualify (ties kept together)
    assert stars["eco_size"].tolist() == [False] * 9 + [True] + [True] * 10
    # specialisation: LQ >= 2 only for (r10, a)
    assert stars["eco_specialisation"].tolist() == [False] * 9 + [True] + [False] * 10
    # focus = emp / region total: a: 10i / (10i + 100); b: 100 / (10i + 100); pool of all 20 cells:
    # top 10% = fewer than 2 strictly larger: b in r1 (100/110) and r2 (100/120)
    focus = stars["focus"].to_numpy()
    assert focus[10] == pytest.approx(100 / 110) and focus[9] == pytest.approx(100 / 200)
    assert np.flatnonzero(stars["eco_focus"]).tolist() == [10, 11]
    assert stars["eco_stars"].tolist() == [0] * 9 + [2] + [2, 2] + [1] * 8
    # focus within each category instead: a -> r10 (100/200); b -> r1 (100/110)
    by_sector = eco_stars(frame, focus_pool="sector")
    assert np.flatnonzero(by_sector["eco_focus"]).tolist() == [9, 10]


def test_eco_stars_with_external_region_totals():
    frame = pd.DataFrame({"region": ["r1", "r2"], "sector": ["a", "a"], "emp": [10.0, 30.0], "lq": [1.0, 1.0]})
    stars = eco_stars(frame, region_totals=pd.Series({"r1": 100.0, "r2": 1000.0}))
    assert stars["focus"].tolist() == [0.1, 0.03]
    with pytest.raises(ValueError, match="region_totals lack region 'r2'"):
        eco_stars(frame, region_totals=pd.Series({"r1": 100.0}))
