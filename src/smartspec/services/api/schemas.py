"""Pydantic v2 response models of the API (so that the OpenAPI document describes the answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from smartspec.domains.evidence.views import MapInfo, RegionProfile, Specialisation

#: The region profile is a typed view of the evidence domain; its old name here.
RegionProfileDoc = RegionProfile

__all__ = [
    "ActivityProfile",
    "BacktestSummary",
    "ComparedRegion",
    "Comparison",
    "ComplexityReport",
    "DatasetDetail",
    "DatasetList",
    "DatasetSummary",
    "FrameworkPage",
    "Health",
    "IndicatorCatalogue",
    "IndicatorPage",
    "JobAccepted",
    "JobList",
    "JobStatus",
    "LabelList",
    "MeasurePage",
    "Network",
    "PeriodList",
    "RegionFramework",
    "RegionProfileDoc",
    "SettingList",
    "Validation",
]

Period = int | str
Number = float | None


class Health(BaseModel):
    """The service is up."""

    status: str = Field(examples=["ok"])
    version: str
    database: str = Field(description="Database backend: sqlite or postgresql.")
    revision: str | None = Field(description="Database migration revision.")
    datasets: int = Field(description="Datasets in the catalogue.")


class SettingItem(BaseModel):
    """One setting (see ``smartspec.app.SETTINGS``)."""

    name: str
    value: Any
    default: Any
    help: str


class SettingList(BaseModel):
    """The platform's settings."""

    items: list[SettingItem]


class DatasetSummary(BaseModel):
    """One dataset of the catalogue."""

    id: str
    title: str
    kind: str = Field(description="bundled, uploaded or file.")
    value_name: str
    n_regions: int
    n_activities: int
    periods: list[Period]
    period_range: str
    licence: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    region_level: str | None = None
    activity_classification: str | None = None
    map: MapInfo


class DatasetDetail(DatasetSummary):
    """A dataset with its description, mapping and size."""

    description: str | None = None
    unit: str | None = None
    citation: str | None = None
    mapping: dict[str, Any] = Field(default_factory=dict, description="Column mapping of a file.")
    n_cells: int = Field(description="Non-zero (period, region, activity) cells.")
    n_missing: int = Field(
        0,
        description="Cells suppressed or confidential in the source, kept "
        "as missing (never read as zero).",
    )
    defaults: dict[str, Any] = Field(
        default_factory=dict,
        description="Analysis options the dataset is shown with unless a request sets them "
        "(e.g. presence by RPOP where RCA inverts the complexity ranking; docs/validation.md).",
    )


class DatasetList(BaseModel):
    """The catalogue."""

    items: list[DatasetSummary]


class PeriodItem(BaseModel):
    """One period of a dataset."""

    period: Period
    total: float
    n_regions: int = Field(description="Regions with a positive total.")
    n_activities: int = Field(description="Activities with a positive total.")
    complete: bool = Field(
        True,
        description="At least 90% of the regions of the best-covered period have data; "
        "pickers default to the latest complete period.",
    )


class PeriodList(BaseModel):
    """A dataset's periods, oldest first."""

    dataset: str
    items: list[PeriodItem]


class Label(BaseModel):
    """A region or activity code with its name and parent (null where unknown)."""

    code: str
    name: str | None = None
    name_lang: str | None = Field(
        None,
        description="Language of name: 'es' where it is a Spanish name, 'en' for an English "
        "(or a place's own) name, null where not known (names given on upload).",
    )
    parent: str | None = None


class LabelList(BaseModel):
    """A page of regions or activities."""

    dataset: str
    items: list[Label]
    total: int
    limit: int
    offset: int


class IndicatorPage(BaseModel):
    """A page of an indicator table (rows as objects, columns as in ``smartspec analyse``)."""

    dataset: str
    table: str
    columns: list[str]
    items: list[dict[str, Any]]
    total: int = Field(description="Rows that match the filters.")
    limit: int
    offset: int


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


# ------------------------------------------------------------------ evidence in depth
class FrameworkSettings(BaseModel):
    """How the framework plane was cut."""

    density_cutoff: str | float = Field(description="mean, median or the number given.")
    complexity_cutoff: str | float = Field(description="mean, median or the number given.")
    scope: str = Field(description="region (each region's candidates) or period (all of them).")
    complexity: str = Field(description="The complexity measure (PCI of the profile).")


class FrameworkPage(BaseModel):
    """A page of the region-level view of the smart-specialisation framework."""

    dataset: str
    table: str = Field(examples=["framework"])
    settings: FrameworkSettings
    columns: list[str]
    items: list[dict[str, Any]] = Field(
        description="period, region, region_name, candidates, n_<quadrant> (4), mean_density, "
        "mean_complexity, mean_complexity_most_attractive, density_cutoff, complexity_cutoff."
    )
    total: int = Field(description="Rows that match the filters.")
    limit: int
    offset: int


class Cutoffs(BaseModel):
    """Where this region's plane is cut (null without candidates)."""

    density: Number
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


class IndicatorInfo(BaseModel):
    """One indicator of the catalogue."""

    name: str
    level: str = Field(description="cell, region, activity, activity_pair or region_pair.")
    summary: str
    reference: str
    required: list[str] = Field(description="Options it cannot do without.")
    options: list[str] = Field(description="Its other options.")


class IndicatorCatalogue(BaseModel):
    """Every indicator ``/measures/{name}`` can compute."""

    items: list[IndicatorInfo]
    total: int


class MeasurePage(BaseModel):
    """A page of one catalogue indicator as a long table."""

    dataset: str
    indicator: str
    level: str
    summary: str
    reference: str
    options: dict[str, Any] = Field(description="The options it was computed with.")
    columns: list[str]
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class JobError(BaseModel):
    """Why a computation failed (the fields of the error it raised)."""

    type: str
    code: str = Field("error", description="Stable code of the error (see docs/api.md).")
    message: str
    expected: str | None = None
    found: str | None = None
    where: str | None = None
    fix: str | None = None


class JobStatus(BaseModel):
    """Where a heavy computation (a backtest, a network layout) stands."""

    id: str = Field(description="The job's id: the same request always gives the same id.")
    kind: str = Field(description="What is computed: backtest or network.")
    dataset: str
    state: str = Field(description="queued, running, done or failed.")
    submitted_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    elapsed_s: float = Field(description="Seconds it has run (0 while queued).")
    queue_position: int | None = Field(
        None, description="Jobs queued before it (null once it runs)."
    )
    error: JobError | None = None


class JobAccepted(BaseModel):
    """The answer 202: the result is being computed; ask again, or follow ``status_url``."""

    message: str
    status_url: str = Field(description="Where the job's status can be read.")
    retry_after_s: int = Field(description="Seconds after which asking again makes sense.")
    job: JobStatus


class JobList(BaseModel):
    """The heavy computations of this server process, newest first."""

    items: list[JobStatus]
    total: int
