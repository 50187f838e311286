"""The learned scores in backtests and recommendations.

:func:`backtest` is :func:`smartspec.core.validation.backtest` with the model-based scores
added: each is fitted at the base period on the windows observed by then, so a backtest of the
window ``base -> end`` never sees ``end``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.core._steps import Steps
from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix
from smartspec.core.validation import BASELINES, SCORES, Backtest
from smartspec.core.validation import backtest as core_backtest

from .explain import explain
from .features import learned_relatedness, pair_features
from .model import EntryModel, fit_entry_model, training_windows, window_labels

__all__ = ["MODEL_SCORES", "backtest", "feasibility", "recommend"]

#: Scores fitted on earlier windows. ``learned``: the gradient-boosted model;
#: ``learned_no_size``: the same without region-size features; ``logistic``: the transparent
#: baseline; ``learned_density``: relatedness learned from earlier entries; ``similar_density``:
#: the share of the most similar regions specialised in the activity (no fitting).
MODEL_SCORES = ("learned", "learned_no_size", "logistic", "learned_density", "similar_density")
#: Scores that are calibrated probabilities (their calibration curves are reported).
PROBABILITIES = ("learned", "learned_no_size", "logistic")
_OPTIONS = ("profile", "presence", "threshold", "population", "knn", "proximity")


def backtest(
    m: ActivityMatrix,
    *,
    scores: Sequence[str] = ("density", "learned", "logistic"),
    definition: str = "strict",
    kind: Literal["entry", "exit"] = "entry",
    seed: int = 0,
    **params: Any,
) -> Backtest:
    """Backtest core and learned scores in one run (same pairs, same region resamples).

    Parameters
    ----------
    m : ActivityMatrix
    scores : sequence of str
        From :data:`smartspec.core.validation.SCORES` and :data:`MODEL_SCORES`.
    definition : {"strict", "loose"}
        The entry definition of the backtest and of the models' training labels.
    kind : {"entry", "exit"}
        Entries, or exits (the models are then trained on earlier exits).
    seed : int
        Seeds the models, the random baseline and the bootstrap.
    **params
        Everything else :func:`smartspec.core.validation.backtest` takes.

    Returns
    -------
    Backtest
        With ``margins`` (ROC-AUC and region precision@k): every model score against
        ``max(density, ubiquity)``, ``learned`` against ``density`` and ``logistic``;
        ``calibration`` for the probabilities; ``summary["models"]``: each model's training
        windows and chosen hyper-parameters.
    """
    unknown = [s for s in scores if s not in SCORES and s not in MODEL_SCORES]
    if unknown:
        raise ValidationError(
            "unknown score",
            expected=f"scores from {', '.join((*SCORES, *MODEL_SCORES))}",
            found=", ".join(map(repr, unknown)),
        )
    options = {k: params[k] for k in _OPTIONS if params.get(k) is not None}
    fitted: dict[str, dict[str, Any]] = {}
    shared: dict[str, Steps] = {}

    def steps() -> Steps:
        if "steps" not in shared:
            shared["steps"] = Steps(m, **options)
        return shared["steps"]

    def scorer(name: str):
        def score(mm: ActivityMatrix, p0: int, p1: int, pairs: pd.DataFrame) -> np.ndarray:
            grid = _score_grid(name, steps(), p0, p1 - p0, definition, kind, seed, fitted)
            r = m.regions.get_indexer(pairs["region"])
            a = m.activities.get_indexer(pairs["activity"])
            return grid[r, a]

        return score

    model_scores = [s for s in scores if s in MODEL_SCORES]
    baselines = params.pop("baselines", BASELINES)
    margins: list[tuple[str, Sequence[str]]] = [(s, ("density", "ubiquity")) for s in model_scores]
    if "learned" in model_scores:
        margins.append(("learned", ("density",)))
    if "learned" in model_scores and "logistic" in model_scores:
        margins.append(("learned", ("logistic",)))
    bt = core_backtest(
        m,
        scores=[s for s in scores if s in SCORES],
        baselines=baselines,
        definition=definition,
        kind=kind,
        extra={s: scorer(s) for s in model_scores},
        probabilities=[s for s in model_scores if s in PROBABILITIES],
        margins=margins,
        seed=seed,
        **params,
    )
    bt.summary["models"] = fitted
    return bt


def _score_grid(
    name: str,
    steps: Steps,
    p0: int,
    horizon: int,
    definition: str,
    kind: Literal["entry", "exit"],
    seed: int,
    fitted: dict[str, dict[str, Any]],
) -> np.ndarray:
    """The ``(regions, activities)`` values of a model score at position ``p0`` (for exits,
    the evidence scores turned around: higher means more likely to exit)."""
    m = steps.m
    sign = 1.0 if kind == "entry" else -1.0
    if name == "similar_density":
        return sign * pair_features(steps, p0)["similar_density"]
    if name == "learned_density":
        windows = training_windows(steps, p0, horizon, kind=kind, definition=definition)
        if not windows:
            return np.full(m.shape[1:], np.nan)
        w = learned_relatedness(steps.presence, windows)
        M = steps.presence[p0]
        n = M.sum(axis=1, keepdims=True)
        fitted[name] = {"windows": window_labels(m, windows, horizon)}
        # learned from exits when kind="exit": already higher for more likely exits
        return np.divide(M @ w, n, out=np.full(M.shape, np.nan), where=n > 0)
    method: Literal["learned", "logistic"] = "logistic" if name == "logistic" else "learned"
    model = fit_entry_model(
        m,
        base=m.periods[p0],
        horizon=horizon,
        method=method,
        kind=kind,
        definition=definition,
        size_features=name != "learned_no_size",
        seed=seed,
        steps=steps,
    )
    fitted[name] = describe(model)
    return model.grid()


def describe(model: EntryModel) -> dict[str, Any]:
    """What a fitted model was trained on and how its hyper-parameters were chosen."""
    sel = model.selection
    return {
        "method": model.method,
        "definition": model.definition,
        "features": list(model.features),
        "params": model.params,
        "selection": sel["scheme"].iloc[0] if len(sel) else None,
        "calibration": list(model.calibration),
        **model.training,
    }


def feasibility(
    m: ActivityMatrix,
    *,
    periods: Sequence[Hashable] | None = None,
    seed: int = 0,
    **options: Any,
) -> np.ndarray:
    """The learned probability of entry as the framework's feasibility axis.

    One model per period in ``periods`` (default: the last), each trained on the windows
    observed by that period; ``(periods, regions, activities)``, NaN in the other periods. Pass
    it to :func:`smartspec.core.framework.framework` as ``feasibility=``.
    """
    out = np.full(m.shape, np.nan)
    steps = Steps(m, **{k: v for k, v in options.items() if v is not None})
    for period in periods if periods is not None else [m.periods[-1]]:
        model = fit_entry_model(m, base=period, seed=seed, steps=steps)
        out[m.period_position(period)] = model.grid()
    return out


def recommend(
    m: ActivityMatrix,
    *,
    period: Hashable | None = None,
    region: Hashable | None = None,
    top: int = 5,
    seed: int = 0,
    model: EntryModel | None = None,
    names: dict[Any, str] | None = None,
    region_names: dict[Any, str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The activities each region (or one) is most likely to enter next, with the reasons.

    The learned model is trained on every one-period window observed by ``period`` (strict
    entries) and scores the region's candidates at ``period``.

    Returns
    -------
    pandas.DataFrame
        ``region, activity, rank, probability, factors, related, similar, explanation``
        (see :func:`smartspec.learn.explain.explain`), ``top`` rows per region.
    """
    model = model or fit_entry_model(m, base=period, seed=seed, **options)
    steps = model.steps
    t = m.period_position(model.base)
    prob = np.where(steps.candidates[t], model.grid(), np.nan)
    rows = [m.regions.get_loc(region)] if region is not None else range(m.n_regions)
    picks = []
    for r in rows:
        ok = np.flatnonzero(np.isfinite(prob[r]))
        best = ok[np.argsort(-prob[r, ok], kind="stable")[:top]]
        picks += [(m.regions[r], m.activities[a], i + 1) for i, a in enumerate(best)]
    pairs = pd.DataFrame(picks, columns=["region", "activity", "rank"])
    if pairs.empty:
        return pairs.assign(probability=[], factors=[], related=[], similar=[], explanation=[])
    out = explain(model, pairs, names=names, region_names=region_names)
    out.insert(2, "rank", pairs["rank"].to_numpy())
    return out
