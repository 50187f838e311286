"""Typed views of the evidence domain: one function per resource, returning a typed result.

The API serialises the result as it is (it is the route's ``response_model``), the dashboard
renders it by direct call, and ``smartspec profile --json`` prints it: a field added here (and
shown in a template) reaches every interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from smartspec.domains.datasets.service import _coverage

from . import methods, service
from .service import _activity_rows, _num, view

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "ActivityHistoryPoint",
    "ActivityProfile",
    "BacktestSummary",
    "ChangeItem",
    "Changes",
    "ComparedActivity",
    "ComparedRegion",
    "Comparison",
    "ComplexityPeriod",
    "ComplexityReport",
    "Cutoffs",
    "Edge",
    "FrameworkCandidate",
    "FrameworkSettings",
    "HistoryPoint",
    "IncomeCorrelation",
    "MapInfo",
    "Network",
    "Node",
    "Overlap",
    "ProfileActivity",
    "QuadrantCount",
    "RegionFramework",
    "RegionProfile",
    "RelatedActivity",
    "Specialisation",
    "SpecialisedRegion",
    "Validation",
    "activity_profile",
    "comparison",
    "complexity_report",
    "network",
    "region_framework",
    "region_profile",
    "validation",
]

Period = int | str
Number = float | None
RankBy = Literal["density", "cog", "pci"]


class MapInfo(BaseModel):
    """How the regions can be mapped."""

    boundaries: str | None = Field(
        None, description="Boundary set of the regions (nuts2021-2, us-states, world) or null."
    )
    region_level: str | None = None


class Specialisation(BaseModel):
    """An activity where a region has presence."""

    activity: str
    activity_name: str | None = None
    value: float
    rca: Number
    pci: Number
    rca_low: Number = Field(
        None, description="Poisson 95% interval of the RCA (null when the values are not counts)."
    )
    rca_high: Number = None
    reliable: bool = Field(
        True, description="The count is large, or the RCA interval excludes the presence threshold."
    )


class ProfileActivity(BaseModel):
    """A diversification opportunity of a region: an activity it lacks, that other regions
    have, whose cell is not suppressed."""

    activity: str
    activity_name: str | None = None
    value: Number = None
    rca: Number = None
    density: Number = None
    pci: Number = None
    cog: Number = None
    reliable: bool = True


class HistoryPoint(BaseModel):
    """A region's complexity in one period."""

    period: Period
    eci: Number
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: Number
    total: float


class ChangeItem(BaseModel):
    """An activity whose presence changed."""

    activity: str
    activity_name: str | None = None
    rca: Number = None
    rca_before: Number = None


class Changes(BaseModel):
    """Activities gained and lost since the previous period."""

    since: Period
    gained: list[ChangeItem]
    lost: list[ChangeItem]


class RegionProfile(BaseModel):
    """A region's evidence profile: what the API answers, the dashboard's region page shows and
    ``smartspec profile --json`` prints (``RegionProfile.to_dict()`` of the core, with names,
    history over every period, changes since the previous period and map information)."""

    dataset: str
    region: str
    region_name: str | None = None
    parent: str | None = None
    period: Period
    value_name: str
    total: float = Field(description="The region's total value in the period.")
    share_of_total: Number = Field(
        None,
        description="The region's share of the dataset's total value in the period "
        "(null when the total is zero or unknown).",
    )
    eci: Number
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: Number
    rank_by: str
    specialisations: list[Specialisation]
    opportunities: list[ProfileActivity]
    history: list[HistoryPoint]
    changes: Changes | None = Field(description="Null for a dataset with one period.")
    map: MapInfo
    has_data: bool = Field(
        True,
        description="False: no data for the region in the period, "
        "so no specialisations and no recommendations.",
    )
    missing_share: Number = Field(
        0.0,
        description="Share of the region's activity cells "
        "suppressed or confidential in the source.",
    )
    hidden: int = Field(
        0,
        description="Cells left out of the lists: counts too small to tell "
        "(show_unreliable=true lists them).",
    )
    notices: list[str] = Field(
        default_factory=list, description="What the reader must know to read the lists."
    )
    complete_period: bool = True
    settings: dict[str, Any] = Field(
        default_factory=dict, description="The sign rule and profile the complexity figures use."
    )
    warnings: list[str] = Field(default_factory=list)


class IncomeCorrelation(BaseModel):
    """Spearman correlation of ECI with the income series in a period, with its 95% interval
    (Fisher z, Bonett-Wright standard error)."""

    n: int | None
    rho: Number
    low: Number
    high: Number


class ComplexityPeriod(BaseModel):
    """The validity checks of one period's complexity ranking."""

    period: Period
    sign_rule: str
    sign_correlation: Number = Field(description="Pearson correlation of ECI with diversity.")
    income_correlation: Number = Field(
        description="Spearman correlation with income when the sign is anchored on it."
    )
    relative_gap: Number = Field(description="(lambda2 - lambda3) / lambda2.")
    income: IncomeCorrelation | None = Field(description="Null without an income series.")
    problems: list[str] = Field(description="Codes of the failed checks (see problems).")
    meaningful: bool


class ComplexityReport(BaseModel):
    """Whether a dataset's complexity ranking means what it says, period by period."""

    dataset: str
    measure: str
    presence: str = Field(description="How presence is decided (rca, rpop...).")
    sign: str
    income_series: dict[str, str] | None = Field(
        description="name, unit and source of the income series; null without one."
    )
    periods: list[ComplexityPeriod]
    problems: dict[str, str] = Field(description="What each problem code means.")
    warnings: list[str] = Field(default_factory=list)


class SpecialisedRegion(BaseModel):
    """A region specialised in an activity."""

    region: str
    region_name: str | None = None
    value: float
    rca: Number
    share: Number = Field(None, description="Share of the activity's total.")


class RelatedActivity(BaseModel):
    """An activity close to another one in the activity space."""

    activity: str
    activity_name: str | None = None
    proximity: Number
    pci: Number


class ActivityHistoryPoint(BaseModel):
    """An activity's complexity in one period."""

    period: Period
    pci: Number
    ubiquity: int
    total: float


class ActivityProfile(BaseModel):
    """An activity's profile: where it is specialised, its complexity, related activities."""

    dataset: str
    activity: str
    activity_name: str | None = None
    parent: str | None = None
    period: Period
    value_name: str
    total: float
    pci: Number
    pci_rank: int | None
    n_ranked: int
    ubiquity: int
    regions: list[SpecialisedRegion]
    related: list[RelatedActivity]
    history: list[ActivityHistoryPoint]


class Node(BaseModel):
    """An activity of the activity space."""

    id: str
    name: str | None = None
    parent: str | None = None
    pci: Number
    ubiquity: int
    total: float
    x: float = Field(description="Layout position in [0, 1].")
    y: float = Field(description="Layout position in [0, 1].")
    present: bool | None = Field(None, description="The region has presence (with ?region=).")
    rca: Number = Field(None, description="The region's RCA (with ?region=).")
    density: Number = Field(None, description="The region's relatedness density (with ?region=).")


class Edge(BaseModel):
    """A proximity link: ``mst`` (maximum spanning tree) or ``extra`` (strongest others)."""

    source: str
    target: str
    proximity: float
    kind: str


class Network(BaseModel):
    """The activity space of one period."""

    dataset: str
    period: Period
    region: str | None = None
    region_name: str | None = None
    nodes: list[Node]
    edges: list[Edge]


class ComparedActivity(BaseModel):
    """An activity in a comparison, with each region's RCA."""

    activity: str
    activity_name: str | None = None
    pci: Number
    rca: dict[str, Number]
    present: dict[str, bool]


class ComparedRegion(BaseModel):
    """One region of a comparison."""

    region: str
    region_name: str | None = None
    eci: Number
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: Number
    total: float
    specialisations: list[Specialisation]


class Overlap(BaseModel):
    """How similar two regions' specialisations are."""

    a: str
    b: str
    shared: int = Field(description="Activities where both have presence.")
    jaccard: Number = Field(description="Shared over the union of their specialisations.")


class Comparison(BaseModel):
    """Several regions side by side in one period."""

    dataset: str
    period: Period
    regions: list[ComparedRegion]
    activities: list[ComparedActivity]
    overlap: list[Overlap]


class FrameworkSettings(BaseModel):
    """How the framework plane was cut."""

    density_cutoff: str | float = Field(description="mean, median or the number given.")
    complexity_cutoff: str | float = Field(description="mean, median or the number given.")
    scope: str = Field(description="region (each region's candidates) or period (all of them).")
    complexity: str = Field(description="The complexity measure (PCI of the profile).")
    feasibility: str = Field(
        "density",
        description="The feasibility axis: density, or learned probability (the entry model's).",
    )


class Cutoffs(BaseModel):
    """Where this region's plane is cut (null without candidates)."""

    density: Number = Field(
        description="The cut of the feasibility axis: density, or the learned probability."
    )
    complexity: Number


class QuadrantCount(BaseModel):
    """One quadrant of the framework, what it means and how many candidates it holds."""

    quadrant: str = Field(examples=["high_density_high_complexity"])
    meaning: str
    count: int


class FrameworkCandidate(BaseModel):
    """An activity the region does not specialise in yet, placed in the plane."""

    activity: str | int
    activity_name: str | None = None
    value: float
    rca: Number
    density: Number
    complexity: Number
    probability: Number | None = Field(
        None, description="The learned probability of entry (feasibility=learned only)."
    )
    quadrant: str


class RegionFramework(BaseModel):
    """One region's candidates in the smart-specialisation framework (most attractive first)."""

    dataset: str
    region: str
    region_name: str | None = None
    period: Period
    settings: FrameworkSettings
    cutoffs: Cutoffs
    quadrants: list[QuadrantCount]
    counts: dict[str, int] = Field(description="Candidates per quadrant code.")
    total: int = Field(description="Candidates of the region (before quadrant=).")
    candidates: list[FrameworkCandidate]
    warnings: list[str] = Field(default_factory=list)


class BacktestSummary(BaseModel):
    """What was backtested."""

    base: Period
    end: Period
    at_risk: int = Field(description="(region, activity) pairs without presence in base.")
    entries: int = Field(description="Pairs of them with presence in end.")
    entry_rate: Number = Field(description="entries / at_risk: the PR-AUC of a random score.")
    regions: int
    n_boot: int
    level: float = Field(description="Confidence level of the intervals.")
    filters: dict[str, Any]


class Validation(BaseModel):
    """A backtest of the recommendations: metrics per score and baseline, ROC and PR curves."""

    dataset: str
    summary: BacktestSummary
    columns: list[str]
    metrics: list[dict[str, Any]] = Field(
        description="score, kind (score or baseline), missing, roc_auc (+ _low, _high), pr_auc "
        "(+ _low, _high), precision_at_<k>, region_precision_at_<k>, lift_at_<k>."
    )
    curves: list[dict[str, Any]] = Field(description="score, curve (roc or pr), x, y.")


def activity_profile(app: SmartSpecApp, dataset: str, code: str, **kwargs: Any) -> ActivityProfile:
    """An activity's profile (:class:`ActivityProfile`): where it is specialised, its related
    activities and its history; arguments as :func:`.service.activity_profile`."""
    return ActivityProfile.model_validate(service.activity_profile(app, dataset, code, **kwargs))


def network(app: SmartSpecApp, dataset: str, **kwargs: Any) -> Network:
    """The activity space of one period (:class:`Network`), optionally with a region's
    presence; arguments as :func:`.service.network`."""
    return Network.model_validate(service.network(app, dataset, **kwargs))


def comparison(
    app: SmartSpecApp, dataset: str, regions: Sequence[str], **kwargs: Any
) -> Comparison:
    """Several regions side by side (:class:`Comparison`); arguments as
    :func:`.service.compare`."""
    return Comparison.model_validate(service.compare(app, dataset, regions, **kwargs))


def complexity_report(app: SmartSpecApp, dataset: str, **kwargs: Any) -> ComplexityReport:
    """How far the dataset's complexity ranking can be trusted, per period
    (:class:`ComplexityReport`); arguments as :func:`.service.complexity_report`."""
    return ComplexityReport.model_validate(service.complexity_report(app, dataset, **kwargs))


def region_framework(app: SmartSpecApp, dataset: str, code: str, **kwargs: Any) -> RegionFramework:
    """One region's candidates in the smart-specialisation framework
    (:class:`RegionFramework`); arguments as :func:`.methods.region_framework`."""
    return RegionFramework.model_validate(methods.region_framework(app, dataset, code, **kwargs))


def validation(app: SmartSpecApp, dataset: str, **kwargs: Any) -> Validation:
    """A backtest of the recommendations (:class:`Validation`); arguments as
    :func:`.methods.validation`."""
    return Validation.model_validate(methods.validation(app, dataset, **kwargs))


def region_profile(
    app: SmartSpecApp,
    dataset: str,
    code: str,
    *,
    period: str | None = None,
    top: int = 10,
    rank_by: RankBy = "density",
    options: Mapping[str, Any] | None = None,
    show_unreliable: bool = False,
) -> RegionProfile:
    """A region's profile (:class:`RegionProfile`): the core's
    :meth:`~smartspec.core.evidence.Evidence.region_profile` with names, history over every
    period, activities gained and lost since the previous period, and map information.

    A region without data in the period gets empty lists and a notice; cells on counts too
    small to tell are left out unless ``show_unreliable``.

    Parameters
    ----------
    app : SmartSpecApp
        The platform.
    dataset : str
        A dataset of its catalogue.
    code : str
        The region: code or name, as :func:`smartspec.core.lookup.resolve` reads it.
    period : str, optional
        Default: the latest.
    top : int
        Rows in each list.
    rank_by : {"density", "cog", "pci"}
        Order of the opportunities.
    options : mapping, optional
        Analysis options (``profile``, ``presence``, ``sign``...; the dataset's defaults fill
        the others).
    show_unreliable : bool
        Also list cells whose counts are too small to tell.
    """
    v = view(app, dataset, **(options or {}))
    r = v.region(code)
    p = v.period(period)
    m = v.matrix
    rp = v.evidence.region_profile(
        m.regions[r],
        period=m.periods[p],
        top=top,
        rank_by=rank_by,
        reliable_only=not show_unreliable,
    )
    doc = rp.to_dict()
    labels = v.region_labels.iloc[r]
    meta = app.dataset_info(dataset)
    history = [
        {
            "period": v.period_label(q),
            "eci": _num(v.eci[q, r]),
            "eci_rank": None if np.isnan(v.eci_rank[q, r]) else int(v.eci_rank[q, r]),
            "n_ranked": int((~np.isnan(v.eci[q])).sum()),
            "diversity": int(v.diversity[q, r]),
            "coi": _num(v.coi[q, r]),
            "total": float(v.region_totals[q, r]),
        }
        for q in range(m.n_periods)
    ]
    changes = None
    if p > 0:
        now, before = v.presence[p, r], v.presence[p - 1, r]

        def items(mask: np.ndarray) -> list[dict[str, Any]]:
            idx = np.flatnonzero(mask)
            idx = idx[np.argsort(-np.nan_to_num(v.rca[p, r, idx], nan=-1.0), kind="stable")]
            return [
                {
                    "activity": v.activity_codes[a],
                    "activity_name": v.activity_names.get(v.activity_codes[a]),
                    "rca": _num(v.rca[p, r, a]),
                    "rca_before": _num(v.rca[p - 1, r, a]),
                }
                for a in idx
            ]

        changes = {
            "since": v.period_label(p - 1),
            "gained": items(now & ~before),
            "lost": items(before & ~now),
        }
    doc.update(
        {
            "dataset": dataset,
            "region": v.region_codes[r],
            "region_name": labels["name"],
            "parent": labels["parent"],
            "period": v.period_label(p),
            "value_name": m.value_name,
            "total": float(v.region_totals[p, r]),
            "share_of_total": _num(v.region_totals[p, r] / np.nansum(v.region_totals[p]))
            if np.nansum(v.region_totals[p]) > 0
            else None,
            "specialisations": _activity_rows(v, doc["specialisations"]),
            "opportunities": _activity_rows(v, doc["opportunities"]),
            "history": history,
            "changes": changes,
            "map": {"boundaries": meta.get("boundaries"), "region_level": meta.get("region_level")},
            "complete_period": bool(_coverage(app, dataset)[p]),
            "settings": {
                "sign": dict(v.options).get("sign", "diversity"),
                "profile": dict(v.options).get("profile"),
            },
            "warnings": v.warnings + list(rp.notices),
        }
    )
    return RegionProfile.model_validate(doc)
