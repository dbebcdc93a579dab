"""The estimator on generated panels with staggered entry (triplec.impact.simulate), over fixed seeds:
95% intervals cover a planted effect in most seeds, reject a zero effect near 5% of the time, and the
pre-trend test flags a planted pre-trend. Seeded loops: deterministic, and modest in count."""

import numpy as np
import pytest

from triplec.impact import KINDS, aggregate, att_gt
from triplec.impact.attgt import RELIABLE_PRETEST_COHORT
from triplec.impact.simulate import simulate_panel

pytestmark = pytest.mark.nodb

UNITS, PERIODS, EFFECT = 300, 6, 0.5


def _estimate(seed: int, control: str = "never", covariates=(), **planted):
    data = simulate_panel(UNITS, PERIODS, seed=seed, **planted)
    return att_gt(data, "unit", "year", "y", "cohort", control=control, covariates=covariates)


def _covers(result, value: float) -> bool:
    return abs(result.att - value) <= 1.96 * result.se


@pytest.mark.parametrize(("control", "seeds"), [("never", range(60)), ("not-yet", range(200, 230))])
def test_the_interval_covers_a_planted_effect_in_most_seeds(control, seeds):
    covered = {kind: 0 for kind in KINDS}
    for seed in seeds:
        effects = _estimate(seed, control, effect=EFFECT)
        for kind in KINDS:
            covered[kind] += _covers(aggregate(effects, kind), EFFECT)
    assert all(count >= 0.85 * len(seeds) for count in covered.values()), covered


def test_no_planted_effect_is_rejected_near_the_stated_rate():
    seeds = range(100, 180)
    rejected = {kind: 0 for kind in KINDS} | {"cells": 0, "pretrend": 0}
    cells = 0
    for seed in seeds:
        effects = _estimate(seed)
        for kind in KINDS:
            rejected[kind] += not _covers(aggregate(effects, kind), 0.0)
        table = effects.table
        rejected["cells"] += int((table["att"].abs() > 1.96 * table["se"]).sum())
        cells += len(table)
        rejected["pretrend"] += effects.pretrend.p_value < 0.05
    rates = {k: v / (cells if k == "cells" else len(seeds)) for k, v in rejected.items()}
    # 80 seeds: a binomial band around 5%, a little wider above for the small-sample Wald test (10 df)
    assert all(0.005 <= rate <= 0.15 for rate in rates.values()), rates


def test_a_planted_pre_trend_is_flagged():
    flagged = [_estimate(seed, pre_trend=0.3).pretrend.p_value < 0.05 for seed in range(300, 330)]
    assert sum(flagged) >= 27


def test_covariates_remove_the_bias_of_a_confounded_entry():
    seeds = range(400, 430)
    with_x = sum(_covers(aggregate(_estimate(s, covariates=["x"], effect=EFFECT, confounded=1.0), "simple"), EFFECT)
                 for s in seeds)
    without = sum(_covers(aggregate(_estimate(s, effect=EFFECT, confounded=1.0), "simple"), EFFECT) for s in seeds)
    assert with_x >= 25 and without <= 15, (with_x, without)


def test_a_panel_without_never_supported_units_needs_the_not_yet_control():
    data = simulate_panel(200, 5, supported=1.0, effect=EFFECT, seed=1)
    with pytest.raises(ValueError, match="no never-supported units"):
        att_gt(data, "unit", "year", "y", "cohort")
    effects = att_gt(data, "unit", "year", "y", "cohort", control="not-yet")
    last = effects.table["cohort"].max()
    assert last not in set(effects.table["cohort"]) or not effects.table.query("cohort == @last and post").size
    assert any("no comparison units" in note for note in effects.notes)
    assert np.isfinite(aggregate(effects, "simple").att)


def test_the_pretrend_test_is_not_read_on_small_cohorts():
    """Cohorts of a few units make the Wald test reject far too often: the test says it is not reliable."""
    small = att_gt(simulate_panel(units=100, periods=6, supported=0.3, seed=2), "unit", "year", "y", "cohort")
    assert small.pretrend.p_value < 0.001  # no pre-trend was planted
    assert not small.pretrend.reliable
    assert small.pretrend.smallest_cohort < RELIABLE_PRETEST_COHORT
    assert any("pre-trend test needs" in note for note in small.notes)
    large = att_gt(simulate_panel(units=1000, periods=6, supported=0.5, seed=3), "unit", "year", "y", "cohort")
    assert large.pretrend.reliable and large.pretrend.smallest_cohort >= RELIABLE_PRETEST_COHORT
