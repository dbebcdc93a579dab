"""The gridded path (large sectors): forced on the dbmss references, and against the exact path."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, screen_sectors
from triplec.mapping.kd import SiteArrays, curve_from_indices, fit_grid, make_grid, pair_total
from triplec.mapping.kd import grid as kgrid

pytestmark = pytest.mark.nodb

DBMSS_DIR = Path(__file__).resolve().parents[1] / "data" / "dbmss"
IREP_REF = pd.read_csv(DBMSS_DIR / "irep_kd_exact.csv", dtype={"naf_code": str})
SYN_REF = pd.read_csv(DBMSS_DIR / "synthetic_kd_exact.csv")


def grid_path_curve(reg, sector, r_max, r_step, weighted=False):
    """The sector's own curve computed on the gridded path (plan from its own bandwidth)."""
    sites = SiteArrays.from_register(reg)
    idx = reg.indices(sector)
    w = reg.weights[idx].astype(float) if weighted else None
    grid = fit_grid(sites, idx, None, r_max, r_step)
    _, _, h = curve_from_indices(sites, idx, None, grid)
    total, total_w = pair_total(len(idx), w)
    plan = kgrid.make_plan(sites, grid, h, len(idx))
    return kgrid.grid_curve(sites, idx, w, grid, plan, total, total_w)


@pytest.fixture(scope="module")
def irep_register(irep_mainland):
    return PointRegister.from_frame(irep_mainland, id_col="Identifiant", sector_col="Code_APE",
                                    x_col="Coordonnees_X", y_col="Coordonnees_Y", unit="m")


@pytest.fixture(scope="module")
def synthetic_register(synthetic_points):
    return PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km",
                                    y_col="y_km", weight_col="employees")


@pytest.mark.parametrize("code", ["0146Z", "2014Z", "2561Z"])
def test_grid_path_on_irep_references(irep_register, code):
    ref = IREP_REF[IREP_REF.naf_code == code]
    kd, _, _ = grid_path_curve(irep_register, code, 300.0, 5.0)
    assert np.max(np.abs(kd - ref.kd.to_numpy())) <= 0.01 * ref.kd.max()


@pytest.mark.parametrize("sector", [
    pytest.param("S1", marks=pytest.mark.slow),  # h = 0.7 km over 400 km: a 6480^2 FFT grid
    "S2", "S3", "S4", "S5"])
def test_grid_path_on_synthetic_references(synthetic_register, sector):
    ref = SYN_REF[SYN_REF.sector == sector]
    kd, kemp, _ = grid_path_curve(synthetic_register, sector, 150.0, 2.5, weighted=True)
    assert np.max(np.abs(kd - ref.kd.to_numpy())) <= 0.01 * ref.kd.max()
    assert np.max(np.abs(kemp - ref.kemp.to_numpy())) <= 0.01 * ref.kemp.max()


def town_register(n=20000, seed=0):
    """Sites clustered in towns (Zipf sizes, 2-12 km spreads) plus countryside, over 400 x 400 km."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(20, 380, (60, 2))
    pop = 1 / np.arange(1, 61)
    pop /= pop.sum()
    spread = 2 + 10 * np.sqrt(pop / pop[0])
    town = rng.choice(60, size=int(0.8 * n), p=pop)
    xy = np.vstack([centres[town] + rng.normal(size=(len(town), 2)) * spread[town, None],
                    rng.uniform(0, 400, (n - len(town), 2))])
    sectors = np.where(np.arange(n) < 3000, "BIG", "REST")
    emp = rng.integers(1, 100, n)
    return PointRegister.from_arrays(xy[:, 0], xy[:, 1], sectors, weights=emp)


def test_grid_path_matches_exact_path_on_random_samples():
    reg = town_register()
    sites = SiteArrays.from_register(reg)
    grid0 = make_grid(100.0, 5.0)
    stats = kgrid.site_stats(sites, grid0)
    rng = np.random.default_rng(1)
    for n in (1000, 3000):
        idx = np.sort(rng.choice(reg.n, n, replace=False))
        w = reg.weights[idx].astype(float)
        h_null = stats.h_null(n * (n - 1) / 2)
        grid = make_grid(100.0, 5.0, h_hint=h_null, lo_hint=stats.lo)
        kd, kemp, h = curve_from_indices(sites, idx, w, grid)
        assert h == pytest.approx(h_null, rel=0.1)  # the null bandwidth is predicted from the sites
        total, total_w = pair_total(n, w)
        plan = kgrid.make_plan(sites, grid, h_null, n)
        kd_g, kemp_g, h_g = kgrid.grid_curve(sites, idx, w, grid, plan, total, total_w)
        assert h_g == pytest.approx(h, rel=2e-3)
        assert np.max(np.abs(kd_g - kd)) <= 5e-3 * kd.max()
        assert np.max(np.abs(kemp_g - kemp)) <= 1e-2 * kemp.max()


def test_forced_grid_screen_reports_method_and_check():
    reg = town_register(6000, seed=2)
    res = screen_sectors(reg, r_max=60, r_step=5, sims=20, seed=3, sectors=["BIG"], method="grid",
                         keep_sims=True)
    row = res.table.iloc[0]
    assert row.method == "grid"
    assert 0 < row.method_check < 5e-3
    exact = screen_sectors(reg, r_max=60, r_step=5, sims=20, seed=3, sectors=["BIG"], method="pairs",
                           keep_sims=True)
    assert exact.table.method.iloc[0] == "pairs" and np.isnan(exact.table.method_check.iloc[0])
    # same samples (same seed), two paths: the simulated curves agree closely
    a, b = res.sims["BIG"]["kd"], exact.sims["BIG"]["kd"]
    assert np.max(np.abs(a - b)) <= 5e-3 * b.max()
    np.testing.assert_array_equal(res.curves.kd, exact.curves.kd)  # observed curves are always exact


def test_method_argument_errors(synthetic_register):
    with pytest.raises(ValueError, match="method must be"):
        screen_sectors(synthetic_register, sims=20, sectors=["S2"], method="fast")
    df = pd.DataFrame({"id": range(40), "sector": "A", "lon": np.linspace(0, 1, 40),
                       "lat": np.linspace(40, 41, 40)})
    sphere = PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
    with pytest.raises(ValueError, match="projected register"):
        screen_sectors(sphere, sims=20, method="grid")


def test_grid_fit_on_a_subsample_resolves_the_bandwidth():
    reg = town_register(20000, seed=4)
    sites = SiteArrays.from_register(reg)
    idx = np.sort(np.random.default_rng(0).choice(reg.n, 5000, replace=False))
    grid = fit_grid(sites, idx, None, 100.0, 5.0)  # 5000 > 3000 points: fitted on a subsample
    _, _, h = curve_from_indices(sites, idx, None, grid)
    assert grid.delta <= h / 16
    assert grid.error_bound(h) < 1e-3
