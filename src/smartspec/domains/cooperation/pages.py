"""The dashboard page of the cooperation monitor.

=========================== =====================================================================
``GET /cooperation``         the monitor of one country (``country``, default MX) in one
                             programme (``programme``: h2020 or fp7): summary cards, what the data
                             cannot say, the timeline by programme part (``measure``:
                             participations, organisations or contribution), a map of the partner
                             countries and one of the NUTS-2 regions where known, Mexican states,
                             organisations, indicators, hubs, and the consortium network with a
                             search (``q``)
=========================== =====================================================================

The page calls :mod:`.monitor` and :mod:`.indicators` directly in a worker thread and renders
with the dashboard's :class:`~smartspec.services.web.pages_base.DashboardBase`; the template is
``templates/cooperation/monitor.html``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import PageRoute, add_pages

from . import indicators as _indicators
from . import monitor
from .cordis import PROGRAMMES
from .views import (
    CooperationCaveat,
    CooperationIndicators,
    CooperationNetwork,
    CooperationPartners,
    CooperationTimeline,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.services.web.pages_base import DashboardBase

__all__ = [
    "CAVEATS",
    "CooperationPages",
    "attach",
    "caveat_text",
    "network_chart",
    "partner_map",
    "region_map",
    "timeline_chart",
]

#: The measures of the timeline chart.
MEASURES = {
    "participations": N_("Participations"),
    "organisations": N_("Organisations"),
    "eu_contribution": N_("EU contribution (EUR)"),
}
PROGRAMME_NAMES = {"h2020": N_("Horizon 2020"), "fp7": N_("FP7")}
#: What the data cannot say, by caveat code, in the page language (``%(...)s`` from the view).
CAVEATS = {
    "titles_missing": N_(
        "Project acronym and title are missing for %(missing)s of %(total)s projects: the only "
        "link from CORDIS record numbers to grant numbers is a 2016 project list."
    ),
    "snapshots": N_(
        "The data are snapshots from different years: Horizon 2020 participations of December "
        "2020, organisation names of 2016 to 2022, FP7 links of 2016 and addresses of 2016 and "
        "2018."
    ),
    "no_horizon_europe": N_(
        "There is no Horizon Europe (2021-2027) data, and no Horizon 2020 grant signed after "
        "December 2020."
    ),
    "fp7_links_only": N_(
        "FP7: the source has only links between projects and organisations, so no roles, "
        "organisation types, EU contributions, start years or programme parts."
    ),
    "names_other_years": N_(
        "Horizon 2020 organisation names come from lists of other years; %(missing)s of "
        "%(total)s organisations of the country have no name and are shown by their PIC."
    ),
    "parts_overlap": N_("A project with several programme parts counts once in each part."),
    "states_derived": N_(
        "CORDIS codes no Mexican state: states are derived from the organisation's city, "
        "address, postcode and name by the rules below; a national institution (UNAM, IPN, "
        "CINVESTAV...) is put in the state of its seat."
    ),
    "nuts_partial": N_(
        "NUTS regions are known for %(known)s of %(total)s partner participations only."
    ),
    "network_too_large": N_(
        "No hubs and no network: the consortium of %(total)s projects is larger than the "
        "%(limit)s projects computed on request."
    ),
    "network_scope": N_(
        "Hubs and repeat collaborations are measured in the consortia of the country's "
        "projects only, not in the whole programme."
    ),
}
RULE_NAMES = {
    "alias": N_("alias (D.F., CDMX, Estado de México...)"),
    "city: state name": N_("state named in the city"),
    "city: municipality": N_("municipality (city)"),
    "city: municipality + named state": N_("municipality and named state"),
    "postcode": N_("postcode"),
    "seat of the institution": N_("seat of the institution"),
    "name": N_("place in the name"),
    "unassigned": N_("unassigned"),
}
HELIX_NAMES = {
    "research": N_("research"),
    "business": N_("business"),
    "government": N_("government"),
    "civil society": N_("civil society"),
    "unknown": N_("unknown"),
}


def caveat_text(caveat: CooperationCaveat, tr: Any) -> str:
    """A caveat in the page language (its English text when the code has no translation)."""
    template = CAVEATS.get(caveat.code)
    if template is None:
        return caveat.text
    return str(tr.gettext(template) % caveat.values) if caveat.values else tr.gettext(template)


def timeline_chart(
    view: CooperationTimeline,
    *,
    measure: str,
    title: str,
    year_label: str,
    part_label: str,
    y_label: str,
) -> dict[str, Any] | None:
    """A Vega-Lite stacked bar chart of ``measure`` by start year, one colour per programme
    part; ``None`` when the view has no years (FP7)."""
    from smartspec.reports.charts import base_spec

    rows = [
        {"year": r.year, "part": r.part, "value": getattr(r, measure) or 0}
        for r in view.rows
        if r.year is not None and r.part != monitor.ALL_PARTS
    ]
    if not rows:
        return None
    fmt = ",.0f"
    return base_spec(
        title,
        title,
        height=280,
        data={"values": rows},
        mark={"type": "bar"},
        encoding={
            "x": {
                "field": "year",
                "type": "ordinal",
                "title": year_label,
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": y_label,
                "aggregate": "sum",
                "axis": {"format": fmt},
            },
            "color": {
                "field": "part",
                "type": "nominal",
                "title": part_label,
                "sort": view.parts,
                "scale": {"scheme": "tableau20"},
            },
            "tooltip": [
                {"field": "year", "type": "ordinal", "title": year_label},
                {"field": "part", "type": "nominal", "title": part_label},
                {"field": "value", "type": "quantitative", "title": y_label, "format": fmt},
            ],
        },
    )


def partner_map(
    view: CooperationPartners, *, title: str, legend: str, name_label: str, lang: str
) -> tuple[dict[str, Any] | None, Any]:
    """A world map of the partner countries coloured by the projects shared with the focus
    country (the focus country outlined); returns the spec and the boundary match."""
    from smartspec.services.web.charts import choropleth
    from smartspec.services.web.maps import match_boundaries

    codes = [c.iso3 for c in view.countries if c.iso3]
    match = match_boundaries(codes, hint="world")
    if match is None:
        return None, None
    rows = [
        {
            "id": match.ids[c.iso3],
            "value": c.projects,
            "label": f"{monitor.country_name(c.country, lang)}: {c.projects}",
            "href": "",
        }
        for c in view.countries
        if c.iso3 in match.ids
    ]
    spec = choropleth(
        rows,
        url=match.url,
        projection=match.projection,
        title=title,
        legend=legend,
        value_label=legend,
        name_label=name_label,
        value_format=",.0f",
    )
    from .cordis import countries

    names = countries()
    iso3 = str(names.at[view.country, "iso3"]) if view.country in names.index else ""
    if iso3 in match.ids:
        spec["layer"].append(
            {
                "transform": [{"filter": f"datum.id === {match.ids[iso3]!r}"}],
                "mark": {"type": "geoshape", "fill": "#d6604d", "stroke": "#111"},
                "encoding": {"tooltip": [{"field": "properties.name", "title": name_label}]},
            }
        )
    return spec, match


def region_map(
    view: CooperationPartners, *, title: str, legend: str, name_label: str
) -> tuple[dict[str, Any] | None, Any]:
    """A map of the partners' NUTS-2 regions (where known) coloured by shared projects."""
    from smartspec.services.web.charts import choropleth
    from smartspec.services.web.maps import match_boundaries

    codes = [r.nuts for r in view.regions]
    match = match_boundaries(codes, hint="nuts2016-2", min_share=0.3) if codes else None
    if match is None:
        return None, None
    rows = [
        {
            "id": match.ids[r.nuts],
            "value": r.projects,
            "label": f"{r.nuts}: {r.projects}",
            "href": "",
        }
        for r in view.regions
        if r.nuts in match.ids
    ]
    return (
        choropleth(
            rows,
            url=match.url,
            projection=match.projection,
            title=title,
            legend=legend,
            value_label=legend,
            name_label=name_label,
            value_format=",.0f",
        ),
        match,
    )


def network_chart(view: CooperationNetwork, *, title: str, tr: Any) -> dict[str, Any] | None:
    """The consortium network drawn by the dashboard's network chart, laid out here with a seeded
    spring layout: nodes sized by projects, coloured by helix; the focus country's organisations
    (or the search's matches) are diamonds."""
    from smartspec.services.web.charts import network

    if not view.nodes:
        return None
    import networkx as nx

    strongest = max((e.weight for e in view.edges), default=1) or 1
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in view.nodes)
    graph.add_weighted_edges_from((e.source, e.target, e.weight) for e in view.edges)
    # a fixed, seeded layout (Fruchterman-Reingold): the same picture on every visit
    place = nx.spring_layout(graph, seed=0, weight="weight", iterations=100)
    marked = set(view.matches) if view.matches else {n.id for n in view.nodes if n.focus}
    nodes = [
        {
            "id": n.id,
            "name": f"{n.name or n.id} ({n.country})",
            "size": float(n.projects),
            "on": n.id in marked,
            "group": tr.gettext(HELIX_NAMES.get(n.helix or "unknown", n.helix)),
            "x": float(place[n.id][0]),
            "y": float(place[n.id][1]),
        }
        for n in view.nodes
    ]
    edges = [
        {"source": e.source, "target": e.target, "weight": e.weight / strongest} for e in view.edges
    ]
    return network(
        nodes,
        edges,
        title=title,
        legend_yes=tr.gettext("Mexican organisation")
        if view.country == "MX"
        else tr.gettext("Organisation of the country"),
        legend_no=tr.gettext("Partner"),
        name_label=tr.gettext("Organisation"),
        group_label=tr.gettext("Helix"),
        labels=15,
    )


class CooperationPages:
    """The cooperation pages of one dashboard."""

    def __init__(self, board: DashboardBase) -> None:
        self.board = board

    async def monitor(self, request: Request) -> Response:
        """``GET /cooperation``: the whole monitor of one country and programme."""
        q = request.query_params
        lang = self.board.language(request)
        tr = translations(lang)
        programme = (q.get("programme") or "h2020").strip().lower()[:16]
        country = (q.get("country") or "MX").strip().upper()[:8]
        query = (q.get("q") or "").strip()[:100]
        measure = q.get("measure") or "participations"
        measure = measure if measure in MEASURES else "participations"
        if programme == "fp7" and measure == "eu_contribution":
            measure = "participations"
        try:
            data = await run_in_threadpool(_gather, country, programme, query)
        except SmartSpecError as exc:
            return self.board.fail(request, exc)
        summary = data["summary"]
        charts: dict[str, Any] = {}
        spec = timeline_chart(
            data["timeline"],
            measure=measure,
            title=tr.gettext("Participation by start year and programme part"),
            year_label=tr.gettext("Start year"),
            part_label=tr.gettext("Programme part"),
            y_label=tr.gettext(MEASURES[measure]),
        )
        if spec is not None:
            charts["timeline"] = spec
        world, world_match = partner_map(
            data["partners"],
            title=tr.gettext("Partner countries"),
            legend=tr.gettext("Shared projects"),
            name_label=tr.gettext("Country"),
            lang=lang,
        )
        if world is not None:
            charts["partners"] = world
        nuts, nuts_match = region_map(
            data["partners"],
            title=tr.gettext("Partner regions (NUTS 2, where known)"),
            legend=tr.gettext("Shared projects"),
            name_label=tr.gettext("Region"),
        )
        if nuts is not None:
            charts["regions"] = nuts
        if "network" in data:
            net = network_chart(data["network"], title=tr.gettext("Consortium network"), tr=tr)
            if net is not None:
                charts["network"] = net
        caveats = {c.code: caveat_text(c, tr) for v in data.values() for c in v.caveats}
        return self.board.render(
            request,
            "cooperation/monitor.html",
            title=tr.gettext("EU–Mexico cooperation monitor"),
            summary=summary,
            data=data,
            caveats=list(caveats.values()),
            programme=summary.programme,
            programmes=[(p, tr.gettext(PROGRAMME_NAMES[p])) for p in PROGRAMMES],
            programme_name=tr.gettext(PROGRAMME_NAMES[summary.programme]),
            country=summary.country,
            country_label=monitor.country_name(summary.country, lang),
            measure=measure,
            measures=[(k, tr.gettext(v)) for k, v in MEASURES.items()],
            query=query,
            rule_names={k: tr.gettext(v) for k, v in RULE_NAMES.items()},
            helix_names={k: tr.gettext(v) for k, v in HELIX_NAMES.items()},
            country_names={
                c.country: monitor.country_name(c.country, lang) for c in data["partners"].countries
            },
            world_match=world_match,
            nuts_match=nuts_match,
            charts=charts,
        )


def _gather(country: str, programme: str, query: str) -> dict[str, Any]:
    """Every view of the page (cached below the views, so a second call is quick)."""
    views: dict[str, Any] = {"summary": monitor.summary(country, programme)}
    code = views["summary"].country
    views["timeline"] = monitor.timeline(code, programme)
    views["partners"] = monitor.partners(code, programme)
    views["organisations"] = monitor.organisations(code, programme, top=200)
    if code == "MX":
        views["states"] = monitor.states(code, programme)
    ind: CooperationIndicators = _indicators.indicators(code, programme, top=15)
    views["indicators"] = ind
    if (
        _indicators.network_size(code, views["summary"].programme)
        <= _indicators.MAX_NETWORK_PROJECTS
    ):
        views["network"] = _indicators.network(code, programme, q=query, top=120)
    return views


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the cooperation pages to ``api``; the domain's pages hook (``Domain(pages=...)``)."""
    pages = CooperationPages(dashboard)
    routes: list[PageRoute] = [("/cooperation", pages.monitor, ["GET"])]
    add_pages(api, routes)
