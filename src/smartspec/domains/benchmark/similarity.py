"""Structural similarity of regions (pure numpy/pandas): standardised indicators, a weighted
Euclidean distance with missing values, the per-indicator explanation, activity-profile and
rank-combined similarity, and the stability of neighbour sets under resampling.

The method follows the regional benchmarking of the JRC S3 Platform and Orkestra (Navarro et
al. 2014): regions are compared only on *structural* conditions (what cannot change in the short
term: size and settlement, sector mix, technological base), not on performance, by a synthetic
distance over standardised indicators; the lower the distance, the closer the reference region.

References
----------
Navarro, M., Gibaja, J. J., Franco, S., Murciego, A., Gianelle, C., Hegyi, F. B., & Kleibrink, A.
(2014). Regional benchmarking in the smart specialisation process: Identification of reference
regions based on structural similarity. S3 Working Paper Series 03/2014, JRC-IPTS (JRC89819).

Laursen, K. (1998). Revealed comparative advantage and the alternatives as measures of
international specialisation. DRUID Working Paper 98-30.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError

__all__ = [
    "MIN_COVERAGE",
    "Stability",
    "combine_ranks",
    "contributions",
    "cosine_to",
    "distance_matrix",
    "indicator_weights",
    "jaccard",
    "rank_scores",
    "region_coverage",
    "rsca",
    "similarity",
    "stability",
    "standardise",
    "top_neighbours",
]

#: A region is compared only when its indicators carry at least this share of the total weight,
#: and a pair only when the indicators both have do.
MIN_COVERAGE = 0.5


def indicator_weights(dimensions: Mapping[str, str]) -> pd.Series:
    """Equal weight per dimension, split equally among its indicators.

    .. math:: w_i = \\frac{1}{D} \\cdot \\frac{1}{n_{d(i)}}

    with ``D`` dimensions and ``n_d`` indicators in dimension ``d``; the weights sum to 1.

    Parameters
    ----------
    dimensions : mapping of str to str
        Indicator -> its dimension, in the order of the result.

    Examples
    --------
    >>> indicator_weights({"a": "x", "b": "x", "c": "y"}).round(3).to_dict()
    {'a': 0.25, 'b': 0.25, 'c': 0.5}
    """
    dims = pd.Series(dimensions, dtype=object)
    counts = dims.map(dims.value_counts())
    return (1.0 / dims.nunique()) / counts.astype(float)


def standardise(table: pd.DataFrame, transforms: Mapping[str, str]) -> pd.DataFrame:
    """z-scores of the (transformed) indicators over the regions of ``table``.

    .. math:: z_{ri} = \\frac{f_i(x_{ri}) - \\bar f_i}{s_i}

    ``f_i`` is ``log``, ``log1p`` or the identity; the mean and the (population, ``ddof=0``)
    standard deviation are over the regions with a value. Missing values stay NaN; an indicator
    with no spread gets z = 0.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=["P", "Q", "R"])
    >>> standardise(t, {"a": "none"})["a"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    out = {}
    for col, how in transforms.items():
        x = table[col].astype(float)
        if how == "log":
            x = np.log(x.where(x > 0))
        elif how == "log1p":
            x = np.log1p(x.where(x >= 0))
        elif how != "none":
            raise ValidationError(
                "unknown transform",
                where=f"indicator {col!r}",
                expected="none, log, log1p",
                found=repr(how),
            )
        sd = float(x.std(ddof=0))
        out[col] = (x - x.mean()) / sd if sd > 0 else x * 0.0
    return pd.DataFrame(out, index=table.index)


def distance_matrix(z: pd.DataFrame, weights: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weighted Euclidean distances between all regions, over the indicators both have.

    .. math:: d_{ab} = \\sqrt{\\sum_{i \\in C_{ab}} \\frac{w_i}{W_{ab}} (z_{ai} - z_{bi})^2},
              \\qquad W_{ab} = \\sum_{i \\in C_{ab}} w_i

    ``C_ab`` is the set of indicators both regions have; the weights are renormalised over it
    (a missing indicator is left out of the pair's distance, not imputed). With no missing
    values, ``W = 1`` and this is the plain weighted Euclidean distance.

    Returns
    -------
    (distance, coverage) : pair of pandas.DataFrame
        Regions x regions: ``d_ab`` (NaN where ``W_ab`` is 0) and ``W_ab``.
    """
    w = weights.reindex(z.columns).to_numpy(float)
    values = z.to_numpy(float)
    have = ~np.isnan(values)
    zf = np.where(have, values, 0.0)
    mask = have.astype(float)
    sq = zf**2
    num = (sq * w) @ mask.T + (mask * w) @ sq.T - 2 * (zf * w) @ zf.T
    den = (mask * w) @ mask.T
    with np.errstate(invalid="ignore", divide="ignore"):
        d2 = np.where(den > 0, np.clip(num, 0, None) / den, np.nan)
    np.fill_diagonal(d2, 0.0)
    index = z.index
    return (
        pd.DataFrame(np.sqrt(d2), index=index, columns=index),
        pd.DataFrame(den, index=index, columns=index),
    )


def region_coverage(z: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """The share of the total weight carried by each region's indicators (1 = all present)."""
    w = weights.reindex(z.columns).astype(float)
    return z.notna().astype(float) @ w / float(w.sum())


def similarity(distance: pd.Series | pd.DataFrame | float) -> pd.Series | pd.DataFrame | float:
    """Similarity from a distance: ``s = 1 / (1 + d)``, 1 for identical regions, falling
    towards 0 as they differ (monotone, so it ranks exactly as the distance does).

    >>> similarity(1.0)
    0.5
    """
    return 1.0 / (1.0 + distance)


def top_neighbours(
    distance: pd.DataFrame,
    coverage: pd.DataFrame,
    region: str,
    *,
    top: int | None = None,
    min_coverage: float = MIN_COVERAGE,
) -> pd.DataFrame:
    """The regions nearest to ``region``, best first (ties by code).

    Returns
    -------
    pandas.DataFrame
        Index region; columns ``distance``, ``similarity``, ``coverage`` (the pair's ``W``) and
        ``rank`` (1 = nearest). Only pairs with ``coverage >= min_coverage`` are ranked.
    """
    frame = pd.DataFrame({"distance": distance[region], "coverage": coverage[region]})
    frame = frame.drop(index=region)
    frame = frame[(frame["coverage"] >= min_coverage - 1e-12) & frame["distance"].notna()]
    frame = frame.assign(similarity=similarity(frame["distance"]), code=frame.index)
    frame = frame.sort_values(["distance", "code"]).drop(columns="code")
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.head(top) if top is not None else frame


def contributions(z: pd.DataFrame, weights: pd.Series, a: str, b: str) -> pd.DataFrame:
    """Each indicator's part of the squared distance between regions ``a`` and ``b``.

    .. math:: c_i = \\frac{w_i}{W_{ab}} (z_{ai} - z_{bi})^2, \\qquad \\sum_i c_i = d_{ab}^2

    Returns
    -------
    pandas.DataFrame
        Index indicator; columns ``z_a``, ``z_b``, ``weight`` (renormalised, NaN where either
        region lacks the indicator), ``contribution`` and ``share`` (``c_i / d²``; 0 when the
        regions are identical), sorted by contribution, largest first, the missing last.
    """
    za, zb = z.loc[a].astype(float), z.loc[b].astype(float)
    w = weights.reindex(z.columns).astype(float)
    both = za.notna() & zb.notna()
    total = float(w[both].sum())
    if total <= 0:
        raise ValidationError(
            "no indicator in common",
            where=f"regions {a!r} and {b!r}",
            expected="two regions sharing at least one indicator",
            found="none shared",
        )
    wn = (w / total).where(both)
    contrib = wn * (za - zb) ** 2
    d2 = float(contrib.sum())
    frame = pd.DataFrame(
        {
            "z_a": za,
            "z_b": zb,
            "weight": wn,
            "contribution": contrib,
            "share": contrib / d2 if d2 > 0 else contrib * 0.0,
        }
    )
    return frame.sort_values("contribution", ascending=False, na_position="last")


def rsca(rca: pd.DataFrame) -> pd.DataFrame:
    """Revealed symmetric comparative advantage, ``(RCA − 1) / (RCA + 1)`` in [−1, 1]
    (Laursen 1998): 0 = the average share, −1 = absent; NaN RCA (0/0) becomes −1 (absent).

    >>> rsca(pd.DataFrame({"x": [1.0, 3.0, 0.0]}))["x"].tolist()
    [0.0, 0.5, -1.0]
    """
    r = rca.astype(float).fillna(0.0)
    return (r - 1.0) / (r + 1.0)


def cosine_to(profiles: pd.DataFrame, region: str) -> pd.Series:
    """Cosine similarity of every region's profile row with ``region``'s (itself left out).

    .. math:: s_{ab} = \\frac{p_a \\cdot p_b}{\\lVert p_a \\rVert \\lVert p_b \\rVert}

    Rows with a zero norm get NaN.
    """
    values = profiles.to_numpy(float)
    target = profiles.loc[region].to_numpy(float)
    norms = np.linalg.norm(values, axis=1) * np.linalg.norm(target)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(norms > 0, values @ target / norms, np.nan)
    return pd.Series(cos, index=profiles.index).drop(index=region)


def rank_scores(scores: pd.Series) -> pd.Series:
    """Scores rank-normalised to [0, 1]: ``1 − (rank − 1) / (n − 1)``, rank 1 = the highest
    score (ties share their mean rank); one region scores 1.

    >>> rank_scores(pd.Series({"a": 0.9, "b": 0.1, "c": 0.5})).to_dict()
    {'a': 1.0, 'b': 0.0, 'c': 0.5}
    """
    n = len(scores)
    if n <= 1:
        return pd.Series(1.0, index=scores.index)
    ranks = scores.rank(ascending=False, method="average")
    return 1.0 - (ranks - 1.0) / (n - 1.0)


def combine_ranks(measures: Mapping[str, pd.Series]) -> pd.DataFrame:
    """The mean of the rank-normalised scores of several measures, over the regions every
    measure scores.

    Returns
    -------
    pandas.DataFrame
        Index region; one rank-score column per measure and ``score`` (their mean), best first
        (ties by code).
    """
    common = None
    for series in measures.values():
        idx = series.dropna().index
        common = idx if common is None else common.intersection(idx)
    common = common if common is not None else pd.Index([])
    frame = pd.DataFrame(
        {name: rank_scores(series.reindex(common)) for name, series in measures.items()},
        index=common,
    )
    frame["score"] = frame.mean(axis=1) if len(frame.columns) else []
    frame = frame.assign(code=frame.index).sort_values(["score", "code"], ascending=[False, True])
    return frame.drop(columns="code")


def jaccard(a: Sequence[str] | set[str], b: Sequence[str] | set[str]) -> float:
    """``|A ∩ B| / |A ∪ B|`` (1 for two empty sets).

    >>> jaccard(["a", "b", "c"], ["b", "c", "d"])
    0.5
    """
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


@dataclass(frozen=True)
class Stability:
    """Mean Jaccard overlap of each region's top-k neighbours under resampling.

    ``per_region`` has one row per region compared and one column per mode (``indicators``,
    ``noise``, ``both``); ``summary`` the mean over regions per mode.
    """

    k: int
    draws: int
    noise: float
    per_region: pd.DataFrame
    summary: dict[str, float]


def _top_sets(distance: pd.DataFrame, coverage: pd.DataFrame, k: int) -> dict[str, set[str]]:
    """Each region's k nearest regions (comparable pairs only; ties by code)."""
    d = distance.where(coverage >= MIN_COVERAGE - 1e-12)
    codes = d.index.to_numpy()
    values = d.to_numpy(float).copy()
    np.fill_diagonal(values, np.nan)
    order = np.argsort(codes)  # stable code order for ties
    values, codes = values[:, order], codes[order]
    out = {}
    for row, region in zip(values, d.index[order], strict=True):
        row = np.where(np.isnan(row), np.inf, row)
        nearest = np.argsort(row, kind="stable")[:k]
        out[str(region)] = {str(codes[j]) for j in nearest if np.isfinite(row[j])}
    return out


def stability(
    table: pd.DataFrame,
    dimensions: Mapping[str, str],
    transforms: Mapping[str, str],
    *,
    regions: Sequence[str] | None = None,
    k: int = 10,
    draws: int = 50,
    noise: float = 0.1,
    seed: int = 0,
) -> Stability:
    """How stable the top-k neighbour sets are when the indicators or their values change.

    Three resamplings, ``draws`` times each, against the original top-k set of every region:

    - ``indicators``: bootstrap of the indicators within each dimension (draw ``n_d`` of the
      dimension's ``n_d`` indicators with replacement; a drawn indicator's weight is
      ``1/D · count/n_d``, so each dimension keeps weight 1/D);
    - ``noise``: every raw value multiplied by ``1 + ε``, ``ε ~ U(−noise, noise)``, then
      transformed and standardised again;
    - ``both``: the two together.

    The score is the mean Jaccard overlap ``|A ∩ A'| / |A ∪ A'|`` of the original and the
    resampled sets (1 = the same neighbours every time).
    """
    rng = np.random.default_rng(seed)
    base_w = indicator_weights(dimensions)
    z0 = standardise(table, transforms)
    keep = region_coverage(z0, base_w) >= MIN_COVERAGE
    compared = table.index[keep.to_numpy()]
    table = table.loc[compared]
    z0 = z0.loc[compared]
    targets = [r for r in (regions or list(compared)) if r in set(compared)]
    base = _top_sets(*distance_matrix(z0, base_w), k)
    by_dim: dict[str, list[str]] = {}
    for key, dim in dimensions.items():
        by_dim.setdefault(dim, []).append(key)
    scores: dict[str, dict[str, list[float]]] = {
        m: {r: [] for r in targets} for m in ("indicators", "noise", "both")
    }

    def resampled_weights() -> pd.Series:
        w = pd.Series(0.0, index=list(dimensions))
        for keys in by_dim.values():
            drawn = rng.choice(len(keys), size=len(keys), replace=True)
            for j in drawn:
                w[keys[j]] += 1.0 / (len(by_dim) * len(keys))
        return w

    def noisy_z() -> pd.DataFrame:
        cols = list(transforms)
        factor = 1.0 + rng.uniform(-noise, noise, size=(len(table), len(cols)))
        return standardise(table[cols].astype(float) * factor, transforms)

    for _ in range(draws):
        runs = {
            "indicators": (z0, resampled_weights()),
            "noise": (noisy_z(), base_w),
            "both": (noisy_z(), resampled_weights()),
        }
        for mode, (z, w) in runs.items():
            sets = _top_sets(*distance_matrix(z, w), k)
            for r in targets:
                scores[mode][r].append(jaccard(base[r], sets[r]))
    per_region = pd.DataFrame(
        {m: {r: float(np.mean(v)) for r, v in by_r.items()} for m, by_r in scores.items()}
    )
    summary = {m: float(per_region[m].mean()) for m in per_region.columns}
    return Stability(k=k, draws=draws, noise=noise, per_region=per_region, summary=summary)
