"""Uncertainty of complexity rankings under resampling of the counts.

Employment, patents and project counts are noisy measurements of capabilities: a region's ECI
rank can move when a few establishments change. :func:`complexity_intervals` redraws every cell
from a Poisson distribution with the observed count as its mean (a parametric bootstrap for
counts), recomputes the whole pipeline, and reports percentile intervals of ECI / PCI and of
their ranks.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _labels as labels
from ._resampling import Seed, check_count, poisson_resamples
from ._steps import PresenceMethod, Steps
from .errors import ValidationError
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["ComplexityIntervals", "complexity_intervals"]


@dataclass(frozen=True)
class ComplexityIntervals:
    """ECI and PCI with bootstrap intervals of the values and of the ranks.

    Attributes
    ----------
    regions : pandas.DataFrame
        ``period, region, eci, eci_low, eci_high, rank, rank_low, rank_high`` (rank 1 = most
        complex; intervals NaN where the resamples left the region out).
    activities : pandas.DataFrame
        ``period, activity, pci, pci_low, pci_high, rank, rank_low, rank_high``.
    n_resamples : int
    level : float
    """

    regions: pd.DataFrame
    activities: pd.DataFrame
    n_resamples: int
    level: float


def _ranks(x: np.ndarray) -> np.ndarray:
    """Rank 1 = largest, per period (rows); NaN stays NaN."""
    return pd.DataFrame(x).rank(axis=1, ascending=False, method="average").to_numpy()


def _sign_to(reference: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Per period, -1 where a resample's ECI points the other way than the estimate.

    An eigenvector's sign is arbitrary; the sign rule (correlation with diversity) can flip
    between resamples when that correlation is weak, so resamples are aligned with the point
    estimate, as usual when bootstrapping eigenvectors.
    """
    out = np.ones(reference.shape[0])
    for p in range(reference.shape[0]):
        ok = np.isfinite(reference[p]) & np.isfinite(draw[p])
        if ok.sum() > 2 and np.dot(reference[p, ok], draw[p, ok]) < 0:
            out[p] = -1.0
    return out


def complexity_intervals(
    m: ActivityMatrix,
    *,
    n_resamples: int = 100,
    level: float = 0.9,
    seed: Seed = 0,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> ComplexityIntervals:
    """Percentile intervals of ECI, PCI and their ranks under Poisson resampling of the values.

    Parameters
    ----------
    m : ActivityMatrix
        Values that are counts (or close to: employment, patents, projects). Values are redrawn
        as ``Poisson(x)``; for amounts in large units (thousands of persons, USD) rescale to
        counts first, or the noise is overstated.
    n_resamples : int
        Number of resamples.
    level : float
        Interval level, e.g. 0.9 for the 5th-95th percentiles.
    seed : int or numpy.random.Generator
    presence, threshold, population, profile
        As in :func:`smartspec.analyse`.

    Returns
    -------
    ComplexityIntervals

    Notes
    -----
    Each resample is re-standardised by the profile, so intervals describe positions in the
    distribution (what a ranking reports), not raw eigenvector values, and is aligned in sign
    with the estimate (the eigenvector's sign is arbitrary).

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
    Hausmann, R., et al. (2014). The Atlas of Economic Complexity. MIT Press.

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> ci = complexity_intervals(toy(), n_resamples=20, seed=1)
    >>> bool((ci.regions["rank_low"] <= ci.regions["rank_high"]).all())
    True
    """
    n_resamples = check_count(n_resamples, "n_resamples", minimum=2)
    if not 0 < level < 1:
        raise ValidationError("level must be in (0, 1)", expected="e.g. 0.9", found=repr(level))

    def steps(matrix: ActivityMatrix) -> Steps:
        return Steps(
            matrix,
            profile=profile,
            presence=presence,
            threshold=threshold,
            population=population,
        )

    base = steps(m)
    eci_draws, pci_draws = [], []
    for counts in poisson_resamples(base.values, n_resamples=n_resamples, seed=seed):
        resampled = ActivityMatrix.from_dense(
            counts, regions=m.regions, activities=m.activities, periods=m.periods
        )
        s = steps(resampled)
        flip = _sign_to(base.eci, s.eci)
        eci_draws.append(s.eci * flip[:, None])
        pci_draws.append(s.pci * flip[:, None])
    alpha = (1 - level) / 2
    q = [alpha, 1 - alpha]

    def table(
        point: np.ndarray,
        draws: list[np.ndarray],
        name: str,
        by: Callable[[ActivityMatrix, np.ndarray, str], pd.Series],
    ) -> pd.DataFrame:
        stack = np.stack(draws)  # (n, P, N)
        rank_stack = np.stack([_ranks(d) for d in draws])
        with np.errstate(invalid="ignore"):
            low, high = np.nanquantile(stack, q, axis=0)
            r_low, r_high = np.nanquantile(rank_stack, q, axis=0)
        frame = by(m, point, name).reset_index()
        frame[f"{name}_low"] = low.reshape(-1)
        frame[f"{name}_high"] = high.reshape(-1)
        frame["rank"] = _ranks(point).reshape(-1)
        frame["rank_low"] = r_low.reshape(-1)
        frame["rank_high"] = r_high.reshape(-1)
        return frame

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices for empty regions
        regions = table(base.eci, eci_draws, "eci", labels.by_region)
        activities = table(base.pci, pci_draws, "pci", labels.by_activity)
    return ComplexityIntervals(regions, activities, n_resamples, level)
