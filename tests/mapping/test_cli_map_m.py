"""`triplec map --statistic kd,m`: Marcon & Puech's M beside Kd in the files and the report; `--statistic m`:
M alone."""

import pandas as pd
import pytest
from tests.mapping.test_cli_map import planted, run

from triplec.mapping.pipeline import (
    CURVE_COLUMNS,
    M_CURVE_COLUMNS,
    M_ONLY_CURVE_COLUMNS,
    M_ONLY_SECTOR_COLUMNS,
    M_SECTOR_COLUMNS,
    SECTOR_COLUMNS,
)

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
    # --no-fdr: with 99 simulations P's q-value is 6 x 0.01 > alpha; the footprints follow M's calls alone
    m_only = run([*args, "--out", folder / "m", "--statistic", "m", "--no-fdr"])
    assert plain.exit_code == 0 and with_m.exit_code == 0 and m_only.exit_code == 0, (plain.output, m_only.output)
    assert "1 localised, 1 footprints" in m_only.output
    return folder / "kd", folder / "kdm", folder / "m"


def test_m_columns_are_added_and_kd_is_unchanged(both_runs):
    kd, kdm, _ = both_runs
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
    kd, kdm, _ = both_runs
    html = (kdm / "report.html").read_text(encoding="utf-8")
    assert "M (ratio)" in html and "<th>m q value</th>" in html and "Kd and M (Marcon &amp; Puech)" in html
    assert "M (ratio)" not in (kd / "report.html").read_text(encoding="utf-8")


def test_m_alone_has_the_calls_of_kd_m_and_no_kd_columns(both_runs):
    """Same seed, same M: the M-only screen's calls, p- and q-values and curves are those of the kd,m run."""
    _, kdm, m_only = both_runs
    sectors = pd.read_csv(m_only / "sectors.csv", dtype={"sector": str})
    curves = pd.read_csv(m_only / "curves.csv", dtype={"sector": str})
    assert list(sectors.columns) == M_ONLY_SECTOR_COLUMNS == ["sector", "n", "employment", *M_SECTOR_COLUMNS]
    assert list(curves.columns) == M_ONLY_CURVE_COLUMNS == ["sector", "r", *M_CURVE_COLUMNS]
    both = pd.read_csv(kdm / "sectors.csv", dtype={"sector": str})
    pd.testing.assert_frame_equal(sectors, both[M_ONLY_SECTOR_COLUMNS])
    pd.testing.assert_frame_equal(curves, pd.read_csv(kdm / "curves.csv", dtype={"sector": str})[M_ONLY_CURVE_COLUMNS])
    assert sectors.set_index("sector")["m_localised"].tolist().count(True) == 1
    footprints = pd.read_csv(m_only / "footprints.csv", dtype={"sector": str})
    assert footprints["sector"].tolist() == ["P"]
    html = (m_only / "report.html").read_text(encoding="utf-8")
    assert "M (ratio)" in html and "M of P" in html and "Kd of" not in html and "<th>gamma</th>" not in html


def test_unknown_statistic_is_refused(tmp_path):
    src = tmp_path / "points.csv"
    planted(n_background=60).to_csv(src, index=False)
    result = run([src, "--out", tmp_path / "out", "--lon-col", "lon", "--lat-col", "lat", "--statistic", "kd,q"])
    assert result.exit_code == 2
    assert "--statistic: unknown statistic 'q'" in result.output


def test_help_names_every_accepted_choice():
    from tests.mapping.test_cli_map import runner

    from triplec.cli import app

    text = " ".join(runner.invoke(app, ["map", "--help"], env={"COLUMNS": "200"}).output.replace("│", " ").split())
    assert "kd (the default), kd,m (m,kd: the same)" in text and "or m alone" in text
    assert "triplec curves --sims" in text
