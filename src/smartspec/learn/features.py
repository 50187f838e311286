"""Features of a (region, activity) pair in one period, read only from that period and earlier.

Every feature is an ``(regions, activities)`` array computed from the cached pipeline
(:class:`smartspec.core._steps.Steps`) at period ``t``; nothing after ``t`` is read, so a model
trained on earlier windows and applied at ``t`` sees no future.
"""

from __future__ import annotations

import numpy as np

from smartspec.core._steps import Steps

__all__ = [
    "FEATURES",
    "LOGISTIC_FEATURES",
    "SIZE_FEATURES",
    "learned_relatedness",
    "pair_features",
    "similar_regions",
]

#: Every feature and what it says, in the words a policy officer reads.
FEATURES: dict[str, str] = {
    "density": "its relatedness to the region's current specialisations",
    "ubiquity": "the number of regions specialised in it",
    "log_rca": "its presence in the region (RCA)",
    "rca_change": "the change of the region's advantage in it since the previous period",
    "rca_before": "the region's highest advantage in it so far",
    "similar_density": "the share of similar regions specialised in it",
    "similar_rca": "its strength in regions with a similar profile",
    "log_share": "its share of the region's total",
    "activity_size": "its size across all regions",
    "activity_growth": "its growth across all regions since the previous period",
    "cell_growth": "its growth in the region since the previous period",
    "density_rel": "its relatedness compared with the region's other candidates",
    "log_rca_rel": "its presence compared with the region's other candidates",
    "similar_density_rel": "its share of similar regions compared with the region's "
    "other candidates",
    "cell_growth_rel": "its growth in the region compared with the other candidates",
    "rca_before_rel": "its earlier advantage compared with the region's other candidates",
    "pci": "its complexity (PCI)",
    "cog": "the complexity it would add (complexity outlook gain)",
    "region_size": "the region's size (its total)",
    "cell_size": "its size in the region",
    "diversity": "the region's number of specialisations",
    "region_growth": "the region's growth since the previous period",
}
#: Features that know how big the region is: the learned score is also reported without them.
SIZE_FEATURES = ("region_size", "cell_size", "diversity", "region_growth")
#: The transparent baseline: a logistic regression on these.
LOGISTIC_FEATURES = ("density", "ubiquity", "log_rca", "diversity")
#: Features whose effect on entry is constrained to be non-decreasing (exits: non-increasing).
MONOTONE = ("density", "ubiquity", "log_rca", "similar_density")
#: Features also given relative to the region's other candidates (minus their mean): the
#: ranking within a region, not only across regions.
RELATIVE = ("density", "log_rca", "similar_density", "cell_growth", "rca_before")
#: Similar regions used for ``similar_density``.
K_SIMILAR = 10
_EPS = 0.01


def similar_regions(rca: np.ndarray, k: int = K_SIMILAR) -> np.ndarray:
    """The ``k`` regions most similar to each region, ``(regions, k)`` positions, most similar
    first: cosine similarity of the profiles ``log(1 + min(RCA, 5))`` (missing cells as 0).

    The cap keeps one extreme specialisation from deciding the neighbours.
    """
    z = np.log1p(np.minimum(np.nan_to_num(rca, nan=0.0), 5.0))
    norm = np.linalg.norm(z, axis=1, keepdims=True)
    z = np.divide(z, norm, out=np.zeros_like(z), where=norm > 0)
    sim = z @ z.T
    np.fill_diagonal(sim, -np.inf)
    k = max(1, min(int(k), rca.shape[0] - 1))
    return np.argsort(-sim, axis=1, kind="stable")[:, :k]


def _log_rca(x: np.ndarray) -> np.ndarray:
    return np.log(np.nan_to_num(x, nan=0.0) + _EPS)


def pair_features(steps: Steps, t: int, *, k_similar: int = K_SIMILAR) -> dict[str, np.ndarray]:
    """Every feature of :data:`FEATURES` for every pair at period position ``t``.

    Changes since the previous period are 0 in the first period of the panel.
    """
    _, R, A = steps.m.shape
    values = np.nan_to_num(steps.values[t], nan=0.0)
    rca, M = steps.rca, steps.mask
    region_total = values.sum(axis=1)
    activity_total = values.sum(axis=0)
    log_rca = _log_rca(rca[t])
    if t > 0:
        before = np.nan_to_num(steps.values[t - 1], nan=0.0)
        rca_change = log_rca - _log_rca(rca[t - 1])
        activity_growth = np.log1p(activity_total) - np.log1p(before.sum(axis=0))
        region_growth = np.log1p(region_total) - np.log1p(before.sum(axis=1))
        cell_growth = np.log1p(values) - np.log1p(before)
    else:
        rca_change = cell_growth = np.zeros((R, A))
        activity_growth, region_growth = np.zeros(A), np.zeros(R)
    near = similar_regions(rca[t], k_similar)
    share = np.divide(
        values, region_total[:, None], out=np.zeros_like(values), where=region_total[:, None] > 0
    )

    def by_region(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x[:, None], (R, A))

    def by_activity(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x[None, :], (R, A))

    out = {
        "density": np.nan_to_num(steps.density[t], nan=0.0),
        "ubiquity": by_activity(steps.ubiquity[t]),
        "log_rca": log_rca,
        "rca_change": rca_change,
        "rca_before": np.nan_to_num(
            np.nanmax(np.where(np.isfinite(rca[: t + 1]), rca[: t + 1], -np.inf), axis=0),
            neginf=0.0,
        ),
        "similar_density": M[t][near].mean(axis=1),
        "similar_rca": _log_rca(np.nan_to_num(rca[t], nan=0.0)[near].mean(axis=1)),
        "log_share": np.log(share + 1e-6),
        "activity_size": by_activity(np.log1p(activity_total)),
        "activity_growth": by_activity(activity_growth),
        "cell_growth": cell_growth,
        "pci": by_activity(np.nan_to_num(steps.pci[t], nan=0.0)),
        "cog": np.nan_to_num(steps.cog[t], nan=0.0),
        "region_size": by_region(np.log1p(region_total)),
        "cell_size": np.log1p(values),
        "diversity": by_region(steps.diversity[t]),
        "region_growth": by_region(region_growth),
    }
    candidate = ~M[t]
    n = np.maximum(candidate.sum(axis=1, keepdims=True), 1)
    for name in RELATIVE:
        x = out[name]
        out[f"{name}_rel"] = x - np.where(candidate, x, 0.0).sum(axis=1, keepdims=True) / n
    return {name: out[name] for name in FEATURES}


def learned_relatedness(
    presence: np.ndarray,
    windows: list[tuple[int, np.ndarray, np.ndarray]],
    *,
    prior: float = 1.0,
) -> np.ndarray:
    """Relatedness learned from earlier entries: how much more often regions that had
    activity ``a'`` entered ``b`` than regions at risk of ``b`` in general.

    .. math:: w_{a'b} = \\log \\frac{(E_{a'b} + \\alpha q_b) / (N_{a'b} + \\alpha)}{q_b}

    with :math:`N_{a'b}` the at-risk pairs of ``b`` whose region had ``a'`` at the window's
    start, :math:`E_{a'b}` those that entered, :math:`q_b` the entry rate of ``b`` (shrunk to
    the overall rate) and :math:`\\alpha` the prior weight. The learned density of a pair is the
    mean of :math:`w_{a'b}` over the region's present activities (Neffke & Henning 2013 learn
    relatedness from flows; here from the entries themselves).

    Parameters
    ----------
    presence : numpy.ndarray
        Presence ``(periods, regions, activities)`` as 0/1.
    windows : list of (start position, at_risk, event)
        The training windows' at-risk pairs and events, ``(regions, activities)`` each.
    prior : float
        Weight :math:`\\alpha` of the shrinkage towards the activity's own entry rate.

    Returns
    -------
    numpy.ndarray
        ``(activities, activities)`` weights, rows the present activity, columns the target.
    """
    A = presence.shape[2]
    N = np.zeros((A, A))
    E = np.zeros((A, A))
    risk_b = np.zeros(A)
    event_b = np.zeros(A)
    for s, at_risk, event in windows:
        M = presence[s]
        risk, hit = at_risk.astype(float), (at_risk & event).astype(float)
        N += M.T @ risk
        E += M.T @ hit
        risk_b += risk.sum(axis=0)
        event_b += hit.sum(axis=0)
    overall = event_b.sum() / max(risk_b.sum(), 1.0)
    rate = (event_b + prior * overall) / (risk_b + prior)
    rate = np.maximum(rate, 1e-9)
    return np.log(((E + prior * rate[None, :]) / (N + prior)) / rate[None, :])
