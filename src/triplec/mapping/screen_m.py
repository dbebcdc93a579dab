"""M in the sector screen, beside Kd or alone: plans of its random-location simulations and its verdicts.

The simulations of M use the same engines as Kd's (one task per sector and batch) with their own random
streams (``m_key``), so asking for M leaves every Kd result unchanged. Per sector, against the simulated
curves (dbmss ``MEnvelope``, random location): the local band (``m_lo``, ``m_hi``), the
Duranton-Overman global band and the dbmss global envelope (:mod:`triplec.mapping.envelopes`), the
localisation call (``m_localised``: M above the global upper band at some distance), the Monte Carlo
p-value of the studentised maximum excess and Benjamini-Hochberg q-values across the sectors. Distances
where M is undefined in the observed or any simulated curve (no reference point with a neighbour,
typically r = 0) are left out of the bands and tests (NaN there).

Alone (``statistics="m"``, :func:`screen_m_only`) the screen draws no Kd at all: the table holds
``sector, n, employment``, the M verdicts and ``sims``; the curves ``sector, r`` and the M columns. The M
simulations keep their seed keys, so the M results are the same, bit for bit, as those of a ``"kd,m"`` run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from triplec.mapping import envelopes as env
from triplec.mapping.engines import SimPlan, batch_size_for, run_plans, sector_key
from triplec.mapping.kd import SiteArrays, make_grid
from triplec.mapping.mstat import MSites, make_mplan, observed_m
from triplec.mapping.points import PointRegister

M_TABLE_COLUMNS = ["m_localised", "m_p_value", "m_q_value", "m_peak_distance", "m_localised_dbmss"]
M_CURVE_COLUMNS = ["m", "m_lo", "m_hi", "m_sim_mean", "m_global_do_lo", "m_global_do_hi",
                   "m_global_dbmss_lo", "m_global_dbmss_hi"]
STATISTICS = ("kd", "m")


def parse_statistics(statistics) -> tuple[str, ...]:
    """``"kd,m"`` or ``["m", "kd"]`` -> ``("kd", "m")``; ``"m"`` -> ``("m",)`` (the M-only screen).

    >>> parse_statistics("m,kd"), parse_statistics(["kd"]), parse_statistics("m")
    (('kd', 'm'), ('kd',), ('m',))
    """
    items = statistics.split(",") if isinstance(statistics, str) else list(statistics)
    chosen = [str(s).strip().lower() for s in items if str(s).strip()]
    unknown = [s for s in chosen if s not in STATISTICS]
    if unknown:
        raise ValueError(f"unknown statistic {unknown[0]!r}: choose kd, m or kd,m")
    if not chosen:
        raise ValueError("no statistic: choose kd, m or kd,m")
    return tuple(s for s in STATISTICS if s in chosen)


def m_key(sector: str) -> int:
    """Seed key of a sector's M simulations, distinct from its Kd key."""
    return sector_key("\x01M", str(sector))


def prepare(reg: PointRegister, sites: SiteArrays, sectors: Sequence[str], r_max: float, r_step: float,
            sims: int, seed: int, weighted: bool):
    """(shared MSites, {sector: observed M}, simulation plans) of the sectors screened; no MSites (its
    all-sites table costs ``N^2`` distances) when nothing is simulated."""
    grid = make_grid(r_max, r_step)
    msites = MSites.build(reg, grid.r, weighted, sites) if sims and len(sectors) else None
    observed = {s: observed_m(reg, sites, s, grid.r, weighted) for s in sectors}
    plans = []
    for s in sectors:
        n = len(reg.indices(s))
        plans.append(SimPlan(sector=str(s), other=None, n_a=n, n_b=0,
                             w_a=reg.weights[reg.indices(s)].astype(float) if weighted else None, w_b=None,
                             grid=grid, total=1.0, total_w=1.0, sims=int(sims), seed=int(seed), key=m_key(s),
                             batch=batch_size_for(reg.n if weighted else n), statistic="m",
                             mplan=make_mplan(reg, s, weighted), n_sites=reg.n))
    return msites, observed, plans


def _verdicts(r, obs, sims, alpha):
    nr = len(r)
    nan = np.full(nr, np.nan)
    cols = {c: nan.copy() for c in M_CURVE_COLUMNS[1:]}
    row = {"m_localised": pd.NA, "m_p_value": np.nan, "m_peak_distance": np.nan, "m_localised_dbmss": pd.NA}
    if sims is None or len(sims) == 0:
        return row, cols
    ok = np.isfinite(obs) & np.all(np.isfinite(sims), axis=0)
    if not ok.any():
        return row, cols
    o, s = obs[ok], sims[:, ok]
    lo, hi = env.local_band(s, alpha)
    glo, ghi, _, _ = env.do_global_band(s, alpha)
    dlo, dhi = env.dbmss_global_envelope(s, alpha)
    for name, values in (("m_lo", lo), ("m_hi", hi), ("m_sim_mean", s.mean(axis=0)), ("m_global_do_lo", glo),
                         ("m_global_do_hi", ghi), ("m_global_dbmss_lo", dlo), ("m_global_dbmss_hi", dhi)):
        cols[name][ok] = values
    row.update(m_localised=bool((o > ghi).any()), m_p_value=env.mc_pvalue(o, s),
               m_peak_distance=env.peak_distance(r[ok], o, ghi), m_localised_dbmss=bool((o > dhi).any()))
    return row, cols


def add_m(table: pd.DataFrame, curves: pd.DataFrame, observed: dict, batches: dict, alpha: float, r):
    """The screen's table and curves with the M columns added (sectors in the table's order)."""
    rows, frames = [], {c: [] for c in M_CURVE_COLUMNS}
    for sector in table["sector"]:
        res = batches.get((sector, None), [])
        sims = np.vstack([b.kd for b in res]) if res else None
        row, cols = _verdicts(r, observed[sector], sims, alpha)
        rows.append(row)
        frames["m"].append(observed[sector])
        for name, values in cols.items():
            frames[name].append(values)
    table = table.copy()
    extra = pd.DataFrame(rows, columns=[c for c in M_TABLE_COLUMNS if c != "m_q_value"], index=table.index)
    for col in extra.columns:
        table[col] = extra[col]
    table["m_q_value"] = env.bh_qvalues(table["m_p_value"].to_numpy(dtype=float)) if len(table) else []
    table = table[[c for c in table.columns if c not in M_TABLE_COLUMNS] + M_TABLE_COLUMNS]
    curves = curves.copy()
    for name in M_CURVE_COLUMNS:
        curves[name] = np.concatenate(frames[name]) if frames[name] else np.zeros(0)
    return table, curves


def screen_m_only(reg: PointRegister, sectors: Sequence[str], r_max: float, r_step: float, sims: int, alpha: float,
                  seed: int, weighted: bool, scheduler, progress, keep_sims: bool, params: dict):
    """The screen on M alone: (table, curves, params, kept simulations) of the sectors (see module doc)."""
    sites = SiteArrays.from_register(reg)
    msites, observed, plans = prepare(reg, sites, sectors, r_max, r_step, sims, seed, weighted)
    batches = {}
    if sims and plans:
        batches, engine_name = run_plans(scheduler, plans, msites, progress)
        params = {**params, "engine": engine_name}
    r = make_grid(r_max, r_step).r
    sectors = [str(s) for s in sectors]
    table = pd.DataFrame({"sector": pd.Series(sectors, dtype=object),
                          "n": [len(reg.indices(s)) for s in sectors],
                          "employment": [reg.employment(s) if reg.weighted else np.nan for s in sectors]})
    curves = pd.DataFrame({"sector": np.repeat(np.array(sectors, dtype=object), len(r)),
                           "r": np.tile(r, len(sectors))})
    table, curves = add_m(table, curves, observed, batches, alpha, r)
    table["sims"] = int(sims)
    kept = ({s: {"m": np.vstack([b.kd for b in batches[(s, None)]])} for s in sectors if batches.get((s, None))}
            if keep_sims else None)
    return table.reset_index(drop=True), curves, {**params, "statistics": "m"}, kept


def as_kd_names(table: pd.DataFrame, curves: pd.DataFrame | None = None):
    """The M verdicts and curves of an M-only screen under the names the footprint step reads
    (``localised, q_value, peak_distance``; ``kd`` and its upper global band ``global_do_hi``), so that
    :func:`triplec.mapping.locate_footprints` locates the sectors M calls localised, at M's scale.

    >>> table = pd.DataFrame({"sector": ["A"], "m_localised": [True], "m_q_value": [0.01], "m_peak_distance": [5.0]})
    >>> as_kd_names(table)[0].columns.tolist()
    ['sector', 'localised', 'q_value', 'peak_distance']
    """
    named = pd.DataFrame({"sector": table["sector"], "localised": table["m_localised"],
                          "q_value": table["m_q_value"], "peak_distance": table["m_peak_distance"]})
    if curves is None:
        return named, None
    return named, pd.DataFrame({"sector": curves["sector"], "r": curves["r"], "kd": curves["m"],
                                "global_do_hi": curves["m_global_do_hi"]})
