"""Entry (and exit) models trained strictly out of time.

A model that predicts at period ``b`` with horizon ``h`` is trained on every window
``(s, s + h)`` with ``s + h <= b``: only transitions whose outcome is observed by ``b``, with the
labels of the chosen entry definition read from periods up to ``b`` (the persistence check of a
window ending at ``b`` is dropped, since it would need the future). Hyper-parameters are chosen
on those windows too: on the last of them when there are two or more (trained on the earlier
ones), otherwise by 3-fold cross-validation grouped by region.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.core._steps import Steps
from smartspec.core.dynamics import DEFINITIONS, strict_options, window_sets
from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix

from .features import FEATURES, LOGISTIC_FEATURES, MONOTONE, SIZE_FEATURES, pair_features

__all__ = ["GRID", "METHODS", "EntryModel", "fit_entry_model"]

#: ``learned``: gradient-boosted trees on every feature; ``logistic``: the transparent baseline.
METHODS = ("learned", "logistic")
#: Hyper-parameters tried, chosen on earlier windows only.
GRID: tuple[dict[str, float], ...] = tuple(
    {"learning_rate": lr, "min_samples_leaf": leaf} for lr in (0.05, 0.1) for leaf in (50, 200)
)
#: Trees fitted with different seeds and averaged (bagging lowers the variance of small panels).
BAG = 5
_FIXED = {
    "max_iter": 300,
    "max_leaf_nodes": 15,
    "l2_regularization": 1.0,
    "early_stopping": True,
    "validation_fraction": 0.1,
    "n_iter_no_change": 20,
}


@dataclass
class EntryModel:
    """A fitted entry (or exit) model; :meth:`predict` scores every pair of a period.

    Attributes
    ----------
    method : {"learned", "logistic"}
    kind : {"entry", "exit"}
    definition : {"loose", "strict"}
    base : period label
        The period the model predicts from; it was trained on windows ending by it.
    horizon : int
        Periods between a prediction and its outcome.
    features : tuple of str
    params : dict
        The chosen hyper-parameters (empty for ``logistic``).
    selection : pandas.DataFrame
        Every hyper-parameter set tried and its ROC-AUC on the held-out earlier data.
    training : dict
        The training windows, pairs and events.
    """

    method: str
    kind: str
    definition: str
    base: Hashable
    horizon: int
    features: tuple[str, ...]
    steps: Steps = field(repr=False)
    estimators: list[Any] = field(repr=False)
    calibration: tuple[float, float] = (1.0, 0.0)
    params: dict[str, float] = field(default_factory=dict)
    selection: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    training: dict[str, Any] = field(default_factory=dict)
    seed: int = 0

    def frame(self, t: int) -> pd.DataFrame:
        """Features of every pair at period position ``t``, one row per (region, activity)."""
        f = pair_features(self.steps, t)
        return pd.DataFrame({name: np.ravel(f[name]) for name in self.features})

    def probability(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the transition for feature rows ``X``."""
        raw = np.mean(
            [e.predict_proba(X[list(self.features)])[:, 1] for e in self.estimators], axis=0
        )
        if self.method == "logistic":
            return raw
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * _logit(raw) + b)))

    def predict(self, period: Hashable | None = None) -> pd.DataFrame:
        """Probability for every (region, activity) at ``period`` (default: the base):
        ``region, activity, probability`` and the features."""
        m = self.steps.m
        t = m.period_position(self.base if period is None else period)
        X = self.frame(t)
        R, A = m.n_regions, m.n_activities
        out = pd.DataFrame(
            {
                "region": np.repeat(np.asarray(m.regions), A),
                "activity": np.tile(np.asarray(m.activities), R),
            }
        )
        out["probability"] = self.probability(X)
        return pd.concat([out, X], axis=1)

    def grid(self, period: Hashable | None = None) -> np.ndarray:
        """The probabilities at ``period`` as a ``(regions, activities)`` array."""
        m = self.steps.m
        t = m.period_position(self.base if period is None else period)
        return self.probability(self.frame(t)).reshape(m.n_regions, m.n_activities)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _estimator(
    method: str, features: tuple[str, ...], kind: str, seed: int, params: dict[str, float]
) -> Any:
    if method == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    from sklearn.ensemble import HistGradientBoostingClassifier

    sign = 1 if kind == "entry" else -1
    return HistGradientBoostingClassifier(
        random_state=seed,
        monotonic_cst=[sign if f in MONOTONE else 0 for f in features],
        **_FIXED,
        **params,
    )


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    from smartspec.core.validation import roc_auc

    return roc_auc(y, s)


def training_windows(
    steps: Steps, b: int, horizon: int, *, kind: str = "entry", definition: str = "strict"
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Every window ``(s, s + horizon)`` whose outcome is observed by position ``b``, with its
    at-risk pairs and events under ``definition`` (labels read from periods up to ``b``)."""
    out = []
    for s in range(0, b - horizon + 1):
        e = s + horizon
        opts: dict[str, Any] = strict_options(kind, e, b) if definition == "strict" else {}
        at_risk, event = window_sets(steps.presence, steps.rca, s, e, kind=kind, **opts)  # type: ignore[arg-type]
        out.append((s, at_risk, event))
    return out


def _rows(
    steps: Steps, windows: list[tuple[int, np.ndarray, np.ndarray]], features: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    frames, ys, regions, window = [], [], [], []
    for i, (s, at_risk, event) in enumerate(windows):
        f = pair_features(steps, s)
        r, a = np.nonzero(at_risk)
        frames.append(pd.DataFrame({n: f[n][r, a] for n in features}))
        ys.append(event[r, a].astype(int))
        regions.append(r)
        window.append(np.full(len(r), i))
    return (
        pd.concat(frames, ignore_index=True),
        np.concatenate(ys),
        np.concatenate(regions),
        np.concatenate(window),
    )


def fit_entry_model(
    m: ActivityMatrix,
    *,
    base: Hashable | None = None,
    horizon: int = 1,
    method: Literal["learned", "logistic"] = "learned",
    kind: Literal["entry", "exit"] = "entry",
    definition: str = "strict",
    size_features: bool = True,
    seed: int = 0,
    steps: Steps | None = None,
    **options: Any,
) -> EntryModel:
    """Train an entry (or exit) model on the windows observed by ``base``.

    Parameters
    ----------
    m : ActivityMatrix
    base : period label, optional
        The period the model will predict from (default: the last).
    horizon : int
        Periods between a prediction and its outcome (the training windows have this length).
    method : {"learned", "logistic"}
        ``learned``: histogram gradient-boosted trees (scikit-learn) on every feature of
        :data:`smartspec.learn.features.FEATURES`, monotone in density, ubiquity, RCA and the
        density of similar regions, averaged over 5 seeds and calibrated (Platt scaling on
        held-out earlier data); ``logistic``: logistic regression on density, ubiquity, log RCA
        and diversity.
    kind : {"entry", "exit"}
    definition : {"strict", "loose"}
        The entry definition of the training labels (:data:`smartspec.core.dynamics.DEFINITIONS`).
    size_features : bool
        Without them (``False``) the model does not know how big a region is.
    seed : int
        Seeds the trees; the same seed gives the same model.
    steps : Steps, optional
        The pipeline of ``m`` if already computed.
    **options
        ``profile``, ``presence``, ``threshold``, ``population``, ``knn``, ``proximity`` as in
        :func:`smartspec.analyse`.

    Returns
    -------
    EntryModel

    References
    ----------
    Albora, G., Pietronero, L., Tacchella, A., & Zaccaria, A. (2023). Product progression: a
    machine learning approach to forecasting industrial upgrading. Scientific Reports, 13, 1481.
    Platt, J. (1999). Probabilistic outputs for support vector machines. Advances in Large
    Margin Classifiers, 61-74.
    """
    if method not in METHODS:
        raise ValidationError(
            f"unknown model {method!r}", expected=" or ".join(METHODS), found=repr(method)
        )
    if definition not in DEFINITIONS:
        raise ValidationError(
            f"unknown entry definition {definition!r}",
            expected=" or ".join(DEFINITIONS),
            found=repr(definition),
        )
    if int(horizon) != horizon or horizon < 1:
        raise ValidationError(
            "horizon must be a whole number >= 1", expected="e.g. 1", found=repr(horizon)
        )
    steps = steps if steps is not None else Steps(m, **options)
    b = m.n_periods - 1 if base is None else m.period_position(base)
    windows = training_windows(steps, b, horizon, kind=kind, definition=definition)
    if not windows:
        raise ValidationError(
            f"a {method} model needs a window of {horizon} period(s) observed by "
            f"{m.periods[b]!r} to learn from",
            expected=f"a base period at least {horizon} period(s) after the first, "
            f"{m.periods[0]!r}",
            found=repr(m.periods[b]),
            fix="choose a later base period or a shorter horizon",
        )
    features: tuple[str, ...]
    if method == "logistic":
        features = LOGISTIC_FEATURES
    else:
        features = tuple(f for f in FEATURES if size_features or f not in SIZE_FEATURES)
    X, y, regions, window = _rows(steps, windows, features)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValidationError(
            f"no {'entries' if kind == 'entry' else 'exits'} to learn from before {m.periods[b]!r}"
            if y.sum() == 0
            else "every at-risk pair made the transition",
            expected="both outcomes among the training pairs",
            found=f"{int(y.sum())} of {len(y)} pairs",
            fix="use a longer panel or the loose definition",
        )
    training = {
        "windows": window_labels(m, windows, horizon),
        "pairs": len(y),
        "events": int(y.sum()),
    }
    model = EntryModel(
        method,
        kind,
        definition,
        m.periods[b],
        int(horizon),
        features,
        steps,
        [],
        training=training,
        seed=seed,
    )
    lasting = persistence_rate(steps, b, horizon, kind) if definition == "strict" else None
    unchecked = (y == 1) & (window == window.max()) & (windows[-1][0] + horizon == b)
    if lasting is None or not unchecked.any():
        unchecked[:] = False
    else:
        model.training["persistence_rate"] = lasting
    if method == "logistic":
        Xw, yw, w = _expected(X, y, unchecked, lasting)
        model.estimators = [_fit(_estimator(method, features, kind, seed, {}), Xw, yw, w)]
        return model
    held, oof = _select(X, y, regions, window, features, kind, seed)
    model.selection = held
    best = held.sort_values(["roc_auc", "config"], ascending=[False, True]).iloc[0]
    model.params = dict(GRID[int(best["config"])])
    model.estimators = [
        _estimator(method, features, kind, seed * 1000 + i, model.params).fit(X, y)
        for i in range(BAG)
    ]
    mask, raw = oof[int(best["config"])]
    z, yz, w = _expected(pd.DataFrame({"z": _logit(raw)}), y[mask], unchecked[mask], lasting)
    model.calibration = _platt(z["z"].to_numpy(), yz, w)
    return model


def _expected(
    X: pd.DataFrame, y: np.ndarray, unchecked: np.ndarray, lasting: float | None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows, labels and weights where an entry whose persistence is not yet observable counts
    as a lasting entry with the weight ``lasting`` (the earlier windows' persistence rate) and
    as none with the rest: its expected label. The trees rank on the observed labels; the
    calibration (and the logistic baseline) learn the probability of a lasting entry."""
    n = int(unchecked.sum())
    if not n or lasting is None:
        return X, y, np.ones(len(y))
    weight = np.r_[np.where(unchecked, lasting, 1.0), np.full(n, 1 - lasting)]
    return (
        pd.concat([X, X[unchecked]], ignore_index=True),
        np.r_[y, np.zeros(n, dtype=y.dtype)],
        weight,
    )


def _fit(estimator: Any, X: pd.DataFrame, y: np.ndarray, weight: np.ndarray) -> Any:
    """Fit with sample weights (a pipeline passes them to its last step)."""
    if hasattr(estimator, "steps"):
        return estimator.fit(X, y, **{f"{estimator.steps[-1][0]}__sample_weight": weight})
    return estimator.fit(X, y, sample_weight=weight)


def persistence_rate(steps: Steps, b: int, horizon: int, kind: str = "entry") -> float | None:
    """Share of the strict entries (exits) of the windows ending before ``b`` that still held
    one period later: how much an entry whose persistence is not yet observable is worth.
    ``None`` when no window has a later period by ``b``."""
    held = total = 0.0
    for s in range(0, b - horizon):
        e = s + horizon
        opts = strict_options(kind, e, b)
        opts["persistence"] = 0
        at_risk, event = window_sets(steps.presence, steps.rca, s, e, kind=kind, **opts)  # type: ignore[arg-type]
        hit = at_risk & event
        after = steps.mask[e + 1] if kind == "entry" else ~steps.mask[e + 1]
        total += hit.sum()
        held += (hit & after).sum()
    return float(held / total) if total else None


def _select(
    X: pd.DataFrame,
    y: np.ndarray,
    regions: np.ndarray,
    window: np.ndarray,
    features: tuple[str, ...],
    kind: str,
    seed: int,
) -> tuple[pd.DataFrame, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """ROC-AUC of every :data:`GRID` setting on held-out earlier data, and each setting's
    held-out predictions (for the calibration)."""
    last = window == window.max()
    if window.max() > 0 and 0 < y[last].sum() < last.sum():
        folds = [(~last, last)]
        scheme = "last earlier window"
    else:
        fold = np.random.default_rng(seed).permutation(regions.max() + 1)[regions] % 3
        folds = [(fold != i, fold == i) for i in range(3)]
        scheme = "3 folds of regions"
    rows, oof = [], {}
    for c, params in enumerate(GRID):
        raw = np.full(len(y), np.nan)
        for train, test in folds:
            if y[train].sum() == 0:
                continue
            est = _estimator("learned", features, kind, seed, dict(params))
            est.fit(X[train], y[train])
            raw[test] = est.predict_proba(X[test])[:, 1]
        mask = np.isfinite(raw)
        oof[c] = (mask, raw[mask])
        rows.append(
            {
                "config": c,
                **params,
                "scheme": scheme,
                "roc_auc": _auc(y[mask], raw[mask]) if mask.any() else float("nan"),
            }
        )
    return pd.DataFrame(rows), oof


def _platt(z: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``P(y = 1) = 1 / (1 + exp(-(a z + b)))`` fitted on held-out logits."""
    if len(y) == 0 or y.min() == y.max():
        return 1.0, 0.0
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6, max_iter=1000).fit(z.reshape(-1, 1), y, sample_weight=weight)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def plain(x: Any) -> Any:
    """A numpy scalar label as the plain Python value (JSON-ready)."""
    return x.item() if isinstance(x, np.generic) else x


def window_labels(
    m: ActivityMatrix, windows: list[tuple[int, np.ndarray, np.ndarray]], horizon: int
) -> list[list[Any]]:
    """The ``[start, end]`` period labels of training windows."""
    return [[plain(m.periods[s]), plain(m.periods[s + horizon])] for s, _, _ in windows]
