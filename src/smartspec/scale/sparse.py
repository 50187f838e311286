"""Relatedness for large activity spaces (20,000+ activities) without a dense A x A matrix.

:func:`sparse_proximity` keeps, for every activity ``a``, the ``top_k`` activities closest to it
(the largest min-conditional proximities ``phi_a'a``, the diagonal excluded): a sparse A x A
matrix with at most ``top_k`` entries a column. It is computed in blocks of columns, so memory
is the co-occurring pairs of a block (only pairs of activities that share a region are ever
formed), never ``O(A^2)``. :func:`sparse_density` is the relatedness density with
those weights, which is exactly smartspec's kNN density (``relatedness_density(m, knn=top_k)``,
same ties: the lower activity position wins).

The approximation, against the full density (every proximity as a weight): for activity ``a``
let ``S_a`` be the sum of all its proximities and ``D_a`` the part dropped (the proximities
outside the top ``k``). Then for every region ``|d_ra(full) - d_ra(top-k)| <= D_a / S_a``
(both densities are weighted means of 0/1 presence; moving weight ``D_a`` out of ``S_a`` moves
the mean by at most that share). :class:`SparseRelatedness` reports ``dropped_share = D_a / S_a``
for every activity, the exact bound of each column.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix
from smartspec.core.profiles import Profile, get_profile

__all__ = ["SparseRelatedness", "sparse_density", "sparse_presence", "sparse_proximity"]


@dataclass(frozen=True)
class SparseRelatedness:
    """Top-k proximity of one period and what it drops.

    Attributes
    ----------
    period : label
    activities : pandas.Index
    proximity : scipy.sparse.csc_array
        (A, A): column ``a`` holds the ``top_k`` largest proximities ``phi_a'a`` (a' != a).
    dropped_share : numpy.ndarray
        (A,): ``D_a / S_a``, the share of activity ``a``'s proximity mass left out; it bounds
        the density error of every region in that activity (NaN where ``S_a = 0``).
    top_k : int
    """

    period: Hashable
    activities: pd.Index
    proximity: sp.csc_array
    dropped_share: np.ndarray
    top_k: int


def sparse_presence(
    m: ActivityMatrix,
    period: Hashable | None = None,
    *,
    profile: str | Profile = "atlas",
    threshold: float | None = None,
    strict: bool | None = None,
) -> sp.csr_array:
    """RCA presence of one period as a sparse boolean (R, A) array, from the non-zero cells only.

    RCA is ``(x / x_r.) / (x_.a / x_..)`` as :func:`smartspec.rca` computes it; a zero cell has
    RCA 0 and is never present (a threshold of 0 with ``>=`` is refused: it makes every cell
    present and nothing sparse).
    """
    prof = get_profile(profile).with_options(threshold=threshold, strict=strict)
    t, st = prof.threshold, prof.strict
    if t <= 0 and not st:
        raise ValidationError(
            "sparse presence needs a threshold that zero cells do not pass",
            expected="threshold > 0, or strict '>'",
            found=f"RCA >= {t}",
        )
    X = sp.csr_array(m.sparse(period))
    row = np.asarray(X.sum(axis=1)).ravel()
    col = np.asarray(X.sum(axis=0)).ravel()
    tot = row.sum()
    coo = X.tocoo()
    with np.errstate(divide="ignore", invalid="ignore"):
        rca = (coo.data / row[coo.row]) / (col[coo.col] / tot)
        hit = rca > t if st else rca >= t
    return sp.csr_array(
        (np.ones(int(hit.sum()), dtype=bool), (coo.row[hit], coo.col[hit])), shape=X.shape
    )


def sparse_proximity(
    m: ActivityMatrix,
    top_k: int = 50,
    *,
    period: Hashable | None = None,
    presence: sp.sparray | None = None,
    block: int = 2048,
    **presence_options,
) -> SparseRelatedness:
    """Top-k min-conditional proximity of one period, without a dense A x A matrix.

    Parameters
    ----------
    m : ActivityMatrix
    top_k : int
        Proximities kept per activity (column).
    period : label, optional
        The period (required when ``m`` has several).
    presence : sparse (R, A) 0/1 array, optional
        Presence to use instead of RCA presence (``sparse_presence(m, period, ...)``).
    block : int
        Activities computed at once: memory grows with the co-occurring pairs of a block
        (never with ``A x A``).
    **presence_options
        ``profile``, ``threshold``, ``strict`` for :func:`sparse_presence`.

    Returns
    -------
    SparseRelatedness
    """
    if int(top_k) != top_k or top_k < 1:
        raise ValidationError("top_k must be a positive whole number", found=repr(top_k))
    if presence is None:
        presence = sparse_presence(m, period, **presence_options)
    M = sp.csr_array(presence, dtype=np.float64)
    M.data[:] = 1.0
    A = M.shape[1]
    k = min(int(top_k), A - 1)
    ubiq = np.asarray(M.sum(axis=0)).ravel()
    Mt = sp.csr_array(M.T)  # (A, R): its row blocks are the block's activities
    rows_out, cols_out, vals_out = [], [], []
    dropped = np.full(A, np.nan)
    for j0 in range(0, A, block):
        j1 = min(A, j0 + block)
        b = j1 - j0
        # co-occurrence of the block's activities (rows) with every activity, sparse: only
        # the pairs that share a region are ever formed (counts are exact integers)
        C = sp.csr_array(Mt[j0:j1] @ M).tocoo()
        r, c, v = C.row, C.col, C.data
        off = c != r + j0  # never a neighbour of itself
        r, c, v = r[off], c[off], v[off]
        phi = v / np.maximum(ubiq[r + j0], ubiq[c])
        total = np.bincount(r, weights=phi, minlength=b)
        # by row, then proximity descending, then column ascending (a stable sort's ties)
        order = np.lexsort((c, -phi, r))
        r, c, phi = r[order], c[order], phi[order]
        start = np.searchsorted(r, np.arange(b))
        rank = np.arange(len(r)) - start[r]
        top = rank < k
        r, c, phi = r[top], c[top], phi[top]
        kept_sum = np.bincount(r, weights=phi, minlength=b)
        with np.errstate(divide="ignore", invalid="ignore"):
            dropped[j0:j1] = np.where(total > 0, 1.0 - kept_sum / total, np.nan)
        rows_out.append(c.astype(np.int64))
        cols_out.append(r.astype(np.int64) + j0)
        vals_out.append(phi)
    W = sp.csc_array(
        (np.concatenate(vals_out), (np.concatenate(rows_out), np.concatenate(cols_out))),
        shape=(A, A),
    )
    p = m.period_position(period)
    return SparseRelatedness(m.periods[p], m.activities, W, dropped, k)


def sparse_density(
    m: ActivityMatrix,
    top_k: int = 50,
    *,
    period: Hashable | None = None,
    **options,
) -> tuple[np.ndarray, SparseRelatedness]:
    """Relatedness density of one period with top-k proximity weights.

    ``d_ra = sum_a' M_ra' W_a'a / sum_a' W_a'a`` with ``W`` from :func:`sparse_proximity`
    (NaN where an activity has no positive weight). Equals ``relatedness_density(m, knn=top_k)``
    for that period. Returns the dense (R, A) density and the :class:`SparseRelatedness`.
    """
    presence = sparse_presence(
        m, period, **{k: v for k, v in options.items() if k in ("profile", "threshold", "strict")}
    )
    rel = sparse_proximity(
        m,
        top_k,
        period=period,
        presence=presence,
        **{k: v for k, v in options.items() if k == "block"},
    )
    W = rel.proximity
    num = np.asarray((sp.csr_array(presence, dtype=np.float64) @ W).toarray())
    den = np.asarray(W.sum(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        num /= den[None, :]
    return num, rel
