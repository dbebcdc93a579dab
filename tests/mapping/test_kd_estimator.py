"""The Kd estimator against an independent, straightforward implementation, and its invariances.

The reference here is the textbook computation: every pair distance (scipy pdist/cdist), R's bw.nrd0
(numpy quantile type 7 = R's default), reflection of the distances below 4h and the Gaussian kernel sum
renormalised by the mass above 0 (Phi terms kept, not approximated).
"""

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist, pdist
from scipy.stats import norm

from triplec.mapping import PointRegister, kd_curve
from triplec.mapping.points import haversine_km

pytestmark = pytest.mark.nodb


def bw_nrd0(d):
    q1, q3 = np.quantile(d, [0.25, 0.75])
    lo = min(np.std(d, ddof=1), (q3 - q1) / 1.34)
    return 0.9 * lo * len(d) ** -0.2


def direct_kd(d, r, w=None):
    """Textbook Kd/Kemp from all pair distances d (weights w), as dbmss defines it."""
    w = np.ones_like(d) if w is None else w
    h = bw_nrd0(d[d <= 2 * r.max()])
    refl = d <= 4 * h
    num = (w[None, :] * norm.pdf(r[:, None] - d[None, :], scale=h)).sum(axis=1)
    num += (w[refl][None, :] * norm.pdf(r[:, None] + d[refl][None, :], scale=h)).sum(axis=1)
    mass_above_0 = (w * norm.cdf(d / h)).sum() + (w[refl] * norm.cdf(-d[refl] / h)).sum()
    return num / mass_above_0, h


def clustered_register(seed=0, n_other=600):
    rng = np.random.default_rng(seed)
    a = np.vstack([rng.normal([50, 50], 3, (40, 2)), rng.uniform(0, 200, (20, 2))])
    b = np.vstack([rng.normal([55, 52], 8, (30, 2)), rng.uniform(0, 200, (25, 2))])
    o = rng.uniform(0, 200, (n_other, 2))
    xy = np.vstack([a, b, o])
    sectors = ["A"] * len(a) + ["B"] * len(b) + ["O"] * len(o)
    emp = rng.integers(1, 200, len(xy))
    return PointRegister.from_arrays(xy[:, 0], xy[:, 1], sectors, weights=emp), xy, np.array(sectors), emp


def test_univariate_kd_and_kemp_match_direct_computation():
    reg, xy, sec, emp = clustered_register()
    curve = kd_curve(reg, "A", r_max=60, r_step=2, weighted=True)
    pts = xy[sec == "A"]
    w = emp[sec == "A"].astype(float)
    d = pdist(pts)
    i, j = np.triu_indices(len(pts), 1)
    ref_kd, h = direct_kd(d, curve.r)
    ref_kemp, _ = direct_kd(d, curve.r, w[i] * w[j])
    assert curve.bandwidth == pytest.approx(h, rel=1e-3)
    peak = 1 / (np.sqrt(2 * np.pi) * curve.bandwidth)
    # the numerical error stays within the recorded bound (a fraction of the kernel peak)
    assert np.max(np.abs(curve.kd - ref_kd)) <= max(curve.error_bound, 1e-4) * peak
    assert np.max(np.abs(curve.kd - ref_kd)) <= 1e-3 * ref_kd.max()
    assert np.max(np.abs(curve.kemp - ref_kemp)) <= 1e-3 * ref_kemp.max()


def test_bivariate_kd_matches_direct_computation_and_is_symmetric():
    reg, xy, sec, emp = clustered_register(1)
    ab = kd_curve(reg, "A", other="B", r_max=60, r_step=2, weighted=True)
    ba = kd_curve(reg, "B", other="A", r_max=60, r_step=2, weighted=True)
    d = cdist(xy[sec == "A"], xy[sec == "B"]).ravel()
    wa, wb = emp[sec == "A"].astype(float), emp[sec == "B"].astype(float)
    ref_kd, h = direct_kd(d, ab.r)
    ref_kemp, _ = direct_kd(d, ab.r, np.outer(wa, wb).ravel())
    assert ab.n == 60 and ab.n_other == 55
    assert ab.bandwidth == pytest.approx(h, rel=1e-3)
    assert np.max(np.abs(ab.kd - ref_kd)) <= 1e-3 * ref_kd.max()
    assert np.max(np.abs(ab.kemp - ref_kemp)) <= 1e-3 * ref_kemp.max()
    np.testing.assert_allclose(ab.kd, ba.kd, rtol=1e-9, atol=1e-12)


def test_kd_is_a_density_and_kemp_with_equal_weights_is_kd():
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 100, (120, 2))
    reg = PointRegister.from_arrays(xy[:, 0], xy[:, 1], ["A"] * 120, weights=np.full(120, 7.0))
    c = kd_curve(reg, "A", r_max=200, r_step=1, weighted=True)
    np.testing.assert_allclose(c.kemp, c.kd, rtol=1e-12)
    # all pairs are within 142 km: the curve integrates to ~1 over [0, 200]
    assert np.trapezoid(c.kd, c.r) == pytest.approx(1.0, abs=2e-3)


def test_kd_does_not_depend_on_row_order_or_position():
    reg, xy, sec, emp = clustered_register(3)
    base = kd_curve(reg, "A", r_max=50, r_step=5, weighted=True)
    perm = np.random.default_rng(0).permutation(len(xy))
    theta = 0.7
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    moved = (xy[perm] @ rot.T) + [1000.0, -250.0]
    reg2 = PointRegister.from_arrays(moved[:, 0], moved[:, 1], sec[perm], weights=emp[perm])
    other = kd_curve(reg2, "A", r_max=50, r_step=5, weighted=True)
    np.testing.assert_allclose(other.kd, base.kd, rtol=1e-6)
    np.testing.assert_allclose(other.kemp, base.kemp, rtol=1e-6)


def test_lonlat_register_uses_great_circle_distances():
    rng = np.random.default_rng(5)
    lon = np.r_[rng.normal(4.8, 0.1, 50), rng.uniform(-2, 8, 50)]
    lat = np.r_[rng.normal(45.7, 0.08, 50), rng.uniform(43, 50, 50)]
    df = pd.DataFrame({"id": range(100), "sector": "A", "lon": lon, "lat": lat})
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
    c = kd_curve(reg, "A", r_max=100, r_step=5)
    i, j = np.triu_indices(100, 1)
    d = haversine_km(lon[i], lat[i], lon[j], lat[j])
    ref, h = direct_kd(d, c.r)
    assert c.bandwidth == pytest.approx(h, rel=1e-3)
    assert np.max(np.abs(c.kd - ref)) <= 1e-3 * ref.max()


def test_bad_arguments():
    reg, *_ = clustered_register()
    with pytest.raises(ValueError, match="whole multiple"):
        kd_curve(reg, "A", r_max=10, r_step=3)
    with pytest.raises(ValueError, match="positive"):
        kd_curve(reg, "A", r_max=-1, r_step=1)
    with pytest.raises(KeyError, match="'Z' is not in the register"):
        kd_curve(reg, "Z")
    with pytest.raises(ValueError, match="two different sectors"):
        kd_curve(reg, "A", other="A")
    unweighted = PointRegister.from_arrays([0, 1, 2], [0, 1, 2], ["A"] * 3)
    with pytest.raises(ValueError, match="employees"):
        kd_curve(unweighted, "A", weighted=True)
