"""The registry's typed views (pydantic v2): what the service returns and what clients send.

The API serialises them as its responses, the dashboard renders them, and the CLI's ``--json``
prints them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "ChangeView",
    "ComparisonView",
    "DivisionRow",
    "FieldChange",
    "PriorityIn",
    "PriorityPage",
    "PriorityView",
    "RegionIn",
    "RegionPriorities",
    "RegionView",
    "SimilarRegion",
    "SimilarityView",
    "StrategyIn",
    "StrategyView",
]


class RegionIn(BaseModel):
    """A region as a client sends it (``upsert_region``); level, parent and country are filled in
    from the bundled NUTS list when the code is a NUTS code and they are not given."""

    code: str = Field(description="Region code (stored upper-case): a NUTS code or any other")
    name: str | None = Field(default=None, description="Name; the NUTS name when omitted")
    level: str | None = Field(default=None, description='"NUTS2", "NUTS3", "state"...')
    parent: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2")


class RegionView(BaseModel):
    """A stored region."""

    code: str
    name: str
    level: str | None = None
    parent: str | None = None
    country: str | None = None


class StrategyIn(BaseModel):
    """A strategy as a client sends it (``upsert_strategy``: one per region and period)."""

    region: str
    period: str = Field(description='The programming period, e.g. "2021-2027"')
    title: str | None = None
    status: str = Field(default="adopted", description="draft | adopted | archived | ...")
    source: str | None = Field(default=None, description="The document it comes from")
    url: str | None = None


class StrategyView(BaseModel):
    """A stored strategy."""

    id: int
    region: str
    region_name: str
    period: str
    title: str
    status: str
    source: str | None = None
    url: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime
    n_priorities: int = 0


class PriorityIn(BaseModel):
    """A priority as a client sends it: the strategy by id, or by (region, period) (created if
    missing); ``codes`` by scheme (``{"nace": ["28", "26.1"], "sdg": ["7"]}``)."""

    strategy_id: int | None = None
    region: str | None = None
    period: str | None = None
    title: str
    description: str = ""
    language: str = Field(default="en", description="ISO 639-1 code of the text")
    codes: dict[str, list[str]] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)


class PriorityView(BaseModel):
    """A stored priority, with its strategy's region and period."""

    id: int
    strategy_id: int
    region: str
    region_name: str
    country: str | None = None
    period: str
    strategy_title: str
    title: str
    description: str
    language: str
    codes: dict[str, list[str]]
    tags: list[str]
    set_aside_codes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Codes given at import that are not in the code lists, kept aside by scheme",
    )
    version: int
    created_at: datetime
    created_by: str | None = None
    updated_at: datetime
    updated_by: str | None = None


class FieldChange(BaseModel):
    """One field's change in one version."""

    field: str
    old: Any = None
    new: Any = None


class ChangeView(BaseModel):
    """One version of a record: who, when, what."""

    version: int
    at: datetime
    actor: str | None = None
    action: Literal["create", "update", "delete", "restore", "import"]
    changes: list[FieldChange]
    source: str | None = Field(default=None, description="The imported file (imports)")
    snapshot: dict[str, Any] = Field(
        default_factory=dict, description="The record's fields after this change"
    )


class PriorityPage(BaseModel):
    """One page of a search."""

    total: int
    limit: int
    offset: int
    items: list[PriorityView]


class RegionPriorities(BaseModel):
    """One region of a comparison: its priorities and the codes they declare."""

    region: RegionView
    priorities: list[PriorityView]
    codes: dict[str, list[str]] = Field(description="Declared codes by scheme, sorted")
    divisions: list[str] = Field(
        description="NACE divisions declared (directly or by one of their groups or classes)"
    )


class DivisionRow(BaseModel):
    """A NACE division and the compared regions that declare it."""

    code: str
    title: str | None = None
    regions: list[str]


class ComparisonView(BaseModel):
    """Regions side by side: each region's priorities, the NACE divisions of any of them with the
    regions declaring each, and the codes every region declares."""

    regions: list[RegionPriorities]
    divisions: list[DivisionRow]
    shared: dict[str, list[str]] = Field(
        description="Codes (by scheme, NACE as divisions) declared by every compared region"
    )


class SimilarRegion(BaseModel):
    """A region and how similar its priorities are to the reference region's."""

    region: str
    name: str
    score: float = Field(description="The similarity of the view's measure, 0 to 1")
    codes_score: float | None = None
    text_score: float | None = None
    shared_codes: list[str] = Field(description="NACE divisions both regions declare")


class SimilarityView(BaseModel):
    """Regions ranked by similarity of their declared priorities to one region's."""

    region: str
    by: Literal["codes", "text", "both"]
    measure: str = Field(description="What the score is, in words")
    items: list[SimilarRegion]
