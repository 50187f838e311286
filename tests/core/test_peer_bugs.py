"""One test per known peer bug that smartspec must not repeat.

Each test shows the peer's behaviour (reproduced from its source, or run live where the package
is installed) next to smartspec's on the same toy:

* R EconGeo's ``relatedness_density`` can exceed 100 % (any non-0/1 entry or a diagonal that
  counts the activity itself with a weight above the others): smartspec's densities never exceed 1;
* py-ecomplexity 0.5.3's ``knn`` density counts the present neighbours and ignores the
  proximity weights and the normalisation: smartspec keeps the weights (hand computation);
* R EconGeo's ``KCI``/``TCI`` drop zero-diversity regions and return a shorter, unnamed vector:
  smartspec keeps every region, labelled, with NaN;
* a wrong sign of PCI (the most ubiquitous activity ranked most complex): never in smartspec.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smartspec as ss
from smartspec import ActivityMatrix
from smartspec.core import relatedness_measures as rm
from smartspec.core.profiles import PROFILES

NESTED = ActivityMatrix.from_dense(
    [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    regions=list("ABCD"),
    activities=list("wxyz"),
)


# ============================================================================ density above 1
def econgeo_relatedness_density(mat: np.ndarray, relatedness: np.ndarray) -> np.ndarray:
    """R EconGeo 2.x ``relatedness_density`` (R/relatedness_density.r), without its rounding:
    ``t(t(mat %*% rel) / colSums(rel)) * 100``; it only warns when ``mat`` has entries > 1."""
    return (mat @ relatedness) / relatedness.sum(axis=0) * 100


def test_density_never_above_one_where_econgeo_exceeds_100():
    values = np.array([[5.0, 1, 0], [0, 2, 3], [1, 0, 4], [2, 2, 0]])
    m = ActivityMatrix.from_dense(values, regions=list("ABCD"), activities=list("xyz"))
    rel = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.4], [0.2, 0.4, 1.0]])
    peer = econgeo_relatedness_density(values, rel)  # counts in place of 0/1 presence
    assert peer.max() > 100
    ours = rm.density_from(m, pd.DataFrame(rel, index=list("xyz"), columns=list("xyz")))
    assert np.nanmax(ours.to_numpy()) <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_every_density_is_at_most_one(seed):
    rng = np.random.default_rng(seed)
    R, A = rng.integers(3, 9), rng.integers(3, 8)
    values = rng.gamma(0.7, 10.0, (2, R, A)) * (rng.random((2, R, A)) < 0.7)
    m = ActivityMatrix.from_dense(
        values,
        regions=[f"r{i}" for i in range(R)],
        activities=[f"a{j}" for j in range(A)],
        periods=[1, 2],
    )
    big_diagonal = np.diag(rng.uniform(5, 50, A)) + rng.random((A, A))
    weights = pd.DataFrame(big_diagonal, index=m.activities, columns=m.activities)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outs = [
            ss.relatedness_density(m),
            ss.relatedness_density(m, profile="ecomplexity"),  # diagonal 1
            ss.relatedness_density(m, knn=2),
            rm.density_from(m, weights),
            rm.density_from(m, weights, knn=2),
            rm.density_loro(m, diagonal="one"),
            rm.external_density(m, {m.regions[0]: list(m.regions[1:])}),
        ]
    for out in outs:
        x = out.to_numpy()
        assert np.nanmax(x, initial=0) <= 1.0 + 1e-12
        assert np.nanmin(x, initial=0) >= 0.0


# ============================================================================ kNN weights
KNN_TOY = ActivityMatrix.from_dense(
    [
        [1, 1, 0, 0, 1],
        [1, 1, 1, 0, 1],
        [1, 0, 1, 0, 0],
        [0, 1, 0, 0, 1],
        [1, 0, 1, 1, 0],
        [0, 1, 0, 1, 0],
        [1, 1, 0, 0, 1],
        [0, 1, 0, 0, 1],
    ],
    regions=list("ABCDEFGH"),
    activities=list("vwxyz"),
)


def hand_knn_density(M: np.ndarray, phi: np.ndarray, k: int) -> np.ndarray:
    """Textbook kNN density: for each target a, its k closest other activities N_k(a);
    d_ra = sum_{a' in N_k(a)} M_ra' phi_a'a / sum_{a' in N_k(a)} phi_a'a."""
    R, A = M.shape
    out = np.zeros((R, A))
    for a in range(A):
        others = sorted((b for b in range(A) if b != a), key=lambda b: -phi[b, a])[:k]
        for r in range(R):
            out[r, a] = sum(M[r, b] * phi[b, a] for b in others) / sum(phi[b, a] for b in others)
    return out


def test_knn_density_keeps_proximity_weights():
    k = 2
    M = KNN_TOY.to_dense()[0]
    phi = ss.proximity(KNN_TOY, presence="manual").to_numpy()
    # no ties among the k nearest, so the neighbour sets are unambiguous
    for a in range(5):
        col = sorted(phi[[b for b in range(5) if b != a], a], reverse=True)
        assert col[k - 1] > col[k]
    expected = hand_knn_density(M, phi, k)
    ours = ss.relatedness_density(KNN_TOY, presence="manual", knn=k).to_numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-15)
    counted = np.zeros_like(expected)  # what py-ecomplexity 0.5.3 returns: a count
    for a in range(5):
        others = sorted((b for b in range(5) if b != a), key=lambda b: -phi[b, a])[:k]
        counted[:, a] = M[:, others].sum(axis=1)
    assert not np.allclose(ours, counted)
    assert counted.max() == k  # not a share: up to k


@pytest.mark.peers
def test_py_ecomplexity_knn_density_drops_the_weights():
    pytest.importorskip("sklearn")
    calc = pytest.importorskip("ecomplexity.calc_density")
    k = 2
    M = KNN_TOY.to_dense()[0]
    phi = ss.proximity(KNN_TOY, presence="manual", diagonal="one").to_numpy()
    peer = calc.calc_density(M, phi, knn=k)
    expected_count = np.zeros_like(M)
    phi0 = phi.copy()
    np.fill_diagonal(phi0, 0.0)
    for a in range(5):
        others = sorted((b for b in range(5) if b != a), key=lambda b: -phi0[b, a])[:k]
        expected_count[:, a] = M[:, others].sum(axis=1)
    np.testing.assert_array_equal(peer, expected_count)  # the peer counts neighbours
    ours = ss.relatedness_density(KNN_TOY, presence="manual", knn=k).to_numpy()
    np.testing.assert_allclose(ours, hand_knn_density(M, phi0, k), rtol=1e-15)
    assert not np.allclose(peer, ours)


# ============================================================================ full length
def test_outputs_keep_every_region_labelled_with_nan():
    """EconGeo's KCI drops zero-diversity regions (``rowSums > 0``) and returns an unnamed
    vector shorter than the regions; smartspec keeps every region, labelled, with NaN."""
    values = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    m = ActivityMatrix.from_dense(values, regions=list("ABCDE"), activities=list("wxyz"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ss.complexity(m, presence="manual")
        eci = result.eci
        outs = {
            "coi": ss.coi(m, presence="manual"),
            "density": ss.relatedness_density(m, presence="manual"),
            "loro": rm.density_loro(m, presence="manual"),
            "relative": rm.relative_density(m, presence="manual"),
            "portfolio": rm.portfolio_density(m, presence="manual", average=True),
            "cog": rm.cog_variant(m, variant="coi_change", presence="manual"),
        }
    assert eci.name == "eci" and len(eci) == 5
    assert list(eci.index.get_level_values("region")) == list("ABCDE")
    assert np.isnan(eci.loc[("all", "E")]) and eci.drop(("all", "E")).notna().all()
    for name, out in outs.items():
        assert list(out.index.names) == ["period", "region"], name
        assert list(out.index.get_level_values("region")) == list("ABCDE"), name
        if isinstance(out, pd.Series):
            assert out.name, name
        else:
            assert list(out.columns) == list("wxyz"), name
    pci = result.pci
    assert pci.name == "pci" and list(pci.index.get_level_values("activity")) == list("wxyz")


# ============================================================================ PCI sign
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_pci_sign_most_ubiquitous_is_never_most_complex(profile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ss.complexity(NESTED, presence="manual", profile=profile)
    pci = res.pci.loc["all"]
    eci = res.eci.loc["all"]
    assert pci.idxmax() != "w"  # w: present in every region
    assert pci.idxmax() == "z" and pci.idxmin() == "w"
    assert eci.idxmax() == "A" and eci.idxmin() == "D"
