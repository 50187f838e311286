"""The monitoring domain's typed views: what the service returns (frozen dataclasses with
``to_dict()``, JSON-ready: the API answers it, the CLI's ``--json`` prints it, the pages render
the views) and what clients send (pydantic models, :class:`IndicatorIn`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from smartspec.domains.registry.layout import ImportProblem

__all__ = [
    "KINDS",
    "ORIGINS",
    "TARGET_KINDS",
    "ImportProblem",
    "ImportReport",
    "IndicatorIn",
    "IndicatorView",
    "PlanView",
    "TargetIn",
]

#: The kinds of indicator (EU cohesion policy: output and result indicators; context
#: indicators describe the region and are not the strategy's to reach).
KINDS: tuple[str, ...] = ("output", "result", "context")
#: Where a value comes from.
ORIGINS: tuple[str, ...] = ("manual", "import", "computed")
#: The kinds of target point.
TARGET_KINDS: tuple[str, ...] = ("milestone", "target")


class TargetIn(BaseModel):
    """A milestone or the target of an indicator, as a client sends it."""

    year: int = Field(ge=1900, le=2100)
    value: float
    kind: Literal["milestone", "target"] = "milestone"


class IndicatorIn(BaseModel):
    """An indicator as a client sends it (add or replace)."""

    kind: Literal["output", "result", "context"] = Field(
        default="result", description="output, result or context"
    )
    name: str = Field(description="The indicator's name (1 to 300 characters)")
    definition: str = Field(default="", description="What is counted and how")
    unit: str = Field(default="", description="The unit (number, %, EUR, ...)")
    source: str = Field(default="", description="Where the values come from")
    higher_is_better: bool = True
    baseline_year: int | None = Field(default=None, ge=1900, le=2100)
    baseline_value: float | None = None
    priority_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="A priority of the strategy"
    )
    objective_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="An objective of the strategy"
    )
    action_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="An action of that objective"
    )
    computed: dict[str, Any] | None = Field(
        default=None,
        description='Computed from a dataset: {"measure", "dataset", "activities", '
        '"period_from"} (GET /api/v1/monitoring/measures)',
    )
    starter_key: str | None = Field(
        default=None, max_length=64, description="The starter-set entry it comes from"
    )
    targets: list[TargetIn] | None = Field(
        default=None, description="Milestones and the target (replace the stored ones if given)"
    )


@dataclass(frozen=True)
class IndicatorView:
    """A stored indicator with its targets, values and progress."""

    id: int
    strategy_id: int
    region: str
    kind: str
    name: str
    definition: str
    unit: str
    source: str
    higher_is_better: bool
    baseline: dict[str, Any] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    computed: dict[str, Any] | None = None
    starter_key: str | None = None
    priority_id: int | None = None
    objective_id: int | None = None
    action_id: int | None = None
    version: int = 1
    latest: dict[str, Any] | None = None
    progress: dict[str, Any] | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class PlanView:
    """A strategy's intervention logic: its priorities, their objectives, actions and
    indicators; objectives without a priority; every indicator of the strategy."""

    strategy: dict[str, Any]
    priorities: list[dict[str, Any]]
    unassigned: list[dict[str, Any]]
    indicators: list[IndicatorView]

    def to_dict(self) -> dict[str, Any]:
        """The view as JSON-ready data."""
        return {
            "strategy": dict(self.strategy),
            "priorities": [_plain(p) for p in self.priorities],
            "unassigned": [_plain(o) for o in self.unassigned],
            "indicators": [i.to_dict() for i in self.indicators],
        }


def _plain(obj: Any) -> Any:
    if isinstance(obj, IndicatorView):
        return obj.to_dict()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


@dataclass
class ImportReport:
    """What an import of values read, found wrong and stored."""

    file: str
    format: Literal["csv", "xlsx"]
    rows: int = 0
    valid: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    stored: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file has no problem."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "valid": self.valid,
            "problems": [p.model_dump(mode="json") for p in self.problems],
            "ignored_columns": list(self.ignored_columns),
            "new": self.new,
            "updated": self.updated,
            "stored": self.stored,
            "dry_run": self.dry_run,
            "ok": self.ok,
        }
