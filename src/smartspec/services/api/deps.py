"""Shared request dependencies: the app object and the analysis options."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.rules import Account, require_reader
from smartspec.domains.errors import RequestError
from smartspec.settings import PAGE_CEILING

__all__ = [
    "MAX_KNN",
    "MAX_THRESHOLD",
    "SESSION_COOKIE",
    "AccountDep",
    "AppDep",
    "LabelLangQuery",
    "LabelParentQuery",
    "LabelSearchQuery",
    "LimitQuery",
    "OffsetQuery",
    "OptionsDep",
    "PeriodQuery",
    "analysis_options",
    "current_account",
    "get_app",
    "reader",
]

#: The cookie of a dashboard session (its value is known only to the browser; the database keeps
#: its SHA-256).
SESSION_COOKIE = "smartspec_session"

#: Paths every visitor may reach on a private platform (health, logging in).
OPEN_PATHS = ("/api/v1/health", "/login", "/logout", "/static/", "/api/docs", "/api/openapi")

#: Upper bounds declared in the OpenAPI document and enforced before any work is done.
MAX_KNN = 10_000
MAX_THRESHOLD = 1e6
MAX_OFFSET = 10**9


def get_app(request: Request) -> SmartSpecApp:
    """The :class:`SmartSpecApp` the API was built for."""
    return request.app.state.smartspec


def current_account(request: Request) -> Account | None:
    """The account behind a request: an ``Authorization: Bearer`` token, else the dashboard's
    session cookie; ``None`` for an anonymous visitor. Read once per request.

    A malformed, unknown or revoked token is not silently anonymous: the request is answered
    401 (the caller meant to be someone).
    """
    if hasattr(request.state, "account"):
        found: Account | None = request.state.account
        return found
    app = get_app(request)
    account: Account | None = None
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        account = app.accounts.token_account(token.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            from smartspec.domains.errors import AuthenticationRequiredError

            known = scheme.strip().lower() in ("basic", "digest", "bearer", "token", "negotiate")
            raise AuthenticationRequiredError(
                "the Authorization header does not hold a valid token",
                expected="'Authorization: Bearer ss_<id>_<secret>' with a token that is not "
                "revoked",
                found=(
                    "an unknown or revoked token"
                    if scheme.lower() == "bearer"
                    else f"the {scheme.strip().title()} scheme"
                    if known
                    else "another kind of header (its value is not repeated here)"
                ),
                fix="create a token with `smartspec token create NAME` or on the account page",
            )
    else:
        account = app.accounts.session_account(request.cookies.get(SESSION_COOKIE))
    request.state.account = account
    return account


def reader(request: Request) -> None:
    """Refuse (401) an anonymous read on a private platform (``public_read`` off)."""
    path = request.url.path
    if path.startswith(OPEN_PATHS):
        return
    app = get_app(request)
    account = current_account(request)
    require_reader(account, bool(app.settings.get("public_read", True)))


def analysis_options(
    profile: Annotated[
        str | None,
        Query(description="Convention profile (default: the default_profile setting, atlas)."),
    ] = None,
    threshold: Annotated[
        float | None,
        Query(gt=0, le=MAX_THRESHOLD, description="Presence threshold on RCA (profile's default)."),
    ] = None,
    knn: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_KNN,
            description="kNN relatedness density with K neighbours (ties "
            "with the "
            "K-th closest included, as Stata ecomplexity's knn()).",
        ),
    ] = None,
    proximity: Annotated[
        str | None,
        Query(
            description="Proximity measure: min_conditional (the profile's default) or "
            "asymmetric (Stata's asym: the share of the regions with the target activity "
            "that also have the other one)."
        ),
    ] = None,
    presence_rule: Annotated[
        Literal["rca", "rpop", "either", "both"] | None,
        Query(
            description="How presence is decided: rca, rpop (value per head of population "
            "relative to all regions; needs the dataset's population), either or both. "
            "Default: the dataset's own (see GET .../complexity)."
        ),
    ] = None,
    sign: Annotated[
        Literal["diversity", "ubiquity", "income"] | None,
        Query(
            description="Sign rule of ECI/PCI: diversity (ECI correlates positively with "
            "diversity), ubiquity, or income (ECI correlates positively with the dataset's "
            "income series). Default: the dataset's own (see GET .../complexity)."
        ),
    ] = None,
) -> dict[str, Any]:
    """The options of :func:`smartspec.analyse` a request may set."""
    return {
        "profile": profile,
        "threshold": threshold,
        "knn": knn,
        "proximity": proximity,
        "presence": presence_rule,
        "sign": sign,
    }


AppDep = Annotated[SmartSpecApp, Depends(get_app)]
AccountDep = Annotated[Account | None, Depends(current_account)]
OptionsDep = Annotated[dict[str, Any], Depends(analysis_options)]
PeriodQuery = Annotated[
    str | None, Query(description="A period of the dataset (default: the latest).")
]
LimitQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=PAGE_CEILING,
        description="Rows per page (page_size setting; at most the max_page_size setting).",
    ),
]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
#: The parameters of a list of region or activity names (``/regions``, ``/activities``).
LabelSearchQuery = Annotated[str | None, Query(description="Search codes and names.")]
LabelParentQuery = Annotated[str | None, Query(description="Only children of this code.")]
LabelLangQuery = Annotated[
    Literal["en", "es"],
    Query(
        description="Language of the names: 'es' gives the official Spanish name where "
        "one is known (name_lang says which), the other name elsewhere."
    ),
]


#: The header of answers that hold records someone may change (never kept by caches).
NO_STORE = {"Cache-Control": "no-store"}


def edit_version(given: int | None, if_match: str | None, record: str) -> int:
    """The version a change starts from: ``version`` of the body or query, else ``If-Match``
    (``"3"`` or ``W/"3"``); a change naming neither is refused (400).

    >>> edit_version(None, 'W/"3"', "priority")
    3
    """
    if given is not None:
        return given
    text = (if_match or "").strip().removeprefix("W/").strip('"')
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise RequestError(
        "a change must name the version it was made from",
        expected=f"'version' (the {record}'s version when you read it) in the body or the "
        "query, or an If-Match header with it",
        found=repr(if_match) if if_match else "neither",
        fix=f"read the {record} first (GET) and send its 'version' back",
    )


def versioned(response: Response, view: Any) -> Any:
    """``view`` (a record with a ``version``), its response tagged ``ETag: "<version>"`` and
    kept by no cache."""
    response.headers["ETag"] = f'"{view.version}"'
    response.headers.update(NO_STORE)
    return view
