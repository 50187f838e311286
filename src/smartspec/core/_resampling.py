"""Shared randomness machinery: seeded generators, bootstrap intervals, permutation nulls.

One place for every stochastic procedure in smartspec (statistically validated relatedness,
backtest confidence intervals, ECI rank uncertainty), so that each takes a ``seed`` and none
touches numpy's global random state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .errors import ValidationError

Seed = int | np.random.Generator | None


def generator(seed: Seed) -> np.random.Generator:
    """A numpy Generator from a seed (or the generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
        raise ValidationError(
            "a seed must be a non-negative integer or a numpy Generator",
            expected="e.g. seed=42",
            found=repr(seed),
        )
    return np.random.default_rng(seed)


def check_count(n: int, name: str, minimum: int = 1) -> int:
    """Validate a number of resamples."""
    if int(n) != n or n < minimum:
        raise ValidationError(
            f"{name} must be a whole number >= {minimum}", expected=f">= {minimum}", found=repr(n)
        )
    return int(n)


@dataclass(frozen=True)
class Interval:
    """A point estimate with a percentile bootstrap interval."""

    estimate: float
    low: float
    high: float
    level: float
    n_resamples: int


def bootstrap(
    statistic: Callable[[np.ndarray], float],
    n_items: int,
    *,
    n_resamples: int = 200,
    level: float = 0.95,
    seed: Seed = None,
) -> Interval:
    """Percentile bootstrap of ``statistic(indices)`` over ``n_items`` resampled with replacement.

    ``statistic`` receives an integer index array (the resample) and returns a float; NaN
    resamples (e.g. a resample with one class only) are left out of the interval.
    """
    n_resamples = check_count(n_resamples, "n_resamples")
    if not 0 < level < 1:
        raise ValidationError("level must be in (0, 1)", expected="e.g. 0.95", found=repr(level))
    rng = generator(seed)
    estimate = float(statistic(np.arange(n_items)))
    values = np.array(
        [statistic(rng.integers(0, n_items, n_items)) for _ in range(n_resamples)], dtype=float
    )
    values = values[np.isfinite(values)]
    if values.size == 0:
        return Interval(estimate, np.nan, np.nan, level, n_resamples)
    alpha = (1 - level) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return Interval(estimate, float(low), float(high), level, n_resamples)


def poisson_resamples(
    counts: np.ndarray, *, n_resamples: int, seed: Seed = None
) -> Iterator[np.ndarray]:
    """Resampled count arrays: each cell drawn from a Poisson with the observed count as mean.

    The parametric bootstrap for count data (employment, patents): totals vary as the counts
    would under sampling noise, zeros stay zero.
    """
    n_resamples = check_count(n_resamples, "n_resamples")
    rng = generator(seed)
    for _ in range(n_resamples):
        yield rng.poisson(counts).astype(np.float64)


def swap_randomise(M: np.ndarray, *, n_swaps: int, rng: np.random.Generator) -> np.ndarray:
    """A random binary matrix with the same row and column sums (checkerboard swaps).

    The permutation null that keeps every region's diversity and every activity's ubiquity
    (the "curveball"-style degree-preserving null of co-occurrence studies).
    """
    out = M.astype(bool).copy()
    R, A = out.shape
    rows = rng.integers(0, R, size=(n_swaps, 2))
    cols = rng.integers(0, A, size=(n_swaps, 2))
    for (r1, r2), (a1, a2) in zip(rows, cols, strict=True):
        if r1 == r2 or a1 == a2:
            continue
        if out[r1, a1] and out[r2, a2] and not out[r1, a2] and not out[r2, a1]:
            out[r1, a1] = out[r2, a2] = False
            out[r1, a2] = out[r2, a1] = True
        elif out[r1, a2] and out[r2, a1] and not out[r1, a1] and not out[r2, a2]:
            out[r1, a2] = out[r2, a1] = False
            out[r1, a1] = out[r2, a2] = True
    return out.astype(np.float64)
