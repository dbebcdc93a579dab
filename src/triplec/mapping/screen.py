"""Screen every sector of a register with the Duranton-Overman distance-based test, in one call.

For each sector with at least ``min_n`` establishments:

1. the observed Kd curve (and Kemp when ``weighted``), as dbmss ``Kdhat`` in exact mode;
2. ``sims`` counterfactual curves under *random location*: the sector's establishments are moved to
   ``n`` sites drawn without replacement from the sites of all establishments of the register, their
   employees travelling with them (dbmss ``rRandomLocation``: ``rlabel`` permutes the marks, type and
   weight together, over all points);
3. local band (pointwise ``alpha/2``, ``1 - alpha/2`` quantiles), the Duranton-Overman global band and
   the dbmss global envelope (see :mod:`triplec.mapping.envelopes`);
4. Gamma, Psi, localised yes/no (Kd above the DO global upper band at some distance), the distance of
   strongest localisation, a Monte Carlo p-value, and Benjamini-Hochberg q-values across the sectors.

``table`` columns: ``sector, n, employment, gamma, psi, localised, p_value, q_value, peak_distance``,
then ``dispersed`` (below the DO lower band somewhere and never above the upper one),
``localised_dbmss`` (above the dbmss global envelope somewhere), ``localised_km`` (the distances where
Kd is above the DO upper band, as text), ``do_level_lo, do_level_hi`` (the pointwise quantile levels of
the DO bands), ``bandwidth`` (km), ``method`` (``pairs`` or ``grid``), ``method_check``, ``error_bound``
(binning error bound, a fraction of the kernel peak), ``sims`` and, when weighted, the statistics on Kemp
with the suffix ``_emp``.

``curves`` columns: ``sector, r, kd, lo, hi`` (local band), ``kemp, kemp_lo, kemp_hi`` when weighted,
then ``sim_mean, global_do_lo, global_do_hi, global_dbmss_lo, global_dbmss_hi`` and the flags
``localised``/``dispersed`` per distance (and the ``kemp_`` versions when weighted). Distances are in km,
Kd in 1/km.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triplec.mapping import envelopes as env
from triplec.mapping import screen_m
from triplec.mapping.engines import (
    BatchResult,
    SimPlan,
    batch_size_for,
    batch_uniforms,
    make_engine,
    sector_key,
)
from triplec.mapping.kd import SiteArrays, curve_from_indices, fit_grid, make_grid, pair_total, validate_r
from triplec.mapping.kd import grid as kgrid
from triplec.mapping.points import PointRegister

TABLE_COLUMNS = ["sector", "n", "employment", "gamma", "psi", "localised", "p_value", "q_value",
                 "peak_distance"]
CURVE_COLUMNS = ["sector", "r", "kd", "lo", "hi"]


@dataclass
class ScreenResult:
    """Result of :func:`screen_sectors` (or :func:`kd_test` for one sector or sector pair)."""

    table: pd.DataFrame
    curves: pd.DataFrame
    params: dict = field(default_factory=dict)
    # keep_sims=True: {sector: {"kd": (n_sims, n_r), "kemp": (n_sims, n_r) or None, "bandwidth": (n_sims,)}}
    sims: dict | None = None


@dataclass
class _Observed:
    plan: SimPlan
    kd: np.ndarray
    kemp: np.ndarray | None
    h: float
    employment: float
    method_check: float = float("nan")


def _check_common(reg, r_max, r_step, sims, alpha, weighted):
    if not isinstance(reg, PointRegister):
        raise TypeError(f"expected a PointRegister, got {type(reg).__name__}")
    validate_r(r_max, r_step)
    if int(sims) != sims or sims < 0:
        raise ValueError(f"sims must be a non-negative integer, got {sims!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if sims and sims * alpha < 1:
        raise ValueError(f"{sims} simulations are too few for alpha={alpha}: need sims * alpha >= 1")
    if weighted:
        reg.require_weights()


class _SiteStatsCache:
    """All-sites pair-distance summary, computed once per screen when a gridded path is considered."""

    def __init__(self, sites, r_max, r_step):
        self.sites, self.r_max, self.r_step, self.value = sites, r_max, r_step, None

    def get(self):
        if self.value is None:
            self.value = kgrid.site_stats(self.sites, make_grid(self.r_max, self.r_step))
        return self.value


def _choose(method, n, bivariate, sites, stats: _SiteStatsCache, sims):
    """(method, h_null) for a sector: the pairs path or the gridded path (projected, univariate)."""
    if method not in ("auto", "pairs", "grid"):
        raise ValueError(f"method must be 'auto', 'pairs' or 'grid', got {method!r}")
    gridable = not bivariate and not sites.sphere
    if method == "grid" and not gridable:
        raise ValueError("the gridded path needs a projected register (x/y) and a univariate Kd")
    if method == "pairs" or not gridable or (method == "auto" and (n < kgrid.GRID_MIN_N or sims == 0)):
        return "pairs", None
    st = stats.get()
    pairs_ns, grid_ns, h_null = kgrid.estimate_costs(n, st, make_grid(stats.r_max, stats.r_step), max(sims, 1))
    if method == "auto" and pairs_ns <= grid_ns:
        return "pairs", None
    return "grid", h_null


def _observe(reg, sites, sector, other, r_max, r_step, sims, seed, weighted, method="auto",
             stats: _SiteStatsCache | None = None) -> _Observed:
    idx_a = reg.indices(sector)
    idx_b = reg.indices(other) if other is not None else None
    n_b = 0 if idx_b is None else len(idx_b)
    chosen, h_null = _choose(method, len(idx_a), idx_b is not None, sites, stats, sims)
    grid = fit_grid(sites, idx_a, idx_b, r_max, r_step)
    if chosen == "grid":
        # simulations have the null bandwidth: resolve it as finely as the observed one
        grid = make_grid(r_max, r_step, h_hint=min(h_null, grid.r_step / grid.m * 32.0),
                         lo_hint=stats.get().lo)
    w_a = reg.weights[idx_a].astype(float) if weighted else None
    w_b = reg.weights[idx_b].astype(float) if (weighted and idx_b is not None) else None
    kd, kemp, h = curve_from_indices(sites, idx_a, w_a, grid, idx_b, w_b)
    total, total_w = pair_total(len(idx_a), w_a, None if idx_b is None else n_b, w_b)
    gridplan = kgrid.make_plan(sites, grid, h_null, len(idx_a)) if chosen == "grid" else None
    plan = SimPlan(sector=str(sector), other=None if other is None else str(other), n_a=len(idx_a), n_b=n_b,
                   w_a=w_a, w_b=w_b, grid=grid, total=total, total_w=total_w, sims=int(sims),
                   seed=int(seed), key=sector_key(str(sector), other), batch=batch_size_for(len(idx_a) + n_b),
                   method=chosen, gridplan=gridplan)
    employment = reg.employment(sector) if reg.weighted else float("nan")
    check = _check_grid(sites, plan) if chosen == "grid" and sims else float("nan")
    return _Observed(plan, kd, kemp, h, employment, check)


def _check_grid(sites, plan: SimPlan) -> float:
    """Largest |gridded - exact| / max(exact) over the Kd (and Kemp) of the first simulation."""
    u = batch_uniforms(plan, 0)[0]
    sample = kgrid.draw_sample(u, plan.n_a, len(sites.x), plan.weighted)
    kd_e, kemp_e, _ = curve_from_indices(sites, sample, plan.w_a, plan.grid)
    kd_g, kemp_g, _ = kgrid.grid_curve(sites, sample, plan.w_a, plan.grid, plan.gridplan, plan.total,
                                       plan.total_w)
    err = float(np.max(np.abs(kd_g - kd_e)) / np.max(kd_e))
    if kemp_e is not None:
        err = max(err, float(np.max(np.abs(kemp_g - kemp_e)) / np.max(kemp_e)))
    return err


def _stats_block(r, obs, sims, alpha, r_step, suffix=""):
    """Row statistics and curve columns of one observed curve against its simulations."""
    lo, hi = env.local_band(sims, alpha)
    glo, ghi, p_lo, p_hi = env.do_global_band(sims, alpha)
    dlo, dhi = env.dbmss_global_envelope(sims, alpha)
    gamma, psi, above, below = env.localisation_indices(obs, glo, ghi, r_step)
    row = {
        f"gamma{suffix}": gamma,
        f"psi{suffix}": psi,
        f"localised{suffix}": bool(above.any()),
        f"p_value{suffix}": env.mc_pvalue(obs, sims),
        f"peak_distance{suffix}": env.peak_distance(r, obs, ghi),
        f"dispersed{suffix}": bool((not above.any()) and below.any()),
        f"localised_dbmss{suffix}": bool((obs > dhi).any()),
        f"localised_km{suffix}": distance_ranges(r, above, r_step),
        f"do_level_lo{suffix}": p_lo,
        f"do_level_hi{suffix}": p_hi,
    }
    cols = {"lo": lo, "hi": hi, "sim_mean": sims.mean(axis=0), "global_do_lo": glo, "global_do_hi": ghi,
            "global_dbmss_lo": dlo, "global_dbmss_hi": dhi, "localised": above,
            "dispersed": below & (not above.any())}
    return row, cols


def distance_ranges(r: np.ndarray, mask: np.ndarray, r_step: float) -> str:
    """The distances where mask holds, as text: ``"0-45, 120-150"`` (km); empty when none."""
    parts, start = [], None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(mask) - 1):
            end = i if flag else i - 1
            parts.append(f"{r[start]:g}" if end == start else f"{r[start]:g}-{r[end]:g}")
            start = None
    return ", ".join(parts)


def _assemble(observed: Sequence[_Observed], batches: dict, alpha: float, keep_sims: bool,
              weighted: bool, params: dict) -> ScreenResult:
    rows, curve_frames, kept = [], [], {}
    for ob in observed:
        plan = ob.plan
        label = plan.sector if plan.other is None else f"{plan.other}|{plan.sector}"
        r = plan.grid.r
        row = {"sector": label, "n": plan.n_a, "employment": ob.employment}
        curve = {"sector": label, "r": r, "kd": ob.kd}
        res: list[BatchResult] = batches.get((plan.sector, plan.other), []) if plan.sims else []
        h_all = np.array([ob.h])
        if plan.sims:
            sims_kd = np.vstack([b.kd for b in res])
            h_all = np.concatenate([h_all] + [b.h for b in res])
            stats, cols = _stats_block(r, ob.kd, sims_kd, alpha, plan.grid.r_step)
            row.update(stats)
            curve.update(lo=cols.pop("lo"), hi=cols.pop("hi"))
            if weighted:
                sims_kemp = np.vstack([b.kemp for b in res])
                stats_e, cols_e = _stats_block(r, ob.kemp, sims_kemp, alpha, plan.grid.r_step, "_emp")
                curve.update(kemp=ob.kemp, kemp_lo=cols_e.pop("lo"), kemp_hi=cols_e.pop("hi"))
            curve.update(cols)
            if weighted:
                curve.update({f"kemp_{k}": v for k, v in cols_e.items()})
                row.update(stats_e)
            if keep_sims:
                kept[label] = {"kd": sims_kd, "kemp": sims_kemp if weighted else None,
                               "bandwidth": h_all[1:]}
        else:
            nan = np.full(len(r), np.nan)
            row.update(gamma=np.nan, psi=np.nan, localised=pd.NA, p_value=np.nan, peak_distance=np.nan)
            curve.update(lo=nan, hi=nan)
            if weighted:
                curve.update(kemp=ob.kemp, kemp_lo=nan, kemp_hi=nan)
        row.update(bandwidth=ob.h, method=plan.method, method_check=ob.method_check,
                   error_bound=float(np.nanmax(plan.grid.error_bound(h_all))), sims=plan.sims)
        rows.append(row)
        curve["sector"] = np.full(len(r), label, dtype=object)
        curve_frames.append(curve)
    table = pd.DataFrame(rows)
    if len(table) == 0:
        table = pd.DataFrame(columns=TABLE_COLUMNS)
    table["q_value"] = env.bh_qvalues(table["p_value"].to_numpy(dtype=float)) if len(table) else []
    if weighted and "p_value_emp" in table:
        table["q_value_emp"] = env.bh_qvalues(table["p_value_emp"].to_numpy(dtype=float))
    first = [c for c in TABLE_COLUMNS if c in table.columns]
    table = table[first + [c for c in table.columns if c not in first]].reset_index(drop=True)
    if curve_frames:
        # one frame from concatenated columns (much faster than concatenating one frame per sector)
        curves = pd.DataFrame({k: np.concatenate([c[k] for c in curve_frames]) for k in curve_frames[0]})
    else:
        curves = pd.DataFrame(columns=CURVE_COLUMNS)
    return ScreenResult(table=table, curves=curves, params=params, sims=kept if keep_sims else None)


def _run(reg, pairs, r_max, r_step, sims, alpha, seed, weighted, scheduler, progress, keep_sims, params,
         method="auto", with_m=False):
    sites = SiteArrays.from_register(reg)
    stats = _SiteStatsCache(sites, r_max, r_step)
    observed = [_observe(reg, sites, a, b, r_max, r_step, sims, seed, weighted, method, stats)
                for a, b in pairs]
    if with_m:
        msites, m_observed, m_plans = screen_m.prepare(reg, sites, [a for a, _ in pairs], r_max, r_step, sims,
                                                       seed, weighted)
    batches, m_batches = {}, {}
    if sims and observed:
        engine = make_engine(scheduler)
        kd_total = sum(o.plan.sims for o in observed)
        m_total = sum(p.sims for p in m_plans) if with_m else 0

        def kd_progress(done, _total):
            progress(done, kd_total + m_total)

        def m_progress(done, _total):
            progress(kd_total + done, kd_total + m_total)

        try:
            batches = engine.run([o.plan for o in observed], sites,
                                 kd_progress if (progress and with_m) else progress)
            if with_m:
                m_batches = engine.run(m_plans, msites, m_progress if progress else None)
        finally:
            if hasattr(engine, "close"):
                engine.close()
        params = {**params, "engine": engine.name}
    result = _assemble(observed, batches, alpha, keep_sims, weighted, params)
    if with_m:
        result.table, result.curves = screen_m.add_m(result.table, result.curves, m_observed, m_batches, alpha,
                                                     make_grid(r_max, r_step).r)
        result.params["statistics"] = "kd,m"
    return result


def screen_sectors(reg: PointRegister, *, r_max: float = 300.0, r_step: float = 5.0, sims: int = 999,
                   alpha: float = 0.05, seed: int = 1, min_n: int = 30, weighted: bool = False,
                   scheduler=None, progress: Callable[[int, int], None] | None = None,
                   sectors: Sequence[str] | None = None, keep_sims: bool = False,
                   method: str = "auto", statistics: str | Sequence[str] = "kd") -> ScreenResult:
    """Test every sector with at least ``min_n`` establishments for localisation (see module doc).

    ``scheduler``: ``None`` (this process, all cores), a Dask scheduler address ``"tcp://..."``, a
    ``distributed.Client`` or an engine (e.g. ``LocalEngine(threads=1)``). ``progress(done, total)`` is called with numbers of simulated curves.
    ``sectors`` restricts the screen to given codes. Same ``seed``, same results, whatever the engine.
    ``method``: ``"auto"`` (the pairs path, or for large sectors of projected registers the gridded path
    when it is cheaper), ``"pairs"`` or ``"grid"`` (forced; see :mod:`triplec.mapping.kd.grid`). The
    observed curves are always exact; the table records the path and, for gridded sectors,
    ``method_check``: the largest difference between the gridded and the exact curve of one simulated
    sample, as a share of the curve's maximum.

    Parameters
    ----------
    reg : PointRegister
        The register.
    r_max, r_step : float
        Distances ``0, r_step, ..., r_max`` in km.
    sims : int
        Simulations of random location (0: curves only); ``sims * alpha >= 1``.
    alpha : float
        Level of the global confidence band.
    seed : int
        Seed of the simulations.
    min_n : int
        Smallest sector screened, in establishments.
    weighted : bool
        Also test the employment-weighted Kemp.
    scheduler, progress, sectors, keep_sims, method
        As above.
    statistics : str or sequence of str
        ``"kd"`` (the default), ``"m"`` (M alone: no Kd columns, see :func:`triplec.mapping.screen_m.screen_m_only`;
        ``keep_sims`` keeps ``{"m": ...}``) or ``"kd,m"``: also Marcon & Puech's M of every sector, exactly as dbmss
        ``Mhat`` (point weights when ``weighted``), with its own random-location simulations on the same
        engine: table columns ``m_localised, m_p_value, m_q_value, m_peak_distance, m_localised_dbmss``
        and curve columns ``m, m_lo, m_hi`` and its global bands (see :mod:`triplec.mapping.screen_m`).
        Kd results are the same with or without M.

    Returns
    -------
    ScreenResult
        ``table`` (one row a sector: ``n, gamma, psi, localised, p_value, q_value, peak_distance``...),
        ``curves`` (``sector, r, kd, lo, hi`` and the global bands) and ``params``.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106.
    Marcon, E. & Puech, F. (2017). A typology of distance-based measures of spatial concentration.
    Regional Science and Urban Economics 62, 56-67.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of the Royal
    Statistical Society B 57(1), 289-300 (``q_value``).

    Examples
    --------
    >>> import numpy as np
    >>> from triplec.mapping import PointRegister
    >>> rng = np.random.default_rng(5)
    >>> town, spread = rng.normal(10, 0.5, (30, 2)), rng.uniform(0, 50, (60, 2))  # km
    >>> xy = np.vstack([town, spread])
    >>> reg = PointRegister.from_arrays(xy[:, 0], xy[:, 1], ["A"] * 30 + ["B"] * 60)
    >>> result = screen_sectors(reg, r_max=20, r_step=1, sims=39, seed=1)
    >>> result.table[["sector", "n", "localised"]]
      sector   n  localised
    0      A  30       True
    1      B  60       True
    >>> with_m = screen_sectors(reg, r_max=20, r_step=1, sims=39, seed=1, statistics="kd,m")
    >>> with_m.table[["sector", "localised", "m_localised"]]
      sector  localised  m_localised
    0      A       True         True
    1      B       True         True
    >>> bool(with_m.curves["kd"].equals(result.curves["kd"]))
    True
    >>> m_only = screen_sectors(reg, r_max=20, r_step=1, sims=39, seed=1, statistics="m")
    >>> m_only.table.columns.tolist()[:5], bool(m_only.curves["m_hi"].equals(with_m.curves["m_hi"]))
    (['sector', 'n', 'employment', 'm_localised', 'm_p_value'], True)
    """
    chosen_statistics = screen_m.parse_statistics(statistics)
    with_m = "m" in chosen_statistics
    _check_common(reg, r_max, r_step, sims, alpha, weighted)
    if int(min_n) != min_n or min_n < 2:
        raise ValueError(f"min_n must be an integer >= 2, got {min_n!r}")
    counts = reg.sector_counts
    if sectors is not None:
        unknown = [s for s in sectors if str(s) not in counts.index]
        if unknown:
            raise KeyError(f"sectors not in the register: {unknown}")
        counts = counts[[str(s) for s in sectors]]
    chosen = sorted(str(s) for s, n in counts.items() if n >= min_n)
    params = dict(r_max=r_max, r_step=r_step, sims=int(sims), alpha=alpha, seed=seed, min_n=min_n,
                  weighted=weighted, null="random location", n_establishments=reg.n)
    if "kd" not in chosen_statistics:
        table, curves, params, kept = screen_m.screen_m_only(reg, chosen, r_max, r_step, sims, alpha, seed, weighted,
                                                             scheduler, progress, keep_sims, params)
        return ScreenResult(table=table, curves=curves, params=params, sims=kept)
    return _run(reg, [(s, None) for s in chosen], r_max, r_step, sims, alpha, seed, weighted, scheduler,
                progress, keep_sims, params, method, with_m)


def kd_test(reg: PointRegister, sector: str, *, other: str | None = None, r_max: float = 300.0,
            r_step: float = 5.0, sims: int = 999, alpha: float = 0.05, seed: int = 1, weighted: bool = False,
            scheduler=None, progress=None, keep_sims: bool = False, method: str = "auto") -> ScreenResult:
    """Test one sector, or (with ``other``) whether sector ``other`` is located near sector ``sector``.

    Bivariate: pairs (i in ``sector``, j in ``other``); under random location both sectors'
    establishments are moved together to distinct random sites (always on the exact pairs path). The row
    label is ``"other|sector"``. Other arguments as :func:`screen_sectors`.

    Parameters
    ----------
    reg : PointRegister
        The register.
    sector, other : str
        The sector; and, for the bivariate test, the sector located around it.
    r_max, r_step, sims, alpha, seed, weighted, scheduler, progress, keep_sims, method
        As :func:`screen_sectors`.

    Returns
    -------
    ScreenResult
        One table row (label ``sector`` or ``"other|sector"``) and its curves.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106 (section 5, co-localisation of two industries).

    Examples
    --------
    >>> import numpy as np
    >>> from triplec.mapping import PointRegister
    >>> x, y = np.random.default_rng(1).uniform(0, 40, (2, 80))
    >>> reg = PointRegister.from_arrays(x, y, ["A", "B"] * 40)
    >>> kd_test(reg, "B", other="A", r_max=20, r_step=1, sims=39).table["sector"].tolist()
    ['A|B']
    """
    _check_common(reg, r_max, r_step, sims, alpha, weighted)
    reg.indices(sector)
    if other is not None:
        reg.indices(other)
        if str(other) == str(sector):
            raise ValueError("bivariate Kd needs two different sectors")
    params = dict(r_max=r_max, r_step=r_step, sims=int(sims), alpha=alpha, seed=seed, weighted=weighted,
                  null="random location", n_establishments=reg.n)
    return _run(reg, [(str(sector), other)], r_max, r_step, sims, alpha, seed, weighted, scheduler,
                progress, keep_sims, params, method)
