"""Compiled kernels of the gridded Kd path for large sectors (projected registers).

Visiting every pair of a 50,000-establishment sample in each of 999 simulations is out of reach, so the
pair-distance histogram of a sample is split in two exact-by-construction parts:

- **short pairs** (exact distance ``d < Rs``): enumerated with a bucket grid of side ``Rs`` and binned at
  their exact distance, as in the pairs path;
- **all other pairs**: counted by displacement on a grid of cells of side ``c``. With ``g`` the sample's
  count grid, the autocorrelation ``A(v) = sum_u g(u) g(u + v)`` (computed by FFT, rounded to integers)
  counts the pairs whose cells are ``v`` apart; from it the short pairs' own contributions are
  subtracted pair by pair, so that every pair is counted once, either exactly or on the grid.

A pair in cells ``v`` apart, its two points uniform in their cells, has displacement ``c (v + e)``
with ``e`` the difference of two uniforms per axis (variance 1/6 per axis): its distance has mean
``~ c sqrt(|v|^2 + 1/6)`` and radial variance ``~ c^2/6``. The gridded pairs are binned at that mean and
smoothed with ``h_L = sqrt(h^2 - c^2/6)``, so that grid blur plus kernel equals the kernel ``h`` of the
exact estimator (a deconvolution, valid for ``c < 2.45 h``; ``c`` is chosen near ``h/2``). What remains
is the departure of the sites from uniformity inside a cell, which only the data can tell: every gridded
plan is checked against the exact path on real simulations and the largest difference is reported.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from triplec.mapping._numba_kd import (
    bandwidth_from_acc,
    floyd_sample,
    nodes_from_acc,
    shuffle_inplace,
    smooth,
)


@njit(cache=True)
def _bin(acc, d, w, weighted, inv_delta, sign):
    t = d * inv_delta
    k = int(t)
    if k + 2 >= acc.shape[1]:
        return
    f = t - k
    acc[0, k] += sign
    acc[1, k] += sign * f
    if weighted:
        acc[2, k] += sign * w
        acc[3, k] += sign * w * f


@njit(cache=True)
def grid_prepare(idx, wts, weighted, sx, sy, cx, cy, rs, bucket_x0, bucket_y0, nbx, nby, c, v0sq, dcap,
                 inv_delta, g, gw, acc_s, acc_l, order, bstart, bcount):
    """One sample: its count grid g (weights gw), its short pairs (exact, into acc_s) and the
    subtraction of their gridded contributions (from acc_l). Scratch: order, bstart (nbx*nby+1), bcount.
    """
    n = idx.shape[0]
    g[:, :] = 0.0
    if weighted:
        gw[:, :] = 0.0
    acc_s[:, :] = 0.0
    acc_l[:, :] = 0.0
    inv_rs = 1.0 / rs
    nb = nbx * nby
    bcount[:] = 0
    bkt = np.empty(n, dtype=np.int64)
    for s in range(n):
        i = idx[s]
        g[cy[i], cx[i]] += 1.0
        if weighted:
            gw[cy[i], cx[i]] += wts[s]
        bx = int((sx[i] - bucket_x0) * inv_rs)
        by = int((sy[i] - bucket_y0) * inv_rs)
        b = by * nbx + bx
        bkt[s] = b
        bcount[b] += 1
    bstart[0] = 0
    for b in range(nb):
        bstart[b + 1] = bstart[b] + bcount[b]
    for b in range(nb):
        bcount[b] = 0
    for s in range(n):
        b = bkt[s]
        order[bstart[b] + bcount[b]] = s
        bcount[b] += 1
    rs2 = rs * rs
    two_sixth = 1.0 / 6.0
    for by in range(nby):
        for bx in range(nbx):
            b = by * nbx + bx
            a0 = bstart[b]
            a1 = bstart[b + 1]
            if a0 == a1:
                continue
            # self, E, NW, N, NE: each unordered pair of buckets once
            for nbr in range(5):
                if nbr == 0:
                    ox, oy = 0, 0
                elif nbr == 1:
                    ox, oy = 1, 0
                elif nbr == 2:
                    ox, oy = -1, 1
                elif nbr == 3:
                    ox, oy = 0, 1
                else:
                    ox, oy = 1, 1
                qx = bx + ox
                qy = by + oy
                if qx < 0 or qx >= nbx or qy >= nby:
                    continue
                q = qy * nbx + qx
                c0 = bstart[q]
                c1 = bstart[q + 1]
                for p in range(a0, a1):
                    si = order[p]
                    i = idx[si]
                    xi = sx[i]
                    yi = sy[i]
                    start = p + 1 if nbr == 0 else c0
                    for pp in range(start, c1):
                        sj = order[pp]
                        j = idx[sj]
                        dx = sx[j] - xi
                        dy = sy[j] - yi
                        d2 = dx * dx + dy * dy
                        if d2 < rs2:
                            w = wts[si] * wts[sj] if weighted else 1.0
                            _bin(acc_s, math.sqrt(d2), w, weighted, inv_delta, 1.0)
                            vx = cx[j] - cx[i]
                            vy = cy[j] - cy[i]
                            vv = vx * vx + vy * vy
                            if vv >= v0sq:
                                dv = c * math.sqrt(vv + two_sixth)
                                if dv < dcap:
                                    _bin(acc_l, dv, w, weighted, inv_delta, -1.0)


@njit(cache=True)
def grid_finish(a, aw, weighted, vflat, vk, vf, acc_s, acc_l, delta, m, nr, kmax, c, total, total_w,
                nodes, out_kd, out_kemp):
    """Add the gridded pair counts A(v) (rounded) to acc_l, then bandwidth and curves. Returns h."""
    af = a.ravel()
    awf = aw.ravel()
    for t in range(vflat.shape[0]):
        cnt = math.floor(af[vflat[t]] + 0.5)
        k = vk[t]
        f = vf[t]
        if cnt != 0.0:
            acc_l[0, k] += cnt
            acc_l[1, k] += cnt * f
        if weighted:
            w = awf[vflat[t]]
            acc_l[2, k] += w
            acc_l[3, k] += w * f
    comb = acc_s[:2, :kmax + 1] + acc_l[:2, :kmax + 1]
    h, cnt, lo = bandwidth_from_acc(comb, delta, kmax)
    if not (h > 0.0):
        out_kd[:] = np.nan
        if weighted:
            out_kemp[:] = np.nan
        return np.nan
    blur2 = c * c / 6.0
    h_l = math.sqrt(max(h * h - blur2, 0.04 * h * h))
    tmp = np.empty(nr)
    nodes_from_acc(acc_s, 0, nodes)
    smooth(nodes, delta, m, nr, h, h, total, out_kd)
    nodes_from_acc(acc_l, 0, nodes)
    smooth(nodes, delta, m, nr, h_l, h, total, tmp)
    for i in range(nr):
        out_kd[i] += tmp[i]
    if weighted:
        nodes_from_acc(acc_s, 2, nodes)
        smooth(nodes, delta, m, nr, h, h, total_w, out_kemp)
        nodes_from_acc(acc_l, 2, nodes)
        smooth(nodes, delta, m, nr, h_l, h, total_w, tmp)
        for i in range(nr):
            out_kemp[i] += tmp[i]
    return h


@njit(cache=True)
def _draw(u, nsites, n, shuffle, mark, sample):
    floyd_sample(u[:n], nsites, mark, sample)
    if shuffle:
        shuffle_inplace(u[n:], sample)


@njit(cache=True, parallel=True)
def prepare_batch_par(u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, c, v0sq, dcap,
                      inv_delta, g, gw, acc_s, acc_l, nchunks):
    """Draw the samples of a batch and prepare them (grids, short pairs), chunks in parallel."""
    nsim = u.shape[0]
    nsites = sx.shape[0]
    for ch in prange(nchunks):
        b0 = ch * nsim // nchunks
        b1 = (ch + 1) * nsim // nchunks
        mark = np.zeros(nsites, dtype=np.uint8)
        sample = np.empty(n, dtype=np.int64)
        order = np.empty(n, dtype=np.int64)
        bstart = np.empty(nbx * nby + 1, dtype=np.int64)
        bcount = np.empty(nbx * nby, dtype=np.int64)
        for b in range(b0, b1):
            _draw(u[b], nsites, n, weighted, mark, sample)
            grid_prepare(sample, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, c, v0sq, dcap,
                         inv_delta, g[b], gw[b], acc_s[b], acc_l[b], order, bstart, bcount)


@njit(cache=True)
def prepare_batch_ser(u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, c, v0sq, dcap,
                      inv_delta, g, gw, acc_s, acc_l):
    """Serial twin of :func:`prepare_batch_par`."""
    nsites = sx.shape[0]
    mark = np.zeros(nsites, dtype=np.uint8)
    sample = np.empty(n, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    bstart = np.empty(nbx * nby + 1, dtype=np.int64)
    bcount = np.empty(nbx * nby, dtype=np.int64)
    for b in range(u.shape[0]):
        _draw(u[b], nsites, n, weighted, mark, sample)
        grid_prepare(sample, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, c, v0sq, dcap,
                     inv_delta, g[b], gw[b], acc_s[b], acc_l[b], order, bstart, bcount)


@njit(cache=True, parallel=True)
def finish_batch_par(a, aw, weighted, vflat, vk, vf, acc_s, acc_l, delta, m, nr, kmax, c, total, total_w,
                     nbins, out_kd, out_kemp, out_h):
    for b in prange(a.shape[0]):
        nodes = np.zeros(nbins)
        out_h[b] = grid_finish(a[b], aw[b], weighted, vflat, vk, vf, acc_s[b], acc_l[b], delta, m, nr, kmax,
                               c, total, total_w, nodes, out_kd[b], out_kemp[b])


@njit(cache=True)
def finish_batch_ser(a, aw, weighted, vflat, vk, vf, acc_s, acc_l, delta, m, nr, kmax, c, total, total_w,
                     nbins, out_kd, out_kemp, out_h):
    nodes = np.zeros(nbins)
    for b in range(a.shape[0]):
        out_h[b] = grid_finish(a[b], aw[b], weighted, vflat, vk, vf, acc_s[b], acc_l[b], delta, m, nr, kmax,
                               c, total, total_w, nodes, out_kd[b], out_kemp[b])
