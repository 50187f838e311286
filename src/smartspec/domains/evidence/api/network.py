"""The proximity network (activity space)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from smartspec.services.api.deps import AppDep, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ACCEPTED_RESPONSE, ERROR_RESPONSES

from .. import views

router = APIRouter(tags=["network"], responses=ERROR_RESPONSES)


@router.get(
    "/datasets/{dataset}/network",
    response_model=views.Network,
    summary="Activity space",
    responses=ACCEPTED_RESPONSE,
)
def activity_space(
    app: AppDep,
    dataset: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    region: Annotated[
        str | None, Query(description="Mark the activities where this region has presence.")
    ] = None,
    extra: Annotated[
        int | None,
        Query(
            ge=0,
            le=100000,
            description="Links beyond the spanning tree (default: one per activity).",
        ),
    ] = None,
) -> views.Network:
    """Activities as nodes (name, PCI, ubiquity, layout position; with ``region``: presence,
    RCA, density) and links: the maximum spanning tree of proximity plus the strongest others."""
    return views.network(app, dataset, period=period, region=region, extra=extra, options=options)
