"""The similarity method on small hand-computed cases (no data files, no app)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.benchmark import similarity as sim
from smartspec.domains.benchmark.indicators import DIMENSIONS, INDICATORS

#: Indicators a, b in dimension x, c in dimension y: w = 1/2 · 1/2, 1/2 · 1/2, 1/2 · 1.
DIMS = {"a": "x", "b": "x", "c": "y"}
#: z-scores given directly (the distance works on them as they are).
Z = pd.DataFrame(
    {
        "a": [0.0, 1.0, 0.0, 2.0],
        "b": [0.0, 0.0, 0.0, 2.0],
        "c": [0.0, 0.0, 1.0, np.nan],
    },
    index=["P", "Q", "R", "S"],
)


def test_weights_split_each_dimension_equally() -> None:
    w = sim.indicator_weights(DIMS)
    assert w.to_dict() == {"a": 0.25, "b": 0.25, "c": 0.5}
    real = sim.indicator_weights({i.key: i.dimension for i in INDICATORS})
    assert real.sum() == pytest.approx(1.0)
    dims = pd.Series({i.key: i.dimension for i in INDICATORS})
    for d in DIMENSIONS:
        assert real[dims == d].sum() == pytest.approx(1 / 3)


def test_distances_by_hand() -> None:
    d, cover = sim.distance_matrix(Z, sim.indicator_weights(DIMS))
    # P-Q: 0.25·1² ; P-R: 0.5·1² ; Q-R: 0.25·1² + 0.5·1²
    assert d.at["P", "Q"] == pytest.approx(0.5)
    assert d.at["P", "R"] == pytest.approx(math.sqrt(0.5))
    assert d.at["Q", "R"] == pytest.approx(math.sqrt(0.75))
    # P-S: c missing for S -> a, b only, weights renormalised to 0.5 each: 0.5·4 + 0.5·4
    assert d.at["P", "S"] == pytest.approx(2.0)
    assert cover.at["P", "S"] == pytest.approx(0.5)
    assert cover.at["P", "Q"] == pytest.approx(1.0)
    assert d.at["S", "P"] == d.at["P", "S"]
    assert np.allclose(np.diag(d.to_numpy()), 0.0)


def test_ranking_similarity_and_coverage_threshold() -> None:
    d, cover = sim.distance_matrix(Z, sim.indicator_weights(DIMS))
    near = sim.top_neighbours(d, cover, "P")
    assert near.index.tolist() == ["Q", "R", "S"]
    assert near["rank"].tolist() == [1, 2, 3]
    assert near.at["Q", "similarity"] == pytest.approx(1 / 1.5)
    assert near.at["S", "similarity"] == pytest.approx(1 / 3)
    # S shares only half the weight with P: excluded when more is required
    assert sim.top_neighbours(d, cover, "P", min_coverage=0.6).index.tolist() == ["Q", "R"]
    assert sim.top_neighbours(d, cover, "P", top=1).index.tolist() == ["Q"]
    # equal distances are ranked by code
    tie = pd.DataFrame({"a": [0.0, 1.0, -1.0]}, index=["O", "N", "M"])
    dt, ct = sim.distance_matrix(tie, sim.indicator_weights({"a": "x"}))
    assert sim.top_neighbours(dt, ct, "O").index.tolist() == ["M", "N"]


def test_contributions_sum_to_the_squared_distance() -> None:
    w = sim.indicator_weights(DIMS)
    d, _ = sim.distance_matrix(Z, w)
    parts = sim.contributions(Z, w, "Q", "R")
    assert parts.loc["a", "contribution"] == pytest.approx(0.25)
    assert parts.loc["c", "contribution"] == pytest.approx(0.5)
    assert parts.loc["b", "contribution"] == pytest.approx(0.0)
    assert parts.index[0] == "c"  # largest first
    assert parts["share"].sum() == pytest.approx(1.0)
    assert parts["contribution"].sum() == pytest.approx(d.at["Q", "R"] ** 2)
    missing = sim.contributions(Z, w, "P", "S")
    assert math.isnan(missing.loc["c", "contribution"])
    assert missing.loc[["a", "b"], "weight"].tolist() == [0.5, 0.5]
    assert missing["contribution"].sum() == pytest.approx(4.0)
    lone = pd.DataFrame({"a": [1.0, np.nan], "c": [np.nan, 1.0]}, index=["U", "V"])
    with pytest.raises(ValidationError, match="no indicator in common"):
        sim.contributions(lone, sim.indicator_weights(DIMS), "U", "V")


def test_standardise_logs_and_z_scores() -> None:
    t = pd.DataFrame(
        {"size": [1.0, math.e, math.e**2], "share": [0.1, 0.2, 0.3], "flat": [5.0, 5.0, 5.0]},
        index=["P", "Q", "R"],
    )
    z = sim.standardise(t, {"size": "log", "share": "none", "flat": "none"})
    assert z["size"].tolist() == pytest.approx([-math.sqrt(1.5), 0.0, math.sqrt(1.5)])
    assert z["share"].tolist() == pytest.approx([-math.sqrt(1.5), 0.0, math.sqrt(1.5)])
    assert z["flat"].tolist() == [0.0, 0.0, 0.0]
    z1 = sim.standardise(pd.DataFrame({"n": [0.0, math.e - 1]}), {"n": "log1p"})
    assert z1["n"].tolist() == pytest.approx([-1.0, 1.0])
    with pytest.raises(ValidationError, match="unknown transform"):
        sim.standardise(t, {"size": "sqrt"})


def test_region_coverage() -> None:
    cover = sim.region_coverage(Z, sim.indicator_weights(DIMS))
    assert cover.to_dict() == {"P": 1.0, "Q": 1.0, "R": 1.0, "S": 0.5}


def test_activity_profiles_cosine_and_rsca() -> None:
    assert sim.rsca(pd.DataFrame({"x": [1.0, 3.0, 0.0, np.nan]}))["x"].tolist() == [
        0.0, 0.5, -1.0, -1.0,
    ]  # fmt: skip
    profiles = pd.DataFrame({"u": [1.0, 1.0, 0.0], "v": [0.0, 1.0, 1.0]}, index=["P", "Q", "R"])
    cos = sim.cosine_to(profiles, "P")
    assert cos.to_dict() == pytest.approx({"Q": 1 / math.sqrt(2), "R": 0.0})


def test_rank_normalised_combination() -> None:
    assert sim.rank_scores(pd.Series({"a": 0.9, "b": 0.1, "c": 0.5})).to_dict() == {
        "a": 1.0, "b": 0.0, "c": 0.5,
    }  # fmt: skip
    assert sim.rank_scores(pd.Series({"a": 2.0, "b": 2.0, "c": 1.0})).to_dict() == {
        "a": 0.75, "b": 0.75, "c": 0.0,
    }  # fmt: skip
    m1 = pd.Series({"A": 0.9, "B": 0.5, "C": 0.1})
    m2 = pd.Series({"A": 0.5, "B": 0.9, "C": 0.1, "D": 1.0})  # D: only one measure knows it
    combined = sim.combine_ranks({"one": m1, "two": m2})
    assert combined.index.tolist() == ["A", "B", "C"]
    assert combined["score"].tolist() == [0.75, 0.75, 0.0]
    assert combined.loc["B", ["one", "two"]].tolist() == [0.5, 1.0]


def test_jaccard() -> None:
    assert sim.jaccard(["a", "b", "c"], ["b", "c", "d"]) == 0.5
    assert sim.jaccard([], []) == 1.0
    assert sim.jaccard(["a"], ["b"]) == 0.0


def _clusters(seed: int) -> pd.DataFrame:
    """Two tight, far-apart clusters of 6 regions on 4 indicators."""
    rng = np.random.default_rng(seed)
    centre = np.repeat([[10.0, 10.0, 10.0, 10.0], [100.0, 100.0, 100.0, 100.0]], 6, axis=0)
    values = centre * (1 + rng.uniform(-0.01, 0.01, size=centre.shape))
    return pd.DataFrame(values, index=[f"R{i:02d}" for i in range(12)], columns=list("abcd"))


def test_stability_of_well_separated_clusters() -> None:
    table = _clusters(1)
    dims = {"a": "x", "b": "x", "c": "y", "d": "y"}
    tr = dict.fromkeys(dims, "none")
    # top-5 of each region = the rest of its cluster, whatever is resampled
    result = sim.stability(table, dims, tr, k=5, draws=10, noise=0.05, seed=3)
    assert result.summary == {"indicators": 1.0, "noise": 1.0, "both": 1.0}
    assert result.per_region.shape == (12, 3)
    # top-3 within a tight cluster depends on the noise: less than perfectly stable
    loose = sim.stability(table, dims, tr, k=3, draws=10, noise=0.05, seed=3)
    assert loose.summary["noise"] < 1.0
    again = sim.stability(table, dims, tr, k=3, draws=10, noise=0.05, seed=3)
    assert again.summary == loose.summary  # same seed, same answer
