"""Callaway and Sant'Anna's (2021) group-time average treatment effects ATT(g,t) on a balanced panel.

Choices follow R `did::att_gt` defaults: doubly robust "dripw" cells, a varying base period (pre-period
cells compare t with t-1, post-period cells compare t with g-1), covariates taken in the base period,
analytic standard errors from the influence functions, and a Wald pre-trend test on the pre-period cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .drdid import dr_did_panel_many
from .panel import PanelError, WidePanel, wide_panel

__all__ = ["CONTROLS", "GroupTimeEffects", "PretrendTest", "att_gt", "att_gt_wide"]

CONTROLS = ("never", "not-yet")
Progress = Callable[[int, int], None]


# The Wald test's chi-square reference needs each pre-period cell's variance well estimated. On panels
# without any pre-trend (simulate_panel, 6 periods, never-treated control) it rejected at 5% in 91%, 63%
# and 18% of seeds when the smallest cohort had about 3, 8 and 15 units, and in 5% from about 25 units.
RELIABLE_PRETEST_COHORT = 20


@dataclass(frozen=True)
class PretrendTest:
    """Joint Wald test that every pre-period ATT(g,t) is zero (chi-square with `df` degrees of freedom).

    `reliable` is False when a cohort of the pre-period cells has fewer than RELIABLE_PRETEST_COHORT
    units: the test then rejects far too often and its p-value should not be read as evidence."""
    statistic: float
    df: int
    p_value: float
    smallest_cohort: int = 0

    @property
    def reliable(self) -> bool:
        return self.smallest_cohort >= RELIABLE_PRETEST_COHORT


@dataclass(frozen=True)
class GroupTimeEffects:
    """One row a (cohort, time) cell: att, se, base period, post (t >= g), units compared."""
    table: pd.DataFrame
    influence: np.ndarray  # units x cells, scaled so that se = sqrt(sum(col**2)) / n
    cohort: np.ndarray  # per unit, 0 = never supported
    n_units: int
    control: str
    covariates: tuple[str, ...]
    pretrend: PretrendTest | None
    notes: list[str] = field(default_factory=list)

    def cohort_shares(self) -> pd.Series:
        """P(G = g) per cohort among all units (the aggregations' weights)."""
        groups = self.table["cohort"].unique()
        return pd.Series([float(np.mean(self.cohort == g)) for g in groups], index=groups)


def _pretrend(table: pd.DataFrame, influence: np.ndarray, n: int) -> tuple[PretrendTest | None, str | None]:
    pre = np.flatnonzero(~table["post"].to_numpy())
    if len(pre) == 0:
        return None, "no pre-period cells: no pre-trend test"
    att = table["att"].to_numpy()[pre]
    # einsum, not BLAS: a threaded GEMM of units x cells took 10x longer on a busy machine
    v = np.einsum("ij,ik->jk", influence[:, pre], influence[:, pre]) / n
    if np.linalg.matrix_rank(v) < len(pre):
        return None, "the pre-period covariance is singular: no pre-trend test"
    w = float(n * att @ np.linalg.solve(v, att))
    smallest = int(table["n_treated"].to_numpy()[pre].min())
    test = PretrendTest(statistic=w, df=len(pre), p_value=float(stats.chi2.sf(w, len(pre))), smallest_cohort=smallest)
    if not test.reliable:
        return test, (f"the smallest cohort of the pre-period cells has {smallest} units: the pre-trend test "
                      f"needs {RELIABLE_PRETEST_COHORT} or more to be read")
    return test, None


def att_gt_wide(panel: WidePanel, control: str = "never", progress: Progress | None = None) -> GroupTimeEffects:
    """ATT(g,t) of every cohort and period of an already validated wide panel."""
    if control not in CONTROLS:
        raise PanelError(f"control must be one of {', '.join(CONTROLS)}, not {control!r}")
    periods, g_all = panel.periods, panel.cohort
    notes = list(panel.notes)
    early = (g_all > 0) & (g_all <= periods[0])
    if early.any():
        notes.append(f"{int(early.sum())} unit(s) supported from the first period on have no before and are left out")
    keep = ~early
    y, g_unit, x_all = panel.outcome[keep], g_all[keep], panel.covariates[keep]
    n = len(g_unit)
    cohorts = np.unique(g_unit[g_unit > 0])
    if len(cohorts) == 0:
        raise PanelError("no supported units: every cohort is 0 or empty")
    if control == "never" and not (g_unit == 0).any():
        raise PanelError("no never-supported units to compare with; use the not-yet control group")

    # cells with the same units and base period (a cohort's post periods against never-supported
    # units) are estimated together: one logit and one set of cross-products for all of them
    batches: dict[tuple, list[int]] = {}
    for g in cohorts:
        gi = int(np.searchsorted(periods, g))
        for ti in range(1, len(periods)):
            base = gi - 1 if ti >= gi else ti - 1
            batches.setdefault((g, base, None if control == "never" else ti), []).append(ti)
    total = sum(len(times) for times in batches.values())
    results: dict[tuple, dict] = {}
    done = 0
    for (g, base, _), times in batches.items():
        if control == "never":
            comparison = g_unit == 0
        else:  # not yet supported at the later of the two periods (batches hold one period here)
            comparison = (g_unit == 0) | ((g_unit > periods[max(times[0], base)]) & (g_unit != g))
        n_treated, n_control = int((g_unit == g).sum()), int(comparison.sum())
        if n_control == 0:
            notes.extend(f"cohort {g:g}, period {periods[ti]:g}: no comparison units, cell left out" for ti in times)
        else:
            idx = np.flatnonzero((g_unit == g) | comparison)
            x = np.column_stack([np.ones(len(idx)), x_all[idx, base, :]])
            delta = y[np.ix_(idx, times)] - y[idx, base][:, None]
            att, influence = dr_did_panel_many(delta, g_unit[idx] == g, x)
            for j, ti in enumerate(times):
                column = np.zeros(n)
                column[idx] = influence[:, j] * (n / len(idx))
                results[(g, ti)] = {"cohort": g, "time": periods[ti], "att": float(att[j]),
                                    "se": float(np.sqrt(column @ column) / n), "base": periods[base],
                                    "post": periods[ti] >= g, "n_treated": n_treated, "n_control": n_control,
                                    "influence": column}
        done += len(times)
        if progress is not None:
            progress(done, total)
    rows = [results[key] for key in sorted(results)]
    columns = [row.pop("influence") for row in rows]
    table = pd.DataFrame(rows, columns=["cohort", "time", "att", "se", "base", "post", "n_treated", "n_control"])
    influence = np.column_stack(columns) if columns else np.zeros((n, 0))
    pretrend, why_not = _pretrend(table, influence, n)
    if why_not:
        notes.append(why_not)
    return GroupTimeEffects(table=table, influence=influence, cohort=g_unit, n_units=n, control=control,
                            covariates=panel.covariate_names, pretrend=pretrend, notes=notes)


def att_gt(frame: pd.DataFrame, unit: str, time: str, outcome: str, cohort: str, *, control: str = "never",
           covariates: Sequence[str] = (), progress: Progress | None = None) -> GroupTimeEffects:
    """Group-time effects of a long table (one row a unit and period). `cohort`: first supported
    period, 0 or empty for never supported. `control`: "never" or "not-yet" supported comparison units.
    `progress(done, total)` is called after each cell. Raises PanelError with the column and reason."""
    return att_gt_wide(wide_panel(frame, unit, time, outcome, cohort, tuple(covariates)), control, progress)
