"""Marcon & Puech's M, the relative and cumulative companion of Kd, exactly as dbmss ``Mhat``.

Definition (dbmss ``Mhat``, ``CaseControl = FALSE``)
----------------------------------------------------
For each establishment ``i`` of the sector (the reference points) and each distance ``r``, let
``S_i(r)`` be the weight of the sector's *other* establishments within ``r`` of ``i`` (``d_ij <= r``,
``j != i``) and ``A_i(r)`` the weight of *all* other establishments within ``r``. The weight of an
establishment is 1, or its employees with point weights (dbmss ``PointWeight``). With the global
ratio ``g_i = (W_S - w_i) / (W - w_i)`` (``W_S``: the sector's total weight, ``W``: everybody's),

    ``M(r) = sum_i S_i(r) / A_i(r)  /  sum_i g_i``,

both sums over the reference points with at least one neighbour within ``r`` (``A_i(r) > 0``); with none
at all, ``M(r)`` is undefined (NaN, R's ``NA``): typically at ``r = 0`` when no two establishments share
a position. ``M = 1`` when the sector is spread like all establishments; ``M > 1`` means more of the
sector around its own establishments than in the whole register.

Intertype M (dbmss ``NeighborType`` other than ``ReferenceType``): ``S_i(r)`` is the weight of the
neighbour sector's establishments within ``r`` of the reference establishment ``i`` and the global ratio is
``g_i = W_N / (W - w_i)`` (``W_N``: the neighbour sector's total weight); ``M > 1`` means more of the
neighbour sector around the reference sector than in the whole register (e.g. slaughterhouses among pig
farms).

Null hypothesis (dbmss ``MEnvelope``, ``SimulationType = "RandomLocation"``): ``rRandomLocation`` =
spatstat ``rlabel``: the marks of all establishments (sector and weight) permuted over the sites. The other
nulls of ``MEnvelope`` (random labeling, population independence) are in :mod:`triplec.mapping.mtest`.

References: Marcon, E. & Puech, F. (2010), Measures of the geographic concentration of industries:
improving distance-based methods, Journal of Economic Geography 10(5), 745-762. Marcon, Traissac, Puech &
Lang (2015), Tools to characterize point patterns: dbmss for R, Journal of Statistical Software 67(3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba
import numpy as np
import pandas as pd

from triplec.mapping import _numba_m as nm
from triplec.mapping import _numba_m_index as nmi
from triplec.mapping._numba_kd import PARALLEL_LOCK
from triplec.mapping.kd import SiteArrays, validate_r
from triplec.mapping.points import PointRegister


@dataclass
class MSites:
    """What every M simulation of one screen shares: the sites, the distances and either the
    all-sites neighbour table (unweighted) or every establishment's weight (weighted); with few pairs of
    sites within ``r_max``, every site's neighbours from a spatial index (``lists``)."""

    sites: SiteArrays
    r: np.ndarray
    weights: np.ndarray | None = None
    table: np.ndarray | None = field(default=None, repr=False)
    lists: tuple | None = field(default=None, repr=False)

    @property
    def r2(self) -> np.ndarray:
        return self.r * self.r

    @property
    def inv_step(self) -> float:
        return 1.0 / float(self.r[1] - self.r[0]) if len(self.r) > 1 else 1.0

    @property
    def weighted(self) -> bool:
        return self.weights is not None

    @property
    def kernel_lists(self) -> tuple:
        """The lists as the kernels take them (three one-element arrays: none)."""
        return self.lists or NO_LISTS

    @classmethod
    def build(cls, reg: PointRegister, r: np.ndarray, weighted: bool, sites: SiteArrays | None = None,
              index: bool | None = None) -> MSites:
        """The shared data of a screen; the unweighted neighbour table costs ``N^2`` distances, once, or
        the pairs within ``r_max`` from a spatial index. ``index``: None chooses
        (:func:`triplec.mapping._numba_m_index.index_pays`), True or False forces it (same results)."""
        sites = sites or SiteArrays.from_register(reg)
        r = np.ascontiguousarray(r, dtype=float)
        me = cls(sites, r)
        if index is not False and len(r) > 1:
            args = (sites.x, sites.y, sites.z, sites.sphere, me.r2, me.inv_step)
            with PARALLEL_LOCK:
                me.lists = nmi.neighbour_lists(*args, force=bool(index), weighted=weighted)
        if weighted:
            reg.require_weights()
            me.weights = np.ascontiguousarray(reg.weights, dtype=float)
            return me
        with PARALLEL_LOCK:
            if me.lists is not None:
                me.table = nmi.table_from_lists(me.lists[0], me.lists[2], len(r))
            else:
                me.table = nm.site_neighbour_table(sites.x, sites.y, sites.z, sites.sphere, me.r2, me.inv_step)
        me.lists = None  # unweighted simulations only read the table
        return me


NO_LISTS = (np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.int32))


@dataclass(frozen=True)
class MPlan:
    """The sector's part of an M simulation plan: who is of the sector and the weight totals."""

    is_sector: np.ndarray  # uint8 per establishment
    w_sector: float
    w_all: float

    @property
    def g_unweighted(self) -> float:
        return (self.w_sector - 1.0) / (self.w_all - 1.0)


def make_mplan(reg: PointRegister, sector: str, weighted: bool) -> MPlan:
    is_sector = np.zeros(reg.n, dtype=np.uint8)
    idx = reg.indices(sector)
    is_sector[idx] = 1
    if weighted:
        return MPlan(is_sector, float(reg.weights[idx].sum()), float(reg.weights.sum()))
    return MPlan(is_sector, float(len(idx)), float(reg.n))


def observed_m(reg: PointRegister, sites: SiteArrays, sector: str, r: np.ndarray, weighted: bool,
               neighbor: str | None = None) -> np.ndarray:
    """The observed M of a sector (or the intertype M of ``neighbor`` around it) at the distances r
    (``n N`` distances)."""
    r = np.ascontiguousarray(r, dtype=float)
    idx = np.ascontiguousarray(reg.indices(sector), dtype=np.int64)
    w = np.ascontiguousarray(reg.weights, dtype=float) if weighted else np.ones(reg.n)
    if neighbor is None or str(neighbor) == str(sector):
        plan = make_mplan(reg, sector, weighted)
        g = (plan.w_sector - w[idx]) / (plan.w_all - w[idx])
    else:
        plan = make_mplan(reg, neighbor, weighted)
        g = plan.w_sector / (plan.w_all - w[idx])
    n, nr = len(idx), len(r)
    out = np.empty(nr)
    inv_step = 1.0 / float(r[1] - r[0]) if nr > 1 else 1.0
    nm.m_weighted(sites.x, sites.y, sites.z, sites.sphere, r * r, inv_step, idx, w, plan.is_sector,
                  np.ascontiguousarray(g), np.zeros((n, nr)), np.zeros((n, nr)), out)
    return out


def simulate_m(u: np.ndarray, msites: MSites, n: int, plan: MPlan, parallel: bool) -> np.ndarray:
    """M of ``len(u)`` random-location simulations (one row of uniforms each), shape ``(B, nr)``."""
    s = msites.sites
    out = np.empty((u.shape[0], len(msites.r)))
    weighted = msites.weighted
    table = msites.table if not weighted else np.zeros((1, 1))
    weights = msites.weights if weighted else np.zeros(1)
    args = (u, s.x, s.y, s.z, s.sphere, msites.r2, msites.inv_step, n, table, plan.g_unweighted, weights,
            plan.is_sector, plan.w_sector, plan.w_all, weighted, msites.kernel_lists)
    if parallel:
        with PARALLEL_LOCK:
            nm.simulate_m_par(*args, max(1, min(u.shape[0], numba.get_num_threads())), out)
    else:
        nm.simulate_m_ser(*args, out)
    return out


@dataclass
class MCurve:
    """An M curve: ``m`` (no unit; 1 under independence) at the distances ``r`` (km); NaN where no
    reference point has a neighbour."""

    r: np.ndarray
    m: np.ndarray
    n: int
    sector: str
    weighted: bool = False
    neighbor: str | None = None  # intertype M: the neighbour sector around ``sector``

    def to_frame(self) -> pd.DataFrame:
        """The curve as a table: ``r, m``, one row a distance.

        >>> MCurve(r=np.array([0.0, 5.0]), m=np.array([np.nan, 2.5]), n=40, sector="A").to_frame()
             r    m
        0  0.0  NaN
        1  5.0  2.5
        """
        return pd.DataFrame({"r": self.r, "m": self.m})


def m_curve(reg: PointRegister, sector: str, *, neighbor: str | None = None, r_max: float = 300.0,
            r_step: float = 5.0, weighted: bool = False) -> MCurve:
    """M of one sector at ``0, r_step, ..., r_max`` km, as dbmss ``Mhat`` (``PointWeight`` when ``weighted``);
    with ``neighbor``, the intertype M of that sector around ``sector``.

    Parameters
    ----------
    reg : PointRegister
        The register (all its establishments are the sites and the neighbours).
    sector : str
        Sector code (the reference type; also the neighbour type unless ``neighbor`` is given).
    neighbor : str, optional
        A second sector: the intertype M (dbmss ``NeighborType``) of its establishments around ``sector``'s.
    r_max, r_step : float
        Distances in km.
    weighted : bool
        Weigh every establishment by its employees (dbmss ``PointWeight``).

    Returns
    -------
    MCurve

    References
    ----------
    Marcon, E. & Puech, F. (2010). Measures of the geographic concentration of industries: improving
    distance-based methods. Journal of Economic Geography 10(5), 745-762.

    Examples
    --------
    Four establishments of A in one town among twelve spread over 30 km:

    >>> from triplec.mapping import PointRegister
    >>> x = [0, 0.5, 0, 0.5, 10, 20, 30, 10, 20, 30, 10, 20]
    >>> y = [0, 0, 0.5, 0.5, 0, 0, 0, 10, 10, 10, 20, 20]
    >>> reg = PointRegister.from_arrays(x, y, ["A"] * 4 + ["B"] * 8)
    >>> curve = m_curve(reg, "A", r_max=2, r_step=1)
    >>> curve.m.round(3).tolist()  # at r = 0 nobody has a neighbour
    [nan, 3.667, 3.667]

    B around A (intertype): no B within 5 km of an A; within 10 km, three of the four A have one B among
    their four neighbours, against a share of B of 8/11 in the register:

    >>> m_curve(reg, "A", neighbor="B", r_max=10, r_step=5).m.round(3).tolist()
    [nan, 0.0, 0.258]
    """
    nr = validate_r(r_max, r_step)
    if weighted:
        reg.require_weights()
    idx = reg.indices(sector)
    intertype = neighbor is not None and str(neighbor) != str(sector)
    if len(idx) < (1 if intertype else 2):
        raise ValueError(f"sector {sector!r} has too few establishments for an M curve")
    r = np.arange(nr) * float(r_step)
    m = observed_m(reg, SiteArrays.from_register(reg), sector, r, weighted, neighbor=neighbor if intertype else None)
    return MCurve(r=r, m=m, n=len(idx), sector=str(sector), weighted=weighted,
                  neighbor=str(neighbor) if intertype else None)
