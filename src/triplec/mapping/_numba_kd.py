"""Compiled kernels of the Kd estimator (numba, ``cache=True``).

Pair distances are never stored. Each row's distances are computed in a vectorised pass, then every pair
within the cap ``dcap`` is *binned* on a fine grid ``x_k = k * delta``: bin ``k = floor(d / delta)``
receives the pair's weight ``w`` and its weighted offset ``w f`` (``f = d / delta - k``). Turned into
node masses (``w (1 - f)`` on node ``k``, ``w f`` on node ``k + 1``) this is *linear binning*, which
keeps the mass and the first moment of every pair: kernel smoothing of the node masses differs from the
exact kernel sum by at most ``delta^2 / 8 * max|phi_h''| = (delta / h)^2 / 8`` of the kernel peak
``phi(0) / h`` per unit of pair weight (Wand & Jones 1995, s. 5.2; Hall & Wand 1996).

All kernels are serial; the batch drivers come in two flavours: ``*_par`` (``prange`` over chunks of
simulations, for the local engine) and ``*_ser`` (for Dask workers, which already run tasks in parallel
and must not start concurrent numba thread pools). Both run the same per-simulation code, so results are
bit-identical.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from numba import njit, prange

EARTH_RADIUS_KM = 6371.0088
# numba's default (workqueue) thread pool must not be entered from two threads at once: callers of the
# parallel kernels (a web worker thread, a notebook) hold this lock.
PARALLEL_LOCK = threading.RLock()
INV_SQRT_2PI = 0.3989422804014327
KERNEL_HALF_WIDTH = 7.0  # Gaussian kernel truncated at 7 h: phi(7) / phi(0) = 2.3e-11
NODES_PER_BANDWIDTH = 16.0  # smoothing grid: at least 16 nodes per h, error <= 1/(8*16^2) = 4.9e-4


# --------------------------------------------------------------------------- distances
FLUSH = 16384  # pairs buffered before binning (fits in L2 cache)


@njit(cache=True, fastmath=True)
def _row_bins(x0, y0, z0, xv, yv, zv, sphere, inv_delta, tcap, kv, fv):
    """Bin index and offset of the distances from (x0, y0, z0) to the points of the views xv, yv, zv.

    ``t = d / delta`` is clamped at ``tcap`` (the dump bin of pairs beyond the cap). Works on array
    views indexed from 0 so that LLVM vectorises the loop.
    """
    if sphere:
        two_r = 2.0 * EARTH_RADIUS_KM
        for t in range(xv.shape[0]):
            dx = xv[t] - x0
            dy = yv[t] - y0
            dz = zv[t] - z0
            c = math.sqrt(dx * dx + dy * dy + dz * dz) / two_r
            u = min(two_r * math.asin(min(1.0, c)) * inv_delta, tcap)
            k = np.int32(u)
            kv[t] = k
            fv[t] = u - k
    else:
        for t in range(xv.shape[0]):
            dx = xv[t] - x0
            dy = yv[t] - y0
            u = min(math.sqrt(dx * dx + dy * dy) * inv_delta, tcap)
            k = np.int32(u)
            kv[t] = k
            fv[t] = u - k


@njit(cache=True, fastmath=True)
def _row_weights(w0, wv, fv, wout, wfout):
    for t in range(wv.shape[0]):
        w = w0 * wv[t]
        wout[t] = w
        wfout[t] = w * fv[t]


@njit(cache=True)
def _scatter(kbuf, fbuf, wbuf, wfbuf, m, weighted, acc):
    """Add buffered pairs to the bin sums: acc[0] count, acc[1] offset sum (acc[2], acc[3] weighted)."""
    cnt = acc[0]
    mom = acc[1]
    for j in range(m):
        k = kbuf[j]
        cnt[k] += 1.0
        mom[k] += fbuf[j]
    if weighted:
        wc = acc[2]
        wm = acc[3]
        for j in range(m):
            k = kbuf[j]
            wc[k] += wbuf[j]
            wm[k] += wfbuf[j]


@njit(cache=True)
def _accumulate(xa, ya, za, wa, xb, yb, zb, wb, within, sphere, weighted, dcap, inv_delta, acc, bufs,
                i0, i1):
    """Pairs of rows i in [i0, i1): with j > i of the same set (within) or all j of set B.

    Pairs are buffered (``FLUSH`` at a time), then scattered into the bins; pairs beyond the last two
    bins (past ``dcap``) land in the last bin, which no estimate reads.
    """
    kbuf = bufs[0]
    fbuf = bufs[1]
    wbuf = bufs[2]
    wfbuf = bufs[3]
    size = kbuf.shape[0]
    tcap = float(acc.shape[1] - 1)  # dump bin: the grid has nbins >= dcap / delta + 3
    pos = 0
    nb = xb.shape[0]
    for i in range(i0, i1):
        s0 = i + 1 if within else 0
        while s0 < nb:
            s1 = min(nb, s0 + size - pos)
            p1 = pos + s1 - s0
            _row_bins(xa[i], ya[i], za[i], xb[s0:s1], yb[s0:s1], zb[s0:s1], sphere, inv_delta, tcap,
                      kbuf[pos:p1], fbuf[pos:p1])
            if weighted:
                _row_weights(wa[i], wb[s0:s1], fbuf[pos:p1], wbuf[pos:p1], wfbuf[pos:p1])
            pos += s1 - s0
            s0 = s1
            if pos == size:
                _scatter(kbuf, fbuf, wbuf, wfbuf, pos, weighted, acc)
                pos = 0
    if pos > 0:
        _scatter(kbuf, fbuf, wbuf, wfbuf, pos, weighted, acc)


@njit(cache=True)
def make_buffers(weighted):
    """Scratch of the pair accumulation: bin indices, offsets, and for weights w and w*offset."""
    return (np.empty(FLUSH, dtype=np.int32), np.empty(FLUSH), np.empty(FLUSH if weighted else 1),
            np.empty(FLUSH if weighted else 1))


@njit(cache=True)
def accumulate_within(xs, ys, zs, ws, sphere, weighted, dcap, inv_delta, acc, bufs, i0, i1):
    """Pairs i < j of one point set with i in [i0, i1) (univariate Kd), binned into acc."""
    _accumulate(xs, ys, zs, ws, xs, ys, zs, ws, True, sphere, weighted, dcap, inv_delta, acc, bufs,
                i0, min(i1, xs.shape[0]))


@njit(cache=True)
def accumulate_between(xa, ya, za, wa, xb, yb, zb, wb, sphere, weighted, dcap, inv_delta, acc, bufs):
    """Pairs (i in A, j in B) of two disjoint point sets (bivariate Kd), binned into acc."""
    _accumulate(xa, ya, za, wa, xb, yb, zb, wb, False, sphere, weighted, dcap, inv_delta, acc, bufs,
                0, xa.shape[0])


@njit(cache=True, parallel=True)
def accumulate_within_par(xs, ys, zs, ws, sphere, weighted, dcap, inv_delta, nbins, ncol, nblocks):
    """Parallel univariate accumulation for one large pattern (row blocks of equal pair counts).

    Block accumulators are summed in block order, so the result does not depend on the threads.
    """
    n = xs.shape[0]
    bounds = np.empty(nblocks + 1, dtype=np.int64)
    total = n * (n - 1) / 2.0
    bounds[0] = 0
    i = 0
    done = 0.0
    for b in range(1, nblocks):
        target = total * b / nblocks
        while i < n and done < target:
            done += n - i - 1
            i += 1
        bounds[b] = i
    bounds[nblocks] = n
    parts = np.zeros((nblocks, ncol, nbins))
    for b in prange(nblocks):
        accumulate_within(xs, ys, zs, ws, sphere, weighted, dcap, inv_delta, parts[b], make_buffers(weighted),
                          bounds[b], bounds[b + 1])
    out = np.zeros((ncol, nbins))
    for b in range(nblocks):
        out += parts[b]
    return out


# --------------------------------------------------------------------------- nodes and bandwidth
@njit(cache=True)
def nodes_from_acc(acc, col, nodes):
    """Linear-binned node masses from bin sums (row col: count, col+1: offset sum); the last bin (pairs
    beyond the cap) is left out."""
    nb = acc.shape[1]
    nodes[:] = 0.0
    cnt = acc[col]
    mom = acc[col + 1]
    for k in range(nb - 2):
        c = cnt[k]
        if c != 0.0:
            f = mom[k]
            nodes[k] += c - f
            nodes[k + 1] += f


@njit(cache=True)
def _order_statistic(acc, delta, k0, start_b, start_c, bmax):
    """Value of the order statistic k0 (0-based) of the binned distances.

    Bins hold exact counts and offset sums. The k0-th distance lies in the bin where the cumulative
    count passes k0; inside it the bin's c distances are taken evenly spaced (spacing 1/c) and shifted so
    that their mean offset is the bin's exact mean offset (exact when the bin holds one pair).
    """
    c = start_c
    b = start_b
    while b < bmax:
        m = acc[0, b]
        if m > 0.0 and c + m > k0:
            rho = k0 - c
            mean_f = acc[1, b] / m
            f = mean_f + (rho + 0.5 - 0.5 * m) / m
            if f < 0.0:
                f = 0.0
            elif f > 1.0:
                f = 1.0
            return (b + f) * delta, b, c
        c += m
        b += 1
    return bmax * delta, bmax, c


@njit(cache=True)
def bandwidth_from_acc(acc, delta, kmax):
    """R's ``bw.nrd0`` of the pair distances below 2 r_max (bins 0..kmax-1): (h, N, lo).

    ``h = 0.9 min(sd, IQR/1.34) N^(-1/5)`` (Silverman 1986, eq. 3.31) with the count N, the exact mean,
    the variance (within-bin spread ignored: at most delta^2/12 per pair) and R's type-7 quartiles
    (quantile p interpolates between order statistics floor((N-1)p) and the next).
    """
    cnt = 0.0
    s1 = 0.0
    for b in range(kmax):
        cnt += acc[0, b]
        s1 += acc[0, b] * b + acc[1, b]
    if cnt < 2.0:
        return np.nan, cnt, np.nan
    mean = s1 / cnt
    ss = 0.0
    for b in range(kmax):
        m = acc[0, b]
        if m != 0.0:
            dj = b + acc[1, b] / m - mean
            ss += m * dj * dj
    var = ss / (cnt - 1.0) * delta * delta
    sd = math.sqrt(var) if var > 0.0 else 0.0
    q = np.empty(2)
    b = 0
    c = 0.0
    for t in range(2):
        p = 0.25 if t == 0 else 0.75
        pos = p * (cnt - 1.0)
        k = math.floor(pos)
        frac = pos - k
        x0, b, c = _order_statistic(acc, delta, k, b, c, kmax)
        x1 = x0
        if frac > 0.0:
            x1, _, _ = _order_statistic(acc, delta, k + 1, b, c, kmax)
        q[t] = x0 + frac * (x1 - x0)
    lo = min(sd, (q[1] - q[0]) / 1.34)
    if lo <= 0.0:
        lo = sd
        if lo <= 0.0:
            lo = abs(mean * delta)  # all distances equal: R falls back to |x[1]|
            if lo <= 0.0:
                lo = 1.0
    return 0.9 * lo * cnt ** (-0.2), cnt, lo


# --------------------------------------------------------------------------- smoothing
@njit(cache=True)
def smoothing_factor(delta, m, h):
    """Coarsening factor k (a power of two dividing m) with k * delta <= h / 16."""
    k = 1
    while m % (2 * k) == 0 and 2 * k * delta <= h / NODES_PER_BANDWIDTH:
        k *= 2
    return k


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dot(a, b):
    """Dot product of two equal-length views (indexed from 0 so that LLVM vectorises it)."""
    s = 0.0
    for t in range(a.shape[0]):
        s += a[t] * b[t]
    return s


@njit(cache=True)
def smooth(nodes, delta, m, nr, h, h_refl, total, out):
    """Kd(r_i), r_i = i * m * delta, from linear-binned node masses (kernel h, reflection below 4 h_refl).

    ``Kd(r) = (1/W) sum_pairs w [phi_h(r - d) + 1(d <= 4h) phi_h(r + d)]``: the Gaussian kernel density
    of the pair distances with the distances below 4h reflected around 0, renormalised by the total pair
    weight W (dbmss ``Kdhat``; see ``kd.py`` for why W is the renormalising mass).

    Node masses are re-binned linearly onto a grid coarser by ``k = smoothing_factor`` (first moments
    kept), with at least 16 nodes per h; only nodes below ``r_max + 7h`` are used. Reflection is done on
    the coarse masses (the masses at 0 < x <= 4h mirrored to -x, the node at 0 onto itself), then each
    ``Kd(r_i)`` is one dot product with the kernel.
    """
    k = smoothing_factor(delta, m, h)
    dc = k * delta
    half = int(math.ceil(KERNEL_HALF_WIDTH * h / dc))
    step = m // k
    r_last = (nr - 1) * step
    ncoarse = r_last + half + 2
    nb = nodes.shape[0]
    jmax = min(nb, ncoarse * k)
    # padded[half + q] holds the (reflected) mass at coarse position q, q in [-half, ncoarse]
    padded = np.zeros(ncoarse + 2 * half + 2)
    if k == 1:
        for j in range(jmax):
            padded[half + j] = nodes[j]
    else:
        shift = 0
        while (1 << shift) < k:
            shift += 1
        mask = k - 1
        inv_k = 1.0 / k
        for j in range(jmax):
            v = nodes[j]
            if v != 0.0:
                q = j >> shift
                f = (j & mask) * inv_k
                padded[half + q] += v * (1.0 - f)
                padded[half + q + 1] += v * f
    nrefl = min(int(math.floor(4.0 * h_refl / dc + 1e-9)), half)
    for q in range(1, nrefl + 1):
        padded[half - q] += padded[half + q]
    padded[half] *= 2.0
    # Gaussian weights by the recurrence g(t+1) = g(t) r(t), r(t+1) = r(t) q (two products per node)
    ker = np.empty(2 * half + 1)
    a2 = (dc / h) ** 2
    g = INV_SQRT_2PI / h
    r = math.exp(-0.5 * a2)
    q = math.exp(-a2)
    for t in range(half + 1):
        ker[half + t] = g
        ker[half - t] = g
        g *= r
        r *= q
    inv_total = 1.0 / total
    width = 2 * half + 1
    for i in range(nr):
        out[i] = _dot(padded[i * step:i * step + width], ker) * inv_total


# --------------------------------------------------------------------------- random location
@njit(cache=True)
def floyd_sample(u, nsites, mark, out):
    """Uniform random subset of size len(out) of range(nsites) (Floyd's algorithm; Bentley 1987).

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
    """Fisher-Yates shuffle of a driven by the uniforms u (u[1..n-1] are used)."""
    n = a.shape[0]
    for i in range(n - 1, 0, -1):
        j = int(u[i] * (i + 1))
        if j > i:
            j = i
        tmp = a[i]
        a[i] = a[j]
        a[j] = tmp


# --------------------------------------------------------------------------- one curve
@njit(cache=True)
def curve_from_acc(acc, weighted, delta, m, nr, kmax, total, total_w, nodes, out_kd, out_kemp):
    """Bandwidth and curves from bin sums. Returns h (NaN, curves NaN, if fewer than 2 pairs)."""
    h, cnt, lo = bandwidth_from_acc(acc, delta, kmax)
    if not (h > 0.0):
        out_kd[:] = np.nan
        if weighted:
            out_kemp[:] = np.nan
        return np.nan
    nodes_from_acc(acc, 0, nodes)
    smooth(nodes, delta, m, nr, h, h, total, out_kd)
    if weighted:
        nodes_from_acc(acc, 2, nodes)
        smooth(nodes, delta, m, nr, h, h, total_w, out_kemp)
    return h


@njit(cache=True)
def kd_from_indices(sx, sy, sz, idx_a, wa, idx_b, wb, bivariate, sphere, weighted, dcap, delta, m, nr,
                    kmax, total, total_w, acc, nodes, bufs, out_kd, out_kemp):
    """Kd (and Kemp) of the sites idx_a (around idx_b when bivariate); scratch acc/nodes/buf cleared here."""
    acc[:, :] = 0.0
    inv_delta = 1.0 / delta
    xa = sx[idx_a]
    ya = sy[idx_a]
    za = sz[idx_a]
    if bivariate:
        accumulate_between(xa, ya, za, wa, sx[idx_b], sy[idx_b], sz[idx_b], wb, sphere, weighted, dcap,
                           inv_delta, acc, bufs)
    else:
        accumulate_within(xa, ya, za, wa, sphere, weighted, dcap, inv_delta, acc, bufs, 0, xa.shape[0])
    return curve_from_acc(acc, weighted, delta, m, nr, kmax, total, total_w, nodes, out_kd, out_kemp)


@njit(cache=True)
def _simulate_range(b0, b1, u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted,
                    dcap, delta, m, nr, kmax, total, total_w, nbins, out_kd, out_kemp, out_h):
    nsites = sx.shape[0]
    ntot = na + nb_
    mark = np.zeros(nsites, dtype=np.uint8)
    sample = np.empty(ntot, dtype=np.int64)
    acc = np.zeros((4 if weighted else 2, nbins))
    nodes = np.zeros(nbins)
    bufs = make_buffers(weighted)
    shuffle_needed = weighted or bivariate
    for b in range(b0, b1):
        floyd_sample(u[b, :ntot], nsites, mark, sample)
        if shuffle_needed:
            # Floyd's output order is not exchangeable: shuffle so that the labels (sector, employees)
            # land on the drawn sites uniformly at random (dbmss rRandomLocation = rlabel)
            shuffle_inplace(u[b, ntot:], sample)
        out_h[b] = kd_from_indices(sx, sy, sz, sample[:na], wa_sector, sample[na:], wb_sector, bivariate,
                                   sphere, weighted, dcap, delta, m, nr, kmax, total, total_w, acc, nodes,
                                   bufs, out_kd[b], out_kemp[b])


@njit(cache=True, parallel=True)
def simulate_batch_par(u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted, dcap,
                       delta, m, nr, kmax, total, total_w, nbins, nchunks, out_kd, out_kemp, out_h):
    """Random-location simulations b = 0..B-1 (uniforms u[b]), chunks of simulations in parallel."""
    nsim = u.shape[0]
    for c in prange(nchunks):
        b0 = c * nsim // nchunks
        b1 = (c + 1) * nsim // nchunks
        _simulate_range(b0, b1, u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted,
                        dcap, delta, m, nr, kmax, total, total_w, nbins, out_kd, out_kemp, out_h)


@njit(cache=True, nogil=True)
def simulate_batch_ser(u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere, weighted, dcap,
                       delta, m, nr, kmax, total, total_w, nbins, out_kd, out_kemp, out_h):
    """Serial twin of :func:`simulate_batch_par` (same results, bit for bit); releases the GIL, so that
    several batches can run on Python threads at once."""
    _simulate_range(0, u.shape[0], u, sx, sy, sz, na, wa_sector, nb_, wb_sector, bivariate, sphere,
                    weighted, dcap, delta, m, nr, kmax, total, total_w, nbins, out_kd, out_kemp, out_h)
