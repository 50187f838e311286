"""Activities: names, codes and hierarchy; an activity's profile."""

from __future__ import annotations

from typing import Annotated, Any

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

router = APIRouter(tags=["activities"], responses=ERROR_RESPONSES)


@router.get("/datasets/{dataset}/activities", response_model=LabelList, summary="Activities")
def list_activities(
    app: AppDep,
    dataset: str,
    q: LabelSearchQuery = None,
    parent: LabelParentQuery = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    lang: LabelLangQuery = "en",
) -> dict[str, Any]:
    """The dataset's activities: code, name and parent (null where unknown)."""
    return datasets.labels_page(
        app, dataset, "activity", q=q, parent=parent, limit=limit, offset=offset, lang=lang
    )


@router.get(
    "/datasets/{dataset}/activities/{code:path}/profile",
    response_model=views.ActivityProfile,
    summary="An activity's profile",
)
def activity_profile(
    app: AppDep,
    dataset: str,
    code: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    top: Annotated[int, Query(ge=1, le=1000, description="Rows in each list.")] = 20,
) -> views.ActivityProfile:
    """Regions specialised in the activity (by RCA), its PCI, rank and ubiquity, the most
    related activities (by proximity), and PCI over every period."""
    return views.activity_profile(app, dataset, code, period=period, top=top, options=options)
