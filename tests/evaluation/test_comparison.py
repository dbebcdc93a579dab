"""The comparison group's matching on a hand-made frame: who pairs with whom, the caliper, the
standardised mean differences worked out by hand (numbers in the comments)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from triplec.evaluation.services import comparison

pytestmark = pytest.mark.nodb

# stratum A: sector 10, region RS, small; T3 alone in region SC. Support starts in 2020 for all.
FIRMS = pd.DataFrame({
    "sector": ["10"] * 8, "region": ["RS", "RS", "SC", "RS", "RS", "RS", "RS", "RS"], "size": ["small"] * 8,
    "cohort": [2020, 2020, 2020, 2020, 0, 0, 0, 0]}, index=["T1", "T2", "T3", "T4", "C1", "C2", "C3", "C4"])
# outcome in 2018 and 2019: level = 2019, trend = 2019 - 2018
Y = {"T1": (10, 12), "T2": (20, 20), "T3": (15, 16), "C1": (10, 12), "C2": (11, 13), "C3": (30, 30), "C4": (19, 21)}


def panel() -> pd.DataFrame:
    rows = [{"firm": f, "year": year, "outcome": v} for f, pair in Y.items() for year, v in zip((2018, 2019), pair, strict=False)]
    rows.append({"firm": "T4", "year": 2019, "outcome": 5.0})  # no 2018: no trend
    return pd.DataFrame(rows)


def test_pairs_caliper_and_balance_by_hand():
    result = comparison.match(FIRMS, panel(), neighbours=2, caliper=0.5)
    # treated levels 12, 20, 16 (var 16); candidates 12, 13, 30, 21 (mean 19, var 70): sd sqrt(43).
    # trends 2, 0, 1 (var 1); candidates 2, 2, 0, 2 (mean 1.5, var 1): sd 1.
    assert result.scale["level"] == pytest.approx(math.sqrt(43))
    assert result.scale["trend"] == pytest.approx(1.0)
    # T1 (12, 2): C1 at 0, C2 at 1/sqrt(43) = 0.152; C4 at 9/sqrt(43) = 1.37 is beyond two neighbours
    assert result.pairs[["firm", "control"]].values.tolist() == [["T1", "C1"], ["T1", "C2"]]
    assert result.pairs["distance"].tolist() == pytest.approx([0.0, 1 / math.sqrt(43)])
    # T2 (20, 0): nearest C3 at 10/sqrt(43) = 1.52 > 0.5; T3 has no candidate in SC; T4 lacks 2018
    assert dict(zip(result.dropped["firm"], result.dropped["reason"], strict=True)) == {
        "T2": comparison.OUTSIDE_CALIPER, "T3": comparison.NO_CANDIDATE, "T4": comparison.NO_PRE_YEARS}
    balance = result.balance.set_index("feature")
    # before: treated 16 vs candidates 19 -> -3/sqrt(43); trend 1 vs 1.5 -> -0.5
    assert balance.at["level", "smd_before"] == pytest.approx(-3 / math.sqrt(43))
    assert balance.at["trend", "smd_before"] == pytest.approx(-0.5)
    # after: T1 12 vs (12 + 13) / 2 -> -0.5/sqrt(43); trend 2 vs 2 -> 0
    assert balance.at["level", "smd_after"] == pytest.approx(-0.5 / math.sqrt(43))
    assert balance.at["trend", "smd_after"] == pytest.approx(0.0)
    assert balance.at["level", "after_mean"] == pytest.approx(12.5)
    assert result.matched_firms == ["T1"] and result.controls == ["C1", "C2"]


def test_a_wider_caliper_matches_with_replacement():
    result = comparison.match(FIRMS, panel(), neighbours=1, caliper=1.6)
    # T1 -> C1 (0); T2 -> C3 (1.52); with neighbours=3, T1 would also take C2 and C4 (1.37)
    assert result.pairs[["firm", "control"]].values.tolist() == [["T1", "C1"], ["T2", "C3"]]
    wide = comparison.match(FIRMS, panel(), neighbours=3, caliper=1.6)
    assert wide.pairs[["firm", "control"]].values.tolist() == [
        ["T1", "C1"], ["T1", "C2"], ["T1", "C4"], ["T2", "C3"]]
    twin = pd.concat([FIRMS, FIRMS.loc[["T1"]].rename(index={"T1": "T5"})])  # T5 as T1: both take C1
    frame = pd.concat([panel(), panel().query("firm == 'T1'").assign(firm="T5")])
    shared = comparison.match(twin, frame, neighbours=1, caliper=0.5)
    assert shared.pairs[["firm", "control"]].values.tolist() == [["T1", "C1"], ["T5", "C1"]]


def test_sector_division():
    assert comparison.stratum_sector("10.71") == comparison.stratum_sector("1071") == "10"
