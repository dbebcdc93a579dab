"""M in the sector screen: exact simulations, verdicts beside Kd, Kd untouched, same results on every engine."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, bh_qvalues, m_curve, screen_sectors
from triplec.mapping._numba_kd import floyd_sample, shuffle_inplace
from triplec.mapping.engines import LocalEngine
from triplec.mapping.kd import SiteArrays
from triplec.mapping.mstat import MSites, make_mplan, observed_m, simulate_m
from triplec.mapping.screen_m import parse_statistics

pytestmark = pytest.mark.nodb
KW = dict(r_max=30, r_step=5, sims=99, seed=3, min_n=30)


@pytest.fixture(scope="module")
def register():
    rng = np.random.default_rng(7)
    parts, sectors = [], []
    for code, n, spread in [("A", 40, 2.0), ("C", 35, 8.0)]:
        parts.append(rng.normal(rng.uniform(40, 160, 2), spread, (n, 2)))
        sectors += [code] * n
    parts.append(rng.uniform(0, 200, (50, 2)))  # B: spread like the register
    sectors += ["B"] * 50
    parts.append(rng.uniform(0, 200, (300, 2)))
    sectors += ["Z"] * 300
    xy = np.vstack(parts)
    return PointRegister.from_arrays(xy[:, 0], xy[:, 1], sectors, weights=rng.integers(1, 40, len(xy)))


@pytest.fixture(scope="module")
def screened(register):
    return screen_sectors(register, weighted=True, statistics="kd,m", **KW)


def _relabelled(reg, sectors, weights):
    c = reg.coords
    return PointRegister.from_arrays(c[:, 0], c[:, 1], list(sectors), weights=weights)


@pytest.mark.parametrize("weighted", [False, True])
def test_simulated_curves_are_the_m_of_the_permuted_register(register, weighted):
    """Each simulated curve is exactly M of the register whose marks were moved as the uniforms say."""
    sites = SiteArrays.from_register(register)
    r = np.arange(7) * 5.0
    msites = MSites.build(register, r, weighted, sites)
    plan = make_mplan(register, "A", weighted)
    n, ns = len(register.indices("A")), register.n
    u = np.random.default_rng(1).random((3, ns if weighted else n))
    sims = simulate_m(u, msites, n, plan, parallel=False)
    for b in range(3):
        if weighted:
            perm = np.arange(ns)
            shuffle_inplace(u[b].copy(), perm)
            moved = _relabelled(register, register.sectors[perm], register.weights[perm])
        else:
            sample = np.empty(n, dtype=np.int64)
            floyd_sample(u[b, :n], ns, np.zeros(ns, dtype=np.uint8), sample)
            labels = np.full(ns, "Z", dtype=object)
            labels[sample] = "A"
            moved = _relabelled(register, labels, None)
        want = observed_m(moved, sites, "A", r, weighted)
        np.testing.assert_allclose(sims[b], want, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(sims, simulate_m(u, msites, n, plan, parallel=True))


def test_screen_adds_m_beside_kd_and_leaves_kd_unchanged(register, screened):
    kd_only = screen_sectors(register, weighted=True, **KW)
    pd.testing.assert_frame_equal(kd_only.table, screened.table[kd_only.table.columns])
    pd.testing.assert_frame_equal(kd_only.curves, screened.curves[kd_only.curves.columns])
    assert list(screened.table.columns[-5:]) == ["m_localised", "m_p_value", "m_q_value", "m_peak_distance",
                                                 "m_localised_dbmss"]
    a = screened.curves[screened.curves.sector == "A"]
    np.testing.assert_allclose(a["m"], m_curve(register, "A", r_max=30, r_step=5, weighted=True).m)
    verdict = screened.table.set_index("sector")
    # A (2 km spread) is far more concentrated than the register; B, spread like it, is not
    assert verdict.loc["A", "m_localised"] and verdict.loc["A", "m_p_value"] == 0.01
    assert not verdict.loc["B", "m_localised"]
    # r = 0: nobody shares a position, M is undefined and so are its bands
    assert a["m"].isna().iloc[0] and a["m_hi"].isna().iloc[0]
    assert (a["m"].iloc[1:] > a["m_hi"].iloc[1:]).all() and (a["m_lo"].iloc[1:] <= a["m_hi"].iloc[1:]).all()


def test_null_keeps_m_near_one_and_q_values_are_bh(screened):
    z_like = screened.curves[screened.curves.sector == "B"]
    assert np.nanmax(np.abs(z_like["m_sim_mean"].iloc[2:] - 1.0)) < 0.15
    np.testing.assert_array_equal(screened.table["m_q_value"], bh_qvalues(screened.table["m_p_value"]))


def test_same_results_whatever_the_threads_and_on_dask(register, screened):
    one = screen_sectors(register, weighted=True, statistics="kd,m", scheduler=LocalEngine(threads=1), **KW)
    pd.testing.assert_frame_equal(one.table, screened.table)
    pd.testing.assert_frame_equal(one.curves, screened.curves)
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        for weighted in (True, False):
            local = screened if weighted else screen_sectors(register, statistics="kd,m", **KW)
            remote = screen_sectors(register, weighted=weighted, statistics="kd,m", scheduler=client, **KW)
            assert remote.params["engine"] == "dask"
            pd.testing.assert_frame_equal(local.curves, remote.curves)
            pd.testing.assert_frame_equal(local.table, remote.table)


def test_progress_counts_kd_and_m_simulations(register):
    seen = []
    screen_sectors(register, statistics="kd,m", sectors=["A"], progress=lambda d, t: seen.append((d, t)),
                   **{**KW, "sims": 40})
    assert seen[-1] == (80, 80) and all(t == 80 for _, t in seen)


def test_statistics_are_checked():
    assert parse_statistics("m, kd") == ("kd", "m") and parse_statistics("m") == ("m",)
    with pytest.raises(ValueError, match="no statistic"):
        parse_statistics(" , ")
    with pytest.raises(ValueError, match="unknown statistic 'l'"):
        parse_statistics("kd,l")


def test_curves_only_screen_gives_m_without_verdicts(register):
    res = screen_sectors(register, statistics="kd,m", **{**KW, "sims": 0})
    a = res.curves[res.curves.sector == "A"]
    np.testing.assert_allclose(a["m"], m_curve(register, "A", r_max=30, r_step=5).m)
    assert a["m_hi"].isna().all() and res.table["m_p_value"].isna().all()
    assert res.table["m_localised"].isna().all()


def test_m_alone_is_the_m_of_kd_m_on_every_engine(register, screened):
    """M-only screen: no Kd column, and the M columns of a kd,m screen with the same seed, bit for bit."""
    alone = screen_sectors(register, weighted=True, statistics="m", scheduler=LocalEngine(threads=1), **KW)
    assert "kd" not in alone.curves.columns and "localised" not in alone.table.columns
    m_cols = [c for c in alone.table.columns if c.startswith("m_")]
    pd.testing.assert_frame_equal(alone.table[["sector", "n", *m_cols]], screened.table[["sector", "n", *m_cols]])
    pd.testing.assert_frame_equal(alone.curves, screened.curves[alone.curves.columns.tolist()])
    assert alone.params["statistics"] == "m"
