"""Gridded Kd for large sectors: exact short pairs + FFT pair counts on a cell grid (see _numba_grid).

The plan of a sector fixes the cell side ``c`` and the exact radius ``Rs`` from the bandwidth expected
under the null (random location draws ``n`` of the register's sites, whose pair distances follow the
all-sites distribution): ``h_null = 0.9 lo_all (p n (n-1)/2)^(-1/5)`` with ``lo_all = min(sd, IQR/1.34)``
and ``p`` the share of pairs within ``2 r_max``, both measured on a subsample of the sites.
``c = h_null / f(n)`` with ``f(n) = 2 max(1, sqrt(1500 / n))`` and ``Rs = 2.5 h_null + 1.5 c``: the gridded
curves differ from the exact ones by 0.1-0.4% of the curve's maximum on random samples of 1,000 to
20,000 sites of town-clustered registers, and by at most 0.6% (Kd) / 0.9% (Kemp) when forced on the small
dbmss reference sectors (smaller samples need finer cells: the per-pair grid errors average out over
fewer pairs). The errors are mostly random from one sample to the next, not a bias.

Costs per simulation: the FFT of a ``P x P`` grid (``P ~ (extent + r_max + 9h) / c``) and the short pairs
(``~ n^2/2 F(Rs)``) instead of ``n^2/2 F(dcap)`` pairs; :func:`choose_method` compares the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.fft

from triplec.mapping import _numba_grid as ng
from triplec.mapping import _numba_kd as nk

# rough costs (ns) measured on the development machine, used only to choose a path
NS_PER_PAIR = 3.0
NS_PER_SHORT_PAIR = 30.0  # bucket visits, exact binning and the offset tally
NS_PER_FFT_POINT_LOG = 1.4  # real forward + inverse 2-D FFT and the rest of a gridded simulation, per point and log2(points)
GRID_MIN_N = 500  # below this the pairs path is always cheaper


def cell_factor(n: int) -> float:
    """h / c for a sample of n points (finer cells for small samples)."""
    return 2.0 * max(1.0, math.sqrt(1500.0 / max(n, 1)))


@dataclass
class SiteStats:
    """All-sites pair-distance summary from a subsample (what random location draws from)."""

    lo: float  # min(sd, IQR/1.34) of pair distances <= 2 r_max
    share_2rmax: float  # share of pairs within 2 r_max
    share_dcap: float  # share of pairs within the histogram cap
    cdf_r: np.ndarray  # distances (km)
    cdf: np.ndarray  # share of pairs below each distance
    extent_x: float
    extent_y: float

    def share_below(self, d: float) -> float:
        return float(np.interp(d, self.cdf_r, self.cdf))

    def h_null(self, n_pairs: float) -> float:
        return 0.9 * self.lo * max(self.share_2rmax * n_pairs, 2.0) ** (-0.2)


def site_stats(sites, grid, sample_size: int = 3000) -> SiteStats:
    """Summarise the all-sites pair distances on a fixed pseudo-random subsample (seed 0)."""
    from triplec.mapping.kd import _accumulate

    n = len(sites.x)
    rng = np.random.default_rng(0)
    idx = np.sort(rng.choice(n, size=min(n, sample_size), replace=False))
    acc = _accumulate(sites, idx, None, None, None, grid)
    _, cnt, lo = nk.bandwidth_from_acc(acc, grid.delta, grid.kmax)
    pairs = len(idx) * (len(idx) - 1) / 2.0
    counts = acc[0, :-1]
    cdf = np.concatenate([[0.0], np.cumsum(counts)]) / pairs
    cdf_r = np.arange(len(cdf)) * grid.delta
    return SiteStats(lo=float(lo), share_2rmax=float(cnt / pairs), share_dcap=float(counts.sum() / pairs),
                     cdf_r=cdf_r, cdf=cdf, extent_x=float(np.ptp(sites.x)), extent_y=float(np.ptp(sites.y)))


@dataclass
class GridPlan:
    """Geometry of the gridded path for one sector (see ``_numba_grid``)."""

    c: float  # fine cell side (km)
    rs: float  # exact radius (km)
    x0: float
    y0: float
    gx: int
    gy: int
    px: int  # fine FFT shape (py, px)
    py: int
    d_fine: float  # gridded pairs on the fine grid up to this distance
    nbx: int  # buckets of side rs
    nby: int
    vtab: int  # short-pair offset table half-width
    vflat: np.ndarray = field(repr=False)
    vx: np.ndarray = field(repr=False)
    vy: np.ndarray = field(repr=False)
    vk: np.ndarray = field(repr=False)
    vf: np.ndarray = field(repr=False)
    coarse_m: int = 0  # coarse cell = coarse_m fine cells (0: no coarse grid)
    pcx: int = 1
    pcy: int = 1
    kt: int = 0  # first bin taken from the coarse grid for the bandwidth
    cflat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    ck: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    cf: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    @property
    def fft_points(self) -> int:
        return self.px * self.py


def _offsets(cell, gx, gy, dmin, dmax, vmin_sq, delta):
    """Half-plane cell offsets with dmin <= cell sqrt(|v|^2 + 1/6) < dmax and |v|^2 >= vmin_sq, the FFT
    shape that holds them without wrap-around, flat indices, bins and offsets within the bins."""
    vmax = int(math.ceil(dmax / cell)) + 1
    px = scipy.fft.next_fast_len(gx + vmax, real=True)
    py = scipy.fft.next_fast_len(gy + vmax)
    vx, vy = np.meshgrid(np.arange(-vmax, vmax + 1), np.arange(0, vmax + 1))
    vx, vy = vx.ravel(), vy.ravel()
    vv = vx * vx + vy * vy
    dv = cell * np.sqrt(vv + 1.0 / 6.0)
    keep = ((vy > 0) | ((vy == 0) & (vx > 0))) & (vv >= vmin_sq) & (dv >= dmin) & (dv < dmax)
    vx, vy, dv = vx[keep], vy[keep], dv[keep]
    flat = ((vy % py) * px + (vx % px)).astype(np.int64)
    t = dv / delta
    k = np.floor(t).astype(np.int64)
    return px, py, flat, vx.astype(np.int64), vy.astype(np.int64), k, t - k


def make_plan(sites, grid, h_null: float, n: int = 1500, *, c: float | None = None,
              rs: float | None = None) -> GridPlan:
    """Cell side, exact radius, FFT shapes and the tables of displacements for a sector of n points."""
    c = h_null / cell_factor(n) if c is None else float(c)
    rs = 2.5 * h_null + 1.5 * c if rs is None else float(rs)
    rs = max(rs, 2.0 * math.sqrt(2.0) * c)
    x0, y0 = float(sites.x.min()), float(sites.y.min())
    gx = int(math.floor(np.ptp(sites.x) / c)) + 1
    gy = int(math.floor(np.ptp(sites.y) / c)) + 1
    # the kernel sum at r <= r_max needs pairs up to r_max + 7h: grid them finely up to r_max + 9 h_null
    d_fine = min(grid.dcap, grid.r_max + 9.0 * h_null)
    v0 = max(int(math.floor(rs / c - math.sqrt(2.0))), 0)
    px, py, vflat, vx, vy, vk, vf = _offsets(c, gx, gy, 0.0, d_fine, v0 * v0, grid.delta)
    plan = GridPlan(c=c, rs=rs, x0=x0, y0=y0, gx=gx, gy=gy, px=px, py=py, d_fine=d_fine,
                    nbx=int(math.floor(np.ptp(sites.x) / rs)) + 1, nby=int(math.floor(np.ptp(sites.y) / rs)) + 1,
                    vtab=int(math.ceil(rs / c)) + 2, vflat=vflat, vx=vx, vy=vy, vk=vk, vf=vf)
    if d_fine < grid.two_rmax:
        # the bandwidth also needs the pairs from d_fine to 2 r_max: count them on a coarse grid
        mc = max(1, int(round(max(8.0 * c, grid.two_rmax / 64.0) / c)))
        cc = mc * c
        t_split = d_fine - 2.0 * cc
        pcx, pcy, cflat, _, _, ck, cf = _offsets(cc, -(-gx // mc), -(-gy // mc), t_split, grid.dcap, 0,
                                                 grid.delta)
        plan.coarse_m, plan.pcx, plan.pcy = mc, pcx, pcy
        plan.kt = int(math.ceil(t_split / grid.delta))
        plan.cflat, plan.ck, plan.cf = cflat, ck, cf
    return plan


def site_cells(sites, plan: GridPlan) -> tuple[np.ndarray, np.ndarray]:
    """Cell coordinates of every site for a plan (cached on the sites object)."""
    key = (plan.x0, plan.y0, plan.c)
    cache = sites.__dict__.setdefault("_cells", {})
    if key not in cache:
        if len(cache) > 4:
            cache.clear()
        cx = np.floor((sites.x - plan.x0) / plan.c).astype(np.int64)
        cy = np.floor((sites.y - plan.y0) / plan.c).astype(np.int64)
        cache[key] = (np.minimum(cx, plan.gx - 1), np.minimum(cy, plan.gy - 1))
    return cache[key]


def estimate_costs(n: int, stats: SiteStats, grid, sims: int) -> tuple[float, float, float]:
    """(pairs path ns, grid path ns, h_null) for a univariate sector of n establishments."""
    n_pairs = n * (n - 1) / 2.0
    h = stats.h_null(n_pairs)
    pairs_ns = sims * n_pairs * stats.share_dcap * NS_PER_PAIR
    c = h / cell_factor(n)
    rs = 2.5 * h + 1.5 * c
    vmax = min(grid.dcap, grid.r_max + 9.0 * h) / c + 1
    pts = (stats.extent_x / c + vmax) * (stats.extent_y / c + vmax)
    grid_ns = sims * (pts * math.log2(pts) * NS_PER_FFT_POINT_LOG
                      + n_pairs * stats.share_below(rs) * NS_PER_SHORT_PAIR + n * 50.0)
    return pairs_ns, grid_ns, h


def _fft_autocorr(g: np.ndarray, workers: int) -> np.ndarray:
    f = scipy.fft.rfft2(g, workers=workers)
    np.multiply(f, f.conj(), out=f)
    return scipy.fft.irfft2(f, s=g.shape, workers=workers)


def _buffers(plan: GridPlan, grid, nsim: int, weighted: bool):
    ncol = 4 if weighted else 2
    g = np.zeros((nsim, plan.py, plan.px))
    gw = np.zeros((nsim, plan.py, plan.px) if weighted else (nsim, 1, 1))
    gc = np.zeros((nsim, plan.pcy, plan.pcx))
    acc_s = np.zeros((nsim, ncol, grid.nbins))
    tshape = (plan.vtab + 1, 2 * plan.vtab + 1)
    tab = np.zeros((nsim,) + tshape)
    tabw = np.zeros((nsim,) + tshape if weighted else (nsim, 1, 1))
    return g, gw, gc, acc_s, tab, tabw


def run_grid_samples(u, n, w_sector, sites, grid, plan: GridPlan, total, total_w, parallel: bool):
    """Curves of a batch of random-location samples (uniforms u) on the gridded path."""
    import numba

    weighted = w_sector is not None
    nsim = u.shape[0]
    cx, cy = site_cells(sites, plan)
    g, gw, gc, acc_s, tab, tabw = _buffers(plan, grid, nsim, weighted)
    wts = np.zeros(0) if w_sector is None else w_sector
    nchunks = min(nsim, numba.get_num_threads())
    args = (u, n, wts, weighted, sites.x, sites.y, cx, cy, plan.rs, plan.x0, plan.y0, plan.nbx, plan.nby,
            plan.vtab, plan.coarse_m, 1.0 / grid.delta, g, gw, gc, acc_s, tab, tabw)
    if parallel:
        with nk.PARALLEL_LOCK:
            ng.prepare_batch_par(*args, nchunks)
    else:
        ng.prepare_batch_ser(*args)
    workers = -1 if parallel else 1
    for b in range(nsim):
        g[b] = _fft_autocorr(g[b], workers)
        if weighted:
            gw[b] = _fft_autocorr(gw[b], workers)
        if plan.coarse_m:
            gc[b] = _fft_autocorr(gc[b], workers)
    kd = np.empty((nsim, grid.nr))
    kemp = np.empty((nsim, grid.nr if weighted else 1))
    h = np.empty(nsim)
    fargs = (g, gw, gc, weighted, plan.vflat, plan.vx, plan.vy, plan.vk, plan.vf, plan.cflat, plan.ck,
             plan.cf, plan.kt, plan.vtab, tab, tabw, acc_s, acc_s[0], grid.delta, grid.m, grid.nr, grid.kmax,
             plan.c, total, total_w, grid.nbins)
    if parallel:
        with nk.PARALLEL_LOCK:
            ng.finish_batch_par(*fargs, nchunks, kd, kemp, h)
    else:
        ng.finish_batch_ser(*fargs, kd, kemp, h)
    return kd, (kemp if weighted else None), h


def grid_curve(sites, idx, w, grid, plan: GridPlan, total, total_w):
    """Kd (Kemp) of given site indices on the gridded path (to check it against the exact path)."""
    idx = np.asarray(idx, dtype=np.int64)
    weighted = w is not None
    n = len(idx)
    cx, cy = site_cells(sites, plan)
    g, gw, gc, acc_s, tab, tabw = _buffers(plan, grid, 1, weighted)
    nb = plan.nbx * plan.nby
    ng.grid_prepare(idx, np.zeros(0) if w is None else np.asarray(w, float), weighted, sites.x, sites.y, cx,
                    cy, plan.rs, plan.x0, plan.y0, plan.nbx, plan.nby, plan.vtab, plan.coarse_m,
                    1.0 / grid.delta, g[0], gw[0], gc[0], acc_s[0], tab[0], tabw[0],
                    np.empty(nb + 1, dtype=np.int64), np.empty(nb, dtype=np.int64), np.empty(n), np.empty(n),
                    np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n), np.empty(n))
    a = _fft_autocorr(g[0], -1)
    aw = _fft_autocorr(gw[0], -1) if weighted else gw[0]
    ac = _fft_autocorr(gc[0], -1) if plan.coarse_m else gc[0]
    kd = np.empty(grid.nr)
    kemp = np.empty(grid.nr if weighted else 1)
    h = ng.grid_finish(a, aw, ac, weighted, plan.vflat, plan.vx, plan.vy, plan.vk, plan.vf, plan.cflat,
                       plan.ck, plan.cf, plan.kt, plan.vtab, tab[0], tabw[0], acc_s[0],
                       np.zeros_like(acc_s[0]), grid.delta, grid.m, grid.nr, grid.kmax, plan.c, total,
                       total_w, np.zeros(grid.nbins), kd, kemp)
    return kd, (kemp if weighted else None), float(h)


def draw_sample(u_row, n, nsites, shuffle) -> np.ndarray:
    """The sample a simulation row of uniforms draws (same code as the batch kernels)."""
    mark = np.zeros(nsites, dtype=np.uint8)
    sample = np.empty(n, dtype=np.int64)
    ng._draw(u_row, nsites, n, shuffle, mark, sample)
    return sample
