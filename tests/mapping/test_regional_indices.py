"""Regional indices: known values computed by hand, invariances, and the dartboard check of EG / MS.

The hand example used throughout (three regions A, B, C; two sectors):

    plants  s1: A 4, A 3, B 3          -> E_A1 = 7, E_B1 = 3, E_C1 = 0, E_1 = 10, N_A1 = 2, N_B1 = 1
            s2: A 43, B 27, C 20       -> one plant per region, E_2 = 90
    totals  E_A = 50, E_B = 30, E_C = 20, E = 100  ->  x = (0.5, 0.3, 0.2), sum x^2 = 0.38
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triplec.mapping.regional.concentration import (
    coagglomeration,
    ellison_glaeser_gamma,
    ellison_glaeser_plants,
    herfindahl_equal_size,
    herfindahl_from_size_classes,
    herfindahl_regional_mean_size,
    location_quotients,
    maurel_sedillot_gamma,
    plant_herfindahl,
)
from triplec.mapping.regional.indices import regional_indices
from triplec.mapping.regional.table import RegionalTable

pytestmark = pytest.mark.nodb

PLANTS = pd.DataFrame({
    "region": ["A", "A", "B", "A", "B", "C"],
    "sector": ["s1", "s1", "s1", "s2", "s2", "s2"],
    "employees": [4, 3, 3, 43, 27, 20],
})


def hand_table() -> RegionalTable:
    cells = PLANTS.groupby(["region", "sector"], as_index=False).agg(emp=("employees", "sum"), estab=("employees", "size"))
    return RegionalTable.from_frame(cells, emp_col="emp", estab_col="estab")


# ---------------------------------------------------------------------------------- by hand

def test_location_quotients_by_hand():
    lq = location_quotients(hand_table().matrix("emp"))
    # LQ_rs = (E_rs / E_r) / (E_s / E)
    assert lq.loc["A", "s1"] == pytest.approx((7 / 50) / (10 / 100))  # 1.4
    assert lq.loc["B", "s1"] == pytest.approx((3 / 30) / (10 / 100))  # 1.0
    assert lq.loc["C", "s1"] == 0.0
    assert lq.loc["A", "s2"] == pytest.approx((43 / 50) / (90 / 100))
    assert lq.loc["C", "s2"] == pytest.approx((20 / 20) / (90 / 100))
    # on establishments: N_A = 3, N = 6, N_A1 = 2, N_1 = 3
    lq_n = location_quotients(hand_table().matrix("estab"))
    assert lq_n.loc["A", "s1"] == pytest.approx((2 / 3) / (3 / 6))
    # an empty region gives NaN rather than a division error
    empty = pd.DataFrame([[1.0, 2.0], [0.0, 0.0]], index=["r1", "r2"], columns=["a", "b"])
    assert location_quotients(empty).loc["r2"].isna().all()


def test_ellison_glaeser_and_maurel_sedillot_by_hand():
    x = np.array([0.5, 0.3, 0.2])
    one_minus_x2 = 1 - (0.25 + 0.09 + 0.04)  # 0.62
    # s1: s = (0.7, 0.3, 0); G = 0.2^2 + 0^2 + 0.2^2 = 0.08; H = 0.4^2 + 0.3^2 + 0.3^2 = 0.34
    s1, h1 = np.array([0.7, 0.3, 0.0]), 0.34
    assert ellison_glaeser_gamma(s1, x, h1) == pytest.approx((0.08 - one_minus_x2 * 0.34) / (one_minus_x2 * 0.66))
    g_ms = ((0.49 + 0.09) - 0.38) / one_minus_x2
    assert maurel_sedillot_gamma(s1, x, h1) == pytest.approx((g_ms - 0.34) / 0.66)
    # s2: s = (43, 27, 20) / 90; G = (2/90)^2 + 0 + (2/90)^2 = 8/8100; H = (43^2 + 27^2 + 20^2)/90^2 = 2978/8100
    h2 = 2978 / 8100
    expected_eg2 = (8 / 8100 - one_minus_x2 * h2) / (one_minus_x2 * (1 - h2))
    expected_ms2 = ((2978 / 8100 - 0.38) / one_minus_x2 - h2) / (1 - h2)
    result = ellison_glaeser_plants(PLANTS).set_index("sector")
    assert result.loc["s1", "eg_gamma"] == pytest.approx((0.08 - one_minus_x2 * 0.34) / (one_minus_x2 * 0.66))
    assert result.loc["s2", "eg_gamma"] == pytest.approx(expected_eg2)
    assert result.loc["s2", "ms_gamma"] == pytest.approx(expected_ms2)
    assert result.loc["s1", "H"] == pytest.approx(0.34) and result.loc["s1", "G"] == pytest.approx(0.08)
    assert result.loc["s1", "n_plants"] == 3 and set(result["eg_method"]) == {"plant_herfindahl"}


def test_single_plant_sector_is_undefined():
    # H = 1: the EG / MS denominators vanish, gamma is NaN rather than infinite
    assert np.isnan(ellison_glaeser_gamma(np.array([1.0, 0.0]), np.array([0.5, 0.5]), 1.0))
    assert np.isnan(maurel_sedillot_gamma(np.array([1.0, 0.0]), np.array([0.5, 0.5]), 1.0))
    with pytest.raises(ValueError, match="sum to 1"):
        ellison_glaeser_gamma(np.array([0.5, 0.2]), np.array([0.5, 0.5]), 0.1)


def test_herfindahl_approximations_by_hand():
    table = hand_table()
    emp, estab = table.matrix("emp"), table.matrix("estab")
    # regional mean size: s1 = (7^2/2 + 3^2/1) / 10^2 = 0.335 (true H 0.34); s2 one plant per cell: exact
    approx = herfindahl_regional_mean_size(emp, estab)
    assert approx["s1"] == pytest.approx(0.335)
    assert approx["s2"] == pytest.approx(2978 / 8100)
    assert herfindahl_equal_size(estab)["s1"] == pytest.approx(1 / 3)
    assert plant_herfindahl([4, 3, 3]) == pytest.approx(0.34)
    # size classes: 3 plants of ~2 and 1 of ~10: (3*4 + 100) / 16^2
    assert herfindahl_from_size_classes([3, 1], [2, 10]) == pytest.approx(112 / 256)


def test_regional_indices_by_hand():
    result = regional_indices(hand_table())
    sectors = result.sectors.set_index("sector")
    assert list(result.sectors.columns[:3]) == ["sector", "eg_gamma", "ms_gamma"]
    assert set(sectors["eg_method"]) == {"approx_regional_mean_size"}
    one_minus_x2 = 0.62
    assert sectors.loc["s1", "eg_gamma"] == pytest.approx((0.08 - one_minus_x2 * 0.335) / (one_minus_x2 * 0.665))
    # on counts: x = (3, 2, 1)/6, s1 = (2/3, 1/3, 0), H = 1/3 exactly
    # G = (1/6)^2 + 0 + (1/6)^2 = 1/18; 1 - sum x^2 = 1 - 14/36 = 11/18
    # gamma = (1/18 - 11/18 * 1/3) / (11/18 * 2/3) = -4/11
    assert sectors.loc["s1", "eg_gamma_estab"] == pytest.approx(-4 / 11)
    cells = result.indices.set_index(["region", "sector"])
    assert list(result.indices.columns[:6]) == ["region", "sector", "emp", "estab", "lq", "strong"]
    assert cells.loc[("A", "s1"), "lq"] == pytest.approx(1.4)
    assert cells.loc[("A", "s1"), "lq_estab"] == pytest.approx(4 / 3)
    # USCM rule for s1 over regions with emp > 0 (A, B): Q.75(LQ) = 1.0 + 0.75 * 0.4 = 1.3,
    # Q.25(emp) = 3 + 0.25 * 4 = 4, Q.25(estab) = 1.25 -> A is strong (1.4 >= 1.3, 7 > 4, 2 > 1.25)
    # s2: every region has one establishment, Q.25(estab) = 1, nobody has estab > 1 -> none strong
    assert cells["strong"][cells["strong"]].index.tolist() == [("A", "s1")]
    assert sectors.loc["s1", "n_strong"] == 1 and sectors.loc["s2", "n_strong"] == 0


def test_coagglomeration_by_hand():
    emp = hand_table().matrix("emp")
    # sum_r (s_r1 - x_r)(s_r2 - x_r) = 0.2 * (-2/90) + 0 * 0 + (-0.2) * (2/90) = -0.8/90; / (1 - 0.38)
    result = coagglomeration(emp)
    assert result.to_dict("records") == [{"sector_a": "s1", "sector_b": "s2", "gamma_c": pytest.approx(-0.8 / 90 / 0.62)}]
    same = coagglomeration(emp, pairs=[("s1", "s1")])
    # a sector with itself: sum (s - x)^2 / (1 - sum x^2) = G / (1 - sum x^2) = 0.08 / 0.62
    assert same["gamma_c"].iloc[0] == pytest.approx(0.08 / 0.62)
    with pytest.raises(ValueError, match="'s9' is not in the table"):
        coagglomeration(emp, pairs=[("s1", "s9")])


def test_external_region_weights_count_regions_outside_the_table():
    # x from a wider aggregate: region D holds half of the aggregate but none of the table
    emp = hand_table().matrix("emp")
    x = pd.Series({"A": 25.0, "B": 15.0, "C": 10.0, "D": 50.0})
    # s1 over (A, B, C, D) = (0.7, 0.3, 0, 0); x = (0.25, 0.15, 0.10, 0.50)
    g = 0.45 ** 2 + 0.15 ** 2 + 0.10 ** 2 + 0.50 ** 2
    sum_x2 = 0.25 ** 2 + 0.15 ** 2 + 0.10 ** 2 + 0.50 ** 2
    out = ellison_glaeser_plants(PLANTS, x=x).set_index("sector")
    assert out.loc["s1", "G"] == pytest.approx(g)
    assert out.loc["s1", "eg_gamma"] == pytest.approx((g - (1 - sum_x2) * 0.34) / ((1 - sum_x2) * 0.66))
    assert coagglomeration(emp, x=x)["gamma_c"].iloc[0] == pytest.approx(
        ((0.7 - 0.25) * (43 / 90 - 0.25) + (0.3 - 0.15) * (27 / 90 - 0.15) + (0 - 0.10) * (20 / 90 - 0.10)
         + (0 - 0.5) * (0 - 0.5)) / (1 - sum_x2))


def test_counts_only_table_uses_exact_count_herfindahl():
    cells = hand_table().data.drop(columns="emp")
    result = regional_indices(RegionalTable(data=cells))
    sectors = result.sectors.set_index("sector")
    assert sectors.loc["s1", "eg_method"] == "counts_exact"
    assert sectors.loc["s1", "eg_gamma"] == pytest.approx(-4 / 11)
    assert np.isnan(sectors.loc["s1", "emp"])


# ---------------------------------------------------------------------------------- invariances

tables = st.integers(min_value=2, max_value=6).flatmap(
    lambda n_regions: st.integers(min_value=2, max_value=5).flatmap(
        lambda n_sectors: st.lists(
            st.tuples(st.integers(1, 5000), st.integers(1, 60)),
            min_size=n_regions * n_sectors, max_size=n_regions * n_sectors,
        ).map(lambda cells: (n_regions, n_sectors, cells))))


def to_frame(spec) -> pd.DataFrame:
    n_regions, n_sectors, cells = spec
    rows = [(f"r{i}", f"s{j}", *cells[i * n_sectors + j]) for i in range(n_regions) for j in range(n_sectors)]
    return pd.DataFrame(rows, columns=["region", "sector", "emp", "estab"])


@settings(max_examples=40, deadline=None)
@given(spec=tables, seed=st.integers(0, 2**32 - 1))
def test_indices_do_not_depend_on_row_order(spec, seed):
    df = to_frame(spec)
    shuffled = df.sample(frac=1.0, random_state=np.random.RandomState(seed % 2**32))
    a = regional_indices(RegionalTable.from_frame(df, emp_col="emp", estab_col="estab"))
    b = regional_indices(RegionalTable.from_frame(shuffled, emp_col="emp", estab_col="estab"))
    pd.testing.assert_frame_equal(a.indices, b.indices)
    pd.testing.assert_frame_equal(a.sectors, b.sectors)


@settings(max_examples=40, deadline=None)
@given(spec=tables, scale=st.integers(2, 50))
def test_lq_weighted_mean_is_one_and_indices_scale_free(spec, scale):
    df = to_frame(spec)
    table = RegionalTable.from_frame(df, emp_col="emp", estab_col="estab")
    emp = table.matrix("emp")
    lq = location_quotients(emp)
    weights = emp.sum(axis=1) / emp.to_numpy().sum()
    # sum_r (E_r / E) LQ_rs = sum_r E_rs / E_s = 1 for every sector
    np.testing.assert_allclose((lq.mul(weights, axis=0)).sum(axis=0), 1.0)
    scaled = RegionalTable.from_frame(df.assign(emp=df["emp"] * scale), emp_col="emp", estab_col="estab")
    a, b = regional_indices(table), regional_indices(scaled)
    np.testing.assert_allclose(a.indices["lq"], b.indices["lq"])
    np.testing.assert_allclose(a.sectors["eg_gamma"], b.sectors["eg_gamma"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.sectors["ms_gamma"], b.sectors["ms_gamma"], rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 400)), min_size=2, max_size=30))
def test_table_herfindahl_approximations_are_lower_bounds(sizes):
    plants = pd.DataFrame(sizes, columns=["region", "employees"]).assign(sector="s")
    true_h = plant_herfindahl(plants["employees"])
    cells = plants.groupby("region")["employees"].agg(["sum", "size"])
    emp = cells[["sum"]].rename(columns={"sum": "s"})
    estab = cells[["size"]].rename(columns={"size": "s"})
    regional = herfindahl_regional_mean_size(emp, estab)["s"]
    equal = herfindahl_equal_size(estab)["s"]
    assert equal <= regional + 1e-12 <= true_h + 2e-12


# ---------------------------------------------------------------------------------- dartboard

def simulate_shares(rng, x, sizes, reps, gamma=0.0, shared=None):
    """Region shares of one sector's employment over `reps` draws (regions x reps).

    Plants choose regions independently with probabilities p; p = x (dartboard) or, for
    gamma > 0, p ~ Dirichlet(x (1 - gamma) / gamma), so that E[p_r] = x_r and
    Var(p_r) = gamma x_r (1 - x_r): EG (1997) natural-advantage model, where E[G] =
    (1 - sum x^2)(H + gamma (1 - H)) and so E[gamma_EG] = gamma."""
    n_regions, z = len(x), sizes / sizes.sum()
    if shared is not None:
        p = shared
    elif gamma > 0:
        p = rng.dirichlet(x * (1 - gamma) / gamma, size=reps)
    else:
        p = np.tile(x, (reps, 1))
    cdf = np.cumsum(p, axis=1)
    u = rng.random((reps, len(z)))
    region = np.minimum((u[:, :, None] > cdf[:, None, :]).sum(axis=2), n_regions - 1)
    idx = region * reps + np.arange(reps)[:, None]
    return np.bincount(idx.ravel(), weights=np.tile(z, reps), minlength=n_regions * reps).reshape(n_regions, reps), p


def test_eg_and_ms_unbiased_under_the_dartboard():
    rng = np.random.default_rng(20240611)
    x = rng.dirichlet(np.full(8, 2.0))
    sizes = rng.lognormal(3.0, 1.0, size=40)
    h = plant_herfindahl(sizes)
    shares, _ = simulate_shares(rng, x, sizes, reps=20000)
    for index in (ellison_glaeser_gamma, maurel_sedillot_gamma):
        gamma = index(shares, x, h)
        se = gamma.std(ddof=1) / np.sqrt(len(gamma))
        assert abs(gamma.mean()) < 4 * se, (index.__name__, gamma.mean(), se)


def test_eg_and_ms_recover_natural_advantage_gamma():
    rng = np.random.default_rng(7)
    x = rng.dirichlet(np.full(10, 2.0))
    sizes = rng.lognormal(3.0, 1.2, size=60)
    h = plant_herfindahl(sizes)
    shares, _ = simulate_shares(rng, x, sizes, reps=20000, gamma=0.05)
    for index in (ellison_glaeser_gamma, maurel_sedillot_gamma):
        gamma = index(shares, x, h)
        se = gamma.std(ddof=1) / np.sqrt(len(gamma))
        assert abs(gamma.mean() - 0.05) < 4 * se, (index.__name__, gamma.mean(), se)
        assert gamma.mean() - 4 * se > 0.0  # the test can tell 0.05 from 0


def test_coagglomeration_zero_when_independent_gamma_when_sharing_advantage():
    rng = np.random.default_rng(11)
    x = rng.dirichlet(np.full(6, 3.0))
    sizes_a, sizes_b = rng.lognormal(2.0, 1.0, size=50), rng.lognormal(2.5, 0.8, size=30)
    reps, one_minus_x2 = 20000, 1 - np.sum(x ** 2)
    s_a, _ = simulate_shares(rng, x, sizes_a, reps)
    s_b, _ = simulate_shares(rng, x, sizes_b, reps)
    independent = np.sum((s_a - x[:, None]) * (s_b - x[:, None]), axis=0) / one_minus_x2
    assert abs(independent.mean()) < 4 * independent.std(ddof=1) / np.sqrt(reps)
    # both sectors draw their plants from the same natural-advantage p: E[gamma_c] = Cov = gamma
    p = rng.dirichlet(x * (1 - 0.04) / 0.04, size=reps)
    s_a, _ = simulate_shares(rng, x, sizes_a, reps, shared=p)
    s_b, _ = simulate_shares(rng, x, sizes_b, reps, shared=p)
    joint = np.sum((s_a - x[:, None]) * (s_b - x[:, None]), axis=0) / one_minus_x2
    se = joint.std(ddof=1) / np.sqrt(reps)
    assert abs(joint.mean() - 0.04) < 4 * se and joint.mean() - 4 * se > 0
    # and the library function returns the same number for one draw
    draw = pd.DataFrame(np.column_stack([s_a[:, 0], s_b[:, 0]]), columns=["a", "b"])
    lib = coagglomeration(draw, x=pd.Series(x, index=draw.index))
    assert lib["gamma_c"].iloc[0] == pytest.approx(joint[0])


def test_degenerate_tables_give_nan_not_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # one region: 1 - sum x^2 = 0, EG and MS are undefined
        one = RegionalTable.from_frame(pd.DataFrame({"region": ["A", "A"], "sector": ["x", "y"], "emp": [1, 2],
                                                     "estab": [2, 3]}), emp_col="emp", estab_col="estab")
        assert regional_indices(one).sectors["eg_gamma"].isna().all()
        assert regional_indices(one).sectors["ms_gamma"].isna().all()
        # a sector without employment, a region without employment
        empty = RegionalTable.from_frame(pd.DataFrame({"region": ["A", "B"], "sector": ["x", "y"], "emp": [0, 2],
                                                       "estab": [1, 1]}), emp_col="emp", estab_col="estab")
        result = regional_indices(empty)
        assert np.isnan(result.sectors.set_index("sector").loc["x", "eg_gamma"])
        assert np.isnan(result.indices.set_index(["region", "sector"]).loc[("A", "y"), "lq"])  # A has no employment


def test_location_quotients_with_outside_totals():
    m = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["a", "b"], columns=["x", "y"])
    # region totals 10 (the whole economy) and national shares 0.2 / 0.3 from elsewhere
    lq = location_quotients(m, region_totals=pd.Series({"a": 10.0, "b": 10.0}), sector_shares=pd.Series({"x": 0.2, "y": 0.3}))
    np.testing.assert_allclose(lq.to_numpy(), [[0.1 / 0.2, 0.2 / 0.3], [0.3 / 0.2, 0.4 / 0.3]])
