"""The JSON API of the benchmark domain: the regions most like a region (four stated
measures), why two regions are alike or apart, and the indicator table's metadata.

The indicators are bundled and fixed, so the answers depend only on the parameters (and, for
``priorities`` and ``combined``, on the registry's declared priorities).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from smartspec.services.api.deps import AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES

from . import service
from .views import BenchmarkView, ComparisonView, IndicatorsView

__all__ = ["router"]

router = APIRouter(tags=["benchmark"], responses=ERROR_RESPONSES)

RegionPath = Annotated[
    str,
    Path(
        max_length=80,
        pattern=r"^[\w .'()-]+$",
        description="Region code (NUTS 2016 or 2021) or name.",
    ),
]


@router.get(
    "/benchmark/indicators",
    response_model=IndicatorsView,
    summary="The structural indicators, their weights and regions",
)
def benchmark_indicators() -> IndicatorsView:
    """The indicator table's metadata: each indicator's dimension, transform, unit, source,
    year, weight and number of regions; each region's share of the weight; the distance."""
    return service.indicators()


@router.get(
    "/benchmark/{region}",
    response_model=BenchmarkView,
    summary="The regions most similar to a region",
)
def benchmark_region(
    app: AppDep,
    account: AccountDep,
    region: RegionPath,
    top: Annotated[int, Query(ge=1, le=service.MAX_TOP)] = 10,
    measure: Annotated[
        Literal["structure", "activity", "priorities", "combined"],
        Query(description="structure, activity (RSCA profiles), priorities (registry), combined"),
    ] = "structure",
    dataset: Annotated[
        str | None, Query(max_length=200, description="Activity dataset (default eu-nuts2-ardeco)")
    ] = None,
) -> BenchmarkView:
    """The ``top`` most similar regions by the stated measure, best first (see
    ``docs/benchmark.md``)."""
    return service.similar_regions(
        app, region, top=top, measure=measure, dataset=dataset, actor=account
    )


@router.get(
    "/benchmark/{region}/compare/{other}",
    response_model=ComparisonView,
    summary="Which indicators make two regions alike or apart",
)
def benchmark_compare(region: RegionPath, other: RegionPath) -> ComparisonView:
    """Each indicator of the two regions (values, z-scores, weight) and its contribution to the
    squared structural distance; the indicators that make them alike and set them apart."""
    return service.explain(None, region, other)
