"""`triplec impact` through typer's CliRunner on the real app: files written and clear refusals."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from triplec.cli import app

pytestmark = pytest.mark.nodb

runner = CliRunner()
COLUMNS = ["--unit-col", "countyreal", "--time-col", "year", "--outcome-col", "lemp", "--cohort-col", "first_treat"]


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory, mpdta):
    path = tmp_path_factory.mktemp("panel") / "mpdta.csv"
    mpdta.to_csv(path, index=False)
    return path


def test_impact_writes_cells_aggregates_and_run(panel_csv, tmp_path):
    result = runner.invoke(app, ["impact", str(panel_csv), "--out", str(tmp_path), *COLUMNS, "--covariates", "lpop"])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(tmp_path / "att_gt.csv")
    assert list(cells.columns) == ["cohort", "time", "att", "se"]
    first = cells[(cells.cohort == 2004) & (cells.time == 2004)].iloc[0]
    assert first.att == pytest.approx(-.0145297, abs=1e-6)
    aggregates = pd.read_csv(tmp_path / "aggregate.csv")
    assert list(aggregates.columns) == ["type", "key", "att", "se"]
    assert aggregates["type"].unique().tolist() == ["simple", "group", "dynamic", "calendar"]
    overall = aggregates[aggregates["key"].isna()].set_index("type")
    assert overall.loc["simple", "att"] == pytest.approx(-.0417518, abs=1e-6)
    assert sorted(aggregates.loc[aggregates.type == "dynamic", "key"].dropna()) == [-3, -2, -1, 0, 1, 2, 3]
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["pretrend"]["df"] == 5 and run["pretrend"]["p_value"] == pytest.approx(0.2327, abs=5e-5)
    assert run["units"] == 500 and run["units_per_cohort"] == {"0": 309, "2004": 20, "2006": 40, "2007": 131}
    assert run["control"] == "never" and run["covariates"] == ["lpop"]
    assert "pre-trend test: chi2(5)" in result.output


def test_not_yet_control_and_parquet(panel_csv, tmp_path):
    parquet = tmp_path / "mpdta.parquet"
    pd.read_csv(panel_csv).to_parquet(parquet)
    result = runner.invoke(app, ["impact", str(parquet), "--out", str(tmp_path / "out"), *COLUMNS,
                                 "--control", "not-yet"])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(tmp_path / "out" / "att_gt.csv")
    assert len(cells) == 12 and json.loads((tmp_path / "out" / "run.json").read_text())["control"] == "not-yet"
    # the 2004 cohort's 2004 effect compares with the 2006 and 2007 cohorts too, so it differs from "never"
    assert cells.att.iloc[0] != pytest.approx(-.0105032, abs=1e-6)


@pytest.mark.parametrize(("change", "arguments", "message"), [
    (None, ["--outcome-col", "sales"], "outcome column 'sales' is not in the table"),
    (lambda d: d.assign(lemp=d.lemp.astype(str).where(d.index != 3, "ten")), [],
     "outcome column 'lemp' is not numeric: 1 value(s) such as 'ten'"),
    (lambda d: d.assign(first_treat=d.first_treat.where((d.countyreal != 8001) | (d.year != 2005), 2006)), [],
     "unit 8001 has two cohorts in column 'first_treat'"),
    (lambda d: d.drop(index=7), [], "unbalanced panel: 1 of 500 units lack some of the 5 periods"),
    (None, ["--covariates", "lpop,size"], "covariate column 'size' is not in the table"),
    (None, ["--control", "later"], "--control must be one of never, not-yet"),
])
def test_impact_refuses_with_the_column_and_the_reason(panel_csv, tmp_path, change, arguments, message):
    data = pd.read_csv(panel_csv)
    if change is not None:
        data = change(data)
    path = tmp_path / "panel.csv"
    data.to_csv(path, index=False)
    options = dict(zip(COLUMNS[::2], COLUMNS[1::2], strict=True))
    options.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    result = runner.invoke(app, ["impact", str(path), "--out", str(tmp_path / "out"),
                                 *[x for kv in options.items() for x in kv]])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
