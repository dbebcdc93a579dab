"""Footprint location on cell grids: the grids and the entry points of the compiled kernels (numba,
``cache=True``) of :mod:`triplec.mapping._numba_locate_kernels`.

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

from triplec.mapping._numba_kd import PARALLEL_LOCK
from triplec.mapping._numba_locate_kernels import nearest_core, neighbour_mass, union_cores

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
