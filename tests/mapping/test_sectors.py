"""Sector code hierarchies (NAICS, NAF) and crosswalks."""

import pandas as pd
import pytest

from triplec.mapping.sectors import (
    CrosswalkError,
    SectorCodeError,
    apply_crosswalk,
    code_level,
    load_crosswalk,
    load_uscm_crosswalk,
    nested_code_pairs,
    normalise_naf,
    parent_code,
    truncate_codes,
    truncate_naf,
    truncate_naics,
)

pytestmark = pytest.mark.nodb


# ------------------------------------------------------------------ NAICS

def test_truncate_naics_levels():
    codes = pd.Series(["336411", "311111", "541715", "445110"])
    assert list(truncate_naics(codes, 6)) == ["336411", "311111", "541715", "445110"]
    assert list(truncate_naics(codes, 4)) == ["3364", "3111", "5417", "4451"]
    assert list(truncate_naics(codes, 3)) == ["336", "311", "541", "445"]
    # level 2 writes the multi-code sectors as the Census Bureau does
    assert list(truncate_naics(codes, 2)) == ["31-33", "31-33", "54", "44-45"]
    assert list(truncate_naics(codes, 2, sector_ranges=False)) == ["33", "31", "54", "44"]


def test_truncate_naics_keeps_ranges_and_refuses_coarser_codes():
    assert list(truncate_naics(["31-33", "48-49"], 2)) == ["31-33", "48-49"]
    with pytest.raises(SectorCodeError, match="'3364' has fewer than 6 digits"):
        truncate_naics(["336411", "3364"], 6)
    with pytest.raises(SectorCodeError, match="'31-33' has fewer than 3 digits"):
        truncate_naics(["31-33"], 3)
    with pytest.raises(SectorCodeError, match="not a NAICS code"):
        truncate_naics(["33A411"], 4)
    with pytest.raises(SectorCodeError, match="level must be"):
        truncate_naics(["336411"], 7)


def test_naics_parents_and_levels():
    assert parent_code("336411") == "33641"
    assert parent_code("3364") == "336"
    assert parent_code("336") == "31-33"
    assert parent_code("541") == "54"
    assert parent_code("31-33") == "00"
    assert parent_code("54") == "00"
    assert parent_code("00") is None
    assert [code_level(c) for c in ("00", "54", "31-33", "541", "5417", "54171", "541715")] == [1, 2, 2, 3, 4, 5, 6]


def test_nested_code_pairs_finds_subtotals():
    assert nested_code_pairs(["336411", "541715", "3112"]) == []
    pairs = nested_code_pairs(["31-33", "336411", "3364", "541715"])
    assert ("3364", "336411") in pairs and ("31-33", "3364") in pairs
    assert all(child != "541715" for _, child in pairs)


# ------------------------------------------------------------------ NAF

def test_naf_normalise_and_truncate():
    assert normalise_naf("25.11z") == "2511Z"
    assert normalise_naf(" 25.11Z ") == "2511Z"
    assert normalise_naf("C") == "C"
    codes = ["25.11Z", "2511Z", "01.11Z", "46.90Z"]
    assert list(truncate_naf(codes, "class")) == ["2511", "2511", "0111", "4690"]
    assert list(truncate_naf(codes, 4)) == ["2511", "2511", "0111", "4690"]
    assert list(truncate_naf(codes, "group")) == ["251", "251", "011", "469"]
    assert list(truncate_naf(codes, "division")) == ["25", "25", "01", "46"]
    # sections: 25 manufacturing (C), 01 agriculture (A), 46 wholesale (G)
    assert list(truncate_naf(codes, "section")) == ["C", "C", "A", "G"]
    assert list(truncate_codes(codes, "subclass", scheme="naf")) == ["2511Z", "2511Z", "0111Z", "4690Z"]


def test_naf_errors_and_parents():
    with pytest.raises(SectorCodeError, match="not a NAF"):
        normalise_naf("25.1Z")  # a letter only follows a 4-digit class
    with pytest.raises(SectorCodeError, match="division 04 does not exist"):
        normalise_naf("0411Z")
    with pytest.raises(SectorCodeError, match="coarser than level"):
        truncate_naf(["25.1"], "class")
    assert parent_code("2511Z", "naf") == "2511"
    assert parent_code("251", "naf") == "25"
    assert parent_code("25", "naf") == "C"
    assert parent_code("C", "naf") is None
    assert code_level("2511Z", "naf") == 5 and code_level("C", "naf") == 1


def test_plain_scheme_and_unknown_scheme():
    assert list(truncate_codes(["ABCD", "ABXY"], 2, scheme="plain")) == ["AB", "AB"]
    with pytest.raises(SectorCodeError, match="shorter than 3"):
        truncate_codes(["AB"], 3, scheme="plain")
    with pytest.raises(SectorCodeError, match="unknown code scheme"):
        truncate_codes(["AB"], 1, scheme="sic")


# ------------------------------------------------------------------ crosswalks

def test_uscm_crosswalk_shipped():
    cw = load_uscm_crosswalk()
    # 992 rows in the file; 814110 Private Households has no cluster and is left out
    assert len(cw) == 991 and cw["naics"].is_unique and "814110" not in set(cw["naics"])
    assert cw["naics"].str.fullmatch(r"\d{6}").all()
    assert cw.loc[cw["traded_local"] == "Traded", "cluster"].nunique() == 51
    assert cw.loc[cw["traded_local"] == "Local", "cluster"].nunique() == 19
    traded = load_uscm_crosswalk(traded_only=True)
    assert set(traded["traded_local"]) == {"Traded"} and len(traded) == 680
    assert cw.set_index("naics").loc["336411", "cluster"] == "Aerospace Vehicles and Defense"


def test_load_crosswalk_checks(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("code,target,w\n0111,A,1\n0112,B,0.5\n0112,C,0.5\n")
    cw = load_crosswalk(path, "code", "target", weight_col="w")
    assert list(cw["from"]) == ["0111", "0112", "0112"]  # leading zeros kept
    assert cw["weight"].tolist() == [1.0, 0.5, 0.5]
    with pytest.raises(CrosswalkError, match="'0112' maps to several targets"):
        load_crosswalk(path, "code", "target")
    with pytest.raises(CrosswalkError, match=r"cw.csv: missing column\(s\) \['dest'\]"):
        load_crosswalk(path, "code", "dest")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,target,w\n0111,A,1\n0112,B,0.5\n0112,C,0.4\n")
    with pytest.raises(CrosswalkError, match="weights of code '0112' sum to 0.9"):
        load_crosswalk(bad, "code", "target", weight_col="w")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,target\n0111,A\n,B\n")
    with pytest.raises(CrosswalkError, match="empty.csv line 3: empty 'code'"):
        load_crosswalk(empty, "code", "target")
    with pytest.raises(CrosswalkError, match="file not found"):
        load_crosswalk(tmp_path / "nope.csv", "code", "target")


def test_load_crosswalk_filters_uscm():
    cw = load_crosswalk(load_uscm_crosswalk(), "naics", "cluster", filters={"traded_local": "Traded"})
    assert len(cw) == 680 and (cw["weight"] == 1.0).all()


def test_apply_crosswalk_unmapped_modes():
    frame = pd.DataFrame({"sector": ["a1", "a2", "b1", "zz"], "emp": [1.0, 2.0, 4.0, 8.0]})
    cw = pd.DataFrame({"from": ["a1", "a2", "b1", "b1"], "to": ["A", "A", "B", "C"], "weight": [1, 1, 0.25, 0.75]})
    dropped = apply_crosswalk(frame, "sector", cw, ["emp"])
    assert dropped.frame.groupby("sector")["emp"].sum().to_dict() == {"A": 3.0, "B": 1.0, "C": 3.0}
    assert dropped.unmapped.to_dict("records") == [{"code": "zz", "emp": 8.0, "rows": 1}]
    kept = apply_crosswalk(frame, "sector", cw, ["emp"], unmapped="keep")
    assert kept.frame.groupby("sector")["emp"].sum().to_dict() == {"A": 3.0, "B": 1.0, "C": 3.0, "zz": 8.0}
    with pytest.raises(CrosswalkError, match="1 code\\(s\\) in column 'sector' are not in the crosswalk, e.g. 'zz'"):
        apply_crosswalk(frame, "sector", cw, ["emp"], unmapped="error")
