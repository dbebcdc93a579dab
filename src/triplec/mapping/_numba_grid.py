"""Compiled kernels of the gridded Kd path for large sectors (projected registers).

Visiting every pair of a 50,000-establishment sample in each of 999 simulations is out of reach, so the
pair-distance histogram of a sample is split in parts that count every pair once:

- **short pairs** (exact distance ``d < Rs``): enumerated with a bucket grid of side ``Rs`` and binned at
  their exact distance, as in the pairs path;
- **the other pairs up to** ``D_f = r_max + 9 h``: counted by displacement on a grid of cells of side
  ``c``. With ``g`` the sample's count grid, the autocorrelation ``A(v) = sum_u g(u) g(u + v)``
  (by FFT, rounded to integers) counts the pairs whose cells are ``v`` apart; the short pairs, tallied
  per cell offset while they are enumerated, are subtracted from it;
- **pairs beyond** ``T = D_f - 2C`` (only for the bandwidth, which needs the pairs up to ``2 r_max``):
  the same autocorrelation on a coarse grid of side ``C``.

A pair in cells ``v`` apart, its two points uniform in their cells, has displacement ``c (v + e)`` with
``e`` the difference of two uniforms per axis (variance 1/6 per axis): its distance has mean
``~ c sqrt(|v|^2 + 1/6)`` and radial variance ``~ c^2 / 6``. Gridded pairs are binned at that mean and
smoothed with ``h_L = sqrt(h^2 - c^2 / 6)``, so that grid blur plus kernel equals the exact estimator's
kernel ``h`` (a deconvolution, valid for ``c < 2.45 h``). What remains is the departure of the sites from
uniformity inside a cell, which only the data can tell: every gridded plan is checked against the exact
path on a real simulation and the difference is reported.
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


@njit(cache=True, fastmath=True)
def _d2_row(x0, y0, xv, yv, out):
    for t in range(xv.shape[0]):
        dx = xv[t] - x0
        dy = yv[t] - y0
        out[t] = dx * dx + dy * dy


@njit(cache=True)
def grid_prepare(idx, wts, weighted, sx, sy, cx, cy, rs, bucket_x0, bucket_y0, nbx, nby, vtab, coarse_m,
                 inv_delta, g, gw, gc, acc_s, tab, tabw, bstart, bcount, px_s, py_s, pcx, pcy, pw, d2buf):
    """One sample: count grids (fine g, weights gw, coarse gc), exact short pairs into acc_s, and the
    tally of the short pairs per cell offset (tab, tabw; offset (vx, vy) at [vy, vx + vtab]).
    """
    n = idx.shape[0]
    g[:, :] = 0.0
    if weighted:
        gw[:, :] = 0.0
    if coarse_m > 0:
        gc[:, :] = 0.0
    acc_s[:, :] = 0.0
    tab[:, :] = 0.0
    if weighted:
        tabw[:, :] = 0.0
    inv_rs = 1.0 / rs
    nb = nbx * nby
    bcount[:] = 0
    bkt = np.empty(n, dtype=np.int64)
    for s in range(n):
        i = idx[s]
        g[cy[i], cx[i]] += 1.0
        if weighted:
            gw[cy[i], cx[i]] += wts[s]
        if coarse_m > 0:
            gc[cy[i] // coarse_m, cx[i] // coarse_m] += 1.0
        b = int((sy[i] - bucket_y0) * inv_rs) * nbx + int((sx[i] - bucket_x0) * inv_rs)
        bkt[s] = b
        bcount[b] += 1
    bstart[0] = 0
    for b in range(nb):
        bstart[b + 1] = bstart[b] + bcount[b]
        bcount[b] = 0
    # gather the sample sorted by bucket: contiguous coordinates for the pair loops
    for s in range(n):
        b = bkt[s]
        p = bstart[b] + bcount[b]
        bcount[b] += 1
        i = idx[s]
        px_s[p] = sx[i]
        py_s[p] = sy[i]
        pcx[p] = cx[i]
        pcy[p] = cy[i]
        pw[p] = wts[s] if weighted else 1.0
    rs2 = rs * rs
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
                c1 = bstart[q + 1]
                for p in range(a0, a1):
                    start = p + 1 if nbr == 0 else bstart[q]
                    m = c1 - start
                    if m <= 0:
                        continue
                    _d2_row(px_s[p], py_s[p], px_s[start:c1], py_s[start:c1], d2buf[:m])
                    for t in range(m):
                        d2 = d2buf[t]
                        if d2 < rs2:
                            pp = start + t
                            w = pw[p] * pw[pp]
                            u = math.sqrt(d2) * inv_delta
                            k = int(u)
                            acc_s[0, k] += 1.0
                            acc_s[1, k] += u - k
                            if weighted:
                                acc_s[2, k] += w
                                acc_s[3, k] += w * (u - k)
                            vx = pcx[pp] - pcx[p]
                            vy = pcy[pp] - pcy[p]
                            if vy < 0 or (vy == 0 and vx < 0):
                                vx = -vx
                                vy = -vy
                            tab[vy, vx + vtab] += 1.0
                            if weighted:
                                tabw[vy, vx + vtab] += w


@njit(cache=True)
def _add_gridded(af, vflat, vx, vy, vk, vf, tab, vtab, acc, col, rounding):
    """Add A(v) (minus the short pairs tallied at v) to the bins of the listed offsets."""
    for t in range(vflat.shape[0]):
        a = af[vflat[t]]
        if rounding:
            a = math.floor(a + 0.5)
        ty = vy[t]
        tx = vx[t] + vtab
        if ty < tab.shape[0] and 0 <= tx < tab.shape[1]:
            a -= tab[ty, tx]
        if a != 0.0:
            k = vk[t]
            acc[col, k] += a
            acc[col + 1, k] += a * vf[t]


@njit(cache=True)
def grid_finish(a, aw, ac, weighted, vflat, vx, vy, vk, vf, cflat, ck, cf, kt, vtab, tab, tabw, acc_s, acc_l,
                delta, m, nr, kmax, c, total, total_w, nodes, out_kd, out_kemp):
    """Gridded pair counts into acc_l, then the bandwidth (with the coarse counts beyond bin kt) and the
    curves. Returns h."""
    acc_l[:, :] = 0.0
    _add_gridded(a.ravel(), vflat, vx, vy, vk, vf, tab, vtab, acc_l, 0, True)
    if weighted:
        _add_gridded(aw.ravel(), vflat, vx, vy, vk, vf, tabw, vtab, acc_l, 2, False)
    comb = acc_s[:2, :kmax + 1] + acc_l[:2, :kmax + 1]
    if cflat.shape[0] > 0:
        comb[:, kt:] = 0.0
        acf = ac.ravel()
        for t in range(cflat.shape[0]):
            cnt = math.floor(acf[cflat[t]] + 0.5)
            k = ck[t]
            if k < kmax:
                comb[0, k] += cnt
                comb[1, k] += cnt * cf[t]
    h, cnt, lo = bandwidth_from_acc(comb, delta, kmax)
    if not (h > 0.0):
        out_kd[:] = np.nan
        if weighted:
            out_kemp[:] = np.nan
        return np.nan
    h_l = math.sqrt(max(h * h - c * c / 6.0, 0.04 * h * h))
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


@njit(cache=True)
def _prepare_range(b0, b1, u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, vtab, coarse_m,
                   inv_delta, g, gw, gc, acc_s, tab, tabw):
    nsites = sx.shape[0]
    mark = np.zeros(nsites, dtype=np.uint8)
    sample = np.empty(n, dtype=np.int64)
    bstart = np.empty(nbx * nby + 1, dtype=np.int64)
    bcount = np.empty(nbx * nby, dtype=np.int64)
    px_s = np.empty(n)
    py_s = np.empty(n)
    pcx = np.empty(n, dtype=np.int64)
    pcy = np.empty(n, dtype=np.int64)
    pw = np.empty(n)
    d2buf = np.empty(n)
    for b in range(b0, b1):
        _draw(u[b], nsites, n, weighted, mark, sample)
        grid_prepare(sample, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, vtab, coarse_m,
                     inv_delta, g[b], gw[b], gc[b], acc_s[b], tab[b], tabw[b], bstart, bcount, px_s, py_s,
                     pcx, pcy, pw, d2buf)


@njit(cache=True, parallel=True)
def prepare_batch_par(u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, vtab, coarse_m,
                      inv_delta, g, gw, gc, acc_s, tab, tabw, nchunks):
    """Draw the samples of a batch and prepare them (grids, short pairs), chunks in parallel."""
    nsim = u.shape[0]
    for ch in prange(nchunks):
        _prepare_range(ch * nsim // nchunks, (ch + 1) * nsim // nchunks, u, n, w_sector, weighted, sx, sy,
                       cx, cy, rs, bx0, by0, nbx, nby, vtab, coarse_m, inv_delta, g, gw, gc, acc_s, tab, tabw)


@njit(cache=True)
def prepare_batch_ser(u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, vtab, coarse_m,
                      inv_delta, g, gw, gc, acc_s, tab, tabw):
    """Serial twin of :func:`prepare_batch_par`."""
    _prepare_range(0, u.shape[0], u, n, w_sector, weighted, sx, sy, cx, cy, rs, bx0, by0, nbx, nby, vtab,
                   coarse_m, inv_delta, g, gw, gc, acc_s, tab, tabw)


@njit(cache=True, parallel=True)
def finish_batch_par(a, aw, ac, weighted, vflat, vx, vy, vk, vf, cflat, ck, cf, kt, vtab, tab, tabw, acc_s,
                     acc_l, delta, m, nr, kmax, c, total, total_w, nbins, nchunks, out_kd, out_kemp, out_h):
    nsim = a.shape[0]
    for ch in prange(nchunks):
        nodes = np.zeros(nbins)
        accl = np.zeros((acc_l.shape[0], nbins))
        for b in range(ch * nsim // nchunks, (ch + 1) * nsim // nchunks):
            out_h[b] = grid_finish(a[b], aw[b], ac[b], weighted, vflat, vx, vy, vk, vf, cflat, ck, cf, kt,
                                   vtab, tab[b], tabw[b], acc_s[b], accl, delta, m, nr, kmax, c, total,
                                   total_w, nodes, out_kd[b], out_kemp[b])


@njit(cache=True)
def finish_batch_ser(a, aw, ac, weighted, vflat, vx, vy, vk, vf, cflat, ck, cf, kt, vtab, tab, tabw, acc_s,
                     acc_l, delta, m, nr, kmax, c, total, total_w, nbins, out_kd, out_kemp, out_h):
    nodes = np.zeros(nbins)
    accl = np.zeros((acc_l.shape[0], nbins))
    for b in range(a.shape[0]):
        out_h[b] = grid_finish(a[b], aw[b], ac[b], weighted, vflat, vx, vy, vk, vf, cflat, ck, cf, kt, vtab,
                               tab[b], tabw[b], acc_s[b], accl, delta, m, nr, kmax, c, total, total_w,
                               nodes, out_kd[b], out_kemp[b])
