"""Top-k proximity for large activity spaces: exact against the dense kNN density, sparse and
bounded in memory at 20,000 activities."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import smartspec as ss
from smartspec.core._steps import Steps
from smartspec.scale import sparse_density, sparse_presence, sparse_proximity


def _panel(R, A, seed=0, share=0.02):
    """A sparse latent-capability-like panel: activities need few of 12 capabilities."""
    rng = np.random.default_rng(seed)
    caps = rng.random((R, 12)) < rng.uniform(0.2, 0.9, R)[:, None]
    req = rng.random((A, 12)) < rng.beta(1, 6, A)[:, None]
    missing = (~caps).astype(np.float32) @ req.T.astype(np.float32)
    active = rng.random((R, A)) < share * 10 * np.exp(-missing)
    r, a = np.nonzero(active)
    vals = rng.integers(1, 100, len(r)).astype(float)
    return ss.ActivityMatrix(
        sp.csr_array((vals, (r, a)), shape=(R, A)),
        pd.Index([f"R{i}" for i in range(R)]),
        pd.Index([f"A{i:05d}" for i in range(A)]),
        pd.Index(["all"]),
    )


def test_sparse_presence_equals_dense_presence():
    m = _panel(60, 300)
    dense = Steps(m).presence[0]
    np.testing.assert_array_equal(sparse_presence(m).toarray(), dense.astype(bool))


@pytest.mark.parametrize("k", [1, 5, 40])
def test_top_k_density_equals_dense_knn_density(k):
    """The sparse path keeps exactly k neighbours (its memory bound); the dense kNN keeps ties
    at the k-th proximity too (Stata's rule). They agree on every activity without such a tie,
    and where there is one the sparse neighbours are k of the dense ones."""
    m = _panel(80, 400, seed=k)
    d, rel = sparse_density(m, top_k=k, block=97)  # blocks that do not divide A
    s = Steps(m, knn=k)
    dense_w = s.density_weights[0]
    sparse_w = rel.proximity.toarray()
    assert (np.diff(rel.proximity.indptr) <= k).all()
    kept = (dense_w != 0).sum(axis=0)  # neighbours kept per target activity (column)
    tied = kept > k
    assert (~tied).any(), "every activity tied: the comparison would be empty"
    np.testing.assert_allclose(sparse_w[:, ~tied], dense_w[:, ~tied], rtol=0, atol=0)
    np.testing.assert_allclose(d[:, ~tied], s.density[0][:, ~tied], rtol=1e-12, atol=1e-14)
    for a in np.flatnonzero(tied):
        on = sparse_w[:, a] != 0
        assert on.sum() == k and (dense_w[on, a] == sparse_w[on, a]).all()


def test_dropped_share_bounds_the_density_error():
    m = _panel(80, 400, seed=3)
    full = Steps(m).density[0]
    d, rel = sparse_density(m, top_k=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        err = np.nanmax(np.abs(full - d), axis=0)
    ok = np.isfinite(err) & np.isfinite(rel.dropped_share)
    assert (err[ok] <= rel.dropped_share[ok] + 1e-12).all()


def test_twenty_thousand_activities_stay_sparse_and_small():
    A, k = 20_000, 20
    m = _panel(150, A, seed=7, share=0.001)
    tracemalloc.start()
    rel = sparse_proximity(m, top_k=k, block=2048)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    W = rel.proximity
    assert sp.issparse(W) and W.shape == (A, A)
    assert W.nnz <= k * A
    assert peak < 0.1 * A * A * 8  # a dense A x A float64 would be 3.2 GB: we stay < 320 MB
    assert rel.dropped_share.shape == (A,)
