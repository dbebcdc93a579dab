"""Pairs processed per second per core, and the time of a 1,000,000-establishment, 500-sector screen.

The register is generated: a 1000 x 1000 km country with 400 towns (Zipf populations, Gaussian spreads
of 3-20 km), 20% of establishments scattered in the countryside, 500 sectors with Zipf(0.7) sizes (the
largest ~53,000 establishments, the smallest ~700) and sector-specific home towns for the localised ones.

Baseline in the same process: the pairs path (every pair of every simulated sample visited) timed on a
few simulations of the sectors, giving the pairs-per-second-per-core figure and the time the screen would
take if every sector used it; then the real screen (automatic path choice) runs in full.

    python benchmarks/bench_kd_million.py                 # the full benchmark (999 simulations)
    python benchmarks/bench_kd_million.py --scale 0.1 --sims 99   # a smaller run

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np
import pandas as pd

from triplec.mapping import PointRegister, screen_sectors
from triplec.mapping.engines import SimPlan, batch_size_for, run_batch, sector_key
from triplec.mapping.kd import SiteArrays, make_grid, pair_total


def generate_register(n: int = 1_000_000, n_sectors: int = 500, side: float = 1000.0, seed: int = 0,
                      n_towns: int = 400) -> pd.DataFrame:
    """A synthetic country-sized register with skewed sector sizes and town clustering."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.05 * side, 0.95 * side, (n_towns, 2))
    pop = 1.0 / np.arange(1, n_towns + 1)
    pop /= pop.sum()
    spread = 3.0 + 17.0 * np.sqrt(pop / pop[0])
    raw = np.arange(1, n_sectors + 1) ** -0.7
    sizes = np.floor(raw / raw.sum() * n).astype(int)
    sizes[: n - sizes.sum()] += 1
    xs, ys, secs = [], [], []
    for k, size in enumerate(sizes):
        localised = rng.random() < 0.6
        strength = rng.uniform(0.05, 0.6) if localised else 0.0
        n_home = int(round(size * strength))
        n_rural = int(round((size - n_home) * 0.2))
        n_town = size - n_home - n_rural
        town = rng.choice(n_towns, size=n_town, p=pop)
        pts = [centres[town] + rng.normal(size=(n_town, 2)) * spread[town, None],
               rng.uniform(0, side, (n_rural, 2))]
        if n_home:
            homes = rng.choice(n_towns, size=rng.integers(1, 4), replace=False)
            h = rng.choice(homes, size=n_home)
            pts.append(centres[h] + rng.normal(size=(n_home, 2)) * (0.5 * spread[h, None]))
        p = np.clip(np.vstack(pts), 0.0, side)
        xs.append(p[:, 0])
        ys.append(p[:, 1])
        secs += [f"S{k + 1:03d}"] * size
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    emp = 1 + np.floor(rng.lognormal(1.5, 1.2, n)).astype(int)
    return pd.DataFrame({"id": np.arange(n), "sector": secs, "x": x, "y": y, "employees": emp})


def pairs_rate(reg: PointRegister, sectors: list[str], r_max: float, r_step: float, sims: int):
    """Pairs path on a few simulations of given sectors: (pairs visited, seconds)."""
    sites = SiteArrays.from_register(reg)
    pairs = 0.0
    seconds = 0.0
    cpu = 0.0
    for s in sectors:
        idx = reg.indices(s)
        n = len(idx)
        grid = make_grid(r_max, r_step, h_hint=5.0, lo_hint=150.0)
        total, total_w = pair_total(n, None)
        plan = SimPlan(sector=s, other=None, n_a=n, n_b=0, w_a=None, w_b=None, grid=grid, total=total,
                       total_w=total_w, sims=sims, seed=1, key=sector_key(s), batch=min(sims, batch_size_for(n)))
        t0, c0 = time.perf_counter(), time.process_time()
        run_batch(plan, 0, sites, parallel=True)
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        pairs += plan.batch_sims(0) * n * (n - 1) / 2.0
    return pairs, seconds, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the 1,000,000 establishments")
    ap.add_argument("--sims", type=int, default=999)
    ap.add_argument("--r-max", type=float, default=300.0)
    ap.add_argument("--r-step", type=float, default=5.0)
    ap.add_argument("--sectors", type=int, default=500)
    ap.add_argument("--baseline-sims", type=int, default=4, help="simulations per sector for the baseline")
    args = ap.parse_args()
    cores = numba.get_num_threads()
    n = int(round(1_000_000 * args.scale))
    t0 = time.perf_counter()
    df = generate_register(n=n, n_sectors=args.sectors)
    reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", x_col="x", y_col="y",
                                   weight_col="employees")
    sizes = reg.sector_counts
    print(f"register: {reg.n:,} establishments, {len(sizes)} sectors, largest {sizes.iloc[0]:,}, "
          f"median {int(sizes.median()):,}, smallest {sizes.iloc[-1]:,} (built in {time.perf_counter() - t0:.1f} s)")
    print(f"screen: r_max {args.r_max} km, r_step {args.r_step} km, {args.sims} simulations, {cores} cores")

    # baseline: the pairs path, every pair of every sample, on a few sectors of various sizes
    probe = [sizes.index[i] for i in sorted({0, 2, 10, 50, min(200, len(sizes) - 1)})]
    pairs_rate(reg, probe[-1:], args.r_max, args.r_step, 2)  # compile
    pairs, secs, cpu = pairs_rate(reg, probe, args.r_max, args.r_step, args.baseline_sims)
    rate = pairs / secs / cores
    rate_cpu = pairs / cpu
    all_pairs = float((sizes * (sizes - 1) / 2).sum()) * args.sims
    print(f"pairs path: {pairs:.3e} pairs in {secs:.1f} s wall, {cpu:.1f} s CPU: "
          f"{rate:.3e} pairs/s/core by wall time, {rate_cpu:.3e} pairs per CPU-second")
    print(f"pairs path for the whole screen (extrapolated linearly in pairs): {all_pairs:.3e} pairs, "
          f"~{all_pairs / (rate * cores) / 60:.0f} min wall, {all_pairs / rate_cpu / 3600:.1f} CPU-hours")

    t0, c0 = time.perf_counter(), time.process_time()
    last = [0.0]

    def progress(done, total):
        now = time.perf_counter()
        if now - last[0] > 60 or done == total:
            last[0] = now
            print(f"  {done:,}/{total:,} simulated curves, {now - t0:.0f} s", flush=True)

    res = screen_sectors(reg, r_max=args.r_max, r_step=args.r_step, sims=args.sims, seed=1, min_n=30,
                         progress=progress)
    wall = time.perf_counter() - t0
    cpu_screen = time.process_time() - c0
    t = res.table
    print(f"screen: {len(t)} sectors in {wall:.1f} s ({wall / 60:.1f} min) wall, {cpu_screen:.0f} CPU-seconds "
          f"(= {cpu_screen / cores / 60:.1f} min on {cores} idle cores); methods: "
          f"{t.method.value_counts().to_dict()}; localised {int(t.localised.sum())}, q<0.05 "
          f"{int((t.q_value < 0.05).sum())}")
    if "method_check" in t:
        print(f"grid path check against the pairs path (max |diff| / max of curve): "
              f"{t.method_check.max():.2e}")
    print(f"equivalent rate: {all_pairs / wall / cores:.3e} pairs/s/core by wall time, "
          f"{all_pairs / cpu_screen:.3e} pairs per CPU-second")
    print(f"speed-up over the pairs path (extrapolated): {all_pairs / (rate * cores) / wall:.1f}x by wall time, "
          f"{all_pairs / rate_cpu / cpu_screen:.1f}x by CPU time")
    print("note: wall times depend on what else runs on the machine; CPU-seconds are this process's own.")


if __name__ == "__main__":
    main()
