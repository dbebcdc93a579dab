"""Compiled kernels of the Kd estimator (numba, ``cache=True``).

Pair distances are never stored: every pair within the cap ``dcap`` is *linearly binned* on a fine grid
of nodes ``x_j = j * delta`` (a pair at ``d = (j + f) delta`` adds ``1 - f`` to node ``j`` and ``f`` to
node ``j + 1``; with weights, ``w (1 - f)`` and ``w f``), and the exact sums needed by the bandwidth
(count, sum of ``d`` and of ``d^2`` over pairs with ``d <= 2 rmax``) are accumulated on the side.
Linear binning keeps the mass and the first moment of every pair, so kernel smoothing of the binned
masses differs from the exact kernel sum by at most ``delta^2 / 8 * max|phi''_h| = delta^2/(8 h^2)``
times the peak of the kernel (Wand & Jones 1995, ch. 5; Hall & Wand 1996).

All functions are serial; the batch drivers come in two flavours: ``*_par`` (``prange`` over chunks of
simulations, for the local engine) and ``*_ser`` (for Dask workers, which already run tasks in
parallel and must not launch concurrent numba thread pools). Both call the same per-simulation code, so
results are bit-identical.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EARTH_RADIUS_KM = 6371.0088
INV_SQRT_2PI = 0.3989422804014327
KERNEL_HALF_WIDTH = 8.0  # kernel truncated at 8 h: phi(8) / phi(0) = 1.3e-14


# --------------------------------------------------------------------------- pair accumulation
@njit(cache=True, inline="always")
def _bin_pair(d, w, weighted, inv_delta, nbins, hc, hw):
    t = d * inv_delta
    k = int(t)
    if k + 1 < nbins:
        f = t - k
        hc[k] += 1.0 - f
        hc[k + 1] += f
        if weighted:
            hw[k] += w * (1.0 - f)
            hw[k + 1] += w * f


@njit(cache=True)
def accumulate_within(xs, ys, zs, ws, sphere, weighted, dcap, two_rmax, inv_delta, hc, hw, stats):
    """All pairs i < j of one point set (univariate Kd).

    ``stats`` receives (count, sum d, sum d^2) over pairs with ``d <= two_rmax``.
    """
    n = xs.shape[0]
    nbins = hc.shape[0]
    two_r = 2.0 * EARTH_RADIUS_KM
    if sphere:
        cap = two_r * math.sin(min(dcap / two_r, math.pi / 2))
    else:
        cap = dcap
    cap2 = cap * cap
    cnt = 0.0
    s1 = 0.0
    s2 = 0.0
    for i in range(n - 1):
        xi = xs[i]
        yi = ys[i]
        zi = zs[i]
        wi = ws[i] if weighted else 1.0
        for j in range(i + 1, n):
            dx = xs[j] - xi
            dy = ys[j] - yi
            dz = zs[j] - zi
            d2 = dx * dx + dy * dy + dz * dz
            if d2 < cap2:
                d = math.sqrt(d2)
                if sphere:
                    d = two_r * math.asin(min(1.0, d / two_r))
                _bin_pair(d, wi * (ws[j] if weighted else 1.0), weighted, inv_delta, nbins, hc, hw)
                if d <= two_rmax:
                    cnt += 1.0
                    s1 += d
                    s2 += d * d
    stats[0] += cnt
    stats[1] += s1
    stats[2] += s2


@njit(cache=True)
def accumulate_between(xa, ya, za, wa, xb, yb, zb, wb, sphere, weighted, dcap, two_rmax, inv_delta,
                       hc, hw, stats):
    """All pairs (i in A, j in B) of two disjoint point sets (bivariate Kd)."""
    na = xa.shape[0]
    nb = xb.shape[0]
    nbins = hc.shape[0]
    two_r = 2.0 * EARTH_RADIUS_KM
    if sphere:
        cap = two_r * math.sin(min(dcap / two_r, math.pi / 2))
    else:
        cap = dcap
    cap2 = cap * cap
    cnt = 0.0
    s1 = 0.0
    s2 = 0.0
    for i in range(na):
        xi = xa[i]
        yi = ya[i]
        zi = za[i]
        wi = wa[i] if weighted else 1.0
        for j in range(nb):
            dx = xb[j] - xi
            dy = yb[j] - yi
            dz = zb[j] - zi
            d2 = dx * dx + dy * dy + dz * dz
            if d2 < cap2:
                d = math.sqrt(d2)
                if sphere:
                    d = two_r * math.asin(min(1.0, d / two_r))
                _bin_pair(d, wi * (wb[j] if weighted else 1.0), weighted, inv_delta, nbins, hc, hw)
                if d <= two_rmax:
                    cnt += 1.0
                    s1 += d
                    s2 += d * d
    stats[0] += cnt
    stats[1] += s1
    stats[2] += s2


# --------------------------------------------------------------------------- bandwidth
@njit(cache=True)
def _mass_location(hc, delta, target, start_j, start_c):
    """Position where the cumulative binned mass reaches ``target`` (node mass spread over +-delta/2)."""
    c = start_c
    j = start_j
    nb = hc.shape[0]
    while j < nb:
        m = hc[j]
        if m > 0.0 and c + m >= target:
            lo = j * delta - 0.5 * delta
            if lo < 0.0:
                lo = 0.0
            hi = j * delta + 0.5 * delta
            return lo + (hi - lo) * (target - c) / m, j, c
        c += m
        j += 1
    return (nb - 1) * delta, nb - 1, c


@njit(cache=True)
def histogram_quartile_spread(hc, delta, count):
    """IQR (R's quantile type 7) of the pair distances <= 2 rmax, from the binned masses.

    Order statistic ``k`` (0-based) sits where the cumulative mass reaches ``k + 1/2``; quantile ``p``
    interpolates between order statistics ``floor((N-1)p)`` and the next, as R's type 7 does.
    """
    qs = np.empty(2)
    j = 0
    c = 0.0
    for t in range(2):
        p = 0.25 if t == 0 else 0.75
        pos = p * (count - 1.0)
        k = math.floor(pos)
        frac = pos - k
        x0, j, c = _mass_location(hc, delta, k + 0.5, j, c)
        if frac > 0.0:
            x1, _, _ = _mass_location(hc, delta, k + 1.5, j, c)
        else:
            x1 = x0
        qs[t] = x0 + frac * (x1 - x0)
    return qs[1] - qs[0]


@njit(cache=True)
def bw_nrd0(stats, iqr):
    """R's ``bw.nrd0``: 0.9 min(sd, IQR/1.34) N^(-1/5) (Silverman 1986, eq. 3.31)."""
    n = stats[0]
    if n < 2.0:
        return np.nan
    mean = stats[1] / n
    var = (stats[2] - n * mean * mean) / (n - 1.0)
    sd = math.sqrt(var) if var > 0.0 else 0.0
    lo = min(sd, iqr / 1.34)
    if lo <= 0.0:
        lo = sd
        if lo <= 0.0:
            lo = abs(mean)  # all distances equal: R falls back to |x[1]|
            if lo <= 0.0:
                lo = 1.0
    return 0.9 * lo * n ** (-0.2)


# --------------------------------------------------------------------------- smoothing
@njit(cache=True)
def smooth(hist, delta, m, nr, h, total, out):
    """Kd(r_i), r_i = i * m * delta, from linearly binned pair masses.

    ``Kd(r) = (1/total) sum_pairs w [phi_h(r - d) + 1(d <= 4h) phi_h(r + d)]``: the Gaussian kernel
    density of the pair distances with the distances below 4h reflected around 0 and the density
    renormalised (dbmss ``Kdhat``; the renormalisation divides by the mass above 0, which equals the
    total pair weight up to 3e-5 relative, see ``kd.py``).

    The masses are first re-binned linearly onto a coarser grid (factor ``k``, a power of two dividing
    ``m``) with at least 16 nodes per bandwidth, keeping the binning error below 1/(8*16^2) = 5e-4 of the
    kernel peak while bounding the work per distance to 2 * 8 * 32 nodes.
    """
    nb = hist.shape[0]
    k = 1
    while m % (2 * k) == 0 and 2 * k * delta <= h / 16.0:
        k *= 2
    dc = k * delta
    ncoarse = nb // k + 2
    coarse = np.zeros(ncoarse)
    if k == 1:
        coarse[:nb] = hist
    else:
        inv_k = 1.0 / k
        for j in range(nb):
            v = hist[j]
            if v != 0.0:
                q = j // k
                f = (j - q * k) * inv_k
                coarse[q] += v * (1.0 - f)
                coarse[q + 1] += v * f
    half = int(math.ceil(KERNEL_HALF_WIDTH * h / dc))
    ker = np.empty(half + 1)
    for t in range(half + 1):
        u = t * dc / h
        ker[t] = INV_SQRT_2PI / h * math.exp(-0.5 * u * u)
    step = m // k
    nrefl = int(math.floor(4.0 * h / dc + 1e-9))
    for i in range(nr):
        c = i * step
        lo = c - half
        if lo < 0:
            lo = 0
        hi = c + half
        if hi > ncoarse - 1:
            hi = ncoarse - 1
        s = 0.0
        for q in range(lo, hi + 1):
            s += coarse[q] * ker[abs(q - c)]
        # reflected distances: phi_h(r + x_q) for x_q <= 4h
        qmax = min(nrefl, half - c)
        for q in range(1, qmax + 1):
            s += coarse[q] * ker[c + q]
        if c <= half:
            s += coarse[0] * ker[c]  # the node at 0 reflects onto itself
        out[i] = s / total


# --------------------------------------------------------------------------- random location
@njit(cache=True)
def floyd_sample(u, nsites, mark, out):
    """Uniform random subset of size len(out) of range(nsites) (Floyd's algorithm, Bentley 1987).

    ``u`` holds len(out) uniforms in [0, 1); ``mark`` is a zeroed uint8 scratch of size nsites, left
    zeroed on return.
    """
    n = out.shape[0]
    for s in range(n):
        jj = nsites - n + s
        t = int(u[s] * (jj + 1))
        if t > jj:
            t = jj
        if mark[t]:
            t = jj
        mark[t] = 1
        out[s] = t
    for s in range(n):
        mark[out[s]] = 0


@njit(cache=True)
def shuffle_inplace(u, a):
    """Fisher-Yates shuffle of a driven by the uniforms u (len(a) - 1 of them are used)."""
    n = a.shape[0]
    for i in range(n - 1, 0, -1):
        j = int(u[i] * (i + 1))
        if j > i:
            j = i
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp


# --------------------------------------------------------------------------- one simulation
@njit(cache=True)
def kd_from_indices(sx, sy, sz, idx_a, wa, idx_b, wb, bivariate, sphere, weighted, dcap, two_rmax,
                    delta, m, nr, total, total_w, nbins, hc, hw, stats, out_kd, out_kemp):
    """Kd (and Kemp) of the points at site indices idx_a (and idx_b when bivariate).

    Returns the bandwidth. Scratch arrays hc, hw (nbins) and stats (3) are cleared here.
    """
    hc[:] = 0.0
    if weighted:
        hw[:] = 0.0
    stats[:] = 0.0
    inv_delta = 1.0 / delta
    xa = sx[idx_a]
    ya = sy[idx_a]
    za = sz[idx_a]
    if bivariate:
        xb = sx[idx_b]
        yb = sy[idx_b]
        zb = sz[idx_b]
        accumulate_between(xa, ya, za, wa, xb, yb, zb, wb, sphere, weighted, dcap, two_rmax, inv_delta,
                           hc, hw, stats)
    else:
        accumulate_within(xa, ya, za, wa, sphere, weighted, dcap, two_rmax, inv_delta, hc, hw, stats)
    if stats[0] < 2.0:
        out_kd[:] = np.nan
        if weighted:
            out_kemp[:] = np.nan
        return np.nan
    iqr = histogram_quartile_spread(hc, delta, stats[0])
    h = bw_nrd0(stats, iqr)
    smooth(hc, delta, m, nr, h, total, out_kd)
    if weighted:
        smooth(hw, delta, m, nr, h, total_w, out_kemp)
    return h


@njit(cache=True)
def _simulate_range(b0, b1, u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted,
                    dcap, two_rmax, delta, m, nr, total, total_w, nbins, out_kd, out_kemp, out_h):
    nsites = sx.shape[0]
    ntot = na + nb_
    mark = np.zeros(nsites, dtype=np.uint8)
    sample = np.empty(ntot, dtype=np.int64)
    hc = np.zeros(nbins)
    hw = np.zeros(nbins if weighted else 1)
    stats = np.zeros(3)
    shuffle_needed = weighted or bivariate
    for b in range(b0, b1):
        floyd_sample(u[b, :ntot], nsites, mark, sample)
        if shuffle_needed:
            # Floyd's output order is not exchangeable: shuffle so that labels (sector, weight) are
            # assigned to the drawn sites uniformly at random (dbmss rlabel semantics)
            shuffle_inplace(u[b, ntot:], sample)
        idx_a = sample[:na]
        idx_b = sample[na:]
        out_h[b] = kd_from_indices(sx, sy, sz, idx_a, wa_sector, idx_b, wb_sector, bivariate, sphere,
                                   weighted, dcap, two_rmax, delta, m, nr, total, total_w, nbins, hc, hw,
                                   stats, out_kd[b], out_kemp[b])


@njit(cache=True, parallel=True)
def simulate_batch_par(u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted, dcap,
                       two_rmax, delta, m, nr, total, total_w, nbins, nchunks, out_kd, out_kemp, out_h):
    """Random-location simulations b = 0..B-1 (uniforms u[b]), chunks of simulations in parallel."""
    nsim = u.shape[0]
    for c in prange(nchunks):
        b0 = c * nsim // nchunks
        b1 = (c + 1) * nsim // nchunks
        _simulate_range(b0, b1, u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted,
                        dcap, two_rmax, delta, m, nr, total, total_w, nbins, out_kd, out_kemp, out_h)


@njit(cache=True)
def simulate_batch_ser(u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted, dcap,
                       two_rmax, delta, m, nr, total, total_w, nbins, out_kd, out_kemp, out_h):
    """Serial twin of :func:`simulate_batch_par` (same results, bit for bit)."""
    _simulate_range(0, u.shape[0], u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere,
                    weighted, dcap, two_rmax, delta, m, nr, total, total_w, nbins, out_kd, out_kemp, out_h)
