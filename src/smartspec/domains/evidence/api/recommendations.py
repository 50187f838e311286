"""A region's most likely next specialisations: the learned entry model (calibrated
probabilities with their reasons) or relatedness density."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from smartspec.services.api.deps import AppDep, OptionsDep, PeriodQuery
from smartspec.services.api.errors import ACCEPTED_RESPONSE, ERROR_RESPONSES

from ..analyses import MAX_RECOMMENDATIONS
from ..recommendations import Recommendations, region_recommendations

router = APIRouter(tags=["recommendations"], responses=ERROR_RESPONSES)


@router.get(
    "/datasets/{dataset}/regions/{code:path}/recommendations",
    response_model=Recommendations,
    summary="A region's most likely next specialisations",
    responses=ACCEPTED_RESPONSE,
)
def recommendations(
    app: AppDep,
    dataset: str,
    code: str,
    options: OptionsDep,
    period: PeriodQuery = None,
    top: Annotated[
        int, Query(ge=1, le=MAX_RECOMMENDATIONS, description="How many activities to list.")
    ] = 5,
    score: Annotated[
        Literal["learned", "density"] | None,
        Query(
            description="learned: the entry model's calibrated probabilities and their reasons; "
            "density: the candidates by relatedness density (no probability). Default: the "
            "dataset's (default_score in the answer)."
        ),
    ] = None,
) -> Recommendations:
    """The activities the region is most likely to specialise in next. The learned score is a
    histogram gradient-boosting model trained only on the panel's earlier windows (strict
    entries), its probabilities calibrated by Platt scaling; each activity's reasons are
    ceteris-paribus contrasts (the change in probability when one factor alone is moved to its
    median over the candidates), not SHAP values. The model is trained once per dataset in the
    background (202 meanwhile). A dataset with a single period has only the density score."""
    return region_recommendations(
        app, dataset, code, period=period, top=top, score=score, options=options
    )
