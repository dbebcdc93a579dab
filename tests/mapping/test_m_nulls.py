"""M under dbmss's other nulls (MEnvelope SimulationType): each simulated curve is M of the pattern the null
permutes, the same on every engine, calls at about the nominal rate on data drawn from the null, and planted
concentrations found."""

import numpy as np
import pytest

from triplec.mapping import PointRegister, m_curve, m_test, screen_sectors
from triplec.mapping._numba_kd import shuffle_inplace
from triplec.mapping.engines import LocalEngine
from triplec.mapping.kd import SiteArrays, make_grid
from triplec.mapping.mtest import make_null_plan, null_sites

pytestmark = pytest.mark.nodb
SERIAL = LocalEngine(threads=1)


def structured(seed, n=120):
    """Sites in a 50 km square, employment high near the centre (so moving weights or not matters)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 50, (n, 2))
    weights = 1 + np.round(40 * np.exp(-np.hypot(*(xy - 25).T) / 8)) + rng.integers(0, 5, n)
    sectors = np.array(["A"] * 20 + ["B"] * 20 + ["Z"] * (n - 40), dtype=object)
    return rng, xy, weights, sectors


def register(xy, sectors, weights):
    return PointRegister.from_arrays(xy[:, 0], xy[:, 1], list(sectors), weights=weights)


@pytest.mark.parametrize(("null", "neighbor", "weighted"), [
    ("random_labeling", None, True), ("random_labeling", None, False), ("random_location", "B", True),
    ("population_independence", "B", True), ("population_independence", "B", False)])
def test_simulated_curves_are_the_m_of_the_permuted_register(null, neighbor, weighted):
    """dbmss: rRandomLabelingM permutes the types and restores the weights; rRandomLocation permutes type and
    weight together (rlabel); rPopulationIndependenceM keeps the reference points and rlabels the others."""
    _, xy, weights, sectors = structured(3)
    reg = register(xy, sectors, weights)
    r = make_grid(20, 2).r
    plan = make_null_plan(reg, "A", neighbor, null, weighted)
    u = np.random.default_rng(1).random((3, plan.n_draws))
    sims = plan.simulate(u, null_sites(SiteArrays.from_register(reg), r), parallel=False)
    moved = plan.movable
    assert len(moved) == (100 if null == "population_independence" else 120)
    for b in range(3):
        perm = moved.copy()
        shuffle_inplace(u[b].copy(), perm)
        new_sectors, new_weights = sectors.copy(), weights.copy()
        new_sectors[moved] = sectors[perm]
        if null != "random_labeling":
            new_weights[moved] = weights[perm]
        permuted = register(xy, new_sectors, new_weights)
        expected = m_curve(permuted, "A", neighbor=neighbor, r_max=20, r_step=2, weighted=weighted).m
        np.testing.assert_allclose(sims[b], expected, rtol=1e-12, equal_nan=True)


def test_same_envelopes_on_every_engine_and_the_screens_under_random_location():
    from distributed import Client

    _, xy, weights, sectors = structured(4, n=300)
    reg = register(xy, sectors, weights)
    kw = dict(r_max=20, r_step=2, sims=150, seed=9, weighted=True)  # two batches of 128 and 22
    here = m_test(reg, "A", neighbor="B", null="population_independence", keep_sims=True, **kw)
    serial = m_test(reg, "A", neighbor="B", null="population_independence", scheduler=SERIAL, **kw)
    with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        there = m_test(reg, "A", neighbor="B", null="population_independence", scheduler=client, **kw)
    assert here.params["engine"] == "local" and there.params["engine"] == "dask"
    assert here.curves.equals(serial.curves) and here.curves.equals(there.curves)
    assert here.sims["B|A"]["m"].shape == (150, 11) and here.table["sector"].tolist() == ["B|A"]
    other = m_test(reg, "A", neighbor="B", null="random_labeling", **kw)  # its own stream
    assert not np.allclose(other.curves["m_hi"], here.curves["m_hi"], equal_nan=True)
    screen = screen_sectors(reg, sectors=["A"], min_n=2, statistics="m", **kw)
    alone = m_test(reg, "A", null="random_location", **kw)
    assert alone.curves.equals(screen.curves) and alone.table.equals(screen.table.drop(columns="sims"))


def drawn_from(null, seed):
    """A register whose sector labels (and weights) were drawn from ``null``; A in a town under population
    independence (the reference points are fixed: only the others' marks are random)."""
    rng, xy, weights, sectors = structured(seed)
    if null == "random_location":
        perm = rng.permutation(len(sectors))
        sectors, weights = sectors[perm], weights[perm]
    elif null == "random_labeling":
        sectors = sectors[rng.permutation(len(sectors))]
    else:
        xy[:20] = rng.normal(12, 2, (20, 2))
        perm = 20 + rng.permutation(len(sectors) - 20)
        sectors[20:], weights[20:] = sectors[perm], weights[perm]
    return register(xy, sectors, weights)


@pytest.mark.parametrize("null", ["random_location", "random_labeling", "population_independence"])
def test_data_from_the_null_are_called_localised_at_about_the_nominal_rate(null):
    """The Monte Carlo p-value has the exact level (2/40 with 39 simulations); the global band's call, built on
    39 curves only (often their pointwise maximum), rejects somewhat more often: loose bounds."""
    neighbor = "B" if null == "population_independence" else None
    rows = [m_test(drawn_from(null, seed), "A", neighbor=neighbor, null=null, r_max=20, r_step=2, sims=39, seed=seed,
                   weighted=True, scheduler=SERIAL).table.iloc[0] for seed in range(100)]
    p_values = np.array([row["m_p_value"] for row in rows])
    calls = np.array([bool(row["m_localised"]) for row in rows])
    assert 0.01 <= np.mean(p_values <= 0.05) <= 0.11  # binomial sd 0.022 over 100 registers
    assert 0.4 <= p_values.mean() <= 0.6  # uniform p-values (sd of the mean 0.029); 0.89 under random location
    assert 0.01 <= np.mean(calls) <= 0.16


@pytest.mark.parametrize("null", ["random_location", "random_labeling", "population_independence"])
def test_planted_concentration_is_found(null):
    rng, xy, weights, sectors = structured(5)
    xy[:40] = rng.normal(10, 1.5, (40, 2))  # A and B together in one town
    neighbor = "B" if null == "population_independence" else None
    res = m_test(register(xy, sectors, weights), "A", neighbor=neighbor, null=null, r_max=20, r_step=2, sims=39,
                 weighted=True, scheduler=SERIAL)
    assert res.table["m_localised"].iloc[0] and res.table["m_p_value"].iloc[0] == 0.025


def test_refusals():
    _, xy, weights, sectors = structured(6)
    reg = register(xy, sectors, weights)
    with pytest.raises(ValueError, match="intertype M: give a neighbour sector"):
        m_test(reg, "A", null="PopulationIndependence", sims=19, alpha=0.1)
    with pytest.raises(ValueError, match="unknown null 'toroidal'"):
        m_test(reg, "A", null="toroidal", sims=19)
