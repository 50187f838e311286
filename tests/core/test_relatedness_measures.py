"""The relatedness family and the density variants (``smartspec.core.relatedness_measures``).

Tier 1: hand-computed toys, checked exactly (the arithmetic is written out next to each value).
Tier 2: py-ecomplexity 0.5.3 where it computes the same quantity with the same conventions
(asymmetric and continuous proximity), on the Growth Lab's trade_data_sample.csv.
Then invariants (hypothesis): symmetry, bounds, permutation equivariance, seeded
reproducibility.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from math import comb, sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smartspec as ss
from smartspec import ActivityMatrix, ValidationError
from smartspec.core import catalogue
from smartspec.core import relatedness_measures as rm
from smartspec.core._steps import Steps
from smartspec.datasets import toy

TRADE = Path(__file__).parents[1] / "reference" / "ecomplexity-stata" / "trade_data_sample.csv"
EXACT = {"rtol": 0, "atol": 1e-15}
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# x in A, D; y in A, B, C; z in B, C.   k = (2, 3, 2), R = 4
# C_xy = 1 (A), C_yz = 2 (B, C), C_xz = 0
TOY = ActivityMatrix.from_dense(
    [[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 0, 0]], regions=list("ABCD"), activities=list("xyz")
)
NESTED = ActivityMatrix.from_dense(
    [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    regions=list("ABCD"),
    activities=list("wxyz"),
)


def rel(measure: str, m: ActivityMatrix = TOY, **kw) -> np.ndarray:
    return rm.relatedness(m, measure=measure, presence="manual", **kw).loc["all"].to_numpy()


# ============================================================================ hand toys
def test_conditional_by_hand():
    expected = [[0, 1 / 2, 0], [1 / 3, 0, 2 / 3], [0, 2 / 2, 0]]  # C_ij / k_i
    np.testing.assert_allclose(rel("conditional"), expected, **EXACT)
    keep = rel("conditional", diagonal="keep")
    np.testing.assert_allclose(np.diag(keep), [1, 1, 1], **EXACT)


def test_cosine_by_hand():
    s6 = sqrt(6)
    expected = [[0, 1 / s6, 0], [1 / s6, 0, 2 / s6], [0, 2 / s6, 0]]  # C_ij / sqrt(k_i k_j)
    np.testing.assert_allclose(rel("cosine"), expected, rtol=1e-15)


def test_cosine_on_values_by_hand():
    m = ActivityMatrix.from_dense(
        [[1, 2], [3, 0], [0, 4]], regions=list("ABC"), activities=["x", "y"]
    )
    # x = (1, 3, 0), y = (2, 0, 4): 2 / (sqrt(10) sqrt(20))
    got = rm.relatedness(m, measure="cosine", on="values").loc[("all", "x"), "y"]
    assert got == pytest.approx(2 / sqrt(200), rel=1e-15)


def test_jaccard_by_hand():
    expected = [[0, 1 / 4, 0], [1 / 4, 0, 2 / 3], [0, 2 / 3, 0]]  # C / (k_i + k_j - C)
    np.testing.assert_allclose(rel("jaccard"), expected, rtol=1e-15)


def test_weighted_jaccard_is_ruzicka_by_hand():
    m = ActivityMatrix.from_dense(
        [[1, 2], [3, 0], [0, 4]], regions=list("ABC"), activities=["x", "y"]
    )
    # sum min = 1 + 0 + 0 = 1; sum max = 2 + 3 + 4 = 9
    got = rm.relatedness(m, measure="jaccard", on="values").loc[("all", "x"), "y"]
    assert got == pytest.approx(1 / 9, rel=1e-15)


def test_association_strength_by_hand():
    # off-diagonal C: S = (1, 3, 2), T = 6; AS_xy = 1*6/(1*3), AS_yz = 2*6/(3*2)
    np.testing.assert_allclose(
        rel("association_strength"), [[0, 2, 0], [2, 0, 2], [0, 2, 0]], rtol=1e-15
    )


def test_observed_expected_by_hand():
    oe = rm.observed_expected(TOY, presence="manual")
    E = np.outer([2, 3, 2], [2, 3, 2]) / 4  # k_i k_j / R
    np.testing.assert_allclose(oe.expected.loc["all"].to_numpy(), E, **EXACT)
    ratio = oe.ratio.loc["all"].to_numpy()
    assert ratio[0, 1] == pytest.approx(1 / 1.5) and ratio[1, 2] == pytest.approx(2 / 1.5)
    assert ratio[0, 2] == 0
    z = oe.zscore.loc["all"].to_numpy()
    # var_xy = 2*3*(4-2)*(4-3) / (16*3) = 0.25; var_xz = 2*2*2*2/48 = 1/3
    assert z[0, 1] == pytest.approx((1 - 1.5) / 0.5, rel=1e-15)
    assert z[0, 2] == pytest.approx(-1 / sqrt(1 / 3), rel=1e-15)
    np.testing.assert_allclose(rel("observed_expected", statistic="zscore"), z, **EXACT)


def test_correlation_of_presence_by_hand():
    # x = (1,0,0,1), y = (1,1,1,0), z = (0,1,1,0) = 1 - x
    r = 0.5 / sqrt(0.75)
    expected = [[1, -r, -1], [-r, 1, r], [-1, r, 1]]
    got = rel("correlation", on="presence", diagonal="one")
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_weighted_correlation_matches_numpy_weighted_covariance():
    rng = np.random.default_rng(3)
    values = rng.gamma(1.0, 10.0, (7, 4))
    m = ActivityMatrix.from_dense(values, regions=list("ABCDEFG"), activities=list("wxyz"))
    got = rm.relatedness(m, measure="correlation", weighted=True, diagonal="one")
    rca = ss.rca(m).to_numpy()
    cov = np.cov(rca.T, aweights=values.sum(axis=1))
    sd = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(got.to_numpy(), cov / np.outer(sd, sd), rtol=1e-12)
    plain = rm.relatedness(m, measure="correlation", diagonal="one").to_numpy()
    np.testing.assert_allclose(plain, np.corrcoef(rca.T), rtol=1e-12)


def test_proximity_measure_is_proximity():
    pd.testing.assert_frame_equal(
        rm.relatedness(TOY, presence="manual"), ss.proximity(TOY, presence="manual")
    )


BLOCKS = ActivityMatrix.from_dense(
    np.kron(np.eye(2), np.ones((6, 2))),
    regions=[f"r{i}" for i in range(12)],
    activities=list("abcd"),
)


def test_validated_hypergeometric_by_hand():
    v = rm.validated_relatedness(BLOCKS, presence="manual", null="hypergeometric")
    p = v.pvalue.loc["all"].to_numpy()
    # a and b: both in the same 6 of 12 regions: P(X >= 6) = 1 / C(12, 6)
    assert p[0, 1] == pytest.approx(1 / comb(12, 6), rel=1e-12)
    assert p[0, 2] == pytest.approx(1.0)  # C = 0: P(X >= 0)
    # BH over the 6 pairs: the two smallest p = 1/924 -> 1/924 * 6 / 2
    assert v.adjusted.loc["all"].to_numpy()[0, 1] == pytest.approx(3 / comb(12, 6))
    np.testing.assert_array_equal(
        v.edges.loc["all"].to_numpy(), [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
    )
    assert v.null_mean.loc[("all", "a"), "b"] == 3.0


def test_validated_permutation_is_seeded_and_bounded():
    a = rm.validated_relatedness(BLOCKS, presence="manual", n_null=99, seed=7)
    b = rm.validated_relatedness(BLOCKS, presence="manual", n_null=99, seed=7)
    pd.testing.assert_frame_equal(a.pvalue, b.pvalue)
    assert a.seed == 7 and a.n_null == 99
    p = a.pvalue.to_numpy()
    off = ~np.eye(4, dtype=bool)
    assert (p[off] >= 1 / 100).all() and (p[off] <= 1).all()
    assert np.isnan(np.diag(p)).all()
    # the null keeps ubiquities: mean co-occurrence of a, c under the null is > 0 = observed
    assert a.null_mean.loc[("all", "a"), "c"] > 0
    # 6 pairs, BH: the two p = 1/100 adjust to 3/100 <= 0.05 (with 49 draws: 0.06, not kept)
    assert a.edges.loc[("all", "a"), "b"] == 1.0


def test_validated_corrections_order():
    kw = dict(presence="manual", null="hypergeometric")
    raw = rm.validated_relatedness(BLOCKS, correction="none", **kw).adjusted.to_numpy()
    bh = rm.validated_relatedness(BLOCKS, correction="bh", **kw).adjusted.to_numpy()
    bonf = rm.validated_relatedness(BLOCKS, correction="bonferroni", **kw).adjusted.to_numpy()
    ok = ~np.isnan(raw)
    assert (raw[ok] <= bh[ok] + 1e-15).all() and (bh[ok] <= bonf[ok] + 1e-15).all()


def test_validated_refuses_bad_options():
    with pytest.raises(ValidationError, match="alpha"):
        rm.validated_relatedness(BLOCKS, presence="manual", alpha=1.5)
    with pytest.raises(ValidationError, match="null model"):
        rm.validated_relatedness(BLOCKS, presence="manual", null="bicm")
    with pytest.raises(ValidationError, match="n_null"):
        rm.validated_relatedness(BLOCKS, presence="manual", n_null=0)
    with pytest.raises(ValidationError, match="seed"):
        rm.validated_relatedness(BLOCKS, presence="manual", seed=-1)


def test_options_a_measure_does_not_use_are_refused():
    with pytest.raises(ValidationError, match="unknown relatedness measure"):
        rm.relatedness(TOY, measure="pmi")
    with pytest.raises(ValidationError, match="on= does not apply"):
        rm.relatedness(TOY, measure="association_strength", on="rca")
    with pytest.raises(ValidationError, match="weighted=True"):
        rm.relatedness(TOY, measure="cosine", weighted=True)
    with pytest.raises(ValidationError, match="unknown on"):
        rm.relatedness(TOY, measure="cosine", on="shares")


# ============================================================================ LORO
def test_loro_proximity_by_hand_and_by_brute_force():
    m = ActivityMatrix.from_dense(
        [[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 1, 0]], regions=list("ABCD"), activities=list("xyz")
    )
    lp = rm.loro_proximity(m, presence="manual")
    # without B: A, C, D -> k = (2, 3, 1), C_xy = 2, C_yz = 1
    np.testing.assert_allclose(
        lp.loc[("all", "B")].to_numpy(), [[0, 2 / 3, 0], [2 / 3, 0, 1 / 3], [0, 1 / 3, 0]], **EXACT
    )
    rng = np.random.default_rng(0)
    M = (rng.random((2, 7, 5)) < 0.5).astype(float)
    m = ActivityMatrix.from_dense(
        M, regions=list("ABCDEFG"), activities=list("vwxyz"), periods=[1, 2]
    )
    lp = rm.loro_proximity(m, presence="manual")
    dl = rm.density_loro(m, presence="manual")
    for p_pos, period in enumerate(m.periods):
        for r, region in enumerate(m.regions):
            keep = [i for i in range(7) if i != r]
            sub = ActivityMatrix.from_dense(
                M[p_pos][keep], regions=[m.regions[i] for i in keep], activities=m.activities
            )
            phi = ss.proximity(sub, presence="manual").to_numpy()
            np.testing.assert_allclose(lp.loc[(period, region)].to_numpy(), phi, **EXACT)
            W = np.nan_to_num(phi)
            with np.errstate(invalid="ignore"):
                d = M[p_pos, r] @ W / W.sum(axis=0)
            np.testing.assert_allclose(dl.loc[(period, region)].to_numpy(), d, rtol=1e-14)


def test_density_loro_with_knn_keeps_weights():
    rng = np.random.default_rng(1)
    M = (rng.random((9, 6)) < 0.5).astype(float)
    m = ActivityMatrix.from_dense(M, regions=list("ABCDEFGHI"), activities=list("uvwxyz"))
    dl = rm.density_loro(m, presence="manual", knn=2).to_numpy()
    assert np.nanmax(dl) <= 1 and np.nanmin(dl) >= 0
    assert not np.allclose(
        np.nan_to_num(dl), np.nan_to_num(rm.density_loro(m, presence="manual").to_numpy())
    )


# ============================================================================ user weights
def test_density_from_reproduces_relatedness_density():
    m = toy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ss.relatedness_density(m)
        got = rm.density_from(m, ss.proximity(m))
        knn = rm.density_from(m, ss.proximity(m), knn=2)
        expected_knn = ss.relatedness_density(m, knn=2)
    pd.testing.assert_frame_equal(got, expected, check_names=False, rtol=1e-15)
    pd.testing.assert_frame_equal(knn, expected_knn, check_names=False, rtol=1e-15)


def test_density_from_by_hand_and_label_order():
    m = ActivityMatrix.from_dense(
        [[1, 1, 0], [0, 1, 1], [0, 1, 1]], regions=list("ABC"), activities=list("xyz")
    )
    flows = pd.DataFrame([[0, 4, 0], [4, 0, 1], [0, 1, 0]], index=list("xyz"), columns=list("xyz"))
    d = rm.density_from(m, flows, presence="manual")
    # y: (M_x 4 + M_z 1) / 5 -> A: 4/5, B: 1/5
    assert d.loc[("all", "A"), "y"] == pytest.approx(0.8)
    assert d.loc[("all", "B"), "y"] == pytest.approx(0.2)
    shuffled = flows.loc[list("zxy"), list("yzx")]
    pd.testing.assert_frame_equal(rm.density_from(m, shuffled, presence="manual"), d)


def test_density_from_refuses_bad_weights():
    m = TOY
    good = pd.DataFrame(np.ones((3, 3)), index=list("xyz"), columns=list("xyz"))
    with pytest.raises(ValidationError, match="unknown activities 'q'"):
        rm.density_from(m, good.rename(index={"z": "q"}))
    with pytest.raises(ValidationError, match="missing activities"):
        rm.density_from(m, good.drop(index="z"))
    neg = good.copy()
    neg.loc["x", "y"] = -1
    with pytest.raises(ValidationError, match="negative weights"):
        rm.density_from(m, neg)
    inf = good.copy()
    inf.loc["x", "y"] = np.inf
    with pytest.raises(ValidationError, match="finite"):
        rm.density_from(m, inf)
    with pytest.raises(ValidationError, match="DataFrame"):
        rm.density_from(m, good.to_numpy())
    with pytest.raises(ValidationError, match="no period 2020"):
        prox = ss.proximity(toy())
        two = ActivityMatrix.from_dense(
            np.ones((1, 2, 5)), regions=["a", "b"], activities=toy().activities, periods=[2020]
        )
        rm.density_from(two, prox.rename(index={2020: 1999}, level=0))


def test_cross_relatedness_by_hand_and_cross_density():
    tech = ActivityMatrix.from_dense(
        [[1, 0], [1, 1], [0, 1]], regions=list("ABC"), activities=["t1", "t2"]
    )
    ind = ActivityMatrix.from_dense(
        [[1, 0], [1, 0], [0, 1], [1, 1]], regions=list("ABCD"), activities=["i1", "i2"]
    )
    # shared regions A, B, C: t1 = (1,1,0), t2 = (0,1,1); i1 = (1,1,0), i2 = (0,0,1)
    x = rm.cross_relatedness(tech, ind, presence="manual")
    np.testing.assert_allclose(x.to_numpy(), [[2 / 2, 0 / 2], [1 / 2, 1 / 2]], **EXACT)
    cond = rm.cross_relatedness(tech, ind, measure="conditional", presence="manual")
    np.testing.assert_allclose(cond.to_numpy(), [[1, 0], [1 / 2, 1 / 2]], **EXACT)
    d = rm.density_from(tech, x, presence="manual")
    assert list(d.columns) == ["i1", "i2"]
    # i1: weights t1 = 1, t2 = 0.5 -> A (t1): 1/1.5; C (t2): 0.5/1.5
    np.testing.assert_allclose(d["i1"].to_numpy(), [1 / 1.5, 1, 0.5 / 1.5], rtol=1e-15)
    with pytest.raises(ValidationError, match="one activity space"):
        rm.density_from(tech, x, presence="manual", knn=1)
    other = ActivityMatrix.from_dense([[1, 0], [0, 1]], regions=["Q", "S"], activities=["i1", "i2"])
    with pytest.raises(ValidationError, match="share no regions"):
        rm.cross_relatedness(tech, other, presence="manual")


# ============================================================================ density variants
def test_external_density_by_hand():
    m = ActivityMatrix.from_dense(
        [[1, 1, 0], [0, 1, 1], [0, 1, 1]], regions=list("ABC"), activities=list("xyz")
    )
    d = rm.external_density(m, {"A": ["B"], "B": ["A", "C"]}, presence="manual")
    # phi_xy = 1/3, phi_yz = 2/3; A's neighbour B has y, z: d_Ay = (0 * 1/3 + 1 * 2/3) / 1
    assert d.loc[("all", "A"), "y"] == pytest.approx(2 / 3)
    # B's neighbours A, C: Mbar = (0.5, 1, 0.5): d_By = 0.5 * 1/3 + 0.5 * 2/3
    assert d.loc[("all", "B"), "y"] == pytest.approx(0.5)
    assert d.loc[("all", "C")].isna().all()
    frame = pd.DataFrame(
        {"B": [1.0, 0, 0], "A": [0, 1.0, 0], "C": [0, 1.0, 0]}, index=["A", "B", "C"]
    )
    pd.testing.assert_frame_equal(rm.external_density(m, frame, presence="manual"), d)
    with pytest.raises(ValidationError, match="unknown regions"):
        rm.external_density(m, {"A": ["Z"]}, presence="manual")
    with pytest.raises(ValidationError, match="non-negative"):
        rm.external_density(m, {"A": {"B": -1.0}}, presence="manual")


def test_relative_density_is_a_within_region_zscore():
    z = rm.relative_density(NESTED, presence="manual").loc[("all", "C")].to_numpy()
    # d_C = (0.75/1.5, 0.75/1.75, (0.5 + 2/3)/(5/3), (0.25 + 1/3)/(13/12))
    d = np.array([0.5, 0.75 / 1.75, 0.7, (7 / 12) / (13 / 12)])
    np.testing.assert_allclose(z, (d - d.mean()) / d.std(), rtol=1e-13)


def test_portfolio_density_splits_density_and_distance_complements_it():
    m = toy()
    d = ss.relatedness_density(m)
    inside = rm.portfolio_density(m, part="inside")
    outside = rm.portfolio_density(m, part="outside")
    pd.testing.assert_frame_equal(inside.fillna(outside), d, check_names=False)
    assert not (inside.notna() & outside.notna()).any().any()
    avg = rm.portfolio_density(m, average=True)
    assert avg.name == "portfolio_density" and len(avg) == m.n_periods * m.n_regions
    np.testing.assert_allclose(avg.to_numpy(), outside.mean(axis=1).to_numpy())
    np.testing.assert_allclose(rm.distance(m).to_numpy(), 1 - d.to_numpy(), **EXACT)


def test_cog_variants():
    m = toy()
    pd.testing.assert_frame_equal(rm.cog_variant(m), ss.cog(m))
    pd.testing.assert_frame_equal(
        rm.cog_variant(m, variant="oec", profile="oec"), ss.cog(m, profile="oec")
    )
    # coi_change is the exact change of the raw COI, weights and PCI held fixed
    steps = Steps(NESTED, presence="manual")
    q = steps.pci_unshifted[0]
    W = np.nan_to_num(steps.density_weights[0])
    M0 = steps.presence[0]

    def coi_raw(M):
        d = (M @ W) / W.sum(axis=0)
        return (d * (1 - M) * q).sum(axis=1)

    brute = np.zeros((4, 4))
    for r, a in zip(*np.nonzero(M0 == 0), strict=True):
        M1 = M0.copy()
        M1[r, a] = 1
        brute[r, a] = coi_raw(M1)[r] - coi_raw(M0)[r]
    got = rm.cog_variant(NESTED, variant="coi_change", presence="manual").to_numpy()
    np.testing.assert_allclose(got, brute, atol=1e-14)
    with pytest.raises(ValidationError, match="COG variant"):
        rm.cog_variant(m, variant="book")


def test_catalogue_entries():
    m = toy()
    for name in (
        "relatedness_conditional",
        "relatedness_cosine",
        "relatedness_jaccard",
        "relatedness_association_strength",
        "relatedness_correlation",
        "relatedness_observed_expected",
        "relatedness_validated",
    ):
        assert catalogue.INDICATORS[name].level == "activity_pair"
    long = catalogue.compute("relatedness_cosine", m)
    assert list(long.columns) == ["period", "activity_from", "activity_to", "relatedness_cosine"]
    assert len(long) == m.n_periods * m.n_activities**2
    for name in (
        "density_loro",
        "relative_density",
        "distance",
        "portfolio_density",
        "cog_oec",
        "cog_coi_change",
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            long = catalogue.compute(name, m)
        assert len(long) == m.n_periods * m.n_regions * m.n_activities


# ============================================================================ peers
@pytest.fixture(scope="module")
def trade():
    ecomplexity = pytest.importorskip("ecomplexity")
    df = pd.read_csv(TRADE)
    m = ActivityMatrix.from_long(
        df, region="origin", activity="hs92", value="export_val", period="year"
    )
    return ecomplexity, df, m


@pytest.mark.peers
@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    ("option", "measure"), [("asymmetric", "conditional"), ("continuous", "correlation")]
)
def test_matches_py_ecomplexity_proximity(trade, option, measure):
    """py-ecomplexity 0.5.3 ``proximity(asymmetric=True)`` is P(to | from) with RCA >= 1 and
    the formula's diagonal; ``proximity(continuous=True)`` is (1 + corr(RCA)) / 2."""
    ecomplexity, df, m = trade
    cols = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}
    with contextlib.redirect_stdout(io.StringIO()):  # the peer prints every year
        peer = ecomplexity.proximity(df, cols, **{option: True})
    ours = rm.relatedness(m, measure=measure, profile="ecomplexity", diagonal="keep")
    if measure == "correlation":
        ours = (1 + ours) / 2
    long = ours.stack().rename("ours").reset_index()
    long.columns = ["year", "hs92_1", "hs92_2", "ours"]
    both = peer.merge(long, on=["year", "hs92_1", "hs92_2"], validate="one_to_one")
    assert len(both) == len(peer) == 2 * 30 * 30
    np.testing.assert_allclose(both["ours"], both["proximity"], rtol=1e-12, atol=1e-15)


# ============================================================================ properties
@st.composite
def presence_matrices(draw, min_r=3, max_r=8, min_a=3, max_a=7):
    seed = draw(st.integers(0, 2**32 - 1))
    R = draw(st.integers(min_r, max_r))
    A = draw(st.integers(min_a, max_a))
    rng = np.random.default_rng(seed)
    M = (rng.random((R, A)) < rng.uniform(0.2, 0.8)).astype(float)
    return ActivityMatrix.from_dense(
        M, regions=[f"r{i}" for i in range(R)], activities=[f"a{j}" for j in range(A)]
    ), seed


SYMMETRIC = (
    "proximity",
    "cosine",
    "jaccard",
    "association_strength",
    "correlation",
    "observed_expected",
)


@SETTINGS
@given(presence_matrices())
def test_symmetric_measures_are_symmetric_and_bounded(case):
    m, _ = case
    for measure in SYMMETRIC:
        x = rel(measure, m)
        np.testing.assert_allclose(x, x.T, rtol=1e-12, equal_nan=True, err_msg=measure)
    for measure in ("proximity", "cosine", "jaccard", "conditional"):
        x = rel(measure, m, diagonal="keep")
        ok = ~np.isnan(x)
        assert (x[ok] >= 0).all() and (x[ok] <= 1 + 1e-12).all(), measure
    c = rel("correlation", m)
    assert (np.abs(c[~np.isnan(c)]) <= 1).all()
    # conditional: the proximity is the smaller of the two conditionals
    cond = rel("conditional", m)
    np.testing.assert_allclose(np.fmin(cond, cond.T), rel("proximity", m), equal_nan=True)


@SETTINGS
@given(presence_matrices(), st.randoms(use_true_random=False))
def test_measures_permute_with_regions_and_activities(case, rnd):
    m, _ = case
    M = m.to_dense()[0]
    r_perm = list(range(m.n_regions))
    a_perm = list(range(m.n_activities))
    rnd.shuffle(r_perm)
    rnd.shuffle(a_perm)
    mp = ActivityMatrix.from_dense(
        M[np.ix_(r_perm, a_perm)], regions=m.regions[r_perm], activities=m.activities[a_perm]
    )
    for measure in (
        "conditional",
        "cosine",
        "jaccard",
        "association_strength",
        "correlation",
        "observed_expected",
    ):
        a = rm.relatedness(m, measure=measure, presence="manual")
        b = rm.relatedness(mp, measure=measure, presence="manual")
        b = b.loc["all"].loc[m.activities, m.activities]
        np.testing.assert_allclose(
            b.to_numpy(),
            a.loc["all"].to_numpy(),
            rtol=1e-12,
            atol=1e-12,
            equal_nan=True,
            err_msg=measure,
        )
    d = rm.density_loro(m, presence="manual").loc["all"]
    dp = rm.density_loro(mp, presence="manual").loc["all"].loc[m.regions, m.activities]
    np.testing.assert_allclose(dp.to_numpy(), d.to_numpy(), rtol=1e-12, equal_nan=True)


@settings(max_examples=10, deadline=None)
@given(presence_matrices(max_r=6, max_a=4), st.integers(0, 1000))
def test_validated_is_reproducible_with_a_seed(case, seed):
    m, _ = case
    a = rm.validated_relatedness(m, presence="manual", n_null=9, seed=seed, n_swaps=50)
    b = rm.validated_relatedness(m, presence="manual", n_null=9, seed=seed, n_swaps=50)
    pd.testing.assert_frame_equal(a.pvalue, b.pvalue)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    e = a.edges.to_numpy()
    np.testing.assert_array_equal(e, e.T)


@SETTINGS
@given(presence_matrices())
def test_density_variants_stay_in_bounds(case):
    m, seed = case
    rng = np.random.default_rng(seed)
    A = m.n_activities
    weights = pd.DataFrame(
        rng.gamma(0.5, 1.0, (A, A)) * (rng.random((A, A)) < 0.7),
        index=m.activities,
        columns=m.activities,
    )
    nbrs = pd.DataFrame(rng.random((m.n_regions, m.n_regions)), index=m.regions, columns=m.regions)
    outs = {
        "loro": rm.density_loro(m, presence="manual"),
        "from": rm.density_from(m, weights, presence="manual"),
        "external": rm.external_density(m, nbrs, presence="manual"),
        "distance": rm.distance(m, presence="manual"),
        "portfolio": rm.portfolio_density(m, presence="manual"),
        "knn": rm.density_loro(m, presence="manual", knn=2),
    }
    for name, out in outs.items():
        x = out.to_numpy()
        x = x[~np.isnan(x)]
        assert ((x >= -1e-15) & (x <= 1 + 1e-12)).all(), name
        assert out.shape == (m.n_regions, m.n_activities), name
