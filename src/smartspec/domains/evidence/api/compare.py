"""Several regions side by side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from smartspec.services.api.deps import AppDep, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ERROR_RESPONSES

from .. import views

router = APIRouter(tags=["compare"], responses=ERROR_RESPONSES)


@router.get(
    "/datasets/{dataset}/compare", response_model=views.Comparison, summary="Compare regions"
)
def compare_regions(
    app: AppDep,
    dataset: str,
    options: OptionsDep,
    regions: Annotated[
        str | None, Query(description="Comma-separated region codes: regions=A,B.")
    ] = None,
    region: Annotated[
        list[str] | None,
        Query(description="Region code, repeated (for codes that contain commas)."),
    ] = None,
    period: PeriodQuery = None,
    top: Annotated[int, Query(ge=1, le=1000, description="Specialisations per region.")] = 10,
) -> views.Comparison:
    """ECI, rank, diversity and top specialisations of each region, their RCA in the union of
    those specialisations, and how much each pair's specialisations overlap."""
    codes = [c.strip() for c in (regions or "").split(",") if c.strip()]
    codes += [c for c in (region or []) if c]
    return views.comparison(app, dataset, codes, period=period, top=top, options=options)
