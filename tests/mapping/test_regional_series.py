"""Regional series over years (`triplec.mapping.regional.series`, `triplec regions --year-col / --years`)
on two years of County Business Patterns: Connecticut counties x five NAICS subsectors, 2021 as published,
2022 the documented synthetic shift of four cells (tests/data/README.md)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from triplec.mapping.cli_regions import regions_command
from triplec.mapping.regional import (
    RegionalTable,
    RegionalTableError,
    regional_indices,
    regional_series,
    tables_by_year,
)
from triplec.mapping.regional.series import CHANGE_COLUMNS, SERIES_COLUMNS

pytestmark = pytest.mark.nodb

DATA = Path(__file__).resolve().parents[1] / "data"
TWO_YEARS = DATA / "cbp_connecticut_2021_2022shifted.csv"
# the documented shift: 2022 employment = round(2021 employment x factor) in these cells, else equal
SHIFTS = {("09001", "311"): 2.0, ("09003", "332"): 1.4, ("09007", "336"): 0.6, ("09015", "332"): 0.7}


@pytest.fixture(scope="module")
def frame():
    return pd.read_csv(TWO_YEARS, dtype={"fips": str, "naics2017": str})


@pytest.fixture(scope="module")
def result(frame):
    return regional_series(tables_by_year(frame, region_col="fips", sector_col="naics2017", emp_col="emp",
                                          estab_col="estab"))


def cell(table, region, sector, year=None):
    rows = table[(table["region"] == region) & (table["sector"] == sector)]
    return (rows if year is None else rows[rows["year"] == year]).iloc[0]


def test_the_two_years_are_cbp_2021_and_the_documented_shift(frame):
    cbp = pd.read_parquet(DATA / "cbp2021_county_x_naics_38states.parquet",
                          columns=["fips", "naics2017", "emp", "estab"])
    y21, y22 = (frame[frame["year"] == year].set_index(["fips", "naics2017"]) for year in (2021, 2022))
    published = cbp.set_index(["fips", "naics2017"]).loc[y21.index]
    assert (published["emp"].to_numpy() == y21["emp"].to_numpy()).all()
    assert (published["estab"].to_numpy() == y21["estab"].to_numpy()).all()
    expected = y21["emp"].copy()
    for key, factor in SHIFTS.items():
        expected[key] = round(y21.loc[key, "emp"] * factor)
    assert (y22.loc[y21.index, "emp"] == expected).all()
    assert (y22.loc[y21.index, "estab"] == y21["estab"]).all()


def test_lq_and_share_changes_checked_by_hand(result):
    # Sums of the table (by hand from the file): total employment 185,427 in 2021 and 189,797 in 2022;
    # Middlesex (09007) 9,411 -> 8,025; Fairfield (09001) 60,236 -> 61,756;
    # NAICS 336 46,888 -> 45,502; NAICS 311 7,484 -> 9,004.
    series = result.series
    lq_21 = (3465 / 9411) / (46888 / 185427)
    lq_22 = (2079 / 8025) / (45502 / 189797)
    middlesex = cell(series, "09007", "336", 2022)
    assert cell(series, "09007", "336", 2021)["lq"] == pytest.approx(lq_21) == pytest.approx(1.45605, abs=1e-5)
    assert middlesex["lq"] == pytest.approx(lq_22) == pytest.approx(1.08060, abs=1e-5)
    assert middlesex["d_lq"] == pytest.approx(lq_22 - lq_21)
    assert middlesex["d_emp_share"] == pytest.approx(2079 / 45502 - 3465 / 46888)
    fairfield = cell(series, "09001", "311", 2022)
    assert fairfield["lq"] == pytest.approx((3040 / 61756) / (9004 / 189797))
    assert fairfield["d_lq"] == pytest.approx((3040 / 61756) / (9004 / 189797) - (1520 / 60236) / (7484 / 185427))
    assert fairfield["emp_share"] == pytest.approx(3040 / 9004)
    assert fairfield["d_emp_share"] == pytest.approx(3040 / 9004 - 1520 / 7484)
    first = series[series["year"] == 2021]
    assert first["d_lq"].isna().all() and first["d_emp_share"].isna().all() and (first["status"] == "").all()


def test_each_year_applies_todays_lq_and_strong_cluster_rule(frame, result):
    for year, table in tables_by_year(frame, region_col="fips", sector_col="naics2017", emp_col="emp",
                                      estab_col="estab").items():
        alone = regional_indices(table).indices.set_index(["region", "sector"])
        rows = result.series[result.series["year"] == year].set_index(["region", "sector"])
        assert np.allclose(rows["lq"], alone.loc[rows.index, "lq"])
        assert (rows["strong"] == alone.loc[rows.index, "strong"]).all()


def test_emerging_declining_and_persistent_clusters(result):
    changes = result.changes.set_index(["region", "sector"])
    assert list(result.changes.columns) == CHANGE_COLUMNS and list(result.series.columns) == SERIES_COLUMNS
    assert len(changes) == 35 and (changes["first_year"] == 2021).all() and (changes["last_year"] == 2022).all()
    found = {key: value for key, value in changes["class"].items() if value != "other"}
    assert found == {
        ("09001", "311"): "emerging",    # LQ 0.63 -> 1.04, rose past 1, not strong (employment doubled)
        ("09003", "336"): "emerging",    # became strong: Middlesex's fall moved the sector's top quartile
        ("09007", "336"): "declining",   # lost strong (employment x 0.6)
        ("09015", "332"): "declining",   # LQ 1.21 -> 0.79, fell below 1, strong in neither year
        ("09001", "541"): "persistent", ("09005", "325"): "persistent", ("09005", "332"): "persistent",
        ("09007", "332"): "persistent", ("09009", "311"): "persistent", ("09009", "541"): "persistent",
    }
    assert changes.loc[("09007", "336"), "years_strong"] == 1 and changes.loc[("09001", "541"), "years_strong"] == 2
    # with two years the year-on-year status of the last year is the class
    last = result.series[result.series["year"] == 2022].set_index(["region", "sector"])
    assert (last["status"] == changes["class"]).all()


def test_absent_cells_and_three_years():
    def year(rows):
        return RegionalTable.from_frame(pd.DataFrame(rows, columns=["region", "sector", "emp"]), emp_col="emp")

    tables = {2020: year([("N", "a", 10), ("N", "b", 30), ("S", "a", 30), ("S", "b", 10)]),
              2021: year([("N", "a", 10), ("N", "b", 30), ("S", "a", 30), ("S", "b", 0), ("E", "a", 5)]),
              2022: year([("N", "a", 20), ("N", "b", 20), ("S", "a", 20), ("E", "b", 5), ("N", "c", 5)])}
    series = regional_series(tables).series
    assert series.groupby(["region", "sector"]).size().eq(3).all()
    east_a = series[(series["region"] == "E") & (series["sector"] == "a")].set_index("year")
    assert east_a.loc[2020, "emp"] == 0 and np.isnan(east_a.loc[2020, "lq"]) and east_a.loc[2020, "emp_share"] == 0
    # E has no "a" in 2022 but exists: a real zero
    assert east_a.loc[2022, "lq"] == 0 and east_a.loc[2022, "emp_share"] == 0
    south_b = series[(series["region"] == "S") & (series["sector"] == "b")].set_index("year")
    assert south_b.loc[2021, "lq"] == 0 and south_b.loc[2022, "lq"] == 0  # no "b" row in 2022, S and b exist
    north_c = series[(series["region"] == "N") & (series["sector"] == "c")].set_index("year")
    assert north_c["emp"].tolist() == [0, 0, 5] and north_c[["lq", "emp_share"]].iloc[:2].isna().all().all()
    # N b in 2022: 20 of N's 45, b 25 of 70
    north_b = series[(series["region"] == "N") & (series["sector"] == "b")].set_index("year")
    assert north_b.loc[2022, "lq"] == pytest.approx((20 / 45) / (25 / 70))
    assert north_b.loc[2022, "d_lq"] == pytest.approx((20 / 45) / (25 / 70) - (30 / 40) / (30 / 75))


def test_refuses_one_year_mixed_measures_and_fractional_years():
    cells = pd.DataFrame({"year": [2021, 2021], "region": ["N", "S"], "sector": "a", "emp": [1, 2], "estab": [1, 1]})
    with pytest.raises(RegionalTableError, match="two or more years"):
        regional_series(tables_by_year(cells, emp_col="emp"))
    with pytest.raises(RegionalTableError, match="same measures"):
        regional_series({2021: RegionalTable.from_frame(cells, emp_col="emp"),
                         2022: RegionalTable.from_frame(cells, emp_col="emp", estab_col="estab")})
    with pytest.raises(RegionalTableError, match=r"row 1: column 'year' has value 2021.5, which is not a whole year"):
        tables_by_year(cells.assign(year=[2021, 2021.5]), emp_col="emp")


app = typer.Typer()
app.command("regions")(regions_command)


@app.command("other")
def _other() -> None:  # a second command keeps typer in multi-command mode, as in the real app
    pass


def run(*args):
    return CliRunner().invoke(app, ["regions", *map(str, args)])


def test_cli_year_column_and_several_tables_write_the_same_series(tmp_path, frame, result):
    out = run(TWO_YEARS, "--out", tmp_path / "one", "--region-col", "fips", "--sector-col", "naics2017",
              "--year-col", "year")
    assert out.exit_code == 0, out.output
    assert "7 regions x 5 sectors over 2 years (2021-2022); emerging: 2, declining: 2, persistent: 6" in out.output
    series = pd.read_csv(tmp_path / "one" / "series.csv", dtype={"region": str, "sector": str}, keep_default_na=False)
    assert list(series.columns) == SERIES_COLUMNS and len(series) == 70
    assert cell(series, "09007", "336", 2022)["status"] == "declining"
    changes = pd.read_csv(tmp_path / "one" / "changes.csv", dtype={"region": str, "sector": str})
    assert list(changes.columns) == CHANGE_COLUMNS
    assert (changes["class"].to_numpy() == result.changes["class"].to_numpy()).all()
    paths = []
    for year in (2022, 2021):  # the order of the files does not matter; --years names them
        paths.append(tmp_path / f"cbp{year}.csv")
        frame[frame["year"] == year].drop(columns="year").to_csv(paths[-1], index=False)
    out = run(*paths, "--years", "2022,2021", "--out", tmp_path / "two", "--region-col", "fips",
              "--sector-col", "naics2017")
    assert out.exit_code == 0, out.output
    for name in ("series.csv", "changes.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_cli_series_takes_the_steps_per_year_and_names_bad_input(tmp_path, frame):
    out = run(TWO_YEARS, "--out", tmp_path / "lvl", "--region-col", "fips", "--sector-col", "naics2017",
              "--year-col", "year", "--level", "2")
    assert out.exit_code == 0, out.output
    series = pd.read_csv(tmp_path / "lvl" / "series.csv", dtype={"region": str, "sector": str})
    assert sorted(series["sector"].unique()) == ["31-33", "54"]
    path = tmp_path / "cbp.csv"
    frame.to_csv(path, index=False)
    cases = [
        ((path, path), "give --year-col, or one year per table with --years (2 table(s))"),
        ((path, "--years", "2021"), "a series needs two or more years, got [2021]"),
        ((path, "--year-col", "year", "--years", "2021,2022"), "--year-col reads the years"),
        ((path, path, "--years", "2021,x"), "--years must be whole years"),
        ((path, "--year-col", "year", "--plants"), "--plants and --coagglomeration do not apply"),
        ((path, "--year-col", "annee"), "missing column(s) ['annee']"),
    ]
    for args, message in cases:
        out = run(*args, "--out", tmp_path / "bad", "--region-col", "fips", "--sector-col", "naics2017")
        assert out.exit_code == 1 and message in out.output, (args, out.output)
