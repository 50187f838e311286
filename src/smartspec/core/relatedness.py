"""Relatedness: co-occurrence, proximity and relatedness density.

Activity x activity results are DataFrames indexed by ``(period, activity_from)`` with one column
per ``activity_to``; relatedness density is a cell table indexed by ``(period, region)``.
"""

from __future__ import annotations

import pandas as pd

from . import _labels as labels
from ._deprecation import presence_was_method
from ._kernels import co_occurrence as _co_occurrence
from ._steps import PresenceMethod, Steps
from .catalogue import register
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["co_occurrence", "proximity", "relatedness_density"]


@register(
    "co_occurrence",
    level="activity_pair",
    summary="Regions with presence in both",
    reference="Hidalgo et al. (2007)",
)
@presence_was_method
def co_occurrence(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Co-occurrence: the number of regions with presence in both activities.

    Notes
    -----
    .. math:: C_{aa'} = \\sum_r M_{ra} M_{ra'}

    The diagonal holds the ubiquity. Presence options as in
    :func:`smartspec.core.specialisation.presence`.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. Science, 317(5837), 482-487.
    doi:10.1126/science.1144581

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 0, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> co_occurrence(m, presence="manual").astype(int)
    activity_to           x  y  z
    period activity_from
    all    x              1  0  0
           y              0  2  2
           z              0  2  2
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    return labels.pairs(m, _co_occurrence(steps.presence))


@register(
    "proximity",
    level="activity_pair",
    summary="Minimum conditional probability of co-occurrence (or the conditional one)",
    reference="Hidalgo et al. (2007)",
)
@presence_was_method
def proximity(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    measure: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Proximity as the minimum conditional probability of co-occurrence (or, with
    ``measure="asymmetric"``, the conditional probability itself).

    Parameters
    ----------
    m : ActivityMatrix
    presence, threshold, strict, population
        Presence options, see :func:`smartspec.core.specialisation.presence`.
    diagonal : {"zero", "one", "keep"}, optional
        An activity's proximity to itself: 0 (Atlas/Stata, the default), 1, or the formula's
        value (1 for any activity with presence somewhere). Explicit because peers differ.
    measure : {"min_conditional", "asymmetric"}, optional
        The profile's (``min_conditional`` for every registered profile) by default.
        ``asymmetric`` is Stata ``ecomplexity``'s ``asym`` option, see Notes.
    profile : str or Profile

    Returns
    -------
    pandas.DataFrame
        Index ``(period, activity_from)``, one column per ``activity_to``; symmetric for
        ``min_conditional``. NaN where the denominator is 0 (no presence anywhere).

    Notes
    -----
    .. math:: \\phi_{aa'} = \\frac{C_{aa'}}{\\max(k_a, k_{a'})}
              = \\min\\{P(M_a = 1 \\mid M_{a'} = 1), P(M_{a'} = 1 \\mid M_a = 1)\\}

    ``measure="asymmetric"``, with ``a`` = ``activity_from`` and ``a'`` = ``activity_to``:

    .. math:: \\phi_{aa'} = \\frac{C_{aa'}}{k_{a'}} = P(M_{ra} = 1 \\mid M_{ra'} = 1)

    the share of the regions with ``activity_to`` that also have ``activity_from``. This is
    the orientation of Stata's ``proxdiscrete, asym`` (``C :/ (J(A, R, 1) * M)``: each column
    divided by its ubiquity) read by its density, which weighs a target activity's neighbours
    by the target's column: relatedness density and COG use ``phi[:, target]``.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). Science, 317(5837),
    482-487. doi:10.1126/science.1144581

    Bustos, S., & Yildirim, M. A. ``ecomplexity`` (Stata package), Harvard Growth Lab,
    https://github.com/cid-harvard/ecomplexity (options ``asym``, ``knn()``).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> proximity(m, presence="manual").round(3)
    activity_to               x      y      z
    period activity_from
    all    x              0.000  0.333  0.000
           y              0.333  0.000  0.667
           z              0.000  0.667  0.000
    >>> asym = proximity(m, presence="manual", measure="asymmetric")
    >>> asym.round(3)  # doctest: +NORMALIZE_WHITESPACE
    activity_to             x      y    z
    period activity_from
    all    x              0.0  0.333  0.0
           y              1.0  0.000  1.0
           z              0.0  0.667  0.0
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        diagonal=diagonal,
        proximity=measure,
    )
    return labels.pairs(m, steps.phi)


@register(
    "density", level="cell", summary="Relatedness density (0-1)", reference="Hidalgo et al. (2007)"
)
@presence_was_method
def relatedness_density(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness density: the proximity-weighted share of related activities a region has.

    Parameters
    ----------
    m : ActivityMatrix
    presence, threshold, strict, population, diagonal, profile
        As in :func:`proximity`.
    knn : int, optional
        Use only the activities closest to each activity, still weighted by their proximity:
        those whose proximity is at least the ``knn``-th largest, ties included (Stata
        ``ecomplexity``'s ``knn()``), so a column may keep more than ``knn`` neighbours and
        the result never depends on the order or the codes of the activities.
        py-ecomplexity's ``knn`` option drops the weights; see ``docs/conventions.md``.
    proximity : {"min_conditional", "asymmetric"}, optional
        The proximity measure (``measure`` of :func:`proximity`); the profile's by default.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity. NaN for an
        activity with no related activity (all its proximities are 0).

    Notes
    -----
    .. math:: d_{ra} = \\frac{\\sum_{a'} M_{ra'} \\phi_{a'a}}{\\sum_{a'} \\phi_{a'a}}

    With ``knn=k``, :math:`\\phi_{a'a}` is replaced by
    :math:`\\phi_{a'a} [\\phi_{a'a} \\geq \\phi_{(k)a}]`, :math:`\\phi_{(k)a}` the
    ``k``-th largest of :math:`\\{\\phi_{a'a} : a' \\neq a\\}`.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). Science, 317(5837),
    482-487. Hausmann, R., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> relatedness_density(m, presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.333  1.0
           B       1.0  0.667  1.0
           C       1.0  0.667  1.0
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        diagonal=diagonal,
        knn=knn,
        proximity=proximity,
    )
    return labels.cells(m, steps.density)
