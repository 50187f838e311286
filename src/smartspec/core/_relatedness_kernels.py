"""Private array-in / array-out kernels of the relatedness family (see ``relatedness_measures``).

Shapes as in ``_kernels``: ``(periods, regions, activities)`` in, ``(periods, activities,
activities)`` out, every period at once. Undefined values (0/0) are NaN. The diagonal is left
as the formula gives it; callers apply the profile's diagonal rule with
:func:`smartspec.core._kernels.set_diagonal`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import _kernels as kernels
from ._resampling import swap_randomise

_ERR = kernels._ERR


def ubiquity(C: np.ndarray) -> np.ndarray:
    """The diagonal of a co-occurrence matrix (P, A, A) -> (P, A), as a writable copy."""
    return np.diagonal(C, axis1=1, axis2=2).copy()


def conditional(M: np.ndarray) -> np.ndarray:
    """``P(M_j = 1 | M_i = 1) = C_ij / k_i`` (row i = the activity conditioned on)."""
    C = kernels.co_occurrence(M)
    with np.errstate(**_ERR):
        return C / ubiquity(C)[:, :, None]


def cosine(X: np.ndarray) -> np.ndarray:
    """``sum_r x_ri x_rj / (||x_i|| ||x_j||)``; on 0/1 presence ``C_ij / sqrt(k_i k_j)``."""
    G = kernels.co_occurrence(X)
    norm = np.sqrt(ubiquity(G))
    with np.errstate(**_ERR):
        return G / (norm[:, :, None] * norm[:, None, :])


def jaccard(M: np.ndarray) -> np.ndarray:
    """``C_ij / (k_i + k_j - C_ij)`` on 0/1 presence."""
    C = kernels.co_occurrence(M)
    k = ubiquity(C)
    with np.errstate(**_ERR):
        return C / (k[:, :, None] + k[:, None, :] - C)


def ruzicka(X: np.ndarray) -> np.ndarray:
    """Weighted Jaccard (Ruzicka): ``sum_r min(x_ri, x_rj) / sum_r max(x_ri, x_rj)``."""
    P, _, A = X.shape
    out = np.empty((P, A, A))
    for i in range(A):
        xi = X[:, :, i : i + 1]
        with np.errstate(**_ERR):
            out[:, i, :] = np.minimum(xi, X).sum(axis=1) / np.maximum(xi, X).sum(axis=1)
    return out


def association_strength(M: np.ndarray) -> np.ndarray:
    """``C_ij T / (S_i S_j)`` with ``S_i = sum_{j != i} C_ij`` and ``T = sum_i S_i``."""
    C = kernels.co_occurrence(M)
    off = C.copy()
    idx = np.arange(C.shape[-1])
    off[:, idx, idx] = 0.0
    S = off.sum(axis=2)
    T = S.sum(axis=1)[:, None, None]
    with np.errstate(**_ERR):
        return C * T / (S[:, :, None] * S[:, None, :])


def observed_expected(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Co-occurrence against independence with fixed ubiquities (hypergeometric).

    With R regions, ``E_ij = k_i k_j / R`` and
    ``Var_ij = k_i k_j (R - k_i)(R - k_j) / (R^2 (R - 1))``. Returns the observed C, E, the
    ratio C / E and the z-score (C - E) / sqrt(Var).
    """
    R = M.shape[1]
    C = kernels.co_occurrence(M)
    k = ubiquity(C)
    ki, kj = k[:, :, None], k[:, None, :]
    E = ki * kj / R
    var = ki * kj * (R - ki) * (R - kj) / (R * R * (R - 1.0))
    with np.errstate(**_ERR):
        return C, E, C / E, (C - E) / np.sqrt(var)


def correlation(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted Pearson correlation of the activity columns across regions.

    ``weights`` (P, R) >= 0 (equal weights give the ordinary correlation). Regions whose row
    holds a non-finite value (e.g. RCA of an empty region) get weight 0. A column with no
    variance gives NaN.
    """
    finite = np.isfinite(X).all(axis=2)
    w = np.where(finite, weights, 0.0)
    Xf = np.where(finite[:, :, None], X, 0.0)
    with np.errstate(**_ERR):
        w = w / w.sum(axis=1, keepdims=True)
    mean = np.einsum("pr,pra->pa", w, Xf)
    D = (Xf - mean[:, None, :]) * np.sqrt(w)[:, :, None]
    cov = kernels.co_occurrence(D)
    sd = np.sqrt(ubiquity(cov))
    sd[sd <= 1e-12 * np.maximum(np.abs(mean), 1.0)] = 0.0  # constant columns: rounding noise
    with np.errstate(**_ERR):
        return np.clip(cov / (sd[:, :, None] * sd[:, None, :]), -1.0, 1.0)


def permutation_pvalues(
    M: np.ndarray, *, n_null: int, n_swaps: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided permutation p-values of co-occurrence under the degree-preserving null.

    For each period, a Markov chain of checkerboard swaps (``_resampling.swap_randomise``)
    started at the observed presence; a null draw every ``n_swaps`` attempted swaps.
    ``p_ij = (1 + #{C_null >= C_obs}) / (1 + n_null)``. Returns p (P, A, A), and the mean and
    sd of the null co-occurrence.
    """
    P, _, A = M.shape
    C = kernels.co_occurrence(M)
    exceed = np.zeros((P, A, A))
    s1 = np.zeros((P, A, A))
    s2 = np.zeros((P, A, A))
    for p in range(P):
        state = M[p]
        for _ in range(n_null):
            state = swap_randomise(state, n_swaps=n_swaps, rng=rng)
            Cn = state.T @ state
            exceed[p] += Cn >= C[p]
            s1[p] += Cn
            s2[p] += Cn * Cn
    mean = s1 / n_null
    sd = np.sqrt(np.maximum(s2 / n_null - mean * mean, 0.0))
    return (1.0 + exceed) / (1.0 + n_null), mean, sd


def adjust_pvalues(p: np.ndarray, tested: np.ndarray, correction: str) -> np.ndarray:
    """Adjusted p-values over the ``tested`` upper-triangle pairs of each period, mirrored.

    ``"bh"``: Benjamini-Hochberg step-up (false discovery rate); ``"bonferroni"``: p times the
    number of tests; ``"none"``: as is. Pairs not tested are NaN.
    """
    P, A, _ = p.shape
    iu = np.triu_indices(A, k=1)
    out = np.full_like(p, np.nan)
    for t in range(P):
        mask = tested[t][iu]
        vals = p[t][iu][mask]
        n = vals.size
        if n == 0:
            continue
        if correction == "bh":
            order = np.argsort(vals)
            scaled = vals[order] * n / np.arange(1, n + 1)
            adj = np.empty(n)
            adj[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
        elif correction == "bonferroni":
            adj = np.minimum(vals * n, 1.0)
        else:
            adj = vals
        upper = np.full(iu[0].size, np.nan)
        upper[mask] = adj
        out[t][iu] = upper
        out[t][iu[1], iu[0]] = upper
    return out


def loro_blocks(
    M: np.ndarray, diagonal: str, *, cells: int = 2**22
) -> Iterator[tuple[int, slice, np.ndarray]]:
    """Leave-one-region-out proximities, a block of regions at a time.

    For region r: ``C^(-r) = C - m_r m_r'`` and ``k^(-r) = k - m_r`` (its own presence taken
    out), then the min-conditional proximity of ``_kernels.min_conditional``. Yields
    ``(period, regions slice, phi)`` with phi shaped (regions in the block, A, A); a block
    holds about ``cells`` values (32 MiB), so memory stays flat however many regions.
    """
    P, R, A = M.shape
    block = max(1, cells // (A * A))
    C = kernels.co_occurrence(M)
    for p in range(P):
        k = np.diagonal(C[p])
        for start in range(0, R, block):
            rs = slice(start, min(start + block, R))
            Mr = M[p, rs]
            Cm = C[p][None, :, :] - Mr[:, :, None] * Mr[:, None, :]
            yield p, rs, kernels.min_conditional(Cm, k[None, :] - Mr, diagonal)
