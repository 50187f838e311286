"""Private helpers of the concentration measures (:mod:`smartspec.core.concentration`): shares,
entropy and Lorenz curves of distributions along an axis, reference sizes, and the notices that
name where a value is undefined."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from . import _labels as labels
from ._steps import population_array
from .errors import ValidationError, format_examples, notify
from .matrix import ActivityMatrix

Axis: TypeAlias = Literal["region", "activity"]
#: What a distribution over regions is compared with: the regions' totals, equal shares, or a
#: size per region.
Reference: TypeAlias = Literal["total", "equal"] | pd.Series
#: The group of each activity: a mapping, a Series, a function of the code, or a prefix length.
Groups: TypeAlias = Mapping[Hashable, Hashable] | pd.Series | Callable[[Any], Hashable] | int

_AXES = ("region", "activity")


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(
            f"unknown {name}",
            expected=f"one of {', '.join(repr(a) for a in allowed)}",
            found=repr(value),
        )


def _warn_undefined(
    m: ActivityMatrix, undefined: np.ndarray, level: str, what: str, reason: str
) -> None:
    """Warn once about the ``(period, label)`` pairs where ``what`` is NaN, and why."""
    if not undefined.any():
        return
    pairs = _pairs(m, undefined, level)
    notify(
        f"{what} is NaN for {len(pairs)} (period, {level}) pair(s) where {reason}: "
        f"{format_examples(pairs)}",
        stacklevel=3,
    )


def _pairs(m: ActivityMatrix, mask: np.ndarray, level: str) -> list[tuple[Any, Any]]:
    """The ``(period, label)`` pairs where ``mask`` (periods, units) is True, as plain Python."""
    index = m.regions if level == "region" else m.activities
    p_pos, i_pos = np.nonzero(mask)
    periods, units = m.periods.take(p_pos), index.take(i_pos)
    return [(_plain(p), _plain(u)) for p, u in zip(periods, units, strict=True)]


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _by_axis(m: ActivityMatrix, axis: str) -> np.ndarray:
    """The values as ``(periods, units, parts)``: the distribution of each unit along the last
    axis (a region over activities for ``"region"``, an activity over regions for
    ``"activity"``)."""
    _choice("axis", axis, _AXES)
    X = m.to_dense()
    return X if axis == "region" else X.transpose(0, 2, 1)


def _label(m: ActivityMatrix, axis: str, arr: np.ndarray, name: str) -> pd.Series:
    return (labels.by_region if axis == "region" else labels.by_activity)(m, arr, name)


def _shares(X: np.ndarray, axis: int = -1) -> np.ndarray:
    """Each value over its total along ``axis``; NaN where the total is 0 (0/0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return X / X.sum(axis=axis, keepdims=True)


def _plogp(p: np.ndarray) -> np.ndarray:
    """``p ln p`` elementwise, with ``0 ln 0 = 0`` and NaN kept."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p > 0, p * np.log(p), 0.0)
    return np.where(np.isnan(p), np.nan, out)


def _entropy(p: np.ndarray, base: float) -> np.ndarray:
    """Shannon entropy of shares ``p`` along the last axis (``0 ln 0 = 0``; +0.0, never -0.0)."""
    return 0.0 - np.sum(_plogp(p), axis=-1) / np.log(base)


def _lorenz(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """Lorenz (Hoover) curve along the last axis: units ordered by ``values / weights``
    ascending (ties and 0/0 kept in label order, 0/0 last), with the cumulative weight shares
    ``X`` and value shares ``Y``. Returns ``order, ratio, X, Y`` (sorted)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = values / weights
    order = np.argsort(ratio, axis=-1, kind="stable")
    v = np.take_along_axis(values, order, axis=-1)
    w = np.take_along_axis(weights, order, axis=-1)
    X = np.cumsum(_shares(w), axis=-1)
    Y = np.cumsum(_shares(v), axis=-1)
    return order, np.take_along_axis(ratio, order, axis=-1), X, Y


def _lorenz_gini(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Twice the area between the diagonal and the Lorenz curve of ``values`` against
    ``weights`` (last axis): ``sum_i dX_i ((X_i - Y_i) + (X_{i-1} - Y_{i-1}))``, the trapezoid
    rule written so that a proportional distribution gives exactly 0."""
    _, _, X, Y = _lorenz(values, weights)
    gap = X - Y
    zero = np.zeros_like(gap[..., :1])
    dX = np.diff(X, axis=-1, prepend=zero)
    return np.sum(dX * (gap + np.concatenate([zero, gap[..., :-1]], axis=-1)), axis=-1)


def _reference(m: ActivityMatrix, reference: Reference) -> np.ndarray:
    """Reference size of every region, ``(periods, regions)``; NaN where a Series lacks one."""
    if isinstance(reference, pd.Series | pd.DataFrame):
        return population_array(m, reference)
    _choice("reference", reference, ("total", "equal"))
    if reference == "total":
        return m.to_dense().sum(axis=2)
    return np.ones((m.n_periods, m.n_regions))


def _warn_reference(m: ActivityMatrix, ref: np.ndarray, what: str) -> None:
    missing = np.isnan(ref)
    if missing.any():
        pairs = format_examples(_pairs(m, missing, "region"))
        notify(
            f"{what} is NaN in every period where the reference misses a region (a share of "
            f"the reference is undefined): (period, region) {pairs}",
            stacklevel=3,
        )
