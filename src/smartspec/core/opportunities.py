"""Diversification opportunity: complexity outlook index (COI) and complexity outlook gain (COG)."""

from __future__ import annotations

import pandas as pd

from . import _labels as labels
from ._steps import PresenceMethod, Steps
from .catalogue import register
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["cog", "coi"]


@register(
    "coi", level="region", summary="Complexity outlook index", reference="Hausmann et al. (2014)"
)
def coi(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.Series:
    """Complexity outlook index: how much complexity lies close to what a region already does.

    Parameters
    ----------
    m : ActivityMatrix
    presence, threshold, strict, population
        Presence options, see :func:`smartspec.core.specialisation.presence`.
    knn : int, optional
        kNN relatedness density (see :func:`smartspec.core.relatedness.relatedness_density`).
    proximity : {"min_conditional", "asymmetric"}, optional
        The proximity behind the density and COG (see
        :func:`smartspec.core.relatedness.proximity`); the profile's by default.
    profile : str or Profile
        ``atlas``: standardised over the long region x activity rows.

    Returns
    -------
    pandas.Series
        Index ``(period, region)``; NaN where ECI is undefined.

    Notes
    -----
    .. math:: COI_r = \\sum_a d_{ra} (1 - M_{ra}) \\, PCI^*_a

    with :math:`d` the relatedness density and :math:`PCI^* = q / sd(ECI)` (PCI in ECI's
    scale, without the shift), then standardised per the profile.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press,
    ch. "How to read the atlas" (complexity outlook).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> coi(m, presence="manual").round(3).tolist()
    [-1.366, 1.042, 0.773, -0.449]
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        knn=knn,
        proximity=proximity,
    )
    return labels.by_region(m, steps.coi, "coi")


@register(
    "cog", level="cell", summary="Complexity outlook gain", reference="Hausmann et al. (2014)"
)
def cog(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Complexity outlook gain: how much entering an activity would raise a region's outlook.

    Parameters are those of :func:`coi`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity; 0 where the region already has
        presence; NaN where ECI or PCI is undefined.

    Notes
    -----
    .. math:: COG_{ra} = (1 - M_{ra}) \\sum_{a'} \\frac{\\phi_{a'a}}{\\sum_{a''} \\phi_{a'a''}}
              (1 - M_{ra'}) \\, PCI^*_{a'}

    as the Growth Lab's Stata package computes it (verified on its output to 1e-14).

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> cog(m, presence="manual").round(3).loc[("all", "D")].tolist()
    [0.0, 1.759, 1.599, 0.52]
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        knn=knn,
        proximity=proximity,
    )
    return labels.cells(m, steps.cog)
