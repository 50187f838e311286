"""The catalogue of indicators, and any of them computed for a dataset as a long table."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from fastapi import APIRouter, Query

from smartspec.services.api.deps import AppDep, LimitQuery, OffsetQuery, OptionsDep
from smartspec.services.api.errors import ERROR_RESPONSES
from smartspec.services.api.exports import FORMATS, download
from smartspec.services.api.schemas import IndicatorCatalogue, MeasurePage

from .. import methods as evidence
from ..service import add_names, view
from .indicators import _codes

router = APIRouter(tags=["measures"], responses=ERROR_RESPONSES)


class _MeasureQuery(TypedDict):
    """The query of :func:`measure`, as :func:`evidence.measure_frame` takes it."""

    period: str | None
    region: list[str]
    activity: list[str]
    groups: str | None
    option: list[str]
    options: dict[str, Any]


@router.get("/indicators", response_model=IndicatorCatalogue, summary="The indicator catalogue")
def indicator_catalogue() -> dict[str, Any]:
    """Every indicator ``/datasets/{id}/measures/{name}`` computes: name, level (cell, region,
    activity, activity_pair, region_pair), summary, reference, and its options (``required``
    ones it cannot do without)."""
    return evidence.indicator_catalogue()


@router.get(
    "/datasets/{dataset}/measures/{name}",
    response_model=MeasurePage,
    summary="Any indicator of the catalogue",
    responses={
        200: {
            "content": {media: {} for media, _ in FORMATS.values()},
            "description": "A page of the long table as JSON, or the whole table as a file "
            "(format=).",
        }
    },
)
def measure(
    app: AppDep,
    dataset: str,
    name: str,
    options: OptionsDep,
    period: Annotated[
        str | None, Query(description="A period of the dataset (default: every period).")
    ] = None,
    region: Annotated[
        list[str] | None,
        Query(description="Region code(s) (region_from for region pairs); repeat for several."),
    ] = None,
    activity: Annotated[
        list[str] | None,
        Query(description="Activity code(s) (activity_from for activity pairs); repeat."),
    ] = None,
    groups: Annotated[
        str | None,
        Query(
            description="related_variety / unrelated_variety: parent (the dataset's activity "
            "hierarchy), auto (parent, else a one-character prefix of NACE-like codes) or K "
            "(the first K characters of the codes)."
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        Query(
            description="Another option of the indicator as KEY=VALUE (e.g. reference=rest); "
            "repeat for several."
        ),
    ] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    format: Annotated[
        Literal["json", "csv", "xlsx", "parquet"] | None,
        Query(description="json (a page) or a file of the whole filtered table."),
    ] = None,
) -> Any:
    """One indicator of ``GET /api/v1/indicators`` as a long table: the level's key columns
    (with names), then the value in a column named after the indicator. 404 for an unknown
    name; 400 for an option the indicator does not take, or one it needs that a query cannot
    give (``rpop`` needs a population)."""
    kwargs: _MeasureQuery = {
        "period": period,
        "region": _codes(region),
        "activity": _codes(activity),
        "groups": groups,
        "option": [o for o in (option or []) if o],
        "options": options,
    }
    if format not in (None, "json"):
        frame, _ = evidence.measure_frame(app, dataset, name, **kwargs)
        filename = f"{dataset}-{name}" + (f"-{period}" if period else "")
        return download(add_names(view(app, dataset), frame), format, filename, sheet=name)
    return evidence.measure_page(app, dataset, name, limit=limit, offset=offset, **kwargs)
