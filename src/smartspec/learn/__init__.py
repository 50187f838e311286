"""Learned recommendations: models of which activities regions enter next, trained strictly out
of time on the panel's own earlier transitions, with calibrated probabilities and reasons in
plain words.

Needs scikit-learn. The pure evidence (:mod:`smartspec.core`) does not import this package.
"""

from .explain import explain, sentence
from .features import FEATURES, LOGISTIC_FEATURES, SIZE_FEATURES, pair_features
from .model import METHODS, EntryModel, fit_entry_model
from .scores import MODEL_SCORES, backtest, describe, feasibility, recommend

__all__ = [
    "FEATURES",
    "LOGISTIC_FEATURES",
    "METHODS",
    "MODEL_SCORES",
    "SIZE_FEATURES",
    "EntryModel",
    "backtest",
    "describe",
    "explain",
    "feasibility",
    "fit_entry_model",
    "pair_features",
    "recommend",
    "sentence",
]
