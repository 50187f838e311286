"""The dashboard pages of the benchmark domain.

============================== ================================================================
``GET /benchmark``              pick a region and a measure; the indicators and their weights
``GET /benchmark/{region}``     the most similar regions (``measure``, ``top``, ``dataset``),
                                a map of them, and the comparison with one of them (``other``):
                                a chart of the indicators' z-scores, what makes them alike and
                                what sets them apart
============================== ================================================================

Every page calls :mod:`.service` directly in a worker thread and renders with the dashboard's
:class:`~smartspec.services.web.pages_base.DashboardBase`; the templates are in
``templates/benchmark/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import PageRoute, add_pages

from . import service
from .views import BenchmarkView, ComparisonView

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["MEASURE_NAMES", "BenchmarkPages", "attach", "indicator_chart", "neighbour_map"]

#: The measures in the page language.
MEASURE_NAMES = {
    "structure": N_("Structural conditions"),
    "activity": N_("Activity profile"),
    "priorities": N_("Declared priorities"),
    "combined": N_("Combination of the three"),
}
#: What each measure is, in the page language (the view's ``description`` is English).
MEASURE_HELP = {
    "structure": N_(
        "Similarity 1/(1+d), d the weighted Euclidean distance between the regions' "
        "standardised structural indicators: each dimension (socio-demographic, economic "
        "structure, technology) weighs one third, split equally among its indicators. "
        "Indicators one region lacks are left out and the weights renormalised."
    ),
    "activity": N_(
        "Cosine similarity of the regions' activity profiles: revealed symmetric comparative "
        "advantage (RCA-1)/(RCA+1) of every activity, in the dataset's latest period."
    ),
    "priorities": N_(
        "Jaccard similarity of the sets of NACE divisions the regions declare in the registry."
    ),
    "combined": N_(
        "Mean of the rank-normalised scores of the measures that know the region, over the "
        "regions all of them rank."
    ),
}
DIMENSION_NAMES = {
    "socio-demographic": N_("socio-demographic"),
    "economic structure": N_("economic structure"),
    "technology": N_("technology"),
}


def indicator_chart(
    comparison: ComparisonView, *, lang: str, title: str, z_label: str, name_label: str
) -> dict[str, Any]:
    """A Vega-Lite dot plot of the two regions' z-scores, one row per indicator (largest
    contribution first)."""
    rows = []
    order = []
    for ind in comparison.indicators:
        label = ind.label_es if lang == "es" else ind.label
        order.append(label)
        for code, name, z in (
            (comparison.region, comparison.name, ind.z),
            (comparison.other, comparison.other_name, ind.other_z),
        ):
            if z is not None:
                rows.append({"indicator": label, "region": f"{name} ({code})", "z": z})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "description": title,
        "width": "container",
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#bbb"},
                "encoding": {"x": {"datum": 0}},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90},
                "encoding": {
                    "y": {"field": "indicator", "type": "nominal", "sort": order, "title": None},
                    "x": {"field": "z", "type": "quantitative", "title": z_label},
                    "color": {"field": "region", "type": "nominal", "title": name_label},
                    "shape": {"field": "region", "type": "nominal", "title": name_label},
                    "tooltip": [
                        {"field": "region", "title": name_label},
                        {"field": "indicator"},
                        {"field": "z", "format": ".2f", "title": z_label},
                    ],
                },
            },
        ],
    }


def neighbour_map(
    view: BenchmarkView, *, title: str, legend: str, name_label: str, value_label: str, lang: str
) -> tuple[dict[str, Any] | None, Any]:
    """A map of the neighbours coloured by their score, the region outlined; ``None`` when no
    boundary set names the regions. Returns the spec and the boundary match."""
    from smartspec.services.web.charts import choropleth
    from smartspec.services.web.maps import match_boundaries

    codes = [view.region, *[i.region for i in view.items]]
    match = match_boundaries(codes, hint="nuts2021-2")
    if match is None:
        return None, None
    rows = [
        {
            "id": match.ids[i.region],
            "value": i.score,
            "label": f"{i.rank}. {i.name} ({i.score:.3f})",
            "href": f"/benchmark/{quote(i.region)}?lang={lang}",
        }
        for i in view.items
        if i.region in match.ids
    ]
    spec = choropleth(
        rows,
        url=match.url,
        projection=match.projection,
        title=title,
        legend=legend,
        value_label=value_label,
        name_label=name_label,
        value_format=".3f",
    )
    if view.region in match.ids:
        spec["layer"].append(
            {
                "transform": [{"filter": f"datum.id === {match.ids[view.region]!r}"}],
                "mark": {
                    "type": "geoshape",
                    "fill": "#d6604d",
                    "stroke": "#111",
                    "strokeWidth": 1.2,
                },
                "encoding": {"tooltip": [{"field": "properties.name", "title": name_label}]},
            }
        )
    return spec, match


class BenchmarkPages:
    """The benchmark pages of one dashboard."""

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        self.board = board
        self.app = app

    def _names(self, request: Request) -> dict[str, Any]:
        tr = translations(self.board.language(request))
        return {
            "measure_names": {k: tr.gettext(v) for k, v in MEASURE_NAMES.items()},
            "measure_help": {k: tr.gettext(v) for k, v in MEASURE_HELP.items()},
            "dimension_names": {k: tr.gettext(v) for k, v in DIMENSION_NAMES.items()},
        }

    async def home(self, request: Request) -> Response:
        """``GET /benchmark``: the picker (a ``region`` sends to its page) and the indicators."""
        q = request.query_params
        region = (q.get("region") or "").strip()[:80]
        if region:
            try:
                code = await run_in_threadpool(_page_region, region, q.get("measure"))
            except SmartSpecError as exc:
                return self.board.fail(request, exc)
            keep = [(k, q[k]) for k in ("measure", "top", "dataset", "lang") if q.get(k)]
            url = f"/benchmark/{quote(code)}" + (f"?{urlencode(keep)}" if keep else "")
            return RedirectResponse(url, status_code=303)
        meta = await run_in_threadpool(service.indicators)
        return self.board.render(
            request,
            "benchmark/index.html",
            meta=meta,
            measures=service.MEASURES,
            datasets=await run_in_threadpool(self._datasets),
            **self._names(request),
        )

    def _datasets(self) -> list[str]:
        return [r.id for r in self.app.catalogue()]

    async def region(self, request: Request, region: str) -> Response:
        """``GET /benchmark/{region}``: neighbours, their map, and the comparison with one."""
        q = request.query_params
        lang = self.board.language(request)
        tr = translations(lang)
        wanted = q.get("measure") or "structure"
        measure = wanted if wanted in service.MEASURES else "structure"
        dataset = (q.get("dataset") or "").strip()[:200] or None
        try:
            top = min(max(int(q.get("top") or 10), 1), service.MAX_TOP)
        except ValueError:
            top = 10
        try:
            view = await run_in_threadpool(
                service.similar_regions,
                self.app,
                region.strip()[:80],
                top=top,
                measure=measure,
                dataset=dataset,
                actor=self.board.page_account(request),
            )
        except SmartSpecError as exc:
            return self.board.fail(request, exc)
        comparison, problem = await run_in_threadpool(
            _comparison, view, (q.get("other") or "").strip()[:80]
        )
        charts: dict[str, Any] = {}
        if comparison is not None:
            charts["indicators"] = indicator_chart(
                comparison,
                lang=lang,
                title=tr.gettext("Indicators of %(a)s and %(b)s (z-scores)")
                % {"a": comparison.name, "b": comparison.other_name},
                z_label=tr.gettext("z-score"),
                name_label=tr.gettext("Region"),
            )
        spec, match = neighbour_map(
            view,
            title=tr.gettext("The most similar regions"),
            legend=tr.gettext("Similarity"),
            name_label=tr.gettext("Region"),
            value_label=tr.gettext("Similarity"),
            lang=lang,
        )
        if spec is not None:
            charts["neighbours"] = spec
        labels = {
            i.key: (i.label_es if lang == "es" else i.label)
            for i in (comparison.indicators if comparison else [])
        }
        return self.board.render(
            request,
            "benchmark/region.html",
            view=view,
            comparison=comparison,
            problem=problem,
            labels=labels,
            match=match,
            top=top,
            measures=service.MEASURES,
            datasets=await run_in_threadpool(self._datasets),
            charts=charts,
            **self._names(request),
        )


def _page_region(text: str, measure: str | None) -> str:
    """The code a picker's text names (the registry's code as typed for ``priorities``)."""
    if measure == "priorities":
        return text.upper()
    return service.resolve_region(text)


def _comparison(view: BenchmarkView, other: str) -> tuple[ComparisonView | None, str | None]:
    """The structural comparison of the view's region with ``other`` (default: its first
    neighbour the indicators know), or why there is none."""
    table = service.model().table
    if view.region not in table.index:
        return None, None
    if not other:
        known = [i.region for i in view.items if i.region in table.index]
        if not known:
            return None, None
        other = known[0]
    try:
        return service.explain(None, view.region, other), None
    except SmartSpecError as exc:
        return None, str(exc)


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the benchmark pages to ``api``; the domain's pages hook (``Domain(pages=...)``)."""
    app = getattr(api.state, "smartspec", None)
    if app is None:
        return
    pages = BenchmarkPages(dashboard, app)
    routes: list[PageRoute] = [
        ("/benchmark", pages.home, ["GET"]),
        ("/benchmark/{region}", pages.region, ["GET"]),
    ]
    add_pages(api, routes)
