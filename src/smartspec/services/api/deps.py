"""Shared request dependencies: the app object and the analysis options."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request

from smartspec.app import SmartSpecApp
from smartspec.settings import PAGE_CEILING

__all__ = [
    "MAX_KNN",
    "MAX_THRESHOLD",
    "AppDep",
    "LimitQuery",
    "OffsetQuery",
    "OptionsDep",
    "PeriodQuery",
    "analysis_options",
    "get_app",
]

#: Upper bounds declared in the OpenAPI document and enforced before any work is done.
MAX_KNN = 10_000
MAX_THRESHOLD = 1e6
MAX_OFFSET = 10**9


def get_app(request: Request) -> SmartSpecApp:
    """The :class:`SmartSpecApp` the API was built for."""
    return request.app.state.smartspec


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
