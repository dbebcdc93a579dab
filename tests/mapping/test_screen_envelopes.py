"""Bands, indices and tests of mapping.envelopes on hand-checked examples."""

import numpy as np
import pytest

from triplec.mapping import envelopes as env

pytestmark = pytest.mark.nodb


def test_local_band_is_pointwise_type7_quantile():
    sims = np.random.default_rng(0).normal(size=(99, 7))
    lo, hi = env.local_band(sims, 0.1)
    np.testing.assert_allclose(lo, np.quantile(sims, 0.05, axis=0))
    np.testing.assert_allclose(hi, np.quantile(sims, 0.95, axis=0))


def test_dbmss_global_envelope_by_hand():
    # 7 flat curves at levels 1..7; target (1 - 0.5) * 7 = 3.5 kept.
    # step 1 drops 1 and 7 (5 kept), step 2 drops 2 and 6 (3 kept): envelope [3, 5] moved back towards
    # [2, 6] by (3.5 - 3) / 7 of the gap.
    sims = np.repeat(np.arange(1.0, 8.0)[:, None], 4, axis=1)
    lo, hi = env.dbmss_global_envelope(sims, 0.5)
    np.testing.assert_allclose(lo, 3 - 1 / 14)
    np.testing.assert_allclose(hi, 5 + 1 / 14)


def test_dbmss_global_envelope_drops_extremes_at_any_distance():
    # curve 0 is the max at r0 only, curve 1 the min at r1 only: both go in the first step
    sims = np.array([[9.0, 5.0], [5.0, 0.0], [4.0, 4.0], [5.0, 5.0], [6.0, 6.0], [1.0, 9.5]])
    lo, hi = env.dbmss_global_envelope(sims, 0.5)  # target 3 kept
    # step 1 drops {0 (max r0), 5 (min r0, max r1), 1 (min r1)}: kept 2, 3, 4 -> 3 <= 3 stop
    np.testing.assert_allclose(lo, [4.0, 4.0])
    np.testing.assert_allclose(hi, [6.0, 6.0])


def test_do_global_band_lets_alpha_of_simulations_cross():
    rng = np.random.default_rng(1)
    sims = rng.normal(size=(999, 30)).cumsum(axis=1)
    lo, hi, p_lo, p_hi = env.do_global_band(sims, 0.05)
    assert (sims > hi).any(axis=1).sum() <= 49
    assert (sims < lo).any(axis=1).sum() <= 49
    # the band is the tightest one: one notch lower lets more than 5% through
    s = np.sort(sims, axis=0)
    notch = 1 / 998
    assert (sims > env._quantile_sorted(s, p_hi - notch)).any(axis=1).sum() > 49
    assert (sims < env._quantile_sorted(s, p_lo + notch)).any(axis=1).sum() > 49
    # a global band is wider than the local one at the same alpha
    llo, lhi = env.local_band(sims, 0.05)
    assert np.all(hi >= lhi) and np.all(lo <= llo)


def test_localisation_indices_by_hand():
    obs = np.array([5.0, 3.0, 1.0, 0.5])
    lo = np.array([1.0, 1.0, 1.0, 1.0])
    hi = np.array([4.0, 4.0, 4.0, 4.0])
    gamma, psi, above, below = env.localisation_indices(obs, lo, hi, r_step=2.0)
    assert gamma == pytest.approx(2.0)  # (5 - 4) * 2 km
    assert psi == 0.0  # localised somewhere: no dispersion index (DO 2005)
    assert above.tolist() == [True, False, False, False]
    gamma, psi, _, below = env.localisation_indices(np.array([3.0, 0.5, 0.2, 2.0]), lo, hi, r_step=1.0)
    assert gamma == 0.0 and psi == pytest.approx(0.5 + 0.8)
    assert below.tolist() == [False, True, True, False]


def test_peak_distance():
    r = np.array([0.0, 5.0, 10.0])
    assert env.peak_distance(r, np.array([1.0, 3.0, 2.0]), np.array([0.5, 1.0, 1.9])) == 5.0
    assert np.isnan(env.peak_distance(r, np.zeros(3), np.ones(3)))


def test_mc_pvalue():
    rng = np.random.default_rng(2)
    sims = rng.normal(size=(99, 10))
    assert env.mc_pvalue(np.full(10, 10.0), sims) == pytest.approx(1 / 100)
    assert env.mc_pvalue(np.full(10, -10.0), sims) == pytest.approx(1.0)
    # an observed curve that is itself a draw from the null: p roughly uniform, rarely tiny
    p = [env.mc_pvalue(rng.normal(size=10), sims) for _ in range(200)]
    assert 0.35 < np.mean(p) < 0.65


@pytest.mark.parametrize("m", [1, 2, 7, 40, 500])
def test_bh_qvalues_is_scipy_false_discovery_control_without_nan(m):
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(m)
    p = np.concatenate([rng.uniform(0, 0.05, m // 3), rng.uniform(0, 1, m - m // 3)])
    p[: m // 5] = p[m // 5: 2 * (m // 5)]  # ties
    np.testing.assert_array_equal(env.bh_qvalues(p), np.atleast_1d(false_discovery_control(p, method="bh")))


def test_bh_qvalues_keeps_nan_in_place_and_out_of_m():
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, 30)
    holes = [0, 7, 8, 29]
    with_nan = p.copy()
    with_nan[holes] = np.nan
    q = env.bh_qvalues(with_nan)
    kept = np.setdiff1d(np.arange(30), holes)
    assert np.isnan(q[holes]).all()
    np.testing.assert_array_equal(q[kept], false_discovery_control(p[kept], method="bh"))
    assert np.isnan(env.bh_qvalues(np.array([np.nan, np.nan]))).all()


def test_bh_qvalues_by_hand():
    q = env.bh_qvalues(np.array([0.01, 0.04, 0.03, 0.20, np.nan]))
    np.testing.assert_allclose(q[:4], [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.20])
    assert np.isnan(q[4])
    assert env.bh_qvalues(np.array([0.9, 0.95])).tolist() == [0.95, 0.95]
