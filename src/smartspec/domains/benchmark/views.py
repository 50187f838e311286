"""The typed views of the benchmark domain: what the API answers, the pages show and
``smartspec benchmark --json`` prints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "BenchmarkView",
    "ComparisonView",
    "IndicatorComparison",
    "IndicatorInfo",
    "IndicatorsView",
    "Measure",
    "Neighbour",
    "RegionCoverage",
    "StabilityView",
]

Measure = Literal["structure", "activity", "priorities", "combined"]


class Neighbour(BaseModel):
    """One region similar to the reference region."""

    rank: int = Field(description="1 = the most similar")
    region: str
    name: str
    country: str = Field(description="The first two letters of the code")
    score: float = Field(description="The similarity of the view's measure (higher = closer)")
    distance: float | None = Field(
        default=None, description="Structural distance (measure 'structure' and 'combined')"
    )
    coverage: float | None = Field(
        default=None, description="Share of the indicator weight both regions have (structure)"
    )
    parts: dict[str, float] = Field(
        default_factory=dict,
        description="For 'combined': the rank-normalised score of each measure combined",
    )


class BenchmarkView(BaseModel):
    """The regions most similar to one region, by one stated measure."""

    region: str
    name: str
    measure: Measure
    description: str = Field(description="What the score is, in words")
    dataset: str | None = Field(
        default=None, description="The activity dataset (activity, combined)"
    )
    combined: list[str] = Field(
        default_factory=list, description="The measures combined ('combined' only)"
    )
    compared: int = Field(description="How many regions were ranked")
    items: list[Neighbour]
    notes: list[str] = Field(default_factory=list, description="What the reader must know")


class IndicatorComparison(BaseModel):
    """One indicator of two regions, and its part of their distance."""

    key: str
    label: str
    label_es: str
    dimension: str
    unit: str
    value: float | None = Field(description="The region's raw value")
    other_value: float | None = Field(description="The other region's raw value")
    z: float | None = Field(description="The region's z-score (after the transform)")
    other_z: float | None
    weight: float | None = Field(description="Weight in this pair's distance (renormalised)")
    contribution: float | None = Field(description="w · (z − z')², summing to the distance²")
    share: float | None = Field(description="contribution / distance²")


class ComparisonView(BaseModel):
    """Why two regions are structurally alike or apart."""

    region: str
    name: str
    other: str
    other_name: str
    distance: float
    similarity: float = Field(description="1 / (1 + distance)")
    coverage: float = Field(description="Share of the indicator weight both regions have")
    rank: int | None = Field(description="The other region's rank among the region's neighbours")
    description: str
    indicators: list[IndicatorComparison] = Field(description="Largest contribution first")
    alike: list[str] = Field(description="Indicators on which the two are closest (|Δz| small)")
    apart: list[str] = Field(description="Indicators that add most to the distance")
    missing: list[str] = Field(description="Indicators left out (one of the two lacks them)")


class IndicatorInfo(BaseModel):
    """One indicator of the table."""

    key: str
    label: str
    label_es: str
    dimension: str
    transform: str
    unit: str
    source: str
    year: str
    weight: float
    regions: int = Field(description="Regions with a value")


class RegionCoverage(BaseModel):
    """One region of the table and how much of the indicator weight it has."""

    region: str
    name: str
    coverage: float
    compared: bool = Field(description="Whether it has enough indicators to be compared")


class IndicatorsView(BaseModel):
    """The structural indicator table: indicators, weights, regions, method."""

    reference_year: int
    dimensions: list[str]
    distance: str
    min_coverage: float
    indicators: list[IndicatorInfo]
    regions: list[RegionCoverage]
    rd_years: dict[str, int] = Field(description="Regions per year of the R&D values")


class StabilityView(BaseModel):
    """Mean Jaccard overlap of top-k neighbour sets under resampling."""

    k: int
    draws: int
    noise: float
    summary: dict[str, float]
    regions: dict[str, dict[str, float]] = Field(description="Per region, per mode")
