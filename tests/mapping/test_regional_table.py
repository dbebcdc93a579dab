"""RegionalTable: validation with clear errors, readers, re-aggregation."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping.regional.io import TableFileError, read_table_file, row_label_for
from triplec.mapping.regional.table import RegionalTable, RegionalTableError
from triplec.mapping.sectors import SectorCodeError, load_crosswalk

pytestmark = pytest.mark.nodb


def frame(**overrides):
    base = {"region": ["01", "01", "02"], "sector": ["311111", "336411", "311111"],
            "emp": [10, 20, 30], "estab": [1, 2, 3]}
    base.update(overrides)
    return pd.DataFrame(base)


def build(df, **kw):
    kw.setdefault("emp_col", "emp")
    kw.setdefault("estab_col", "estab")
    return RegionalTable.from_frame(df, **kw)


def test_valid_table_and_matrix():
    table = build(frame())
    assert table.measures == ("emp", "estab")
    assert table.regions == ["01", "02"] and table.sectors == ["311111", "336411"]
    emp = table.matrix("emp")
    assert emp.loc["02", "336411"] == 0.0  # absent cell
    assert emp.to_numpy().tolist() == [[10.0, 20.0], [30.0, 0.0]]
    assert table.matrix().equals(emp)  # employment is the default measure
    only_counts = RegionalTable.from_frame(frame(), estab_col="estab")
    assert only_counts.measures == ("estab",)
    with pytest.raises(RegionalTableError, match="no 'emp' column"):
        only_counts.matrix("emp")


def test_missing_columns_named():
    with pytest.raises(RegionalTableError, match=r"missing column\(s\) 'jobs' \(emp\)"):
        build(frame(), emp_col="jobs")
    with pytest.raises(RegionalTableError, match="at least one measure"):
        RegionalTable.from_frame(frame())
    with pytest.raises(RegionalTableError, match="no rows"):
        build(frame().iloc[:0])


def test_bad_values_name_the_row():
    with pytest.raises(RegionalTableError, match=r"row 1: column 'emp' has value 'x20', which is not a number"):
        build(frame(emp=[10, "x20", 30]))
    with pytest.raises(RegionalTableError, match=r"row 2: column 'estab' has negative value -3"):
        build(frame(estab=[1, 2, -3]))
    with pytest.raises(RegionalTableError, match=r"row 0: column 'emp' is empty"):
        build(frame(emp=[None, 20, 30]))
    with pytest.raises(RegionalTableError, match=r"row 2: column 'emp' has value inf, which is not finite"):
        build(frame(emp=[1, 2, np.inf]))
    with pytest.raises(RegionalTableError, match=r"row 1: column 'region' is empty"):
        build(frame(region=["01", " ", "02"]))
    filled = build(frame(emp=[None, 20, 30]), missing="zero")
    assert filled.matrix("emp").loc["01", "311111"] == 0.0


def test_duplicates_summed_or_rejected():
    dup = frame(region=["01", "01", "01"], sector=["311111", "336411", "311111"])
    summed = build(dup)
    assert summed.matrix("emp").loc["01", "311111"] == 40.0  # 10 + 30
    assert summed.matrix("estab").loc["01", "311111"] == 4.0
    with pytest.raises(RegionalTableError, match=r"row 0 and row 2: duplicate cell region '01', sector '311111'"):
        build(dup, duplicates="error")


def test_csv_rows_are_named_by_line(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text("region,sector,emp\n01,311111,10\n01,336411,-4\n")
    raw = read_table_file(path, str_cols=["region", "sector"], required=["region", "sector"])
    assert raw["region"].tolist() == ["01", "01"]  # leading zero kept
    with pytest.raises(RegionalTableError, match=r"cells.csv line 3: column 'emp' has negative value -4"):
        RegionalTable.from_frame(raw, emp_col="emp", row_label=row_label_for(path))


def test_parquet_reader_and_file_errors(tmp_path):
    path = tmp_path / "cells.parquet"
    pd.DataFrame({"region": [1, 2], "sector": ["a", "b"], "emp": [1.0, 2.0]}).to_parquet(path)
    raw = read_table_file(path, str_cols=["region"])
    assert raw["region"].tolist() == ["1", "2"]
    assert row_label_for(path)(0) == "cells.parquet row 1"
    with pytest.raises(TableFileError, match="file not found"):
        read_table_file(tmp_path / "none.csv")
    odd = tmp_path / "cells.xlsx"
    odd.write_text("x")
    with pytest.raises(TableFileError, match="unknown file type '.xlsx'"):
        read_table_file(odd)
    with pytest.raises(TableFileError, match=r"cells.parquet: missing column\(s\) \['estab'\]"):
        read_table_file(path, required=["estab"])
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    with pytest.raises(TableFileError, match="broken.parquet: cannot be read"):
        read_table_file(broken)


def test_centroids_validated():
    cents = pd.DataFrame({"region": ["01", "02"], "lon": [-86.8, -150.0], "lat": [32.8, 64.0]})
    table = build(frame(), centroids=cents)
    assert table.centroids.loc["02", "lat"] == 64.0
    with pytest.raises(RegionalTableError, match="out of range"):
        build(frame(), centroids=cents.assign(lat=[32.8, 95.0]))
    with pytest.raises(RegionalTableError, match="'01' is listed twice"):
        build(frame(), centroids=pd.concat([cents, cents.iloc[:1]]))
    with pytest.raises(RegionalTableError, match=r"centroids row 1: column 'lon' has value 'west'"):
        build(frame(), centroids=cents.assign(lon=[-86.8, "west"]))


def test_truncate_select_and_nested_refusal():
    table = build(frame())
    three = table.truncate_sectors(3)
    assert three.matrix("emp").to_dict() == {"311": {"01": 10.0, "02": 30.0}, "336": {"01": 20.0, "02": 0.0}}
    two = table.truncate_sectors(2)
    assert two.sectors == ["31-33"] and two.matrix("emp")["31-33"].tolist() == [30.0, 30.0]
    nested = build(frame(sector=["31-33", "336411", "311111"]))
    with pytest.raises(RegionalTableError, match="sector '31-33' and its sub-code '3\\d{5}' are both present"):
        nested.truncate_sectors(2)
    assert nested.select_level(6).sectors == ["311111", "336411"]
    with pytest.raises(RegionalTableError, match="no sector code at level 4"):
        nested.select_level(4)
    with pytest.raises(SectorCodeError):
        build(frame(sector=["541", "336411", "311111"])).truncate_sectors(6)


def test_map_sectors_and_aggregate_regions():
    table = build(frame(sector=["311111", "336411", "999999"]))
    cw = load_crosswalk(pd.DataFrame({"naics": ["311111", "336411"], "cluster": ["Food", "Aero"]}), "naics", "cluster")
    mapped, lost = table.map_sectors(cw)
    assert mapped.sectors == ["Aero", "Food"]
    assert lost["code"].tolist() == ["999999"] and lost["emp"].tolist() == [30.0]
    states = mapped.aggregate_regions({"01": "S", "02": "S"})
    assert states.matrix("emp").to_dict() == {"Aero": {"S": 20.0}, "Food": {"S": 10.0}}
    with pytest.raises(RegionalTableError, match="region '02' has no target"):
        table.aggregate_regions({"01": "S"})
