"""The API of the region report: ``GET /api/v1/regions/{region}/report`` answers the report on
one region and dataset as a file (HTML, PDF or an Excel workbook), in English or Spanish.

The report reads the registry, the monitoring plans and the peer reviews with the account that
asks (their read rules apply); it is built afresh on every request (``Cache-Control:
no-store``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from smartspec.services.api.deps import AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES

from . import render
from .service import build_report

__all__ = ["router"]

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)


@router.get(
    "/regions/{region}/report",
    summary="The region report as a file (HTML, PDF or xlsx)",
    response_class=Response,
    responses={
        200: {
            "description": "The report; Content-Disposition names the file.",
            "content": {media: {} for media in render.MEDIA_TYPES.values()},
        }
    },
)
def region_report(
    app: AppDep,
    account: AccountDep,
    region: Annotated[
        str,
        Path(max_length=120, description="A region of the dataset: code or name."),
    ],
    dataset: Annotated[str, Query(max_length=200, description="A dataset of the catalogue.")],
    format: Annotated[
        Literal["html", "pdf", "xlsx"], Query(description="html, pdf or xlsx.")
    ] = "html",
    lang: Annotated[Literal["en", "es"], Query(description="The report's language.")] = "en",
    period: Annotated[
        str | None,
        Query(max_length=40, description="The period of the evidence (default: latest complete)."),
    ] = None,
) -> Response:
    """The report on ``region`` in ``dataset``: evidence profile with its validity caveats,
    declared priorities and their coherence with the evidence, monitoring progress, benchmark
    regions, peer-review results (``docs/reports.md``)."""
    report = build_report(app, account, region, dataset, lang, period)
    content, media, filename = render.render(report, format)
    return Response(content, media_type=media, headers=render.headers(format, filename))
