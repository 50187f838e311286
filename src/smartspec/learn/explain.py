"""Why a pair is recommended, in words: ceteris-paribus contrasts of the fitted model.

For a pair with features :math:`x`, the contribution of factor :math:`f` is

.. math:: c_f = \\hat p(x) - \\hat p(x_{f \\leftarrow \\tilde x_f})

the change in the calibrated probability when that factor alone is moved to its median
:math:`\\tilde x_f` over the period's candidates, the others held fixed: a one-point version of
the individual conditional expectation curves of Goldstein et al. (2015), not SHAP values
(contributions need not add up to the probability). Positive contributions are the reasons
for the recommendation. Density is explained by the region's specialisations closest to the
activity (highest proximity), the density of similar regions by the similar regions that have
it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .features import FEATURES, similar_regions
from .model import EntryModel, plain

__all__ = ["RELATED", "SIMILAR", "explain", "sentence"]

#: Factors explained by the region's closest specialisations.
RELATED = ("density", "density_rel")
#: Factors explained by the similar regions that have the activity.
SIMILAR = ("similar_density", "similar_rca", "similar_density_rel")


def explain(
    model: EntryModel,
    pairs: pd.DataFrame,
    *,
    period: Hashable | None = None,
    top: int = 3,
    names: dict[Any, str] | None = None,
    region_names: dict[Any, str] | None = None,
) -> pd.DataFrame:
    """The probability and top contributing factors of each ``(region, activity)`` of ``pairs``.

    Returns
    -------
    pandas.DataFrame
        ``region, activity, probability, factors, related, similar, explanation``:
        ``factors`` lists ``{"factor", "words", "value", "typical", "contribution",
        "direction"}`` (largest first, positive only; ``direction``: the value is ``"above"`` or
        ``"below"`` the typical candidate's), ``related`` the region's specialisations closest
        to the activity, ``similar`` the similar regions specialised in it, ``explanation`` a
        sentence.

    References
    ----------
    Goldstein, A., Kapelner, A., Bleich, J., & Pitkin, E. (2015). Peeking inside the black box:
    visualizing statistical learning with plots of individual conditional expectation. Journal
    of Computational and Graphical Statistics, 24(1), 44-65.
    """
    steps = model.steps
    m = steps.m
    t = m.period_position(model.base if period is None else period)
    A = m.n_activities
    r = m.regions.get_indexer(pairs["region"])
    a = m.activities.get_indexer(pairs["activity"])
    X_all = model.frame(t)
    candidates = np.ravel(steps.candidates[t])
    typical = X_all[candidates].median() if candidates.any() else X_all.median()
    X = X_all.iloc[r * A + a].reset_index(drop=True)
    p = model.probability(X)
    feats = list(model.features)
    moved = pd.concat([X.assign(**{f: typical[f]}) for f in feats], ignore_index=True)
    contrib = (p[None, :] - model.probability(moved).reshape(len(feats), len(X))).T
    near = similar_regions(steps.rca[t])
    phi, mask = steps.phi[t], steps.mask[t]
    rows = []
    for i in range(len(X)):
        order = np.argsort(-contrib[i], kind="stable")[:top]
        factors = [
            {
                "factor": feats[j],
                "words": FEATURES[feats[j]],
                "value": float(X.iat[i, j]),
                "typical": float(typical[feats[j]]),
                "contribution": float(contrib[i, j]),
                "direction": "above" if X.iat[i, j] >= typical[feats[j]] else "below",
            }
            for j in order
            if contrib[i, j] > 0
        ]
        present = np.flatnonzero(mask[r[i]])
        close = present[np.argsort(-phi[present, a[i]], kind="stable")[:2]]
        having = [k for k in near[r[i]] if mask[k, a[i]]][:2]
        rows.append(
            {
                "region": pairs["region"].iloc[i],
                "activity": pairs["activity"].iloc[i],
                "probability": float(p[i]),
                "factors": factors,
                "related": [plain(m.activities[k]) for k in close],
                "similar": [plain(m.regions[k]) for k in having],
            }
        )
    out = pd.DataFrame(
        rows, columns=["region", "activity", "probability", "factors", "related", "similar"]
    )
    out["explanation"] = [
        sentence(row, names=names, region_names=region_names) for row in out.to_dict("records")
    ]
    return out


def sentence(
    row: dict[str, Any],
    *,
    names: dict[Any, str] | None = None,
    region_names: dict[Any, str] | None = None,
) -> str:
    """The reasons of one explained pair in plain English, e.g. "related to your strengths in
    X and Y; common in regions like yours (A, B)"."""
    names = names or {}
    region_names = region_names or {}
    parts: list[str] = []
    for f in row["factors"]:
        code = f["factor"]
        if code in RELATED and row["related"]:
            text = "related to your strengths in " + _and(
                [names.get(x, str(x)) for x in row["related"]]
            )
        elif code in SIMILAR and row["similar"]:
            text = (
                "common in regions like yours ("
                + ", ".join(region_names.get(x, str(x)) for x in row["similar"])
                + ")"
            )
        elif code in RELATED or code in SIMILAR:
            continue
        else:
            text = f"{FEATURES[code]}: {'higher' if f['direction'] == 'above' else 'lower'} than "
            text += "for a typical candidate"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts) if parts else "no factor stands out from the typical candidate"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
