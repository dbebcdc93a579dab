"""Checks a long firm-year table and turns it into the wide arrays the estimator works on.

One row a unit and a period; the cohort is the first period a unit was supported (0 or empty: never).
Only balanced panels are accepted: Callaway and Sant'Anna's panel estimator compares each unit with
itself, so a unit missing a period would silently drop out of some comparisons and not others."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["PanelError", "WidePanel", "wide_panel"]


class PanelError(ValueError):
    """The table cannot be estimated as given; the message names the column and the reason."""


@dataclass(frozen=True)
class WidePanel:
    units: np.ndarray  # unit labels, one per row of `outcome`
    periods: np.ndarray  # sorted period values, one per column of `outcome`
    outcome: np.ndarray  # units x periods, float
    cohort: np.ndarray  # per unit: the first supported period, 0 = never supported
    covariates: np.ndarray  # units x periods x covariates (empty third axis without covariates)
    covariate_names: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


def _require_columns(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> None:
    for role, column in columns:
        if column not in frame.columns:
            known = ", ".join(map(str, frame.columns[:12]))
            raise PanelError(f"{role} column {column!r} is not in the table (columns: {known})")


def _numeric(frame: pd.DataFrame, column: str, role: str, allow_empty: bool = False) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        example = frame.loc[bad, column].iloc[0]
        raise PanelError(f"{role} column {column!r} is not numeric: {int(bad.sum())} value(s) such as {example!r}")
    if not allow_empty and values.isna().any():
        raise PanelError(f"{role} column {column!r} has {int(values.isna().sum())} empty value(s); "
                         "the estimator needs a value for every unit and period")
    return values.to_numpy(dtype=float)


def _label(value):
    """A unit label as people wrote it (8001, not np.int64(8001))."""
    return value.item() if isinstance(value, np.generic) else value


def wide_panel(frame: pd.DataFrame, unit: str, time: str, outcome: str, cohort: str,
               covariates: tuple[str, ...] | list[str] = ()) -> WidePanel:
    """Validate the long table and return it as unit x period arrays (units in first-seen order)."""
    covariates = tuple(covariates)
    _require_columns(frame, [("unit", unit), ("time", time), ("outcome", outcome), ("cohort", cohort),
                             *(("covariate", c) for c in covariates)])
    if frame.empty:
        raise PanelError("the table has no rows")
    if frame[unit].isna().any():
        raise PanelError(f"unit column {unit!r} has {int(frame[unit].isna().sum())} empty value(s)")
    times = _numeric(frame, time, "time")
    if not np.all(times == np.round(times)):
        raise PanelError(f"time column {time!r} must hold whole periods (years, or period numbers)")
    y = _numeric(frame, outcome, "outcome")
    groups = np.nan_to_num(_numeric(frame, cohort, "cohort", allow_empty=True), nan=0.0)
    x = np.column_stack([_numeric(frame, c, "covariate") for c in covariates]) if covariates else None

    unit_codes, unit_labels = pd.factorize(frame[unit], sort=False)
    periods, period_codes = np.unique(times, return_inverse=True)
    n, t = len(unit_labels), len(periods)
    if t < 2:
        raise PanelError(f"time column {time!r} has a single period; at least two are needed")
    cell = unit_codes.astype(np.int64) * t + period_codes
    counts = np.bincount(cell, minlength=n * t)
    if counts.max() > 1:
        first = int(np.flatnonzero(counts > 1)[0])
        raise PanelError(f"unit {_label(unit_labels[first // t])!r} has more than one row for period "
                         f"{periods[first % t]:g} (columns {unit!r}, {time!r})")
    if counts.min() == 0:
        missing = counts.reshape(n, t) == 0
        short = np.flatnonzero(missing.any(axis=1))
        example = short[0]
        raise PanelError(
            f"unbalanced panel: {len(short)} of {n} units lack some of the {t} periods (e.g. unit "
            f"{_label(unit_labels[example])!r} has no row for period {periods[np.flatnonzero(missing[example])[0]]:g}); "
            "keep only units observed in every period")

    unit_cohort = np.full(n, np.nan)
    unit_cohort[unit_codes] = groups
    changed = groups != unit_cohort[unit_codes]
    if changed.any():
        row = int(np.flatnonzero(changed)[0])
        raise PanelError(f"unit {_label(unit_labels[unit_codes[row]])!r} has two cohorts in column {cohort!r} "
                         f"({unit_cohort[unit_codes[row]]:g} and {groups[row]:g}); a unit enters support once")

    notes: list[str] = []
    treated = unit_cohort > 0
    unknown = np.setdiff1d(unit_cohort[treated & (unit_cohort <= periods[-1])], periods)
    if len(unknown):
        raise PanelError(f"cohort {unknown[0]:g} (column {cohort!r}) is not one of the periods in column {time!r}")
    late = treated & (unit_cohort > periods[-1])
    if late.any():
        notes.append(f"{int(late.sum())} unit(s) supported after the last period are counted as never supported")
        unit_cohort[late] = 0
    wide_y = np.empty((n, t))
    wide_y[unit_codes, period_codes] = y
    wide_x = np.empty((n, t, len(covariates)))
    if x is not None:
        wide_x[unit_codes, period_codes, :] = x
    return WidePanel(units=np.asarray(unit_labels), periods=periods, outcome=wide_y, cohort=unit_cohort,
                     covariates=wide_x, covariate_names=covariates, notes=notes)
