"""Compiled kernels of footprint location (numba, ``cache=True``): cell lookup, box distances, and the
three kernels :func:`neighbour_mass`, :func:`union_cores` and :func:`nearest_core`.

The cell grids they walk, the exactness argument and the Python entry points are in
:mod:`triplec.mapping._numba_locate`; callers of the parallel kernels hold
:data:`triplec.mapping._numba_kd.PARALLEL_LOCK`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


# --------------------------------------------------------------------------- cell lookup
@njit(cache=True)
def _lex_less(ax, ay, az, bx, by, bz):
    if ax != bx:
        return ax < bx
    if ay != by:
        return ay < by
    return az < bz


@njit(cache=True)
def _first_cell_at_least(ucx, ucy, ucz, kx, ky, kz):
    """Position of the first cell >= (kx, ky, kz) in lexicographic order (binary search)."""
    lo = 0
    hi = ucx.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if _lex_less(ucx[mid], ucy[mid], ucz[mid], kx, ky, kz):
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True)
def _cells_around(cx, cy, cz, reach, reach_z, ucx, ucy, ucz, out):
    """Write into ``out`` the non-empty cells within ``reach`` (``reach_z`` on z) of cell (cx, cy, cz)."""
    m = 0
    nt = ucx.shape[0]
    for ox in range(-reach, reach + 1):
        kx = cx + ox
        for oy in range(-reach, reach + 1):
            ky = cy + oy
            j = _first_cell_at_least(ucx, ucy, ucz, kx, ky, cz - reach_z)
            while j < nt and ucx[j] == kx and ucy[j] == ky and ucz[j] <= cz + reach_z:
                out[m] = j
                m += 1
                j += 1
    return m


# --------------------------------------------------------------------------- distances
@njit(cache=True)
def _d2(ax, ay, az, bx, by, bz):
    """Squared distance, summed in cKDTree's order (axis 0, then 1, then 2)."""
    dx = bx - ax
    dy = by - ay
    dz = bz - az
    s = dx * dx
    s = s + dy * dy
    s = s + dz * dz
    return s


@njit(cache=True)
def _gap(alo, ahi, blo, bhi):
    """Smallest computed |b - a| over a in [alo, ahi], b in [blo, bhi] (0 when the intervals overlap)."""
    if blo > ahi:
        return blo - ahi
    if alo > bhi:
        return alo - bhi
    return 0.0


@njit(cache=True)
def _span(alo, ahi, blo, bhi):
    """Largest computed |b - a| over a in [alo, ahi], b in [blo, bhi]."""
    u = bhi - alo
    v = ahi - blo
    u = u if u >= 0.0 else -u
    v = v if v >= 0.0 else -v
    return u if u >= v else v


@njit(cache=True)
def _box_box_d2(a, b):
    """(min, max) computed squared distance between boxes a and b (rows: xlo, xhi, ylo, yhi, zlo, zhi)."""
    g0 = _gap(a[0], a[1], b[0], b[1])
    g1 = _gap(a[2], a[3], b[2], b[3])
    g2 = _gap(a[4], a[5], b[4], b[5])
    s0 = _span(a[0], a[1], b[0], b[1])
    s1 = _span(a[2], a[3], b[2], b[3])
    s2 = _span(a[4], a[5], b[4], b[5])
    lo = g0 * g0
    lo = lo + g1 * g1
    lo = lo + g2 * g2
    hi = s0 * s0
    hi = hi + s1 * s1
    hi = hi + s2 * s2
    return lo, hi


@njit(cache=True)
def _point_box_min_d2(x, y, z, b):
    g0 = _gap(x, x, b[0], b[1])
    g1 = _gap(y, y, b[2], b[3])
    g2 = _gap(z, z, b[4], b[5])
    s = g0 * g0
    s = s + g1 * g1
    s = s + g2 * g2
    return s


@njit(cache=True)
def _point_box_max_d2(x, y, z, b):
    s0 = _span(x, x, b[0], b[1])
    s1 = _span(y, y, b[2], b[3])
    s2 = _span(z, z, b[4], b[5])
    s = s0 * s0
    s = s + s1 * s1
    s = s + s2 * s2
    return s


# --------------------------------------------------------------------------- neighbourhood mass
@njit(cache=True, parallel=True)
def neighbour_mass(qx, qy, qz, qstart, qcx, qcy, qcz, qbox, active,
                   tx, ty, tz, tstart, tcx, tcy, tcz, tbox, tw, tcellw, weighted,
                   rr, reach, reach_z, ntasks, count, mass):
    """Number (``count``) and weight (``mass``) of the targets within ``sqrt(rr)`` of each active query.

    Query and target points are sorted by cell (``*start``: cell offsets, ``*c{x,y,z}``: cell
    coordinates, ``*box``: bounding boxes of the cells' members). ``tw`` / ``tcellw``: target weights and
    their per-cell sums (used when ``weighted``). Outputs are indexed like the sorted query points.
    """
    nq = qcx.shape[0]
    width = 2 * reach + 1
    maxnb = width * width * (2 * reach_z + 1)
    for task in prange(ntasks):
        around = np.empty(maxnb, dtype=np.int64)
        partial = np.empty(maxnb, dtype=np.int64)
        for c in range(task, nq, ntasks):
            p0 = qstart[c]
            p1 = qstart[c + 1]
            any_active = False
            for i in range(p0, p1):
                if active[i]:
                    any_active = True
                    break
            if not any_active:
                continue
            m = _cells_around(qcx[c], qcy[c], qcz[c], reach, reach_z, tcx, tcy, tcz, around)
            base_n = 0
            base_w = 0.0
            npart = 0
            for t in range(m):
                d = around[t]
                lo, hi = _box_box_d2(qbox[c], tbox[d])
                if lo > rr:
                    continue
                if hi <= rr:  # every pair of the two cells is within the radius
                    base_n += tstart[d + 1] - tstart[d]
                    if weighted:
                        base_w += tcellw[d]
                else:
                    partial[npart] = d
                    npart += 1
            for i in range(p0, p1):
                if not active[i]:
                    continue
                x = qx[i]
                y = qy[i]
                z = qz[i]
                k = base_n
                w = base_w
                for t in range(npart):
                    d = partial[t]
                    box = tbox[d]
                    if _point_box_min_d2(x, y, z, box) > rr:
                        continue
                    j0 = tstart[d]
                    j1 = tstart[d + 1]
                    if _point_box_max_d2(x, y, z, box) <= rr:
                        k += j1 - j0
                        if weighted:
                            w += tcellw[d]
                        continue
                    for j in range(j0, j1):
                        if _d2(x, y, z, tx[j], ty[j], tz[j]) <= rr:
                            k += 1
                            if weighted:
                                w += tw[j]
                count[i] = k
                mass[i] = w if weighted else float(k)


# --------------------------------------------------------------------------- union of core points
@njit(cache=True)
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving
        i = parent[i]
    return i


@njit(cache=True)
def _union(parent, a, b):
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra == rb:
        return False
    if ra < rb:
        parent[rb] = ra
    else:
        parent[ra] = rb
    return True


@njit(cache=True)
def core_boxes(x, y, z, start, core):
    """Per cell: bounding box of its core points, number of cores and the first core (-1: none)."""
    nc = start.shape[0] - 1
    box = np.empty((nc, 6))
    ncore = np.zeros(nc, dtype=np.int64)
    first = np.full(nc, -1, dtype=np.int64)
    for c in range(nc):
        box[c, 0] = np.inf
        box[c, 1] = -np.inf
        box[c, 2] = np.inf
        box[c, 3] = -np.inf
        box[c, 4] = np.inf
        box[c, 5] = -np.inf
        for i in range(start[c], start[c + 1]):
            if not core[i]:
                continue
            if first[c] < 0:
                first[c] = i
            ncore[c] += 1
            box[c, 0] = min(box[c, 0], x[i])
            box[c, 1] = max(box[c, 1], x[i])
            box[c, 2] = min(box[c, 2], y[i])
            box[c, 3] = max(box[c, 3], y[i])
            box[c, 4] = min(box[c, 4], z[i])
            box[c, 5] = max(box[c, 5], z[i])
    return box, ncore, first


@njit(cache=True)
def union_cores(x, y, z, start, cx, cy, cz, core, rr, reach, reach_z):
    """Root (a core point's position, sorted order) of each core point's group; -1 for non-core points.

    Core points ``a, b`` are linked when their computed squared distance is ``<= rr``; groups are the
    connected components of that graph.
    """
    n = x.shape[0]
    nc = cx.shape[0]
    parent = np.arange(n)
    box, ncore, first = core_boxes(x, y, z, start, core)
    clique = np.zeros(nc, dtype=np.bool_)
    for c in range(nc):
        if ncore[c] == 0:
            continue
        lo, hi = _box_box_d2(box[c], box[c])
        if hi <= rr:  # every pair of the cell's cores is within the radius
            clique[c] = True
            for i in range(start[c], start[c + 1]):
                if core[i]:
                    parent[i] = first[c]
        else:  # a cell wider than the radius (only when rounding makes it so): pair by pair
            for i in range(start[c], start[c + 1]):
                if not core[i]:
                    continue
                for j in range(i + 1, start[c + 1]):
                    if core[j] and _d2(x[i], y[i], z[i], x[j], y[j], z[j]) <= rr:
                        _union(parent, i, j)
    width = 2 * reach + 1
    around = np.empty(width * width * (2 * reach_z + 1), dtype=np.int64)
    # two rounds: first the cell pairs joined by their boxes alone (no distance computed), then the
    # searches, which the first round has mostly made unnecessary (the cells are already joined)
    for rnd in range(2):
        for c in range(nc):
            if ncore[c] == 0:
                continue
            m = _cells_around(cx[c], cy[c], cz[c], reach, reach_z, cx, cy, cz, around)
            for t in range(m):
                d = around[t]
                if d <= c or ncore[d] == 0:
                    continue
                lo, hi = _box_box_d2(box[c], box[d])
                if lo > rr:
                    continue
                if clique[c] and clique[d]:
                    if _find(parent, first[c]) == _find(parent, first[d]):
                        continue
                    if hi <= rr:
                        _union(parent, first[c], first[d])
                        continue
                    if rnd == 0:
                        continue
                    found = False
                    for i in range(start[c], start[c + 1]):
                        if not core[i] or _point_box_min_d2(x[i], y[i], z[i], box[d]) > rr:
                            continue
                        for j in range(start[d], start[d + 1]):
                            if core[j] and _d2(x[i], y[i], z[i], x[j], y[j], z[j]) <= rr:
                                found = True
                                break
                        if found:
                            break
                    if found:
                        _union(parent, first[c], first[d])
                elif rnd == 1:
                    for i in range(start[c], start[c + 1]):
                        if not core[i]:
                            continue
                        for j in range(start[d], start[d + 1]):
                            if core[j] and _d2(x[i], y[i], z[i], x[j], y[j], z[j]) <= rr:
                                _union(parent, i, j)
    root = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if core[i]:
            root[i] = _find(parent, i)
    return root


# --------------------------------------------------------------------------- border points
@njit(cache=True, parallel=True)
def nearest_core(x, y, z, start, cx, cy, cz, core, bb, reach, reach_z, ntasks, best):
    """For each non-core point, its nearest core point with computed squared distance ``< bb``.

    ``best[i]``: position (sorted order) of that core, -1 when none. Exact ties (equal computed squared
    distance) go to the core with the lexicographically smallest coordinates (x, then y, then z), so the
    answer does not depend on the row order; cores at one place are in one group anyway.
    """
    nc = cx.shape[0]
    box, ncore, first = core_boxes(x, y, z, start, core)
    width = 2 * reach + 1
    maxnb = width * width * (2 * reach_z + 1)
    for task in prange(ntasks):
        around = np.empty(maxnb, dtype=np.int64)
        for c in range(task, nc, ntasks):
            if ncore[c] == start[c + 1] - start[c]:
                continue  # only cores in this cell
            m = _cells_around(cx[c], cy[c], cz[c], reach, reach_z, cx, cy, cz, around)
            for i in range(start[c], start[c + 1]):
                if core[i]:
                    continue
                xi = x[i]
                yi = y[i]
                zi = z[i]
                top = bb
                pick = -1
                for t in range(m):
                    d = around[t]
                    if ncore[d] == 0:
                        continue
                    low = _point_box_min_d2(xi, yi, zi, box[d])
                    if low > top or (pick < 0 and low >= top):
                        continue
                    for j in range(start[d], start[d + 1]):
                        if not core[j]:
                            continue
                        s = _d2(xi, yi, zi, x[j], y[j], z[j])
                        if s < top:
                            top = s
                            pick = j
                        elif s == top and pick >= 0 and _lex_less(x[j], y[j], z[j], x[pick], y[pick], z[pick]):
                            pick = j
                best[i] = pick
