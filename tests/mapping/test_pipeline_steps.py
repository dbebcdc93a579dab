"""The pipeline after the screen: footprints, profiles and the report report their steps and stop at a
cancel between sectors."""

import numpy as np
import pandas as pd
import pytest

from triplec.mapping.pipeline import run_map

pytestmark = pytest.mark.nodb


class Cancelled(Exception):
    pass


def three_districts(seed=3):
    """Projected register (km): sectors P, Q and R each planted in its own district, four background sectors."""
    rng = np.random.default_rng(seed)
    rows = []
    for sector, centre in (("P", (20, 20)), ("Q", (100, 40)), ("R", (60, 150))):
        rows += [(f"{sector}{i}", sector, *rng.normal(centre, 1.5)) for i in range(40)]
    rows += [(f"b{i}", f"B{i % 4}", *rng.uniform(0, 200, 2)) for i in range(600)]
    return pd.DataFrame(rows, columns=["id", "sector", "x", "y"])


def run(out, step_progress):
    return run_map(three_districts(), out, x_col="x", y_col="y", r_max=30, r_step=2, sims=99, seed=2,
                   min_n=30, step_progress=step_progress)


def test_every_step_after_the_screen_is_reported_in_order(tmp_path):
    steps = []
    outputs = run(tmp_path, lambda step, done, total: steps.append((step, done, total)))
    footprint_steps = [s for s in steps if s[0] == "footprints"]
    assert footprint_steps == [("footprints", k, 3) for k in range(3)]
    assert [s for s in steps if s[0] == "profiles"] == [("profiles", k, len(outputs.footprints))
                                                        for k in range(len(outputs.footprints))]
    assert steps[-1] == ("report", 0, 1)
    assert (tmp_path / "report.html").is_file()


def test_a_cancel_during_footprints_stops_before_the_next_sector(tmp_path):
    steps = []

    def cancel_at_second_sector(step, done, total):
        steps.append((step, done, total))
        if step == "footprints" and done == 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        run(tmp_path, cancel_at_second_sector)
    assert steps == [("footprints", 0, 3), ("footprints", 1, 3)]  # the third sector never started
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "footprints.geojson").exists()
