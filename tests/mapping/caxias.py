"""A small lon/lat register around Caxias do Sul (a cluster of 30 firms of sector A among 200 scattered
firms of B) with its screen table, curves and footprints: the input of the report tests that need real
places (tests/mapping/test_report.py, tests/e2e/test_map_report.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triplec.mapping.locate import PointRegister, locate_footprints


def caxias_report_inputs():
    """(sites, table, curves, footprints) of the register."""
    rng = np.random.default_rng(3)
    rows = [(f"a{i}", "A", *rng.normal([-51.18, -29.17], 0.02)) for i in range(30)]  # Caxias do Sul
    rows += [(f"b{i}", "B", *rng.uniform([-52.5, -30.5], [-50.0, -28.0])) for i in range(200)]
    sites = PointRegister.from_frame(pd.DataFrame(rows, columns=["id", "sector", "lon", "lat"]), lon_col="lon",
                             lat_col="lat")
    table = pd.DataFrame({"sector": ["A", "B"], "n": [30, 200], "localised": [True, False],
                          "q_value": [0.001, 0.8], "peak_distance": [0.0, np.nan]})
    r = np.arange(0, 51, 5.0)
    curves = pd.concat([pd.DataFrame({"sector": s, "r": r, "kd": np.exp(-r / 10) / 10, "lo": 0.0, "hi": 0.01})
                        for s in ("A", "B")])
    return sites, table, curves, locate_footprints(sites, table, curves=curves)
