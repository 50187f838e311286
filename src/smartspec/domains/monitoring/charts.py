"""Vega-Lite chart specs of the monitoring pages: an indicator's progress against its target
trajectory, the statuses of the indicators by region, and the event study of an evaluation.

Every builder takes plain rows and already-translated labels and returns a spec for vega-embed
(:func:`smartspec.reports.charts.base_spec`: the dashboard's style, the container's width). No
chart relies on colour alone: series differ by colour **and** by shape or dash, and every chart
has a data table next to it on the page.

Examples
--------
>>> spec = progress_chart(
...     baseline=(2020, 100.0), points=[(2023, 130.0, "milestone"), (2027, 200.0, "target")],
...     values=[(2022, 118.0)], title="Jobs", labels=LABELS_EN)
>>> [layer["mark"]["type"] for layer in spec["layer"]]
['line', 'point', 'point']
>>> [r["value"] for r in spec["layer"][0]["data"]["values"]]
[100.0, 130.0, 200.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smartspec.reports.charts import ACCENT, BASE, base_spec

__all__ = [
    "LABELS_EN",
    "STATUS_COLOURS",
    "STATUS_ICONS",
    "STATUS_ORDER",
    "event_study_chart",
    "progress_chart",
    "status_chart",
]

#: The statuses of :func:`smartspec.domains.monitoring.progress.assess`, best first.
STATUS_ORDER = ("on track", "at risk", "off track", "not assessable")
#: The icon shown with each status (with its name: colour is never the only cue).
STATUS_ICONS = {"on track": "✓", "at risk": "!", "off track": "✗", "not assessable": "?"}
#: Colours of the statuses (colour-blind-safe, contrast at least 4.5:1 on white).
STATUS_COLOURS = {
    "on track": "#1b7837",
    "at risk": "#8a5a00",
    "off track": "#b3261e",
    "not assessable": "#5f5f5f",
}
#: The English labels the builders take (the pages pass translated ones).
LABELS_EN = {
    "year": "Year",
    "value": "Value",
    "plan": "Baseline, milestones and target",
    "recorded": "Recorded value",
    "point": "Point",
    "baseline": "baseline",
    "milestone": "milestone",
    "target": "target",
}


def progress_chart(
    *,
    baseline: tuple[int, float] | None,
    points: Iterable[tuple[int, float, str]],
    values: Iterable[tuple[int, float]],
    title: str,
    labels: Mapping[str, str],
    unit: str = "",
) -> dict[str, Any] | None:
    """An indicator's target trajectory as a dashed line through the baseline, the milestones
    and the target, and its recorded values as squares.

    Parameters
    ----------
    baseline : (int, float) or None
        The baseline year and value.
    points : iterable of (year, value, kind)
        Milestones and the target (``kind`` ``"milestone"`` or ``"target"``).
    values : iterable of (year, value)
        The recorded values.
    title : str
        The chart's title (and description).
    labels : mapping
        The translated labels, keyed as :data:`LABELS_EN`.
    unit : str
        The indicator's unit, after the value axis title.

    Returns
    -------
    dict or None
        The spec; ``None`` when there is nothing to draw.
    """
    plan = [
        {"year": year, "value": value, "series": labels["plan"], "kind": labels[kind]}
        for year, value, kind in sorted(
            [*([(*baseline, "baseline")] if baseline is not None else []), *points]
        )
    ]
    recorded = [
        {"year": year, "value": value, "series": labels["recorded"], "kind": labels["recorded"]}
        for year, value in sorted(values)
    ]
    if not plan and not recorded:
        return None
    axis_title = f"{labels['value']} ({unit})" if unit else labels["value"]
    x = {
        "field": "year",
        "type": "quantitative",
        "title": labels["year"],
        "scale": {"zero": False, "nice": False, "padding": 12},
        "axis": {"format": "d", "tickMinStep": 1},
    }
    y = {"field": "value", "type": "quantitative", "title": axis_title, "scale": {"zero": False}}
    series = [labels["plan"], labels["recorded"]]
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": [BASE, ACCENT]},
        "legend": {"orient": "bottom", "labelLimit": 420},
    }
    shape = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": ["circle", "square"]},
    }
    tooltip = [
        {"field": "kind", "type": "nominal", "title": labels["point"]},
        {"field": "year", "type": "quantitative", "title": labels["year"], "format": "d"},
        {"field": "value", "type": "quantitative", "title": axis_title, "format": ",.4~f"},
    ]
    return base_spec(
        title,
        title,
        height=220,
        layer=[
            {
                "data": {"values": plan},
                "mark": {"type": "line", "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"values": plan},
                "mark": {"type": "point", "filled": False, "size": 70, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "color": colour, "shape": shape, "tooltip": tooltip},
            },
            {
                "data": {"values": recorded},
                "mark": {"type": "point", "filled": True, "size": 90},
                "encoding": {"x": x, "y": y, "color": colour, "shape": shape, "tooltip": tooltip},
            },
        ],
    )


def status_chart(
    counts: Mapping[str, Mapping[str, int]],
    *,
    title: str,
    status_names: Mapping[str, str],
    region_label: str,
    count_label: str,
    status_label: str,
) -> dict[str, Any] | None:
    """Horizontal stacked bars: the indicators of each region by status.

    Parameters
    ----------
    counts : mapping of region to (status to count)
        The counts, statuses as :data:`STATUS_ORDER` names them.
    title : str
        The chart's title.
    status_names : mapping
        The statuses in the page language (the legend shows them with their icons).
    region_label, count_label, status_label : str
        Axis and tooltip titles.

    Returns
    -------
    dict or None
        The spec; ``None`` without counts.

    Examples
    --------
    >>> spec = status_chart({"CZ064": {"on track": 2, "off track": 1}}, title="t",
    ...     status_names={s: s for s in STATUS_ORDER}, region_label="r", count_label="n",
    ...     status_label="s")
    >>> [(r["region"], r["n"]) for r in spec["data"]["values"]]
    [('CZ064', 2), ('CZ064', 1)]
    """
    names = [f"{STATUS_ICONS[s]} {status_names.get(s, s)}" for s in STATUS_ORDER]
    rows = [
        {"region": region, "status": names[i], "order": i, "n": int(by.get(s) or 0)}
        for region, by in counts.items()
        for i, s in enumerate(STATUS_ORDER)
        if by.get(s)
    ]
    if not rows:
        return None
    most = max(sum(int(v or 0) for v in by.values()) for by in counts.values())
    ticks: dict[str, Any] = {"format": "d", "tickMinStep": 1}
    if most <= 12:  # whole numbers only: no repeated label between two integers
        ticks["values"] = list(range(most + 1))
    return base_spec(
        title,
        title,
        data={"values": rows},
        height={"step": 22},
        mark={"type": "bar", "stroke": "#fff", "strokeWidth": 1},
        encoding={
            "y": {"field": "region", "type": "nominal", "title": region_label},
            "x": {
                "field": "n",
                "type": "quantitative",
                "title": count_label,
                "stack": True,
                "axis": ticks,
            },
            "color": {
                "field": "status",
                "type": "nominal",
                "title": status_label,
                "scale": {"domain": names, "range": [STATUS_COLOURS[s] for s in STATUS_ORDER]},
                "legend": {"orient": "bottom", "labelLimit": 420},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {"field": "region", "type": "nominal", "title": region_label},
                {"field": "status", "type": "nominal", "title": status_label},
                {"field": "n", "type": "quantitative", "title": count_label},
            ],
        },
    )


def event_study_chart(
    rows: Iterable[Mapping[str, Any]],
    *,
    start: int,
    title: str,
    year_label: str,
    value_label: str,
    group_label: str,
    start_label: str,
) -> dict[str, Any] | None:
    """The treated region's and the controls' mean by year, with the start of the policy
    marked by a vertical rule (the event study of a difference-in-differences; Angrist and
    Pischke 2009, *Mostly Harmless Econometrics*, ch. 5.2).

    Parameters
    ----------
    rows : iterable of mappings
        ``{"year", "group", "value"}``: one row per group and year (``group`` translated).
    start : int
        The first year of the policy.
    title, year_label, value_label, group_label, start_label : str
        The translated texts.

    Returns
    -------
    dict or None
        The spec; ``None`` without rows.
    """
    data = [dict(r) for r in rows if r.get("value") is not None]
    if not data:
        return None
    groups = list(dict.fromkeys(str(r["group"]) for r in data))
    x = {
        "field": "year",
        "type": "quantitative",
        "title": year_label,
        "scale": {"zero": False, "nice": False},
        "axis": {"format": "d", "tickMinStep": 1},
    }
    return base_spec(
        title,
        title,
        height=260,
        layer=[
            {
                "data": {"values": data},
                "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": value_label,
                        "scale": {"zero": False},
                    },
                    "color": {
                        "field": "group",
                        "type": "nominal",
                        "title": group_label,
                        "scale": {"domain": groups, "range": [ACCENT, BASE, "#5f5f5f"]},
                        "legend": {"orient": "bottom", "labelLimit": 420},
                    },
                    "strokeDash": {
                        "field": "group",
                        "type": "nominal",
                        "title": group_label,
                        "scale": {"domain": groups, "range": [[1, 0], [6, 4], [2, 2]]},
                    },
                    "shape": {
                        "field": "group",
                        "type": "nominal",
                        "title": group_label,
                        "scale": {"domain": groups, "range": ["circle", "square", "diamond"]},
                    },
                    "tooltip": [
                        {"field": "group", "type": "nominal", "title": group_label},
                        {
                            "field": "year",
                            "type": "quantitative",
                            "title": year_label,
                            "format": "d",
                        },
                        {
                            "field": "value",
                            "type": "quantitative",
                            "title": value_label,
                            "format": ",.4~f",
                        },
                    ],
                },
            },
            {
                "data": {"values": [{"year": start - 0.5, "label": start_label}]},
                "mark": {"type": "rule", "color": "#333", "strokeDash": [3, 3]},
                "encoding": {"x": {"field": "year", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"year": start - 0.5, "label": start_label}]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 4,
                    "dy": -4,
                    "baseline": "top",
                    "color": "#333",
                },
                "encoding": {
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"value": 0},
                    "text": {"field": "label"},
                },
            },
        ],
    )
