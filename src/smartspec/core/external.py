"""External validity: how a regional score correlates with an outside series, period by period.

The usual check of an Economic Complexity Index is that it ranks regions like their income
(Hidalgo & Hausmann 2009). :func:`external_validity` reports, for each period of the scores, the
rank (or linear) correlation with an external series such as GDP per head, with a confidence
interval and a p-value, and says which year of the series was used when it lacks the score's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np
import pandas as pd

from .errors import ValidationError, format_examples

__all__ = ["correlation_interval", "external_validity"]

Method = Literal["spearman", "pearson"]
COLUMNS = ["period", "series_period", "n", "rho", "low", "high", "p_value", "reason"]
#: The interval needs ``n - 3 > 0`` and a correlation needs variation: at least this many pairs.
MIN_PAIRS = 4


def _as_series(data: pd.Series | pd.DataFrame, column: str | None, what: str) -> pd.Series:
    """A numeric Series indexed by (period, region), or by region (same value every period)."""
    if isinstance(data, pd.DataFrame):
        frame = data
        if {"period", "region"} <= set(frame.columns):
            frame = frame.set_index(["period", "region"])
        elif "region" in frame.columns:
            frame = frame.set_index("region")
        if column is None:
            numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
            if len(numeric) != 1:
                raise ValidationError(
                    f"which column of the {what} table holds the values?",
                    expected="a table with period, region and one value column, or the column "
                    "named",
                    found=f"value columns {format_examples([str(c) for c in numeric])}",
                    fix=f"pass {what}_column='...' (e.g. 'eci' or 'gdp_per_head')",
                )
            column = numeric[0]
        if column not in frame.columns:
            raise ValidationError(
                f"column {column!r} is not in the {what} table",
                expected=f"one of {format_examples([str(c) for c in frame.columns])}",
                found=repr(column),
            )
        data = frame[column]
    if not isinstance(data, pd.Series):
        raise ValidationError(
            f"{what} must be a pandas Series or DataFrame",
            expected="a Series indexed by (period, region), or a table with period and region "
            "columns",
            found=type(data).__name__,
        )
    if data.index.nlevels > 2:
        raise ValidationError(
            f"{what} index has too many levels",
            expected="(period, region) or region",
            found=f"{data.index.nlevels} levels",
        )
    values = pd.to_numeric(data, errors="coerce").astype(np.float64)
    if values.index.has_duplicates:
        dup = values.index[values.index.duplicated()]
        raise ValidationError(
            f"{what} has repeated keys",
            expected="one value per (period, region)",
            found=f"repeated {format_examples([str(k) for k in dup])}",
        )
    return values


def _nearest(period: Hashable, available: list[Hashable]) -> Hashable | None:
    """The available period closest to ``period`` (the earlier one on a tie); None if none.

    Non-numeric periods only match themselves.
    """
    if period in available:
        return period
    try:
        target = float(period)  # type: ignore[arg-type]
        numeric = [(abs(float(p) - target), float(p), p) for p in available]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not numeric:
        return None
    return min(numeric, key=lambda t: (t[0], t[1]))[2]


def correlation_interval(
    x: np.ndarray | pd.Series,
    y: np.ndarray | pd.Series,
    *,
    method: Method = "spearman",
    level: float = 0.95,
) -> tuple[int, float, float, float, float, str]:
    """Correlation of two paired samples with a Fisher-z interval and a two-sided p-value.

    Pairs with a NaN in either sample are dropped.

    Parameters
    ----------
    x, y : array-like
        Paired samples of equal length.
    method : {"spearman", "pearson"}
    level : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    tuple
        ``(n, rho, low, high, p_value, reason)``: the number of complete pairs, the
        correlation, the interval, the p-value, and ``""`` or why the values are NaN (fewer
        than 4 pairs, or a sample without variation).

    See Also
    --------
    external_validity : the same, period by period, for scores and series by region.

    Examples
    --------
    >>> n, rho, low, high, p, reason = correlation_interval([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> n, round(rho, 3), round(low, 3), round(high, 3), round(p, 3), reason
    (5, 0.8, -0.457, 0.991, 0.104, '')
    >>> correlation_interval([1, 2, 3], [3, 2, 1])[-1]
    'fewer than 4 regions with both values (3)'
    """
    from scipy import stats  # imported here: scipy.stats costs 0.4 s to load

    _check_options(method, level)
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValidationError(
            "x and y must be paired 1-d samples",
            expected="two sequences of the same length",
            found=f"shapes {a.shape} and {b.shape}",
        )
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    nan = float("nan")
    if n < MIN_PAIRS:
        return n, nan, nan, nan, nan, f"fewer than {MIN_PAIRS} regions with both values ({n})"
    if method == "spearman":
        a, b = stats.rankdata(a), stats.rankdata(b)  # average ranks for ties
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return n, nan, nan, nan, nan, "no variation in the score or the series"
    rho = float(np.clip(np.corrcoef(a, b)[0, 1], -1.0, 1.0))
    # two-sided test of rho = 0 with t = r sqrt((n - 2) / (1 - r^2)), n - 2 df (scipy's rule)
    if abs(rho) == 1.0:
        p_value = 0.0
    else:
        t = rho * np.sqrt((n - 2) / (1.0 - rho * rho))
        p_value = float(2.0 * stats.t.sf(abs(t), n - 2))
    if method == "spearman":
        se = np.sqrt((1.0 + rho * rho / 2.0) / (n - 3))  # Bonett & Wright (2000)
    else:
        se = 1.0 / np.sqrt(n - 3)  # Fisher (1921)
    q = float(stats.norm.ppf(0.5 + level / 2.0))
    with np.errstate(divide="ignore"):
        z = np.arctanh(rho)
    low, high = float(np.tanh(z - q * se)), float(np.tanh(z + q * se))
    return n, rho, low, high, p_value, ""


def _check_options(method: str, level: float) -> None:
    if method not in ("spearman", "pearson"):
        raise ValidationError(
            f"unknown correlation method {method!r}",
            expected="'spearman' or 'pearson'",
            found=repr(method),
        )
    if not (isinstance(level, int | float) and 0.0 < float(level) < 1.0):
        raise ValidationError(
            "the confidence level must lie strictly between 0 and 1",
            expected="e.g. level=0.95",
            found=repr(level),
        )


def external_validity(
    scores: pd.Series | pd.DataFrame,
    series: pd.Series | pd.DataFrame,
    *,
    score_column: str | None = None,
    series_column: str | None = None,
    method: Method = "spearman",
    level: float = 0.95,
    max_gap: float | None = None,
) -> pd.DataFrame:
    """Correlation of regional scores with an external series, per period, with an interval.

    Parameters
    ----------
    scores : pandas.Series or pandas.DataFrame
        A Series indexed by ``(period, region)`` (e.g. ``complexity(m).eci``), or a table with
        ``period`` and ``region`` columns (e.g. ``analyse(m).regions``, with
        ``score_column="eci"``). NaN scores (regions left out of the ECI) are dropped.
    series : pandas.Series or pandas.DataFrame
        The external series, the same way (e.g. ``smartspec.datasets.context(name)`` with
        ``series_column="gdp_per_head"``). A Series or table indexed by region alone is used
        for every period.
    score_column, series_column : str, optional
        The value column of a table; needed when it has more than one numeric column.
    method : {"spearman", "pearson"}
        Rank correlation (default) or linear correlation.
    level : float
        Confidence level of the interval (default 0.95).
    max_gap : float, optional
        When the series lacks a score period, the nearest period of the series is used (the
        earlier one on a tie); with ``max_gap``, only if it is at most this many periods away.

    Returns
    -------
    pandas.DataFrame
        One row per score period: ``period``, ``series_period`` (the period of the series
        used; ``None`` for a series without periods), ``n`` (regions with both values),
        ``rho``, ``low``, ``high`` (the interval), ``p_value`` (two-sided, against 0), and
        ``reason`` (``""``, or why the row is NaN: fewer than 4 regions, no variation, no
        period of the series close enough).

    Raises
    ------
    smartspec.ValidationError
        For an unknown method, a level outside (0, 1), a table without a clear value column,
        or repeated (period, region) keys.

    Notes
    -----
    With :math:`n` complete pairs and correlation :math:`r` (Pearson's on the values, or on
    their average ranks for Spearman, so ties are handled as in ``scipy.stats.spearmanr``),
    the interval is built on Fisher's :math:`z = \\operatorname{artanh}(r)`:

    .. math:: \\tanh\\left(z \\pm z_{(1+\\ell)/2}\\, \\sigma_z\\right), \\qquad
              \\sigma_z = \\sqrt{\\frac{1 + r^2/2}{n - 3}}\\ \\text{(Spearman)}, \\qquad
              \\sigma_z = \\frac{1}{\\sqrt{n - 3}}\\ \\text{(Pearson)}

    where :math:`\\ell` is ``level``; the Spearman standard error is Bonett & Wright's
    (2000), which keeps the coverage close to nominal where :math:`1/\\sqrt{n-3}` is too
    narrow. The p-value is the two-sided t test with :math:`t = r\\sqrt{(n-2)/(1-r^2)}` and
    :math:`n - 2` degrees of freedom (the test ``scipy.stats.spearmanr`` and ``pearsonr``
    report).

    References
    ----------
    Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from
    a small sample. Metron, 1, 3-32.

    Bonett, D. G., & Wright, T. A. (2000). Sample size requirements for estimating Pearson,
    Kendall and Spearman correlations. Psychometrika, 65(1), 23-28. doi:10.1007/BF02294183

    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. PNAS,
    106(26), 10570-10575. doi:10.1073/pnas.0900943106

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[2010], list("ABCDEF")], names=["period", "region"])
    >>> eci = pd.Series([1.2, 0.4, -0.1, 0.3, -1.0, float("nan")], index=idx)
    >>> gdp = pd.DataFrame({"period": 2011, "region": list("ABCDEF"),
    ...                     "gdp_per_head": [50.0, 30.0, 20.0, 35.0, 10.0, 5.0]})
    >>> out = external_validity(eci, gdp, series_column="gdp_per_head")
    >>> out[["period", "series_period", "n"]].to_dict("records")
    [{'period': 2010, 'series_period': 2011, 'n': 5}]
    >>> round(float(out.loc[0, "rho"]), 3)  # B and D swap places: 1 - 6 * 2 / (5 * 24)
    0.9
    """
    _check_options(method, level)
    score = _as_series(scores, score_column, "score")
    ext = _as_series(series, series_column, "series")
    if score.index.nlevels == 1:
        score = pd.concat({"all": score}, names=["period", "region"])
    score_periods = list(dict.fromkeys(score.index.get_level_values(0)))
    by_period = ext.index.nlevels == 2
    if by_period:
        present = ext.dropna()
        ext_periods = list(dict.fromkeys(present.index.get_level_values(0)))
    rows = []
    for period in score_periods:
        s = score.xs(period, level=0)
        reason = ""
        if by_period:
            used = _nearest(period, ext_periods)
            if used is not None and max_gap is not None and used != period:
                try:
                    gap = abs(float(used) - float(period))  # type: ignore[arg-type]
                except (TypeError, ValueError):
                    gap = float("inf")
                if gap > max_gap:
                    reason = f"nearest period of the series ({used}) is more than {max_gap} away"
                    used = None
            if used is None and not reason:
                reason = "the series has no period to compare with"
            e = ext.xs(used, level=0) if used is not None else pd.Series(dtype=np.float64)
        else:
            used, e = None, ext
        joined = pd.concat([s.rename("score"), e.rename("series")], axis=1, join="inner")
        if reason:
            n, rho, low, high, p = 0, *([float("nan")] * 4)
        else:
            n, rho, low, high, p, reason = correlation_interval(
                joined["score"].to_numpy(),
                joined["series"].to_numpy(),
                method=method,
                level=level,
            )
        rows.append(
            {
                "period": period,
                "series_period": used,
                "n": n,
                "rho": rho,
                "low": low,
                "high": high,
                "p_value": p,
                "reason": reason,
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["n"] = out["n"].astype(np.int64)
    return out
