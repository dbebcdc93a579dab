"""Kd and Kemp against the reference curves of dbmss 2.9-2 (Kdhat, exact mode).

Acceptance: on every reference curve the largest absolute difference is at most 1% of the curve's
maximum.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, kd_curve

pytestmark = pytest.mark.nodb

TOLERANCE = 0.01  # of the curve's maximum
DBMSS_DIR = Path(__file__).resolve().parents[1] / "data" / "dbmss"


@pytest.fixture(scope="module")
def irep_register(irep_mainland):
    # coordinates are Lambert II etendu metres: unit="m" divides by 1000, as the reference did
    return PointRegister.from_frame(irep_mainland, id_col="Identifiant", sector_col="Code_APE",
                                    x_col="Coordonnees_X", y_col="Coordonnees_Y", unit="m")


@pytest.fixture(scope="module")
def synthetic_register(synthetic_points):
    return PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km",
                                    y_col="y_km", weight_col="employees")


IREP_REF = pd.read_csv(DBMSS_DIR / "irep_kd_exact.csv", dtype={"naf_code": str})
SYN_REF = pd.read_csv(DBMSS_DIR / "synthetic_kd_exact.csv")


def test_reference_files_cover_what_we_test(irep_mainland):
    assert len(irep_mainland) == 10052
    assert sorted(IREP_REF.naf_code.unique()) == ["0146Z", "2014Z", "2561Z"]
    assert sorted(SYN_REF.sector.unique()) == ["S1", "S2", "S3", "S4", "S5"]


def _rel_max_diff(ours, ref):
    return float(np.max(np.abs(ours - ref)) / np.max(ref))


@pytest.mark.parametrize("code", ["0146Z", "2014Z", "2561Z"])
def test_irep_kd_matches_dbmss(irep_register, code):
    ref = IREP_REF[IREP_REF.naf_code == code]
    r = ref.r_km.to_numpy()
    curve = kd_curve(irep_register, code, r_max=r.max(), r_step=r[1] - r[0])
    assert curve.n == ref.n.iloc[0]
    np.testing.assert_allclose(curve.r, r)
    assert _rel_max_diff(curve.kd, ref.kd.to_numpy()) <= TOLERANCE


@pytest.mark.parametrize("sector", ["S1", "S2", "S3", "S4", "S5"])
def test_synthetic_kd_and_kemp_match_dbmss(synthetic_register, sector):
    ref = SYN_REF[SYN_REF.sector == sector]
    r = ref.r_km.to_numpy()
    curve = kd_curve(synthetic_register, sector, r_max=r.max(), r_step=r[1] - r[0], weighted=True)
    assert curve.n == ref.n.iloc[0]
    assert _rel_max_diff(curve.kd, ref.kd.to_numpy()) <= TOLERANCE
    assert _rel_max_diff(curve.kemp, ref.kemp.to_numpy()) <= TOLERANCE
