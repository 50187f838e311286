"""Variants of relatedness density: within-region z-score (:func:`relative_density`), density
from neighbouring regions (:func:`external_density`), inside / outside the portfolio
(:func:`portfolio_density`), :func:`distance`, and the complexity outlook gain formulas in use
(:func:`cog_variant`)."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .. import _kernels as kernels
from .. import _labels as labels
from .._steps import PresenceMethod, Steps
from ..catalogue import register
from ..errors import ValidationError, format_examples
from ..matrix import ActivityMatrix
from ..profiles import Profile, get_profile
from ._common import CogVariant, _choice, _steps

__all__ = ["cog_variant", "distance", "external_density", "portfolio_density", "relative_density"]


@register(
    "relative_density",
    level="cell",
    summary="Relatedness density z-scored within each region",
    reference="Balland et al. (2019)",
)
def relative_density(
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
    """Relative relatedness: density z-scored across the activities of each region.

    Density grows with a region's diversity, so a diverse region has high density everywhere.
    The within-region z-score ranks a region's options against its own other options, the
    comparison an S3 relatedness / complexity diagram makes (Balland et al. 2019), and makes
    regions of different diversity comparable.

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity: mean 0 and population sd 1 over
        each region's activities with a defined density; NaN where the density is NaN or all
        of a region's densities are equal.

    Notes
    -----
    .. math:: \\tilde d_{ra} = \\frac{d_{ra} - \\bar d_{r\\cdot}}{sd_a(d_{r\\cdot})}

    (sd with ddof 0, as the reflections' z-scores).

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J., & Rigby, D. L. (2019). Smart specialization policy
    in the European Union: relatedness, knowledge complexity and regional diversification.
    Regional Studies, 53(9), 1252-1268. doi:10.1080/00343404.2018.1437900

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> relative_density(m, presence="manual").round(3).loc[("all", "C")].tolist()
    [-0.42, -1.137, 1.59, -0.033]
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    d = steps.density
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a region with every density NaN
        z = kernels._zscore_rows(d.reshape(-1, m.n_activities)).reshape(d.shape)
    return labels.cells(m, z)


def _neighbour_weights(m: ActivityMatrix, neighbours: object) -> np.ndarray:
    """(R, R) non-negative weights, rows = the region, columns = its neighbours; diagonal 0."""
    if isinstance(neighbours, pd.DataFrame):
        frame = neighbours
    elif isinstance(neighbours, Mapping):
        rows: dict[Hashable, dict[Hashable, float]] = {}
        for region, nbrs in neighbours.items():
            if isinstance(nbrs, Mapping):
                rows[region] = {k: float(v) for k, v in nbrs.items()}
            else:
                rows[region] = dict.fromkeys(nbrs, 1.0)
        frame = pd.DataFrame.from_dict(rows, orient="index")
    else:
        raise ValidationError(
            "neighbours are a region x region DataFrame or a dict of lists",
            expected="e.g. {'ES61': ['ES62', 'ES42'], ...}",
            found=type(neighbours).__name__,
        )
    labels_given = list(frame.index) + list(frame.columns)
    unknown = [x for x in dict.fromkeys(labels_given) if x not in set(m.regions)]
    if unknown:
        raise ValidationError(
            "neighbours name regions the matrix does not have",
            expected=f"regions such as {format_examples(list(m.regions[:3]))}",
            found=f"unknown regions {format_examples(unknown)}",
            fix="use the matrix's region codes",
        )
    N = frame.reindex(index=m.regions, columns=m.regions).apply(pd.to_numeric, errors="coerce")
    W = np.nan_to_num(N.to_numpy(dtype=np.float64))
    if not np.isfinite(W).all() or (W < 0).any():
        raise ValidationError(
            "neighbour weights must be finite and non-negative",
            expected="weights >= 0",
            found="negative or infinite weights",
        )
    np.fill_diagonal(W, 0.0)
    return W


def external_density(
    m: ActivityMatrix,
    neighbours: pd.DataFrame | Mapping[Hashable, Sequence[Hashable] | Mapping[Hashable, float]],
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Inter-regional relatedness density: how related an activity is to what the region's
    neighbours (or linked regions) do.

    Parameters
    ----------
    m : ActivityMatrix
    neighbours : pandas.DataFrame or dict
        Region x region non-negative weights (rows: the region; columns: its neighbours or
        partners: contiguity, distance decay, co-inventor or trade links), or a dict
        ``{region: [neighbours]}`` (weight 1) or ``{region: {neighbour: weight}}``. A region's
        weight to itself is ignored; regions not listed have no neighbours (NaN).
    presence, threshold, strict, population, diagonal, knn, profile
        As in :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity.

    Raises
    ------
    ValidationError
        Unknown regions, negative or infinite weights.

    Notes
    -----
    .. math:: \\bar M_{ra} = \\frac{\\sum_{s \\ne r} w_{rs} M_{sa}}{\\sum_{s \\ne r} w_{rs}},
              \\qquad
              d^{ext}_{ra} = \\frac{\\sum_{a'} \\bar M_{ra'} \\phi_{a'a}}{\\sum_{a'} \\phi_{a'a}}

    the relatedness density of the neighbours' (weighted) presence.

    References
    ----------
    Boschma, R., Martín, V., & Minondo, A. (2017). Neighbour regions as the source of new
    industries. Papers in Regional Science, 96(2), 227-245. doi:10.1111/pirs.12215

    Balland, P.-A., & Boschma, R. (2021). Complementary interregional linkages and Smart
    Specialisation: an empirical study on European regions. Regional Studies, 55(6),
    1059-1070. doi:10.1080/00343404.2020.1861240

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> external_density(m, {"A": ["B"], "B": ["A", "C"]}, presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.667  1.0
           B       1.0  0.500  1.0
           C       NaN    NaN  NaN
    """
    N = _neighbour_weights(m, neighbours)
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    with np.errstate(divide="ignore", invalid="ignore"):
        Mbar = np.matmul(N[None], steps.presence) / N.sum(axis=1)[None, :, None]
    return labels.cells(m, kernels.density(Mbar, steps.density_weights))


@register(
    "portfolio_density",
    level="cell",
    summary="Relatedness density inside or outside the region's portfolio",
    reference="Boschma, Balland & Kogler (2015)",
)
def portfolio_density(
    m: ActivityMatrix,
    *,
    part: Literal["inside", "outside"] = "outside",
    average: bool = False,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame | pd.Series:
    """Relatedness density of the activities a region has (inside) or lacks (outside).

    R EconGeo calls these ``relatedness_density_int`` / ``relatedness_density_ext`` (and their
    ``_avg``); smartspec says inside / outside because :func:`external_density` is the density
    from other regions.

    Parameters
    ----------
    part : {"inside", "outside"}
        Keep the density where the region has presence (inside) or where it does not
        (outside: its diversification options); NaN elsewhere.
    average : bool
        Return each region's mean over those activities (a Series ``"portfolio_density"``).
    presence, threshold, strict, population, diagonal, knn, profile
        As in :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Cells in [0, 1] (unrounded, not x 100 as in EconGeo), or the regional averages.

    References
    ----------
    Boschma, R., Balland, P.-A., & Kogler, D. F. (2015). Relatedness and technological change
    in cities: the rise and fall of technological knowledge in US metropolitan areas from 1981
    to 2010. Industrial and Corporate Change, 24(1), 223-250. doi:10.1093/icc/dtu012

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> portfolio_density(m, presence="manual", average=True).round(3).tolist()
    [1.0, 1.0, 1.0]
    >>> portfolio_density(m, part="inside", presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.333  NaN
           B       NaN  0.667  1.0
           C       NaN  0.667  1.0
    """
    _choice(part, ("inside", "outside"), "portfolio part")
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    keep = steps.presence == (1.0 if part == "inside" else 0.0)
    d = np.where(keep, steps.density, np.nan)
    if not average:
        return labels.cells(m, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a region with nothing on that side
        return labels.by_region(m, np.nanmean(d, axis=2), "portfolio_density")


@register(
    "distance",
    level="cell",
    summary="Distance: 1 - relatedness density",
    reference="Hausmann et al. (2014)",
)
def distance(
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
    """Distance to an activity: one minus the relatedness density, as the Atlas reports it.

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity.

    Notes
    -----
    .. math:: dist_{ra} = 1 - d_{ra} = \\frac{\\sum_{a'} (1 - M_{ra'}) \\phi_{a'a}}
              {\\sum_{a'} \\phi_{a'a}}

    References
    ----------
    Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Simoes, A., & Yildirim, M. A. (2014).
    The Atlas of Economic Complexity: Mapping Paths to Prosperity. MIT Press.
    doi:10.7551/mitpress/9647.001.0001

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> distance(m, presence="manual").round(3).loc[("all", "A")].tolist()
    [0.0, 0.667, 0.0]
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    return labels.cells(m, 1.0 - steps.density)


def cog_variant(
    m: ActivityMatrix,
    *,
    variant: CogVariant = "atlas",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Complexity outlook gain by one of the formulas in use.

    Parameters
    ----------
    variant : {"atlas", "oec", "coi_change"}
        ``atlas``: Hausmann et al. (2014), as the Growth Lab's Stata package and
        :func:`smartspec.cog` with the ``atlas`` profile compute it;
        ``oec``: Datawheel's ``opportunity_gain`` (the OEC), as the ``oec`` profile;
        ``coi_change``: the exact change of the region's (unstandardised) COI when it enters
        the activity, proximity and PCI held fixed (see Notes).
        The other conventions (PCI scale, presence, diagonal) come from ``profile``; the
        variant only sets the formula.
    presence, threshold, strict, population, knn, profile
        As in :func:`smartspec.cog`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity; NaN where ECI or PCI is undefined.

    Notes
    -----
    With :math:`q` the PCI in the profile's COG scale, :math:`W` the (kNN) proximity and
    :math:`d` the density:

    - atlas: :math:`(1 - M_{ra}) \\sum_{a'} \\frac{W_{a'a}}{\\sum_{a''} W_{a'a''}}
      (1 - M_{ra'}) q_{a'}`; 0 where :math:`M_{ra} = 1`;
    - oec: :math:`\\sum_{a'} (1 - M_{ra'}) q_{a'} \\frac{W_{a'a}}{\\sum_{a''} W_{a''a}}
      - d_{ra} q_a` (normalised by the target's proximities; not 0 where :math:`M_{ra} = 1`);
    - coi_change: :math:`(1 - M_{ra}) \\big[\\sum_{a'} (1 - M_{ra'}) q_{a'}
      \\frac{W_{aa'}}{\\sum_{a''} W_{a''a'}} - d_{ra} q_a\\big]`: entering :math:`a` raises the
      density of every :math:`a'` by :math:`W_{aa'} / \\sum_{a''} W_{a''a'}` and removes
      :math:`a` from the region's outlook. With a symmetric proximity the first term is the
      Atlas COG, so ``coi_change = atlas - (1 - M) d q``.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.
    doi:10.7551/mitpress/9647.001.0001

    Datawheel, ``economic-complexity`` 0.3.0, ``opportunity_gain``
    (https://github.com/datawheel/py-economic-complexity).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> cog_variant(m, presence="manual").round(3).loc[("all", "D")].tolist()
    [0.0, 1.759, 1.599, 0.52]
    >>> cog_variant(m, variant="coi_change", presence="manual").round(3).loc[("all", "D")].tolist()
    [0.0, 1.759, 1.079, -0.28]
    """
    _choice(variant, ("atlas", "oec", "coi_change"), "COG variant")
    base = get_profile(profile).with_options(cog_formula="oec" if variant == "oec" else "atlas")
    steps = Steps(
        m,
        profile=base,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        knn=knn,
    )
    if variant != "coi_change":
        return labels.cells(m, steps.cog)
    W = np.nan_to_num(steps.density_weights)
    q = steps.pci_unshifted
    absent = 1.0 - steps.presence
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.nan_to_num(absent * np.nan_to_num(q)[:, None, :] / W.sum(axis=1)[:, None, :])
    gain = np.matmul(G, W.transpose(0, 2, 1)) - np.nan_to_num(steps.density) * q[:, None, :]
    out = absent * gain + 0.0  # no -0.0 where the region has the activity
    out[np.isnan(steps.eci)] = np.nan
    return labels.cells(m, out)


for _variant in ("oec", "coi_change"):
    register(
        f"cog_{_variant}",
        level="cell",
        summary=f"Complexity outlook gain, {_variant} formula",
        reference="Hausmann et al. (2014)"
        if _variant == "coi_change"
        else "Datawheel economic-complexity (OEC)",
    )(lambda m, _v=_variant, **options: cog_variant(m, variant=_v, **options))
