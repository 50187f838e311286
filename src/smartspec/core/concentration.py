r"""Specialisation and concentration: Hoover, Krugman, Herfindahl, entropy, Gini, symmetric RCA,
related and unrelated variety.

Every function takes an :class:`~smartspec.ActivityMatrix` and works on all periods at once.
Region results are Series indexed by ``(period, region)``, activity results Series indexed by
``(period, activity)``, cell results DataFrames indexed by ``(period, region)`` with one column
per activity. Values are continuous and unrounded.

Which distribution each measure describes:

* *specialisation of a region*: how its total is spread over activities (``krugman``, and
  ``herfindahl`` / ``entropy`` / ``gini`` with ``axis="region"``, related and unrelated variety);
* *concentration of an activity*: how its total is spread over regions (``hoover``,
  ``locational_gini``, and ``herfindahl`` / ``entropy`` / ``gini`` with ``axis="activity"``).

A value that is not defined (a region or activity with a zero total: 0/0) is NaN, never 0, and
the function warns with :class:`~smartspec.SmartSpecWarning` naming the ``(period, label)`` pairs
and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _labels as labels
from ._distribution import (
    Axis,
    Reference,
    _by_axis,
    _choice,
    _entropy,
    _label,
    _lorenz,
    _lorenz_gini,
    _reference,
    _shares,
    _warn_reference,
    _warn_undefined,
)
from ._distribution import Groups as Groups
from ._kernels import rca as _rca
from ._variety import related_variety, unrelated_variety
from .catalogue import register
from .errors import UnknownActivityError, ValidationError, format_examples
from .matrix import ActivityMatrix

__all__ = [
    "entropy",
    "gini",
    "herfindahl",
    "hoover",
    "hoover_curve",
    "krugman",
    "locational_gini",
    "related_variety",
    "symmetric_rca",
    "unrelated_variety",
]


# ----------------------------------------------------------------------------- Hoover
@register(
    "hoover",
    level="activity",
    summary="Hoover coefficient of localisation (0-1)",
    reference="Hoover (1936)",
)
def hoover(m: ActivityMatrix, *, reference: Reference = "total") -> pd.Series:
    r"""Hoover coefficient of localisation of each activity.

    Half the sum of the absolute differences between the activity's regional shares and the
    regions' shares of a reference: the fraction of the activity that would have to move for it
    to be spread like the reference. 0 when it is spread exactly like the reference, close to 1
    when it sits in regions that hold almost none of the reference.

    Parameters
    ----------
    m : ActivityMatrix
    reference : {"total", "equal"} or pandas.Series
        What the activity is compared with: the regions' totals over all activities
        (``"total"``, Hoover's coefficient of localisation, the default); the same share for
        every region (``"equal"``, EconGeo's ``hoover_index(mat)`` without ``pop``); or a
        positive size per region (population), indexed by region or by ``(period, region)``
        (EconGeo's ``hoover_index(mat, pop)``).

    Returns
    -------
    pandas.Series
        ``hoover``, index ``(period, activity)``, in [0, 1]. NaN (with a warning) where the
        activity's total is 0, or, in a whole period, where the reference misses a region.

    Notes
    -----
    .. math:: HC_a = \frac{1}{2} \sum_r \left| \frac{x_{ra}}{x_{\cdot a}} -
              \frac{e_r}{e_\cdot} \right|, \qquad e_r = x_{r\cdot} \text{ (default)}

    It is also the largest vertical distance between the diagonal and the Hoover curve
    (:func:`hoover_curve`). EconGeo reports it times 100, rounded to two decimals.

    References
    ----------
    Hoover, E. M. (1936). The measurement of industrial localization. The Review of Economics
    and Statistics, 18(4), 162-171. doi:10.2307/1927875

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[3, 1], [1, 3]], regions=["A", "B"],
    ...                               activities=["x", "y"])
    >>> hoover(m)
    period  activity
    all     x           0.25
            y           0.25
    Name: hoover, dtype: float64

    Against population: region B holds 3/4 of the population but 3/4 of y, 1/4 of x.

    >>> hoover(m, reference=pd.Series({"A": 1.0, "B": 3.0})).tolist()
    [0.5, 0.0]
    """
    X = m.to_dense()
    ref = _reference(m, reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.abs(_shares(X, axis=1) - _shares(ref, axis=1)[:, :, None])
    out = 0.5 * gap.sum(axis=1)
    _warn_reference(m, ref, "hoover")
    _warn_undefined(m, X.sum(axis=1) == 0, "activity", "hoover", "the activity's total is 0")
    return labels.by_activity(m, out, "hoover")


def hoover_curve(
    m: ActivityMatrix,
    activity: Hashable,
    *,
    period: Hashable | None = None,
    reference: Reference = "total",
) -> pd.DataFrame:
    r"""The Hoover (localisation) curve of one activity in one period, for charting.

    Regions are ordered by their location quotient against the reference (ascending); the
    curve joins ``(0, 0)`` to the points (cumulative reference share, cumulative activity share).
    It lies on the diagonal when the activity is spread like the reference and sags below it
    the more the activity is localised.

    Parameters
    ----------
    m : ActivityMatrix
    activity : label
        The activity.
    period : label, optional
        The period (may be omitted when there is only one).
    reference : {"total", "equal"} or pandas.Series
        As in :func:`hoover`.

    Returns
    -------
    pandas.DataFrame
        One row per region, in curve order, columns ``region``, ``value`` (the activity's value),
        ``reference`` (the region's reference size), ``quotient`` (activity share over reference
        share; NaN where both are 0), ``cumulative_reference`` (x) and ``cumulative_activity``
        (y). Prepend ``(0, 0)`` to draw it.

    Raises
    ------
    UnknownActivityError, UnknownPeriodError
        For a label that is not in the matrix.

    Notes
    -----
    .. math:: X_k = \sum_{i \le k} \frac{e_{(i)}}{e_\cdot}, \qquad
              Y_k = \sum_{i \le k} \frac{x_{(i)a}}{x_{\cdot a}}, \qquad
              \frac{x_{(1)a}}{e_{(1)}} \le \frac{x_{(2)a}}{e_{(2)}} \le \dots

    :math:`\max_k (X_k - Y_k)` is the Hoover coefficient (:func:`hoover`); twice the area
    between the curve and the diagonal is the locational Gini (:func:`locational_gini`).

    References
    ----------
    Hoover, E. M. (1936). The measurement of industrial localization. The Review of Economics
    and Statistics, 18(4), 162-171. doi:10.2307/1927875

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[3, 1], [1, 3]], regions=["A", "B"],
    ...                               activities=["x", "y"])
    >>> hoover_curve(m, "x")
      region  value  reference  quotient  cumulative_reference  cumulative_activity
    0      B    1.0        4.0       0.5                   0.5                 0.25
    1      A    3.0        4.0       1.5                   1.0                 1.00
    """
    p = m.period_position(period)
    a = m._positions(m.activities, [activity], UnknownActivityError, "activity")[0]
    values = m.to_dense()[p, :, a]
    ref = _reference(m, reference)[p]
    if np.isnan(ref).any() or values.sum() == 0:
        raise ValidationError(
            "the Hoover curve is not defined",
            where=f"activity {activity!r}, period {m.periods[p]!r}",
            expected="an activity with a non-zero total and a reference size for every region",
            found="a zero total"
            if values.sum() == 0
            else "no reference for " + format_examples(list(m.regions[np.isnan(ref)])),
        )
    scale = ref.sum() / values.sum()
    order, ratio, X, Y = _lorenz(values, ref)
    return pd.DataFrame(
        {
            "region": m.regions.take(order),
            "value": values[order],
            "reference": ref[order],
            "quotient": ratio * scale,
            "cumulative_reference": X,
            "cumulative_activity": Y,
        }
    )


# ----------------------------------------------------------------------------- Krugman
@register(
    "krugman",
    level="region",
    summary="Krugman specialisation index (0-2)",
    reference="Krugman (1991)",
)
def krugman(m: ActivityMatrix, *, reference: Literal["total", "rest"] = "total") -> pd.Series:
    r"""Krugman specialisation index (dissimilarity index) of each region.

    The sum of the absolute differences between the region's activity shares and those of a
    reference economy: 0 when the region has the reference's structure, up to 2 when they share
    no activity.

    Parameters
    ----------
    m : ActivityMatrix
    reference : {"total", "rest"}
        The reference structure: all regions together, the region included (``"total"``, as
        EconGeo's ``krugman_index`` and most S3 diagnostics), or all *other* regions
        (``"rest"``, as Midelfart-Knarvik et al. 2000 compare each country with the rest of the
        EU). ``"rest"`` is larger for large regions, which pull the total towards themselves.
        Krugman (1991) himself compares pairs of regions (his index of regional divergence);
        ``"rest"`` is that comparison with the union of the other regions.

    Returns
    -------
    pandas.Series
        ``krugman``, index ``(period, region)``, in [0, 2]. NaN (with a warning) where the region
        has a zero total, or for ``"rest"`` where no other region has any activity.

    Notes
    -----
    .. math:: K_r = \sum_a \left| \frac{x_{ra}}{x_{r\cdot}} - \frac{x_{\cdot a}}{x_{\cdot\cdot}}
              \right| \quad\text{or, against the rest,}\quad
              K_r = \sum_a \left| \frac{x_{ra}}{x_{r\cdot}} -
              \frac{x_{\cdot a} - x_{ra}}{x_{\cdot\cdot} - x_{r\cdot}} \right|

    References
    ----------
    Krugman, P. (1991). Geography and Trade. MIT Press, Cambridge MA.

    Midelfart-Knarvik, K. H., Overman, H. G., Redding, S. J., & Venables, A. J. (2000). The
    location of European industry. European Commission, Economic Papers 142.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[3, 1], [1, 1], [0, 2]], regions=["A", "B", "C"],
    ...                               activities=["x", "y"])
    >>> krugman(m)
    period  region
    all     A         0.5
            B         0.0
            C         1.0
    Name: krugman, dtype: float64
    >>> krugman(m, reference="rest").round(4).tolist()
    [1.0, 0.0, 1.3333]
    """
    _choice("reference", reference, ("total", "rest"))
    X = m.to_dense()
    own = _shares(X)
    if reference == "total":
        base = _shares(X.sum(axis=1, keepdims=True))
        rest_empty = np.zeros(X.shape[:2], dtype=bool)
    else:
        base = _shares(X.sum(axis=1, keepdims=True) - X)
        rest_empty = (X.sum(axis=(1, 2))[:, None] - X.sum(axis=2)) == 0
    out = np.abs(own - base).sum(axis=2)
    empty = X.sum(axis=2) == 0
    _warn_undefined(m, empty, "region", "krugman", "the region's total is 0")
    _warn_undefined(
        m,
        rest_empty & ~empty,
        "region",
        "krugman",
        "no other region has any activity (reference='rest')",
    )
    return labels.by_region(m, out, "krugman")


# ----------------------------------------------------------------------------- Herfindahl
def herfindahl(m: ActivityMatrix, *, axis: Axis = "region", normalise: bool = False) -> pd.Series:
    r"""Herfindahl(-Hirschman) index: the sum of squared shares.

    With ``axis="region"`` it measures how concentrated each region is on few activities
    (EconGeo's ``herfindahl``); with ``axis="activity"`` how concentrated each activity is in few
    regions.

    Parameters
    ----------
    m : ActivityMatrix
    axis : {"region", "activity"}
        Whose distribution: a region's over the activities, or an activity's over the regions.
    normalise : bool
        Rescale to [0, 1] by :math:`(H - 1/n) / (1 - 1/n)`, ``n`` the number of activities
        (regions) in the matrix, zeros included.

    Returns
    -------
    pandas.Series
        ``herfindahl``, index ``(period, region)`` or ``(period, activity)``, in [1/n, 1]
        (in [0, 1] when normalised). NaN (with a warning) where the total is 0.

    Notes
    -----
    .. math:: H_r = \sum_a s_{ra}^2, \quad s_{ra} = \frac{x_{ra}}{x_{r\cdot}}; \qquad
              H^*_r = \frac{H_r - 1/n}{1 - 1/n}

    References
    ----------
    Hirschman, A. O. (1945). National Power and the Structure of Foreign Trade. University of
    California Press, Berkeley.

    Herfindahl, O. C. (1950). Concentration in the U.S. Steel Industry. PhD dissertation,
    Columbia University.

    Hirschman, A. O. (1964). The paternity of an index. The American Economic Review, 54(5),
    761. https://www.jstor.org/stable/1818582

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 2], [0, 0, 4]], regions=["A", "B"],
    ...                               activities=["x", "y", "z"])
    >>> herfindahl(m).tolist()
    [0.375, 1.0]
    >>> herfindahl(m, normalise=True).tolist()
    [0.0625, 1.0]
    >>> herfindahl(m, axis="activity").tolist()
    [1.0, 1.0, 0.5555555555555556]
    """
    X = _by_axis(m, axis)
    H = np.sum(_shares(X) ** 2, axis=-1)
    if normalise:
        n = X.shape[-1]
        H = (n * H - 1.0) / (n - 1.0)
    _warn_undefined(m, X.sum(axis=-1) == 0, axis, "herfindahl", f"the {axis}'s total is 0")
    return _label(m, axis, H, "herfindahl")


# ----------------------------------------------------------------------------- entropy
def entropy(m: ActivityMatrix, *, axis: Axis = "region", base: float = 2.0) -> pd.Series:
    r"""Shannon entropy of each region's distribution over activities (or of each activity's
    over regions): a measure of diversification (spread).

    Parameters
    ----------
    m : ActivityMatrix
    axis : {"region", "activity"}
        Whose distribution, as in :func:`herfindahl`.
    base : float
        Base of the logarithm: 2 (bits, as Frenken et al. 2007 and EconGeo's ``entropy``),
        ``numpy.e`` (nats, as Theil) or 10.

    Returns
    -------
    pandas.Series
        ``entropy``, index ``(period, region)`` or ``(period, activity)``, in
        :math:`[0, \log_b n]`: 0 when everything is in one activity (region), :math:`\log_b n`
        when the ``n`` activities (regions) of the matrix are equal. NaN (with a warning) where
        the total is 0.

    Notes
    -----
    .. math:: E_r = \sum_a s_{ra} \log_b \frac{1}{s_{ra}}, \qquad 0 \log 0 = 0

    EconGeo's ``entropy`` adds ``1e-9`` inside the logarithm and rounds to three decimals; this
    is the exact value.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell System Technical
    Journal, 27(3), 379-423. doi:10.1002/j.1538-7305.1948.tb01338.x

    Frenken, K., Van Oort, F., & Verburg, T. (2007). Related variety, unrelated variety and
    regional economic growth. Regional Studies, 41(5), 685-697.
    doi:10.1080/00343400601120296

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 2], [0, 0, 4]], regions=["A", "B"],
    ...                               activities=["x", "y", "z"])
    >>> entropy(m).tolist()
    [1.5, 0.0]
    """
    if not (isinstance(base, int | float) and base > 0 and base != 1):
        raise ValidationError(
            "the base of the logarithm must be positive and not 1",
            expected="2, numpy.e or 10",
            found=repr(base),
        )
    X = _by_axis(m, axis)
    E = _entropy(_shares(X), base)
    _warn_undefined(m, X.sum(axis=-1) == 0, axis, "entropy", f"the {axis}'s total is 0")
    return _label(m, axis, E, "entropy")


# ----------------------------------------------------------------------------- Gini
def gini(m: ActivityMatrix, *, axis: Axis = "region") -> pd.Series:
    r"""Gini coefficient of each region's distribution over activities (or of each activity's
    over regions): inequality of the values, each unit counted once.

    Parameters
    ----------
    m : ActivityMatrix
    axis : {"region", "activity"}
        Whose distribution, as in :func:`herfindahl`.

    Returns
    -------
    pandas.Series
        ``gini``, index ``(period, region)`` or ``(period, activity)``, in
        :math:`[0, (n-1)/n]`: 0 when all ``n`` values are equal, :math:`(n-1)/n` when one holds
        everything (the sample Gini, without the :math:`n/(n-1)` correction; EconGeo's and the
        ``ineq`` package's ``Gini``). NaN (with a warning) where the total is 0.

    Notes
    -----
    With the values sorted ascending, :math:`L_k` the cumulative share of the ``k`` smallest:

    .. math:: G = 1 - \sum_{k=1}^{n} \frac{1}{n} (L_k + L_{k-1})
              = \frac{\sum_i \sum_j |x_i - x_j|}{2 n^2 \bar x}

    twice the area between the diagonal and the Lorenz curve.

    References
    ----------
    Gini, C. (1912). Variabilità e mutabilità. Tipografia di Paolo Cuppini, Bologna. Reprinted
    in Memorie di metodologica statistica (1955), Libreria Eredi Virgilio Veschi, Rome.

    Gini, C. (1921). Measurement of inequality of incomes. The Economic Journal, 31(121),
    124-126. doi:10.2307/2223319

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 1, 1], [0, 0, 0, 4]], regions=["A", "B"],
    ...                               activities=list("wxyz"))
    >>> gini(m).tolist()
    [0.0, 0.75]
    """
    X = _by_axis(m, axis)
    G = _lorenz_gini(X, np.ones_like(X))
    _warn_undefined(m, X.sum(axis=-1) == 0, axis, "gini", f"the {axis}'s total is 0")
    return _label(m, axis, G, "gini")


def _on_axis(fn: Callable[..., pd.Series], axis: str) -> Callable[..., pd.Series]:
    """``fn`` fixed on one axis, for the catalogue (so the level and the labels agree)."""

    def indicator(m: ActivityMatrix, **options: Any) -> pd.Series:
        return fn(m, axis=axis, **options)

    indicator.__name__ = f"{fn.__name__}_{axis}"
    indicator.__doc__ = f"``{fn.__name__}(m, axis={axis!r}, **options)``."
    return indicator


for _fn, _summary, _ref in (
    (herfindahl, "Herfindahl index (sum of squared shares)", "Hirschman (1945)"),
    (entropy, "Shannon entropy (bits)", "Shannon (1948)"),
    (gini, "Gini coefficient", "Gini (1912)"),
):
    register(
        _fn.__name__,
        level="region",
        summary=f"{_summary} of a region over activities",
        reference=_ref,
    )(_on_axis(_fn, "region"))
    register(
        f"{_fn.__name__}_activity",
        level="activity",
        summary=f"{_summary} of an activity over regions",
        reference=_ref,
    )(_on_axis(_fn, "activity"))
del _fn, _summary, _ref


@register(
    "locational_gini",
    level="activity",
    summary="Locational Gini coefficient",
    reference="Krugman (1991)",
)
def locational_gini(
    m: ActivityMatrix,
    *,
    reference: Reference = "total",
    scale: Literal["gini", "area"] = "gini",
) -> pd.Series:
    r"""Locational Gini coefficient of each activity: how unequally it is spread over the
    regions relative to a reference (by default the regions' totals).

    The Lorenz curve orders the regions by location quotient (:func:`hoover_curve`); the
    coefficient is measured on the area between it and the diagonal.

    Parameters
    ----------
    m : ActivityMatrix
    reference : {"total", "equal"} or pandas.Series
        As in :func:`hoover`: the regions' totals (Krugman 1991; Audretsch & Feldman 1996), equal
        shares (then it is :func:`gini` with ``axis="activity"``), or a size per region.
    scale : {"gini", "area"}
        The literature disagrees on the scale. ``"gini"`` (default): twice the area, in [0, 1),
        the scale of a Gini coefficient and of :func:`gini`. ``"area"``: the area itself, in
        [0, 0.5), the scale of Krugman (1991) ("theoretical limit 0.5") and of EconGeo's
        ``locational_gini``.

    Returns
    -------
    pandas.Series
        ``locational_gini``, index ``(period, activity)``. NaN (with a warning) where the
        activity's total is 0, or, in a whole period, where the reference misses a region.

    Notes
    -----
    With regions ordered by :math:`LQ_{ra} = (x_{ra}/x_{\cdot a}) / (e_r / e_\cdot)` ascending,
    :math:`X_k` and :math:`Y_k` the cumulative shares of the reference and of the activity:

    .. math:: G^{loc}_a = \sum_k (X_k - X_{k-1})\,[(X_k - Y_k) + (X_{k-1} - Y_{k-1})]
              = 1 - \sum_k (X_k - X_{k-1})(Y_k + Y_{k-1})

    (halved for ``scale="area"``).

    References
    ----------
    Krugman, P. (1991). Geography and Trade. MIT Press, Cambridge MA, chapter 2 (p. 55-56).

    Audretsch, D. B., & Feldman, M. P. (1996). R&D spillovers and the geography of innovation and
    production. The American Economic Review, 86(3), 630-640.
    https://www.jstor.org/stable/2118216

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[3, 1], [1, 3]], regions=["A", "B"],
    ...                               activities=["x", "y"])
    >>> locational_gini(m).tolist()
    [0.25, 0.25]
    >>> locational_gini(m, scale="area").tolist()
    [0.125, 0.125]
    """
    _choice("scale", scale, ("gini", "area"))
    X = m.to_dense().transpose(0, 2, 1)  # (P, A, R)
    ref = _reference(m, reference)
    G = _lorenz_gini(X, np.broadcast_to(ref[:, None, :], X.shape))
    G[np.isnan(ref).any(axis=1)] = np.nan
    if scale == "area":
        G = G / 2.0
    _warn_reference(m, ref, "locational_gini")
    _warn_undefined(
        m, X.sum(axis=-1) == 0, "activity", "locational_gini", "the activity's total is 0"
    )
    return labels.by_activity(m, G, "locational_gini")


# ----------------------------------------------------------------------------- symmetric RCA
@register(
    "symmetric_rca",
    level="cell",
    summary="Symmetric RCA (RCA-1)/(RCA+1), in [-1, 1)",
    reference="Dalum, Laursen & Villumsen (1998); Laursen (2015)",
)
def symmetric_rca(m: ActivityMatrix) -> pd.DataFrame:
    r"""Revealed symmetric comparative advantage (RSCA): RCA mapped onto [-1, 1).

    RCA runs from 0 to infinity with 1 as neutral, so it is skewed and its mean depends on the
    number of cells; RSCA is symmetric around 0 (specialised > 0 > under-specialised), which
    suits regressions and averages.

    Parameters
    ----------
    m : ActivityMatrix

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity, in [-1, 1). NaN (with a warning)
        where the region's or the activity's total is 0 (RCA is 0/0).

    Notes
    -----
    .. math:: RSCA_{ra} = \frac{RCA_{ra} - 1}{RCA_{ra} + 1}

    with :math:`RCA_{ra}` the Balassa index of :func:`smartspec.rca`. Since RSCA is a monotone
    map of RCA, RCA > 1 exactly where RSCA > 0.

    References
    ----------
    Dalum, B., Laursen, K., & Villumsen, G. (1998). Structural change in OECD export
    specialisation patterns: de-specialisation and 'stickiness'. International Review of Applied
    Economics, 12(3), 423-443. doi:10.1080/02692179800000017

    Laursen, K. (2015). Revealed comparative advantage and the alternatives as measures of
    international specialization. Eurasian Business Review, 5(1), 99-115.
    doi:10.1007/s40821-015-0017-1 (first circulated as DRUID Working Paper 98-30, 1998)

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> symmetric_rca(m)
    activity              x         y
    period region
    all    A       0.200000 -0.142857
           B      -0.142857  0.058824
    """
    X = m.to_dense()
    R = _rca(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        S = (R - 1.0) / (R + 1.0)
    _warn_undefined(m, X.sum(axis=2) == 0, "region", "symmetric_rca", "the region's total is 0")
    _warn_undefined(m, X.sum(axis=1) == 0, "activity", "symmetric_rca", "the activity's total is 0")
    return labels.cells(m, S)
