"""Trajectories between two registers: growth, entry, exit, stayers, size distribution."""

import numpy as np
import pandas as pd
import pytest
import shapely

from triplec.mapping.locate import Footprint, PointRegister
from triplec.mapping.trajectories import compare_registers, size_class_labels, size_profile

pytestmark = pytest.mark.nodb

BEFORE = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e", "f", "g"],
    "sector": ["A", "A", "A", "A", "B", "B", "A"],
    "x": [1, 2, 3, 50, 4, 60, 5],
    "y": [1, 2, 3, 50, 4, 60, 5],
    "emp": [5, 20, 300, 8, 40, 2, 60],
})
AFTER = pd.DataFrame({
    # a stays (grows), b closes, c stays (shrinks), d moves into the box, e switches B -> A,
    # f stays in B, g switches A -> B, h and i are born in A (h in the box, i outside)
    "id": ["a", "c", "d", "e", "f", "g", "h", "i"],
    "sector": ["A", "A", "A", "A", "B", "B", "A", "A"],
    "x": [1, 3, 6, 4, 60, 5, 7, 80],
    "y": [1, 3, 6, 4, 60, 5, 7, 80],
    "emp": [15, 250, 8, 45, 2, 70, 1, 9],
})
FOOTPRINT = Footprint(id="A-F1", sector="A", eps_km=2.0, establishments=["a", "b", "c", "g"],
                      employment=385.0, sme_share=0.75, centroid=(3.0, 3.0),
                      polygon=shapely.box(0, 0, 10, 10), area_km2=100.0)


def sites(df, **kwargs):
    return PointRegister.from_frame(df, x_col="x", y_col="y", **kwargs)


def test_sector_flows_by_hand():
    result = compare_registers(sites(BEFORE, weight_col="emp"), sites(AFTER, weight_col="emp"))
    a = result.by_sector.set_index("sector").loc["A"]
    assert (a["n_before"], a["n_after"], a["count_change"]) == (5, 6, 1)
    assert a["count_growth"] == pytest.approx(1 / 5)
    assert (a["entries"], a["births"], a["switch_in"]) == (3, 2, 1)  # h, i born; e switched in
    assert (a["exits"], a["closures"], a["switch_out"]) == (2, 1, 1)  # b closed; g switched out
    assert a["stayers"] == 3  # a, c, d
    assert a["n_after"] - a["n_before"] == a["entries"] - a["exits"]
    assert a["employment_before"] == 5 + 20 + 300 + 8 + 60
    assert a["employment_after"] == 15 + 250 + 8 + 45 + 1 + 9
    assert a["employment_growth"] == pytest.approx((328 - 393) / 393)
    assert a["stayer_employment_change"] == (15 + 250 + 8) - (5 + 300 + 8)
    sizes_b = np.array([5, 20, 300, 8, 60.0])
    sizes_a = np.array([15, 250, 8, 45, 1, 9.0])
    assert a["mean_size_before"] == pytest.approx(sizes_b.mean())
    assert a["cv_size_after"] == pytest.approx(sizes_a.std() / sizes_a.mean())
    assert a["mean_size_change"] == pytest.approx(sizes_a.mean() - sizes_b.mean())
    assert a["share_<10_before"] == pytest.approx(2 / 5)
    assert a["share_>=250_before"] == pytest.approx(1 / 5)
    assert a["share_50-249_after"] == pytest.approx(0)
    assert a["share_>=250_after"] == pytest.approx(1 / 6)
    b = result.by_sector.set_index("sector").loc["B"]
    assert (b["n_before"], b["n_after"], b["entries"], b["switch_in"], b["exits"], b["switch_out"]) == \
        (2, 2, 1, 1, 1, 1)
    assert result.by_footprint is None


def test_footprint_flows_by_hand():
    result = compare_registers(sites(BEFORE, weight_col="emp"), sites(AFTER, weight_col="emp"),
                               footprints=[FOOTPRINT])
    row = result.by_footprint.iloc[0]
    # A in the box before: a, b, c, g; after: a, c, d (moved in), e (switched in), h (born)
    assert (row["n_before"], row["n_after"]) == (4, 5)
    assert (row["entries"], row["births"], row["switch_in"], row["relocations_in"]) == (3, 1, 1, 1)
    assert (row["exits"], row["closures"], row["switch_out"], row["relocations_out"]) == (2, 1, 1, 0)
    assert row["stayers"] == 2
    assert row["employment_before"] == 5 + 20 + 300 + 60
    assert row["employment_after"] == 15 + 250 + 8 + 45 + 1


def test_without_sizes_only_counts_are_compared():
    result = compare_registers(sites(BEFORE), sites(AFTER, weight_col="emp"))
    assert "mean_size_before" not in result.by_sector.columns
    assert "employment_before" not in result.by_sector.columns
    assert result.by_sector.set_index("sector").loc["A", "count_change"] == 1


def test_new_and_vanished_sectors():
    after = AFTER.assign(sector=AFTER["sector"].where(AFTER["id"] != "f", "C"))
    result = compare_registers(sites(BEFORE), sites(after)).by_sector.set_index("sector")
    assert result.loc["C", "n_before"] == 0 and np.isnan(result.loc["C", "count_growth"])
    assert result.loc["C", "switch_in"] == 1


def test_size_profile_and_classes():
    assert size_class_labels() == ["<10", "10-49", "50-249", ">=250"]
    profile = size_profile(np.array([9, 10, 49, 50, 250, np.nan]))
    assert profile["share_<10"] == pytest.approx(0.2) and profile["share_10-49"] == pytest.approx(0.4)
    assert profile["share_>=250"] == pytest.approx(0.2)
    assert np.isnan(size_profile(np.array([np.nan]))["mean_size"])
    with pytest.raises(ValueError, match="increasing"):
        size_class_labels([50, 10])


def test_registers_must_share_coordinates():
    geo = PointRegister.from_frame(BEFORE.assign(lon=1.0, lat=2.0), lon_col="lon", lat_col="lat")
    with pytest.raises(ValueError, match="share a coordinate system"):
        compare_registers(geo, sites(AFTER))


def test_numeric_and_text_ids_match():
    before = BEFORE.assign(id=range(7))
    after = BEFORE.assign(id=[str(i) for i in range(7)])
    result = compare_registers(sites(before), sites(after)).by_sector.set_index("sector")
    assert (result["stayers"] == result["n_before"]).all() and (result["entries"] == 0).all()
