"""Pydantic v2 response models of the API (so that the OpenAPI document describes the answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from smartspec.domains.evidence.views import (  # the evidence domain's typed views
    ActivityProfile,
    BacktestSummary,
    ComparedRegion,
    Comparison,
    ComplexityReport,
    FrameworkSettings,
    MapInfo,
    Network,
    RegionFramework,
    RegionProfile,
    Validation,
)

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


# ------------------------------------------------------------------ evidence in depth
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
