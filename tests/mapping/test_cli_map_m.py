"""`triplec map --statistic kd,m`: Marcon & Puech's M beside Kd in the files and the report."""

import pandas as pd
import pytest
from tests.mapping.test_cli_map import planted, run

from triplec.mapping.pipeline import CURVE_COLUMNS, M_CURVE_COLUMNS, M_SECTOR_COLUMNS, SECTOR_COLUMNS

pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("with_m")
    src = folder / "points.csv"
    planted().to_csv(src, index=False)
    args = [src, "--sector-col", "code", "--lon-col", "lon", "--lat-col", "lat", "--r-max", 40, "--r-step", 4,
            "--sims", 99, "--seed", 7, "--min-n", 30]
    plain = run([*args, "--out", folder / "kd"])
    with_m = run([*args, "--out", folder / "kdm", "--statistic", "kd,m"])
    assert plain.exit_code == 0 and with_m.exit_code == 0, (plain.output, with_m.output)
    return folder / "kd", folder / "kdm"


def test_m_columns_are_added_and_kd_is_unchanged(both_runs):
    kd, kdm = both_runs
    sectors = pd.read_csv(kdm / "sectors.csv", dtype={"sector": str})
    curves = pd.read_csv(kdm / "curves.csv", dtype={"sector": str})
    assert list(sectors.columns) == SECTOR_COLUMNS + M_SECTOR_COLUMNS == SECTOR_COLUMNS + [
        "m_localised", "m_p_value", "m_q_value"]
    assert list(curves.columns) == CURVE_COLUMNS + M_CURVE_COLUMNS == CURVE_COLUMNS + ["m", "m_lo", "m_hi"]
    assert list(pd.read_csv(kd / "curves.csv").columns) == CURVE_COLUMNS
    pd.testing.assert_frame_equal(sectors[SECTOR_COLUMNS], pd.read_csv(kd / "sectors.csv", dtype={"sector": str}))
    pd.testing.assert_frame_equal(curves[CURVE_COLUMNS], pd.read_csv(kd / "curves.csv", dtype={"sector": str}))
    verdict = sectors.set_index("sector")
    assert verdict.loc["P", "m_localised"] and verdict.loc["P", "m_p_value"] == 0.01  # the least of 99 sims
    assert not verdict.drop(index="P")["m_localised"].any()


def test_report_shows_m_beside_kd(both_runs):
    kd, kdm = both_runs
    html = (kdm / "report.html").read_text(encoding="utf-8")
    assert "M (ratio)" in html and "<th>m q value</th>" in html and "Kd and M (Marcon &amp; Puech)" in html
    assert "M (ratio)" not in (kd / "report.html").read_text(encoding="utf-8")


def test_unknown_statistic_is_refused(tmp_path):
    src = tmp_path / "points.csv"
    planted(n_background=60).to_csv(src, index=False)
    result = run([src, "--out", tmp_path / "out", "--lon-col", "lon", "--lat-col", "lat", "--statistic", "m"])
    assert result.exit_code == 2
    assert "--statistic: the screen always computes Kd" in result.output


def test_help_names_every_accepted_choice():
    from tests.mapping.test_cli_map import runner

    from triplec.cli import app

    text = " ".join(runner.invoke(app, ["map", "--help"], env={"COLUMNS": "200"}).output.replace("│", " ").split())
    assert "kd (the default), or kd,m (m,kd: the same)" in text and "m alone is refused" in text
    assert "triplec curves --statistic m" in text
