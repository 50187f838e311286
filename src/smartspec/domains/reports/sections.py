"""The report's sections on the monitoring plan and the peer review of the region's strategies.

Both read the domain's service through its actions module
(``smartspec.domains.monitoring.actions.monitoring_of(app).region_progress(actor, region)``,
``smartspec.domains.review.actions.reviews_of(app).region_results(actor, region)``), once for
each registry region the report covers; a platform without the domain installed gets a section
that says so.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

import pandas as pd

from smartspec.reports.charts import BASE, base_spec

from .pages_text import COLUMNS, EXPLAIN, KIND_NAMES, SECTIONS, STATUS_NAMES, TEXT
from .views import ReportChart, ReportSection, ReportTable

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account
    from smartspec.services.web.i18n import Formatter

__all__ = ["WIDTH", "count_bars", "frame", "monitoring_section", "review_section", "service_of"]

#: Width of the section's charts (as :data:`.service.CHART_WIDTH`).
WIDTH = 620


def service_of(module: str, factory: str, app: SmartSpecApp) -> Any | None:
    """``module.factory(app)``, or ``None`` when the domain (``smartspec.domains.<name>``) is
    not registered in :data:`smartspec.domains.DOMAINS` (its tables are then not made) or its
    module is not installed."""
    from smartspec.domains import DOMAINS

    name = module.split(".")[2]
    if not any(d.name == name for d in DOMAINS):
        return None
    try:
        found = import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise
    make = getattr(found, factory, None)
    return make(app) if make is not None else None


def frame(rows: list[dict[str, Any]], columns: dict[str, str], tr: Any) -> pd.DataFrame:
    """Rows as a DataFrame whose headers are the translated :data:`.pages_text.COLUMNS` of
    ``columns`` (row key -> column key), in that order."""
    headers = [tr.gettext(COLUMNS[c]) for c in columns.values()]
    return pd.DataFrame([[r.get(k) for k in columns] for r in rows], columns=headers)


def count_bars(
    rows: list[dict[str, Any]],
    *,
    title: str,
    x_label: str,
    colours: list[str] | None = None,
    integers: bool = True,
) -> dict[str, Any]:
    """A Vega-Lite bar chart of ``rows`` (``label``, ``count``), one bar per label in order."""
    order = [r["label"] for r in rows]
    top = max([float(r["count"] or 0) for r in rows] or [0.0])
    axis: dict[str, Any] = {}
    if integers and top <= 20:  # a tick per whole number, none between
        axis = {"values": list(range(int(top) + 1)), "format": "d"}
    colour: dict[str, Any] = {"value": BASE}
    if colours:
        colour = {
            "field": "label",
            "type": "nominal",
            "legend": None,
            "scale": {"domain": order, "range": colours[: len(order)]},
        }
    return base_spec(
        title,
        title,
        width=WIDTH,
        height={"step": 26},
        data={"values": rows},
        mark={"type": "bar"},
        encoding={
            "y": {"field": "label", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "count", "type": "quantitative", "title": x_label, "axis": axis},
            "color": colour,
        },
    )


def _year(value: Any) -> str | None:
    """A year as a label (text: never summed, never written ``2.024``)."""
    return None if value is None else str(value)


def _value(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else None


# ---------------------------------------------------------------------------- monitoring
def monitoring_section(
    app: SmartSpecApp, actor: Account | None, registry: list[Any], tr: Any, fmt: Formatter
) -> ReportSection:
    """Section 3: each indicator of the monitoring plans of the registry regions, with its
    latest value and progress status, and the counts by status."""
    title = tr.gettext(SECTIONS["monitoring"])
    text = [tr.gettext(EXPLAIN["monitoring"])]
    service = service_of("smartspec.domains.monitoring.actions", "monitoring_of", app)
    if service is None:
        return ReportSection(
            "monitoring", title, text, empty=tr.gettext(TEXT["monitoring_unavailable"])
        )
    rows: list[dict[str, Any]] = []
    counts = dict.fromkeys(STATUS_NAMES, 0)
    for reg in registry:
        found = service.region_progress(actor, reg.code)
        for strategy in found.get("strategies", []):
            st = strategy.get("strategy") or {}
            for ind in strategy.get("indicators", []):
                status = str(ind.get("status") or "not assessable")
                counts[status] = counts.get(status, 0) + 1
                latest = ind.get("latest") or {}
                kind = str(ind.get("kind") or "")
                rows.append(
                    {
                        "strategy": f"{st.get('title', '')} ({st.get('region', reg.code)}, "
                        f"{st.get('period', '')})",
                        "name": ind.get("name"),
                        "kind": tr.gettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind,
                        "unit": ind.get("unit"),
                        "baseline": _value(ind.get("baseline"), "value"),
                        "year": _year(_value(latest, "year")),
                        "value": _value(latest, "value"),
                        "expected": ind.get("expected"),
                        "achievement": ind.get("achievement"),
                        "status": tr.gettext(STATUS_NAMES.get(status, status)),
                    }
                )
    if not rows:
        return ReportSection("monitoring", title, text, empty=tr.gettext(TEXT["no_monitoring"]))
    columns = {
        "strategy": "strategy",
        "name": "indicator",
        "kind": "indicator_kind",
        "unit": "indicator_unit",
        "baseline": "baseline",
        "year": "latest_year",
        "value": "latest_value",
        "expected": "expected",
        "achievement": "achievement",
        "status": "progress_status",
    }
    count_rows = [
        {"label": tr.gettext(STATUS_NAMES.get(k, k)), "count": n} for k, n in counts.items()
    ]
    tables = [
        ReportTable("monitoring", tr.gettext(TEXT["monitoring_table"]), frame(rows, columns, tr)),
        ReportTable(
            "monitoring_counts",
            tr.gettext(TEXT["monitoring_counts"]),
            frame(count_rows, {"label": "progress_status", "count": "indicators_count"}, tr),
        ),
    ]
    chart_title = tr.gettext(TEXT["monitoring_chart"])
    colours = ["#1b7837", "#a6470b", "#b3261e", "#5f5f5f"]
    chart = count_bars(
        count_rows, title=chart_title, x_label=tr.gettext(TEXT["indicators_count"]), colours=colours
    )
    return ReportSection(
        "monitoring",
        title,
        text,
        tables=tables,
        charts=[ReportChart("monitoring", chart_title, chart)],
    )


# -------------------------------------------------------------------------------- review
def review_section(
    app: SmartSpecApp, actor: Account | None, registry: list[Any], tr: Any, fmt: Formatter
) -> ReportSection:
    """Section 5: the consolidated scores of the latest completed peer review of each registry
    region's strategy, by step and by criterion, and the latest self-assessment."""
    title = tr.gettext(SECTIONS["review"])
    text = [tr.gettext(EXPLAIN["review"])]
    service = service_of("smartspec.domains.review.actions", "reviews_of", app)
    if service is None:
        return ReportSection("review", title, text, empty=tr.gettext(TEXT["review_unavailable"]))
    steps: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    selves: list[dict[str, Any]] = []
    lang = fmt.lang
    for reg in registry:
        found = service.region_results(actor, reg.code) or {}
        names = {str(st.get("key")): _step_name(st, lang) for st in found.get("steps") or []}
        review = found.get("review") or {}
        if review:
            text.append(
                tr.gettext(TEXT["review_basis"])
                % {
                    "region": reg.code,
                    "strategy": review.get("strategy_title", ""),
                    "period": review.get("period", ""),
                    "n": fmt.integer(review.get("reviewers_scored")),
                }
            )
        for st in review.get("steps") or []:
            steps.append({"region": reg.code, "step": _step_name(st, lang), "mean": st.get("mean")})
        for c in review.get("criteria") or []:
            criteria.append(
                {
                    "region": reg.code,
                    "step": names.get(str(c.get("step")), c.get("step")),
                    "criterion": _title(c, lang),
                    "mean": c.get("mean"),
                    "std": c.get("std"),
                    "n": c.get("n"),
                }
            )
        own = found.get("self_assessment") or {}
        for key, mean in (own.get("steps") or {}).items():
            selves.append(
                {
                    "region": reg.code,
                    "year": _year(own.get("year")),
                    "step": names.get(str(key), key),
                    "mean": mean,
                }
            )
    if not (steps or criteria or selves):
        return ReportSection("review", title, text, empty=tr.gettext(TEXT["no_review"]))
    tables: list[ReportTable] = []
    charts: list[ReportChart] = []
    if steps:
        tables.append(
            ReportTable(
                "review_steps",
                tr.gettext(TEXT["review_steps"]),
                frame(
                    steps, {"region": "registry_region", "step": "step", "mean": "mean_score"}, tr
                ),
            )
        )
        chart_title = tr.gettext(TEXT["review_chart"])
        rows = [
            {"label": f"{s['step']} ({s['region']})", "count": s["mean"]}
            for s in steps
            if s["mean"] is not None
        ]
        if rows:
            spec = count_bars(
                rows, title=chart_title, x_label=tr.gettext(TEXT["score_axis"]), integers=False
            )
            spec["encoding"]["x"]["scale"] = {"domain": [0, 5]}
            charts.append(ReportChart("review", chart_title, spec))
    if criteria:
        columns = {
            "region": "registry_region",
            "step": "step",
            "criterion": "criterion",
            "mean": "mean_score",
            "std": "score_spread",
            "n": "reviewers",
        }
        tables.append(
            ReportTable(
                "review_criteria", tr.gettext(TEXT["review_criteria"]), frame(criteria, columns, tr)
            )
        )
    if selves:
        tables.append(
            ReportTable(
                "self_assessment",
                tr.gettext(TEXT["self_assessment"]),
                frame(
                    selves,
                    {
                        "region": "registry_region",
                        "year": "assessment_year",
                        "step": "step",
                        "mean": "self_score",
                    },
                    tr,
                ),
            )
        )
    return ReportSection("review", title, text, tables=tables, charts=charts)


def _step_name(step: dict[str, Any], lang: str) -> str:
    """A rubric step as ``"<number>. <title>"`` in the report's language."""
    return f"{step.get('number', '')}. {_title(step, lang)}".lstrip(". ")


def _title(criterion: dict[str, Any], lang: str) -> str:
    """A criterion's title in the report's language (the rubric carries both)."""
    title = criterion.get("title")
    if isinstance(title, dict):
        return str(title.get(lang) or title.get("en") or criterion.get("key", ""))
    return str(title or criterion.get("key", ""))
