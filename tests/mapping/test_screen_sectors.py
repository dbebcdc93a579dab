"""The all-sector screen: table and curves contract, seeding, the random-location null."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, kd_test, screen_sectors
from triplec.mapping import _numba_kd as nk

pytestmark = pytest.mark.nodb

TABLE_HEAD = ["sector", "n", "employment", "gamma", "psi", "localised", "p_value", "q_value",
              "peak_distance"]


@pytest.fixture(scope="module")
def synthetic_register(synthetic_points):
    return PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km",
                                    y_col="y_km", weight_col="employees")


@pytest.fixture(scope="module")
def small_screen(synthetic_register):
    calls = []
    res = screen_sectors(synthetic_register, r_max=60, r_step=5, sims=39, alpha=0.05, seed=7, min_n=30,
                         sectors=["S1", "S2", "S3", "S4", "S5"], progress=lambda d, t: calls.append((d, t)))
    return res, calls


def test_table_and_curves_follow_the_contract(small_screen):
    res, calls = small_screen
    t = res.table
    assert list(t.columns[:9]) == TABLE_HEAD
    assert list(t.sector) == ["S1", "S2", "S3", "S4", "S5"]
    assert list(t.n) == [158, 221, 133, 231, 91]
    assert t.employment.gt(0).all()
    assert list(res.curves.columns[:5]) == ["sector", "r", "kd", "lo", "hi"]
    for col in ["global_do_lo", "global_do_hi", "global_dbmss_lo", "global_dbmss_hi"]:
        assert col in res.curves
    assert len(res.curves) == 5 * 13
    assert res.curves.r.max() == 60
    c = res.curves
    assert (c.lo <= c.hi).all() and (c.global_do_hi >= c.hi - 1e-15).all()
    assert calls[-1] == (5 * 39, 5 * 39) and calls[0] == (0, 5 * 39)
    assert res.params["engine"] == "local"


def test_clustered_sector_is_localised(small_screen):
    res, _ = small_screen
    s1 = res.table.set_index("sector").loc["S1"]
    # S1 has a bandwidth of 0.7 km: a tight cluster
    assert bool(s1.localised) and s1.gamma > 0 and s1.psi == 0
    assert s1.p_value == pytest.approx(1 / 40)
    assert 0 <= s1.peak_distance <= 60
    c1 = res.curves[res.curves.sector == "S1"]
    assert c1.localised.tolist() == (c1.kd > c1.global_do_hi).tolist() and c1.localised.any()
    assert s1.localised_km.startswith("0")
    assert (res.table.q_value >= res.table.p_value - 1e-12).all()


def test_same_seed_same_results_other_seed_other_results(synthetic_register, small_screen):
    res, _ = small_screen
    again = screen_sectors(synthetic_register, r_max=60, r_step=5, sims=39, seed=7, min_n=30,
                           sectors=["S1", "S5", "S4", "S3", "S2"])
    pd.testing.assert_frame_equal(again.table, res.table)
    pd.testing.assert_frame_equal(again.curves, res.curves)
    # one sector alone gets the same stream as in the full screen (streams keyed by sector code)
    alone = screen_sectors(synthetic_register, r_max=60, r_step=5, sims=39, seed=7, sectors=["S3"])
    pd.testing.assert_frame_equal(alone.curves.reset_index(drop=True),
                                  res.curves[res.curves.sector == "S3"].reset_index(drop=True))
    other = screen_sectors(synthetic_register, r_max=60, r_step=5, sims=39, seed=8, sectors=["S3"])
    assert not np.allclose(other.curves.lo, alone.curves.lo)
    np.testing.assert_array_equal(other.curves.kd, alone.curves.kd)


def test_weighted_screen_adds_kemp(synthetic_register):
    res = screen_sectors(synthetic_register, r_max=30, r_step=5, sims=20, seed=1, weighted=True,
                         sectors=["S2", "S5"])
    assert list(res.curves.columns[:8]) == ["sector", "r", "kd", "lo", "hi", "kemp", "kemp_lo", "kemp_hi"]
    for col in ["gamma_emp", "psi_emp", "localised_emp", "p_value_emp", "q_value_emp", "peak_distance_emp"]:
        assert col in res.table
    assert "kemp_global_do_hi" in res.curves


def test_curves_only_and_min_n(synthetic_register):
    res = screen_sectors(synthetic_register, r_max=30, r_step=5, sims=0, min_n=150)
    assert list(res.table.sector) == ["OTHER", "S1", "S2", "S4"]
    assert res.table.p_value.isna().all() and res.curves.lo.isna().all()
    assert res.curves.kd.notna().all()


def test_distance_ranges_text():
    from triplec.mapping.screen import distance_ranges

    r = np.arange(0, 35, 5.0)
    assert distance_ranges(r, np.array([1, 1, 0, 0, 1, 0, 1], bool), 5.0) == "0-5, 20, 30"
    assert distance_ranges(r, np.zeros(7, bool), 5.0) == ""


def test_argument_errors(synthetic_register):
    with pytest.raises(ValueError, match="too few for alpha"):
        screen_sectors(synthetic_register, sims=10, alpha=0.05)
    with pytest.raises(ValueError, match="alpha"):
        screen_sectors(synthetic_register, sims=99, alpha=1.5)
    with pytest.raises(KeyError, match="not in the register"):
        screen_sectors(synthetic_register, sims=0, sectors=["NOPE"])
    with pytest.raises(TypeError, match="PointRegister"):
        screen_sectors(pd.DataFrame(), sims=0)


def test_random_location_permutes_establishments_over_all_sites():
    """When the sector is the whole register, random location only permutes it: every simulated Kd is
    the observed one. Employees travel with the establishments (dbmss rlabel permutes type and weight
    together), so Kemp does vary between simulations."""
    rng = np.random.default_rng(3)
    xy = np.vstack([rng.normal(20, 2, (30, 2)), rng.uniform(0, 100, (30, 2))])
    emp = np.r_[np.full(30, 100.0), np.ones(30)]
    reg = PointRegister.from_arrays(xy[:, 0], xy[:, 1], ["A"] * 60, weights=emp)
    res = kd_test(reg, "A", r_max=50, r_step=5, sims=20, weighted=True, keep_sims=True)
    sims = res.sims["A"]
    np.testing.assert_allclose(sims["kd"], np.tile(res.curves.kd.to_numpy(), (20, 1)), rtol=1e-12)
    assert np.ptp(sims["kemp"][:, 0]) > 0.1 * res.curves.kemp.iloc[0]
    # big employers were clustered: the observed Kemp is above every relabelled one at short range
    assert res.curves.kemp.iloc[0] > sims["kemp"][:, 0].max()


def test_simulated_kd_is_centred_on_the_all_sites_distance_density():
    """E[pair histogram of a random n-subset] = n(n-1)/(N(N-1)) x all-sites histogram: the mean of the
    simulated curves is close to the Kd of all sites smoothed with the simulations' bandwidth."""
    rng = np.random.default_rng(4)
    xy = np.vstack([rng.normal([30, 30], 5, (150, 2)), rng.uniform(0, 120, (250, 2))])
    sectors = np.array(["A"] * 40 + ["B"] * 360)
    reg = PointRegister.from_arrays(xy[:, 0], xy[:, 1], sectors)
    res = kd_test(reg, "A", r_max=80, r_step=4, sims=400, seed=3, keep_sims=True)
    from scipy.spatial.distance import pdist
    from scipy.stats import norm

    d = pdist(xy)
    r = res.curves.r.to_numpy()
    h = res.sims["A"]["bandwidth"].mean()
    refl = d <= 4 * h
    dens = (norm.pdf(r[:, None] - d[None, :], scale=h).sum(1)
            + norm.pdf(r[:, None] + d[refl][None, :], scale=h).sum(1)) / len(d)
    mean = res.sims["A"]["kd"].mean(axis=0)
    assert np.max(np.abs(mean - dens)) < 0.03 * dens.max()


def test_floyd_sampling_is_uniform_and_shuffle_is_a_permutation():
    rng = np.random.default_rng(5)
    nsites, n, reps = 50, 7, 20000
    counts = np.zeros(nsites)
    mark = np.zeros(nsites, dtype=np.uint8)
    out = np.empty(n, dtype=np.int64)
    first = np.zeros(nsites)
    for _ in range(reps):
        nk.floyd_sample(rng.random(n), nsites, mark, out)
        assert len(set(out.tolist())) == n and out.min() >= 0 and out.max() < nsites
        counts[out] += 1
        nk.shuffle_inplace(rng.random(n), out)
        first[out[0]] += 1
    assert not mark.any()
    expected = reps * n / nsites
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 90  # chi-square, 49 df: P(> 90) < 0.001
    expected_first = reps / nsites
    assert ((first - expected_first) ** 2 / expected_first).sum() < 90


def test_lonlat_register_screen():
    rng = np.random.default_rng(6)
    lon = np.r_[rng.normal(-46.6, 0.05, 40), rng.uniform(-50, -40, 400)]
    lat = np.r_[rng.normal(-23.5, 0.05, 40), rng.uniform(-26, -18, 400)]
    sectors = ["A"] * 40 + ["B"] * 400
    df = pd.DataFrame({"id": range(440), "sector": sectors, "lon": lon, "lat": lat})
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
    res = screen_sectors(reg, r_max=100, r_step=10, sims=39, seed=2, min_n=30)
    t = res.table.set_index("sector")
    assert bool(t.loc["A", "localised"]) and t.loc["A", "p_value"] == pytest.approx(1 / 40)
    assert t.loc["A", "method"] == "pairs"  # great-circle registers always use the exact pairs path
