"""Compiled kernels of footprint location (density groups on a cell grid; numba, ``cache=True``).

Grid DBSCAN (Gunawan 2013; de Berg, Gunawan & Roeloffzen 2017): points are sorted into cubic cells of
side ``s`` anchored at the origin (cell ``floor(x / s)`` per axis; 2-D data carry a zero third
coordinate, so one code path serves projected km and 3-D chord coordinates). A point's neighbours within
``r`` lie in the cells at most ``R = floor(r / s) + 1`` cells away on each axis, found by binary search
in the lexicographically sorted list of non-empty cells: memory is O(points), never O(pairs).

**Exactness.** The predicate is the one of ``scipy.spatial.cKDTree``: the squared distance computed as
``((x_a - x_b)^2 + (y_a - y_b)^2) + (z_a - z_b)^2`` in double precision (no fused multiply-add, no
reassociation: the kernels are compiled without ``fastmath``) compared with ``r^2``. Whole cells are
accepted or skipped by comparing the same expression on the *actual bounding box* of the cell's
members: rounding is monotone (``a <= b`` implies ``fl(a) <= fl(b)``), so the computed distance of every
pair is bracketed by the computed box-to-point (or box-to-box) extremes, and a cell accepted whole
holds only pairs that pass the pairwise test, and a cell skipped only pairs that fail it. Counts and
connectivity are therefore those of the pairwise definition, not an approximation.

Kernels:

- :func:`neighbour_mass` counts (and weighs) the target points within ``r`` of each active query point:
  target cells entirely within ``r`` of the whole query cell are added once per query cell, cells out of
  reach are dropped, the rest are tested per point (box first, then pairwise);
- :func:`union_cores` joins core points within ``r`` (union-find). A cell whose bounding box has a
  diagonal ``<= r`` is a clique; two clique cells are joined as soon as *one* core pair is within ``r``
  (boxes entirely within ``r`` first, then a search that stops at the first pair found);
- :func:`nearest_core` gives each non-core point its nearest core point within the border radius.

Parallel kernels (``prange``) spread strided sets of cells over the threads, so dense towns do not all
land on one thread; callers hold :data:`triplec.mapping._numba_kd.PARALLEL_LOCK`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from triplec.mapping._numba_kd import PARALLEL_LOCK

MAX_CELL_INDEX = 1e10  # |x| / side above this and floor(x / side) loses the precision the reach relies on
TASKS_PER_THREAD = 8  # strided cell sets per thread (load balance between dense and sparse places)


# --------------------------------------------------------------------------- grids
@dataclass(frozen=True)
class CellGrid:
    """Points sorted by cell: coordinates (``x, y, z``), input row of each (``order``), cell offsets
    (``start``, one more than cells), cell coordinates (``cx, cy, cz``, lexicographically increasing)
    and the bounding box of each cell's members (``box``: xlo, xhi, ylo, yhi, zlo, zhi)."""

    side: float
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    order: np.ndarray
    start: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    cz: np.ndarray
    box: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def reach(self, radius: float) -> int:
        """Cells to look at on each side: a point within ``radius`` is at most this many cells away."""
        return int(math.floor(radius / self.side + 1e-5)) + 1

    def cell_sums(self, values_sorted: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values_sorted, self.start[:-1]) if len(values_sorted) else np.zeros(0)


def as_xyz(points, name: str) -> tuple[np.ndarray, int]:
    """Points as an (n, 3) float array (fewer dimensions padded with exact zeros) and their dimension."""
    a = np.asarray(points, dtype=float)
    if a.ndim == 1 and a.size == 0:
        a = a.reshape(0, 2)
    if a.ndim != 2 or not 1 <= a.shape[1] <= 3:
        raise ValueError(f"{name} must be an (n, d) array with d = 1, 2 or 3 coordinates, got shape {a.shape}")
    if not np.isfinite(a).all():
        row = int(np.flatnonzero(~np.isfinite(a).all(axis=1))[0])
        raise ValueError(f"{name}: non-finite coordinates at row {row}")
    dim = a.shape[1]
    out = np.zeros((len(a), 3))
    out[:, :dim] = a
    return out, dim


def build_grid(xyz: np.ndarray, side: float) -> CellGrid:
    """Sort (n, 3) points into cubic cells of ``side`` anchored at the origin."""
    if len(xyz) and float(np.abs(xyz).max()) / side > MAX_CELL_INDEX:
        raise ValueError(
            f"the radius is too small for the size of the coordinates (|coordinate| / cell side = "
            f"{float(np.abs(xyz).max()) / side:.3g} > {MAX_CELL_INDEX:g}); use coordinates in km"
        )
    cells = np.floor(xyz / side).astype(np.int64)
    order = _lexicographic_order(cells)
    cells = cells[order]
    pts = xyz[order]
    if len(pts):
        change = np.flatnonzero(np.any(cells[1:] != cells[:-1], axis=1)) + 1
        first = np.concatenate([[0], change])
    else:
        first = np.zeros(0, dtype=np.int64)
    start = np.concatenate([first, [len(pts)]]).astype(np.int64)
    box = np.empty((len(first), 6))
    for axis in range(3):
        if len(first):
            box[:, 2 * axis] = np.minimum.reduceat(pts[:, axis], first)
            box[:, 2 * axis + 1] = np.maximum.reduceat(pts[:, axis], first)
    ucells = cells[first]
    return CellGrid(side=float(side), x=np.ascontiguousarray(pts[:, 0]), y=np.ascontiguousarray(pts[:, 1]),
                    z=np.ascontiguousarray(pts[:, 2]), order=order, start=start,
                    cx=np.ascontiguousarray(ucells[:, 0]), cy=np.ascontiguousarray(ucells[:, 1]),
                    cz=np.ascontiguousarray(ucells[:, 2]), box=box)


def _lexicographic_order(cells: np.ndarray) -> np.ndarray:
    """Row order sorting integer (n, 3) cells lexicographically: one int64 key when the cells' spans
    allow it (several times faster than ``np.lexsort`` on three keys), else ``np.lexsort``."""
    if len(cells) == 0:
        return np.zeros(0, dtype=np.int64)
    lo = cells.min(axis=0)
    span = [int(v) + 1 for v in cells.max(axis=0) - lo]
    if span[0] * span[1] * span[2] < 2**62:
        rel = cells - lo
        key = (rel[:, 0] * span[1] + rel[:, 1]) * span[2] + rel[:, 2]
        return np.argsort(key, kind="stable")
    return np.lexsort((cells[:, 2], cells[:, 1], cells[:, 0]))


def clique_side(radius: float, dim: int) -> float:
    """Cell side whose diagonal is just under ``radius`` (a margin of 1e-6 keeps rounding on the safe
    side; :func:`union_cores` checks each cell's actual diagonal anyway)."""
    return radius / math.sqrt(dim) * (1.0 - 1e-6)


class SitesIndex:
    """Sites' coordinates ((n, 3), see :func:`as_xyz`) with the last cell grid built on them, reused
    across sectors of one radius. ``total``: the number of all sites when ``xyz`` keeps only those near
    a sector (its length otherwise); ``len()`` gives it."""

    def __init__(self, xyz: np.ndarray, total: int | None = None):
        self.xyz = xyz
        self.total = len(xyz) if total is None else int(total)
        self._grid: CellGrid | None = None

    @classmethod
    def from_points(cls, sites) -> SitesIndex:
        return cls(as_xyz(sites, "sites")[0])

    def __len__(self) -> int:
        return self.total

    def grid(self, side: float) -> CellGrid:
        if self._grid is None or self._grid.side != side:
            self._grid = None  # free the previous grid before building the next
            self._grid = build_grid(self.xyz, side)
        return self._grid


def _ntasks(ncells: int) -> int:
    return max(1, min(ncells, numba.get_num_threads() * TASKS_PER_THREAD))


def neighbour_counts(query: CellGrid, target: CellGrid, radius: float, *, active: np.ndarray | None = None,
                     weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per query point (input order): targets with computed squared distance ``<= radius * radius``,
    and their total weight (``weights`` in the target's input order; the count when None). Points not
    ``active`` (input order) get 0."""
    if query.side != target.side:
        raise ValueError("query and target grids must share the cell side")
    n = len(query)
    act = np.ones(n, dtype=np.bool_) if active is None else np.asarray(active, dtype=np.bool_)[query.order]
    weighted = weights is not None
    tw = np.asarray(weights, float)[target.order] if weighted else np.zeros(0)
    tcellw = target.cell_sums(tw) if weighted else np.zeros(0)
    count = np.zeros(n, dtype=np.int64)
    mass = np.zeros(n)
    reach = target.reach(radius)
    reach_z = reach if (np.any(query.cz != 0) or np.any(target.cz != 0)) else 0
    with PARALLEL_LOCK:
        neighbour_mass(query.x, query.y, query.z, query.start, query.cx, query.cy, query.cz, query.box, act,
                       target.x, target.y, target.z, target.start, target.cx, target.cy, target.cz,
                       target.box, tw, tcellw, weighted, radius * radius, reach, reach_z,
                       _ntasks(len(query.cx)), count, mass)
    out_count = np.empty(n, dtype=np.int64)
    out_mass = np.empty(n)
    out_count[query.order] = count
    out_mass[query.order] = mass
    return out_count, out_mass


def core_groups(grid: CellGrid, core: np.ndarray, radius: float, border_radius: float) -> np.ndarray:
    """Group of each point (input order): the root of its core group for core points, of its nearest
    core within ``border_radius`` (strictly, squared) for the others, -1 when none. ``grid`` must have
    cells no wider than ``radius`` (:func:`clique_side`) for speed; the result does not depend on it."""
    core_s = np.asarray(core, dtype=np.bool_)[grid.order]
    reach = grid.reach(border_radius)
    reach_z = reach if np.any(grid.cz != 0) else 0
    root = union_cores(grid.x, grid.y, grid.z, grid.start, grid.cx, grid.cy, grid.cz, core_s,
                       radius * radius, reach, reach_z)
    best = np.full(len(grid), -1, dtype=np.int64)
    if core_s.any() and not core_s.all():
        with PARALLEL_LOCK:
            nearest_core(grid.x, grid.y, grid.z, grid.start, grid.cx, grid.cy, grid.cz, core_s,
                         border_radius * border_radius, reach, reach_z, _ntasks(len(grid.cx)), best)
    label = root.copy()
    border = ~core_s & (best >= 0)
    label[border] = root[best[border]]
    out = np.empty(len(grid), dtype=np.int64)
    out[grid.order] = label
    return out


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
