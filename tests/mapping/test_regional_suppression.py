"""Top-down filling of suppressed cells from the subtotals of a hierarchical table (CBP-like)."""

import pandas as pd
import pytest

from triplec.mapping.regional.suppression import impute_suppressed_cells

pytestmark = pytest.mark.nodb

# code tree: 00 -> {11, 31-33}; 11 -> {111, 112}; 31-33 -> {311, 312}
ROWS = [
    # R1: 31-33 and 312 suppressed
    ("R1", "00", 100), ("R1", "11", 40), ("R1", "111", 40), ("R1", "311", 25),
    # R2: everything published
    ("R2", "00", 100), ("R2", "11", 30), ("R2", "31-33", 70), ("R2", "111", 20), ("R2", "112", 10),
    ("R2", "311", 30), ("R2", "312", 40),
    # R3: both children of 11 suppressed
    ("R3", "00", 50), ("R3", "11", 50),
    # R4: noisy subtotals (children add up to more than the parent) and 31-33 with no child published
    ("R4", "00", 10), ("R4", "11", 8), ("R4", "31-33", 5), ("R4", "111", 8),
]


def table():
    return pd.DataFrame(ROWS, columns=["fips", "naics", "emp"])


def cell(result, region, code):
    row = result[(result["fips"] == region) & (result["naics"] == code)]
    return (float(row["emp"].iloc[0]), float(row["emp_imputed"].iloc[0])) if len(row) else None


def test_fills_by_hand():
    result = impute_suppressed_cells(table(), region_col="fips", code_col="naics", value_cols=["emp"])
    assert list(result.columns) == ["fips", "naics", "emp", "emp_imputed"]
    assert set(result["naics"]) <= {"111", "112", "311", "312"}  # finest level only
    # R1: level 2 residual 100 - 40 = 60 goes to the unpublished 31-33; level 3: 60 - 25 = 35 to 312
    # (11 has no residual: 40 - 40 = 0, so 112 stays empty)
    assert cell(result, "R1", "111") == (40.0, 0.0)
    assert cell(result, "R1", "311") == (25.0, 0.0)
    assert cell(result, "R1", "312") == (35.0, 35.0)
    assert cell(result, "R1", "112") is None
    # R2: nothing to fill
    assert result.loc[result["fips"] == "R2", "emp_imputed"].sum() == 0.0
    # R3: 50 shared by 111 and 112 in proportion to their published totals over all regions:
    # 111: 40 (R1) + 20 (R2) + 8 (R4) = 68; 112: 10 (R2)
    assert cell(result, "R3", "111") == pytest.approx((50 * 68 / 78, 50 * 68 / 78))
    assert cell(result, "R3", "112") == pytest.approx((50 * 10 / 78, 50 * 10 / 78))
    # R4: 11 + 31-33 = 13 > 10: the level-2 residual is clipped at 0 (published cells keep their values);
    # 31-33 (5) has no published child: 311 (25 + 30 = 55) and 312 (40) share it
    assert cell(result, "R4", "111") == (8.0, 0.0)
    assert cell(result, "R4", "311") == pytest.approx((5 * 55 / 95, 5 * 55 / 95))
    assert cell(result, "R4", "312") == pytest.approx((5 * 40 / 95, 5 * 40 / 95))
    # where subtotals are consistent, the finest cells add up to the region total
    totals = result.groupby("fips")["emp"].sum()
    assert totals["R1"] == pytest.approx(100) and totals["R2"] == pytest.approx(100) and totals["R3"] == pytest.approx(50)


def test_zero_valued_published_cell_counts_as_suppressed_for_that_column():
    rows = [("R", "00", 10, 4), ("R", "11", 10, 4), ("R", "111", 0, 3), ("R", "112", 6, 1)]
    frame = pd.DataFrame(rows, columns=["fips", "naics", "emp", "estab"])
    result = impute_suppressed_cells(frame, region_col="fips", code_col="naics")
    # emp of 111 is hidden (0 with 3 establishments): it receives the residual 10 - 6 = 4
    assert cell(result, "R", "111") == (4.0, 4.0)
    estab = result.set_index("naics")["estab"]
    assert estab.to_dict() == {"111": 3.0, "112": 1.0}


def test_input_errors():
    level_two = table()["naics"].isin(["11", "31-33"])
    with pytest.raises(ValueError, match=r"levels \[1, 3\] are not contiguous"):
        impute_suppressed_cells(table()[~level_two], region_col="fips", code_col="naics", value_cols=["emp"])
    with pytest.raises(ValueError, match="code '111' has no parent code in the table"):
        impute_suppressed_cells(table()[table()["naics"] != "11"], region_col="fips", code_col="naics",
                                value_cols=["emp"])
    with pytest.raises(ValueError, match="listed twice"):
        impute_suppressed_cells(pd.concat([table(), table().iloc[:1]]), region_col="fips", code_col="naics",
                                value_cols=["emp"])
    with pytest.raises(ValueError, match=r"missing column\(s\) \['estab'\]"):
        impute_suppressed_cells(table(), region_col="fips", code_col="naics")
