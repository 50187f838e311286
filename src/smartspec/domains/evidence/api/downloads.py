"""Downloads: ``/datasets/{id}/downloads/{table}.{csv,xlsx,parquet}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from smartspec.services.api.deps import AppDep, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ERROR_RESPONSES, UnknownTableError
from smartspec.services.api.exports import FORMATS

from .. import service as queries
from .indicators import _codes, table_download

router = APIRouter(tags=["downloads"], responses=ERROR_RESPONSES)

#: What can be downloaded: the input values and every indicator table.
DOWNLOADS = ("data", *queries.TABLES)


def _split(filename: str) -> tuple[str, str]:
    table, dot, fmt = filename.rpartition(".")
    if not dot or table not in DOWNLOADS or fmt not in FORMATS:
        raise UnknownTableError(
            f"no download named {filename!r}",
            expected=f"<table>.<format> with table one of {', '.join(DOWNLOADS)} and format "
            f"one of {', '.join(FORMATS)}, e.g. cells.csv",
            found=repr(filename),
        )
    return table, fmt


@router.get(
    "/datasets/{dataset}/downloads/{filename}",
    summary="Download a table",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media, _ in FORMATS.values()},
            "description": "The file, with Content-Disposition: attachment.",
        }
    },
)
def download_table(
    app: AppDep,
    dataset: str,
    filename: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    region: Annotated[list[str] | None, Query(description="Region code(s).")] = None,
    activity: Annotated[list[str] | None, Query(description="Activity code(s).")] = None,
) -> Response:
    """``data`` (the input values) or an indicator table (``cells``, ``regions``,
    ``activities``, ``proximity``, ``notes``) as CSV, Excel or Parquet, with names; the
    indicator tables can be filtered by period, region and activity."""
    table, fmt = _split(filename)
    filters: dict[str, Any] = {
        "period": period,
        "region": _codes(region),
        "activity": _codes(activity),
    }
    return table_download(app, dataset, table, fmt, options, filters)
