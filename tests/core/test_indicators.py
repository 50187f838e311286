"""Indicators on hand-computable toy matrices, checked exactly or against a textbook
implementation written out in the test."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import smartspec as ss
from smartspec import ActivityMatrix, SmartSpecWarning, ValidationError

NESTED = ActivityMatrix.from_dense(
    [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    regions=list("ABCD"),
    activities=list("wxyz"),
)


def two_by_two() -> ActivityMatrix:
    return ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])


def test_rca_by_hand():
    r = ss.rca(two_by_two()).loc["all"]
    # A: (1/2)/(2/6) = 1.5, (1/2)/(4/6) = 0.75; B: (1/4)/(2/6) = 0.75, (3/4)/(4/6) = 1.125
    np.testing.assert_allclose(r.to_numpy(), [[1.5, 0.75], [0.75, 1.125]], rtol=0, atol=1e-15)


def test_rpop_by_hand():
    r = ss.rpop(two_by_two(), pd.Series({"A": 1.0, "B": 3.0})).loc["all"]
    np.testing.assert_allclose(r.to_numpy(), [[2.0, 1.0], [2 / 3, 1.0]])


def test_rpop_by_period_and_missing_population():
    m = ActivityMatrix.from_dense(
        np.ones((2, 3, 2)), regions=["A", "B", "C"], activities=["x", "y"], periods=[2000, 2001]
    )
    pop = pd.Series(
        [1.0, 2.0, 1.0, 1.0, 1.0],
        index=pd.MultiIndex.from_tuples(
            [(2000, "A"), (2000, "B"), (2000, "C"), (2001, "A"), (2001, "B")]
        ),
    )
    r = ss.rpop(m, pop)
    assert r.loc[(2000, "B"), "x"] == pytest.approx((1 / 2) / (3 / 4))
    assert np.isnan(r.loc[(2001, "C"), "x"])
    with pytest.raises(ValidationError, match="positive"):
        ss.rpop(m, pd.Series({"A": 0.0, "B": 1.0, "C": 1.0}))
    with pytest.raises(ValidationError, match="same region codes"):
        ss.rpop(m, pd.Series({"Q": 1.0}))


def test_presence_threshold_and_strictness():
    m = ActivityMatrix.from_dense(
        [[1, 1], [1, 1], [2, 0]], regions=list("ABC"), activities=["x", "y"]
    )
    # A and B have RCA exactly 1 in y? y share 1/2 vs 2/6 -> 1.5; x: 0.5/(4/6) = 0.75
    assert ss.presence(m).loc[("all", "C"), "x"] == 1
    even = ActivityMatrix.from_dense([[1, 1], [1, 1]], regions=["A", "B"], activities=["x", "y"])
    assert ss.presence(even).to_numpy().sum() == 0  # RCA == 1 is not > 1 (Atlas)
    assert ss.presence(even, strict=False).to_numpy().sum() == 4  # py-ecomplexity's >=
    assert ss.presence(two_by_two(), threshold=0.7).loc[("all", "A")].tolist() == [1, 1]


def test_presence_both_requires_both_tests():
    m = two_by_two()
    pop = pd.Series({"A": 1.0, "B": 3.0})
    both = ss.presence(m, presence="both", population=pop).loc["all"]
    rca = ss.presence(m).loc["all"]
    rpop = ss.presence(m, presence="rpop", population=pop).loc["all"]
    pd.testing.assert_frame_equal(both, rca * rpop)
    assert both.to_numpy().max() == 1  # never 2 (py-ecomplexity adds the two tests)
    with pytest.raises(ValidationError, match="needs a population"):
        ss.presence(m, presence="rpop")


def test_manual_presence_must_be_binary():
    with pytest.raises(ValidationError, match="0/1"):
        ss.presence(two_by_two(), presence="manual")


def test_diversity_ubiquity_cooccurrence():
    assert ss.diversity(NESTED, presence="manual").tolist() == [4, 3, 2, 1]
    assert ss.ubiquity(NESTED, presence="manual").tolist() == [4, 3, 2, 1]
    C = ss.co_occurrence(NESTED, presence="manual").loc["all"].to_numpy()
    M = NESTED.to_dense()[0]
    np.testing.assert_array_equal(C, M.T @ M)


PROX_TOY = ActivityMatrix.from_dense(
    [[1, 1, 0], [0, 1, 1], [0, 1, 1]], regions=list("ABC"), activities=list("xyz")
)


def test_proximity_by_hand_and_diagonal_rules():
    phi = ss.proximity(PROX_TOY, presence="manual").loc["all"].to_numpy()
    expected = np.array([[0, 1 / 3, 0], [1 / 3, 0, 2 / 3], [0, 2 / 3, 0]])
    np.testing.assert_allclose(phi, expected)
    one = ss.proximity(PROX_TOY, presence="manual", diagonal="one").loc["all"].to_numpy()
    np.testing.assert_allclose(np.diag(one), 1.0)
    keep = ss.proximity(PROX_TOY, presence="manual", diagonal="keep").loc["all"].to_numpy()
    np.testing.assert_allclose(np.diag(keep), 1.0)  # C_aa / k_a
    with pytest.raises(ValidationError, match="diagonal"):
        ss.proximity(PROX_TOY, presence="manual", diagonal="half")


def test_density_by_hand():
    d = ss.relatedness_density(PROX_TOY, presence="manual").loc["all"]
    # A has x, y. density(A, z) = (phi_xz + phi_yz) / (phi_xz + phi_yz) = 1;
    # density(A, y) = phi_xy / (phi_xy + phi_zy) = (1/3) / 1
    assert d.loc["A", "y"] == pytest.approx(1 / 3)
    assert d.loc["A", "z"] == pytest.approx(1.0)
    assert d.loc["B", "y"] == pytest.approx(2 / 3)


def test_knn_density_keeps_weights():
    m = ActivityMatrix.from_dense(
        [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1], [1, 0, 0, 1]],
        regions=list("ABCDE"),
        activities=list("wxyz"),
    )
    full = ss.relatedness_density(m, presence="manual")
    all_neighbours = ss.relatedness_density(m, presence="manual", knn=3)
    pd.testing.assert_frame_equal(full, all_neighbours)
    phi = ss.proximity(m, presence="manual").loc["all"]
    one = ss.relatedness_density(m, presence="manual", knn=2).loc["all"]
    M = m.to_dense()[0]
    for a in m.activities:
        others = phi[a].drop(a)
        col = others[others >= others.nlargest(2).iloc[-1]]  # ties with the 2nd kept (Stata)
        w = col.to_numpy()
        idx = [m.activities.get_loc(x) for x in col.index]
        expected = (M[:, idx] * w).sum(axis=1) / w.sum()
        np.testing.assert_allclose(one[a].to_numpy(), expected, err_msg=a)
    with pytest.raises(ValidationError, match="knn"):
        ss.relatedness_density(m, presence="manual", knn=0)


def textbook_eci(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidalgo & Hausmann (2009) as usually written: eigenvectors of the non-symmetric Mcc."""
    kc, kp = M.sum(1), M.sum(0)
    Mcc = (M / kc[:, None]) @ (M / kp[None, :]).T
    w, V = np.linalg.eig(Mcc)
    order = np.argsort(-w.real)
    e = V[:, order[1]].real
    if np.corrcoef(e, kc)[0, 1] < 0:
        e = -e
    q = (M.T @ e) / kp / w.real[order[1]]
    return e, q


def test_eci_pci_equal_textbook_eigenvectors_after_standardising():
    rng = np.random.default_rng(7)
    M = (rng.random((12, 9)) < 0.45).astype(float)
    M[0] = 1  # connected, no empty rows
    M[:, 0] = 1
    m = ActivityMatrix.from_dense(
        M, regions=[f"r{i}" for i in range(12)], activities=[f"a{j}" for j in range(9)]
    )
    res = ss.complexity(m, presence="manual")
    e, q = textbook_eci(M)
    mean = e.mean()
    sd = np.sqrt(9 * ((e - mean) ** 2).sum() / (12 * 9 - 1))  # long rows, ddof 1
    np.testing.assert_allclose(res.eci.to_numpy(), (e - mean) / sd, atol=1e-10)
    np.testing.assert_allclose(res.pci.to_numpy(), (q - mean) / sd, atol=1e-10)
    diag = res.diagnostics.iloc[0]
    assert diag.eigenvalue_1 == pytest.approx(1.0)
    assert diag.spectral_gap == pytest.approx(diag.eigenvalue_2 - diag.eigenvalue_3)


def test_both_eigen_sides_agree():
    rng = np.random.default_rng(3)
    M = (rng.random((15, 6)) < 0.5).astype(float)
    M[:, 0] = 1
    wide = ActivityMatrix.from_dense(M, regions=range(15), activities=list("abcdef"))
    tall = ActivityMatrix.from_dense(M.T, regions=list("abcdef"), activities=range(15))
    a = ss.complexity(wide, presence="manual")
    b = ss.complexity(tall, presence="manual")
    # transposing swaps the roles: region side of one is the activity side of the other
    assert np.corrcoef(a.eci.to_numpy(), b.pci.to_numpy())[0, 1] == pytest.approx(
        -1, abs=1e-9
    ) or np.corrcoef(a.eci.to_numpy(), b.pci.to_numpy())[0, 1] == pytest.approx(1, abs=1e-9)


def test_eci_sign_follows_diversity():
    res = ss.complexity(NESTED, presence="manual")
    assert res.eci.idxmax() == ("all", "A")
    assert res.pci.idxmax() == ("all", "z")  # the rarest activity is the most complex


def test_zero_rows_get_nan_with_a_reason():
    m = ActivityMatrix.from_dense(
        [[3, 1, 0], [0, 0, 0], [1, 2, 1], [1, 1, 4]],
        regions=list("ABCD"),
        activities=list("xyz"),
    )
    with pytest.warns(SmartSpecWarning, match="B"):
        ev = ss.analyse(m)
    assert np.isnan(ev.regions.set_index("region").loc["B", "eci"])
    assert ev.cells.set_index(["region", "activity"]).loc[("B", "x"), "rca"] != 0
    notes = ev.notes
    assert ((notes.level == "region") & (notes.label == "B")).any()
    assert len(ev.regions) == 4  # never dropped


def test_reflections_agree_with_eigen_in_ranking():
    res_e = ss.complexity(NESTED, presence="manual")
    res_r = ss.complexity(NESTED, presence="manual", method="reflections", iterations=20)
    assert list(res_r.eci.rank()) == list(res_e.eci.rank())
    with pytest.raises(ValidationError, match="unknown complexity method"):
        ss.complexity(NESTED, presence="manual", method="power")


def test_fitness_by_hand_and_convergence_report():
    block = ActivityMatrix.from_dense(
        [
            [1, 1, 0, 0, 0],
            [0, 1, 1, 0, 0],
            [0, 0, 1, 1, 0],
            [0, 0, 0, 1, 1],
            [1, 0, 0, 0, 1],
            [1, 1, 1, 0, 1],
        ],
        regions=list("ABCDEF"),
        activities=list("vwxyz"),
    )
    res = ss.fitness(block, presence="manual")
    assert bool(res.converged.iloc[0])
    assert res.fitness.mean() == pytest.approx(1.0)
    assert res.fitness.idxmax() == ("all", "F")  # the most diversified region
    # fixed point: F_r proportional to sum_a M_ra Q_a and Q_a to 1 / sum_r M_ra / F_r
    M = block.to_dense()[0]
    F, Q = res.fitness.to_numpy(), res.complexity.to_numpy()
    np.testing.assert_allclose(M @ Q / (M @ Q).mean(), F, rtol=1e-8)
    with pytest.warns(SmartSpecWarning, match="did not converge"):
        nested = ss.fitness(NESTED, presence="manual", max_iter=50)
    assert not bool(nested.converged.iloc[0])


def test_cog_formula_written_out():
    rng = np.random.default_rng(11)
    X = rng.gamma(0.6, 10.0, size=(10, 7))
    m = ActivityMatrix.from_dense(X, regions=range(10), activities=list("abcdefg"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        ev = ss.analyse(m)
    M = ss.presence(m).to_numpy()
    phi = ss.proximity(m).loc["all"].to_numpy()
    diag = ev.diagnostics.iloc[0]
    pci = ev.activities.pci.to_numpy()
    q = pci + diag.eci_mean_raw / diag.eci_sd_raw  # PCI without its shift
    cog = np.zeros_like(M, dtype=float)
    for r in range(10):
        for a in range(7):
            if M[r, a]:
                continue
            cog[r, a] = sum(phi[b, a] / phi[b].sum() * (1 - M[r, b]) * q[b] for b in range(7))
    np.testing.assert_allclose(ev.cells.cog.to_numpy().reshape(10, 7), cog, atol=1e-12)


def test_region_profile():
    m = ActivityMatrix.from_dense(
        np.random.default_rng(5).gamma(0.5, 10.0, size=(3, 8, 6)),
        regions=[f"R{i}" for i in range(8)],
        activities=list("abcdef"),
        periods=[2001, 2002, 2003],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        ev = ss.analyse(m)
    prof = ev.region_profile("R3", top=3)
    assert prof.period == 2003
    assert (prof.specialisations.rca > 1).all()
    assert prof.specialisations.rca.is_monotonic_decreasing
    assert prof.opportunities.density.is_monotonic_decreasing
    assert 1 <= prof.eci_rank <= prof.n_ranked
    d = prof.to_dict()
    assert d["region"] == "R3" and isinstance(d["opportunities"], list)
    with pytest.raises(ss.UnknownRegionError, match="R99"):
        ev.region_profile("R99")


def test_unknown_profile_and_bad_threshold():
    with pytest.raises(ValidationError, match="unknown profile"):
        ss.analyse(two_by_two(), profile="nope")
    with pytest.raises(ValidationError, match="threshold"):
        ss.analyse(two_by_two(), threshold=-1)
    with pytest.raises(ValidationError, match="ActivityMatrix"):
        ss.rca(pd.DataFrame({"a": [1]}))


def test_weakly_determined_sign_is_reported():
    from smartspec.datasets import load

    m = load("nz-urban-industry").select(periods=[2013])
    with pytest.warns(SmartSpecWarning, match="weakly determined"):
        res = ss.complexity(m)
    assert abs(res.diagnostics.sign_correlation.iloc[0]) < 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmartSpecWarning)
        ok = ss.complexity(NESTED, presence="manual")  # diversity decides the sign clearly
    assert ok.diagnostics.sign_correlation.iloc[0] > 0.9


def test_presence_is_the_one_name_and_method_is_deprecated() -> None:
    import warnings

    new = ss.diversity(NESTED, presence="manual")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = ss.diversity(NESTED, method="manual")
    assert new.equals(old)
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "use presence=" in str(caught[0].message)
    for fn in (
        ss.presence,
        ss.diversity,
        ss.ubiquity,
        ss.co_occurrence,
        ss.proximity,
        ss.relatedness_density,
    ):
        import inspect

        params = inspect.signature(fn).parameters
        assert "presence" in params and "method" not in params, fn.__name__
    with pytest.raises(ss.ValidationError, match="presence given twice"):
        ss.presence(NESTED, presence="manual", method="manual")
