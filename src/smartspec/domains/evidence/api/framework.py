"""The smart-specialisation framework (Balland et al. 2019): the region-level view and one
region's candidates by quadrant."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from fastapi import APIRouter, Depends, Query

from smartspec.services.api.deps import AppDep, LimitQuery, OffsetQuery, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ACCEPTED_RESPONSE, ERROR_RESPONSES
from smartspec.services.api.exports import FORMATS, download
from smartspec.services.api.schemas import FrameworkPage

from .. import methods as evidence
from .. import views
from ..service import add_names, view
from .indicators import _codes

router = APIRouter(tags=["framework"], responses=ERROR_RESPONSES)


class _RegionFilters(TypedDict):
    """The filters of :func:`framework_regions`, as :func:`evidence.framework_frame` takes them."""

    period: str | None
    region: list[str]
    sort: str | None
    order: str


def framework_cutoffs(
    density_cutoff: Annotated[
        str | None,
        Query(description="Where relatedness density is cut: mean (default), median or a number."),
    ] = None,
    complexity_cutoff: Annotated[
        str | None,
        Query(description="Where complexity (PCI) is cut: mean (default), median or a number."),
    ] = None,
    scope: Annotated[
        Literal["region", "period"],
        Query(
            description="Cut-offs over each region's candidates (region) or over every "
            "candidate of the period (period)."
        ),
    ] = "region",
) -> dict[str, Any]:
    """The cut-offs of the framework a request may set."""
    return {
        "density_cutoff": evidence.parse_cutoff(density_cutoff, "density_cutoff"),
        "complexity_cutoff": evidence.parse_cutoff(complexity_cutoff, "complexity_cutoff"),
        "scope": scope,
    }


CutoffsDep = Annotated[dict[str, Any], Depends(framework_cutoffs)]
FeasibilityQuery = Annotated[
    Literal["density", "learned"],
    Query(
        description="The feasibility axis: relatedness density (default), or the learned entry "
        "model's calibrated probability of entry at the period (default the last; the model is "
        "trained once in the background, 202 meanwhile; only that period has candidates)."
    ),
]


@router.get(
    "/datasets/{dataset}/framework",
    response_model=FrameworkPage,
    summary="Smart-specialisation framework: every region",
    responses={
        200: {
            "content": {media: {} for media, _ in FORMATS.values()},
            "description": "A page of regions as JSON, or the whole table as a file (format=).",
        },
        **ACCEPTED_RESPONSE,
    },
)
def framework_regions(
    app: AppDep,
    dataset: str,
    cutoffs: CutoffsDep,
    options: OptionsDep,
    period: Annotated[
        str | None, Query(description="A period of the dataset (default: every period).")
    ] = None,
    region: Annotated[
        list[str] | None, Query(description="Region code(s); repeat for several.")
    ] = None,
    sort: Annotated[str | None, Query(description="Column to sort by.")] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="Sort order.")] = "asc",
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    format: Annotated[
        Literal["json", "csv", "xlsx", "parquet"] | None,
        Query(description="json (a page) or a file of the whole filtered table."),
    ] = None,
    feasibility: FeasibilityQuery = "density",
) -> Any:
    """The region-level view of the framework of Balland, Boschma, Crespo & Rigby (2019): for
    each region, its candidate activities (no presence yet) counted by quadrant of relatedness
    density x complexity, their mean density and complexity, and the cut-offs used."""
    filters: _RegionFilters = {
        "period": period,
        "region": _codes(region),
        "sort": sort,
        "order": order,
    }
    if format not in (None, "json"):
        frame = evidence.framework_frame(
            app, dataset, cutoffs=cutoffs, options=options, feasibility=feasibility, **filters
        )
        name = f"{dataset}-framework" + (f"-{period}" if period else "")
        named = add_names(view(app, dataset, **options), frame)
        return download(named, format, name, sheet="framework")
    return evidence.framework_page(
        app,
        dataset,
        limit=limit,
        offset=offset,
        cutoffs=cutoffs,
        options=options,
        feasibility=feasibility,
        **filters,
    )


@router.get(
    "/datasets/{dataset}/regions/{code:path}/framework",
    response_model=views.RegionFramework,
    summary="Smart-specialisation framework: one region's candidates",
    responses=ACCEPTED_RESPONSE,
)
def region_framework(
    app: AppDep,
    dataset: str,
    code: str,
    cutoffs: CutoffsDep,
    options: OptionsDep,
    period: PeriodQuery = None,
    quadrant: Annotated[
        str | None,
        Query(
            description="Only this quadrant: high_density_high_complexity, "
            "high_density_low_complexity, low_density_high_complexity or "
            "low_density_low_complexity."
        ),
    ] = None,
    feasibility: FeasibilityQuery = "density",
) -> views.RegionFramework:
    """Every activity the region does not specialise in yet, with its relatedness density,
    complexity (PCI) and quadrant, most attractive first; the cut-offs and the count per
    quadrant. With feasibility=learned the first axis is the learned probability of entry
    (Balland et al.'s density replaced by the model that beats it in the backtests)."""
    return views.region_framework(
        app,
        dataset,
        code,
        period=period,
        quadrant=quadrant,
        cutoffs=cutoffs,
        options=options,
        feasibility=feasibility,
    )
