"""Panels with a known effect and staggered entry, for the estimator's property tests, the benchmark
and trying the command: y = unit effect + period effect + covariate-driven trend + effect after entry
+ noise, with an optional trend that supported units follow before entry (a planted pre-trend)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["simulate_panel"]


def simulate_panel(units: int = 1000, periods: int = 6, supported: float = 0.5, effect: float = 0.0,
                   pre_trend: float = 0.0, confounded: float = 0.0, seed: int = 0,
                   first_period: int = 2001) -> pd.DataFrame:
    """Long table: unit, year, y, cohort (0 = never supported), x (a baseline covariate).

    A share `supported` of units enters in one of the periods after the first two, evenly. `effect` is
    added from entry on. `pre_trend` is added per period before entry to supported units only (parallel
    trends fail). `confounded` makes the covariate both raise the chance of support and steepen the
    trend, so only estimates conditioning on `x` are unbiased."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_period, first_period + periods)
    x = rng.normal(size=units)
    odds = np.exp(confounded * x) * supported / (1 - supported) if 0 < supported < 1 else None
    p = odds / (1 + odds) if odds is not None else np.full(units, float(supported))
    entry_years = years[2:]
    cohort = np.where(rng.random(units) < p, rng.choice(entry_years, size=units), 0)
    step = np.arange(periods)[None, :]
    y = (rng.normal(size=(units, 1)) + rng.normal(size=(1, periods)) + confounded * x[:, None] * step / periods
         + rng.normal(size=(units, periods)))
    after = (cohort[:, None] > 0) & (years[None, :] >= cohort[:, None])
    before = (cohort[:, None] > 0) & ~after
    y = y + effect * after + pre_trend * before * step
    return pd.DataFrame({"unit": np.repeat(np.arange(units), periods), "year": np.tile(years, units),
                         "y": y.ravel(), "cohort": np.repeat(cohort, periods), "x": np.repeat(x, periods)})
