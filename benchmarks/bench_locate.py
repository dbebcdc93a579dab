"""Footprint location of a large sector: compiled cell-grid kernels against the previous cKDTree code.

The register is the synthetic 1,000,000-establishment country of ``bench_kd_million.py`` (1000 x 1000 km,
400 towns, Zipf(0.7) sector sizes). Its four largest 4-digit-like sectors are merged into one sector of
~130,000 establishments (as a 2-digit code would aggregate them). The sector's concentrations are located
with :func:`triplec.mapping.locate.dense_groups` as ``locate_footprints`` calls it: radius 10 km,
employment weights relative to the sector mean, ``min_samples=5`` and the local over-representation test
against all 1,000,000 sites (``local_alpha=0.01``).

Baseline in the same process: the previous implementation (cKDTree neighbour counts, neighbour lists a
bounded chunk at a time, sparse connected components; copied below as it left the library), on the full
sector (1.5-2.5 minutes on the 2-core development machine) or, with ``--baseline-n N``, on a random
subsample of N establishments to keep it short. Both implementations run on the same input and their
labels and core masks are compared.

    python benchmarks/bench_locate.py                       # 130k sector, plane, baseline on all of it
    python benchmarks/bench_locate.py --baseline-n 30000    # baseline (and its comparison) on 30k
    python benchmarks/bench_locate.py --geometry sphere     # the same country in lon/lat (3-D chords)
    python benchmarks/bench_locate.py --scale 0.1           # a smaller register

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import numba
import numpy as np
from bench_kd_million import generate_register

from triplec.mapping import _numba_locate as nl
from triplec.mapping.locate import EARTH_RADIUS_KM, dense_groups


# --------------------------------------------------------------------------------------------------
# The previous implementation (triplec.mapping.locate.dense_groups before the compiled kernels), verbatim.
def baseline_dense_groups(
    points: np.ndarray,
    sites: np.ndarray,
    radius: float,
    *,
    min_samples: int = 5,
    weights: np.ndarray | None = None,
    local_alpha: float | None = 0.01,
    sites_tree=None,
) -> tuple[np.ndarray, np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree
    from scipy.stats import hypergeom

    n = len(points)
    labels = np.full(n, -1)
    if n == 0:
        return labels, np.zeros(0, dtype=bool)
    # Neighbourhoods are counted, or listed a bounded chunk at a time: memory never grows with the
    # number of pairs within the radius (a large dense sector can have hundreds of millions).
    tree = cKDTree(points)
    k = tree.query_ball_point(points, radius, return_length=True)  # the point itself included
    if weights is None:
        mass = k.astype(float)
    else:
        omega = np.asarray(weights, float)
        mass = np.empty(n)
        for chunk in _chunks(k):
            owner, neighbour = _neighbour_lists(tree, points[chunk], radius, k[chunk])
            mass[chunk] = np.bincount(owner, omega[neighbour], minlength=len(chunk))
    core = mass >= min_samples - 1e-9  # DBSCAN: weight of the neighbourhood, the point itself included
    if local_alpha is not None:
        big_n = len(sites)
        tree_all = sites_tree if sites_tree is not None else cKDTree(sites)
        m = tree_all.query_ball_point(points, radius, return_length=True) - 1
        own = k - 1
        m = np.maximum(m, own)  # the sector's own neighbours are among the sites near it
        p = hypergeom.sf(own - 1, big_n - 1, n - 1, m) if big_n > 1 else np.ones(n)
        core &= p <= local_alpha
    cores = np.flatnonzero(core)
    if len(cores) == 0:
        return labels, core
    # core points within the radius of each other: one group (union by connected components, chunk by chunk)
    core_points = points[cores]
    core_tree = cKDTree(core_points)
    kc = core_tree.query_ball_point(core_points, radius, return_length=True)
    group = np.arange(len(cores))
    for chunk in _chunks(kc):
        owner, neighbour = _neighbour_lists(core_tree, core_points[chunk], radius, kc[chunk])
        a, b = group[chunk[owner]], group[neighbour]
        graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(cores), len(cores)))
        _, component = connected_components(graph, directed=False)
        group = component[group]
    labels[cores] = group
    # border points: the group of their nearest core point within the radius
    others = np.flatnonzero(~core)
    if len(others):
        distance, nearest = core_tree.query(points[others], k=1, distance_upper_bound=radius * (1 + 1e-12))
        near = np.isfinite(distance)
        labels[others[near]] = group[nearest[near]]
    # renumber groups 0..g-1 by first appearance
    used = labels >= 0
    _, first_seen, inverse = np.unique(labels[used], return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first_seen))
    labels[used] = rank[inverse]
    return labels, core


_PAIRS_PER_CHUNK = 4_000_000


def _chunks(counts: np.ndarray, budget: int | None = None):
    """Consecutive index ranges whose neighbour counts add up to at most ``budget`` (at least one row)."""
    budget = _PAIRS_PER_CHUNK if budget is None else budget
    total = np.cumsum(counts)
    start = 0
    while start < len(counts):
        before = total[start - 1] if start else 0
        end = max(int(np.searchsorted(total, before + budget, side="right")), start + 1)
        yield np.arange(start, end)
        start = end


def _neighbour_lists(tree, queries: np.ndarray, radius: float, counts: np.ndarray):
    """(query position, neighbour index) of every pair within ``radius``, as two flat arrays."""
    from itertools import chain

    lists = tree.query_ball_point(queries, radius)
    total = int(counts.sum())
    neighbour = np.fromiter(chain.from_iterable(lists), dtype=np.intp, count=total)
    owner = np.repeat(np.arange(len(queries)), counts)
    return owner, neighbour


# --------------------------------------------------------------------------------------------------
def to_space(x_km: np.ndarray, y_km: np.ndarray, geometry: str) -> np.ndarray:
    """Plane: the km coordinates. Sphere: the country placed around (2 E, 46.5 N) by an equirectangular
    inverse, then 3-D chord coordinates (km), as ``locate`` does for lon/lat registers."""
    if geometry == "plane":
        return np.column_stack([x_km, y_km])
    lat = 46.5 + (y_km - 500.0) / (EARTH_RADIUS_KM * math.pi / 180.0)
    lon = 2.0 + (x_km - 500.0) / (EARTH_RADIUS_KM * math.cos(math.radians(46.5)) * math.pi / 180.0)
    lam, phi = np.radians(lon), np.radians(lat)
    c = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack([c * np.cos(lam), c * np.sin(lam), np.sin(phi)])


def timed(fn, *args, **kwargs):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0, time.process_time() - c0


def pairs_within(points: np.ndarray, radius: float) -> int:
    xyz, _ = nl.as_xyz(points, "points")
    grid = nl.build_grid(xyz, radius / 4.0)
    count, _ = nl.neighbour_counts(grid, grid, radius)
    return int((count - 1).sum() // 2)


def compare(a, b) -> str:
    same_labels = bool((a[0] == b[0]).all())
    same_core = bool((a[1] == b[1]).all())
    verdict = "IDENTICAL" if same_labels and same_core else "DIFFERENT"
    return (f"{verdict} (labels equal: {same_labels}, {int((a[0] != b[0]).sum())} differ; core masks equal: "
            f"{same_core}, {int((a[1] != b[1]).sum())} differ)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the 1,000,000 establishments")
    ap.add_argument("--merge", type=int, default=4, help="largest sectors merged into the located sector")
    ap.add_argument("--radius", type=float, default=10.0, help="neighbourhood radius (km)")
    ap.add_argument("--min-samples", type=int, default=5)
    ap.add_argument("--alpha", type=float, default=0.01, help="local test level (0: plain DBSCAN)")
    ap.add_argument("--unweighted", action="store_true", help="no employment weights")
    ap.add_argument("--geometry", choices=["plane", "sphere"], default="plane")
    ap.add_argument("--baseline-n", type=int, default=0,
                    help="random subsample of the sector for the baseline (0: the full sector)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    threads = numba.get_num_threads()
    n_all = int(round(1_000_000 * args.scale))
    t0 = time.perf_counter()
    df = generate_register(n=n_all, seed=args.seed)
    sizes = df["sector"].value_counts()
    merged = list(sizes.index[: args.merge])
    rows = np.flatnonzero(df["sector"].isin(merged).to_numpy())
    sites = to_space(df["x"].to_numpy(float), df["y"].to_numpy(float), args.geometry)
    points = sites[rows]
    emp = df["employees"].to_numpy(float)[rows]
    weights = None if args.unweighted else emp / emp.mean()
    alpha = None if args.alpha <= 0 else args.alpha
    radius = args.radius if args.geometry == "plane" else \
        2.0 * EARTH_RADIUS_KM * math.sin(args.radius / (2.0 * EARTH_RADIUS_KM))
    print(f"register: {len(df):,} establishments, {len(sizes)} sectors (built in {time.perf_counter() - t0:.1f} s); "
          f"located sector: {len(rows):,} establishments ({' + '.join(f'{s} ({sizes[s]:,})' for s in merged)})")
    print(f"settings: {args.geometry} ({sites.shape[1]}-D), radius {args.radius} km, min_samples {args.min_samples}, "
          f"{'unweighted' if weights is None else 'employment-weighted'}, local_alpha {alpha}, "
          f"{threads} threads")
    print(f"pairs of the sector within the radius: {pairs_within(points, radius):,}")
    kw = dict(min_samples=args.min_samples, weights=weights, local_alpha=alpha)

    small = np.random.default_rng(1).uniform(0, 50, (500, sites.shape[1]))
    _, compile_s, _ = timed(dense_groups, small, small, 5.0, weights=np.ones(500), local_alpha=0.05)
    print(f"compilation / cache load of the kernels: {compile_s:.1f} s (once per environment; not counted)")

    (labels, core), wall, cpu = timed(dense_groups, points, sites, radius, **kw)
    print(f"NEW  full sector ({len(rows):,}): {wall:.2f} s wall, {cpu:.2f} s CPU; {labels.max() + 1} groups, "
          f"{int(core.sum()):,} core points, {int((labels >= 0).sum()):,} establishments in groups")
    peak_new = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory so far (register + new kernels): {peak_new:,.0f} MB")

    if args.baseline_n and args.baseline_n < len(rows):
        pick = np.sort(np.random.default_rng(2).choice(len(rows), args.baseline_n, replace=False))
        sub_points, sub_w = points[pick], (None if weights is None else weights[pick])
        label = f"random subsample ({args.baseline_n:,} of {len(rows):,}, --baseline-n)"
    else:
        pick, sub_points, sub_w = None, points, weights
        label = f"full sector ({len(rows):,})"
    sub_kw = dict(kw, weights=sub_w)
    print(f"pairs of the baseline's input within the radius: {pairs_within(sub_points, radius):,}")
    old, old_wall, old_cpu = timed(baseline_dense_groups, sub_points, sites, radius, **sub_kw)
    print(f"OLD  {label}: {old_wall:.2f} s wall, {old_cpu:.2f} s CPU; {old[0].max() + 1} groups")
    if pick is None:
        new, new_wall, new_cpu = (labels, core), wall, cpu
    else:
        new, new_wall, new_cpu = timed(dense_groups, sub_points, sites, radius, **sub_kw)
    print(f"NEW  {label}: {new_wall:.2f} s wall, {new_cpu:.2f} s CPU; {new[0].max() + 1} groups")
    print(f"labels and cores, new vs old: {compare(new, old)}")
    print(f"speed-up on the same input: {old_wall / new_wall:.1f}x wall, {old_cpu / new_cpu:.1f}x CPU")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory at the end: {peak:,.0f} MB (register and both implementations)")
    print("note: wall times depend on what else runs on the machine; CPU-seconds are this process's own.")


if __name__ == "__main__":
    main()
