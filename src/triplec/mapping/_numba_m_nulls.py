"""Compiled simulations of M under dbmss's other null hypotheses (numba, ``cache=True``).

One simulation permutes the marks of the establishments listed in ``movable`` over their own sites (a
Fisher-Yates shuffle driven by one row of uniforms), then computes M of the reference sites exactly
(:func:`triplec.mapping._numba_m.m_weighted`, or its neighbour-list twin) with the global ratios of the
permuted pattern. ``labels_only``: the sector labels move, the weights stay at their sites (dbmss
``rRandomLabelingM``); otherwise label and weight move together (``rlabel``). Which establishments move is
the caller's choice (all of them, or all but the reference sector's). Each simulation is computed by one
thread, so ``*_par`` and ``*_ser`` give the same curves, bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from triplec.mapping._numba_kd import shuffle_inplace
from triplec.mapping._numba_m import m_weighted, m_weighted_lists


@njit(cache=True)
def _null_range(b0, b1, u, sx, sy, sz, sphere, r2, inv_step, weights, is_ref, is_nb, movable, labels_only,
                intertype, lists, out):
    ns = sx.shape[0]
    nr = r2.shape[0]
    nmove = movable.shape[0]
    n_ref = 0
    w_all = 0.0
    for s in range(ns):
        n_ref += is_ref[s]
        w_all += weights[s]
    perm = np.empty(nmove, dtype=np.int64)
    wsite = np.empty(ns)
    ref_site = np.empty(ns, dtype=np.uint8)
    nb_site = np.empty(ns, dtype=np.uint8)
    idx = np.empty(n_ref, dtype=np.int64)
    g = np.empty(n_ref)
    nint = np.zeros((n_ref, nr))
    nall = np.zeros((n_ref, nr))
    for b in range(b0, b1):
        for s in range(ns):
            wsite[s] = weights[s]
            ref_site[s] = is_ref[s]
            nb_site[s] = is_nb[s]
        for k in range(nmove):
            perm[k] = movable[k]
        shuffle_inplace(u[b], perm)
        for k in range(nmove):
            s = movable[k]
            p = perm[k]
            ref_site[s] = is_ref[p]
            nb_site[s] = is_nb[p]
            if not labels_only:
                wsite[s] = weights[p]
        w_nb = 0.0
        for s in range(ns):
            if nb_site[s]:
                w_nb += wsite[s]
        c = 0
        for s in range(ns):
            if ref_site[s]:
                idx[c] = s
                own = 0.0 if intertype else wsite[s]
                g[c] = (w_nb - own) / (w_all - wsite[s])
                c += 1
        if lists[0].shape[0] > 1:
            m_weighted_lists(lists[0], lists[1], lists[2], nr, idx, wsite, nb_site, g, nint, nall, out[b])
        else:
            m_weighted(sx, sy, sz, sphere, r2, inv_step, idx, wsite, nb_site, g, nint, nall, out[b])


@njit(cache=True, parallel=True)
def simulate_null_par(u, sx, sy, sz, sphere, r2, inv_step, weights, is_ref, is_nb, movable, labels_only, intertype,
                      lists, nchunks, out):
    """Simulations b = 0..B-1 driven by u[b], chunks of simulations in parallel."""
    nsim = u.shape[0]
    for c in prange(nchunks):
        _null_range(c * nsim // nchunks, (c + 1) * nsim // nchunks, u, sx, sy, sz, sphere, r2, inv_step, weights,
                    is_ref, is_nb, movable, labels_only, intertype, lists, out)


@njit(cache=True, nogil=True)
def simulate_null_ser(u, sx, sy, sz, sphere, r2, inv_step, weights, is_ref, is_nb, movable, labels_only, intertype,
                      lists, out):
    """Serial twin of :func:`simulate_null_par` (same results, bit for bit); releases the GIL."""
    _null_range(0, u.shape[0], u, sx, sy, sz, sphere, r2, inv_step, weights, is_ref, is_nb, movable, labels_only,
                intertype, lists, out)
