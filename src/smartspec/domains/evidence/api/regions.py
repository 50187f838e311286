"""Regions: names, codes and hierarchy; a region's profile."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from smartspec.domains.datasets import service as datasets
from smartspec.services.api.deps import (
    AppDep,
    LabelLangQuery,
    LabelParentQuery,
    LabelSearchQuery,
    LimitQuery,
    OffsetQuery,
    OptionsDep,
    PeriodQuery,
)
from smartspec.services.api.errors import ERROR_RESPONSES
from smartspec.services.api.schemas import LabelList

from .. import views

router = APIRouter(tags=["regions"], responses=ERROR_RESPONSES)


@router.get("/datasets/{dataset}/regions", response_model=LabelList, summary="Regions")
def list_regions(
    app: AppDep,
    dataset: str,
    q: LabelSearchQuery = None,
    parent: LabelParentQuery = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    lang: LabelLangQuery = "en",
) -> dict[str, Any]:
    """The dataset's regions: code, name and parent (null where unknown)."""
    return datasets.labels_page(
        app, dataset, "region", q=q, parent=parent, limit=limit, offset=offset, lang=lang
    )


@router.get(
    "/datasets/{dataset}/regions/{code:path}/profile",
    response_model=views.RegionProfile,
    summary="A region's profile",
)
def region_profile(
    app: AppDep,
    dataset: str,
    code: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    top: Annotated[int, Query(ge=1, le=1000, description="Rows in each list.")] = 10,
    rank_by: Annotated[
        Literal["density", "cog", "pci"], Query(description="Order of the opportunities.")
    ] = "density",
    show_unreliable: Annotated[
        bool,
        Query(
            description="Also list cells whose counts are too small to tell "
            "presence from absence (marked reliable=false)."
        ),
    ] = False,
) -> views.RegionProfile:
    """Top specialisations, ECI and rank, diversification opportunities (density, PCI, COG),
    ECI and diversity over every period, and activities gained or lost since the last one.
    A region without data in the period gets no lists, only a notice; suppressed cells are
    never opportunities."""
    return views.region_profile(
        app,
        dataset,
        code,
        period=period,
        top=top,
        rank_by=rank_by,
        options=options,
        show_unreliable=show_unreliable,
    )
