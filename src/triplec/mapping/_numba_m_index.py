"""M's neighbour lists from a spatial index: the pairs of sites within the largest distance, found by
``scipy.spatial.cKDTree.query_pairs`` instead of all ``N^2`` distances, when few pairs are that close.

Each site's list holds its neighbours within ``r_max`` in increasing order, with the distance column of
each pair (as :func:`triplec.mapping._numba_m._column`). Walking a list visits the same neighbours in the
same order as the all-sites loops of :mod:`triplec.mapping._numba_m`, which skip the far ones, so every
count and every sum of weights is the same, bit for bit: the index only saves the far pairs' distances.
The tree is queried a little beyond ``r_max`` and each pair is then checked with the kernels' own
squared distance, so a pair at the edge counts exactly as there.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from triplec.mapping._numba_kd import EARTH_RADIUS_KM
from triplec.mapping._numba_m import _column, _dist2

INDEX_SHARE = 0.1  # unweighted (the table, once): the index pays below this share of all pairs within r_max
MAX_LIST_ENTRIES = 40_000_000  # weighted (every simulation walks the lists): up to about 320 MB of lists
SAMPLE = 2000  # sites sampled to estimate that share


def index_pays(share: float, n_sites: int, weighted: bool) -> bool:
    """Whether the lists are worth building: for the unweighted table (computed once) only with few close
    pairs; for weighted simulations (each walks every reference point's neighbours) whenever they fit in
    :data:`MAX_LIST_ENTRIES` (on the French register at 300 km, a third of all pairs, 4x less CPU).

    >>> index_pays(0.3, 10_000, weighted=False), index_pays(0.3, 10_000, weighted=True)
    (False, True)
    """
    if weighted:
        return share * n_sites * (n_sites - 1) <= MAX_LIST_ENTRIES
    return share <= INDEX_SHARE


def tree_points(sx, sy, sz, sphere):
    return np.column_stack([sx, sy, sz]) if sphere else np.column_stack([sx, sy])


def query_radius(r_max: float, sphere: bool) -> float:
    """The tree's radius for ``r_max`` km: the chord of that great-circle distance on the sphere; a little
    more, the exact check is the kernels'."""
    if sphere:
        half = min(r_max / (2.0 * EARTH_RADIUS_KM), math.pi / 2)
        return 2.0 * EARTH_RADIUS_KM * math.sin(half) * (1 + 1e-9) + 1e-9
    return r_max * (1 + 1e-9) + 1e-9


def close_share(tree, points, radius: float, seed: int = 0) -> float:
    """Estimated share of all pairs of sites within ``radius`` (a fixed sample of sites, so the choice is
    the same every run)."""
    n = len(points)
    if n < 2:
        return 1.0
    rows = np.random.default_rng(seed).choice(n, size=min(n, SAMPLE), replace=False)
    found = tree.query_ball_point(points[rows], radius, return_length=True)
    return float((np.asarray(found).sum() - len(rows)) / (len(rows) * (n - 1)))


def neighbour_lists(sx, sy, sz, sphere, r2, inv_step, force: bool = False, weighted: bool = False):
    """(indptr, neighbour, column) of every site's neighbours within ``r_max``, or None when the index
    would not pay (:func:`index_pays`) unless ``force``."""
    from scipy.spatial import cKDTree

    points = tree_points(sx, sy, sz, sphere)
    tree = cKDTree(points)
    radius = query_radius(math.sqrt(float(r2[-1])), sphere)
    if not force and not index_pays(close_share(tree, points, radius), len(points), weighted):
        return None
    pairs = tree.query_pairs(radius, output_type="ndarray")
    indptr, nbr, col = build_lists(np.ascontiguousarray(pairs[:, 0], dtype=np.int64),
                                   np.ascontiguousarray(pairs[:, 1], dtype=np.int64), sx, sy, sz, sphere, r2,
                                   inv_step)
    # sorted from Python: a cached njit function calling a cached parallel one crashes when both are
    # loaded from numba's cache in a later process (seen with numba 0.61)
    _sort_rows(indptr, nbr, col)
    return indptr, nbr, col


@njit(cache=True)
def build_lists(pi, pj, sx, sy, sz, sphere, r2, inv_step):
    n = sx.shape[0]
    r2max = r2[r2.shape[0] - 1]
    npairs = pi.shape[0]
    cols = np.full(npairs, -1, dtype=np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for p in range(npairs):
        i, j = pi[p], pj[p]
        d2 = _dist2(sx[i], sy[i], sz[i], sx[j], sy[j], sz[j], sphere)
        if d2 <= r2max:
            cols[p] = _column(d2, r2, inv_step)
            indptr[i + 1] += 1
            indptr[j + 1] += 1
    for s in range(n):
        indptr[s + 1] += indptr[s]
    nbr = np.empty(indptr[n], dtype=np.int32)
    col = np.empty(indptr[n], dtype=np.int32)
    fill = indptr[:n].copy()
    for p in range(npairs):
        if cols[p] >= 0:
            i, j = pi[p], pj[p]
            nbr[fill[i]] = j
            col[fill[i]] = cols[p]
            fill[i] += 1
            nbr[fill[j]] = i
            col[fill[j]] = cols[p]
            fill[j] += 1
    return indptr, nbr, col


@njit(cache=True, parallel=True)
def _sort_rows(indptr, nbr, col):
    for s in prange(indptr.shape[0] - 1):
        a, b = indptr[s], indptr[s + 1]
        order = np.argsort(nbr[a:b])
        nbr[a:b] = nbr[a:b][order]
        col[a:b] = col[a:b][order]


@njit(cache=True, parallel=True)
def table_from_lists(indptr, col, nr):
    """As :func:`triplec.mapping._numba_m.site_neighbour_table`, from the lists."""
    n = indptr.shape[0] - 1
    out = np.zeros((n, nr))
    for i in prange(n):
        row = out[i]
        for q in range(indptr[i], indptr[i + 1]):
            row[col[q]] += 1.0
        for k in range(1, nr):
            row[k] += row[k - 1]
    return out
