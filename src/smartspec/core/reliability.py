"""How far an RCA can be trusted when it rests on small counts.

An RCA of 2.4 built on 3 participations says little: one project more or less moves it across
1. Treating the cell's count as Poisson gives an interval for the RCA; a cell is *reliable* when
its count is large, or when that interval lies wholly on one side of the presence threshold (the
cell is clearly specialised, or clearly not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ValidationError
from .matrix import ActivityMatrix

__all__ = ["DEFAULT_MIN_COUNT", "rca_bounds", "rca_reliability"]

#: A cell with at least this many counted units is reliable whatever its interval.
DEFAULT_MIN_COUNT = 20


def _check(count_unit: float | None, level: float, min_count: float) -> None:
    if count_unit is not None and not (np.isfinite(count_unit) and count_unit > 0):
        raise ValidationError(
            "count_unit must be a positive number",
            expected="how many counted units one unit of value is (1 for persons, 1000 for "
            "thousand persons), or None when the values are not counts",
            found=repr(count_unit),
        )
    if not 0 < level < 1:
        raise ValidationError(
            "the interval level must be between 0 and 1", expected="e.g. 0.95", found=repr(level)
        )
    if not (np.isfinite(min_count) and min_count >= 0):
        raise ValidationError(
            "min_count must be a non-negative number", expected="e.g. 20", found=repr(min_count)
        )


def rca_bounds(
    values: np.ndarray,
    *,
    count_unit: float | None = 1.0,
    level: float = 0.95,
    threshold: float = 1.0,
    min_count: float = DEFAULT_MIN_COUNT,
    missing: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson interval of each RCA of one period, and whether the cell is reliable.

    With :math:`n_{ra} = x_{ra} u` counted units (``u = count_unit``) treated as Poisson with
    mean :math:`\\mu_{ra}`, the exact (Garwood 1936) interval for :math:`\\mu` is
    :math:`[\\chi^2_{\\alpha/2}(2n)/2,\\ \\chi^2_{1-\\alpha/2}(2n+2)/2]`. The region and activity
    totals are large next to one cell and are held fixed, so

    .. math:: \\mathrm{RCA}_{ra} \\in [\\mu^-, \\mu^+] \\frac{X}{u\\,X_r X_a}.

    A cell is reliable when :math:`n_{ra} \\ge` ``min_count`` or the interval excludes the
    presence threshold (Balland 2017 and Kogler et al. 2017 drop or flag such small cells in
    relatedness work; the Poisson rule follows the small-area practice of statistical offices).

    Parameters
    ----------
    values : numpy.ndarray
        ``(regions, activities)`` values of one period (missing cells as 0).
    count_unit : float or None
        Counted units per unit of value: 1 for persons or projects, 1000 for thousands of
        persons. ``None`` when the values are not counts (trade in dollars): no interval is
        computed and every cell with data counts as reliable.
    level : float
        Coverage of the interval.
    threshold : float
        The presence threshold the interval is compared with.
    min_count : float
        Counted units from which a cell is reliable whatever its interval.
    missing : numpy.ndarray, optional
        Boolean ``(regions, activities)``: missing cells (never reliable; bounds NaN).

    Returns
    -------
    low, high : numpy.ndarray
        The RCA interval (NaN where a total is zero, the cell is missing, or without
        ``count_unit``).
    reliable : numpy.ndarray
        Boolean.

    Examples
    --------
    Three participations in a region of 300, in an activity of 1,000 out of 250,000: RCA 2.5,
    but the interval reaches below 1, so the cell is not reliable; thirty give the same RCA,
    reliably.

    >>> x = np.array([[3.0, 297.0], [997.0, 248703.0]])
    >>> low, high, ok = rca_bounds(x)
    >>> round(float(x[0, 0] / 300 / (1000 / 250000)), 2), round(float(low[0, 0]), 2), bool(ok[0, 0])
    (2.5, 0.52, False)
    >>> bool(rca_bounds(x * 10)[2][0, 0])
    True
    """
    _check(count_unit, level, min_count)
    x = np.asarray(values, dtype=np.float64)
    gone = np.zeros(x.shape, dtype=bool) if missing is None else np.asarray(missing, dtype=bool)
    nan = np.full(x.shape, np.nan)
    if count_unit is None:
        return nan, nan.copy(), ~gone
    n = np.round(x * count_unit)
    total = x.sum()
    rt = x.sum(axis=1, keepdims=True)
    at = x.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = total / (count_unit * rt * at)
    alpha = 1.0 - level
    mu_low = np.where(n > 0, stats.chi2.ppf(alpha / 2, 2 * n) / 2, 0.0)
    mu_high = stats.chi2.ppf(1 - alpha / 2, 2 * n + 2) / 2
    ok = np.isfinite(scale) & ~gone
    with np.errstate(invalid="ignore"):
        low, high = mu_low * scale, mu_high * scale
    low, high = np.where(ok, low, np.nan), np.where(ok, high, np.nan)
    reliable = ok & ((n >= min_count) | (low > threshold) | (high < threshold))
    return low, high, reliable


def rca_reliability(
    m: ActivityMatrix,
    *,
    count_unit: float | None = 1.0,
    level: float = 0.95,
    threshold: float = 1.0,
    min_count: float = DEFAULT_MIN_COUNT,
) -> pd.DataFrame:
    """The RCA interval and reliability mark of every cell, for every period.

    See :func:`rca_bounds` for the formula.

    Parameters
    ----------
    m : ActivityMatrix
        Region x activity values; missing cells are never reliable.
    count_unit, level, threshold, min_count
        As in :func:`rca_bounds`.

    Returns
    -------
    pandas.DataFrame
        ``period, region, activity, rca_low, rca_high, reliable``, every cell of the grid.

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> table = rca_reliability(toy())
    >>> list(table.columns), len(table) == 2 * 6 * 5
    (['period', 'region', 'activity', 'rca_low', 'rca_high', 'reliable'], True)
    """
    from ._labels import long_cells

    _check(count_unit, level, min_count)
    values, gone = m.to_dense(), m.missing_mask()
    parts = [
        rca_bounds(
            values[p],
            count_unit=count_unit,
            level=level,
            threshold=threshold,
            min_count=min_count,
            missing=gone[p],
        )
        for p in range(m.n_periods)
    ]
    low, high, ok = (np.stack(x) for x in zip(*parts, strict=True))
    return long_cells(m, {"rca_low": low, "rca_high": high, "reliable": ok})
