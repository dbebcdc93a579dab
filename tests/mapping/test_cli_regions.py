"""`triplec regions` through typer's CliRunner on a small app that registers the command."""

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from triplec.mapping.cli_regions import regions_command

pytestmark = pytest.mark.nodb

app = typer.Typer()
app.command("regions")(regions_command)


@app.command("other")
def _other() -> None:  # a second command keeps typer in multi-command mode, as in the real app
    pass


runner = CliRunner()

# the hand example of test_regional_indices: plants s1: A 4, A 3, B 3; s2: A 43, B 27, C 20
CELLS = "region,sector,emp,estab\nA,s1,7,2\nB,s1,3,1\nA,s2,43,1\nB,s2,27,1\nC,s2,20,1\n"


def run(*args):
    return runner.invoke(app, ["regions", *map(str, args)])


def test_writes_indices_and_sectors(tmp_path):
    table = tmp_path / "cells.csv"
    table.write_text(CELLS)
    result = run(table, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(tmp_path / "out" / "indices.csv")
    assert list(indices.columns[:6]) == ["region", "sector", "emp", "estab", "lq", "strong"]
    assert len(indices) == 5  # the empty cell (C, s1) is left out
    row = indices[(indices["region"] == "A") & (indices["sector"] == "s1")].iloc[0]
    assert row["lq"] == pytest.approx(1.4) and bool(row["strong"])
    sectors = pd.read_csv(tmp_path / "out" / "sectors.csv").set_index("sector")
    assert list(sectors.reset_index().columns[:4]) == ["sector", "eg_gamma", "ms_gamma", "eg_method"]
    assert sectors.loc["s1", "eg_method"] == "approx_regional_mean_size"
    assert sectors.loc["s1", "eg_gamma"] == pytest.approx((0.08 - 0.62 * 0.335) / (0.62 * 0.665))
    run_info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run_info["regions"] == 3 and run_info["methods"]["eg_method"] == "approx_regional_mean_size"
    assert "3 regions x 2 sectors" in result.output


def test_plant_level_input_uses_true_herfindahl_and_parquet(tmp_path):
    plants = pd.DataFrame({"area": ["A", "A", "B", "A", "B", "C"], "code": ["s1", "s1", "s1", "s2", "s2", "s2"],
                           "employees": [4, 3, 3, 43, 27, 20]})
    path = tmp_path / "plants.parquet"
    plants.to_parquet(path)
    result = run(path, "--out", tmp_path / "out", "--plants", "--region-col", "area", "--sector-col", "code",
                 "--emp-col", "employees", "--coagglomeration")
    assert result.exit_code == 0, result.output
    sectors = pd.read_csv(tmp_path / "out" / "sectors.csv").set_index("sector")
    assert sectors.loc["s1", "eg_method"] == "plant_herfindahl"
    assert sectors.loc["s1", "H"] == pytest.approx(0.34)
    assert sectors.loc["s1", "eg_gamma"] == pytest.approx((0.08 - 0.62 * 0.34) / (0.62 * 0.66))
    co = pd.read_csv(tmp_path / "out" / "coagglomeration.csv")
    assert co["gamma_c"].iloc[0] == pytest.approx(-0.8 / 90 / 0.62)


def test_crosswalk_level_and_unmapped(tmp_path):
    table = tmp_path / "naics.csv"
    table.write_text("fips,naics,jobs,firms\n01001,311111,10,2\n01001,311119,5,1\n01003,336411,50,3\n"
                     "01003,999990,7,1\n01003,311111,4,1\n")
    crosswalk = tmp_path / "cw.csv"
    crosswalk.write_text("code,group,kind\n3111,Food,Traded\n3364,Aero,Traded\n")
    result = run(table, "--out", tmp_path / "out", "--region-col", "fips", "--sector-col", "naics", "--emp-col", "jobs",
                 "--estab-col", "firms", "--level", "4", "--crosswalk", crosswalk, "--crosswalk-from", "code",
                 "--crosswalk-to", "group", "--crosswalk-filter", "kind=Traded")
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(tmp_path / "out" / "indices.csv", dtype={"region": str}).set_index(["region", "sector"])
    assert indices.loc[("01001", "Food"), "emp"] == 15.0 and indices.loc[("01003", "Food"), "emp"] == 4.0
    unmapped = pd.read_csv(tmp_path / "out" / "unmapped.csv", dtype={"code": str})
    assert unmapped["code"].tolist() == ["9999"]
    assert "1 code(s) not in the crosswalk" in result.output


def test_impute_within_counties_then_states(tmp_path):
    rows = [("01001", "01", "00", 100, 20), ("01001", "01", "11", 40, 8), ("01001", "01", "111", 40, 8),
            ("01001", "01", "311", 25, 5), ("01003", "01", "00", 100, 20), ("01003", "01", "11", 30, 6),
            ("01003", "01", "31-33", 70, 14), ("01003", "01", "111", 20, 4), ("01003", "01", "112", 10, 2),
            ("01003", "01", "311", 30, 6), ("01003", "01", "312", 40, 8), ("02013", "02", "00", 10, 5),
            ("02013", "02", "11", 10, 5), ("02013", "02", "112", 10, 5)]
    path = tmp_path / "cbp.csv"
    pd.DataFrame(rows, columns=["fips", "state", "naics", "emp", "estab"]).to_csv(path, index=False)
    result = run(path, "--out", tmp_path / "out", "--region-col", "state", "--sector-col", "naics",
                 "--impute-within", "fips")
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(tmp_path / "out" / "indices.csv", dtype={"region": str, "sector": str}).set_index(["region", "sector"])
    # county 01001: 00 - 11 = 60 to the hidden 31-33, then 60 - 25 = 35 to the hidden 312
    assert cells.loc[("01", "312"), "emp"] == pytest.approx(35 + 40)
    assert cells.loc[("01", "312"), "estab"] == pytest.approx(20 - 8 - 5 + 8)
    assert cells.loc[("01", "111"), "emp"] == 60.0 and cells.loc[("02", "112"), "emp"] == 10.0
    steps = json.loads((tmp_path / "out" / "run.json").read_text())["steps"]
    assert steps[0].startswith("filled suppressed cells within 'fips'")


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("region,sector,emp\nA,s1,7\nB,s1,-3\n", [], "cells.csv line 3: column 'emp' has negative value -3"),
        ("region,sector,emp\nA,s1,7\nB,s1,seven\n", [], "cells.csv line 3: column 'emp' has value 'seven', which is not a number"),
        ("region,sector,emp\nA,s1,7\nA,s1,3\n", ["--duplicates", "error"], "cells.csv line 2 and cells.csv line 3: duplicate cell"),
        ("area,sector,emp\nA,s1,7\n", [], "cells.csv: missing column(s) ['region']"),
        ("region,sector,emp\nA,s1,7\n", ["--estab-col", "firms"], "cells.csv: missing column 'firms'"),
        ("region,sector,jobs\nA,s1,7\n", [], "no employment or establishment column"),
        ("region,sector,emp\nA,s1,7\n", ["--crosswalk", "cw.csv"], "--crosswalk needs --crosswalk-from and --crosswalk-to"),
        ("region,sector,emp\nA,s1,7\n", ["--scheme", "sic"], "--scheme must be one of naics, naf, plain"),
        ("region,sector,emp\nA,31-33,7\nA,336411,3\n", ["--level", "2"], "sector '31-33' and its sub-code '336411'"),
        ("region,sector,emp\nA,336411,7\nA,5417,3\n", ["--level", "6"],
         "cells.csv line 3, column 'sector': NAICS code '5417' has fewer than 6 digits"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(tmp_path, content, extra, message):
    path = tmp_path / "cells.csv"
    path.write_text(content)
    result = run(path, "--out", tmp_path / "out", *extra)
    assert result.exit_code == 1
    assert message in result.output.replace("\n", " ") or message in (result.stderr or "")
    assert not (tmp_path / "out" / "indices.csv").exists()


def test_missing_file_and_unknown_crosswalk_column(tmp_path):
    result = run(tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "nope.csv: file not found" in result.output
    path = tmp_path / "cells.csv"
    path.write_text(CELLS)
    cw = tmp_path / "cw.csv"
    cw.write_text("code,group\ns1,G\n")
    result = run(path, "--out", tmp_path / "out", "--crosswalk", cw, "--crosswalk-from", "code", "--crosswalk-to", "grp")
    assert result.exit_code == 1 and "cw.csv: missing column(s) ['grp']" in result.output
    result = run(path, "--out", tmp_path / "out", "--crosswalk", cw, "--crosswalk-from", "code", "--crosswalk-to", "group",
                 "--unmapped", "error")
    assert result.exit_code == 1 and "1 code(s) in column 'sector' are not in the crosswalk, e.g. 's2'" in result.output


def test_register_without_sizes_naf_divisions(tmp_path):
    # one row per facility, NAF sub-classes, no employees: counts per departement x division
    path = tmp_path / "register.csv"
    path.write_text("dept,ape\n01,25.11Z\n01,2512Z\n01,10.11Z\n02,1011Z\n02,1012Z\n03,2511Z\n")
    result = run(path, "--out", tmp_path / "out", "--plants", "--region-col", "dept", "--sector-col", "ape",
                 "--scheme", "naf", "--level", "division")
    assert result.exit_code == 0, result.output
    sectors = pd.read_csv(tmp_path / "out" / "sectors.csv", dtype={"sector": str}).set_index("sector")
    assert sectors.index.tolist() == ["10", "25"] and sectors["estab"].tolist() == [3.0, 3.0]
    # counts: x = (3, 2, 1)/6, division 25 s = (2, 0, 1)/3, H = 1/3 exactly
    # G = (2/3 - 1/2)^2 + (0 - 1/3)^2 + (1/3 - 1/6)^2 = 1/36 + 4/36 + 1/36 = 1/6; 1 - sum x^2 = 11/18
    # gamma = (1/6 - 11/18 * 1/3) / (11/18 * 2/3) = (9/54 - 11/54) / (22/54) = -1/11
    assert sectors.loc["25", "eg_method"] == "counts_exact"
    assert sectors.loc["25", "eg_gamma"] == pytest.approx(-1 / 11)
    bad = tmp_path / "bad.csv"
    bad.write_text("dept,ape\n01,25.11Z\n01,04.11Z\n")
    result = run(bad, "--out", tmp_path / "out2", "--plants", "--region-col", "dept", "--sector-col", "ape",
                 "--scheme", "naf", "--level", "division")
    assert result.exit_code == 1
    assert "bad.csv line 3, column 'ape': '04.11Z': division 04 does not exist" in result.output.replace("\n", " ")
