"""The K-density (Kd) of Duranton & Overman (2005) and its employment-weighted variant Kemp.

Definition (as computed by the R package dbmss, ``Kdhat`` in exact mode, ``Original = TRUE``)
-----------------------------------------------------------------------------------------------
For a sector with ``n`` establishments, take the distances ``d_ij`` of all pairs ``i < j`` (bivariate Kd
of sector B around sector A: all pairs with ``i`` in A and ``j`` in B) and the pair weights ``w_ij = 1``
(Kd) or ``w_ij = e_i e_j``, the product of employees (Kemp). Then

- the bandwidth is R's ``bw.nrd0`` (Silverman's rule of thumb) over the *unweighted* distances not larger
  than ``2 r_max``: ``h = 0.9 min(sd, IQR/1.34) N^(-1/5)`` (IQR by R's quantile type 7);
- distances ``d <= 4h`` are reflected around 0 (Silverman 1986, s. 3.10; dbmss follows
  ``GoFKernel::density.reflected``) and the Gaussian kernel density of the extended sample is
  renormalised by its mass above 0:

  ``Kd(r) = sum_ij w_ij [phi_h(r - d_ij) + 1(d_ij <= 4h) phi_h(r + d_ij)]
            / sum_ij w_ij [Phi(d_ij / h) + 1(d_ij <= 4h) Phi(-d_ij / h)]``.

  For a reflected pair the two Phi terms add up to 1 and for the others ``Phi(d/h) > 1 - 3.2e-5``, so the
  denominator is the total pair weight ``W`` (``n(n-1)/2``, ``nA nB``, ``((sum e)^2 - sum e^2)/2`` or
  ``sum e_A sum e_B``) up to 3.2e-5 relative, and it needs no pair beyond the range of the curve.

dbmss evaluates this with R's ``density()`` (a 512-point FFT grid, linear interpolation at ``r``); this
module evaluates the kernel sum directly from a fine linear binning of the pair distances (see
``_numba_kd.py``), whose error bound ``(delta_eff / h)^2 / 8`` of the kernel peak is recorded with each
result. Pairs further apart than ``dcap = clip(r_max + 10.5 h, 2 r_max, 3 r_max)`` are not binned (their
distances are computed, or, on the gridded path of large sectors, not even that): the bandwidth needs the
pairs up to ``2 r_max`` and the kernel weight of a farther pair at any ``r <= r_max`` is below
``phi((dcap - r_max) / h)``, which the recorded error bound includes.

References: Duranton, G. & Overman, H. G. (2005), Testing for localization using micro-geographic data,
Review of Economic Studies 72(4), 1077-1106. Marcon, E. & Puech, F. (2017), A typology of
distance-based measures of spatial concentration, Regional Science and Urban Economics 62, 56-67.
Marcon, Traissac, Puech & Lang (2015), Tools to characterize point patterns: dbmss for R, Journal of
Statistical Software 67(3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triplec.mapping import _numba_kd as nk
from triplec.mapping.points import PointRegister

DCAP_FACTOR = 2.5
PARALLEL_OBSERVED_MIN = 4000  # observed curves of larger sectors use all cores


@dataclass(frozen=True)
class KdGrid:
    """Distances at which Kd is evaluated and the fine binning grid of pair distances.

    ``r_i = i * r_step`` for ``i = 0..nr-1``; binning nodes ``x_j = j * delta`` with ``delta = r_step / m``
    (``m`` a power of two, so every ``r_i`` is a node and coarsening by powers of two keeps it so).
    """

    r_max: float
    r_step: float
    nr: int
    m: int
    delta: float
    dcap: float
    nbins: int

    @property
    def kmax(self) -> int:
        """Bins 0..kmax-1 cover [0, 2 r_max): the pairs of the bandwidth."""
        return int(round(2.0 * self.r_max / self.delta))

    @property
    def r(self) -> np.ndarray:
        return np.arange(self.nr) * self.r_step

    @property
    def two_rmax(self) -> float:
        return 2.0 * self.r_max

    def error_bound(self, h: np.ndarray | float) -> np.ndarray:
        """Bound on the numerical error of a curve, as a fraction of the kernel peak ``phi(0)/h``.

        Linear binning at spacing ``de`` changes a kernel sum by at most ``de^2 max|phi''_h| / 8`` per unit
        of pair weight, i.e. ``(de/h)^2 / 8`` of the kernel peak. ``de`` is the spacing used by ``smooth``
        (the fine spacing coarsened by powers of two while ``de <= h/16``).
        """
        h = np.asarray(h, dtype=float)
        k = np.ones_like(h)
        ok = np.isfinite(h)
        while True:
            nxt = (self.m % (2 * k) == 0) & (2 * k * self.delta <= h / nk.NODES_PER_BANDWIDTH) & ok
            if not nxt.any():
                break
            k = np.where(nxt, 2 * k, k)
        hh = np.where(ok, h, 1.0)
        binning = (k * self.delta / hh) ** 2 / 8.0
        # pairs beyond dcap are not binned: their kernel weight at r <= r_max is below phi((dcap-r_max)/h)
        truncation = np.exp(-0.5 * ((self.dcap - self.r_max) / hh) ** 2)
        return np.where(ok, np.maximum(binning, truncation), np.nan)


def validate_r(r_max: float, r_step: float) -> int:
    if not (np.isfinite(r_max) and np.isfinite(r_step)) or r_max <= 0 or r_step <= 0:
        raise ValueError(f"r_max and r_step must be positive numbers (km), got {r_max!r}, {r_step!r}")
    nr_float = r_max / r_step
    nr = int(round(nr_float))
    if abs(nr_float - nr) > 1e-9 * max(1.0, nr_float):
        raise ValueError(f"r_max ({r_max}) must be a whole multiple of r_step ({r_step})")
    if nr > 100_000:
        raise ValueError(f"too many distances: r_max / r_step = {nr}")
    return nr + 1


def make_grid(r_max: float, r_step: float, *, h_hint: float | None = None, lo_hint: float | None = None,
              dcap: float | None = None) -> KdGrid:
    """Choose the binning grid for a pattern with bandwidth ``h_hint`` and spread ``lo_hint``.

    ``delta = r_step / 2^p <= min(h/32, lo/100, 2 r_max/512)``: the smoothing error bound
    ``(delta/h)^2/8`` stays below 1.2e-4 (5e-4 for simulations whose bandwidth is half the observed one),
    and the quartiles, placed from exact bin counts and offset sums, are within ``delta`` of R's.
    The cap is ``dcap = clip(r_max + 10.5 h, 2 r_max, 3 r_max)``: the bandwidth needs pairs up to
    ``2 r_max``, the kernel sum at ``r <= r_max`` pairs up to ``r_max + 7h``.
    """
    nr = validate_r(r_max, r_step)
    target = 2.0 * r_max / 512.0
    h_ok = h_hint is not None and np.isfinite(h_hint) and h_hint > 0
    if h_ok:
        target = min(target, h_hint / 32.0)
    if lo_hint is not None and np.isfinite(lo_hint) and lo_hint > 0:
        target = min(target, lo_hint / 100.0)
    target = max(target, r_max * 1e-6)  # keep the histogram a sane size
    m = 1
    while r_step / m > target:
        m *= 2
    delta = r_step / m
    if dcap is None:
        dcap = float(np.clip(r_max + 10.5 * h_hint, 2.0 * r_max, 3.0 * r_max)) if h_ok else 2.5 * r_max
    nbins = int(math.ceil(dcap / delta)) + 3  # two spare bins and a dump bin for pairs beyond dcap
    return KdGrid(float(r_max), float(r_step), nr, m, delta, float(dcap), nbins)


def pair_total(n_a: int, w_a: np.ndarray | None, n_b: int | None = None, w_b: np.ndarray | None = None):
    """Total pair weight W: n(n-1)/2 or nA nB (unweighted); ((sum e)^2 - sum e^2)/2 or sum eA sum eB."""
    if n_b is None:
        total = n_a * (n_a - 1) / 2.0
        total_w = float((w_a.sum() ** 2 - (w_a ** 2).sum()) / 2.0) if w_a is not None else 1.0
    else:
        total = float(n_a) * float(n_b)
        total_w = float(w_a.sum() * w_b.sum()) if w_a is not None else 1.0
    return total, total_w


@dataclass
class SiteArrays:
    """Coordinates of all sites as three contiguous float64 arrays (z = 0 for projected registers)."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    sphere: bool

    def __getstate__(self):
        # the per-plan cell caches of the gridded path are rebuilt where needed, not shipped to workers
        return {k: v for k, v in self.__dict__.items() if k != "_cells"}

    @classmethod
    def from_register(cls, reg: PointRegister) -> SiteArrays:
        c = reg.coords
        z = c[:, 2] if c.shape[1] == 3 else np.zeros(len(c))
        return cls(np.ascontiguousarray(c[:, 0]), np.ascontiguousarray(c[:, 1]), np.ascontiguousarray(z),
                   reg.geometry == "sphere")


@dataclass
class KdCurve:
    """A Kd (and Kemp) curve.

    ``kd``/``kemp`` are densities per km at the distances ``r`` (km); ``bandwidth`` is ``h`` in km;
    ``error_bound`` is the binning error bound as a fraction of the kernel peak (see ``KdGrid``).
    """

    r: np.ndarray
    kd: np.ndarray
    kemp: np.ndarray | None
    bandwidth: float
    n: int
    n_other: int | None = None
    sector: str | None = None
    other: str | None = None
    error_bound: float = float("nan")
    grid: KdGrid | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The curve as a table: ``r, kd`` (and ``kemp`` when weighted), one row a distance.

        >>> from triplec.mapping import PointRegister
        >>> reg = PointRegister.from_arrays([0, 1, 2, 10, 20], [0, 0, 0, 0, 0], ["A", "A", "A", "B", "B"],
        ...                                 weights=[5, 10, 1, 3, 3])
        >>> kd_curve(reg, "A", r_max=2, r_step=1, weighted=True).to_frame().round(3)
             r     kd   kemp
        0  0.0  0.002  0.003
        1  1.0  0.987  1.366
        2  2.0  0.494  0.115
        """
        out = pd.DataFrame({"r": self.r, "kd": self.kd})
        if self.kemp is not None:
            out["kemp"] = self.kemp
        return out


def _accumulate(sites: SiteArrays, idx_a, w_a, idx_b, w_b, grid: KdGrid) -> np.ndarray:
    """Bin sums of the pairs of a pattern (the parallel kernel for large univariate patterns)."""
    weighted = w_a is not None
    ncol = 4 if weighted else 2
    inv = 1.0 / grid.delta
    empty = np.zeros(0)
    wa = empty if w_a is None else np.ascontiguousarray(w_a, dtype=float)
    xa, ya, za = sites.x[idx_a], sites.y[idx_a], sites.z[idx_a]
    if idx_b is None and len(idx_a) >= PARALLEL_OBSERVED_MIN:
        with nk.PARALLEL_LOCK:
            return nk.accumulate_within_par(xa, ya, za, wa, sites.sphere, weighted, grid.dcap, inv,
                                            grid.nbins, ncol, 64)
    acc = np.zeros((ncol, grid.nbins))
    bufs = nk.make_buffers(weighted)
    if idx_b is None:
        nk.accumulate_within(xa, ya, za, wa, sites.sphere, weighted, grid.dcap, inv, acc, bufs, 0, len(idx_a))
    else:
        wb = empty if w_b is None else np.ascontiguousarray(w_b, dtype=float)
        nk.accumulate_between(xa, ya, za, wa, sites.x[idx_b], sites.y[idx_b], sites.z[idx_b], wb,
                              sites.sphere, weighted, grid.dcap, inv, acc, bufs)
    return acc


def observed_spread(sites: SiteArrays, idx_a, idx_b, grid: KdGrid):
    """Bandwidth h and spread ``lo = min(sd, IQR/1.34)`` of a pattern's pair distances <= 2 r_max."""
    acc = _accumulate(sites, idx_a, None, idx_b, None, grid)
    h, _, lo = nk.bandwidth_from_acc(acc, grid.delta, grid.kmax)
    return float(h), float(lo)


SUBSAMPLE = 3000


def fit_grid(sites: SiteArrays, idx_a, idx_b, r_max: float, r_step: float) -> KdGrid:
    """A grid fitted to a pattern: a coarse pass gives h and lo, then ``make_grid`` refines.

    For a large univariate pattern the coarse pass runs on a fixed subsample of ``SUBSAMPLE`` points
    (its distances follow the pattern's): ``lo`` is read there and ``h = 0.9 lo N^(-1/5)`` with N scaled
    to the whole pattern. Only the resolution of the grid depends on it.
    """
    coarse = make_grid(r_max, r_step)
    if idx_b is None and len(idx_a) > SUBSAMPLE:
        rng = np.random.default_rng(0)
        sub = np.sort(rng.choice(np.asarray(idx_a), SUBSAMPLE, replace=False))
        acc = _accumulate(sites, sub, None, None, None, coarse)
        _, cnt, lo = nk.bandwidth_from_acc(acc, coarse.delta, coarse.kmax)
        n = len(idx_a)
        share = cnt / (SUBSAMPLE * (SUBSAMPLE - 1) / 2.0)
        h = 0.9 * lo * max(share * n * (n - 1) / 2.0, 2.0) ** (-0.2)
        return make_grid(r_max, r_step, h_hint=h, lo_hint=lo)
    h, lo = observed_spread(sites, idx_a, idx_b, coarse)
    return make_grid(r_max, r_step, h_hint=h, lo_hint=lo)


def curve_from_indices(sites: SiteArrays, idx_a: np.ndarray, w_a: np.ndarray | None, grid: KdGrid,
                       idx_b: np.ndarray | None = None, w_b: np.ndarray | None = None):
    """Kd (and Kemp when weights are given) of given site indices on a grid: (kd, kemp|None, h)."""
    weighted = w_a is not None
    bivariate = idx_b is not None
    total, total_w = pair_total(len(idx_a), w_a, len(idx_b) if bivariate else None, w_b)
    acc = _accumulate(sites, idx_a, w_a, idx_b, w_b, grid)
    kd = np.full(grid.nr, np.nan)
    kemp = np.full(grid.nr if weighted else 1, np.nan)
    h = nk.curve_from_acc(acc, weighted, grid.delta, grid.m, grid.nr, grid.kmax, total, total_w,
                          np.zeros(grid.nbins), kd, kemp)
    return kd, (kemp if weighted else None), float(h)


def kd_curve(reg: PointRegister, sector: str, *, other: str | None = None, r_max: float = 300.0,
             r_step: float = 5.0, weighted: bool = False) -> KdCurve:
    """Kd of one sector (or bivariate Kd of ``other`` around ``sector``) with Kemp when ``weighted``.

    The kernel-smoothed density of the distances between pairs of the sector's establishments
    (Duranton & Overman 2005), with the dbmss ``Kdhat`` bandwidth and reflection at zero; Kemp weighs
    each pair by the product of the two establishments' employees.

    Parameters
    ----------
    reg : PointRegister
        The register.
    sector : str
        Sector code.
    other : str, optional
        A second sector: the bivariate Kd of pairs (i in ``sector``, j in ``other``).
    r_max, r_step : float
        Distances ``0, r_step, ..., r_max`` in km.
    weighted : bool
        Also the employment-weighted Kemp; needs every establishment's employees.

    Returns
    -------
    KdCurve
        ``r``, ``kd`` (density per km) and ``kemp``, the bandwidth ``h`` in km and the sizes.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106.
    Marcon, E., Traissac, S., Puech, F. & Lang, G. (2015). Tools to characterize point patterns: dbmss
    for R. Journal of Statistical Software 67(3).

    Examples
    --------
    >>> import numpy as np
    >>> from triplec.mapping import PointRegister
    >>> rng = np.random.default_rng(0)  # sector A in one town, sector B spread over 50 x 50 km
    >>> x = np.r_[rng.normal(10, 0.5, 30), rng.uniform(0, 50, 60)]
    >>> y = np.r_[rng.normal(10, 0.5, 30), rng.uniform(0, 50, 60)]
    >>> reg = PointRegister.from_arrays(x, y, ["A"] * 30 + ["B"] * 60)
    >>> curve = kd_curve(reg, "A", r_max=4, r_step=1)
    >>> curve.n, curve.kd.round(3).tolist()
    (30, [0.141, 0.802, 0.023, 0.0, 0.0])
    """
    if weighted:
        reg.require_weights()
    sites = SiteArrays.from_register(reg)
    idx_a = reg.indices(sector)
    idx_b = reg.indices(other) if other is not None else None
    if other is not None and str(other) == str(sector):
        raise ValueError("bivariate Kd needs two different sectors; use other=None for the univariate Kd")
    if len(idx_a) < (1 if idx_b is not None else 2) or (idx_b is not None and len(idx_b) < 1):
        raise ValueError(f"sector {sector!r} has too few establishments for a Kd curve")
    grid = fit_grid(sites, idx_a, idx_b, r_max, r_step)
    w_a = reg.weights[idx_a] if weighted else None
    w_b = reg.weights[idx_b] if (weighted and idx_b is not None) else None
    kd, kemp, h = curve_from_indices(sites, idx_a, w_a, grid, idx_b, w_b)
    return KdCurve(r=grid.r, kd=kd, kemp=kemp, bandwidth=h, n=len(idx_a),
                   n_other=None if idx_b is None else len(idx_b), sector=str(sector),
                   other=None if other is None else str(other), error_bound=float(grid.error_bound(h)),
                   grid=grid)
