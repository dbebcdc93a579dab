"""All-sector Kd screen of the French IREP register against a straightforward NumPy implementation.

Screen: mainland facilities (Lambert II etendu metres -> km), every NAF code with >= 30 facilities
(79 codes), r = 0..300 km by 5 km, 999 random-location simulations, local band, Duranton-Overman global
band and dbmss global envelope, Gamma/Psi, p-values and q-values.

Baseline, in the same process: the same estimator written the obvious way, per simulation
``rng.choice`` of the sites, ``scipy.spatial.distance.pdist`` of all pairs, R's bw.nrd0 with
``np.quantile``/``np.std``, reflection below 4h and a Gaussian kernel sum at every r. It is timed on the
first ``--baseline-sims`` simulations of every code (curves and local band; the global bands are left
to the favour of the baseline) and extrapolated linearly to 999 (said so below).
For scale, dbmss (KdEnvelope, Global = TRUE) needs 7 min 14 s for this screen on a machine like this.

    python benchmarks/bench_kd_screen.py [--sims 999] [--baseline-sims 10]

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd
from scipy.spatial.distance import pdist
from scipy.stats import norm

from triplec.mapping import PointRegister, screen_sectors
from triplec.mapping import envelopes as env

REPO = Path(__file__).resolve().parents[1]
IREP = REPO / "src" / "triplec" / "registry" / "data" / "irep_france_facilities_etablissements.csv"
DBMSS_SECONDS = 7 * 60 + 14


def load_register() -> PointRegister:
    df = pd.read_csv(IREP, dtype=str)
    x = pd.to_numeric(df["Coordonnees_X"], errors="coerce")
    y = pd.to_numeric(df["Coordonnees_Y"], errors="coerce")
    mainland = (x > 0) & (x < 1.3e6) & (y > 1.6e6) & (y < 2.8e6)
    return PointRegister.from_frame(df[mainland], id_col="Identifiant", sector_col="Code_APE",
                                    x_col="Coordonnees_X", y_col="Coordonnees_Y", unit="m")


def numpy_kd(points: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Kd the straightforward way: every pair distance, bw.nrd0, reflection, Gaussian kernel sum."""
    d = pdist(points)
    near = d[d <= 2 * r.max()]
    q1, q3 = np.quantile(near, [0.25, 0.75])
    h = 0.9 * min(near.std(ddof=1), (q3 - q1) / 1.34) * len(near) ** -0.2
    ext = np.concatenate([d, -d[d <= 4 * h]])
    return norm.pdf(r[:, None] - ext[None, :], scale=h).sum(axis=1) / len(d)


def baseline(reg: PointRegister, codes, r, sims_timed: int, seed: int = 1):
    """Time the NumPy screen on the first sims_timed simulations of every code; return the extrapolated
    time of the full screen and the observed curves."""
    xy = reg.coords
    rng = np.random.default_rng(seed)
    per_code = []
    observed = {}
    t_total = 0.0
    for code in codes:
        idx = reg.indices(code)
        t0 = time.perf_counter()
        observed[code] = numpy_kd(xy[idx], r)
        sims = np.vstack([numpy_kd(xy[rng.choice(reg.n, len(idx), replace=False)], r)
                          for _ in range(sims_timed)])
        env.local_band(sims, 0.05)
        dt = time.perf_counter() - t0
        t_total += dt
        per_code.append(dt / sims_timed)
    return np.array(per_code), observed, t_total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sims", type=int, default=999)
    ap.add_argument("--baseline-sims", type=int, default=10)
    args = ap.parse_args()
    cores = numba.get_num_threads()
    reg = load_register()
    counts = reg.sector_counts
    codes = sorted(counts[counts >= 30].index)
    r = np.arange(0, 301, 5.0)
    pairs = sum(n * (n - 1) / 2 for n in counts[codes])
    print(f"IREP mainland: {reg.n:,} facilities, {len(codes)} NAF codes with >= 30 facilities, "
          f"{pairs:,.0f} pairs per round of simulations; {args.sims} simulations; {numba.get_num_threads()} cores")

    # warm-up: compile / load the numba kernels outside the timing
    screen_sectors(reg, sims=20, sectors=codes[:2])

    t0, c0 = time.perf_counter(), time.process_time()
    res = screen_sectors(reg, r_max=300, r_step=5, sims=args.sims, alpha=0.05, seed=1, min_n=30)
    ours, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
    t = res.table
    print(f"triplec screen: {ours:.2f} s wall ({ours_cpu:.2f} s CPU); {int(t.localised.sum())} localised, "
          f"{int((t.q_value < 0.05).sum())} with q < 0.05; methods {t.method.value_counts().to_dict()}")

    per_sim, observed, spent = baseline(reg, codes, r, args.baseline_sims)
    full = float(per_sim.sum() * (args.sims + 1))
    print(f"NumPy baseline (pdist + kernel sum): ran {args.baseline_sims} simulations of every code in "
          f"{spent:.1f} s; extrapolated linearly to {args.sims} simulations: {full:.0f} s "
          f"({full / 60:.1f} min)")
    curves = res.curves.set_index("sector")
    worst = max(float(np.max(np.abs(curves.loc[c, "kd"].to_numpy() - observed[c])) / observed[c].max())
                for c in codes)
    print(f"observed curves, triplec vs NumPy baseline: largest difference {worst:.2e} of the curve maximum")
    print(f"speed-up over the NumPy baseline: {full / ours:.0f}x by wall time (target >= 50x)")
    print(f"speed-up over dbmss (7 min 14 s): {DBMSS_SECONDS / ours:.0f}x by wall time (aim 100x, i.e. ~4 s); "
          f"our CPU-seconds / {cores} cores = {ours_cpu / cores:.2f} s, i.e. {DBMSS_SECONDS / (ours_cpu / cores):.0f}x "
          f"on an idle machine")
    print("note: wall times depend on what else runs on the machine; CPU-seconds are this process's own.")


if __name__ == "__main__":
    main()
