"""Specialisation and concentration indicators (``smartspec.core.concentration``): hand-computed
toy cases (exact), undefined cases (NaN with a reason), identities, properties (hypothesis), the
EconGeo documented examples (values derived by hand, ``tests/reference/econgeo``) and a smoke
test on a bundled real dataset."""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from smartspec import ActivityMatrix, SmartSpecWarning, ValidationError
from smartspec.core import concentration as cc
from smartspec.core.catalogue import INDICATORS, compute
from smartspec.core.errors import UnknownActivityError

EXACT = {"rtol": 1e-12, "atol": 1e-15}
REFERENCE = Path(__file__).parents[1] / "reference" / "econgeo"


def toy() -> ActivityMatrix:
    """3 regions x 4 activities (two groups by first letter), totals 8, 4, 4 = 16."""
    return ActivityMatrix.from_dense(
        [[2, 2, 4, 0], [1, 1, 1, 1], [0, 0, 0, 4]],
        regions=["A", "B", "C"],
        activities=["C10", "C11", "F41", "F42"],
    )


def values(s: pd.Series | pd.DataFrame, period="all") -> np.ndarray:
    return s.loc[period].to_numpy()


# ----------------------------------------------------------------------------- toy cases
def test_hoover_by_hand():
    # column shares over regions vs region totals (8, 4, 4)/16 = (.5, .25, .25)
    # C10: (2/3, 1/3, 0) -> 1/2 (1/6 + 1/12 + 1/4) = 1/4; C11 the same
    # F41: (4/5, 1/5, 0) -> 1/2 (.3 + .05 + .25) = .3; F42: (0, 1/5, 4/5) -> 1/2 (.5+.05+.55)
    np.testing.assert_allclose(values(cc.hoover(toy())), [0.25, 0.25, 0.3, 0.55], **EXACT)
    # equal reference (1/3 each): C10 1/2 (1/3 + 0 + 1/3) = 1/3
    np.testing.assert_allclose(
        values(cc.hoover(toy(), reference="equal")),
        [1 / 3, 1 / 3, 0.5 * (7 / 15 + 2 / 15 + 1 / 3), 0.5 * (1 / 3 + 2 / 15 + 7 / 15)],
        **EXACT,
    )


def test_hoover_population_by_period_and_missing():
    m = ActivityMatrix.from_dense(
        np.stack([toy().to_dense()[0]] * 2),
        regions=list("ABC"),
        activities=["C10", "C11", "F41", "F42"],
        periods=[2000, 2001],
    )
    pop = pd.Series(
        [1.0, 1.0, 2.0, 1.0, 1.0],
        index=pd.MultiIndex.from_tuples(
            [(2000, "A"), (2000, "B"), (2000, "C"), (2001, "A"), (2001, "B")]
        ),
    )
    with pytest.warns(SmartSpecWarning, match=r"reference misses a region.*\(2001, 'C'\)"):
        h = cc.hoover(m, reference=pop)
    # 2000: ref (.25, .25, .5); C10 (2/3, 1/3, 0) -> 1/2 (5/12 + 1/12 + 1/2) = .5
    assert h[(2000, "C10")] == pytest.approx(0.5, abs=1e-15)
    assert h.loc[2001].isna().all()
    with pytest.raises(ValidationError, match="positive"):
        cc.hoover(m, reference=pd.Series({"A": 0.0, "B": 1.0, "C": 1.0}))


def test_hoover_curve_by_hand_and_identity():
    curve = cc.hoover_curve(toy(), "F41")
    # LQ of F41 against totals: A (4/5)/(1/2) = 1.6, B (1/5)/(1/4) = .8, C 0
    assert curve["region"].tolist() == ["C", "B", "A"]
    np.testing.assert_allclose(curve["quotient"], [0.0, 0.8, 1.6], **EXACT)
    np.testing.assert_allclose(curve["cumulative_reference"], [0.25, 0.5, 1.0], **EXACT)
    np.testing.assert_allclose(curve["cumulative_activity"], [0.0, 0.2, 1.0], **EXACT)
    gap = (curve["cumulative_reference"] - curve["cumulative_activity"]).max()
    assert gap == pytest.approx(cc.hoover(toy())[("all", "F41")], abs=1e-15)
    with pytest.raises(UnknownActivityError):
        cc.hoover_curve(toy(), "Z99")


def test_hoover_curve_errors():
    m = ActivityMatrix.from_dense([[1, 0], [1, 0]], regions=["A", "B"], activities=["x", "y"])
    with pytest.raises(ValidationError, match="zero total"):
        cc.hoover_curve(m, "y")
    two = ActivityMatrix.from_dense(
        np.ones((2, 2, 2)), regions=["A", "B"], activities=["x", "y"], periods=[1, 2]
    )
    with pytest.raises(KeyError, match="several periods"):
        cc.hoover_curve(two, "x")
    assert len(cc.hoover_curve(two, "x", period=2)) == 2


def test_krugman_by_hand():
    # total structure (3, 3, 5, 5)/16; A (.25, .25, .5, 0)
    expected_a = abs(0.25 - 3 / 16) * 2 + abs(0.5 - 5 / 16) + 5 / 16
    expected_b = abs(0.25 - 3 / 16) * 2 + abs(0.25 - 5 / 16) * 2
    expected_c = 3 / 16 * 2 + 5 / 16 + abs(1 - 5 / 16)
    np.testing.assert_allclose(
        values(cc.krugman(toy())), [expected_a, expected_b, expected_c], **EXACT
    )
    # against the rest: A vs B + C = (1, 1, 1, 5)/8
    rest_a = 2 * abs(0.25 - 1 / 8) + abs(0.5 - 1 / 8) + 5 / 8
    assert cc.krugman(toy(), reference="rest")[("all", "A")] == pytest.approx(rest_a, abs=1e-15)


def test_herfindahl_entropy_gini_by_hand():
    m = toy()
    # A (.25, .25, .5, 0), B (.25,)*4, C (0, 0, 0, 1)
    np.testing.assert_allclose(values(cc.herfindahl(m)), [0.375, 0.25, 1.0], **EXACT)
    np.testing.assert_allclose(
        values(cc.herfindahl(m, normalise=True)), [(4 * 0.375 - 1) / 3, 0.0, 1.0], **EXACT
    )
    np.testing.assert_allclose(values(cc.entropy(m)), [1.5, 2.0, 0.0], **EXACT)
    np.testing.assert_allclose(
        values(cc.entropy(m, base=math.e)), [1.5 * math.log(2), 2 * math.log(2), 0.0], **EXACT
    )
    # Gini of A: sorted (0, 2, 2, 4)/8 -> L = (0, .25, .5, 1): 1 - (0 + .25 + .75 + 1.5)/4
    np.testing.assert_allclose(values(cc.gini(m)), [0.375, 0.0, 0.75], **EXACT)
    # activity axis: C10 over regions (2, 1, 0): H = (4 + 1)/9; E; Gini 1 - (0 + 1/3 + 4/3)/3
    np.testing.assert_allclose(values(cc.herfindahl(m, axis="activity"))[0], 5 / 9, **EXACT)
    np.testing.assert_allclose(
        values(cc.entropy(m, axis="activity"))[0],
        -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3),
        **EXACT,
    )
    np.testing.assert_allclose(values(cc.gini(m, axis="activity"))[0], 1 - 5 / 9, **EXACT)


def test_locational_gini_by_hand():
    # F41 curve points (.25, 0), (.5, .2), (1, 1): area under = .25*.1 + .5*.6 = .325
    g = cc.locational_gini(toy())
    assert g[("all", "F41")] == pytest.approx(1 - 2 * 0.325, abs=1e-15)
    half = cc.locational_gini(toy(), scale="area")
    np.testing.assert_allclose(half.to_numpy(), g.to_numpy() / 2, **EXACT)


def test_symmetric_rca_by_hand():
    s = cc.symmetric_rca(toy())
    # RCA of A in F41: (4/8)/(5/16) = 1.6 -> .6/2.6
    assert s.loc[("all", "A"), "F41"] == pytest.approx(0.6 / 2.6, abs=1e-15)
    assert s.loc[("all", "C"), "C10"] == -1.0  # RCA 0
    from smartspec.core.specialisation import rca

    r = rca(toy())
    np.testing.assert_array_equal(s.to_numpy() > 0, r.to_numpy() > 1)


def test_variety_by_hand():
    m = toy()
    # A: P_C = .5, P_F = .5 -> UV 1; H_C = 1 (.25, .25), H_F = 0 -> RV .5
    # B: UV 1, H_C = H_F = 1 -> RV 1;  C: UV 0, RV 0
    np.testing.assert_allclose(values(cc.unrelated_variety(m, 1)), [1.0, 1.0, 0.0], **EXACT)
    np.testing.assert_allclose(values(cc.related_variety(m, 1)), [0.5, 1.0, 0.0], **EXACT)
    # the same groups as a mapping, a Series and a callable
    mapping = {"C10": "C", "C11": "C", "F41": "F", "F42": "F"}
    for groups in (mapping, pd.Series(mapping), lambda code: code[0]):
        pd.testing.assert_series_equal(cc.related_variety(m, groups), cc.related_variety(m, 1))


def test_variety_unmapped():
    m = toy()
    with pytest.raises(ValidationError, match="does not cover"):
        cc.related_variety(m, {"C10": "C", "C11": "C", "F41": "F"})
    # dropping F42: shares of the grouped total; C has nothing left -> NaN with the reason
    with pytest.warns(SmartSpecWarning, match=r"related_variety is NaN.*\('all', 'C'\)"):
        rv = cc.related_variety(m, {"C10": "C", "C11": "C", "F41": "F"}, unmapped="drop")
    assert rv[("all", "A")] == pytest.approx(0.5)  # A had nothing in F42
    assert rv[("all", "B")] == pytest.approx(2 / 3 * 1.0)  # P_C = 2/3, H_C = 1, H_F = 0
    assert np.isnan(rv[("all", "C")])
    with pytest.raises(ValidationError, match="unmapped"):
        cc.related_variety(m, 1, unmapped="keep")


# ----------------------------------------------------------------------------- undefined, edges
def with_empty_region() -> ActivityMatrix:
    return ActivityMatrix.from_dense(
        [[1, 2, 3], [0, 0, 0], [3, 2, 1]], regions=["A", "E", "B"], activities=["x", "y", "z"]
    )


@pytest.mark.parametrize(
    "name, call",
    [
        ("krugman", lambda m: cc.krugman(m)),
        ("herfindahl", lambda m: cc.herfindahl(m)),
        ("entropy", lambda m: cc.entropy(m)),
        ("gini", lambda m: cc.gini(m)),
        ("unrelated_variety", lambda m: cc.unrelated_variety(m, {"x": 1, "y": 1, "z": 2})),
        ("related_variety", lambda m: cc.related_variety(m, {"x": 1, "y": 1, "z": 2})),
    ],
)
def test_empty_region_is_nan_with_reason(name, call):
    m = with_empty_region()
    with pytest.warns(SmartSpecWarning, match=rf"{name} is NaN .*region.*\('all', 'E'\)"):
        out = call(m)
    assert np.isnan(out[("all", "E")])
    assert out.drop(("all", "E")).notna().all()


def test_empty_region_cells_and_activity_measures():
    m = with_empty_region()
    with pytest.warns(SmartSpecWarning, match="region's total is 0"):
        s = cc.symmetric_rca(m)
    assert s.loc[("all", "E")].isna().all() and s.drop(("all", "E")).notna().all().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty region is fine for per-activity measures
        assert cc.hoover(m).notna().all()
        assert cc.locational_gini(m).notna().all()


def test_empty_activity_is_nan_with_reason():
    m = ActivityMatrix.from_dense(
        [[1, 0, 3], [2, 0, 1]], regions=["A", "B"], activities=["x", "y", "z"]
    )
    for fn in (cc.hoover, cc.locational_gini):
        with pytest.warns(SmartSpecWarning, match=r"activity's total is 0.*\('all', 'y'\)"):
            out = fn(m)
        assert np.isnan(out[("all", "y")]) and out.drop(("all", "y")).notna().all()
    with pytest.warns(SmartSpecWarning, match="activity's total is 0"):
        assert np.isnan(cc.gini(m, axis="activity")[("all", "y")])


def test_krugman_rest_without_other_regions():
    m = ActivityMatrix.from_dense([[1, 3], [0, 0]], regions=["A", "B"], activities=["x", "y"])
    with pytest.warns(SmartSpecWarning) as rec:
        k = cc.krugman(m, reference="rest")
    assert np.isnan(k).all()
    text = " ".join(str(w.message) for w in rec)
    assert "no other region" in text and "region's total is 0" in text


def test_one_activity_region():
    m = ActivityMatrix.from_dense(
        [[0, 5, 0, 0], [1, 1, 1, 1]], regions=["S", "D"], activities=list("wxyz")
    )
    at = ("all", "S")
    assert cc.herfindahl(m)[at] == 1.0
    assert cc.herfindahl(m, normalise=True)[at] == 1.0
    assert cc.entropy(m)[at] == 0.0
    assert cc.gini(m)[at] == pytest.approx(3 / 4, abs=1e-15)  # (n - 1)/n
    # total structure (1, 6, 1, 1)/9: |0 - 1/9| * 3 + |1 - 6/9|
    assert cc.krugman(m)[at] == pytest.approx(3 / 9 + 3 / 9, abs=1e-15)
    assert cc.unrelated_variety(m, lambda a: a)[at] == 0.0
    assert cc.related_variety(m, lambda a: a)[at] == 0.0
    with pytest.raises(ValidationError, match="one group"):
        cc.related_variety(m, lambda a: "all")


def test_all_equal_distribution():
    n_r, n_a = 4, 5
    m = ActivityMatrix.from_dense(
        np.full((n_r, n_a), 7.0), regions=list("ABCD"), activities=list("vwxyz")
    )
    np.testing.assert_allclose(cc.gini(m), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.gini(m, axis="activity"), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.hoover(m), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.hoover(m, reference="equal"), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.locational_gini(m), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.krugman(m), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.krugman(m, reference="rest"), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.entropy(m), math.log2(n_a), rtol=1e-15)
    np.testing.assert_allclose(cc.entropy(m, axis="activity"), math.log2(n_r), rtol=1e-15)
    np.testing.assert_allclose(cc.herfindahl(m), 1 / n_a, rtol=1e-15)
    np.testing.assert_allclose(cc.herfindahl(m, normalise=True), 0.0, atol=1e-15)
    np.testing.assert_allclose(cc.symmetric_rca(m), 0.0, atol=1e-15)


def test_bad_options():
    m = toy()
    with pytest.raises(ValidationError, match="unknown axis"):
        cc.gini(m, axis="regions")
    with pytest.raises(ValidationError, match="unknown reference"):
        cc.krugman(m, reference="national")
    with pytest.raises(ValidationError, match="unknown reference"):
        cc.hoover(m, reference="rest")
    with pytest.raises(ValidationError, match="unknown scale"):
        cc.locational_gini(m, scale="half")
    with pytest.raises(ValidationError, match="base"):
        cc.entropy(m, base=1)


# ----------------------------------------------------------------------------- identities
def test_variety_decomposes_entropy():
    """Frenken et al. (2007): entropy at the detailed level = unrelated + related variety."""
    rng = np.random.default_rng(7)
    X = rng.integers(0, 20, size=(3, 6, 12)).astype(float)
    X[0, 2] = 0.0  # an empty region: NaN on both sides
    acts = [f"{g}{i}" for g in "ABCD" for i in range(3)]
    m = ActivityMatrix.from_dense(
        X, regions=list("uvwxyz"), activities=acts, periods=[2001, 2002, 2003]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        total = cc.entropy(m)
        both = cc.unrelated_variety(m, 1) + cc.related_variety(m, 1)
    np.testing.assert_allclose(both.to_numpy(), total.to_numpy(), rtol=1e-12, atol=1e-12)
    assert np.isnan(total[(2001, "w")])
    # the coarse level alone is the entropy of the aggregated matrix
    pd.testing.assert_series_equal(
        cc.unrelated_variety(m.select(periods=[2002]), 1),
        cc.entropy(m.select(periods=[2002]).aggregate(activity=1)).rename("unrelated_variety"),
        rtol=1e-12,
    )


def test_locational_gini_equal_reference_is_gini_over_regions():
    m = toy()
    np.testing.assert_allclose(
        cc.locational_gini(m, reference="equal").to_numpy(),
        cc.gini(m, axis="activity").to_numpy(),
        rtol=1e-12,
        atol=1e-15,
    )


def test_vectorised_over_periods():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 9, size=(3, 5, 4)).astype(float) + 1
    m = ActivityMatrix.from_dense(
        X, regions=list("abcde"), activities=list("wxyz"), periods=[10, 20, 30]
    )
    for fn in (
        cc.hoover,
        cc.krugman,
        cc.herfindahl,
        cc.entropy,
        cc.gini,
        cc.locational_gini,
        lambda mm: cc.related_variety(mm, {"w": 0, "x": 0, "y": 1, "z": 1}),
    ):
        whole = fn(m)
        for period in m.periods:
            pd.testing.assert_series_equal(whole.loc[[period]], fn(m.select(periods=[period])))


def test_catalogue():
    m = toy()
    for name, level in [
        ("hoover", "activity"),
        ("krugman", "region"),
        ("herfindahl", "region"),
        ("herfindahl_activity", "activity"),
        ("entropy", "region"),
        ("entropy_activity", "activity"),
        ("gini", "region"),
        ("gini_activity", "activity"),
        ("locational_gini", "activity"),
        ("symmetric_rca", "cell"),
        ("related_variety", "region"),
        ("unrelated_variety", "region"),
    ]:
        assert INDICATORS[name].level == level
    out = compute("gini_activity", m)
    assert out.columns.tolist() == ["period", "activity", "gini_activity"]
    np.testing.assert_allclose(out["gini_activity"], cc.gini(m, axis="activity").to_numpy())
    rv = compute("related_variety", m, groups=1)
    assert rv.columns.tolist() == ["period", "region", "related_variety"]
    with pytest.raises(ValidationError, match="bad options"):
        compute("herfindahl", m, axis="activity")  # the level is fixed by the name


# ----------------------------------------------------------------------------- properties
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw):
    n_p = draw(st.integers(1, 2))
    n_r = draw(st.integers(2, 7))
    n_a = draw(st.integers(2, 7))
    X = draw(
        arrays(
            np.float64,
            (n_p, n_r, n_a),
            elements=st.one_of(st.just(0.0), st.floats(0.5, 1e6, allow_nan=False)),
        )
    )
    return ActivityMatrix.from_dense(
        X,
        regions=[f"r{i}" for i in range(n_r)],
        activities=[f"a{j}" for j in range(n_a)],
        periods=list(range(n_p)),
    )


def all_measures(m: ActivityMatrix) -> dict[str, pd.Series | pd.DataFrame]:
    alternate = set(sorted(m.activities)[::2])  # by label, so permutations keep the groups
    groups = {a: int(a in alternate) for a in m.activities}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        return {
            "hoover": cc.hoover(m),
            "hoover_equal": cc.hoover(m, reference="equal"),
            "krugman": cc.krugman(m),
            "krugman_rest": cc.krugman(m, reference="rest"),
            "herfindahl": cc.herfindahl(m),
            "herfindahl_activity": cc.herfindahl(m, axis="activity", normalise=True),
            "entropy": cc.entropy(m),
            "entropy_activity": cc.entropy(m, axis="activity"),
            "gini": cc.gini(m),
            "gini_activity": cc.gini(m, axis="activity"),
            "locational_gini": cc.locational_gini(m),
            "symmetric_rca": cc.symmetric_rca(m),
            "related_variety": cc.related_variety(m, groups),
            "unrelated_variety": cc.unrelated_variety(m, groups),
        }


@PROPS
@given(matrices(), st.sampled_from([1e-3, 7.0, 1e4]))
def test_scale_invariance(m, c):
    scaled = ActivityMatrix.from_dense(
        m.to_dense() * c, regions=m.regions, activities=m.activities, periods=m.periods
    )
    a, b = all_measures(m), all_measures(scaled)
    for name in a:
        np.testing.assert_allclose(
            b[name].to_numpy(), a[name].to_numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )


@PROPS
@given(matrices(), st.randoms(use_true_random=False))
def test_permutation_invariance(m, rnd):
    r_order = list(m.regions)
    a_order = list(m.activities)
    rnd.shuffle(r_order)
    rnd.shuffle(a_order)
    X = m.to_dense()[:, m.regions.get_indexer(r_order)][:, :, m.activities.get_indexer(a_order)]
    p = ActivityMatrix.from_dense(X, regions=r_order, activities=a_order, periods=m.periods)
    a, b = all_measures(m), all_measures(p)
    for name in a:
        left = a[name]
        right = b[name].reindex(left.index)
        if isinstance(left, pd.DataFrame):
            right = right[left.columns]
        np.testing.assert_allclose(
            right.to_numpy(), left.to_numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )


@PROPS
@given(matrices())
def test_bounds(m):
    out = all_measures(m)
    n_r, n_a = m.n_regions, m.n_activities
    tol = 1e-12

    def within(name, lo, hi, *, open_hi=False):
        v = out[name].to_numpy().ravel()
        v = v[~np.isnan(v)]
        assert (v >= lo - tol).all(), (name, v.min())
        assert (v < hi).all() if open_hi else (v <= hi + tol).all(), (name, v.max())

    within("hoover", 0, 1)
    within("hoover_equal", 0, 1)
    within("krugman", 0, 2)
    within("krugman_rest", 0, 2)
    within("herfindahl", 1 / n_a, 1)
    within("herfindahl_activity", 0, 1)
    within("entropy", 0, math.log2(n_a))
    within("entropy_activity", 0, math.log2(n_r))
    within("gini", 0, (n_a - 1) / n_a)
    within("gini_activity", 0, (n_r - 1) / n_r)
    within("locational_gini", 0, 1, open_hi=True)
    within("symmetric_rca", -1, 1, open_hi=True)
    within("related_variety", 0, math.log2(n_a))
    within("unrelated_variety", 0, 1)  # two groups
    # NaN exactly where the distribution is empty
    totals = m.to_dense().sum(axis=2).ravel()
    assert (np.isnan(out["gini"].to_numpy()) == (totals == 0)).all()


# ----------------------------------------------------------------------------- EconGeo examples
def econgeo_case(case: str) -> tuple[ActivityMatrix, dict, pd.DataFrame]:
    prov = json.loads((REFERENCE / f"{case}.provenance.json").read_text())
    inp = prov["input"]
    digest = hashlib.sha256(
        json.dumps(inp, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    assert digest == prov["input_sha256"], "the stored input changed"
    m = ActivityMatrix.from_dense(
        inp["values"], regions=inp["regions"], activities=inp["activities"]
    )
    expected = pd.read_csv(REFERENCE / f"{case}.csv", dtype={"activity": str})
    return m, prov, expected.set_index("activity")


def check(
    ours: pd.Series,
    prov: dict,
    expected: pd.DataFrame,
    econgeo_scale: float,
    econgeo_digits: int | None,
) -> None:
    got = ours.loc["all"].reindex(expected.index)
    tol = prov["tolerance"]
    np.testing.assert_allclose(
        got.to_numpy(), expected["exact"].to_numpy(), **tol["exact"], equal_nan=True
    )
    as_econgeo = got * econgeo_scale
    if econgeo_digits is not None:
        as_econgeo = as_econgeo.round(econgeo_digits)  # EconGeo's rounding, in the test only
    np.testing.assert_allclose(
        as_econgeo.to_numpy(), expected["econgeo"].to_numpy(), **tol["econgeo"], equal_nan=True
    )


def test_econgeo_hoover_index_example():
    m, prov, expected = econgeo_case("hoover_index")
    pop = pd.Series(prov["input"]["pop"], index=prov["input"]["regions"], dtype=float)
    with pytest.warns(SmartSpecWarning, match=r"\('all', 'I1'\)"):
        ours = cc.hoover(m, reference=pop)
    check(ours, prov, expected, 100, 2)


def test_econgeo_locational_gini_example():
    m, prov, expected = econgeo_case("locational_gini")
    check(cc.locational_gini(m, scale="area"), prov, expected, 1, None)
    np.testing.assert_allclose(
        cc.locational_gini(m).to_numpy(), 2 * expected["exact"].to_numpy(), rtol=1e-12
    )


def test_econgeo_gini_example():
    m, prov, expected = econgeo_case("gini")
    with pytest.warns(SmartSpecWarning, match=r"\('all', 'I1'\)"):
        ours = cc.gini(m, axis="activity")
    check(ours, prov, expected, 1, None)


# ----------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def ardeco():
    from smartspec.datasets import load

    return load("eu-nuts2-ardeco")


def test_ardeco_smoke(ardeco):
    m = ardeco
    P, R, A = m.shape
    out = all_measures(m)
    for name, res in out.items():
        expected = {
            "hoover": P * A,
            "hoover_equal": P * A,
            "locational_gini": P * A,
            "herfindahl_activity": P * A,
            "entropy_activity": P * A,
            "gini_activity": P * A,
            "symmetric_rca": P * R,
        }.get(name, P * R)
        assert len(res) == expected, name
        assert res.notna().all(axis=None), name
    assert out["symmetric_rca"].shape == (P * R, A)
    assert ((out["hoover"] >= 0) & (out["hoover"] <= 1)).all()
    assert ((out["locational_gini"] >= 0) & (out["locational_gini"] < 1)).all()
    assert ((out["gini"] >= 0) & (out["gini"] < 1)).all()
    assert ((out["krugman"] >= 0) & (out["krugman"] <= 2)).all()
    assert ((out["herfindahl"] >= 1 / A) & (out["herfindahl"] <= 1)).all()
    assert (out["entropy"] <= math.log2(A) + 1e-12).all()
    # broad sectors over the A*10 sections: the variety decomposition holds on real data
    broad = {"A": "primary", "B-E": "industry", "F": "industry"}
    groups = {a: broad.get(a, "services") for a in m.activities}
    total = cc.unrelated_variety(m, groups) + cc.related_variety(m, groups)
    np.testing.assert_allclose(total.to_numpy(), out["entropy"].to_numpy(), rtol=1e-12)
    curve = cc.hoover_curve(m, "A", period=m.periods[-1])
    assert len(curve) == R and curve["quotient"].is_monotonic_increasing
