"""M with a spatial index (mapping._numba_m_index): the neighbour lists give the same table and the same
simulated curves, bit for bit, as the all-sites loops, on planar and lon/lat registers, with pairs exactly at
the distances of the grid; the index is chosen only when few pairs of sites are within r_max."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister
from triplec.mapping import _numba_m_index as nmi
from triplec.mapping.mstat import MSites, make_mplan, simulate_m

pytestmark = pytest.mark.nodb


def register(sphere: bool, weighted: bool, n: int = 600, seed: int = 3):
    rng = np.random.default_rng(seed)
    x = np.r_[np.round(rng.uniform(0, 200, n - 40)), rng.normal(50, 2, 40)]  # whole km: pairs at exactly r_k
    y = np.r_[np.round(rng.uniform(0, 200, n - 40)), rng.normal(50, 2, 40)]
    sectors = np.r_[rng.choice(["B", "C"], n - 40), ["A"] * 40]
    weights = rng.integers(1, 300, n).astype(float) if weighted else None
    if sphere:
        frame = pd.DataFrame({"id": [str(i) for i in range(n)], "sector": sectors, "lon": -50 + x / 100,
                              "lat": -20 + y / 100, "emp": weights if weighted else 1.0})
        return PointRegister.from_frame(frame, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat",
                                        weight_col="emp" if weighted else None)
    return PointRegister.from_arrays(x, y, sectors, weights=weights)


@pytest.mark.parametrize("sphere", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_index_gives_the_same_simulations(sphere, weighted):
    reg = register(sphere, weighted)
    r = np.arange(0, 21.0, 1.0)
    plain = MSites.build(reg, r, weighted, index=False)
    indexed = MSites.build(reg, r, weighted, index=True)
    assert plain.lists is None and (indexed.lists is not None) is weighted
    if not weighted:
        np.testing.assert_array_equal(indexed.table, plain.table)
    u = np.random.default_rng(1).random((7, reg.n))
    plan = make_mplan(reg, "A", weighted)
    for parallel in (False, True):
        np.testing.assert_array_equal(simulate_m(u, indexed, 40, plan, parallel),
                                      simulate_m(u, plain, 40, plan, parallel))


def test_lists_hold_each_pair_within_r_max_both_ways_in_order():
    reg = PointRegister.from_arrays([0, 3, 4, 10, 0], [0, 4, 0, 0, 5], ["A"] * 5)
    sites = MSites.build(reg, np.arange(0, 6.0), False, index=False).sites
    r = np.arange(0, 6.0)
    indptr, nbr, col = nmi.neighbour_lists(sites.x, sites.y, sites.z, sites.sphere, r * r, 1.0, force=True)
    rows = [list(zip(nbr[a:b].tolist(), col[a:b].tolist(), strict=True)) for a, b in zip(indptr[:-1], indptr[1:], strict=True)]
    # (0,0)-(3,4) and (0,0)-(0,5) are exactly 5 km apart: column 5; (10,0) is nobody's neighbour within 5 km
    assert rows == [[(1, 5), (2, 4), (4, 5)], [(0, 5), (2, 5), (4, 4)], [(0, 4), (1, 5)], [], [(0, 5), (1, 4)]]


def test_the_index_is_chosen_only_when_few_pairs_are_close():
    sites = MSites.build(register(False, False, n=2000), np.arange(0, 2.0), False, index=False).sites
    small, large = (nmi.neighbour_lists(sites.x, sites.y, sites.z, False, np.array([0.0, d * d]), 1 / d)
                    for d in (5.0, 150.0))
    assert small is not None and large is None  # about 0.2% and 60% of the pairs of a 200 km square
    # weighted simulations walk the lists every time: worth it whenever they fit in memory
    assert nmi.neighbour_lists(sites.x, sites.y, sites.z, False, np.array([0.0, 150.0**2]), 1 / 150, weighted=True)
    assert nmi.index_pays(0.05, 100_000, weighted=True) is False  # 500 million list entries


def test_lists_are_built_from_numba_cache_in_a_later_process(tmp_path):
    """Workers load the kernels from numba's cache (README, NUMBA_CACHE_DIR): a second process must not crash."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np; from triplec.mapping import _numba_m_index as nmi; "
            "x, y = np.random.default_rng(0).uniform(0, 50, (2, 120)); r = np.arange(11) * 2.0; "
            "print(len(nmi.neighbour_lists(x, y, np.zeros(120), False, r * r, 0.5, force=True)[1]))")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
            for _ in range(2)]
    assert [(run.returncode, run.stdout.strip()) for run in runs] == [(0, "4640"), (0, "4640")], runs[1].stderr[-500:]
