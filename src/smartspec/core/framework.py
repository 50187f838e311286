"""The smart-specialisation framework of Balland, Boschma, Crespo & Rigby (2019).

For each region, every candidate activity (one it does not yet specialise in) is placed by its
relatedness density (how close it is to what the region already does: the risk of the move) and
its complexity (how valuable it would be), and the plane is cut into four quadrants. The
region-level view counts and averages the candidates of each region.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._steps import PresenceMethod, Steps
from .errors import ValidationError
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["QUADRANTS", "Framework", "framework"]

#: Quadrant codes and their meaning (Balland et al. 2019, Fig. 1).
QUADRANTS: dict[str, str] = {
    "high_density_high_complexity": "most attractive: related and complex (low risk, high gain)",
    "high_density_low_complexity": "safe: related but less complex (low risk, low gain)",
    "low_density_high_complexity": "ambitious: complex but unrelated (high risk, high gain)",
    "low_density_low_complexity": "least attractive: unrelated and less complex",
}

Cutoff = Literal["mean", "median"] | float


@dataclass(frozen=True)
class Framework:
    """Candidates and region-level view of the smart-specialisation framework.

    Attributes
    ----------
    candidates : pandas.DataFrame
        One row per (period, region, candidate activity): ``period, region, activity, value,
        rca, density, complexity, density_cutoff, complexity_cutoff, quadrant``.
    regions : pandas.DataFrame
        One row per (period, region): the number of candidates in each quadrant, the mean
        density and complexity of the candidates, and of the most attractive ones.
    settings : dict
        Cut-off rule, its scope and the complexity measure.
    """

    candidates: pd.DataFrame
    regions: pd.DataFrame
    settings: dict[str, object]

    def region(self, region: Hashable, period: Hashable | None = None) -> pd.DataFrame:
        """The candidates of one region (latest period by default), most attractive first."""
        c = self.candidates
        if period is None:
            period = c["period"].iloc[-1] if len(c) else None
        sub = c[(c["region"] == region) & (c["period"] == period)]
        order = list(QUADRANTS)
        axis = "probability" if "probability" in sub else "density"
        return (
            sub.assign(_q=sub["quadrant"].map(order.index))
            .sort_values(["_q", axis, "complexity"], ascending=[True, False, False])
            .drop(columns="_q")
        )


def framework(
    m: ActivityMatrix,
    *,
    density_cutoff: Cutoff = "mean",
    complexity_cutoff: Cutoff = "mean",
    scope: Literal["region", "period"] = "region",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
    sign: str | None = None,
    income: pd.Series | None = None,
    feasibility: np.ndarray | None = None,
) -> Framework:
    """Place every candidate activity of every region by relatedness density and complexity.

    Parameters
    ----------
    m : ActivityMatrix
    density_cutoff, complexity_cutoff : {"mean", "median"} or float
        Where the plane is cut: the mean (Balland et al.'s choice) or median of the candidates,
        or a fixed value (e.g. ``complexity_cutoff=0`` for PCI above average).
    scope : {"region", "period"}
        Cut-offs computed over each region's own candidates (default: the region's choice
        set) or over all candidates of all regions in the period (a common yardstick).
    presence, threshold, population, knn, proximity, profile, sign, income
        As in :func:`smartspec.analyse`.
    feasibility : numpy.ndarray, optional
        ``(periods, regions, activities)`` probabilities of entry (e.g. from
        :func:`smartspec.learn.feasibility`) used as the feasibility axis instead of density:
        the candidates get a ``probability`` column, ``high_density`` means a probability at
        or above the density cut-off rule, and pairs without a probability are left out.

    Returns
    -------
    Framework

    Notes
    -----
    A candidate of region :math:`r` is an activity :math:`a` with :math:`M_{ra} = 0` and a
    defined relatedness density :math:`d_{ra}` (Hidalgo et al. 2007) and complexity
    :math:`PCI_a`, in a period where the region has data, whose cell is not missing
    (suppressed) and which other regions have: a region without data has no candidates.
    Quadrant: ``high_density`` when :math:`d_{ra} \\geq c_d`, ``high_complexity``
    when :math:`PCI_a \\geq c_c`.

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J., & Rigby, D. L. (2019). Smart specialization policy
    in the European Union: relatedness, knowledge complexity and regional diversification.
    Regional Studies, 53(9), 1252-1268. doi:10.1080/00343404.2018.1437900

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> fw = framework(toy())
    >>> sorted(fw.candidates["quadrant"].unique())[:1]
    ['high_density_high_complexity']
    >>> list(fw.regions.columns)[:3]
    ['period', 'region', 'candidates']
    """
    for name, cut in (("density_cutoff", density_cutoff), ("complexity_cutoff", complexity_cutoff)):
        if not (cut in ("mean", "median") or isinstance(cut, int | float)):
            raise ValidationError(
                f"unknown {name} {cut!r}", expected="'mean', 'median' or a number", found=repr(cut)
            )
    if scope not in ("region", "period"):
        raise ValidationError(
            f"unknown scope {scope!r}", expected="'region' or 'period'", found=repr(scope)
        )
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        population=population,
        knn=knn,
        proximity=proximity,
        sign=sign,
        income=income,
    )
    P, R, A = m.shape
    density = steps.density
    pci = np.broadcast_to(steps.pci[:, None, :], (P, R, A))
    candidate = steps.candidates & np.isfinite(density) & np.isfinite(pci)
    if feasibility is not None:
        if np.shape(feasibility) != (P, R, A):
            raise ValidationError(
                "the feasibility array must have one value per period, region and activity",
                expected=f"shape {(P, R, A)}",
                found=f"shape {np.shape(feasibility)}",
            )
        candidate &= np.isfinite(feasibility)
    p_idx, r_idx, a_idx = np.nonzero(candidate)
    cand = pd.DataFrame(
        {
            "period": m.periods.take(p_idx),
            "region": m.regions.take(r_idx),
            "activity": m.activities.take(a_idx),
            "value": steps.values[p_idx, r_idx, a_idx],
            "rca": steps.rca[p_idx, r_idx, a_idx],
            "density": density[p_idx, r_idx, a_idx],
            "complexity": pci[p_idx, r_idx, a_idx],
        }
    )
    axis = "density"
    if feasibility is not None:
        axis = "probability"
        cand["probability"] = np.asarray(feasibility)[p_idx, r_idx, a_idx]
    keys = ["period", "region"] if scope == "region" else ["period"]
    groups = cand.groupby(keys, sort=False)
    cand["density_cutoff"] = _cut(groups[axis], density_cutoff)
    cand["complexity_cutoff"] = _cut(groups["complexity"], complexity_cutoff)
    high_d = cand[axis] >= cand["density_cutoff"]
    high_c = cand["complexity"] >= cand["complexity_cutoff"]
    cand["quadrant"] = np.select(
        [high_d & high_c, high_d & ~high_c, ~high_d & high_c],
        list(QUADRANTS)[:3],
        default=list(QUADRANTS)[3],
    )
    return Framework(
        candidates=cand,
        regions=_region_view(m, cand),
        settings={
            "density_cutoff": density_cutoff,
            "complexity_cutoff": complexity_cutoff,
            "scope": scope,
            "complexity": f"pci ({steps.profile.name} profile)",
            "feasibility": "learned probability" if feasibility is not None else "density",
        },
    )


def _cut(grouped: pd.core.groupby.SeriesGroupBy, rule: Cutoff) -> pd.Series | float:
    if rule in ("mean", "median"):
        return grouped.transform(rule)
    return float(rule)


def _region_view(m: ActivityMatrix, cand: pd.DataFrame) -> pd.DataFrame:
    """Counts per quadrant and mean position of each region's candidates (every region kept)."""
    grid = pd.MultiIndex.from_product([m.periods, m.regions], names=["period", "region"])
    g = cand.groupby(["period", "region"], sort=False)
    out = pd.DataFrame(index=grid)
    out["candidates"] = g.size().reindex(grid).fillna(0).astype("int64")
    counts = cand.pivot_table(
        index=["period", "region"], columns="quadrant", values="activity", aggfunc="count"
    )
    for q in QUADRANTS:
        col = counts[q] if q in counts else pd.Series(dtype=float)
        out[f"n_{q}"] = col.reindex(grid).fillna(0).astype("int64")
    out["mean_density"] = g["density"].mean().reindex(grid)
    out["mean_complexity"] = g["complexity"].mean().reindex(grid)
    best = cand[cand["quadrant"] == "high_density_high_complexity"]
    out["mean_complexity_most_attractive"] = (
        best.groupby(["period", "region"])["complexity"].mean().reindex(grid)
    )
    return out.reset_index()
