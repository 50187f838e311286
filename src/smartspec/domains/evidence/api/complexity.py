"""Whether a dataset's complexity ranking means what it says."""

from __future__ import annotations

from fastapi import APIRouter

from smartspec.services.api.deps import AppDep, OptionsDep
from smartspec.services.api.errors import ERROR_RESPONSES

from .. import views

router = APIRouter(tags=["complexity"], responses=ERROR_RESPONSES)


@router.get(
    "/datasets/{dataset}/complexity",
    response_model=views.ComplexityReport,
    summary="Complexity validity",
)
def complexity_validity(app: AppDep, dataset: str, options: OptionsDep) -> views.ComplexityReport:
    """Per period: the sign rule and how strongly it is determined, the relative spectral gap,
    and the Spearman correlation of ECI with the dataset's income series (GDP per head...) with
    its 95% interval. ``problems`` lists the failed checks by stable code; a period without
    problems is ``meaningful``. Pages show a caveat wherever a ranking fails a check."""
    return views.complexity_report(app, dataset, options=options)
