"""Where the counterfactual simulations run: in this process (numba threads) or on a Dask cluster.

The work of a screen is cut into *tasks*, one per (sector, batch of simulations). A task's random
numbers come from its own stream, ``SeedSequence(seed, spawn_key=(sector_key, batch))``, keyed by the
sector code and the batch index (never by worker or thread), and each simulation is computed by one
thread from start to end, so the curves are bit-identical whatever the engine, the number of workers or
threads, and the order in which tasks finish.

- :class:`LocalEngine`: in this process; gridded tasks one after another, each spread over the cores,
  then the pairs-path tasks on a pool of threads, one task per thread.
- :class:`DaskEngine`: tasks submitted to a ``distributed`` cluster (``scheduler="tcp://host:8786"`` or a
  ``distributed.Client``); the register's coordinates are scattered once to the workers; each task runs
  the serial kernels (Dask already runs one task per worker thread).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numba
import numpy as np

from triplec.mapping import _numba_kd as nk
from triplec.mapping.kd import KdGrid, SiteArrays
from triplec.mapping.mstat import simulate_m

Progress = Callable[[int, int], None] | None


def sector_key(sector: str, other: str | None = None) -> int:
    """Stable 64-bit key of a sector (or sector pair) for seeding: same code, same stream."""
    text = f"{sector}\x00{'' if other is None else other}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def batch_size_for(n_points: int) -> int:
    """Simulations per task: 128 for small sectors, fewer for large ones (bounded memory per task).

    A function of the sector size only, so the cut into batches (hence the random streams) never
    depends on the engine.
    """
    b = 128
    while b > 8 and b * n_points > (1 << 21):
        b //= 2
    return b


@dataclass(frozen=True)
class SimPlan:
    """Everything a worker needs to simulate one sector (or sector pair) under random location."""

    sector: str
    other: str | None
    n_a: int
    n_b: int
    w_a: np.ndarray | None  # the sector's employees (they travel with the establishments)
    w_b: np.ndarray | None
    grid: KdGrid
    total: float
    total_w: float
    sims: int
    seed: int
    key: int
    batch: int
    method: str = "pairs"
    gridplan: object | None = None  # kd.grid.GridPlan when method == "grid"
    statistic: str = "kd"  # or "m": Marcon & Puech's M (mstat), with mplan and the number of sites; "m_null":
    # M under another dbmss null, mplan a triplec.mapping.mtest.NullPlan
    mplan: object | None = None
    n_sites: int = 0

    @property
    def weighted(self) -> bool:
        return self.w_a is not None

    @property
    def bivariate(self) -> bool:
        return self.other is not None

    @property
    def n_batches(self) -> int:
        return -(-self.sims // self.batch)

    def batch_sims(self, b: int) -> int:
        return min(self.batch, self.sims - b * self.batch)


@dataclass
class BatchResult:
    sector: str
    other: str | None
    batch: int
    kd: np.ndarray  # (B, nr)
    kemp: np.ndarray | None
    h: np.ndarray  # (B,)


def batch_uniforms(plan: SimPlan, b: int) -> np.ndarray:
    """The uniforms driving batch b of a plan (Floyd sampling, then a shuffle when labels matter)."""
    ss = np.random.SeedSequence(plan.seed, spawn_key=(plan.key, b))
    rng = np.random.Generator(np.random.PCG64(ss))
    ntot = plan.n_a + plan.n_b
    ncol = ntot * (2 if (plan.weighted or plan.bivariate) else 1)
    if plan.statistic == "m":  # weighted M permutes the weights of all sites; unweighted M draws n sites
        ncol = plan.n_sites if plan.weighted else plan.n_a
    elif plan.statistic == "m_null":  # M under another dbmss null (triplec.mapping.mtest): one shuffle
        ncol = plan.mplan.n_draws
    return rng.random((plan.batch_sims(b), ncol))


def run_batch(plan: SimPlan, b: int, sites: SiteArrays, parallel: bool) -> BatchResult:
    """Simulate batch b of a plan: random location of the sector's establishments among all sites.

    For an M plan ``sites`` is the screen's :class:`triplec.mapping.mstat.MSites` and ``kd`` holds M."""
    u = batch_uniforms(plan, b)
    nsim = u.shape[0]
    if plan.statistic in ("m", "m_null"):
        m = (plan.mplan.simulate(u, sites, parallel) if plan.statistic == "m_null"
             else simulate_m(u, sites, plan.n_a, plan.mplan, parallel))
        return BatchResult(plan.sector, plan.other, b, m, None, np.full(nsim, np.nan))
    g = plan.grid
    if plan.method == "grid":
        from triplec.mapping.kd.grid import run_grid_samples

        kd, kemp, h = run_grid_samples(u, plan.n_a, plan.w_a, sites, g, plan.gridplan, plan.total,
                                       plan.total_w, parallel)
        return BatchResult(plan.sector, plan.other, b, kd, kemp, h)
    kd = np.empty((nsim, g.nr))
    kemp = np.empty((nsim, g.nr if plan.weighted else 1))
    h = np.empty(nsim)
    empty = np.zeros(0)
    wa = plan.w_a if plan.weighted else empty
    wb = plan.w_b if (plan.weighted and plan.bivariate) else empty
    args = (u, sites.x, sites.y, sites.z, plan.n_a, wa, plan.n_b, wb, plan.bivariate, sites.sphere,
            plan.weighted, g.dcap, g.delta, g.m, g.nr, g.kmax, plan.total, plan.total_w, g.nbins)
    if parallel:
        nchunks = min(nsim, numba.get_num_threads())
        with nk.PARALLEL_LOCK:
            nk.simulate_batch_par(*args, nchunks, kd, kemp, h)
    else:
        nk.simulate_batch_ser(*args, kd, kemp, h)
    return BatchResult(plan.sector, plan.other, b, kd, kemp if plan.weighted else None, h)


def _run_batch_remote(plan: SimPlan, b: int, sites: SiteArrays) -> BatchResult:
    return run_batch(plan, b, sites, parallel=False)


class LocalEngine:
    """Run every task in this process, on all cores.

    Gridded plans (large sectors) run one batch at a time, each spreading its work over the cores (numba
    ``prange`` and threaded FFTs). Pairs-path batches run whole on a pool of threads, one batch per thread
    (the serial kernel releases the GIL): for the many small sectors of a register this keeps every core
    busy, where splitting each small batch across the cores would leave them waiting on one another.
    Same results either way, bit for bit (each simulation is computed by one thread from start to end).
    """

    name = "local"

    def __init__(self, threads: int | None = None):
        self.threads = max(1, int(threads or numba.get_num_threads()))

    def run(self, plans: Sequence[SimPlan], sites: SiteArrays, progress: Progress = None):
        """Simulate every batch of every plan here, calling ``progress(done, total)`` with counts of
        simulated curves (an exception it raises, a cancel, stops the run before the next batch).

        Parameters
        ----------
        plans : sequence of SimPlan
            One plan a sector (or sector pair): its counts, distance grid, simulations, seed and batch size.
        sites : SiteArrays
            Every establishment's position: the simulations place each sector among all of them.
        progress : callable, optional
            ``progress(done, total)``.

        Returns
        -------
        dict
            ``(sector, other)`` -> the plan's :class:`BatchResult` list, in batch order.

        Examples
        --------
        >>> import numpy as np
        >>> from triplec.mapping import PointRegister
        >>> from triplec.mapping.kd import SiteArrays, fit_grid, pair_total
        >>> reg = PointRegister.from_arrays(*np.random.default_rng(0).uniform(0, 50, (2, 30)), ["A"] * 30)
        >>> sites, idx = SiteArrays.from_register(reg), reg.indices("A")
        >>> total, total_w = pair_total(len(idx), None)
        >>> plan = SimPlan(sector="A", other=None, n_a=30, n_b=0, w_a=None, w_b=None, total=total, total_w=total_w,
        ...                grid=fit_grid(sites, idx, None, 20.0, 5.0), sims=8, seed=1, key=sector_key("A"), batch=5)
        >>> seen = []
        >>> out = LocalEngine(threads=2).run([plan], sites, progress=lambda done, total: seen.append(done))
        >>> [batch.kd.shape[0] for batch in out[("A", None)]], seen[0], seen[-1]
        ([5, 3], 0, 8)
        >>> same = LocalEngine(threads=1).run([plan], sites)  # same seed, same curves, whatever the threads
        >>> bool(np.array_equal(out[("A", None)][1].kd, same[("A", None)][1].kd))
        True
        """
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
        from itertools import islice

        total = sum(p.sims for p in plans)
        done = 0
        out: dict[tuple, list[BatchResult]] = {(p.sector, p.other): [] for p in plans}
        if progress:
            progress(0, total)

        def collect(res: BatchResult):
            nonlocal done
            out[(res.sector, res.other)].append(res)
            done += res.kd.shape[0]
            if progress:
                progress(done, total)

        for plan in plans:
            if plan.method == "grid" or self.threads == 1:
                for b in range(plan.n_batches):
                    collect(run_batch(plan, b, sites, parallel=True))
        pooled = [(plan, b) for plan in plans if plan.method != "grid" and self.threads > 1
                  for b in range(plan.n_batches)]
        if pooled:
            # At most one batch per thread is in flight, and the next starts only once a result has been
            # collected: when progress raises (a cancel), no batch starts after it, however busy the machine.
            pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="kd")
            waiting = iter(pooled)
            running = set()
            try:
                for plan, b in islice(waiting, self.threads):
                    running.add(pool.submit(run_batch, plan, b, sites, False))
                while running:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        collect(fut.result())
                        for plan, b in islice(waiting, 1):
                            running.add(pool.submit(run_batch, plan, b, sites, False))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
        for key in out:
            out[key].sort(key=lambda r: r.batch)
        return out


class DaskEngine:
    """Run tasks on a Dask ``distributed`` cluster: sectors x simulation batches as tasks."""

    name = "dask"

    def __init__(self, scheduler):
        from distributed import Client

        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        elif isinstance(scheduler, str):
            self.client, self._own = Client(scheduler), True
        else:
            raise TypeError(f"scheduler must be an address 'tcp://host:port' or a distributed.Client, "
                            f"got {type(scheduler).__name__}")

    def close(self):
        """Close the client this engine opened (a client given to it stays open for its owner).

        Examples
        --------
        >>> from distributed import Client
        >>> client = Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None)
        >>> DaskEngine(client).close()
        >>> client.status
        'running'
        >>> client.close()
        """
        if self._own:
            self.client.close()

    def run(self, plans: Sequence[SimPlan], sites: SiteArrays, progress: Progress = None):
        """Submit every batch of every plan to the cluster as a task (the sites are sent once to every
        worker) and collect them as they finish, calling ``progress(done, total)``.

        Parameters
        ----------
        plans : sequence of SimPlan
            One plan a sector (or sector pair).
        sites : SiteArrays
            Every establishment's position.
        progress : callable, optional
            ``progress(done, total)`` with counts of simulated curves.

        Returns
        -------
        dict
            ``(sector, other)`` -> the plan's :class:`BatchResult` list, in batch order: the same curves,
            bit for bit, as :meth:`LocalEngine.run`.

        Examples
        --------
        ``screen_sectors`` calls it with a ``DaskEngine`` (or a scheduler's address) as ``scheduler``:

        >>> import numpy as np
        >>> from distributed import Client
        >>> from triplec.mapping import PointRegister, screen_sectors
        >>> reg = PointRegister.from_arrays(*np.random.default_rng(0).uniform(0, 50, (2, 30)), ["A"] * 30)
        >>> client = Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None)
        >>> there = screen_sectors(reg, r_max=20, r_step=5, sims=39, scheduler=DaskEngine(client))
        >>> here = screen_sectors(reg, r_max=20, r_step=5, sims=39)
        >>> there.params["engine"], here.params["engine"], bool(there.curves.equals(here.curves))
        ('dask', 'local', True)
        >>> client.close()
        """
        from distributed import as_completed

        client = self.client
        total = sum(p.sims for p in plans)
        done = 0
        if progress:
            progress(0, total)
        [sites_f] = client.scatter([sites], broadcast=True)
        futures = []
        for plan in plans:
            [plan_f] = client.scatter([plan])
            for b in range(plan.n_batches):
                futures.append(client.submit(_run_batch_remote, plan_f, b, sites_f, pure=False,
                                             key=f"{plan.statistic}-{plan.key:x}-{plan.seed}-{b}-{id(plan):x}"))
        out: dict[tuple, list[BatchResult]] = {(p.sector, p.other): [] for p in plans}
        for fut in as_completed(futures):
            res = fut.result()
            out[(res.sector, res.other)].append(res)
            done += res.kd.shape[0]
            if progress:
                progress(done, total)
        for key in out:
            out[key].sort(key=lambda r: r.batch)
        return out


def make_engine(scheduler):
    """``None`` -> :class:`LocalEngine`; an address or a ``distributed.Client`` -> :class:`DaskEngine`;
    an engine is used as it is.

    Parameters
    ----------
    scheduler : None, "local", str, distributed.Client, LocalEngine or DaskEngine
        Where the simulations run: this process (None or ``"local"``), a Dask scheduler's address
        (``"tcp://host:8786"``) or client, or an engine made before (reused, e.g. across sectors).

    Returns
    -------
    LocalEngine or DaskEngine
        An object with ``run(plans, sites, progress)`` and a ``name``.

    Examples
    --------
    >>> engine = make_engine(None)
    >>> engine.name, make_engine("local").name, make_engine(engine) is engine
    ('local', 'local', True)
    >>> make_engine(LocalEngine(threads=2)).threads
    2
    """
    if isinstance(scheduler, LocalEngine | DaskEngine):
        return scheduler
    if scheduler is None or scheduler == "local":
        return LocalEngine()
    return DaskEngine(scheduler)


def run_plans(scheduler, plans, sites, progress=None) -> tuple[dict, str]:
    """Run simulation plans on the engine ``scheduler`` names (see :func:`make_engine`), closing it after
    (an engine passed in is closed too, as the screens always did); returns (batches, engine name).

    Examples
    --------
    >>> run_plans(None, [], None)
    ({}, 'local')
    """
    engine = make_engine(scheduler)
    try:
        return engine.run(plans, sites, progress), engine.name
    finally:
        if hasattr(engine, "close"):
            engine.close()
