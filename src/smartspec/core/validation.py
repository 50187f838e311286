"""Backtests of recommendations: how well did the evidence of a base period predict the entries
that actually happened by a later period?

Every (region, activity) pair at risk of entry in the base period is scored (relatedness density,
COG, ...) and the scores are judged against the entries observed at the horizon: ROC-AUC, PR-AUC
(average precision), precision@k over all pairs and within regions, against baselines (ubiquity
alone, random), with cluster-bootstrap confidence intervals over regions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._resampling import Seed, bootstrap, check_count, generator
from ._steps import PresenceMethod
from .dynamics import DEFINITIONS, STRICT_RCA, strict_options, transitions
from .errors import ValidationError
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = [
    "BASELINES",
    "SCORES",
    "Backtest",
    "average_precision",
    "backtest",
    "calibration_curve",
    "precision_at_k",
    "roc_auc",
]

#: Scores computed from the base period (higher = more likely to be entered).
SCORES = ("density", "cog", "pci", "rca_start")
#: Baselines a score must beat.
BASELINES = ("ubiquity", "random")


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve by the Mann-Whitney statistic (ties count one half).

    .. math:: AUC = \\frac{\\sum_{i: y_i = 1} \\mathrm{rank}(s_i) - n_1 (n_1 + 1) / 2}{n_1 n_0}

    Examples
    --------
    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y, dtype=bool)
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the precision-recall curve as average precision, tied scores taken together.

    .. math:: AP = \\sum_k (R_k - R_{k-1}) P_k

    over the distinct score thresholds in decreasing order.

    Examples
    --------
    >>> average_precision(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.8333333333333333
    """
    y = np.asarray(y, dtype=bool)
    n1 = int(y.sum())
    if n1 == 0:
        return float("nan")
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    s, t = np.asarray(score, dtype=float)[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1]
    tp = np.cumsum(t)[last_of_tie]
    predicted = last_of_tie + 1
    precision = tp / predicted
    recall = tp / n1
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision_at_k(y: np.ndarray, score: np.ndarray, k: int) -> float:
    """Expected share of entries among the ``k`` highest-scored pairs, ties broken at random.

    When the ``k``-th place falls inside a group of tied scores, the places left are filled by
    a random draw from that group, whose expected share of entries is the group's share: the
    result does not depend on row order (ubiquity, for one, is constant within an activity).

    .. math:: P@k = \\frac{1}{k}\\left(e_{>} + (k - n_{>})\\frac{e_{=}}{n_{=}}\\right)

    with :math:`n_{>}, e_{>}` the pairs (and entries) scored above the ``k``-th score and
    :math:`n_{=}, e_{=}` those tied with it.

    Examples
    --------
    >>> precision_at_k(np.array([1, 0, 0, 1]), np.array([0.9, 0.5, 0.5, 0.5]), 2)
    0.6666666666666666
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    if y.size == 0:
        return float("nan")
    k = min(int(k), y.size)
    kth = np.sort(s)[::-1][k - 1]
    above, tied = s > kth, s == kth
    n_above = int(above.sum())
    return float((y[above].sum() + (k - n_above) * y[tied].mean()) / k)


def _region_members(groups: np.ndarray) -> list[np.ndarray]:
    """The row positions of each region (``groups``: the region of every row)."""
    codes, uniques = pd.factorize(groups)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(len(uniques))]


def _precision_by_region(
    y: np.ndarray, score: np.ndarray, members: list[np.ndarray], k: int
) -> np.ndarray:
    """Each region's expected precision@k among its own candidates (rows ``members[i]``)."""
    y, score = np.asarray(y, dtype=float), np.asarray(score, dtype=float)
    return np.array([precision_at_k(y[i], score[i], k) for i in members])


def _region_precision(y: np.ndarray, score: np.ndarray, members: list[np.ndarray], k: int) -> float:
    """Mean over regions of :func:`_precision_by_region` (NaN without regions)."""
    values = _precision_by_region(y, score, members, k)
    return float(values.mean()) if len(values) else float("nan")


def _region_precision_at_k(y: np.ndarray, score: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over regions of each region's expected precision@k among its own candidates."""
    return _region_precision(y, score, _region_members(groups), k)


def calibration_curve(y: np.ndarray, probability: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Observed entry rate against predicted probability, in bins of equal counts.

    Returns ``bin, n, predicted, observed``: a calibrated score has ``observed`` close to
    ``predicted`` in every bin (reliability diagram; DeGroot & Fienberg 1983).
    """
    p = np.asarray(probability, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(p)
    p, y = p[keep], y[keep]
    if p.size == 0:
        return pd.DataFrame(columns=["bin", "n", "predicted", "observed"])
    order = np.argsort(p, kind="stable")
    parts = np.array_split(order, min(bins, p.size))
    return pd.DataFrame(
        {
            "bin": np.arange(len(parts)),
            "n": [len(i) for i in parts],
            "predicted": [float(p[i].mean()) for i in parts],
            "observed": [float(y[i].mean()) for i in parts],
        }
    )


@dataclass(frozen=True)
class Backtest:
    """Result of :func:`backtest`.

    Attributes
    ----------
    metrics : pandas.DataFrame
        One row per score and baseline: ``score, kind, roc_auc, roc_auc_low, roc_auc_high,
        pr_auc, pr_auc_low, pr_auc_high, precision_at_<k>, region_precision_at_<k>, lift_at_<k>``.
    curves : pandas.DataFrame
        ``score, curve ("roc" or "pr"), x, y`` for charts.
    pairs : pandas.DataFrame
        Every at-risk pair with its scores and ``event``.
    summary : dict
        Base and end periods, counts, the base entry rate and the settings.
    margins : pandas.DataFrame
        ``score, against, metric, margin, margin_low, margin_high``: a score minus a
        reference (or the best of several, ``"max(density, ubiquity)"``) in ROC-AUC
        (``metric="roc_auc"``) and in region precision at the smallest ``k``
        (``"region_precision_at_<k>"``), each with a paired interval from the same region
        resamples.
    calibration : pandas.DataFrame
        ``score, bin, n, predicted, observed`` for the scores that are probabilities.
    """

    metrics: pd.DataFrame
    curves: pd.DataFrame
    pairs: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    margins: pd.DataFrame = field(default_factory=pd.DataFrame)
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary, metrics and margins (NaN as None)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return frame.astype(object).where(frame.notna(), None).to_dict("records")

        return {
            "summary": self.summary,
            "metrics": records(self.metrics),
            "margins": records(self.margins),
        }


#: A score computed outside the core (a fitted model): given the matrix, the positions of the
#: base and end periods and the at-risk pairs, one value per pair (higher: more likely).
ExtraScore = Callable[[ActivityMatrix, int, int, pd.DataFrame], np.ndarray]


def backtest(
    m: ActivityMatrix,
    *,
    base: Hashable | None = None,
    end: Hashable | None = None,
    horizon: int = 1,
    scores: Sequence[str] = ("density", "cog"),
    baselines: Sequence[str] = BASELINES,
    k: Sequence[int] = (10, 50),
    n_boot: int = 200,
    level: float = 0.95,
    seed: Seed = 0,
    max_rca_before: float | None = None,
    min_rca_after: float | None = None,
    persistence: int = 0,
    definition: str = "loose",
    kind: Literal["entry", "exit"] = "entry",
    extra: Mapping[str, ExtraScore] | None = None,
    probabilities: Sequence[str] = (),
    margins: Sequence[tuple[str, Sequence[str]]] = (),
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
) -> Backtest:
    """Backtest entry predictions from a base period to a later period.

    Parameters
    ----------
    m : ActivityMatrix
        At least two periods.
    base : period label, optional
        The period whose evidence makes the predictions (default: the first).
    end : period label, optional
        The period whose presence is the outcome (default: ``horizon`` periods after ``base``).
    horizon : int
        Periods ahead of ``base`` when ``end`` is not given.
    scores : sequence of str
        Columns of :func:`smartspec.core.dynamics.transitions` used as predictors, from
        ``"density"``, ``"cog"``, ``"pci"``, ``"rca_start"``.
    baselines : sequence of str
        ``"ubiquity"`` (common activities are easier to enter) and/or ``"random"``.
    k : sequence of int
        Cut-offs for precision@k (global) and region precision@k (each region's top k).
    n_boot : int
        Cluster-bootstrap resamples over regions for the confidence intervals.
    level : float
        Confidence level of the intervals.
    seed : int or numpy.random.Generator
        Seeds the random baseline and the bootstrap.
    max_rca_before, min_rca_after, persistence
        Noise filters of :func:`smartspec.core.dynamics.transitions`.
    definition : {"loose", "strict"}
        The entry definition (:data:`smartspec.core.dynamics.DEFINITIONS`). ``strict``: at risk
        only with a base RCA below 0.5 and no presence in any earlier period (no re-entry);
        the entry must persist one more period where the panel has one.
    kind : {"entry", "exit"}
        Entries, or exits: which specialisations are at risk of being lost. For exits the
        evidence scores are turned around (low density, low RCA, low ubiquity: more likely to
        exit), so that higher still means more likely.
    extra : mapping of str to callable, optional
        Scores computed outside the core, e.g. fitted models (:data:`ExtraScore`).
    probabilities : sequence of str
        Scores that are probabilities: their calibration curves are returned.
    margins : sequence of (score, references)
        Margins to report: the score minus the best of the references in ROC-AUC and in region
        precision at the smallest ``k``, each with a paired region-bootstrap interval.
    presence, threshold, population, knn, proximity, profile
        As in :func:`smartspec.analyse`.

    Returns
    -------
    Backtest

    Notes
    -----
    ROC-AUC is the probability that a randomly chosen entry was scored above a randomly chosen
    non-entry (0.5 = no better than chance). PR-AUC is measured against the base rate of
    entries (the PR-AUC of a random score). Intervals: percentile bootstrap resampling whole
    regions, since the pairs of one region are not independent.

    References
    ----------
    Hidalgo, C. A., et al. (2007). Science, 317(5837), 482-487.
    Neffke, F., Henning, M., & Boschma, R. (2011). Economic Geography, 87(3), 237-265.
    Davies, B., & Maré, D. C. (2021). Relatedness, complexity and local growth. Regional
    Studies.

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> bt = backtest(toy(), n_boot=20)
    >>> bt.metrics["score"].tolist()
    ['density', 'cog', 'ubiquity', 'random']
    """
    if definition not in DEFINITIONS:
        raise ValidationError(
            f"unknown entry definition {definition!r}",
            expected=" or ".join(map(repr, DEFINITIONS)),
            found=repr(definition),
            fix="strict: base RCA < 0.5, no re-entry, the entry persists; loose: any entry",
        )
    if m.n_periods < 2:
        raise ValidationError(
            "a backtest needs at least two periods",
            expected="a panel with a base period and a later one",
            found=f"{m.n_periods} period",
            fix="give the data a period column with several years",
        )
    unknown = [s for s in scores if s not in SCORES] + [b for b in baselines if b not in BASELINES]
    if unknown or not (list(scores) or list(baselines)):
        raise ValidationError(
            "unknown score or baseline",
            expected=f"scores from {', '.join(SCORES)}; baselines from {', '.join(BASELINES)}",
            found=", ".join(map(repr, unknown)) or "none",
        )
    n_boot = check_count(n_boot, "n_boot")
    ks = [check_count(x, "k") for x in k]
    p0 = 0 if base is None else m.period_position(base)
    if end is None:
        horizon = check_count(horizon, "horizon")
        p1 = p0 + horizon
        if p1 >= m.n_periods:
            raise ValidationError(
                f"no period {horizon} step(s) after {m.periods[p0]!r}",
                expected=f"horizon <= {m.n_periods - 1 - p0}",
                found=str(horizon),
            )
    else:
        p1 = m.period_position(end)
    pairs = transitions(
        m,
        start=m.periods[p0],
        end=m.periods[p1],
        kind=kind,
        definition=definition,
        max_rca_before=max_rca_before,
        min_rca_after=min_rca_after,
        persistence=persistence,
        presence=presence,
        threshold=threshold,
        population=population,
        knn=knn,
        proximity=proximity,
        profile=profile,
    )
    if kind == "exit":
        for name in ("density", "cog", "pci", "rca_start", "ubiquity"):
            pairs[name] = -pairs[name]
    rng = generator(seed)
    for name, model in (extra or {}).items():
        pairs[name] = np.asarray(model(m, p0, p1, pairs), dtype=float)
    pairs["random"] = rng.random(len(pairs))
    y = pairs["event"].to_numpy().astype(bool)
    members = _region_members(pairs["region"].to_numpy())

    def clustered(statistic):
        def on_regions(picked: np.ndarray) -> float:
            idx = np.concatenate([members[i] for i in picked]) if len(picked) else picked
            return statistic(idx)

        return on_regions

    rows = []
    curves = []
    calibration = [
        calibration_curve(y, pairs[name].to_numpy(dtype=float)).assign(score=name)
        for name in probabilities
        if name in pairs
    ]
    base_rate = float(y.mean()) if y.size else float("nan")
    for name in [*scores, *(extra or {}), *baselines]:
        s = pairs[name].to_numpy(dtype=float)
        s = np.where(np.isfinite(s), s, -np.inf)
        row: dict[str, Any] = {
            "score": name,
            "kind": "baseline" if name in baselines else "score",
            "missing": int((~np.isfinite(pairs[name].to_numpy(dtype=float))).sum()),
        }
        for metric, fn in (("roc_auc", roc_auc), ("pr_auc", average_precision)):
            iv = bootstrap(
                clustered(lambda idx, fn=fn, s=s: fn(y[idx], s[idx])),
                len(members),
                n_resamples=n_boot,
                level=level,
                seed=rng,
            )
            row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = iv.estimate, iv.low, iv.high
        for kk in ks:
            row[f"precision_at_{kk}"] = precision_at_k(y, s, kk)
            row[f"region_precision_at_{kk}"] = _region_precision(y, s, members, kk)
            row[f"lift_at_{kk}"] = row[f"precision_at_{kk}"] / base_rate if base_rate else np.nan
        rows.append(row)
        curves.append(_curves(name, y, s))
    summary = {
        "base": _plain(m.periods[p0]),
        "end": _plain(m.periods[p1]),
        "at_risk": len(pairs),
        "entries": int(y.sum()),
        "entry_rate": base_rate,
        "regions": len(members),
        "n_boot": n_boot,
        "level": level,
        "definition": definition,
        "kind": kind,
        "filters": (
            {"max_rca_before": STRICT_RCA, "no_reentry": True, **_strict_persistence(m, p1)}
            if definition == "strict"
            else {
                "max_rca_before": max_rca_before,
                "min_rca_after": min_rca_after,
                "persistence": persistence,
            }
        ),
    }
    margin_rows = [
        row
        for score, refs in margins
        if score in pairs and all(r in pairs for r in refs)
        for row in _margin(
            pairs, y, members, score, list(refs), n_boot, level, rng, min(ks, default=None)
        )
    ]
    return Backtest(
        pd.DataFrame(rows),
        pd.concat(curves, ignore_index=True),
        pairs,
        summary,
        margins=pd.DataFrame(
            margin_rows,
            columns=["score", "against", "metric", "margin", "margin_low", "margin_high"],
        ),
        calibration=(
            pd.concat(calibration, ignore_index=True)[
                ["score", "bin", "n", "predicted", "observed"]
            ]
            if calibration
            else pd.DataFrame(columns=["score", "bin", "n", "predicted", "observed"])
        ),
    )


def _strict_persistence(m: ActivityMatrix, p1: int) -> dict[str, int]:
    return {"persistence": int(strict_options("entry", p1, m.n_periods - 1)["persistence"])}  # type: ignore[call-overload]


def _margin(
    pairs: pd.DataFrame,
    y: np.ndarray,
    members: list[np.ndarray],
    score: str,
    against: list[str],
    n_boot: int,
    level: float,
    rng: np.random.Generator,
    k: int | None,
) -> list[dict[str, Any]]:
    """``score`` minus the best of ``against`` in ROC-AUC and in region precision@``k``, each
    with a paired interval: every region resample scores all of them."""
    columns = [score, *against]
    values = {
        c: np.where(np.isfinite(v := pairs[c].to_numpy(dtype=float)), v, -np.inf) for c in columns
    }

    def auc_gap(picked: np.ndarray) -> float:
        idx = np.concatenate([members[i] for i in picked]) if len(picked) else picked
        aucs = [roc_auc(y[idx], values[c][idx]) for c in columns]
        return float(aucs[0] - max(aucs[1:]))

    gaps: list[tuple[str, Callable[[np.ndarray], float]]] = [("roc_auc", auc_gap)]
    if k is not None:
        per_region = [_precision_by_region(y, values[c], members, k) for c in columns]

        def precision_gap(picked: np.ndarray) -> float:
            if not len(picked):
                return float("nan")
            means = [v[picked].mean() for v in per_region]
            return float(means[0] - max(means[1:]))

        gaps.append((f"region_precision_at_{k}", precision_gap))
    name = against[0] if len(against) == 1 else f"max({', '.join(against)})"
    rows = []
    for metric, statistic in gaps:
        iv = bootstrap(statistic, len(members), n_resamples=n_boot, level=level, seed=rng)
        rows.append(
            {
                "score": score,
                "against": name,
                "metric": metric,
                "margin": iv.estimate,
                "margin_low": iv.low,
                "margin_high": iv.high,
            }
        )
    return rows


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _curves(name: str, y: np.ndarray, s: np.ndarray, points: int = 101) -> pd.DataFrame:
    """ROC and PR curves at up to ``points`` thresholds (for charts)."""
    order = np.argsort(-s, kind="stable")
    t = y[order]
    tp = np.r_[0, np.cumsum(t)]
    fp = np.r_[0, np.cumsum(~t)]
    n1, n0 = max(int(y.sum()), 1), max(int((~y).sum()), 1)
    pick = np.unique(np.linspace(0, len(t), min(points, len(t) + 1)).astype(int))
    fpr, tpr = fp[pick] / n0, tp[pick] / n1
    kept = pick[pick > 0]  # precision is undefined before the first prediction
    prec = tp[kept] / kept
    return pd.concat(
        [
            pd.DataFrame({"score": name, "curve": "roc", "x": fpr, "y": tpr}),
            pd.DataFrame({"score": name, "curve": "pr", "x": tp[kept] / n1, "y": prec}),
        ],
        ignore_index=True,
    )
