"""M of one sector (or of a neighbour sector around it) against simulations under dbmss's null hypotheses.

:func:`m_test` is to M what :func:`triplec.mapping.kd_test` is to Kd: the observed curve, ``sims``
simulated curves under the null chosen, the local and global bands and the localisation call, on the
engines of the screen (same seed, same curves, in this process or on Dask). The nulls are those of dbmss
``MEnvelope(SimulationType = ...)`` (Marcon, Traissac, Puech & Lang 2015; dbmss sources ``MEnvelope.R``,
``rRandomLocation.R``, ``rRandomLabelingM.R``, ``rPopulationIndependenceM.R``):

- ``"random_location"`` (``RandomLocation``, ``rRandomLocation``): spatstat ``rlabel`` on all points: the
  marks (sector and weight together) are permuted over all the sites. Univariate, it is the screen's null
  and its simulations (same seed key), so :func:`m_test` gives the screen's M columns.
- ``"random_labeling"`` (``RandomLabeling``, ``rRandomLabelingM``): the sectors are permuted over all the
  sites and the weights stay where they are (``rlabel``, then the weights restored). Without weights it is
  the same null as random location (drawn from its own stream).
- ``"population_independence"`` (``PopulationIndependence``, ``rPopulationIndependenceM``), intertype M
  only: the reference sector's establishments stay as they are; the marks (sector and weight) of all the
  others are permuted over the others' sites (``superimpose(ReferencePP, rlabel(OtherPointsPP))``). Unlike
  ``rPopulationIndependenceK`` for K, which shifts the neighbours' pattern, dbmss relabels them for M:
  this is what is done here. It asks whether the neighbours, as placed among the non-reference sites,
  are nearer the reference sector than chance.

Simulated curves come from :mod:`triplec.mapping._numba_m_nulls`, each exactly dbmss ``Mhat`` of the
permuted pattern (the global ratios of the permuted pattern, e.g. the sector's simulated total weight
under random labeling).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numba
import numpy as np
import pandas as pd

from triplec.mapping import _numba_m_index as nmi
from triplec.mapping import _numba_m_nulls as nn
from triplec.mapping import screen_m
from triplec.mapping._numba_kd import PARALLEL_LOCK
from triplec.mapping.engines import SimPlan, batch_size_for, run_plans, sector_key
from triplec.mapping.kd import SiteArrays, make_grid
from triplec.mapping.mstat import MSites, observed_m
from triplec.mapping.points import PointRegister
from triplec.mapping.screen import ScreenResult, _check_common

NULLS = ("random_location", "random_labeling", "population_independence")


def parse_null(null: str) -> str:
    """Our name of a null, from ours or dbmss's (``"RandomLabeling"``, ``"random-labeling"``...).

    >>> parse_null("RandomLabeling"), parse_null("population-independence")
    ('random_labeling', 'population_independence')
    """
    key = str(null).replace("_", "").replace("-", "").replace(" ", "").lower()
    for name in NULLS:
        if name.replace("_", "") == key:
            return name
    raise ValueError(f"unknown null {null!r}: choose random_location, random_labeling or population_independence")


@dataclass(frozen=True)
class NullPlan:
    """Marks of every establishment and who moves, for the simulations of one M under one null."""

    weights: np.ndarray  # float, 1 without weights
    is_ref: np.ndarray  # uint8: of the reference sector
    is_nb: np.ndarray  # uint8: of the neighbour sector (the reference sector itself when univariate)
    movable: np.ndarray  # int64: the establishments whose marks are permuted over their sites
    labels_only: bool  # random labeling: the weights stay at their sites
    intertype: bool
    null: str = field(default="random_location")

    @property
    def n_draws(self) -> int:
        return len(self.movable)

    def simulate(self, u: np.ndarray, msites: MSites, parallel: bool) -> np.ndarray:
        """M of ``len(u)`` simulations (one row of uniforms each), shape ``(B, nr)``."""
        s = msites.sites
        out = np.empty((u.shape[0], len(msites.r)))
        args = (u, s.x, s.y, s.z, s.sphere, msites.r2, msites.inv_step, self.weights, self.is_ref, self.is_nb,
                self.movable, self.labels_only, self.intertype, msites.kernel_lists)
        if parallel:
            with PARALLEL_LOCK:
                nn.simulate_null_par(*args, max(1, min(u.shape[0], numba.get_num_threads())), out)
        else:
            nn.simulate_null_ser(*args, out)
        return out


def make_null_plan(reg: PointRegister, sector: str, neighbor: str | None, null: str, weighted: bool) -> NullPlan:
    """The :class:`NullPlan` of M of ``neighbor`` (or ``sector`` itself) around ``sector`` under ``null``."""
    is_ref = np.zeros(reg.n, dtype=np.uint8)
    is_ref[reg.indices(sector)] = 1
    is_nb = is_ref.copy()
    if neighbor is not None:
        is_nb = np.zeros(reg.n, dtype=np.uint8)
        is_nb[reg.indices(neighbor)] = 1
    moving = np.flatnonzero(is_ref == 0) if null == "population_independence" else np.arange(reg.n)
    weights = np.ascontiguousarray(reg.weights, dtype=float) if weighted else np.ones(reg.n)
    return NullPlan(weights, is_ref, is_nb, moving.astype(np.int64), null == "random_labeling",
                    neighbor is not None, null)


def null_sites(sites: SiteArrays, r: np.ndarray) -> MSites:
    """Sites for the simulations of :class:`NullPlan`: every site's neighbours within ``r_max`` from a
    spatial index when they fit in memory (else the kernels measure every pair of each simulation)."""
    me = MSites(sites, np.ascontiguousarray(r, dtype=float))
    if len(r) > 1:
        with PARALLEL_LOCK:
            me.lists = nmi.neighbour_lists(sites.x, sites.y, sites.z, sites.sphere, me.r2, me.inv_step,
                                           weighted=True)
    return me


def m_test(reg: PointRegister, sector: str, *, neighbor: str | None = None, null: str = "random_location",
           r_max: float = 300.0, r_step: float = 5.0, sims: int = 999, alpha: float = 0.05, seed: int = 1,
           weighted: bool = False, scheduler=None, progress: Callable[[int, int], None] | None = None,
           keep_sims: bool = False) -> ScreenResult:
    """Test M of one sector (or, with ``neighbor``, intertype M of that sector around it) under a dbmss null.

    Parameters
    ----------
    reg : PointRegister
        The register (all its establishments are the sites and the neighbourhoods).
    sector : str
        The reference sector (dbmss ``ReferenceType``).
    neighbor : str, optional
        The neighbour sector (dbmss ``NeighborType``): intertype M; the row label is ``"neighbor|sector"``.
    null : str
        ``"random_location"``, ``"random_labeling"`` or, with ``neighbor``, ``"population_independence"``
        (dbmss ``SimulationType``; dbmss's spellings are accepted), see the module docstring.
    r_max, r_step, sims, alpha, seed, weighted, scheduler, progress
        As :func:`triplec.mapping.screen_sectors`.
    keep_sims : bool
        Keep the simulated curves in ``sims`` (``{label: {"m": (sims, n_r)}}``).

    Returns
    -------
    ScreenResult
        ``table``: one row, ``sector, n, employment`` and ``m_localised, m_p_value, m_q_value,
        m_peak_distance, m_localised_dbmss``; ``curves``: ``sector, r, m, m_lo, m_hi, m_sim_mean`` and the
        global bands; ``params`` with ``null``.

    Raises
    ------
    ValueError
        An unknown null, population independence without a neighbour sector, or bad parameters.

    References
    ----------
    Marcon, E., Traissac, S., Puech, F. & Lang, G. (2015). Tools to characterize point patterns: dbmss for
    R. Journal of Statistical Software 67(3) (``MEnvelope``, ``rRandomLabelingM``, ``rPopulationIndependenceM``).
    Marcon, E. & Puech, F. (2010). Journal of Economic Geography 10(5), 745-762.

    Examples
    --------
    Twenty A in a town with twenty B around them, among 120 establishments spread over 60 km:

    >>> rng = np.random.default_rng(2)
    >>> xy = np.vstack([rng.normal(30, 1.0, (40, 2)), rng.uniform(0, 60, (120, 2))])
    >>> reg = PointRegister.from_arrays(xy[:, 0], xy[:, 1], ["A"] * 20 + ["B"] * 20 + ["Z"] * 120)
    >>> res = m_test(reg, "A", neighbor="B", null="population_independence", r_max=10, r_step=2, sims=39)
    >>> res.table[["sector", "n", "m_localised"]]
      sector   n  m_localised
    0    B|A  20         True
    >>> m_test(reg, "B", null="RandomLabeling", r_max=10, r_step=2, sims=39).table["m_localised"].tolist()
    [True]
    """
    null = parse_null(null)
    intertype = neighbor is not None and str(neighbor) != str(sector)
    if null == "population_independence" and not intertype:
        raise ValueError("population independence is a null of intertype M: give a neighbour sector")
    _check_common(reg, r_max, r_step, sims, alpha, weighted)
    reg.indices(sector)
    if intertype:
        reg.indices(neighbor)
    if len(reg.indices(sector)) < (1 if intertype else 2):
        raise ValueError(f"sector {sector!r} has too few establishments for an M curve")
    sector, neighbor = str(sector), (str(neighbor) if intertype else None)
    label = f"{neighbor}|{sector}" if intertype else sector
    sites = SiteArrays.from_register(reg)
    r = make_grid(r_max, r_step).r
    params = dict(r_max=r_max, r_step=r_step, sims=int(sims), alpha=alpha, seed=seed, weighted=weighted,
                  null=null.replace("_", " "), n_establishments=reg.n, statistics="m")
    if null == "random_location" and not intertype:  # the screen's null: its plan and stream
        msites, observed, plans = screen_m.prepare(reg, sites, [sector], r_max, r_step, sims, seed, weighted)
    else:
        observed = {sector: observed_m(reg, sites, sector, r, weighted, neighbor=neighbor)}
        plan = make_null_plan(reg, sector, neighbor, null, weighted)
        key = sector_key(f"\x01M\x00{null}", f"{sector}\x00{neighbor or ''}")
        plans = [SimPlan(sector=sector, other=None, n_a=len(reg.indices(sector)), n_b=0, w_a=None, w_b=None,
                         grid=make_grid(r_max, r_step), total=1.0, total_w=1.0, sims=int(sims), seed=int(seed),
                         key=key, batch=batch_size_for(reg.n), statistic="m_null", mplan=plan, n_sites=reg.n)]
        msites = null_sites(sites, r) if sims else None
    batches = {}
    if sims:
        batches, params["engine"] = run_plans(scheduler, plans, msites, progress)
    results = batches.get((sector, None), [])
    table = pd.DataFrame({"sector": [label], "n": [len(reg.indices(sector))],
                          "employment": [reg.employment(sector) if reg.weighted else np.nan]})
    curves = pd.DataFrame({"sector": np.full(len(r), label, dtype=object), "r": r})
    table, curves = screen_m.add_m(table, curves, {label: observed[sector]}, {(label, None): results}, alpha, r)
    kept = {label: {"m": np.vstack([b.kd for b in results])}} if keep_sims and results else None
    return ScreenResult(table=table, curves=curves, params=params, sims=kept)
