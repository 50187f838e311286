"""The JSON API of the cooperation monitor: FP7 and Horizon 2020 participation of a country.

Every route reads the bundled CORDIS tables (no database); ``country`` is a CORDIS code
(default ``MX``; ``UK`` and ``EL`` for the United Kingdom and Greece, ``NA`` Namibia) and
``programme`` is ``h2020`` or ``fp7``. An unknown country or programme answers **422** with
what was expected. Every answer carries ``caveats``: what the data cannot say.

=========================================== =================================================
``GET /cooperation/summary``                  participations, organisations, projects, EU
                                              contribution
``GET /cooperation/timeline``                 by start year and programme part
``GET /cooperation/organisations``            the country's organisations (``top`` <= 1000)
``GET /cooperation/states``                   Mexican states (derived), assigned / unassigned
``GET /cooperation/partners``                 partner countries and NUTS-2 regions
``GET /cooperation/indicators``               coordinator share, funding, repeat pairs, new
                                              entrants, hubs (``top`` <= 100)
``GET /cooperation/network``                  the consortium network (``q``, ``top`` <= 500)
=========================================== =================================================
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from smartspec.services.api.errors import ERROR_RESPONSES

from . import indicators as _indicators
from . import monitor
from .views import (
    CooperationIndicators,
    CooperationNetwork,
    CooperationOrganisations,
    CooperationPartners,
    CooperationStates,
    CooperationSummary,
    CooperationTimeline,
)

__all__ = ["router"]

router = APIRouter(tags=["cooperation"], responses=ERROR_RESPONSES)

Country = Annotated[
    str,
    Query(
        min_length=1,
        max_length=8,
        description="CORDIS country code (MX, ES, UK, EL ...; NA is Namibia).",
    ),
]
Prog = Annotated[
    str, Query(min_length=1, max_length=16, description="Framework programme: h2020 or fp7.")
]


@router.get(
    "/cooperation/summary",
    response_model=CooperationSummary,
    summary="A country's participation totals",
)
def cooperation_summary(country: Country = "MX", programme: Prog = "h2020") -> CooperationSummary:
    """Participations, organisations, projects and EU contribution (H2020 only) of a country."""
    return monitor.summary(country, programme)


@router.get(
    "/cooperation/timeline",
    response_model=CooperationTimeline,
    summary="Participation by year and part",
)
def cooperation_timeline(country: Country = "MX", programme: Prog = "h2020") -> CooperationTimeline:
    """By project start year and programme part (``part = all``: the year's totals)."""
    return monitor.timeline(country, programme)


@router.get(
    "/cooperation/organisations",
    response_model=CooperationOrganisations,
    summary="A country's organisations",
)
def cooperation_organisations(
    country: Country = "MX",
    programme: Prog = "h2020",
    top: Annotated[int, Query(ge=1, le=monitor.MAX_TOP, description="Most rows.")] = 100,
) -> CooperationOrganisations:
    """The organisations, most projects first, with their state (Mexico) and the rule used."""
    return monitor.organisations(country, programme, top=top)


@router.get(
    "/cooperation/states", response_model=CooperationStates, summary="Mexican states (derived)"
)
def cooperation_states(country: Country = "MX", programme: Prog = "h2020") -> CooperationStates:
    """Participation by Mexican state derived from city, address, postcode and name, with the
    assigned and unassigned counts and the rule per organisation (Mexico only)."""
    return monitor.states(country, programme)


@router.get(
    "/cooperation/partners",
    response_model=CooperationPartners,
    summary="Partner countries and regions",
)
def cooperation_partners(country: Country = "MX", programme: Prog = "h2020") -> CooperationPartners:
    """The countries and NUTS-2 regions (where known) in the country's projects."""
    return monitor.partners(country, programme)


@router.get(
    "/cooperation/indicators",
    response_model=CooperationIndicators,
    summary="Cooperation indicators",
)
def cooperation_indicators(
    country: Country = "MX",
    programme: Prog = "h2020",
    top: Annotated[
        int, Query(ge=1, le=_indicators.MAX_LIST, description="Hubs and pairs listed.")
    ] = 10,
) -> CooperationIndicators:
    """Coordinator share, funded vs unfunded participations, repeat collaborations, new
    entrants per year and hubs of the consortium network."""
    return _indicators.indicators(country, programme, top=top)


@router.get(
    "/cooperation/network", response_model=CooperationNetwork, summary="The consortium network"
)
def cooperation_network(
    country: Country = "MX",
    programme: Prog = "h2020",
    q: Annotated[str, Query(max_length=100, description="A word of a name, or an id.")] = "",
    top: Annotated[
        int, Query(ge=1, le=_indicators.MAX_NODES, description="Most nodes returned.")
    ] = 150,
) -> CooperationNetwork:
    """Organisations of the country's projects tied by shared projects; with ``q``, the
    matching organisations and their direct partners."""
    return _indicators.network(country, programme, q=q, top=top)
