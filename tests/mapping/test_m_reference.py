"""M against the reference curves of dbmss 2.9-2 (``Mhat``, defaults; ``PointWeight`` on the synthetic
register).

Acceptance: on every reference curve the largest absolute difference is at most 1% of the curve's
maximum. Where dbmss gives ``NA`` (r = 0 in the synthetic register: no two establishments share a
position, so no reference point has a neighbour) our M must be NaN too; the other rows are compared.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triplec.mapping import PointRegister, m_curve

pytestmark = pytest.mark.nodb

TOLERANCE = 0.01  # of the curve's maximum
DBMSS_DIR = Path(__file__).resolve().parents[1] / "data" / "dbmss"
IREP_REF = pd.read_csv(DBMSS_DIR / "irep_m_exact.csv", dtype={"naf_code": str})
SYN_REF = pd.read_csv(DBMSS_DIR / "synthetic_m_exact.csv")


@pytest.fixture(scope="module")
def irep_register(irep_mainland):
    return PointRegister.from_frame(irep_mainland, id_col="Identifiant", sector_col="Code_APE",
                                    x_col="Coordonnees_X", y_col="Coordonnees_Y", unit="m")


@pytest.fixture(scope="module")
def synthetic_register(synthetic_points):
    return PointRegister.from_frame(synthetic_points, id_col="id", sector_col="sector", x_col="x_km",
                                    y_col="y_km", weight_col="employees")


def _check(curve, ref):
    want = ref.m.to_numpy(dtype=float)
    np.testing.assert_allclose(curve.r, ref.r_km.to_numpy())
    assert curve.n == ref.n.iloc[0]
    np.testing.assert_array_equal(np.isnan(curve.m), np.isnan(want))
    ok = ~np.isnan(want)
    assert float(np.max(np.abs(curve.m[ok] - want[ok])) / np.max(want[ok])) <= TOLERANCE


def test_reference_files_cover_what_we_test():
    assert sorted(IREP_REF.naf_code.unique()) == ["0146Z", "2014Z", "2561Z"]
    assert sorted(SYN_REF.sector.unique()) == ["S1", "S2", "S3", "S4", "S5"]
    assert SYN_REF[SYN_REF.m.isna()].r_km.unique().tolist() == [0.0]


@pytest.mark.parametrize("code", ["0146Z", "2014Z", "2561Z"])
def test_irep_m_matches_dbmss(irep_register, code):
    ref = IREP_REF[IREP_REF.naf_code == code]
    r = ref.r_km.to_numpy()
    _check(m_curve(irep_register, code, r_max=r.max(), r_step=r[1] - r[0]), ref)


@pytest.mark.parametrize("sector", ["S1", "S2", "S3", "S4", "S5"])
def test_synthetic_weighted_m_matches_dbmss(synthetic_register, sector):
    ref = SYN_REF[SYN_REF.sector == sector]
    r = ref.r_km.to_numpy()
    _check(m_curve(synthetic_register, sector, r_max=r.max(), r_step=r[1] - r[0], weighted=True), ref)


INTERTYPE_REF = pd.read_csv(DBMSS_DIR / "intertype_m_exact.csv", dtype={"reference": str, "neighbor": str})
INTERTYPE_PAIRS = [tuple(k) for k in INTERTYPE_REF[["register", "reference", "neighbor"]].drop_duplicates()
                   .itertuples(index=False)]


def test_intertype_references_cover_both_registers():
    assert INTERTYPE_PAIRS == [("irep", "1011Z", "0146Z"), ("irep", "2014Z", "2016Z"), ("irep", "2561Z", "2562B"),
                               ("synthetic", "S1", "S2"), ("synthetic", "S3", "S4"), ("synthetic", "S5", "S1")]


@pytest.mark.parametrize(("register", "reference", "neighbor"), INTERTYPE_PAIRS)
def test_intertype_m_matches_dbmss(request, register, reference, neighbor):
    """dbmss Mhat with NeighborType != ReferenceType (tests/data/dbmss/intertype_m_exact.R)."""
    reg = request.getfixturevalue(f"{register}_register")
    ref = INTERTYPE_REF[(INTERTYPE_REF.reference == reference) & (INTERTYPE_REF.neighbor == neighbor)]
    r = ref.r_km.to_numpy()
    curve = m_curve(reg, reference, neighbor=neighbor, r_max=r.max(), r_step=r[1] - r[0],
                    weighted=register == "synthetic")
    assert (curve.sector, curve.neighbor) == (reference, neighbor)
    _check(curve, ref.rename(columns={"n_reference": "n"}))
