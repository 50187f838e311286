"""Related and unrelated variety (Frenken, Van Oort & Verburg 2007): a region's entropy split
between and within the groups of a classification. :mod:`smartspec.core.concentration` re-exports
both functions."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from . import _labels as labels
from ._distribution import Groups, _choice, _entropy, _plogp, _warn_undefined
from .catalogue import register
from .errors import ValidationError
from .matrix import ActivityMatrix

__all__ = ["related_variety", "unrelated_variety"]


def _variety(
    m: ActivityMatrix, groups: Groups, unmapped: Literal["error", "drop"]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detailed shares ``p`` (P, R, A), group shares ``P`` (P, R, G) and the activity x group
    membership (A, G), both groupings resolved by :meth:`ActivityMatrix.aggregate`."""
    _choice("unmapped", unmapped, ("error", "drop"))
    ident = ActivityMatrix.from_dense(
        np.eye(m.n_activities), regions=m.activities, activities=m.activities
    )
    try:
        member = ident.aggregate(activity=groups, unmapped=unmapped)
    except ValidationError as err:
        if "at least two" not in err.problem:
            raise
        raise ValidationError(
            "the groups put every activity (that has a group) in one group",
            expected="two or more groups",
            found=err.found,
            fix="with a single group unrelated variety is 0 and related variety is the entropy "
            "(smartspec entropy); otherwise check the mapping or prefix length",
        ) from None
    coarse = m.aggregate(activity=groups, unmapped=unmapped)
    if not member.activities.equals(coarse.activities):  # pragma: no cover - same mapping
        raise AssertionError("group labels differ")
    G = coarse.to_dense()
    total = G.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = m.to_dense() / total
        P = G / total
    return p, P, member.to_dense()[0]


def _warn_empty_regions(m: ActivityMatrix, P: np.ndarray, what: str) -> None:
    _warn_undefined(
        m,
        np.isnan(P).any(axis=2),
        "region",
        what,
        "the region's total (over the grouped activities) is 0",
    )


@register(
    "unrelated_variety",
    level="region",
    summary="Unrelated variety (entropy between groups, bits; needs groups=)",
    reference="Frenken, Van Oort & Verburg (2007)",
)
def unrelated_variety(
    m: ActivityMatrix, groups: Groups, *, unmapped: Literal["error", "drop"] = "error"
) -> pd.Series:
    r"""Unrelated variety of each region: the entropy of its distribution over the groups
    (the coarse level of the classification, e.g. NACE sections or 2-digit sectors).

    Parameters
    ----------
    m : ActivityMatrix
        Values by detailed activity (e.g. 4- or 5-digit codes).
    groups : mapping, Series, callable or int
        The group of each activity, as in :meth:`ActivityMatrix.aggregate`: a
        ``{activity: group}`` mapping or Series, a function of the code, or ``k`` for the first
        ``k`` characters of the code.
    unmapped : {"error", "drop"}
        Refuse activities without a group, or leave them out (the shares are then of the
        grouped activities' total).

    Raises
    ------
    ValidationError
        When an activity has no group (with ``unmapped="error"``) or there is only one group.

    Returns
    -------
    pandas.Series
        ``unrelated_variety`` in bits, index ``(period, region)``, in :math:`[0, \log_2 G]`.
        NaN (with a warning) where the region's total is 0.

    Notes
    -----
    .. math:: UV_r = \sum_g P_g \log_2 \frac{1}{P_g}, \qquad P_g = \sum_{i \in g} p_i

    with :math:`p_i` the region's share in detailed activity ``i``. With related variety it
    decomposes the entropy at the detailed level: :math:`E = UV + RV` (Theil 1972).

    References
    ----------
    Frenken, K., Van Oort, F., & Verburg, T. (2007). Related variety, unrelated variety and
    regional economic growth. Regional Studies, 41(5), 685-697.
    doi:10.1080/00343400601120296

    Theil, H. (1972). Statistical Decomposition Analysis. North-Holland, Amsterdam.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 2, 0], [1, 3, 0, 0]], regions=["A", "B"],
    ...                               activities=["C10", "C11", "F41", "F42"])
    >>> unrelated_variety(m, groups=1).tolist()
    [1.0, 0.0]

    Every activity needs a group:

    >>> unrelated_variety(m, groups={"C10": "C", "C11": "C"})
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: the activity mapping does not cover every activity; ...
    """
    _, P, _ = _variety(m, groups, unmapped)
    UV = _entropy(P, 2.0)
    _warn_empty_regions(m, P, "unrelated_variety")
    return labels.by_region(m, UV, "unrelated_variety")


@register(
    "related_variety",
    level="region",
    summary="Related variety (entropy within groups, bits; needs groups=)",
    reference="Frenken, Van Oort & Verburg (2007)",
)
def related_variety(
    m: ActivityMatrix, groups: Groups, *, unmapped: Literal["error", "drop"] = "error"
) -> pd.Series:
    r"""Related variety of each region: the weighted mean entropy *within* the groups of the
    classification (variety among activities that share a group).

    Parameters
    ----------
    m : ActivityMatrix
        Values by detailed activity.
    groups : mapping, Series, callable or int
        The group of each activity, as in :func:`unrelated_variety`.
    unmapped : {"error", "drop"}
        As in :func:`unrelated_variety`.

    Returns
    -------
    pandas.Series
        ``related_variety`` in bits, index ``(period, region)``, :math:`\geq 0`. NaN (with a
        warning) where the region's total is 0.

    Notes
    -----
    .. math:: RV_r = \sum_g P_g H_g, \qquad
              H_g = \sum_{i \in g} \frac{p_i}{P_g} \log_2 \frac{P_g}{p_i}

    (Frenken et al. 2007), so that the detailed entropy is
    :math:`E = \sum_i p_i \log_2 (1/p_i) = UV + RV`.

    References
    ----------
    Frenken, K., Van Oort, F., & Verburg, T. (2007). Related variety, unrelated variety and
    regional economic growth. Regional Studies, 41(5), 685-697.
    doi:10.1080/00343400601120296

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 2, 0], [1, 3, 0, 0]], regions=["A", "B"],
    ...                               activities=["C10", "C11", "F41", "F42"])
    >>> related_variety(m, groups=1)
    period  region
    all     A         0.500000
            B         0.811278
    Name: related_variety, dtype: float64
    """
    p, P, member = _variety(m, groups, unmapped)
    P_of = P @ member.T  # (P, R, A): the share of each activity's group
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(P_of > 0, p / P_of, 0.0)  # p_i / P_g; 0 in an empty group
    RV = 0.0 - np.sum(np.nan_to_num(P_of) * _plogp(within), axis=2) / np.log(2.0)
    RV[np.isnan(P).any(axis=2)] = np.nan
    _warn_empty_regions(m, P, "related_variety")
    return labels.by_region(m, RV, "related_variety")
