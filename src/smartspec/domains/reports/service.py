"""The region report: what the platform knows about one region, gathered from the domains'
services and written in one language.

:func:`build_report` calls the services the dashboard and the API call, and computes nothing
of its own:

1. the evidence profile (:func:`smartspec.domains.evidence.views.region_profile`) with the
   validity checks of the dataset's complexity ranking
   (:func:`smartspec.domains.evidence.views.complexity_report`, the caveats of
   :func:`smartspec.services.web.summary.caveats`), a chart of the specialisations and a map
   of the region's top activity across regions;
2. the declared priorities of the registry and their coherence with the evidence
   (:func:`smartspec.domains.registry.actions.region_coherence`);
3. monitoring progress (``smartspec.domains.monitoring.actions.monitoring_of(app)
   .region_progress``);
4. benchmark regions (:func:`smartspec.domains.benchmark.service.similar_regions`, structural
   measure);
5. peer-review results (``smartspec.domains.review.actions.reviews_of(app).region_results``).

The registry keeps strategies for the regions that adopt them (Czech NUTS 3 regions in the
bundled example), the datasets are often one level above (NUTS 2): sections 2, 3 and 5 cover
the region's own registry record and those of the regions within it (codes that begin with the
region's code), and name them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from smartspec.core.errors import SmartSpecError, UnknownRegionError
from smartspec.domains.datasets import service as datasets
from smartspec.domains.errors import RequestError
from smartspec.domains.evidence import views
from smartspec.reports.charts import ACCENT, QUADRANT_COLOURS, shorten
from smartspec.services.web import charts as web_charts
from smartspec.services.web import summary
from smartspec.services.web.i18n import Formatter, languages, translations
from smartspec.services.web.maps import MAPS, match_boundaries

from .pages_text import CLASS_NAMES, COLUMNS, EXPLAIN, NOTICES, SECTIONS, TEXT
from .sections import count_bars, frame, monitoring_section, review_section
from .views import RegionReport, ReportChart, ReportSection, ReportTable

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account

__all__ = ["CHART_WIDTH", "TOP", "build_report", "check_lang", "inline_shapes", "registry_regions"]

#: Rows of the specialisation, opportunity and benchmark lists.
TOP = 10
#: Width of the charts and maps in the report (pixels; A4 with 18 mm margins is about 660).
CHART_WIDTH = 620


def check_lang(lang: str) -> str:
    """``lang`` when the dashboard has a catalogue for it, else :class:`RequestError`."""
    code = (lang or "").strip().lower()
    if code not in languages():
        raise RequestError(
            f"there is no report language {lang!r}",
            expected=" or ".join(languages()),
            found=repr(lang),
            fix="ask for one of the languages of the dashboard (lang=en or lang=es)",
        )
    return code


def build_report(
    app: SmartSpecApp,
    actor: Account | None,
    region: str,
    dataset: str,
    lang: str = "en",
    period: str | None = None,
) -> RegionReport:
    """The report on ``region`` in ``dataset``, written in ``lang``.

    Parameters
    ----------
    app : SmartSpecApp
        The platform.
    actor : Account or None
        Who asks: the registry's, monitoring's and review's read rules apply (review results
        are shown to readers once the review is completed).
    region : str
        A region of the dataset: code or name (as the region page reads it).
    dataset : str
        A dataset of the catalogue.
    lang : {"en", "es"}
        The report's language (a language of the dashboard's catalogue).
    period : str, optional
        The period of the evidence; default: the latest complete one (as the region page).

    Returns
    -------
    RegionReport
        Five sections (``evidence``, ``priorities``, ``monitoring``, ``benchmark``,
        ``review``), each with its explanation, tables, charts and notes.

    Raises
    ------
    UnknownDatasetError, UnknownRegionError, UnknownPeriodError
        A dataset, region or period the catalogue does not have (close matches named).
    RequestError
        A language without a catalogue.
    """
    lang = check_lang(lang)
    tr, fmt = translations(lang), Formatter(lang)
    info = app.dataset_info(dataset)  # UnknownDatasetError first
    when = _period(app, dataset, period)
    profile = views.region_profile(app, dataset, region, period=when, top=TOP)
    code = profile.region
    region_names = _names(app, dataset, "region", lang)
    name = region_names.get(code) or profile.region_name or code
    period_text = str(profile.period)
    registry = registry_regions(app, actor, code)
    sections = [
        _evidence(app, dataset, info, profile, name, region_names, lang),
        _priorities(app, actor, code, name, dataset, period_text, registry, tr, fmt),
        monitoring_section(app, actor, registry, tr, fmt),
        _benchmark(app, actor, code, tr, fmt),
        review_section(app, actor, registry, tr, fmt),
    ]
    return RegionReport(
        region=code,
        region_name=name,
        dataset=dataset,
        dataset_title=str(info.get("title") or dataset),
        period=period_text,
        lang=lang,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        title=tr.gettext(TEXT["title"]) % {"region": f"{name} ({code})"},
        subtitle=tr.gettext(TEXT["subtitle"]) % {"dataset": dataset, "period": period_text},
        sections=sections,
        source=str(info.get("source") or ""),
        licence=str(info.get("licence") or ""),
    )


# ------------------------------------------------------------------------------ helpers
def _period(app: SmartSpecApp, dataset: str, period: str | None) -> str | None:
    """The period asked for, else the latest complete one (the region page's choice)."""
    if period not in (None, ""):
        return str(period)
    items = datasets.periods(app, dataset)["items"]
    done = [i["period"] for i in items if i.get("complete", True)]
    chosen = (done or [i["period"] for i in items])[-1:] if items else []
    return str(chosen[0]) if chosen else None


def _names(app: SmartSpecApp, dataset: str, axis: str, lang: str) -> dict[str, str]:
    """Code -> name in ``lang`` (the dataset's label lists, as the pages name them)."""
    frame = app.labels(dataset, axis, lang)
    return {
        str(c): str(n) if isinstance(n, str) and n else str(c)
        for c, n in zip(frame.index, frame["name"], strict=True)
    }


def registry_regions(app: SmartSpecApp, actor: Account | None, code: str) -> list[Any]:
    """The registry's regions the report covers: ``code`` itself and the regions within it
    (codes beginning with it), by code."""
    up = code.upper()
    return [r for r in app.registry.list_regions(actor) if r.code.upper().startswith(up)]


def inline_shapes(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with its map shapes read from the bundled file instead of a URL
    (``/static/maps/<file>``), so that ``vl-convert`` draws it without a network."""
    data = spec.get("data") or {}
    url = str(data.get("url") or "")
    if not url.startswith("/static/maps/"):
        return spec
    topo = json.loads((MAPS / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
    return {**spec, "data": {"values": topo, "format": data.get("format")}}


# ----------------------------------------------------------------------------- sections
def _evidence(
    app: SmartSpecApp,
    dataset: str,
    info: dict[str, Any],
    profile: views.RegionProfile,
    name: str,
    region_names: dict[str, str],
    lang: str,
) -> ReportSection:
    tr, fmt = translations(lang), Formatter(lang)
    anames = _names(app, dataset, "activity", lang)
    period = str(profile.period)
    report = views.complexity_report(app, dataset)
    checks = next((p.model_dump() for p in report.periods if str(p.period) == period), None)
    notes = summary.caveats(checks, tr)
    if profile.has_data and (profile.missing_share or 0) > 0:
        notes.append(
            tr.gettext(NOTICES["missing"]) % {"share": fmt.percent(profile.missing_share, 0)}
        )
    if profile.hidden:
        notes.append(tr.gettext(NOTICES["hidden"]) % {"n": fmt.integer(profile.hidden)})
    if not profile.complete_period:
        notes.append(tr.gettext(NOTICES["incomplete"]))
    if not notes:
        notes.append(tr.gettext(TEXT["no_caveats"]))
    unit = str(info.get("unit") or profile.value_name)
    figures = [
        (TEXT["period"], period),
        (TEXT["total"], f"{fmt.auto(profile.total)} {unit}"),
        (TEXT["share"], fmt.percent(profile.share_of_total, 2)),
        (TEXT["diversity"], fmt.integer(profile.diversity)),
        (TEXT["eci"], fmt.number(profile.eci, 2)),
        (
            TEXT["eci_rank"],
            tr.gettext(TEXT["eci_rank_value"])
            % {"rank": fmt.integer(profile.eci_rank), "n": fmt.integer(profile.n_ranked)}
            if profile.eci_rank is not None
            else "–",
        ),
    ]
    tables = [
        ReportTable(
            "figures",
            tr.gettext(TEXT["figures"]),
            frame(
                [{"f": tr.gettext(k) % {"measure": unit}, "v": v} for k, v in figures],
                {"f": "figure", "v": "figure_value"},
                tr,
            ),
        )
    ]
    specs = [
        {
            "code": s.activity,
            "name": anames.get(s.activity, s.activity_name or s.activity),
            "value": s.value,
            "rca": s.rca,
            "low": s.rca_low,
            "high": s.rca_high,
            "pci": s.pci,
        }
        for s in profile.specialisations
    ]
    opps = [
        {
            "code": o.activity,
            "name": anames.get(o.activity, o.activity_name or o.activity),
            "density": o.density,
            "pci": o.pci,
            "cog": o.cog,
        }
        for o in profile.opportunities
    ]
    columns = {
        "code": "activity_code",
        "name": "activity_name",
        "value": "measure",
        "rca": "rca",
        "low": "rca_low",
        "high": "rca_high",
        "pci": "pci",
    }
    tables.append(
        ReportTable(
            "specialisations", tr.gettext(TEXT["specialisations"]), frame(specs, columns, tr)
        )
    )
    opp_columns = {
        "code": "activity_code",
        "name": "activity_name",
        "density": "density",
        "pci": "pci",
        "cog": "cog",
    }
    tables.append(
        ReportTable(
            "opportunities", tr.gettext(TEXT["opportunities"]), frame(opps, opp_columns, tr)
        )
    )
    charts: list[ReportChart] = []
    if specs:
        title = tr.gettext(TEXT["specialisations"])
        spec = web_charts.bar_rca(
            specs,
            title=title,
            rca_label=tr.gettext(TEXT["rca_axis"]),
            activity_label=tr.gettext(TEXT["activity"]),
        )
        charts.append(ReportChart("specialisations", title, {**spec, "width": CHART_WIDTH}))
        found = _top_map(app, dataset, info, profile, specs[0], region_names, tr, fmt)
        if found is not None:
            charts.append(found)
    text = [tr.gettext(EXPLAIN["evidence"])]
    if not profile.has_data:
        text.append(tr.gettext(TEXT["no_data"]))
    return ReportSection(
        key="evidence",
        title=tr.gettext(SECTIONS["evidence"]),
        text=text,
        tables=tables,
        charts=charts,
        notes=notes,
        notes_title=tr.gettext(TEXT["caveats"]),
    )


def _top_map(
    app: SmartSpecApp,
    dataset: str,
    info: dict[str, Any],
    profile: views.RegionProfile,
    top: dict[str, Any],
    region_names: dict[str, str],
    tr: Any,
    fmt: Formatter,
) -> ReportChart | None:
    """A map of every region's RCA in the region's top specialisation, the region outlined;
    ``None`` when no bundled boundary set names the dataset's regions."""
    from smartspec.domains.evidence import service

    cells = service.indicator_frame(
        app, dataset, "cells", period=str(profile.period), activity=[top["code"]], names=False
    )
    codes = [str(c) for c in cells["region"]]
    match = match_boundaries(codes, info.get("boundaries"))
    if match is None or profile.region not in match.ids:
        return None
    rows = [
        {
            "id": match.ids[str(r)],
            "value": float(v),
            "label": f"{fmt.number(v, 2)} ({region_names.get(str(r), str(r))})",
            "href": "",
        }
        for r, v in zip(cells["region"], cells["rca"], strict=True)
        if str(r) in match.ids and pd.notna(v)
    ]
    title = tr.gettext(TEXT["map_top"]) % {"activity": shorten(str(top["name"]), 48)}
    spec = web_charts.choropleth(
        rows,
        url=match.url,
        projection=match.projection,
        title=title,
        legend=tr.gettext(TEXT["rca_short"]),
        value_label=tr.gettext(COLUMNS["rca"]),
        name_label=tr.gettext(TEXT["region"]),
        height=420,
    )
    spec["layer"].append(_outline(match.ids[profile.region]))
    spec = inline_shapes({**spec, "width": CHART_WIDTH})
    return ReportChart("top_map", title, spec, "map", tr.gettext(TEXT["map_top_caption"]))


def _outline(shape_id: str) -> dict[str, Any]:
    """A map layer drawing one shape's outline in the accent colour."""
    return {
        "transform": [{"filter": f"datum.id === {shape_id!r}"}],
        "mark": {"type": "geoshape", "filled": False, "stroke": ACCENT, "strokeWidth": 2.2},
    }


def _priorities(
    app: SmartSpecApp,
    actor: Account | None,
    code: str,
    name: str,
    dataset: str,
    period: str,
    registry: list[Any],
    tr: Any,
    fmt: Formatter,
) -> ReportSection:
    from smartspec.domains.registry.actions import region_coherence

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    covered: list[str] = []
    counts = dict.fromkeys(CLASS_NAMES, 0)
    for reg in registry:
        if not app.registry.region_priorities(actor, reg.code):
            continue
        covered.append(f"{reg.name} ({reg.code})")
        view = region_coherence(app, actor, reg.code, dataset, period=period)
        for item in view.items:
            counts[item.coherence] += 1
            rows.append(
                {
                    "region": reg.code,
                    "region_name": reg.name,
                    "title": item.title,
                    "codes": ", ".join(item.codes),
                    "class": tr.gettext(CLASS_NAMES[item.coherence]),
                    "share": item.specialised_share,
                    "pct": item.best_density_percentile,
                }
            )
        notes += [c for c in view.caveats if c not in notes]
    text = [tr.gettext(EXPLAIN["priorities"])]
    title = tr.gettext(SECTIONS["priorities"])
    if not covered:
        empty = tr.gettext(TEXT["no_priorities"]) % {"region": f"{name} ({code})"}
        return ReportSection("priorities", title, text, empty=empty)
    text.append(tr.gettext(TEXT["registry_regions"]) % {"regions": ", ".join(covered)})
    columns = {
        "region": "registry_region",
        "region_name": "registry_region_name",
        "title": "priority",
        "codes": "nace",
        "class": "class",
        "share": "specialised_share",
        "pct": "density_percentile",
    }
    count_rows = [{"label": tr.gettext(CLASS_NAMES[k]), "count": n} for k, n in counts.items()]
    tables = [
        ReportTable("coherence", tr.gettext(TEXT["coherence"]), frame(rows, columns, tr)),
        ReportTable(
            "coherence_counts",
            tr.gettext(TEXT["coherence_counts"]),
            frame(count_rows, {"label": "class", "count": "priorities_count"}, tr),
        ),
    ]
    chart_title = tr.gettext(TEXT["coherence_chart"])
    chart = count_bars(
        count_rows,
        title=chart_title,
        x_label=tr.gettext(TEXT["count"]),
        colours=list(QUADRANT_COLOURS),
    )
    return ReportSection(
        "priorities",
        title,
        text,
        tables=tables,
        charts=[ReportChart("coherence", chart_title, chart)],
        notes=notes,
        notes_title=tr.gettext(TEXT["coherence_notes"]),
    )


def _benchmark(
    app: SmartSpecApp, actor: Account | None, code: str, tr: Any, fmt: Formatter
) -> ReportSection:
    from smartspec.domains.benchmark import service as bench

    title = tr.gettext(SECTIONS["benchmark"])
    text = [tr.gettext(EXPLAIN["benchmark"])]
    try:
        view = bench.similar_regions(app, code, top=TOP, measure="structure", actor=actor)
    except UnknownRegionError:
        empty = tr.gettext(TEXT["benchmark_outside"]) % {"region": code}
        return ReportSection("benchmark", title, text, empty=empty)
    except SmartSpecError as exc:  # too few indicators to compare: the service says which
        reason = getattr(exc, "problem", str(exc))
        return ReportSection(
            "benchmark", title, text, empty=tr.gettext(TEXT["no_benchmark"]) % {"reason": reason}
        )
    rows = [
        {
            "rank": i.rank,
            "region": i.region,
            "name": i.name,
            "score": i.score,
            "distance": i.distance,
            "coverage": i.coverage,
        }
        for i in view.items
    ]
    columns = {
        "rank": "rank",
        "region": "region_code",
        "name": "region_name",
        "score": "similarity",
        "distance": "distance",
        "coverage": "coverage",
    }
    tables = [
        ReportTable("benchmark", tr.gettext(TEXT["benchmark_table"]), frame(rows, columns, tr))
    ]
    charts: list[ReportChart] = []
    match = match_boundaries([view.region, *[i.region for i in view.items]], hint="nuts2021-2")
    if match is not None and view.region in match.ids:
        map_title = tr.gettext(TEXT["benchmark_map"])
        spec = web_charts.choropleth(
            [
                {
                    "id": match.ids[i.region],
                    "value": i.score,
                    "label": f"{i.rank}. {i.name} ({fmt.number(i.score, 3)})",
                    "href": "",
                }
                for i in view.items
                if i.region in match.ids
            ],
            url=match.url,
            projection=match.projection,
            title=map_title,
            legend=tr.gettext(TEXT["similarity"]),
            value_label=tr.gettext(TEXT["similarity"]),
            name_label=tr.gettext(TEXT["region"]),
            value_format=".2f",
            height=420,
        )
        spec["layer"].append(_outline(match.ids[view.region]))
        spec = inline_shapes({**spec, "width": CHART_WIDTH})
        charts.append(
            ReportChart(
                "benchmark_map", map_title, spec, "map", tr.gettext(TEXT["benchmark_caption"])
            )
        )
    return ReportSection("benchmark", title, text, tables=tables, charts=charts)
