"""The Dask engine gives the same results as the local engine for the same seed."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, kd_test, screen_sectors
from triplec.mapping.engines import LocalEngine, batch_size_for, make_engine, sector_key

pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def register():
    rng = np.random.default_rng(11)
    parts, sectors = [], []
    for code, n, spread in [("A", 60, 4.0), ("B", 45, 30.0), ("C", 260, 60.0), ("D", 35, 2.0)]:
        centre = rng.uniform(20, 180, 2)
        parts.append(rng.normal(centre, spread, (n, 2)))
        sectors += [code] * n
    parts.append(rng.uniform(0, 200, (600, 2)))
    sectors += ["Z"] * 600
    xy = np.vstack(parts)
    return PointRegister.from_arrays(xy[:, 0], xy[:, 1], sectors, weights=rng.integers(1, 50, len(xy)))


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as lc, distributed.Client(lc) as client:
        yield lc, client


def test_dask_engine_matches_local_engine(register, cluster):
    lc, client = cluster
    kw = dict(r_max=40, r_step=5, sims=300, seed=5, min_n=30, weighted=True, sectors=["A", "B", "C", "D"])
    local = screen_sectors(register, **kw)
    # 260 establishments -> 128 simulations per task: "C" runs as 3 tasks (2 full batches + 44)
    assert batch_size_for(260) == 128
    remote = screen_sectors(register, scheduler=client, **kw)
    assert remote.params["engine"] == "dask"
    pd.testing.assert_frame_equal(local.table, remote.table)
    pd.testing.assert_frame_equal(local.curves, remote.curves)
    by_address = screen_sectors(register, scheduler=lc.scheduler_address, **{**kw, "sectors": ["D"]})
    pd.testing.assert_frame_equal(by_address.curves.reset_index(drop=True),
                                  local.curves[local.curves.sector == "D"].reset_index(drop=True))


def test_dask_bivariate_matches_local(register, cluster):
    _, client = cluster
    kw = dict(other="B", r_max=40, r_step=5, sims=40, seed=2, keep_sims=True)
    local = kd_test(register, "A", **kw)
    remote = kd_test(register, "A", scheduler=client, **kw)
    assert local.table.sector.tolist() == ["B|A"]
    np.testing.assert_array_equal(local.sims["B|A"]["kd"], remote.sims["B|A"]["kd"])


def test_local_engine_threads_do_not_change_results(register):
    kw = dict(r_max=40, r_step=5, sims=300, seed=5, min_n=30, weighted=True, sectors=["A", "B", "C", "D"])
    one = screen_sectors(register, scheduler=LocalEngine(threads=1), **kw)
    pooled = screen_sectors(register, scheduler=LocalEngine(threads=3), **kw)
    pd.testing.assert_frame_equal(one.table, pooled.table)
    pd.testing.assert_frame_equal(one.curves, pooled.curves)


def test_local_engine_starts_no_batch_after_progress_raises(register, monkeypatch):
    from triplec.mapping import engines

    ran = []
    real = engines.run_batch

    def counting(plan, b, sites, parallel):
        ran.append((plan.sector, b))
        return real(plan, b, sites, parallel)

    def progress(done, total):
        if done:
            raise KeyboardInterrupt("cancelled")

    monkeypatch.setattr(engines, "run_batch", counting)
    with pytest.raises(KeyboardInterrupt):
        screen_sectors(register, r_max=40, r_step=5, sims=999, seed=5, sectors=["A", "B", "C", "D"],
                       scheduler=LocalEngine(threads=2), progress=progress)
    assert 1 <= len(ran) <= 2  # the batch reported and the one other in flight; 8 per sector were queued


def test_engine_selection_and_stream_keys():
    assert make_engine(None).name == "local"
    with pytest.raises(TypeError, match="scheduler"):
        make_engine(12)
    assert sector_key("0146Z") == sector_key("0146Z") != sector_key("0147Z")
    assert sector_key("A", "B") != sector_key("B", "A")


def test_dask_gridded_path_matches_local(register, cluster):
    _, client = cluster
    kw = dict(r_max=40, r_step=5, sims=24, seed=9, sectors=["C"], method="grid", keep_sims=True)
    local = screen_sectors(register, **kw)
    remote = screen_sectors(register, scheduler=client, **kw)
    assert local.table.method.iloc[0] == "grid"
    np.testing.assert_array_equal(local.sims["C"]["kd"], remote.sims["C"]["kd"])
    pd.testing.assert_frame_equal(local.table, remote.table)
