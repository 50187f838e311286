"""Indicator tables with filters, sorting and pagination (or as a file with ``format=``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from smartspec.app import SmartSpecApp
from smartspec.domains.datasets import service as datasets
from smartspec.services.api.deps import AppDep, LimitQuery, OffsetQuery, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ERROR_RESPONSES
from smartspec.services.api.exports import FORMATS, attachment, to_bytes
from smartspec.services.api.schemas import IndicatorPage

from .. import service as queries

router = APIRouter(tags=["indicators"], responses=ERROR_RESPONSES)


def _codes(values: list[str] | None) -> list[str]:
    """The non-empty values of a repeated query parameter."""
    return [v for v in (values or []) if v != ""]


@router.get(
    "/datasets/{dataset}/indicators/{table}",
    response_model=IndicatorPage,
    summary="An indicator table",
    responses={
        200: {
            "content": {media: {} for media, _ in FORMATS.values()},
            "description": "A page of rows as JSON, or the whole table as a file (format=).",
        }
    },
)
def indicator_table(
    app: AppDep,
    dataset: str,
    table: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    region: Annotated[
        list[str] | None, Query(description="Region code(s); repeat for several.")
    ] = None,
    activity: Annotated[
        list[str] | None,
        Query(description="Activity code(s) (activity_from for proximity); repeat for several."),
    ] = None,
    activity_to: Annotated[
        list[str] | None, Query(description="proximity only: activity_to code(s).")
    ] = None,
    presence: Annotated[
        int | None, Query(ge=0, le=1, description="cells only: 1 with presence, 0 without.")
    ] = None,
    sort: Annotated[str | None, Query(description="Column to sort by.")] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="Sort order.")] = "asc",
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    format: Annotated[
        Literal["json", "csv", "xlsx", "parquet"] | None,
        Query(description="json (a page) or a file of the whole filtered table."),
    ] = None,
) -> Any:
    """One of the tables of ``smartspec analyse``: ``cells`` (period, region, activity, value,
    rca, presence, density, cog), ``regions`` (diversity, eci, coi), ``activities`` (ubiquity,
    pci), ``proximity`` (activity_from, activity_to, proximity) or ``notes``, with names."""
    filters = {
        "period": period,
        "region": _codes(region),
        "activity": _codes(activity),
        "activity_to": _codes(activity_to),
        "presence": presence,
        "sort": sort,
        "order": order,
    }
    if format not in (None, "json"):
        return table_download(app, dataset, table, format, options, filters)
    return queries.indicator_table(
        app, dataset, table, limit=limit, offset=offset, options=options, **filters
    )


def table_download(
    app: SmartSpecApp,
    dataset: str,
    table: str,
    fmt: str,
    options: dict[str, Any],
    filters: dict[str, Any],
) -> Response:
    """The whole filtered, sorted table as a file (``data``: the input long table).

    The file is kept in the app's cache (bounded by the ``cache_mb`` setting, dropped with the
    dataset): the same download asked again is sent without being written again.
    """

    def write() -> bytes:
        if table == "data":
            frame = datasets.input_frame(app, dataset)
            v = queries.view(app, dataset)
        else:
            frame = queries.indicator_frame(app, dataset, table, options=options, **filters)
            v = queries.view(app, dataset, **options)
        return to_bytes(queries.add_names(v, frame), fmt, sheet=table)

    name = f"{dataset}-{table}"
    if filters.get("period"):
        name += f"-{filters['period']}"
    asked = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))
    key = ("download", dataset, table, fmt, app.options_key(options, dataset), asked)
    return attachment(app.cached(key, write), fmt, name)
