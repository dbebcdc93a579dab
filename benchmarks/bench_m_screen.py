"""All-sector M screen of the French IREP register against a straightforward NumPy implementation and,
when R and dbmss are installed, against dbmss ``MEnvelope``.

Screen: mainland facilities (Lambert II etendu metres -> km), every NAF code with >= 30 facilities
(79 codes), r = 0..300 km by 5 km, 999 random-location simulations (the marks permuted over the sites,
dbmss ``rRandomLocation``), local band, Duranton-Overman global band and dbmss global envelope,
localisation calls, p-values and q-values: the M part of ``screen_sectors(..., statistics="kd,m")``.

Baseline, in the same process: M written the obvious way, per simulation ``rng.choice`` of the sites,
``scipy.spatial.distance.cdist`` from the sector's sites to all sites and, at every r, the counts of
neighbours of the sector and of all establishments. It is timed on the first ``--baseline-sims``
simulations of every code and extrapolated linearly to the full screen (said so below).

dbmss: when ``Rscript -e 'library(dbmss)'`` works, ``MEnvelope(X, r, NumberOfSimulations, Alpha = 0.05,
ReferenceType = code)`` is timed for every code on ``--dbmss-sims`` simulations and extrapolated
linearly to the full screen; otherwise the script says that it is skipped. The local envelope is asked
for: with so few simulations dbmss's ``GlobalEnvelope`` stops ("more simulations are necessary"), and
its cost beside the simulations is small (it is left to dbmss's favour). (CRAN is not
reachable from the development machine: there dbmss was rebuilt from its public repository, keeping
the files this screen calls, ``Mhat``, ``MEnvelope``, ``rRandomLocation``, ``FillEnvelope``,
``GlobalEnvelope``, ``wmppp`` and the C++ ``parallelCountNbd``, whose M matches the reference curves of
dbmss 2.9-2 to 4e-15 of their maximum.)

Spatial index (``--index-sims``, 0 = skip; ``--index-only`` runs just this part): the same screen with and
without the neighbour lists of a cKDTree (``MSites.build(index=True/False)``), at r = 0..300 km (the
screen above: about a third of all pairs of sites are that close) and at
r = 0..50 km by 1 km, unweighted and weighted (the IREP file has no employees: made-up weights, a fixed
log-normal draw, only to time the weighted kernels); the curves must be identical (printed) and the
ratio of the times is printed.

    python benchmarks/bench_m_screen.py [--sims 999] [--baseline-sims 3] [--dbmss-sims 19] [--index-sims 199]

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from triplec.mapping import PointRegister
from triplec.mapping import _numba_m_index as nmi
from triplec.mapping import screen_m as sm
from triplec.mapping.engines import make_engine
from triplec.mapping.kd import SiteArrays
from triplec.mapping.mstat import MSites

REPO = Path(__file__).resolve().parents[1]
IREP = REPO / "src" / "triplec" / "registry" / "data" / "irep_france_facilities_etablissements.csv"
R_SCRIPT = r"""
suppressMessages(library(dbmss))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], colClasses = c("character", "numeric", "numeric"))
nsim <- as.integer(args[2])
X <- wmppp(data.frame(X = df$x, Y = df$y, PointType = df$code), window = owin(range(df$x), range(df$y)))
r <- seq(0, 300, 5)
codes <- sort(unique(df$code)); codes <- codes[table(df$code)[codes] >= 30]
t0 <- Sys.time()
for (code in codes) {
  MEnvelope(X, r = r, NumberOfSimulations = nsim, Alpha = 0.05, ReferenceType = code, Global = FALSE,
            verbose = FALSE)
}
cat(as.numeric(difftime(Sys.time(), t0, units = "secs")), length(codes), "\n")
"""


def load_register() -> PointRegister:
    df = pd.read_csv(IREP, dtype=str)
    x = pd.to_numeric(df["Coordonnees_X"], errors="coerce")
    y = pd.to_numeric(df["Coordonnees_Y"], errors="coerce")
    mainland = (x > 0) & (x < 1.3e6) & (y > 1.6e6) & (y < 2.8e6)
    return PointRegister.from_frame(df[mainland], id_col="Identifiant", sector_col="Code_APE",
                                    x_col="Coordonnees_X", y_col="Coordonnees_Y", unit="m")


def m_screen(reg: PointRegister, codes, sims: int, seed: int = 1, r_max: float = 300.0, r_step: float = 5.0,
             weighted: bool = False, index: bool | None = None):
    """The M part of the sector screen: observed curves, simulations on the local engine, verdicts."""
    sites = SiteArrays.from_register(reg)
    msites, observed, plans = sm.prepare(reg, sites, codes, r_max, r_step, sims, seed, weighted)
    if index is not None and msites is not None:  # the same shared data, the index forced on or off
        msites = MSites.build(reg, msites.r, weighted, sites, index=index)
    batches = make_engine(None).run(plans, msites)
    table = pd.DataFrame({"sector": list(codes)})
    curves = pd.DataFrame({"sector": np.repeat(list(codes), len(msites.r)), "r": np.tile(msites.r, len(codes))})
    return sm.add_m(table, curves, observed, batches, 0.05, msites.r)


def numpy_m(xy: np.ndarray, ref: np.ndarray, r: np.ndarray) -> np.ndarray:
    """M the straightforward way: distances from the reference points to all sites, counts within r."""
    d = cdist(xy[ref], xy)
    d[np.arange(len(ref)), ref] = np.inf  # the point itself is not its neighbour
    g = (len(ref) - 1) / (len(xy) - 1)
    out = np.empty(len(r))
    for k, rk in enumerate(r):
        near = d <= rk
        n_all = near.sum(axis=1)
        n_sector = near[:, ref].sum(axis=1)
        ok = n_all > 0
        out[k] = (n_sector[ok] / n_all[ok]).sum() / (g * ok.sum()) if ok.any() else np.nan
    return out


def baseline(reg: PointRegister, codes, r, sims_timed: int, seed: int = 1):
    xy = reg.coords[:, :2]
    rng = np.random.default_rng(seed)
    per_sim, observed, spent = [], {}, 0.0
    for code in codes:
        idx = reg.indices(code)
        t0 = time.perf_counter()
        observed[code] = numpy_m(xy, idx, r)
        for _ in range(sims_timed):
            numpy_m(xy, rng.choice(reg.n, len(idx), replace=False), r)
        dt = time.perf_counter() - t0
        spent += dt
        per_sim.append(dt / (sims_timed + 1))
    return np.array(per_sim), observed, spent


def dbmss_seconds(reg: PointRegister, sims: int) -> tuple[float, int] | str:
    """(seconds, codes) of the dbmss screen on ``sims`` simulations, or why it was skipped."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed"
    check = subprocess.run(["Rscript", "-e", "library(dbmss)"], capture_output=True, text=True)
    if check.returncode != 0:
        return f"library(dbmss) fails: {check.stderr.strip().splitlines()[-1] if check.stderr.strip() else '?'}"
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame({"code": reg.sectors, "x": reg.coords[:, 0], "y": reg.coords[:, 1]})
        frame.to_csv(Path(tmp) / "points.csv", index=False)
        (Path(tmp) / "screen.R").write_text(R_SCRIPT, encoding="utf-8")
        done = subprocess.run(["Rscript", str(Path(tmp) / "screen.R"), str(Path(tmp) / "points.csv"), str(sims)],
                              capture_output=True, text=True)
    if done.returncode != 0:
        return f"the dbmss screen failed: {done.stderr.strip()[-300:]}"
    seconds, n_codes = done.stdout.split()
    return float(seconds), int(n_codes)


def index_comparison(reg: PointRegister, codes, sims: int) -> None:
    """The screen with and without the spatial index: identical curves, the ratio of the times."""
    weights = np.random.default_rng(7).lognormal(2.5, 1.2, reg.n).round() + 1
    weighted_reg = PointRegister.from_frame(
        pd.DataFrame({"id": reg.ids, "code": reg.sectors, "x": reg.coords[:, 0], "y": reg.coords[:, 1], "emp": weights}),
        id_col="id", sector_col="code", x_col="x", y_col="y", weight_col="emp")
    for r_max, r_step in ((300.0, 5.0), (50.0, 1.0)):
        for weighted in (False, True):
            register = weighted_reg if weighted else reg
            m_screen(register, codes[:2], sims, r_max=r_max, r_step=r_step, weighted=weighted, index=True)  # compile
            times, curves = {}, {}
            for index in (False, True):
                t0, c0 = time.perf_counter(), time.process_time()
                _, curves[index] = m_screen(register, codes, sims, r_max=r_max, r_step=r_step, weighted=weighted,
                                            index=index)
                times[index] = (time.perf_counter() - t0, time.process_time() - c0)
            cols = ["m", "m_lo", "m_hi"]
            same = curves[True][cols].equals(curves[False][cols])
            points = register.coords[:, :2]
            share = nmi.close_share(cKDTree(points), points, nmi.query_radius(r_max, False))
            print(f"index, r <= {r_max:g} km, {'weighted' if weighted else 'unweighted'}, {sims} simulations: "
                  f"all-sites {times[False][0]:.2f} s wall ({times[False][1]:.2f} s CPU), index "
                  f"{times[True][0]:.2f} s wall ({times[True][1]:.2f} s CPU): {times[False][1] / times[True][1]:.2f}x "
                  f"by CPU; curves identical: {same}; {share:.1%} of the pairs within r_max, so the screen "
                  f"{'uses' if nmi.index_pays(share, register.n, weighted) else 'does not use'} the index by default")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sims", type=int, default=999)
    ap.add_argument("--baseline-sims", type=int, default=3)
    ap.add_argument("--dbmss-sims", type=int, default=19)
    ap.add_argument("--index-sims", type=int, default=199)
    ap.add_argument("--index-only", action="store_true")
    args = ap.parse_args()
    cores = numba.get_num_threads()
    reg = load_register()
    counts = reg.sector_counts
    codes = sorted(counts[counts >= 30].index)
    r = np.arange(0, 301, 5.0)
    print(f"IREP mainland: {reg.n:,} facilities, {len(codes)} NAF codes with >= 30 facilities "
          f"({int(counts[codes].sum()):,} reference points); {args.sims} simulations; {cores} cores")
    if args.index_only:
        index_comparison(reg, codes, args.index_sims)
        return

    m_screen(reg, codes[:2], 20)  # warm-up: compile / load the numba kernels outside the timing
    t0, c0 = time.perf_counter(), time.process_time()
    table, curves = m_screen(reg, codes, args.sims)
    ours, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"triplec M screen: {ours:.2f} s wall ({ours_cpu:.2f} s CPU); {int(table.m_localised.sum())} localised, "
          f"{int((table.m_q_value < 0.05).sum())} with q < 0.05")

    per_sim, observed, spent = baseline(reg, codes, r, args.baseline_sims)
    full = float(per_sim.sum() * (args.sims + 1))
    print(f"NumPy baseline (cdist + counts): ran {args.baseline_sims} simulations of every code in {spent:.1f} s; "
          f"extrapolated linearly to {args.sims} simulations: {full:.0f} s ({full / 60:.1f} min)")
    by_code = curves.set_index("sector")
    worst = 0.0
    for c in codes:
        ours_m, base = by_code.loc[c, "m"].to_numpy(), observed[c]
        ok = np.isfinite(base)
        worst = max(worst, float(np.max(np.abs(ours_m[ok] - base[ok])) / np.max(base[ok])))
    print(f"observed curves, triplec vs NumPy baseline: largest difference {worst:.2e} of the curve maximum")
    print(f"speed-up over the NumPy baseline: {full / ours:.0f}x by wall time")

    result = dbmss_seconds(reg, args.dbmss_sims)
    if isinstance(result, str):
        print(f"dbmss: skipped ({result})")
    else:
        seconds, n_codes = result
        full_r = seconds * (args.sims + 1) / (args.dbmss_sims + 1)
        print(f"dbmss MEnvelope (local envelope): {n_codes} codes with {args.dbmss_sims} simulations in "
              f"{seconds:.1f} s; extrapolated linearly to {args.sims}: {full_r:.0f} s ({full_r / 60:.1f} min)")
        print(f"speed-up over dbmss: {full_r / ours:.0f}x by wall time")
    if args.index_sims:
        index_comparison(reg, codes, args.index_sims)
    print("note: wall times depend on what else runs on the machine; CPU-seconds are this process's own.")


if __name__ == "__main__":
    main()
