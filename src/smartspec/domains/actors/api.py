"""The JSON API of the actors domain: the organisation registry (search, read, create, change,
delete, import), partner search, and collaboration networks.

Changes need an account (``Authorization: Bearer`` or the dashboard's session) with the editor
role (of the organisation's region, when it has one) or an administrator; reading needs one only
on a private platform. A change names the version it started from (``version`` in the body or
the query, or ``If-Match: "<version>"``): a change made meanwhile answers **409**
``edit_conflict`` with both versions. Answers are live data (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Path, Query, Response, UploadFile
from pydantic import Field

from smartspec.services.api.deps import NO_STORE, AccountDep, AppDep, edit_version, versioned
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse

from . import actions, partners
from .views import (
    ActorsImportReport,
    NetworkView,
    OrganisationIn,
    OrganisationPage,
    OrganisationView,
    ParticipationView,
    PartnersView,
)

__all__ = ["router"]

router = APIRouter(tags=["actors"], responses=ERROR_RESPONSES)

_WRITE: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid login or token."},
    403: {"model": ErrorResponse, "description": "The account may not edit this organisation."},
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    **_WRITE,
    409: {
        "model": ErrorResponse,
        "description": "The organisation changed since the version named (error.details has "
        "both versions), or its source id is taken.",
    },
}
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The organisation's id.")]
Helix = Literal["research", "business", "government", "civil society", "unknown"]
Measure = Literal["both", "topic", "network"]


class OrganisationUpdate(OrganisationIn):
    """An organisation's new content and the version it was edited from."""

    version: int | None = Field(
        default=None, ge=1, description="The version the edit started from (or If-Match)."
    )


@router.get("/organisations", response_model=OrganisationPage, summary="Search organisations")
def search_organisations(
    app: AppDep,
    account: AccountDep,
    response: Response,
    q: Annotated[
        str | None,
        Query(
            max_length=500, description="Words of the name, description, topics, city or source id."
        ),
    ] = None,
    country: Annotated[str | None, Query(max_length=2, description="2-letter code.")] = None,
    helix: Annotated[Helix | None, Query(description="Quadruple-helix group.")] = None,
    type: Annotated[
        Literal["HES", "REC", "PRC", "PUB", "OTH"] | None, Query(description="CORDIS type.")
    ] = None,
    region: Annotated[
        str | None, Query(max_length=16, description="Region code (and those below it).")
    ] = None,
    topic: Annotated[str | None, Query(max_length=120, description="A topic (prefix).")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> OrganisationPage:
    """The organisations matching every word and filter, the most active first."""
    response.headers.update(NO_STORE)
    return actions.actors_of(app).search(
        account,
        q=q,
        country=country,
        helix=helix,
        type=type,
        region=region,
        topic=topic,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/organisations",
    response_model=OrganisationView,
    status_code=201,
    summary="Add an organisation",
    responses=_CONFLICT,
)
def create_organisation(
    app: AppDep, account: AccountDep, response: Response, body: OrganisationIn
) -> OrganisationView:
    """Add an organisation (version 1): editors (of its region, when it has one) and
    administrators."""
    return versioned(response, actions.actors_of(app).create(account, body))


@router.post(
    "/organisations/import",
    response_model=ActorsImportReport,
    summary="Import organisations or participations",
    responses=_WRITE,
)
def import_organisations(
    app: AppDep,
    account: AccountDep,
    file: Annotated[UploadFile, File(description="CSV or Excel file (docs/actors.md).")],
    kind: Annotated[
        Literal["organisations", "participations"],
        Form(
            description="organisations: one row per organisation; participations: one row "
            "per participant in a project, CORDIS-style."
        ),
    ] = "organisations",
    dry_run: Annotated[bool, Form(description="Check only; store nothing.")] = False,
) -> ActorsImportReport:
    """Check every row and store all of them, or nothing: with any problem the answer is 422
    and nothing is stored; ``dry_run`` answers the report without storing."""
    data = file.file.read()
    return actions.import_organisations(
        app, account, data, file.filename or "upload.csv", kind=kind, dry_run=dry_run
    )


@router.get(
    "/organisations/{organisation_id}", response_model=OrganisationView, summary="An organisation"
)
def get_organisation(
    app: AppDep, account: AccountDep, response: Response, organisation_id: IdPath
) -> OrganisationView:
    """One organisation with its version (also as the ``ETag``)."""
    return versioned(response, actions.actors_of(app).get(account, organisation_id))


@router.put(
    "/organisations/{organisation_id}",
    response_model=OrganisationView,
    summary="Change an organisation",
    responses=_CONFLICT,
)
def update_organisation(
    app: AppDep,
    account: AccountDep,
    response: Response,
    organisation_id: IdPath,
    body: OrganisationUpdate,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> OrganisationView:
    """Replace an organisation's fields; 409 with both versions when someone saved first."""
    version = edit_version(body.version, if_match, "organisation")
    data = OrganisationIn(**body.model_dump(exclude={"version"}))
    view = actions.actors_of(app).update(account, organisation_id, data, version=version)
    return versioned(response, view)


@router.delete(
    "/organisations/{organisation_id}",
    status_code=204,
    response_class=Response,
    summary="Delete an organisation",
    responses=_CONFLICT,
)
def delete_organisation(
    app: AppDep,
    account: AccountDep,
    organisation_id: IdPath,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Delete an organisation and its participations."""
    actions.actors_of(app).delete(
        account, organisation_id, version=edit_version(version, if_match, "organisation")
    )
    return Response(status_code=204)


@router.get(
    "/organisations/{organisation_id}/participations",
    response_model=list[ParticipationView],
    summary="An organisation's projects",
)
def organisation_participations(
    app: AppDep, account: AccountDep, response: Response, organisation_id: IdPath
) -> list[ParticipationView]:
    """The projects the organisation takes part in, newest first."""
    response.headers.update(NO_STORE)
    return actions.actors_of(app).participations(account, organisation_id)


@router.get(
    "/organisations/{organisation_id}/partners",
    response_model=PartnersView,
    summary="Partners for an organisation",
)
def organisation_partners(
    app: AppDep,
    account: AccountDep,
    response: Response,
    organisation_id: IdPath,
    measure: Measure = "both",
    country: Annotated[str | None, Query(max_length=2)] = None,
    helix: Helix | None = None,
    topic: Annotated[str | None, Query(max_length=120)] = None,
    top: Annotated[int, Query(ge=1, le=partners.MAX_TOP)] = 20,
) -> PartnersView:
    """Proposed partners by topic similarity (TF-IDF cosine of descriptions and topics) and by
    network proximity (shared projects, two steps out); each result says which and why."""
    response.headers.update(NO_STORE)
    return partners.find_partners(
        actions.actors_of(app),
        account,
        organisation=organisation_id,
        measure=measure,
        country=country,
        helix=helix,
        topic=topic,
        top=top,
    )


@router.get("/actors/partners", response_model=PartnersView, summary="Partners for a region")
def region_partners(
    app: AppDep,
    account: AccountDep,
    response: Response,
    region: Annotated[
        str,
        Query(
            min_length=2,
            max_length=16,
            pattern=r"^[A-Za-z0-9._-]+$",
            description="Region or country code (ES51, MX09, MX).",
        ),
    ],
    measure: Measure = "both",
    country: Annotated[str | None, Query(max_length=2)] = None,
    helix: Helix | None = None,
    topic: Annotated[str | None, Query(max_length=120)] = None,
    top: Annotated[int, Query(ge=1, le=partners.MAX_TOP)] = 20,
) -> PartnersView:
    """Partners for the organisations of a region (or a country), outside it."""
    response.headers.update(NO_STORE)
    return partners.find_partners(
        actions.actors_of(app),
        account,
        region=region,
        measure=measure,
        country=country,
        helix=helix,
        topic=topic,
        top=top,
    )


@router.get("/actors/network", response_model=NetworkView, summary="Collaboration network")
def network(
    app: AppDep,
    account: AccountDep,
    response: Response,
    level: Literal["org", "country", "region"] = "org",
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Find nodes: words of an organisation's name, or a country/region code.",
        ),
    ] = None,
    programme: Annotated[str | None, Query(max_length=16, pattern=r"^[a-z0-9_-]+$")] = None,
    top: Annotated[int, Query(ge=1, le=partners.MAX_NODES)] = 60,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> NetworkView:
    """The co-participation network of the stored projects: centralities, Leiden communities,
    bridges between helices and between countries; the nodes found by ``q`` and their
    partners, or the strongest nodes."""
    response.headers.update(NO_STORE)
    return partners.network_view(
        actions.actors_of(app),
        account,
        level=level,
        q=q,
        programme=programme,
        top=top,
        seed=seed,
    )
