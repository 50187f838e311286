"""Private array-in / array-out kernels.

Every kernel takes dense float64 arrays shaped ``(periods, regions, activities)`` (or
``(periods, activities, activities)`` for activity x activity matrices) and works on all periods at
once with batched numpy operations. The public functions in ``specialisation``, ``relatedness``,
``complexity`` and ``opportunities`` validate arguments and label the results.

Conventions: a quantity that is not defined (0/0, a region with no activity) is NaN, never 0, and
callers report why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

import numpy as np


class _Quiet(TypedDict):
    """Keyword arguments of :func:`numpy.errstate` that silence 0/0 and x/0 (NaN, inf follow)."""

    divide: Literal["ignore"]
    invalid: Literal["ignore"]


_ERR: _Quiet = {"divide": "ignore", "invalid": "ignore"}


def rca(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Balassa RCA / location quotient for each period: ``(x/x_r.) / (x_.a/x_..)``.

    ``out`` (optional, same shape as ``X``, may be ``X`` itself) receives the result without a
    temporary of ``X``'s size.
    """
    row = X.sum(axis=2, keepdims=True)
    col = X.sum(axis=1, keepdims=True)
    tot = row.sum(axis=1, keepdims=True)
    with np.errstate(**_ERR):
        out = np.divide(X, row, out=out)
        out /= col / tot
    return out


def rpop(X: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """RPOP: ``(x_ra / pop_r) / (x_.a / pop_.)``, ``pop`` shaped ``(periods, regions)``."""
    pop = pop[:, :, None]
    col = X.sum(axis=1, keepdims=True)
    tot_pop = np.nansum(pop, axis=1, keepdims=True)  # a region without population: NaN only
    with np.errstate(**_ERR):
        return (X / pop) / (col / tot_pop)


def presence_mask(S: np.ndarray, threshold: float, strict: bool) -> np.ndarray:
    """1 where ``S > threshold`` (``>=`` when not strict), as a boolean array; NaN gives 0."""
    with np.errstate(invalid="ignore"):
        return S > threshold if strict else S >= threshold


def co_occurrence_counts(M: np.ndarray) -> np.ndarray:
    """``M^T M`` of one period's 0/1 matrix (R, A), as float64 (A, A).

    A boolean ``M`` is multiplied in float32, which is exact for counts below 2^24 regions (the
    products are 0/1 and every partial sum an integer), at twice the speed and half the memory
    of float64; any other ``M`` in float64.
    """
    if M.dtype == np.bool_ and M.shape[0] < 2**24:
        Mf = M.astype(np.float32)
        return np.matmul(Mf.T, Mf).astype(np.float64)
    Mf = np.asarray(M, dtype=np.float64)
    return np.matmul(Mf.T, Mf)


def proximity_period(
    M: np.ndarray,
    diagonal: str,
    *,
    measure: str = "min_conditional",
    out: np.ndarray | None = None,
    work: np.ndarray | None = None,
    fill: float = np.nan,
    chunk: int = 256,
) -> np.ndarray:
    """Proximity of one period's (R, A) presence, into ``out`` (A, A).

    ``measure="min_conditional"``: ``C_ij / max(k_i, k_j)`` (symmetric);
    ``measure="asymmetric"``: ``C_ij / k_j``, the share of the regions with activity ``j`` (the
    column, the target of the density) that also have ``i`` (Stata ``ecomplexity``'s ``asym``).

    The co-occurrence goes to ``work`` (an (A, A) float32 buffer for a boolean ``M``, exact; see
    :func:`co_occurrence_counts`), then the quotient is written row block by row
    block, so the denominator never exists at full size and, with buffers passed in, a loop over
    periods allocates nothing. ``fill`` replaces 0/0 (NaN by default, 0 for density weights).
    """
    A = M.shape[1]
    if M.dtype == np.bool_ and M.shape[0] < 2**24:
        Mf = M.astype(np.float32)
        C = np.matmul(Mf.T, Mf, out=work)
        del Mf
    else:
        Mf = np.asarray(M, dtype=np.float64)
        C = np.matmul(Mf.T, Mf)
    k = np.diagonal(C).astype(np.float64)
    out = np.empty((A, A)) if out is None else out
    for i0 in range(0, A, chunk):
        i1 = min(A, i0 + chunk)
        if measure == "asymmetric":
            denom = np.broadcast_to(k[None, :], (i1 - i0, A))
        else:
            denom = np.maximum(k[i0:i1, None], k[None, :])
        with np.errstate(**_ERR):
            np.divide(C[i0:i1], denom, out=out[i0:i1])
        if not np.isnan(fill):
            out[i0:i1][denom == 0] = fill
    set_diagonal(out[None], diagonal, k[None])
    if not np.isnan(fill) and diagonal == "one":
        d = np.diagonal(out).copy()
        d[np.isnan(d)] = fill
        np.fill_diagonal(out, d)
    return out


def co_occurrence(M: np.ndarray) -> np.ndarray:
    """``C_ij = sum_r M_ri M_rj`` for each period (batched ``M^T M``)."""
    return np.matmul(M.transpose(0, 2, 1), M)


def min_conditional(C: np.ndarray, k: np.ndarray, diagonal: str) -> np.ndarray:
    """``C_ij / max(k_i, k_j)`` from co-occurrence ``C`` (B, A, A) and ubiquity ``k`` (B, A),
    for any batch axis B (periods, or regions left out one at a time); 0/0 -> NaN."""
    denom = np.maximum(k[:, :, None], k[:, None, :])
    with np.errstate(**_ERR):
        phi = C / denom
    return set_diagonal(phi, diagonal, k)


def set_diagonal(phi: np.ndarray, diagonal: str, ubiquity: np.ndarray) -> np.ndarray:
    """Apply the diagonal rule: "zero" (Atlas/Stata), "one", or "keep" (the formula's value)."""
    idx = np.arange(phi.shape[-1])
    if diagonal == "zero":
        phi[:, idx, idx] = 0.0
    elif diagonal == "one":
        phi[:, idx, idx] = np.where(ubiquity > 0, 1.0, np.nan)
    return phi


def density(M: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``d_ra = sum_a' M_ra' phi_a'a / sum_a' phi_a'a``; NaN where the column of phi sums to 0.

    The quotient is at most 1 in exact arithmetic (M is 0/1); the sums are taken in different
    orders (BLAS vs numpy), so results are clipped to 1 to remove a last-bit excess.
    """
    W = np.nan_to_num(phi, nan=0.0)
    num = np.matmul(M, W)
    den = W.sum(axis=1)[:, None, :]
    with np.errstate(**_ERR):
        d = num / den
    return np.minimum(d, 1.0, out=d, where=np.isfinite(d))


def knn_weights(phi: np.ndarray, k: int) -> np.ndarray:
    """Keep, in each column ``a`` of phi, the proximities to other activities that are at least
    the ``k``-th largest of that column, ties included (Stata ``ecomplexity``'s ``knn``).

    A column keeps more than ``k`` weights only where proximities tie with its ``k``-th
    largest; which activities are kept therefore never depends on their order or their codes.
    NaN counts as 0; the diagonal is never a neighbour (it is 0 in the result).
    """
    W = np.nan_to_num(phi, nan=0.0).copy()
    n = W.shape[-1]
    idx = np.arange(n)
    k = min(k, n - 1)
    if k < 1:
        return np.zeros_like(W)
    W[:, idx, idx] = -np.inf  # never a neighbour of itself
    # the k-th largest of each column (the diagonal, -inf, is never among them when k < n)
    kth = -np.partition(-W, k - 1, axis=1)[:, k - 1 : k, :]
    W[W < kth] = 0.0
    W[:, idx, idx] = 0.0
    return np.maximum(W, 0.0)


#: A second eigenvalue at or below this means ECI is undefined (all regions alike).
EIGEN_ZERO = 1e-10


#: Correlations closer to 0 than this cannot decide the sign (rounding noise).
SIGN_TIE = 1e-9


@dataclass(frozen=True)
class Eigen:
    """Per-period output of :func:`eci_eigen`."""

    eci: np.ndarray  # (P, R) raw region vector e (NaN for regions left out)
    pci: np.ndarray  # (P, A) q = D(1/kp) M' e / lambda (NaN for activities left out)
    eigenvalues: np.ndarray  # (P, 3) the three largest eigenvalues of Mcc
    sign_flipped: np.ndarray  # (P,) bool


#: Up to this size of the smaller side (regions or activities), the eigenproblem is solved
#: densely (LAPACK ``eigh``); above it, by Lanczos (ARPACK ``eigsh``, three eigenpairs, to
#: machine precision) on an operator built from the sparse presence matrix.
EIGEN_DENSE_MAX = 400


def eci_eigen(M: np.ndarray, *, sign: str = "diversity", solver: str = "auto") -> Eigen:
    """Second eigenvector of ``Mcc = D(1/kc) M D(1/kp) M'`` by its symmetric similar matrix.

    ``S = D(kc^-1/2) M D(1/kp) M' D(kc^-1/2)`` is symmetric with the eigenvalues of Mcc, and its
    eigenvector ``v`` gives ``e = D(kc^-1/2) v``. When there are fewer activities than regions the
    activity-side matrix ``T = D(kp^-1/2) M' D(1/kc) M D(kp^-1/2)`` (same non-zero eigenvalues) is
    decomposed instead and ``e = D(1/kc) M q``. Regions with zero diversity and activities with
    zero ubiquity are left out (NaN).

    ``solver``: ``"dense"`` (every eigenpair, LAPACK), ``"iterative"`` (the three largest, by
    Lanczos on ``x -> B'(Bx)`` with sparse ``B``: never forms the matrix; eigenvectors agree
    with the dense solver to ~1e-13 when the spectral gap is not tiny) or ``"auto"`` (dense when
    the smaller side has at most :data:`EIGEN_DENSE_MAX` rows). ``M`` may be boolean.
    """
    P, R, A = M.shape
    eci = np.full((P, R), np.nan)
    pci = np.full((P, A), np.nan)
    eigvals = np.full((P, 3), np.nan)
    flipped = np.zeros(P, dtype=bool)
    for p in range(P):
        Mp = M[p]
        kc = Mp.sum(axis=1, dtype=np.float64)
        kp = Mp.sum(axis=0, dtype=np.float64)
        rv = kc > 0
        av = kp > 0
        if rv.sum() < 2 or av.sum() < 2:
            continue
        kcv, kpv = kc[rv], kp[av]
        small = min(kcv.size, kpv.size)
        iterative = solver == "iterative" or (solver == "auto" and small > EIGEN_DENSE_MAX)
        found = None
        if iterative and small > 3:
            Sv = _sparse_block(Mp, rv, av)  # the valid rows/columns, sparse, no dense copy
            found = _top_eigs(Sv, kcv, kpv)
        if found is not None:
            w, v2 = found
            lam = w[1]
            if kcv.size <= kpv.size:
                e = v2 / np.sqrt(kcv)
                q = (Sv.T @ e) / kpv / lam
            else:
                q = v2 / np.sqrt(kpv)
                e = (Sv @ q) / kcv
            top = w
        else:
            Mv = np.asarray(Mp[np.ix_(rv, av)], dtype=np.float64)
            B = Mv / np.sqrt(kcv)[:, None] / np.sqrt(kpv)[None, :]
            if Mv.shape[0] <= Mv.shape[1]:
                w, V = np.linalg.eigh(B @ B.T)
                lam = w[-2]
                e = V[:, -2] / np.sqrt(kcv)
                q = (Mv.T @ e) / kpv / lam
            else:
                w, V = np.linalg.eigh(B.T @ B)
                lam = w[-2]
                q = V[:, -2] / np.sqrt(kpv)
                e = (Mv @ q) / kcv
            top = w[::-1][:3]
        eigvals[p, : len(top)] = top
        if lam <= EIGEN_ZERO:
            continue  # every region has the same profile: ECI is undefined
        s = _sign(e, kcv, q, kpv, sign)
        flipped[p] = s < 0
        eci[p, rv] = s * e
        pci[p, av] = s * q
    return Eigen(eci, pci, eigvals, flipped)


def _sparse_block(Mp: np.ndarray, rv: np.ndarray, av: np.ndarray):
    """``Mp[rv][:, av]`` as a float64 CSR array, built from the non-zero cells only."""
    import scipy.sparse as sp

    rows, cols = np.nonzero(Mp)
    vals = np.asarray(Mp[rows, cols], dtype=np.float64)
    keep = rv[rows] & av[cols]
    r_new = np.cumsum(rv) - 1
    a_new = np.cumsum(av) - 1
    return sp.csr_array(
        (vals[keep], (r_new[rows[keep]], a_new[cols[keep]])),
        shape=(int(rv.sum()), int(av.sum())),
    )


def _top_eigs(Mv, kcv: np.ndarray, kpv: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The three largest eigenvalues (descending) of the smaller-side symmetric matrix
    ``B B'`` or ``B'B``, ``B = D(kc^-1/2) M D(kp^-1/2)``, and the eigenvector of the second.

    Lanczos (ARPACK, ``tol=0``: to machine precision) on the operator ``x -> B (B'x)`` with
    ``B`` sparse, from a fixed start vector (results do not depend on a random seed). None when
    it does not converge (the caller then solves densely).
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    coo = sp.coo_array(Mv)
    rows, cols = coo.row, coo.col
    vals = coo.data / np.sqrt(kcv)[rows] / np.sqrt(kpv)[cols]
    B = sp.csr_array((vals, (rows, cols)), shape=Mv.shape)
    Bt = sp.csr_array(B.T)
    if Mv.shape[0] <= Mv.shape[1]:
        n = Mv.shape[0]

        def matvec(x: np.ndarray) -> np.ndarray:
            return B @ (Bt @ x.ravel())
    else:
        n = Mv.shape[1]

        def matvec(x: np.ndarray) -> np.ndarray:
            return Bt @ (B @ x.ravel())

    op = LinearOperator((n, n), matvec=matvec, dtype=np.float64)
    v0 = 1.0 + 0.5 * np.cos(np.arange(n) * 0.7071)  # fixed, not orthogonal to any eigvector
    try:
        w, V = eigsh(op, k=3, which="LA", tol=0.0, v0=v0, maxiter=max(1000, 20 * n))
    except ArpackNoConvergence:
        return None
    order = np.argsort(w)[::-1]
    return w[order], V[:, order[1]]


def _sign(e: np.ndarray, kc: np.ndarray, q: np.ndarray, kp: np.ndarray, rule: str) -> float:
    """+1 or -1 so that ECI correlates positively with diversity (rule "diversity") or PCI
    negatively with ubiquity (rule "ubiquity"); the other test breaks a tie."""
    c_div = _corr(e, kc)
    c_ubi = -_corr(q, kp)
    first, second = (c_div, c_ubi) if rule == "diversity" else (c_ubi, c_div)
    for c in (first, second):
        if np.isfinite(c) and abs(c) > SIGN_TIE:
            return float(np.sign(c))
    return 1.0


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def reflections(M: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Method of reflections (Hidalgo & Hausmann 2009), z-scored after every step.

    ``k_{r,n} = (1/k_r) sum_a M_ra k_{a,n-1}``, ``k_{a,n} = (1/k_a) sum_r M_ra k_{r,n-1}``,
    starting from diversity and ubiquity. Renormalising each step keeps the vectors from collapsing
    to a constant; even iterations are returned.
    """
    kc = M.sum(axis=2)
    kp = M.sum(axis=1)
    with np.errstate(**_ERR):
        r = kc.copy()
        a = kp.copy()
        for _ in range(iterations):
            r_new = np.einsum("pra,pa->pr", M, a) / kc
            a_new = np.einsum("pra,pr->pa", M, r) / kp
            r, a = _zscore_rows(r_new), _zscore_rows(a_new)
    return r, a


def _zscore_rows(x: np.ndarray) -> np.ndarray:
    mean = np.nanmean(x, axis=1, keepdims=True)
    sd = np.nanstd(x, axis=1, keepdims=True)
    with np.errstate(**_ERR):
        return (x - mean) / sd


def fitness_complexity(
    M: np.ndarray, *, max_iter: int, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fitness-Complexity map of Tacchella et al. (2012), per period.

    ``F_r <- sum_a M_ra Q_a``, ``Q_a <- 1 / sum_r M_ra / F_r``, each normalised to mean 1 after
    every step. Stops when the largest relative change of both vectors is below ``tol``.
    Returns fitness (P, R), complexity (P, A), iterations (P,) and converged (P,).
    """
    P, R, A = M.shape
    F_out = np.full((P, R), np.nan)
    Q_out = np.full((P, A), np.nan)
    iters = np.zeros(P, dtype=np.int64)
    conv = np.zeros(P, dtype=bool)
    for p in range(P):
        Mp = M[p]
        rv = Mp.sum(axis=1) > 0
        av = Mp.sum(axis=0) > 0
        Mv = Mp[np.ix_(rv, av)]
        F = np.ones(Mv.shape[0])
        Q = np.ones(Mv.shape[1])
        for it in range(1, max_iter + 1):
            F_new = Mv @ Q
            with np.errstate(divide="ignore"):
                Q_new = 1.0 / (Mv.T @ (1.0 / F))
            F_new /= F_new.mean()
            Q_new /= Q_new.mean()
            change = max(
                np.max(np.abs(F_new - F) / np.maximum(F, 1e-300)),
                np.max(np.abs(Q_new - Q) / np.maximum(Q, 1e-300)),
            )
            F, Q = F_new, Q_new
            iters[p] = it
            if change < tol:
                conv[p] = True
                break
        F_out[p, rv] = F
        Q_out[p, av] = Q
    return F_out, Q_out, iters, conv


def eci_reflections(
    M: np.ndarray, n: int, *, sign: str = "diversity"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECI as the ``n``-th region reflection ``k_c,n`` and PCI as the next activity reflection
    ``k_p,n+1 = D(1/kp) M' k_c,n``, not iterated to convergence (Datawheel's ``complexity``).

    Computed on the regions and activities with presence (others NaN), z-scoring (ddof 0) after
    every step: the reflections are affine-equivariant, so this equals the unnormalised
    recursion z-scored at the end, without its loss of precision. Sign rule as in
    :func:`eci_eigen`. Returns eci (P, R), pci (P, A) and sign_flipped (P,).
    """
    P, R, A = M.shape
    eci = np.full((P, R), np.nan)
    pci = np.full((P, A), np.nan)
    flipped = np.zeros(P, dtype=bool)
    for p in range(P):
        Mp = np.asarray(M[p], dtype=np.float64)
        kc = Mp.sum(axis=1)
        kp = Mp.sum(axis=0)
        rv = kc > 0
        av = kp > 0
        if rv.sum() < 2 or av.sum() < 2:
            continue
        Mv = Mp[np.ix_(rv, av)]
        kcv, kpv = kc[rv], kp[av]
        r, a = kcv, kpv
        for _ in range(n):
            r, a = _zscore(Mv @ a / kcv), _zscore(Mv.T @ r / kpv)
        q = _zscore(Mv.T @ r / kpv)
        s = _sign(r, kcv, q, kpv, sign)
        flipped[p] = s < 0
        eci[p, rv] = s * r
        pci[p, av] = s * q
    return eci, pci, flipped


def _zscore(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    with np.errstate(**_ERR):
        return (x - x.mean()) / sd if sd > 0 else np.full_like(x, np.nan)
