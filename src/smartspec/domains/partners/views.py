"""The typed views of the partners domain: what the service returns, the API answers, the
pages render and ``smartspec partners --json`` prints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .chains import MAX_SIZE, ValueChain

__all__ = [
    "ChainEvaluation",
    "ChainExample",
    "ChainRanking",
    "CoverageCell",
    "CoverageMatrix",
    "CoverageRow",
    "EvaluateIn",
    "Lead",
    "Member",
    "PartnerSet",
    "PartnerSets",
    "RegionStage",
    "StageRanking",
]

Number = float | None


class RegionStage(BaseModel):
    """One region in one stage: strength (RCA, size) and potential (density)."""

    region: str
    name: str
    value: float = Field(description="The region's value (employment) in the stage: x_rs.")
    share: Number = Field(description="Its share of the stage's total over all regions.")
    rca: Number = Field(description="Stage RCA: (x_rs / X_r) / (X_s / X).")
    density: Number = Field(
        description="Potential: mean relatedness density of the stage's activities."
    )
    missing: int = Field(0, description="Suppressed cells of the stage in the region.")
    covered: bool = Field(description="Stage RCA at or above the threshold.")


class ActivityRef(BaseModel):
    code: str
    name: str


class StageRanking(BaseModel):
    """The regions of one stage: the strongest (by RCA) and, among those not covering it, the
    ones with the most potential (by relatedness density)."""

    position: int
    name: str
    activities: list[ActivityRef]
    total: float = Field(description="The stage's total over all regions: X_s.")
    covering: int = Field(description="Regions covering the stage.")
    strongest: list[RegionStage]
    potential: list[RegionStage]


class ChainRanking(BaseModel):
    """Per stage, the regions ranked by current strength and by potential."""

    chain: str
    dataset: str
    threshold: float
    stages: list[StageRanking]
    caveats: list[str]


class Member(BaseModel):
    region: str
    name: str


class Lead(BaseModel):
    """The member with the best RCA in one stage of a partner set."""

    stage: str
    region: str
    name: str
    rca: float
    covered: bool
    members_covering: int


class PartnerSet(BaseModel):
    """A proposed set of partner regions and its scores."""

    rank: int
    members: list[Member]
    covered: list[str] = Field(description="The stages some member covers.")
    uncovered: list[str]
    n_covered: int
    n_stages: int
    strength: float = Field(description="Mean over stages of the best member's stage RCA.")
    strength_score: float = Field(
        description="Mean over stages of the best member's RCA over the best of any region."
    )
    complementarity: float = Field(
        description="Share of the covered stages covered by exactly one member."
    )
    similarity: Number = Field(
        description="Mean Jaccard similarity of the members' declared priorities (NACE "
        "divisions), over the pairs of members that have some; null when fewer than two."
    )
    score: float = Field(description="Mean of the scores ranking sets of equal coverage.")
    leads: list[Lead]


class PartnerSets(BaseModel):
    """Proposed partner sets covering the chain, best first."""

    chain: str
    dataset: str
    anchor: str | None
    size: int = Field(ge=2, le=MAX_SIZE)
    per_stage: int = Field(description="Candidates per stage in the search pool.")
    pool: list[str] = Field(description="The candidate regions searched.")
    evaluated: int = Field(description="Sets scored (exact enumeration over the pool).")
    method: str
    ranking: str
    similarity_note: str
    sets: list[PartnerSet]
    caveats: list[str]


class CoverageCell(BaseModel):
    stage: str
    value: float
    share: Number
    rca: Number
    density: Number
    covered: bool


class CoverageRow(BaseModel):
    region: str
    name: str
    covered: int = Field(description="Stages the region covers.")
    cells: list[CoverageCell]


class CoverageMatrix(BaseModel):
    """Regions x stages: strength, potential and the covered flag."""

    chain: str
    dataset: str
    stages: list[str]
    threshold: float
    rows: list[CoverageRow]
    caveats: list[str]


class ChainEvaluation(BaseModel):
    """A value chain evaluated on a dataset (or a combined panel)."""

    chain: ValueChain
    dataset: str
    datasets: list[str]
    classification: str | None
    periods: dict[str, Any] = Field(description="The period used of each dataset.")
    value_name: str
    unit: str
    threshold: float
    rule: str = Field(description="The coverage rule and the formulas, in words.")
    presence_rule: str = Field(description="The presence rule behind relatedness density.")
    ranking: ChainRanking
    partner_sets: PartnerSets
    matrix: CoverageMatrix
    caveats: list[str]


class ChainExample(BaseModel):
    """A bundled example chain."""

    id: str
    name: str
    description: str
    dataset: str | None
    stages: int
    chain: ValueChain


class EvaluateIn(BaseModel):
    """The body of ``POST /api/v1/partners/chains/evaluate``."""

    chain: ValueChain
    dataset: str | None = Field(
        default=None,
        max_length=400,
        description="A dataset id, or several joined by '+' (a combined panel); the chain's "
        "own dataset when absent.",
    )
    region: str | None = Field(default=None, max_length=100, description="Anchor region.")
    size: int = Field(default=3, ge=2, le=MAX_SIZE, description="Most members of a set.")
    top: int = Field(default=10, ge=1, le=50, description="Regions per stage, and sets.")
    threshold: float = Field(default=1.0, gt=0, le=100, description="Coverage: RCA >= this.")
    period: str | None = Field(default=None, max_length=20)
