"""Four conventions of the Growth Lab's Stata ``ecomplexity`` (issue 13, part 2), on toy cases
computed by hand: kNN density keeps ties, combined RCA/RPOP presence (``either`` / ``both``),
the asymmetric proximity (``asym``) and populations by period.

Stata's rules are read from its help file and source (github.com/cid-harvard/ecomplexity:
``ecomplexity.sthlp``, ``ecomplexity.ado``, ``proxdiscrete.ado``, ``calculate_density.ado``,
``coicog.ado``); see docs/conventions.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import smartspec as ss
from smartspec import ActivityMatrix
from smartspec.core import _kernels as kernels
from smartspec.core._steps import Steps
from smartspec.core.errors import ValidationError

# ============================================================================ kNN ties
#: regions x activities a b c d. Ubiquities are all 2; C_ab = 2, C_ac = C_ad = C_bc = C_bd = 1,
#: C_cd = 0, so phi = C / 2: column a holds b = 1, c = 0.5, d = 0.5 (c and d tie).
TIE = ActivityMatrix.from_dense(
    [[1, 1, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1]],
    regions=["R1", "R2", "R3", "R4"],
    activities=["a", "b", "c", "d"],
)


def test_knn_keeps_every_neighbour_tied_with_the_kth():
    d = ss.relatedness_density(TIE, presence="manual", knn=2).loc["all"]
    # Stata keeps phi >= the 2nd largest (0.5): b, c and d, so
    # d(R3, a) = (0*1 + 1*0.5 + 0*0.5) / (1 + 0.5 + 0.5) = 0.25, and d(R4, a) the same.
    assert d.loc["R3", "a"] == pytest.approx(0.25, abs=1e-15)
    assert d.loc["R4", "a"] == pytest.approx(0.25, abs=1e-15)
    # exactly 2 by position (the old rule) would give 0.5 / 1.5 = 1/3 and 0: c and d are
    # equally close to a, so neither may be preferred
    assert d.loc["R3", "a"] != pytest.approx(1 / 3)
    # column c: a = b = 0.5, d = 0: knn=1 keeps a and b (tied), so R1 (a, b) has density 1
    d1 = ss.relatedness_density(TIE, presence="manual", knn=1).loc["all"]
    assert d1.loc["R1", "c"] == pytest.approx(1.0)
    assert d1.loc["R2", "c"] == pytest.approx(1.0)


def stata_knn_weights(phi: np.ndarray, k: int) -> np.ndarray:
    """Stata's rule (calculate_density.ado), written out: in each column i, keep phi[., i]
    where it is at least the k-th value of the column sorted in descending order (the column
    includes its own 0 diagonal)."""
    out = np.zeros_like(phi)
    for i in range(phi.shape[1]):
        col = phi[:, i]
        kth = np.sort(col)[::-1][k - 1]
        out[:, i] = np.where(col >= kth, col, 0.0)
    return out


def test_knn_weights_match_the_stata_rule():
    rng = np.random.default_rng(3)
    M = rng.random((12, 9)) < 0.4
    phi = kernels.proximity_period(M, "zero")
    phi = np.nan_to_num(phi)
    for k in range(1, 8):
        ours = kernels.knn_weights(phi[None], k)[0]
        np.testing.assert_array_equal(ours, stata_knn_weights(phi, k), err_msg=f"k={k}")
    assert np.array_equal(kernels.knn_weights(phi[None], 50)[0], phi)  # k >= A - 1: all


def test_knn_density_does_not_depend_on_the_order_or_codes_of_activities():
    order = ["d", "c", "b", "a"]
    relabel = {"a": "z1", "b": "y2", "c": "x3", "d": "w4"}
    base = ss.relatedness_density(TIE, presence="manual", knn=2).loc["all"]
    shuffled = ss.relatedness_density(TIE.select(activities=order), presence="manual", knn=2)
    pd.testing.assert_frame_equal(shuffled.loc["all"][base.columns], base)
    dense = TIE.to_dense()[0]
    renamed = ActivityMatrix.from_dense(
        dense[:, ::-1], regions=TIE.regions, activities=[relabel[a] for a in order]
    )
    other = ss.relatedness_density(renamed, presence="manual", knn=2).loc["all"]
    other = other.rename(columns={v: k for k, v in relabel.items()})[base.columns]
    pd.testing.assert_frame_equal(other, base, check_names=False)


# ============================================================================ presence
#: values A [2, 2], B [1, 3]; population A 1, B 4. Totals x 3, y 5, all 8, population 5.
#: RCA:  A x (2/4)/(3/8) = 4/3, A y (2/4)/(5/8) = 0.8, B x (1/4)/(3/8) = 2/3, B y 1.2
#: RPOP: A x (2/1)/(3/5) = 10/3, A y (2/1)/(5/5) = 2, B x (1/4)/(3/5) = 5/12, B y 0.75
POP_TOY = ActivityMatrix.from_dense([[2, 2], [1, 3]], regions=["A", "B"], activities=["x", "y"])
POP = pd.Series({"A": 1.0, "B": 4.0})


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("rca", [[1, 0], [0, 1]]),
        ("rpop", [[1, 1], [0, 0]]),
        ("either", [[1, 1], [0, 1]]),  # Stata: M = (RCA > t) + (RPOP > t) > 0
        ("both", [[1, 0], [0, 0]]),
    ],
)
def test_presence_rules_by_hand(method, expected):
    got = ss.presence(POP_TOY, presence=method, population=POP).loc["all"].to_numpy()
    np.testing.assert_array_equal(got, np.array(expected))


def test_either_and_both_need_a_population_and_name_the_rules():
    for method in ("either", "both"):
        with pytest.raises(ValidationError, match="population"):
            ss.presence(POP_TOY, presence=method)
    with pytest.raises(ValidationError) as err:
        ss.presence(POP_TOY, presence="any")  # type: ignore[arg-type]
    assert "either" in err.value.expected and "'any'" in err.value.found
    assert "RCA or RPOP" in err.value.fix


def test_either_keeps_the_rca_test_of_a_region_without_population():
    pop = pd.Series({"A": 1.0})  # B has none: its RPOP is NaN and fails
    either = ss.presence(POP_TOY, presence="either", population=pop).loc["all"].to_numpy()
    rca = ss.presence(POP_TOY, presence="rca").loc["all"].to_numpy()
    np.testing.assert_array_equal(either[1], rca[1])


@pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")
def test_analyse_reports_rpop_for_every_population_rule():
    for method in ("rpop", "either", "both"):
        cells = ss.analyse(POP_TOY, presence=method, population=POP).cells
        assert "rpop" in cells.columns
        np.testing.assert_allclose(cells["rpop"], [10 / 3, 2, 5 / 12, 0.75])


# ============================================================================ asymmetric
#: regions x activities x y z: A {x, y}, B {y, z}, C {y, z}; k = (1, 3, 2);
#: C_xy = 1, C_yz = 2, C_xz = 0.
ASYM = ActivityMatrix.from_dense(
    [[1, 1, 0], [0, 1, 1], [0, 1, 1]], regions=list("ABC"), activities=list("xyz")
)


def test_asymmetric_proximity_by_hand():
    phi = ss.proximity(ASYM, presence="manual", measure="asymmetric").loc["all"]
    # phi[from, to] = C / k_to: the share of the regions with `to` that also have `from`
    expected = np.array([[0, 1 / 3, 0], [1, 0, 1], [0, 2 / 3, 0]])
    np.testing.assert_allclose(phi.to_numpy(), expected, rtol=1e-15)
    sym = ss.proximity(ASYM, presence="manual").loc["all"].to_numpy()
    np.testing.assert_allclose(np.minimum(phi.to_numpy(), phi.to_numpy().T), sym, rtol=1e-15)


def test_asymmetric_density_weighs_by_the_target_column():
    d = ss.relatedness_density(ASYM, presence="manual", proximity="asymmetric").loc["all"]
    # d(A, z) = (M_Ax phi_xz + M_Ay phi_yz) / (phi_xz + phi_yz) = (0 + 1) / (0 + 1) = 1
    # d(B, x) = (M_By phi_yx + M_Bz phi_zx) / (phi_yx + phi_zx) = 1 / 1 = 1
    # d(A, y) = phi_xy / (phi_xy + phi_zy) = (1/3) / (1/3 + 2/3) = 1/3
    # d(B, y) = phi_zy / 1 = 2/3
    assert d.loc["A", "z"] == pytest.approx(1.0)
    assert d.loc["B", "x"] == pytest.approx(1.0)
    assert d.loc["A", "y"] == pytest.approx(1 / 3)
    assert d.loc["B", "y"] == pytest.approx(2 / 3)


def test_asymmetric_density_and_cog_follow_the_stata_formulas():
    """Stata: proximity = C :/ (J(A,R,1) M) - I (each column over its ubiquity); density =
    (M prox) :/ (J prox); cog = (1 - M) :* ((1 - M) (prox :* (q :/ rowsum(prox)))). The
    ubiquity cancels in the density: d_ra = sum_a' M_ra' C_a'a / sum_{a' != a} C_a'a."""
    rng = np.random.default_rng(11)
    X = rng.integers(0, 9, (14, 8)).astype(float) * rng.pareto(1.5, (14, 1))
    m = ActivityMatrix.from_dense(
        X + 0.1, regions=[f"r{i}" for i in range(14)], activities=[f"a{j}" for j in range(8)]
    )
    s = Steps(m, proximity="asymmetric")
    M = s.presence[0]
    C = M.T @ M
    k = M.sum(axis=0)
    prox = C / k[None, :]
    np.fill_diagonal(prox, 0.0)
    np.testing.assert_allclose(s.phi[0], prox, rtol=1e-15)
    Coff = C - np.diag(np.diag(C))
    np.testing.assert_allclose(s.density[0], (M @ Coff) / Coff.sum(axis=0), rtol=1e-13)
    q = s.pci_unshifted[0]
    cog = (1 - M) * ((1 - M) @ (prox * (q / prox.sum(axis=1))[:, None]))
    np.testing.assert_allclose(s.cog[0], cog, rtol=1e-12, atol=1e-14)
    sym = Steps(m)
    assert not np.allclose(s.density[0], sym.density[0])  # the option changes the result
    ev = ss.analyse(m, proximity="asymmetric")
    assert ev.settings["proximity"] == "asymmetric"
    np.testing.assert_allclose(ev.cells["cog"].to_numpy(), s.cog.reshape(-1), rtol=1e-15)


def test_coi_cog_and_framework_take_the_proximity():
    from smartspec.core.framework import framework
    from smartspec.datasets import toy

    m = toy()
    for fn in (ss.coi, ss.cog):
        a = fn(m, proximity="asymmetric")
        b = fn(m)
        assert not np.allclose(a.to_numpy(), b.to_numpy(), equal_nan=True)
    fa = framework(m, proximity="asymmetric").candidates
    np.testing.assert_allclose(
        fa["density"].to_numpy(),
        ss.relatedness_density(m, proximity="asymmetric")
        .stack()
        .loc[list(zip(fa["period"], fa["region"], fa["activity"], strict=True))]
        .to_numpy(),
    )
    with pytest.raises(ValidationError) as err:
        ss.relatedness_density(m, proximity="asym")
    assert "asymmetric" in err.value.expected and "'asym'" in err.value.found


def test_loro_refuses_the_asymmetric_proximity():
    from smartspec.core.profiles import get_profile
    from smartspec.core.relatedness_measures import density_loro

    asym = get_profile("atlas").with_options(proximity="asymmetric")
    with pytest.raises(ValidationError, match="min-conditional"):
        density_loro(ASYM, presence="manual", profile=asym)


# ============================================================================ population
def test_population_by_period_is_used_per_period():
    m = ActivityMatrix.from_dense(
        np.array([[[2, 2], [1, 3]], [[2, 2], [1, 3]]], dtype=float),
        regions=["A", "B"],
        activities=["x", "y"],
        periods=[2000, 2001],
    )
    pop = pd.Series(
        [1.0, 4.0, 4.0, 1.0],
        index=pd.MultiIndex.from_tuples(
            [(2000, "A"), (2000, "B"), (2001, "A"), (2001, "B")], names=["period", "region"]
        ),
    )
    r = ss.rpop(m, pop)
    np.testing.assert_allclose(r.loc[2000].to_numpy(), [[10 / 3, 2], [5 / 12, 0.75]])
    # 2001: A 4, B 1: A x (2/4)/(3/5) = 5/6, A y (2/4)/1 = 0.5, B x (1/1)/(3/5) = 5/3, B y 3
    np.testing.assert_allclose(r.loc[2001].to_numpy(), [[5 / 6, 0.5], [5 / 3, 3.0]])


def test_asymmetric_is_the_transpose_of_relatedness_conditional():
    """relatedness(measure="conditional") is P(to | from) = C_ij / k_i (row); Stata's asym,
    as density reads it, is P(from | to) = C_ij / k_j (column): one is the other transposed."""
    from smartspec.core.relatedness_measures import relatedness

    cond = relatedness(ASYM, measure="conditional", presence="manual").loc["all"].to_numpy()
    asym = ss.proximity(ASYM, presence="manual", measure="asymmetric").loc["all"].to_numpy()
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(asym[off], cond.T[off], rtol=1e-15)
