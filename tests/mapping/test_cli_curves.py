"""`triplec curves`: Kd and M of one sector or of a neighbour sector around a reference sector, and M's
envelopes under dbmss's nulls (--sims, --null)."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from triplec.cli import app
from triplec.mapping import PointRegister, kd_curve, m_curve, m_test

pytestmark = pytest.mark.nodb

runner = CliRunner()
COORDS = ["--x-col", "x_km", "--y-col", "y_km", "--r-max", "20", "--r-step", "2.5"]


@pytest.fixture(scope="module")
def points_file(tmp_path_factory, synthetic_points):
    path = tmp_path_factory.mktemp("curves") / "points.csv"
    synthetic_points.to_csv(path, index=False)
    return path


def curves(points_file, tmp_path, *args):
    out = tmp_path / "curves.csv"
    result = runner.invoke(app, ["curves", str(points_file), *COORDS, "-o", str(out), *args],
                           catch_exceptions=False)
    return result, (pd.read_csv(out) if out.exists() else None)


def test_intertype_weighted_curves_are_the_library_ones(points_file, tmp_path, synthetic_points):
    result, table = curves(points_file, tmp_path, "--reference-type", "S3", "--neighbor-type", "S4",
                           "--weight-col", "employees")
    assert result.exit_code == 0, result.output
    assert "S4 around S3" in result.output
    assert list(table.columns) == ["reference", "neighbor", "r", "kd", "kemp", "m"]
    assert set(table.reference) == {"S3"} and set(table.neighbor) == {"S4"}
    reg = PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km", y_col="y_km",
                                   weight_col="employees")
    m = m_curve(reg, "S3", neighbor="S4", r_max=20, r_step=2.5, weighted=True)
    kd = kd_curve(reg, "S3", other="S4", r_max=20, r_step=2.5, weighted=True)
    np.testing.assert_allclose(table.m, m.m, equal_nan=True)
    np.testing.assert_allclose(table.kemp, kd.kemp)
    assert not np.allclose(table.m.iloc[1:], m_curve(reg, "S3", r_max=20, r_step=2.5, weighted=True).m[1:])


def test_m_alone_of_one_sector(points_file, tmp_path):
    result, table = curves(points_file, tmp_path, "--reference-type", "S1", "--statistic", "m")
    assert result.exit_code == 0, result.output
    assert list(table.columns) == ["reference", "neighbor", "r", "m"]
    assert set(table.neighbor) == {"S1"} and table.m.iloc[-1] > 1  # S1 is localised


def test_intertype_envelope_under_population_independence(points_file, tmp_path, synthetic_points):
    result, table = curves(points_file, tmp_path, "--reference-type", "S3", "--neighbor-type", "S4", "--statistic",
                           "m", "--weight-col", "employees", "--sims", "19", "--null", "population-independence",
                           "--alpha", "0.1", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert list(table.columns) == ["reference", "neighbor", "r", "m", "m_lo", "m_hi", "m_sim_mean", "m_global_do_lo",
                                   "m_global_do_hi", "m_global_dbmss_lo", "m_global_dbmss_hi"]
    reg = PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km", y_col="y_km",
                                   weight_col="employees")
    lib = m_test(reg, "S3", neighbor="S4", null="PopulationIndependence", r_max=20, r_step=2.5, sims=19,
                 alpha=0.1, seed=4, weighted=True)
    np.testing.assert_allclose(table.m_hi, lib.curves.m_hi, equal_nan=True)
    called = "localised" if lib.table.m_localised.iloc[0] else "not localised"
    assert f"M under population independence (19 simulations): {called}" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--reference-type", "S1", "--sims", "19", "--null", "population-independence"], "give a neighbour sector"),
    (["--reference-type", "S1", "--null", "shifted"], "--null: unknown null 'shifted'"),
    (["--reference-type", "S1", "--statistic", "kd", "--sims", "19"], "--sims simulates M"),
    (["--reference-type", "S1", "--neighbor-type", "NOPE"], "sector 'NOPE' is not in the register"),
    (["--reference-type", "S1", "--statistic", "kd,x"], "--statistic: unknown statistic 'x'"),
])
def test_refusals(points_file, tmp_path, args, message):
    result, table = curves(points_file, tmp_path, *args)
    assert result.exit_code == 2 and message in result.output and table is None


def test_help_names_the_nulls():
    text = " ".join(runner.invoke(app, ["curves", "--help"], env={"COLUMNS": "200"}).output.replace("│", " ").split())
    assert "random-location (marks and weights permuted over all sites), random-labeling" in text
    assert "population-independence (intertype" in text and "--sims" in text
