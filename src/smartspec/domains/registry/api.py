"""The registry API: declared priorities (search, read, create, change, delete, history,
restore), regions and strategies, comparison and similar regions, suggested codes, coherence with
the evidence, import and export.

Changes need an account (``Authorization: Bearer`` or the dashboard's session) allowed to edit the
record's region; reading needs one only on a private platform. An update or delete names the
version it started from (``version`` in the body or the query, or ``If-Match: "<version>"``): a
change made meanwhile answers **409** with both versions. Registry answers are live data: they
carry ``Cache-Control: no-store`` and are never kept by the response cache.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Header, Path, Query, Response, UploadFile
from pydantic import BaseModel, Field

from smartspec.domains.errors import RequestError
from smartspec.services.api.deps import (
    NO_STORE,
    AccountDep,
    AppDep,
    OptionsDep,
    edit_version,
    versioned,
)
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse
from smartspec.services.api.exports import FORMATS

from . import actions
from .autocode import CodeSuggestion
from .coherence import CoherenceView
from .layout import ImportReport
from .views import (
    ChangeView,
    ComparisonView,
    PriorityIn,
    PriorityPage,
    PriorityView,
    RegionIn,
    RegionPriorities,
    RegionView,
    SimilarityView,
    StrategyIn,
    StrategyView,
)

router = APIRouter(tags=["registry"], responses=ERROR_RESPONSES)

_WRITE: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid login or token."},
    403: {"model": ErrorResponse, "description": "The account may not edit this region."},
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    **_WRITE,
    409: {
        "model": ErrorResponse,
        "description": "The record changed since the version named (error.details has both "
        "versions).",
    },
}
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The priority's id.")]
RegionPath = Annotated[
    str, Path(max_length=16, pattern=r"^[A-Za-z0-9._-]+$", description="Region code.")
]


class PriorityUpdate(PriorityIn):
    """A priority's new content and the version it was edited from."""

    version: int | None = Field(
        default=None, ge=1, description="The version the edit started from (or If-Match)."
    )


class RestoreRequest(BaseModel):
    """Which earlier version to bring back."""

    version: int = Field(ge=1, description="A version from the record's history.")


class SuggestRequest(BaseModel):
    """A free text to code."""

    text: str = Field(min_length=1, max_length=20_000)
    language: str | None = Field(default=None, max_length=8)
    limit: int = Field(default=10, ge=1, le=88)


@router.get("/priorities", response_model=PriorityPage, summary="Search the priorities")
def search_priorities(
    app: AppDep,
    account: AccountDep,
    response: Response,
    q: Annotated[
        str | None, Query(max_length=500, description="Words in titles and descriptions.")
    ] = None,
    region: Annotated[
        str | None, Query(max_length=16, description="Region code (and the regions below it).")
    ] = None,
    code: Annotated[
        str | None, Query(max_length=120, description="A code: 'nace:28', 'sdg:7' or bare '28'.")
    ] = None,
    country: Annotated[str | None, Query(max_length=2, description="ISO country code.")] = None,
    period: Annotated[str | None, Query(max_length=20, description="Strategy period.")] = None,
    strategy: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> PriorityPage:
    """Full-text search (accent- and case-insensitive; every word must match, as a prefix),
    filtered by region, code, country, period and strategy; the best matches first."""
    response.headers.update(NO_STORE)
    return app.registry.search(
        account,
        q=q,
        region=region,
        code=code,
        country=country,
        period=period,
        strategy=strategy,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/priorities",
    response_model=PriorityView,
    status_code=201,
    summary="Add a priority",
    responses=_WRITE,
)
def create_priority(
    app: AppDep, account: AccountDep, response: Response, body: PriorityIn
) -> PriorityView:
    """Add a priority to a strategy (``strategy_id``, or ``region`` and ``period``); every code
    is checked against the bundled code lists (422 ``invalid.code`` for an unknown one)."""
    return versioned(response, app.registry.create_priority(account, body))


@router.get(
    "/priorities/export",
    summary="Export priorities (CSV or Excel)",
    response_class=Response,
    responses={200: {"content": {FORMATS[f][0].split(";")[0]: {} for f in ("csv", "xlsx")}}},
)
def export_priorities(
    app: AppDep,
    account: AccountDep,
    format: Annotated[Literal["csv", "xlsx"], Query(description="File format.")] = "csv",
    q: Annotated[str | None, Query(max_length=500)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    code: Annotated[str | None, Query(max_length=120)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    period: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The matching priorities in the import layout (docs/registry.md): one row per priority,
    codes in semicolon-separated columns. Importing the file gives the same priorities."""
    data = actions.export_priorities(
        app, account, format, q=q, region=region, code=code, country=country, period=period
    )
    return Response(
        data,
        media_type=FORMATS[format][0],
        headers={
            "Content-Disposition": f'attachment; filename="priorities.{format}"',
            **NO_STORE,
        },
    )


@router.post(
    "/priorities/import",
    response_model=ImportReport,
    summary="Import priorities (CSV or Excel)",
    responses={
        **_WRITE,
        422: {"model": ErrorResponse, "description": "Problems in the file: nothing stored."},
    },
)
def import_priorities(
    app: AppDep,
    account: AccountDep,
    file: Annotated[UploadFile, File(description="CSV or Excel file in the import layout.")],
    dry_run: Annotated[bool, Form(description="Check only; store nothing.")] = False,
    invalid_codes: Annotated[
        Literal["refuse", "set-aside"],
        Form(
            description="An unknown code: refuse the file, or store the priority without it "
            "(kept in set_aside_codes and named in the report)."
        ),
    ] = "refuse",
) -> ImportReport:
    """Check every row and store all of them, or nothing: with any problem the answer is 422
    with the report (row, column, expected, found) and nothing is stored. ``dry_run`` answers
    the report without storing."""
    data = file.file.read()
    return actions.import_priorities(
        app,
        account,
        data,
        file.filename or "upload.csv",
        dry_run=dry_run,
        invalid_codes=invalid_codes,
    )


@router.post(
    "/priorities/suggest-codes",
    response_model=list[CodeSuggestion],
    summary="Suggest NACE codes for a text",
)
def suggest_codes(app: AppDep, account: AccountDep, body: SuggestRequest) -> list[CodeSuggestion]:
    """NACE Rev. 2 divisions whose classification texts are closest to the text (TF-IDF,
    offline; see docs/registry.md for how well it does on real priorities)."""
    return actions.suggest(app, account, body.text, language=body.language, limit=body.limit)


@router.get("/priorities/compare", response_model=ComparisonView, summary="Compare regions")
def compare_regions(
    app: AppDep,
    account: AccountDep,
    regions: Annotated[str, Query(max_length=400, description="Region codes, comma-separated.")],
) -> ComparisonView:
    """Two or more regions' priorities side by side, with the NACE divisions each declares
    and the codes they share."""
    codes = [c.strip() for c in regions.split(",") if c.strip()]
    if not 2 <= len(codes) <= 20:
        raise RequestError(
            "a comparison needs between 2 and 20 regions",
            expected="regions=A,B[,C...]",
            found=f"{len(codes)} region(s)",
        )
    return app.registry.compare(account, codes)


@router.get("/priorities/{priority_id}", response_model=PriorityView, summary="A priority")
def get_priority(
    app: AppDep, account: AccountDep, response: Response, priority_id: IdPath
) -> PriorityView:
    """One priority with its codes and version (also as the ``ETag``)."""
    return versioned(response, app.registry.get_priority(account, priority_id))


@router.put(
    "/priorities/{priority_id}",
    response_model=PriorityView,
    summary="Change a priority",
    responses=_CONFLICT,
)
def update_priority(
    app: AppDep,
    account: AccountDep,
    response: Response,
    priority_id: IdPath,
    body: PriorityUpdate,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> PriorityView:
    """Replace a priority's content. The version it was edited from is required; when someone
    saved meanwhile the answer is 409 with both versions, and nothing is lost."""
    version = edit_version(body.version, if_match, "priority")
    data = PriorityIn(**body.model_dump(exclude={"version"}))
    view = app.registry.update_priority(account, priority_id, data, version=version)
    return versioned(response, view)


@router.delete(
    "/priorities/{priority_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a priority",
    responses=_CONFLICT,
)
def delete_priority(
    app: AppDep,
    account: AccountDep,
    priority_id: IdPath,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Delete a priority (its history stays, and it can be restored)."""
    app.registry.delete_priority(
        account, priority_id, version=edit_version(version, if_match, "priority")
    )
    return Response(status_code=204)


@router.get(
    "/priorities/{priority_id}/history",
    response_model=list[ChangeView],
    summary="A priority's history",
)
def priority_history(
    app: AppDep, account: AccountDep, response: Response, priority_id: IdPath
) -> list[ChangeView]:
    """Every version: when, who, what (each field's old and new value), and a snapshot."""
    response.headers.update(NO_STORE)
    return app.registry.history(account, priority_id)


@router.post(
    "/priorities/{priority_id}/restore",
    response_model=PriorityView,
    summary="Restore an earlier version",
    responses=_WRITE,
)
def restore_priority(
    app: AppDep,
    account: AccountDep,
    response: Response,
    priority_id: IdPath,
    body: Annotated[RestoreRequest, Body()],
) -> PriorityView:
    """Bring back an earlier version (itself recorded as a new version; deleted records too)."""
    return versioned(response, app.registry.restore(account, priority_id, body.version))


@router.get("/registry/regions", response_model=list[RegionView], summary="Regions of the registry")
def list_regions(
    app: AppDep,
    account: AccountDep,
    country: Annotated[str | None, Query(max_length=2)] = None,
) -> list[RegionView]:
    """The regions that have strategies or priorities in the registry."""
    return app.registry.list_regions(account, country=country)


@router.put(
    "/registry/regions",
    response_model=RegionView,
    summary="Add or change a region",
    responses=_WRITE,
)
def upsert_region(app: AppDep, account: AccountDep, body: RegionIn) -> RegionView:
    """Add a region (of any country) or change its name, level, parent and country."""
    return app.registry.upsert_region(account, body)


@router.get("/registry/strategies", response_model=list[StrategyView], summary="Strategies")
def list_strategies(
    app: AppDep,
    account: AccountDep,
    region: Annotated[str | None, Query(max_length=16)] = None,
) -> list[StrategyView]:
    """The strategies (of one region): period, title, status, source document."""
    return app.registry.list_strategies(account, region=region)


@router.put(
    "/registry/strategies",
    response_model=StrategyView,
    summary="Add or change a strategy",
    responses=_WRITE,
)
def upsert_strategy(app: AppDep, account: AccountDep, body: StrategyIn) -> StrategyView:
    """Add a region's strategy for a period, or change its title, status and source."""
    return app.registry.upsert_strategy(account, body)


@router.get(
    "/regions/{region}/priorities",
    response_model=RegionPriorities,
    summary="A region's priorities",
)
def region_priorities(
    app: AppDep, account: AccountDep, response: Response, region: RegionPath
) -> RegionPriorities:
    """The region's declared priorities with the codes they declare."""
    response.headers.update(NO_STORE)
    return app.registry.compare(account, [region]).regions[0]


@router.get(
    "/regions/{region}/priorities/similar",
    response_model=SimilarityView,
    summary="Regions with similar priorities",
)
def similar_regions(
    app: AppDep,
    account: AccountDep,
    region: RegionPath,
    by: Annotated[Literal["codes", "text", "both"], Query()] = "codes",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SimilarityView:
    """Regions ranked by the similarity of their declared priorities, with the measure named
    (Jaccard of NACE divisions, cosine of TF-IDF texts, or their mean)."""
    return app.registry.similar_regions(account, region, by=by, limit=limit)


@router.get(
    "/regions/{region}/priorities/coherence",
    response_model=CoherenceView,
    summary="Coherence of the priorities with the evidence",
)
def region_coherence(
    app: AppDep,
    account: AccountDep,
    options: OptionsDep,
    region: RegionPath,
    dataset: Annotated[str, Query(max_length=200, description="An evidence dataset.")],
    period: Annotated[str | None, Query(max_length=20)] = None,
) -> CoherenceView:
    """Each coded priority evidence-backed (the region is specialised in its activities),
    emerging (not yet, but high relatedness density) or weakly grounded, with the numbers, the
    rule and the dataset's validity caveats. A region finer than the dataset's is compared
    through its parent (a NUTS3 region against NUTS2 data)."""
    return actions.region_coherence(app, account, region, dataset, period=period, options=options)
