"""The Lanczos eigen-solver (used above ``EIGEN_DENSE_MAX``) agrees with dense LAPACK."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from smartspec.core import _kernels as kernels

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
synthetic = pytest.importorskip("synthetic")


@pytest.mark.parametrize(("R", "A"), [(300, 650), (700, 240)], ids=["regions-side", "activities"])
def test_iterative_eigen_equals_dense(R, A):
    blocks = [v for _, v in synthetic.periods(R, A, 2, seed=5)]
    X = np.stack(blocks)
    M = kernels.presence_mask(kernels.rca(X), 1.0, True)
    dense = kernels.eci_eigen(M, solver="dense")
    lanczos = kernels.eci_eigen(M, solver="iterative")
    np.testing.assert_allclose(lanczos.eigenvalues, dense.eigenvalues, rtol=0, atol=1e-12)
    np.testing.assert_allclose(lanczos.eci, dense.eci, rtol=0, atol=1e-10)
    np.testing.assert_allclose(lanczos.pci, dense.pci, rtol=0, atol=1e-10)
    # (sign_flipped reports the raw vector's sign, which is arbitrary for either solver)
    # the boolean mask gives what the float 0/1 matrix gives
    as_float = kernels.eci_eigen(M.astype(float), solver="dense")
    np.testing.assert_array_equal(as_float.eci, dense.eci)
