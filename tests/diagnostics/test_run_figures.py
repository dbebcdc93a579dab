"""A study's localisation figures against the files of a real mapping run: a footprint found by `run_map`
on the generated register (tests/clusters/conftest.py `done_run`) is attached to a cluster record, a study
is started, and its computed Kd and footprint figures must be the numbers written in the run's
`footprints.geojson`, `sectors_detail.csv` and `profiles.csv`, read here with the csv module."""

from __future__ import annotations

import csv
import json

import pytest
from tests.clusters.conftest import done_run, mapping_outputs  # noqa: F401  (fixtures used here)

from triplec.clusters import services as cluster_services
from triplec.diagnostics import services

pytestmark = pytest.mark.django_db


def _rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_computed_figures_are_the_numbers_of_the_run_files(done_run):  # noqa: F811
    officer = done_run.created_by
    folder = done_run.output_path
    features = json.loads((folder / "footprints.geojson").read_text(encoding="utf-8"))["features"]
    profiles = _rows(folder / "profiles.csv")
    # the footprint with the most co-located sectors (the generated register may have none)
    co_located = {f["properties"]["id"]: [r for r in profiles if r["footprint_id"] == str(f["properties"]["id"])
                                          and r["co_located"].lower() in ("true", "1")] for f in features}
    feature = max(features, key=lambda f: len(co_located[f["properties"]["id"]]))
    props = feature["properties"]
    mine = co_located[props["id"]]
    assert any(r["footprint_id"] == str(props["id"]) for r in profiles), "the footprint's profile is in the file"
    sector_row = next(r for r in _rows(folder / "sectors_detail.csv") if r["sector"] == str(props["sector"]))

    footprint = cluster_services.attach_footprint(officer, done_run, str(props["id"]))
    study = services.start_study(officer, footprint.cluster)
    rows = {row.key: row for row in services.indicator_rows(study)}

    assert rows["footprint_establishments"].value == int(props["count"])
    assert rows["footprint_area"].value == pytest.approx(float(props["area_km2"]))
    assert rows["kd_gamma"].value == pytest.approx(float(sector_row["gamma"]))
    assert rows["kd_p_value"].value == pytest.approx(float(sector_row["p_value"]))
    assert rows["kd_peak_distance"].value == pytest.approx(float(sector_row["peak_distance"]))
    assert rows["colocated_sectors"].value == len(mine)
    for row in mine:
        assert f"{row['sector']} " in rows["colocated_sectors"].computed.text
        assert f"(×{float(row['ratio']):.1f})" in rows["colocated_sectors"].computed.text
    assert "sectors_detail.csv" in rows["kd_gamma"].computed.source
    assert all(rows[k].origin == "computed" for k in ("kd_gamma", "footprint_area", "colocated_sectors"))
