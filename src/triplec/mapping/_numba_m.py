"""Compiled kernels of Marcon & Puech's M (numba, ``cache=True``), exact as dbmss ``Mhat``.

A neighbour j of a reference point i counts at every distance ``r_k`` with ``d_ij^2 <= r_k^2`` (dbmss
compares squared distances); each pair is put in the first such column ``k`` and the columns are then
summed cumulatively. Nothing is binned or smoothed: the counts are exact.

- Unweighted: every point weighs 1, so the all-points neighbourhood of a site (how many other sites lie
  within ``r``) never changes under random location; :func:`site_neighbour_table` computes it once, and a
  simulation only needs the pairs of the reference points among themselves (``n^2 / 2`` distances).
- Weighted (``PointWeight``): random location permutes the weights of all points over the sites, so
  each reference point's neighbourhood is summed over all sites (``n N`` distances) per simulation.

With few pairs of sites within ``r_max``, the all-sites loops give way to each site's neighbour lists
from a spatial index (:mod:`triplec.mapping._numba_m_index`; ``lists`` = (indptr, neighbour, column), or
three arrays of one element when not used): the same counts and sums, without the far pairs' distances.

Like the Kd kernels, the batch drivers come as ``*_par`` (chunks of simulations in ``prange``) and
``*_ser`` (Dask workers, Python threads); each simulation is computed by one thread, so results are
bit-identical either way.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from triplec.mapping._numba_kd import EARTH_RADIUS_KM, floyd_sample, shuffle_inplace


@njit(cache=True)
def _dist2(x0, y0, z0, x1, y1, z1, sphere):
    """Squared distance (km^2): Euclidean, or great-circle from the chord on the sphere."""
    dx = x1 - x0
    dy = y1 - y0
    if sphere:
        dz = z1 - z0
        two_r = 2.0 * EARTH_RADIUS_KM
        c = math.sqrt(dx * dx + dy * dy + dz * dz) / two_r
        d = two_r * math.asin(min(1.0, c))
        return d * d
    return dx * dx + dy * dy


@njit(cache=True)
def _column(d2, r2, inv_step):
    """First k with d2 <= r2[k] (the caller checked d2 <= r2[-1])."""
    nr = r2.shape[0]
    k = int(math.ceil(math.sqrt(d2) * inv_step))
    if k > nr - 1:
        k = nr - 1
    while k > 0 and d2 <= r2[k - 1]:
        k -= 1
    while d2 > r2[k]:
        k += 1
    return k


@njit(cache=True, parallel=True)
def site_neighbour_table(sx, sy, sz, sphere, r2, inv_step):
    """(N, nr): for each site, how many other sites lie within r_k (cumulative over k)."""
    n = sx.shape[0]
    nr = r2.shape[0]
    out = np.zeros((n, nr))
    r2max = r2[nr - 1]
    for i in prange(n):
        row = out[i]
        for j in range(n):
            if j != i:
                d2 = _dist2(sx[i], sy[i], sz[i], sx[j], sy[j], sz[j], sphere)
                if d2 <= r2max:
                    row[_column(d2, r2, inv_step)] += 1.0
        for k in range(1, nr):
            row[k] += row[k - 1]
    return out


@njit(cache=True)
def _finish(nint, nall, g, out):
    """M(r_k) = sum_i nint/nall over the points with nall > 0, divided by their sum of global ratios."""
    n = nint.shape[0]
    nr = out.shape[0]
    for k in range(nr):
        num = 0.0
        den = 0.0
        for a in range(n):
            tot = nall[a, k]
            if tot > 0.0:
                num += nint[a, k] / tot
                den += g[a]
        out[k] = num / den if den > 0.0 else np.nan


@njit(cache=True)
def m_unweighted(sx, sy, sz, sphere, r2, inv_step, idx, table, g, nint, nall, out):
    """M of the reference points at sites idx (weights 1); table from :func:`site_neighbour_table`."""
    n = idx.shape[0]
    nr = r2.shape[0]
    r2max = r2[nr - 1]
    nint[:n, :] = 0.0
    for a in range(n):
        ia = idx[a]
        for b in range(a + 1, n):
            ib = idx[b]
            d2 = _dist2(sx[ia], sy[ia], sz[ia], sx[ib], sy[ib], sz[ib], sphere)
            if d2 <= r2max:
                k = _column(d2, r2, inv_step)
                nint[a, k] += 1.0
                nint[b, k] += 1.0
    for a in range(n):
        for k in range(1, nr):
            nint[a, k] += nint[a, k - 1]
        nall[a, :] = table[idx[a], :]
    _finish(nint[:n], nall[:n], g, out)


@njit(cache=True)
def m_weighted(sx, sy, sz, sphere, r2, inv_step, idx, wsite, isref, g, nint, nall, out):
    """M of the reference points at sites idx, the sites holding weights wsite (isref: reference type)."""
    n = idx.shape[0]
    ns = sx.shape[0]
    nr = r2.shape[0]
    r2max = r2[nr - 1]
    nint[:n, :] = 0.0
    nall[:n, :] = 0.0
    for a in range(n):
        s = idx[a]
        x0 = sx[s]
        y0 = sy[s]
        z0 = sz[s]
        for t in range(ns):
            if t != s:
                d2 = _dist2(x0, y0, z0, sx[t], sy[t], sz[t], sphere)
                if d2 <= r2max:
                    k = _column(d2, r2, inv_step)
                    nall[a, k] += wsite[t]
                    if isref[t]:
                        nint[a, k] += wsite[t]
        for k in range(1, nr):
            nint[a, k] += nint[a, k - 1]
            nall[a, k] += nall[a, k - 1]
    _finish(nint[:n], nall[:n], g, out)


@njit(cache=True)
def m_weighted_lists(indptr, nbr, col, nr, idx, wsite, isref, g, nint, nall, out):
    """As :func:`m_weighted`, walking each site's neighbours within r_max (:mod:`._numba_m_index`; in
    increasing order, so the sums are the same bit for bit)."""
    n = idx.shape[0]
    nint[:n, :] = 0.0
    nall[:n, :] = 0.0
    for a in range(n):
        s = idx[a]
        for q in range(indptr[s], indptr[s + 1]):
            t = nbr[q]
            k = col[q]
            nall[a, k] += wsite[t]
            if isref[t]:
                nint[a, k] += wsite[t]
        for k in range(1, nr):
            nint[a, k] += nint[a, k - 1]
            nall[a, k] += nall[a, k - 1]
    _finish(nint[:n], nall[:n], g, out)


@njit(cache=True)
def _simulate_m_range(b0, b1, u, sx, sy, sz, sphere, r2, inv_step, n, table, g_const, weights, is_sector,
                      w_sector_total, w_all_total, weighted, lists, out):
    ns = sx.shape[0]
    nr = r2.shape[0]
    nint = np.zeros((n, nr))
    nall = np.zeros((n, nr))
    idx = np.empty(n, dtype=np.int64)
    g = np.full(n, g_const)
    if weighted:
        perm = np.empty(ns, dtype=np.int64)
        wsite = np.empty(ns)
        isref = np.zeros(ns, dtype=np.uint8)
    else:
        mark = np.zeros(ns, dtype=np.uint8)
    for b in range(b0, b1):
        if weighted:
            # rlabel: the marks of all points (type and weight) permuted over the sites
            for s in range(ns):
                perm[s] = s
            shuffle_inplace(u[b], perm)
            c = 0
            for s in range(ns):
                p = perm[s]
                wsite[s] = weights[p]
                isref[s] = is_sector[p]
                if is_sector[p]:
                    idx[c] = s
                    g[c] = (w_sector_total - weights[p]) / (w_all_total - weights[p])
                    c += 1
            if lists[0].shape[0] > 1:
                m_weighted_lists(lists[0], lists[1], lists[2], nr, idx, wsite, isref, g, nint, nall, out[b])
            else:
                m_weighted(sx, sy, sz, sphere, r2, inv_step, idx, wsite, isref, g, nint, nall, out[b])
        else:
            floyd_sample(u[b, :n], ns, mark, idx)
            m_unweighted(sx, sy, sz, sphere, r2, inv_step, idx, table, g, nint, nall, out[b])


@njit(cache=True, parallel=True)
def simulate_m_par(u, sx, sy, sz, sphere, r2, inv_step, n, table, g_const, weights, is_sector,
                   w_sector_total, w_all_total, weighted, lists, nchunks, out):
    """Random-location simulations of M, b = 0..B-1 driven by u[b], chunks of simulations in parallel."""
    nsim = u.shape[0]
    for c in prange(nchunks):
        _simulate_m_range(c * nsim // nchunks, (c + 1) * nsim // nchunks, u, sx, sy, sz, sphere, r2, inv_step,
                          n, table, g_const, weights, is_sector, w_sector_total, w_all_total, weighted, lists, out)


@njit(cache=True, nogil=True)
def simulate_m_ser(u, sx, sy, sz, sphere, r2, inv_step, n, table, g_const, weights, is_sector,
                   w_sector_total, w_all_total, weighted, lists, out):
    """Serial twin of :func:`simulate_m_par` (same results, bit for bit); releases the GIL."""
    _simulate_m_range(0, u.shape[0], u, sx, sy, sz, sphere, r2, inv_step, n, table, g_const, weights,
                      is_sector, w_sector_total, w_all_total, weighted, lists, out)
