"""Relatedness density from other weights: leave-one-region-out proximity
(:func:`loro_proximity`, :func:`density_loro`), weights supplied by the user
(:func:`density_from`) and relatedness across two activity spaces (:func:`cross_relatedness`)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .. import _kernels as kernels
from .. import _labels as labels
from .. import _relatedness_kernels as rk
from .._steps import PresenceMethod
from ..catalogue import register
from ..errors import ValidationError, format_examples
from ..matrix import ActivityMatrix
from ..profiles import Profile
from ._common import _choice, _min_conditional_only, _steps

__all__ = ["cross_relatedness", "density_from", "density_loro", "loro_proximity"]


def loro_proximity(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Leave-one-region-out proximity: for each region, the proximity computed without it.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region, activity_from)``, one column per ``activity_to``: ``R`` times
        the size of :func:`~smartspec.core.relatedness.proximity` (for large matrices use
        :func:`density_loro`, which never holds them all).

    Notes
    -----
    .. math:: \\phi^{(-r)}_{ij} = \\frac{C_{ij} - M_{ri} M_{rj}}
              {\\max(k_i - M_{ri}, k_j - M_{rj})}

    Presence is computed once on the whole matrix (RCA relative to every region); only the
    co-occurrence counts leave the region out.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> loro_proximity(m, presence="manual").loc[("all", "A")]
    activity_to      x    y    z
    activity_from
    x              0.0  0.0  0.0
    y              0.0  0.0  1.0
    z              0.0  1.0  0.0
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal)
    _min_conditional_only(steps, "loro_proximity")
    P, R, A = m.shape
    out = np.empty((P, R, A, A))
    for p, rs, phi in rk.loro_blocks(steps.presence, steps.profile.diagonal):
        out[p, rs] = phi
    index = pd.MultiIndex.from_product(
        [m.periods, m.regions, m.activities], names=["period", "region", "activity_from"]
    )
    return pd.DataFrame(out.reshape(-1, A), index=index, columns=m.activities.rename("activity_to"))


@register(
    "density_loro",
    level="cell",
    summary="Relatedness density with leave-one-region-out proximity",
    reference="Hidalgo et al. (2007)",
)
def density_loro(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness density of each region with the proximity computed without that region.

    A region's own presence enters the co-occurrence it is then scored against: a region that
    is alone in combining two activities makes them related, and so raises its own density.
    Leaving the region out of the proximity removes that mechanical link (useful when density
    predicts the region's own entries).

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity; NaN where an
        activity has no related activity once the region is left out.

    Notes
    -----
    .. math:: d^{LORO}_{ra} = \\frac{\\sum_{a'} M_{ra'} \\phi^{(-r)}_{a'a}}
              {\\sum_{a'} \\phi^{(-r)}_{a'a}}

    with :math:`\\phi^{(-r)}` from :func:`loro_proximity` (kNN: its ``knn`` largest per
    activity, weighted).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 1, 0]],
    ...                               regions=list("ABCD"), activities=list("xyz"))
    >>> density_loro(m, presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.333  1.0
           B       1.0  0.333  1.0
           C       1.0  0.333  1.0
           D       1.0  0.333  1.0

    With the proximity of all four regions, B's and C's density in ``y`` is 0.5: their own
    presence in ``y`` and ``z`` makes the two look related.
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    _min_conditional_only(steps, "density_loro")
    M = steps.presence
    out = np.empty(M.shape)
    for p, rs, phi in rk.loro_blocks(M, steps.profile.diagonal):
        W = phi if steps.knn is None else kernels.knn_weights(phi, steps.knn)
        out[p, rs] = kernels.density(M[p, rs][:, None, :], W)[:, 0, :]
    return labels.cells(m, out)


def _weights_block(frame: pd.DataFrame, rows: pd.Index, what: str) -> tuple[np.ndarray, pd.Index]:
    """One activity x activity block aligned to ``rows``; columns reordered to ``rows`` when
    they are the same activities (one space), kept as given otherwise (two spaces)."""
    frame = frame.groupby(level=0, sort=False).first() if frame.index.has_duplicates else frame
    known = set(rows)
    given = set(frame.index)
    unknown = [a for a in frame.index if a not in known]
    missing = [a for a in rows if a not in given]
    if unknown or missing:
        raise ValidationError(
            f"the {what} does not cover the matrix's activities",
            expected=f"one row per activity of the matrix (e.g. {format_examples(list(rows[:3]))})",
            found=(f"unknown activities {format_examples(unknown)}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"missing activities {format_examples(missing)}" if missing else ""),
            fix="relabel the relatedness matrix with the matrix's activity codes, or aggregate "
            "the matrix to the relatedness matrix's classification",
        )
    cols = frame.columns
    if set(cols) == known and len(cols) == len(rows):
        cols = rows
    values = frame.loc[list(rows), list(cols)].apply(pd.to_numeric, errors="coerce")
    W = values.to_numpy(dtype=np.float64)
    bad = ~np.isnan(W) & ~np.isfinite(W)
    if bad.any() or (values.isna() & frame.loc[list(rows), list(cols)].notna()).any().any():
        raise ValidationError(
            f"the {what} must hold finite numbers",
            expected="finite weights >= 0 (NaN counts as 0)",
            found="infinite or non-numeric weights",
        )
    if (W < 0).any():
        i, j = np.argwhere(W < 0)[0]
        raise ValidationError(
            f"the {what} has negative weights",
            expected="weights >= 0 (density is a weighted share)",
            found=f"{W[i, j]!r} between {rows[i]!r} and {cols[j]!r}"
            + (f" and {int((W < 0).sum()) - 1} more" if (W < 0).sum() > 1 else ""),
            fix="rescale the measure to be non-negative (e.g. (1 + correlation) / 2) or set "
            "negative values to 0",
        )
    return W, pd.Index(cols, name="activity")


def _align_weights(m: ActivityMatrix, weights: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """(P, A, B) weights for every period of ``m``, and the target activities."""
    if not isinstance(weights, pd.DataFrame):
        raise ValidationError(
            "relatedness weights are an activity x activity DataFrame",
            expected="a DataFrame indexed by activity (or by (period, activity)), one column "
            "per activity",
            found=type(weights).__name__,
        )
    if isinstance(weights.index, pd.MultiIndex):
        if weights.index.nlevels != 2:
            raise ValidationError(
                "relatedness weights need an index of activity or (period, activity)",
                expected="1 or 2 index levels",
                found=f"{weights.index.nlevels} levels",
            )
        periods = weights.index.get_level_values(0)
        blocks, cols = [], None
        for period in m.periods:
            hit = periods == period
            if not hit.any():
                hit = periods.astype(str) == str(period)
            if not hit.any():
                raise ValidationError(
                    f"the relatedness weights have no period {period!r}",
                    expected=f"periods {format_examples(list(m.periods))}",
                    found=f"periods {format_examples(list(pd.unique(periods)))}",
                    fix="pass weights for every period, or one activity x activity matrix "
                    "(without a period level) for all periods",
                )
            sub = weights[hit].droplevel(0)
            W, cols = _weights_block(sub, m.activities, "relatedness matrix")
            blocks.append(W)
        return np.stack(blocks), cols
    W, cols = _weights_block(weights, m.activities, "relatedness matrix")
    return np.repeat(W[None], m.n_periods, axis=0), cols


def density_from(
    m: ActivityMatrix,
    relatedness: pd.DataFrame,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness density with relatedness weights supplied by the user.

    Any non-negative activity x activity matrix: labour-flow (skill) relatedness,
    co-classification of patents, input-output links, one of the :func:`relatedness` measures,
    or a :func:`cross_relatedness` matrix from another activity space.

    Parameters
    ----------
    m : ActivityMatrix
        The regions whose presence counts (the "from" activity space).
    relatedness : pandas.DataFrame
        Rows: exactly the activities of ``m`` (any order); columns: the same activities (one
        space) or the activities of another space (the density is then computed for those).
        Index either ``activity`` (the same weights for every period) or
        ``(period, activity_from)`` as :func:`relatedness` returns it. NaN counts as 0. The
        diagonal is used as given (an activity counts itself where it is non-zero).
    presence, threshold, strict, population, profile
        Presence options.
    knn : int, optional
        Keep, for each target activity, the ``knn`` largest weights (weighted). One activity
        space only.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per target activity; NaN for a
        target with no positive weight.

    Raises
    ------
    ValidationError
        Unknown or missing activities, a missing period, negative, infinite or non-numeric
        weights, or ``knn`` across two spaces.

    Notes
    -----
    .. math:: d_{rb} = \\frac{\\sum_a M_{ra} w_{ab}}{\\sum_a w_{ab}}

    References
    ----------
    Neffke, F., & Henning, M. (2013). Skill relatedness and firm diversification. Strategic
    Management Journal, 34(3), 297-316. doi:10.1002/smj.2014

    Examples
    --------
    >>> import pandas as pd
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> flows = pd.DataFrame([[0, 4, 0], [4, 0, 1], [0, 1, 0]],
    ...                      index=list("xyz"), columns=list("xyz"))
    >>> density_from(m, flows, presence="manual").round(3)
    activity         x    y    z
    period region
    all    A       1.0  0.8  1.0
           B       1.0  0.2  1.0
           C       1.0  0.2  1.0

    Activities the matrix does not know are refused:

    >>> density_from(m, flows.rename(index={"z": "q"}), presence="manual")
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: the relatedness matrix does not cover ...
    """
    steps = _steps(m, presence, threshold, strict, population, profile, knn=knn)
    W, cols = _align_weights(m, relatedness)
    W = np.nan_to_num(W)
    if steps.knn is not None:
        if not cols.equals(m.activities):
            raise ValidationError(
                "knn applies to one activity space only",
                expected="a square relatedness matrix over the matrix's activities",
                found=f"{len(cols)} target activities not those of the matrix",
            )
        W = kernels.knn_weights(W, steps.knn)
    d = kernels.density(steps.presence, W)
    index = pd.MultiIndex.from_product([m.periods, m.regions], names=["period", "region"])
    return pd.DataFrame(d.reshape(-1, len(cols)), index=index, columns=cols)


def _shared(a: pd.Index, b: pd.Index, what: str) -> tuple[np.ndarray, np.ndarray]:
    common = [x for x in a if x in set(b)]
    if not common:
        raise ValidationError(
            f"the two matrices share no {what}",
            expected=f"the same {what} labels in both",
            found=f"{format_examples(list(a[:3]))} and {format_examples(list(b[:3]))}",
            fix=f"use the same {what} codes in both tables",
        )
    return a.get_indexer(common), b.get_indexer(common)


def cross_relatedness(
    m_from: ActivityMatrix,
    m_to: ActivityMatrix,
    *,
    measure: Literal["min_conditional", "conditional"] = "min_conditional",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness across two activity spaces (e.g. technologies -> industries).

    Parameters
    ----------
    m_from, m_to : ActivityMatrix
        The two spaces over (partly) the same regions and periods, e.g. patents by technology
        and employment by industry. Regions and periods are matched by label; only the shared
        ones count.
    measure : {"min_conditional", "conditional"}
        ``min_conditional``: :math:`C_{ab} / \\max(k_a, k_b)`, the proximity of Hidalgo et al.
        (2007) across spaces; ``conditional``: :math:`P(M_b = 1 \\mid M_a = 1) = C_{ab} / k_a`.
    presence, threshold, strict, population, profile
        Presence options, applied to each matrix on its own (RCA relative to its own totals).

    Returns
    -------
    pandas.DataFrame
        Index ``(period, activity_from)`` over ``m_from``'s activities, one column per
        ``activity_to`` of ``m_to``; shared periods only. Pass it to :func:`density_from` with
        ``m_from`` for the density of ``m_to``'s activities from ``m_from``'s presence.

    Raises
    ------
    ValidationError
        No shared region or period.

    Notes
    -----
    .. math:: C_{ab} = \\sum_{r \\in R_1 \\cap R_2} M^{(1)}_{ra} M^{(2)}_{rb}

    with ubiquities :math:`k_a`, :math:`k_b` counted over the shared regions.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> tech = ActivityMatrix.from_dense([[1, 0], [1, 1], [0, 1]], regions=list("ABC"),
    ...                                  activities=["t1", "t2"])
    >>> ind = ActivityMatrix.from_dense([[1, 0], [1, 0], [0, 1], [1, 1]],
    ...                                 regions=list("ABCD"), activities=["i1", "i2"])
    >>> x = cross_relatedness(tech, ind, presence="manual")
    >>> x
    activity_to            i1   i2
    period activity_from
    all    t1             1.0  0.0
           t2             0.5  0.5
    >>> density_from(tech, x, presence="manual").round(3)
    activity        i1   i2
    period region
    all    A       0.667  0.0
           B       1.000  1.0
           C       0.333  1.0
    """
    _choice(measure, ("min_conditional", "conditional"), "cross-space measure")
    s1 = _steps(m_from, presence, threshold, strict, population, profile)
    s2 = _steps(m_to, presence, threshold, strict, population, profile)
    p1, p2 = _shared(m_from.periods, m_to.periods, "periods")
    r1, r2 = _shared(m_from.regions, m_to.regions, "regions")
    M1 = s1.presence[p1][:, r1]
    M2 = s2.presence[p2][:, r2]
    C = np.matmul(M1.transpose(0, 2, 1), M2)
    k1 = M1.sum(axis=1)[:, :, None]
    k2 = M2.sum(axis=1)[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = C / (np.maximum(k1, k2) if measure == "min_conditional" else k1)
    index = pd.MultiIndex.from_product(
        [m_from.periods[p1], m_from.activities], names=["period", "activity_from"]
    )
    cols = m_to.activities.rename("activity_to")
    return pd.DataFrame(out.reshape(-1, len(cols)), index=index, columns=cols)
