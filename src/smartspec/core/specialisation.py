"""Specialisation: RCA (location quotient), RPOP, binary presence, diversity and ubiquity.

All functions take an :class:`~smartspec.ActivityMatrix` and work on every period at once. Cell
results are DataFrames indexed by ``(period, region)`` with one column per activity; region and
activity results are Series indexed by ``(period, region)`` / ``(period, activity)``.
"""

from __future__ import annotations

import pandas as pd

from . import _labels as labels
from ._deprecation import presence_was_method
from ._steps import PresenceMethod, Steps
from .catalogue import register
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["diversity", "presence", "rca", "rpop", "ubiquity"]


@register(
    "rca",
    level="cell",
    summary="Revealed comparative advantage (location quotient)",
    reference="Balassa (1965)",
)
def rca(m: ActivityMatrix) -> pd.DataFrame:
    """Revealed comparative advantage (Balassa 1965), a.k.a. the location quotient.

    Parameters
    ----------
    m : ActivityMatrix

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity. NaN where the region's or the
        activity's total is zero in that period (0/0).

    Notes
    -----
    .. math:: RCA_{ra} = \\frac{x_{ra} / \\sum_{a'} x_{ra'}}{\\sum_{r'} x_{r'a} /
              \\sum_{r'a'} x_{r'a'}}

    The share of activity ``a`` in region ``r``'s total, over its share in the total of all
    regions. Continuous, unrounded.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The Manchester
    School, 33(2), 99-123. doi:10.1111/j.1467-9957.1965.tb00050.x

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> rca(m)
    activity          x      y
    period region
    all    A       1.50  0.750
           B       0.75  1.125
    """
    return labels.cells(m, Steps(m).rca)


@register(
    "rpop",
    level="cell",
    summary="Per-capita RCA (needs population=)",
    reference="Hausmann et al. (2014)",
)
def rpop(m: ActivityMatrix, population: pd.Series) -> pd.DataFrame:
    """Per-capita revealed comparative advantage (RPOP).

    Parameters
    ----------
    m : ActivityMatrix
    population : pandas.Series
        Population by region (index: region), or by ``(period, region)``.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity; NaN where a region has no
        population.

    Notes
    -----
    .. math:: RPOP_{ra} = \\frac{x_{ra} / pop_r}{\\sum_{r'} x_{r'a} / \\sum_{r'} pop_{r'}}

    Used by the Growth Lab for sub-national data, where a region may be large in an activity
    relative to its population though not relative to its own total.

    References
    ----------
    Hausmann, R., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> rpop(m, pd.Series({"A": 1.0, "B": 3.0})).round(3)
    activity           x    y
    period region
    all    A       2.000  1.0
           B       0.667  1.0
    """
    return labels.cells(m, Steps(m, population=population).rpop)


@register(
    "presence",
    level="cell",
    summary="Binary presence M (RCA above the threshold)",
    reference="Hidalgo & Hausmann (2009)",
)
@presence_was_method
def presence(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Binary presence ``M``: 1 where a region is specialised in an activity.

    Parameters
    ----------
    m : ActivityMatrix
    presence : {"rca", "rpop", "either", "both", "manual"}
        Test on RCA, on RPOP, on either (presence where RCA or RPOP passes: Stata
        ``ecomplexity`` given both ``rca()`` and ``rpop()``), on both (both must pass), or take
        ``m`` as a ready 0/1 matrix.
    threshold : float, optional
        Threshold (the profile's, 1.0 by default).
    strict : bool, optional
        ``>`` (True, the Atlas/Stata rule) or ``>=`` (False, the py-ecomplexity rule).
    population : pandas.Series, optional
        Needed for ``"rpop"``, ``"either"`` and ``"both"``: by region, or by
        ``(period, region)``.
    profile : str or Profile

    Returns
    -------
    pandas.DataFrame
        0/1 integers, index ``(period, region)``, one column per activity. An undefined RCA
        (a zero row or column) gives 0.

    Notes
    -----
    .. math:: M_{ra} = [RCA_{ra} > t]

    ``rpop``: :math:`[RPOP_{ra} > t]`; ``either``: :math:`[RCA_{ra} > t] \\lor
    [RPOP_{ra} > t]`; ``both``: :math:`[RCA_{ra} > t] \\land [RPOP_{ra} > t]` (``>=`` when not
    strict). A region without a population fails the RPOP test (with ``either``, its RCA test
    still counts).

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. PNAS,
    106(26), 10570-10575. doi:10.1073/pnas.0900943106

    Bustos, S., & Yildirim, M. A. ``ecomplexity`` (Stata package), Harvard Growth Lab,
    https://github.com/cid-harvard/ecomplexity (``help ecomplexity``: with ``rca()`` and
    ``rpop()`` an activity is present "if either measure is above the corresponding
    threshold").

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> presence(m)
    activity       x  y
    period region
    all    A       1  0
           B       0  1
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    return labels.cells(m, steps.presence).astype("int64")


@register(
    "diversity",
    level="region",
    summary="Number of activities with presence",
    reference="Hidalgo & Hausmann (2009)",
)
@presence_was_method
def diversity(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.Series:
    """Diversity: the number of activities in which each region has presence.

    Notes
    -----
    .. math:: k_{r,0} = \\sum_a M_{ra}

    Parameters are those of :func:`presence`.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). PNAS, 106(26), 10570-10575.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> diversity(m).tolist()
    [1, 1]
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    return labels.by_region(m, steps.diversity, "diversity").astype("int64")


@register(
    "ubiquity",
    level="activity",
    summary="Number of regions with presence",
    reference="Hidalgo & Hausmann (2009)",
)
@presence_was_method
def ubiquity(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.Series:
    """Ubiquity: the number of regions with presence in each activity.

    Notes
    -----
    .. math:: k_{a,0} = \\sum_r M_{ra}

    Parameters are those of :func:`presence`.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). PNAS, 106(26), 10570-10575.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 3]], regions=["A", "B"], activities=["x", "y"])
    >>> ubiquity(m).tolist()
    [1, 1]
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    return labels.by_activity(m, steps.ubiquity, "ubiquity").astype("int64")
