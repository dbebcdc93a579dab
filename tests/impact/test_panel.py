"""The long table's checks and the cohorts the estimator cannot use."""

import pandas as pd
import pytest

from triplec.impact import PanelError, att_gt, wide_panel
from triplec.impact.simulate import simulate_panel

pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulate_panel(60, 5, effect=1.0, seed=3)


def test_wide_panel_keeps_every_value_in_its_place(panel):
    wide = wide_panel(panel.sample(frac=1, random_state=1), "unit", "year", "y", "cohort", ["x"])
    row = list(wide.units).index(7)
    expected = panel[panel.unit == 7].sort_values("year")
    assert list(wide.outcome[row]) == list(expected.y)
    assert wide.cohort[row] == expected.cohort.iloc[0] and list(wide.covariates[row, :, 0]) == list(expected.x)


def test_empty_cohorts_are_never_supported_and_late_ones_too(panel):
    data = panel.astype({"cohort": float})
    data.loc[data.cohort == 0, "cohort"] = None
    data.loc[data.unit == 0, "cohort"] = 2030
    wide = wide_panel(data, "unit", "year", "y", "cohort")
    assert wide.cohort[list(wide.units).index(0)] == 0
    assert "supported after the last period" in wide.notes[0]
    assert att_gt(data, "unit", "year", "y", "cohort").table.equals(
        att_gt(data.fillna({"cohort": 0}).replace({"cohort": {2030: 0}}), "unit", "year", "y", "cohort").table)


def test_units_supported_from_the_first_period_are_left_out_with_a_note(panel):
    data = panel.copy()
    data.loc[data.unit.isin([1, 2]), "cohort"] = 2001
    effects = att_gt(data, "unit", "year", "y", "cohort")
    assert effects.n_units == 58 and 2001 not in set(effects.table.cohort)
    assert any("2 unit(s) supported from the first period" in n for n in effects.notes)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: pd.concat([d, d.head(1)]), "unit 0 has more than one row for period 2001"),
    (lambda d: d.assign(cohort=d.cohort.replace({2003: 2003.5})), "cohort 2003.5 (column 'cohort') is not one of"),
    (lambda d: d.assign(year=d.year + 0.5), "time column 'year' must hold whole periods"),
    (lambda d: d.assign(x=d.x.where(d.index != 4)), "covariate column 'x' has 1 empty value(s)"),
    (lambda d: d[d.year == 2001], "time column 'year' has a single period"),
    (lambda d: d.assign(cohort=0), "no supported units"),
])
def test_refusals_name_the_column_and_the_reason(panel, change, message):
    with pytest.raises(PanelError) as caught:
        att_gt(change(panel), "unit", "year", "y", "cohort", covariates=["x"])
    assert message in str(caught.value)
