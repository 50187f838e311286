"""The JSON API of the monitoring domain: a strategy's plan (objectives, actions, indicators),
targets and values, imports, progress (per strategy, per region, across regions), the starter
set and the measures of computed indicators.

Changes need an account (``Authorization: Bearer`` or the dashboard's session): an editor
granted the strategy's region, or an administrator; reading needs one only on a private
platform. A change of an indicator names the version it started from (``version`` in the body
or the query, or ``If-Match: "<version>"``): a change made meanwhile answers **409**
``edit_conflict`` with both versions. Answers are live data (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Header, Path, Query, Response, UploadFile
from pydantic import BaseModel, Field

from smartspec.services.api.deps import NO_STORE, AccountDep, AppDep, edit_version
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse

from .actions import monitoring_of
from .views import IndicatorIn, TargetIn

__all__ = ["router"]

router = APIRouter(tags=["monitoring"], responses=ERROR_RESPONSES)

_WRITE: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid login or token."},
    403: {"model": ErrorResponse, "description": "The account may not edit this region's plan."},
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    **_WRITE,
    409: {
        "model": ErrorResponse,
        "description": "The indicator changed since the version named (error.details has both "
        "versions), or its values are computed.",
    },
}
_ID = {"ge": 1, "le": 2**31 - 1}
StrategyPath = Annotated[int, Path(**_ID, description="The strategy's id (registry).")]
IndicatorPath = Annotated[int, Path(**_ID, description="The indicator's id.")]
YearPath = Annotated[int, Path(ge=1900, le=2100, description="The year of the value.")]
YearQuery = Annotated[
    int | None, Query(ge=1900, le=2100, description="Assess at the latest value up to this year.")
]


def _tagged(response: Response, data: dict[str, Any]) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    if "version" in data:
        response.headers["ETag"] = f'"{data["version"]}"'
    return data


class ObjectiveBody(BaseModel):
    """A new objective."""

    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=20_000)
    priority_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="A priority of the strategy"
    )


class ActionBody(BaseModel):
    """A new action (or instrument) serving an objective."""

    title: str = Field(max_length=500)
    instrument: str = Field(default="", max_length=500)
    budget: float | None = Field(default=None, ge=0, le=1e15, description="In euros")
    description: str = Field(default="", max_length=20_000)


class IndicatorUpdate(IndicatorIn):
    """An indicator's new content and the version it was edited from."""

    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The version the edit started from (or If-Match).",
    )


class TargetsBody(BaseModel):
    """The milestones and the target that replace the stored ones."""

    targets: list[TargetIn] = Field(max_length=50)
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Refuse if changed since."
    )


class ValueBody(BaseModel):
    """An observed value."""

    value: float
    note: str = Field(default="", max_length=2_000)


class StarterBody(BaseModel):
    """Starter-set indicators to add to a strategy."""

    keys: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=100)
    priority_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    lang: str = Field(default="en", pattern="^(en|es)$")


@router.get("/monitoring/strategies/{strategy_id}", summary="A strategy's monitoring plan")
def plan(
    app: AppDep, account: AccountDep, response: Response, strategy_id: StrategyPath
) -> dict[str, Any]:
    """Priorities, their objectives, actions and indicators (with targets, values and
    progress), objectives under no priority, and every indicator of the strategy."""
    return _tagged(response, monitoring_of(app).plan(account, strategy_id).to_dict())


@router.get("/monitoring/strategies/{strategy_id}/progress", summary="A strategy's progress")
def strategy_progress(
    app: AppDep,
    account: AccountDep,
    response: Response,
    strategy_id: StrategyPath,
    year: YearQuery = None,
) -> dict[str, Any]:
    """Each indicator's status (on track, at risk, off track, not assessable) and the counts."""
    return _tagged(response, monitoring_of(app).strategy_progress(account, strategy_id, year))


@router.get("/monitoring/progress", summary="Progress across regions")
def progress_across_regions(
    app: AppDep,
    account: AccountDep,
    response: Response,
    year: YearQuery = None,
    starter_key: Annotated[
        str | None, Query(max_length=64, description="Only this starter-set indicator.")
    ] = None,
) -> dict[str, Any]:
    """Every strategy's indicators with region, latest value and status; counts per region."""
    service = monitoring_of(app)
    return _tagged(response, service.progress_across_regions(account, year, starter_key))


@router.get("/monitoring/regions/{region}", summary="A region's monitoring progress")
def region_progress(
    app: AppDep,
    account: AccountDep,
    response: Response,
    region: Annotated[str, Path(min_length=2, max_length=16, pattern=r"^[A-Za-z0-9._-]+$")],
) -> dict[str, Any]:
    """Every strategy of the region with its progress."""
    return _tagged(response, monitoring_of(app).region_progress(account, region))


@router.post(
    "/monitoring/strategies/{strategy_id}/objectives",
    status_code=201,
    summary="Add an objective",
    responses=_WRITE,
)
def add_objective(
    app: AppDep,
    account: AccountDep,
    response: Response,
    strategy_id: StrategyPath,
    body: ObjectiveBody,
) -> dict[str, Any]:
    """Add an objective to the strategy (under one of its priorities, or none)."""
    view = monitoring_of(app).add_objective(
        account, strategy_id, body.title, body.description, body.priority_id
    )
    return _tagged(response, view)


@router.post(
    "/monitoring/objectives/{objective_id}/actions",
    status_code=201,
    summary="Add an action",
    responses=_WRITE,
)
def add_action(
    app: AppDep,
    account: AccountDep,
    response: Response,
    objective_id: Annotated[int, Path(**_ID)],
    body: ActionBody,
) -> dict[str, Any]:
    """Add an action (its instrument, its budget) serving the objective."""
    view = monitoring_of(app).add_action(
        account, objective_id, body.title, body.instrument, body.budget, body.description
    )
    return _tagged(response, view)


class ObjectiveUpdate(ObjectiveBody):
    """An objective's new content and the version it was edited from."""

    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The version the edit started from."
    )


class ActionUpdate(ActionBody):
    """An action's new content and the version it was edited from."""

    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The version the edit started from."
    )


ObjectivePath = Annotated[int, Path(**_ID, description="The objective's id.")]
ActionPath = Annotated[int, Path(**_ID, description="The action's id.")]
VersionQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
IfMatch = Annotated[str | None, Header(max_length=40)]


@router.put(
    "/monitoring/objectives/{objective_id}", summary="Change an objective", responses=_CONFLICT
)
def update_objective(
    app: AppDep,
    account: AccountDep,
    response: Response,
    objective_id: ObjectivePath,
    body: ObjectiveUpdate,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Replace the objective's title, description and priority; 409 with both versions when
    someone saved first."""
    view = monitoring_of(app).update_objective(
        account,
        objective_id,
        body.title,
        body.description,
        body.priority_id,
        version=edit_version(body.version, if_match, "objective"),
    )
    return _tagged(response, view)


@router.delete(
    "/monitoring/objectives/{objective_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an objective",
    responses=_CONFLICT,
)
def delete_objective(
    app: AppDep,
    account: AccountDep,
    objective_id: ObjectivePath,
    version: VersionQuery = None,
    if_match: IfMatch = None,
) -> Response:
    """Delete an objective without actions and indicators (409 otherwise)."""
    monitoring_of(app).delete_objective(
        account, objective_id, version=edit_version(version, if_match, "objective")
    )
    return Response(status_code=204)


@router.put("/monitoring/actions/{action_id}", summary="Change an action", responses=_CONFLICT)
def update_action(
    app: AppDep,
    account: AccountDep,
    response: Response,
    action_id: ActionPath,
    body: ActionUpdate,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Replace the action's title, instrument, budget and description; 409 with both versions
    when someone saved first."""
    view = monitoring_of(app).update_action(
        account,
        action_id,
        body.title,
        body.instrument,
        body.budget,
        body.description,
        version=edit_version(body.version, if_match, "action"),
    )
    return _tagged(response, view)


@router.delete(
    "/monitoring/actions/{action_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an action",
    responses=_CONFLICT,
)
def delete_action(
    app: AppDep,
    account: AccountDep,
    action_id: ActionPath,
    version: VersionQuery = None,
    if_match: IfMatch = None,
) -> Response:
    """Delete an action no indicator measures (409 otherwise)."""
    monitoring_of(app).delete_action(
        account, action_id, version=edit_version(version, if_match, "action")
    )
    return Response(status_code=204)


@router.post(
    "/monitoring/strategies/{strategy_id}/indicators",
    status_code=201,
    summary="Add an indicator",
    responses=_WRITE,
)
def add_indicator(
    app: AppDep,
    account: AccountDep,
    response: Response,
    strategy_id: StrategyPath,
    body: IndicatorIn,
) -> dict[str, Any]:
    """Add an output, result or context indicator (version 1); a computed one gets its values
    from its dataset at once."""
    return _tagged(response, monitoring_of(app).add_indicator(account, strategy_id, body).to_dict())


@router.get("/monitoring/indicators/{indicator_id}", summary="An indicator")
def get_indicator(
    app: AppDep, account: AccountDep, response: Response, indicator_id: IndicatorPath
) -> dict[str, Any]:
    """One indicator with its targets, values and progress; its version as the ``ETag``."""
    return _tagged(response, monitoring_of(app).indicator(account, indicator_id).to_dict())


@router.get("/monitoring/indicators/{indicator_id}/history", summary="An indicator's history")
def indicator_history(
    app: AppDep, account: AccountDep, response: Response, indicator_id: IndicatorPath
) -> list[dict[str, Any]]:
    """Every recorded change of the indicator, its targets and values, oldest first."""
    response.headers.update(NO_STORE)
    return monitoring_of(app).history(account, indicator_id)


@router.put(
    "/monitoring/indicators/{indicator_id}",
    summary="Change an indicator",
    responses=_CONFLICT,
)
def update_indicator(
    app: AppDep,
    account: AccountDep,
    response: Response,
    indicator_id: IndicatorPath,
    body: IndicatorUpdate,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> dict[str, Any]:
    """Replace the indicator's fields (its targets too, when given); 409 with both versions
    when someone saved first."""
    version = edit_version(body.version, if_match, "indicator")
    data = IndicatorIn(**body.model_dump(exclude={"version"}))
    view = monitoring_of(app).update_indicator(account, indicator_id, data, version)
    return _tagged(response, view.to_dict())


@router.delete(
    "/monitoring/indicators/{indicator_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an indicator",
    responses=_CONFLICT,
)
def delete_indicator(
    app: AppDep,
    account: AccountDep,
    indicator_id: IndicatorPath,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Delete the indicator with its targets and values (its history stays)."""
    monitoring_of(app).delete_indicator(
        account, indicator_id, edit_version(version, if_match, "indicator")
    )
    return Response(status_code=204)


@router.put(
    "/monitoring/indicators/{indicator_id}/targets",
    summary="Set an indicator's targets",
    responses=_CONFLICT,
)
def set_targets(
    app: AppDep,
    account: AccountDep,
    response: Response,
    indicator_id: IndicatorPath,
    body: TargetsBody,
) -> dict[str, Any]:
    """Replace the milestones and the target (at most one ``target``, in the last year)."""
    view = monitoring_of(app).set_targets(account, indicator_id, body.targets, version=body.version)
    return _tagged(response, view.to_dict())


@router.put(
    "/monitoring/indicators/{indicator_id}/values/{year}",
    summary="Record a value",
    responses=_CONFLICT,
)
def record_value(
    app: AppDep,
    account: AccountDep,
    response: Response,
    indicator_id: IndicatorPath,
    year: YearPath,
    body: ValueBody,
) -> dict[str, Any]:
    """Enter (or correct) the indicator's value in a year (not for a computed indicator)."""
    view = monitoring_of(app).record_value(account, indicator_id, year, body.value, body.note)
    return _tagged(response, view.to_dict())


@router.delete(
    "/monitoring/indicators/{indicator_id}/values/{year}",
    summary="Delete a value",
    responses=_CONFLICT,
)
def delete_value(
    app: AppDep,
    account: AccountDep,
    response: Response,
    indicator_id: IndicatorPath,
    year: YearPath,
) -> dict[str, Any]:
    """Delete the indicator's value in a year."""
    return _tagged(response, monitoring_of(app).delete_value(account, indicator_id, year).to_dict())


@router.post(
    "/monitoring/indicators/{indicator_id}/refresh",
    summary="Recompute a computed indicator",
    responses=_CONFLICT,
)
def refresh_indicator(
    app: AppDep, account: AccountDep, response: Response, indicator_id: IndicatorPath
) -> dict[str, Any]:
    """Recompute the values of a computed indicator from its dataset now."""
    return _tagged(response, monitoring_of(app).refresh_computed(account, indicator_id).to_dict())


@router.post("/monitoring/values/import", summary="Import values", responses=_WRITE)
def import_values(
    app: AppDep,
    account: AccountDep,
    file: Annotated[UploadFile, File(description="CSV or Excel file (docs/monitoring.md).")],
    dry_run: Annotated[bool, Form(description="Check only; store nothing.")] = False,
) -> dict[str, Any]:
    """Check every row and store all of them, or nothing: with any problem the answer is 422
    (``invalid.import``, the report in ``error.details``) and nothing is stored; ``dry_run``
    answers the report without storing."""
    data = file.file.read()
    report = monitoring_of(app).import_values(
        account, data, file.filename or "upload.csv", dry_run=dry_run
    )
    return report.to_dict()


@router.get("/monitoring/starter", summary="The starter set of indicators")
def starter(app: AppDep, account: AccountDep) -> list[dict[str, Any]]:
    """Indicators a strategy can adopt by priority type (names in English and Spanish)."""
    service = monitoring_of(app)
    service.read(account)
    return service.starter_set()


@router.post(
    "/monitoring/strategies/{strategy_id}/starter",
    status_code=201,
    summary="Adopt starter-set indicators",
    responses=_WRITE,
)
def adopt_starter(
    app: AppDep,
    account: AccountDep,
    strategy_id: StrategyPath,
    body: Annotated[StarterBody, Body()],
) -> list[dict[str, Any]]:
    """Add starter-set indicators to the strategy (computed ones get their values at once)."""
    views = monitoring_of(app).adopt_starter(
        account, strategy_id, body.keys, body.priority_id, lang=body.lang
    )
    return [v.to_dict() for v in views]


@router.get("/monitoring/measures", summary="Measures of computed indicators")
def measures(app: AppDep, account: AccountDep) -> dict[str, dict[str, Any]]:
    """The measures a computed indicator can use: label, unit, whether it needs activities."""
    from . import compute

    monitoring_of(app).read(account)
    return compute.MEASURES
