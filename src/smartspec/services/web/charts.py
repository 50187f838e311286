"""Vega-Lite (and one Vega) chart specs: the same JSON serves the page and, later, reports.

Every builder takes plain rows and already-translated labels and returns a spec dictionary; the
page embeds it with vega-embed and the d3 number locale of the page language, so the axes use
the same decimal and group separators as the tables.

Examples
--------
>>> spec = bar_rca([{"activity": "C", "name": "Manufacturing", "rca": 2.5}], title="Top")
>>> spec["layer"][0]["mark"]["type"], spec["layer"][0]["encoding"]["x"]["field"]
('bar', 'rca')
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched
ACCENT = "#b3261e"  # highlighted region / specialisation (contrast 5.9:1 on white)
BASE = "#1f5f99"  # bars and points (contrast 6.6:1 on white)
NO_DATA = "#d9d9d9"
NODE = "#6f93c2"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"

CONFIG = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#222", "titleColor": "#222"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222"},
    "title": {"fontSize": 15, "anchor": "start", "color": "#111"},
    "view": {"stroke": None},
}


def _base(title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "width": "container",
        "config": CONFIG,
        **extra,
    }


def choropleth(
    rows: list[dict[str, Any]],
    *,
    url: str,
    projection: dict[str, Any],
    title: str,
    legend: str,
    value_label: str,
    name_label: str,
    value_format: str = ",.2f",
    highlight: str | None = None,
    only_prefix: str | None = None,
    height: int = 420,
) -> dict[str, Any]:
    """A map of ``rows`` (``id``, ``name``, ``value``, ``href``) over the shapes at ``url``.

    Shapes without a value are drawn grey underneath. With ``highlight`` (a shape id) the map
    shows where one region is instead of a colour scale. ``only_prefix`` keeps the shapes whose
    id starts with it (a NUTS country), so a region is seen within its country.
    """
    shapes: dict[str, Any] = {
        "url": url,
        "format": {"type": "topojson", "feature": "regions"},
    }
    pre: list[dict[str, Any]] = [{"filter": "datum.id !== 'ATA'"}]
    if only_prefix:
        pre = [{"filter": f"indexof(datum.id, {only_prefix!r}) === 0"}]
    lookup = {
        "lookup": "id",
        "from": {"data": {"values": rows}, "key": "id", "fields": ["value", "label", "href"]},
    }
    tooltip = [
        {"field": "properties.name", "type": "nominal", "title": name_label},
        {"field": "label", "type": "nominal", "title": value_label},
    ]
    grey = {
        "mark": {"type": "geoshape", "fill": NO_DATA, "stroke": "#fff", "strokeWidth": 0.4},
        "encoding": {"tooltip": [{"field": "properties.name", "type": "nominal",
                                  "title": name_label}]},
    }
    if highlight is not None:
        top = {
            "transform": [{"filter": f"datum.id === {highlight!r}"}],
            "mark": {"type": "geoshape", "fill": ACCENT, "stroke": "#111", "strokeWidth": 1},
            "encoding": {"tooltip": tooltip[:1]},
        }
    else:
        top = {
            "transform": [lookup, {"filter": "isValid(datum.value)"}],
            "mark": {"type": "geoshape", "stroke": "#fff", "strokeWidth": 0.4, "cursor": "pointer"},
            "encoding": {
                "color": {
                    "field": "value",
                    "type": "quantitative",
                    "scale": {"scheme": "viridis", "reverse": True},
                    "legend": {"title": legend, "format": value_format, "orient": "bottom-left"},
                },
                "tooltip": tooltip,
                "href": {"field": "href", "type": "nominal"},
            },
        }
    return _base(
        title,
        title,
        height=height,
        data=shapes,
        transform=pre,
        projection=projection,
        layer=[grey, top],
    )


def bar_rca(
    rows: list[dict[str, Any]],
    *,
    title: str,
    rca_label: str = "RCA",
    activity_label: str = "Activity",
) -> dict[str, Any]:
    """Horizontal bars of RCA by activity, with the RCA = 1 line (specialisation threshold)."""
    return _base(
        title,
        title,
        data={"values": rows},
        height={"step": 22},
        layer=[
            {
                "mark": {"type": "bar", "color": BASE},
                "encoding": {
                    "y": {"field": "name", "type": "nominal", "sort": "-x",
                          "title": None, "axis": {"labelLimit": 260}},
                    "x": {"field": "rca", "type": "quantitative", "title": rca_label,
                          "axis": {"tickCount": 8}},
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": activity_label},
                        {"field": "rca", "type": "quantitative", "title": rca_label,
                         "format": ",.2f"},
                    ],
                },
            },
            {"mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]},
             "encoding": {"x": {"datum": 1}}},
        ],
    )


def line_over_periods(
    rows: list[dict[str, Any]], *, title: str, x_label: str, y_label: str
) -> dict[str, Any]:
    """ECI (or any value) by period, one line per ``series``."""
    return _base(
        title,
        title,
        height=240,
        data={"values": rows},
        mark={"type": "line", "point": True, "strokeWidth": 2},
        encoding={
            "x": {"field": "period", "type": "ordinal", "title": x_label,
                  "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": y_label,
                  "axis": {"format": ",.2f"}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"range": [BASE, ACCENT, "#2e7d32", "#6a3d9a", "#e65100"]}},
            "tooltip": [
                {"field": "series", "type": "nominal", "title": None},
                {"field": "period", "type": "ordinal", "title": x_label},
                {"field": "value", "type": "quantitative", "title": y_label, "format": ",.2f"},
            ],
        },
    )


def grouped_rca(
    rows: list[dict[str, Any]], *, title: str, rca_label: str
) -> dict[str, Any]:
    """RCA of several regions (``series``) in the same activities, side by side."""
    return _base(
        title,
        title,
        data={"values": rows},
        height={"step": 12},
        mark={"type": "bar"},
        encoding={
            "y": {"field": "name", "type": "nominal", "title": None,
                  "axis": {"labelLimit": 240}},
            "yOffset": {"field": "series", "type": "nominal"},
            "x": {"field": "rca", "type": "quantitative", "title": rca_label},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"range": [BASE, ACCENT, "#2e7d32", "#6a3d9a", "#e65100"]},
                      "legend": {"orient": "top"}},
            "tooltip": [
                {"field": "series", "type": "nominal", "title": None},
                {"field": "name", "type": "nominal", "title": None},
                {"field": "rca", "type": "quantitative", "title": rca_label, "format": ",.2f"},
            ],
        },
    )


def network(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    title: str,
    legend_yes: str,
    legend_no: str,
    name_label: str,
    height: int = 560,
) -> dict[str, Any]:
    """The activity space as a Vega (not Vega-Lite) spec: ``nodes`` (``id, name, size, on``
    and optionally ``x, y``) linked by ``edges`` (``source, target, weight``).

    Nodes with ``x``/``y`` are drawn where they are (a layout computed once by the API, the same
    picture every time); otherwise Vega's force transform lays them out, run to completion before
    the first paint (``static``) from d3's deterministic phyllotaxis start. Highlighted nodes
    (``on``: the region's specialisations) are red diamonds.
    """
    fixed = bool(nodes) and all(n.get("x") is not None and n.get("y") is not None for n in nodes)
    node_style = {
        "size": {"scale": "size", "field": "size"},
        "fill": {"signal": f"datum.on ? '{ACCENT}' : '{NODE}'"},
        "shape": {"signal": "datum.on ? 'diamond' : 'circle'"},
        "stroke": {"value": "#fff"},
        "strokeWidth": {"value": 0.8},
        "tooltip": {"signal": f"{{{name_label!r}: datum.name}}"},
    }
    link_style = {
        "stroke": {"value": "#9aa5b1"},
        "strokeOpacity": {"value": 0.5},
        "strokeWidth": {"signal": "0.5 + 1.5 * (datum.weight || 0)"},
    }
    if fixed:
        scale_xy = [
            {"type": "extent", "field": "x", "signal": "xext"},
            {"type": "extent", "field": "y", "signal": "yext"},
            {"type": "formula", "as": "px",
             "expr": "20 + (width - 40) * (datum.x - xext[0]) / max(1e-9, xext[1] - xext[0])"},
            {"type": "formula", "as": "py",
             "expr": "20 + (height - 40) * (datum.y - yext[0]) / max(1e-9, yext[1] - yext[0])"},
        ]
        data = [
            {"name": "node-data", "values": nodes, "transform": scale_xy},
            {"name": "link-data", "values": edges, "transform": [
                {"type": "lookup", "from": "node-data", "key": "id",
                 "fields": ["source", "target"], "as": ["s", "t"]},
                {"type": "filter", "expr": "datum.s && datum.t"}]},
        ]
        marks = [
            {"type": "path", "from": {"data": "link-data"}, "interactive": False,
             "encode": {"update": link_style},
             "transform": [{"type": "linkpath", "shape": "line", "sourceX": "datum.s.px",
                            "sourceY": "datum.s.py", "targetX": "datum.t.px",
                            "targetY": "datum.t.py"}]},
            {"name": "nodes", "type": "symbol", "from": {"data": "node-data"},
             "encode": {"update": {**node_style, "x": {"field": "px"}, "y": {"field": "py"}}}},
        ]
    else:
        data = [
            {"name": "node-data", "values": nodes},
            {"name": "link-data", "values": edges},
        ]
        marks = [
            {"name": "nodes", "type": "symbol", "zindex": 1, "from": {"data": "node-data"},
             "encode": {"update": node_style},
             "transform": [{"type": "force", "iterations": 300, "static": True,
                            "signal": "force", "forces": [
                 {"force": "center", "x": {"signal": "width / 2"}, "y": {"signal": "height / 2"}},
                 {"force": "collide", "radius": 7},
                 {"force": "nbody", "strength": -25},
                 {"force": "link", "links": "link-data", "distance": 40, "id": "datum.id"},
                 {"force": "x", "x": {"signal": "width / 2"}, "strength": 0.05},
                 {"force": "y", "y": {"signal": "height / 2"}, "strength": 0.05}]}]},
            {"type": "path", "from": {"data": "link-data"}, "interactive": False,
             "encode": {"update": link_style},
             "transform": [{"type": "linkpath", "require": {"signal": "force"}, "shape": "line",
                            "sourceX": "datum.source.x", "sourceY": "datum.source.y",
                            "targetX": "datum.target.x", "targetY": "datum.target.y"}]},
        ]
    return {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "description": title,
        "width": 800,
        "height": height,
        "padding": 8,
        "autosize": "none",
        "config": {"font": FONT},
        "data": data,
        "scales": [
            {"name": "size", "type": "sqrt", "domain": {"data": "node-data", "field": "size"},
             "range": [30, 400], "zero": False},
            {"name": "colour", "type": "ordinal", "domain": [legend_yes, legend_no],
             "range": [ACCENT, NODE]},
            {"name": "shape", "type": "ordinal", "domain": [legend_yes, legend_no],
             "range": ["diamond", "circle"]},
        ],
        "legends": [{"fill": "colour", "shape": "shape", "orient": "top-left",
                     "labelFontSize": 13, "symbolSize": 140, "fillColor": "#ffffffcc",
                     "padding": 6}],
        "marks": marks,
    }


#: Quadrant colours of the framework plane (most attractive, safe, ambitious, least), told
#: apart by shape too; each has at least 4.5:1 contrast on white.
QUADRANT_COLOURS = ("#1b7837", "#1f5f99", "#a6470b", "#5f5f5f")
QUADRANT_SHAPES = ("diamond", "square", "triangle-up", "circle")


def framework_plane(
    rows: list[dict[str, Any]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    name_label: str,
    quadrant_label: str,
    cog_label: str,
    x_cut: float,
    y_cut: float,
    legend: tuple[str, str, str, str],
    corners: tuple[str, str, str, str],
) -> dict[str, Any]:
    """The smart-specialisation framework plane (Balland et al. 2019): relatedness density (x)
    against complexity (y) of a region's candidate activities, coloured (and shaped) by the
    framework's quadrant, with the cut-off lines at ``x_cut`` / ``y_cut``.

    ``rows`` carry ``name, density, complexity, quadrant`` (the translated quadrant name, one
    of ``legend``: most attractive, safe, ambitious, least attractive) and optionally ``cog``.
    ``corners`` label the four corners (top right, top left, bottom right, bottom left).
    """
    tr, tl, br, bl = corners
    spots = [
        {"text": tr, "x": "width", "y": 0, "align": "right", "baseline": "top"},
        {"text": tl, "x": 0, "y": 0, "align": "left", "baseline": "top"},
        {"text": br, "x": "width", "y": "height", "align": "right", "baseline": "bottom"},
        {"text": bl, "x": 0, "y": "height", "align": "left", "baseline": "bottom"},
    ]
    text_layers = [
        {
            "mark": {"type": "text", "align": q["align"], "baseline": q["baseline"],
                     "x": q["x"], "y": q["y"], "dx": -4 if q["align"] == "right" else 4,
                     "dy": 4 if q["baseline"] == "top" else -4, "color": "#333",
                     "fontStyle": "italic", "fontSize": 12, "text": q["text"]},
        }
        for q in spots
    ]
    rule = {"type": "rule", "color": "#555", "strokeDash": [5, 4], "strokeWidth": 1.5}
    return _base(
        title,
        title,
        height=400,
        data={"values": rows},
        layer=[
            {"mark": rule, "encoding": {"x": {"datum": x_cut}}},
            {"mark": rule, "encoding": {"y": {"datum": y_cut}}},
            {
                "mark": {"type": "point", "filled": True, "opacity": 0.85, "size": 90,
                         "stroke": "#fff", "strokeWidth": 0.6},
                "encoding": {
                    "x": {"field": "density", "type": "quantitative", "title": x_label,
                          "scale": {"zero": False, "nice": True, "padding": 24}},
                    "y": {"field": "complexity", "type": "quantitative", "title": y_label,
                          "scale": {"zero": False, "nice": True, "padding": 28}},
                    "color": {"field": "quadrant", "type": "nominal", "title": quadrant_label,
                              "scale": {"domain": list(legend), "range": list(QUADRANT_COLOURS)},
                              "legend": {"orient": "bottom", "direction": "horizontal",
                                         "columns": 2, "labelLimit": 360}},
                    "shape": {"field": "quadrant", "type": "nominal", "title": quadrant_label,
                              "scale": {"domain": list(legend), "range": list(QUADRANT_SHAPES)}},
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": name_label},
                        {"field": "quadrant", "type": "nominal", "title": quadrant_label},
                        {"field": "density", "type": "quantitative", "title": x_label,
                         "format": ",.3f"},
                        {"field": "complexity", "type": "quantitative", "title": y_label,
                         "format": ",.2f"},
                        {"field": "cog", "type": "quantitative", "title": cog_label,
                         "format": ",.2f"},
                    ],
                },
            },
            *text_layers,
        ],
    )


def backtest_curves(
    rows: list[dict[str, Any]],
    *,
    title: str,
    roc_title: str,
    pr_title: str,
    fpr_label: str,
    tpr_label: str,
    recall_label: str,
    precision_label: str,
    score_label: str,
    chance_label: str,
    base_rate: float | None,
    scores: list[str] | None = None,
    baselines: list[str] | None = None,
) -> dict[str, Any]:
    """ROC and precision-recall curves of a backtest side by side (the dashboard's version of
    :func:`smartspec.reports.charts.backtest_chart`, with translated labels).

    ``rows``: ``series`` (translated score name), ``curve`` (``roc`` or ``pr``), ``x``, ``y``.
    The chance line is the diagonal on the ROC panel and the entry rate (``base_rate``) on the
    precision-recall panel. ``scores`` and ``baselines`` (translated names) fix the legend's
    order: the scores in strong colours and solid or dashed lines, the baselines in greys,
    dotted.
    """
    scores = list(scores or dict.fromkeys(r["series"] for r in rows))
    baselines = [b for b in (baselines or []) if b not in scores]
    strong = [BASE, ACCENT, "#2e7d32", "#6a3d9a"]
    greys = ["#5f5f5f", "#8c8c8c"]
    domain = scores + baselines
    palette = [strong[i % 4] for i in range(len(scores))] + [
        greys[i % 2] for i in range(len(baselines))]
    dashes = [[[1, 0], [7, 3], [3, 2], [9, 2, 2, 2]][i % 4] for i in range(len(scores))] + [
        [[1, 3], [4, 3]][i % 2] for i in range(len(baselines))]

    def panel(curve: str, sub: str, x: str, y: str, chance: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": {"text": sub, "fontSize": 13},
            "width": 330,
            "height": 300,
            "layer": [
                chance,
                {
                    "transform": [{"filter": {"field": "curve", "equal": curve}}],
                    "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative", "title": x,
                              "scale": {"domain": [0, 1]}},
                        "y": {"field": "y", "type": "quantitative", "title": y,
                              "scale": {"domain": [0, 1]}},
                        "color": {"field": "series", "type": "nominal", "title": score_label,
                                  "scale": {"domain": domain, "range": palette}},
                        "strokeDash": {"field": "series", "type": "nominal",
                                       "title": score_label,
                                       "scale": {"domain": domain, "range": dashes}},
                        "tooltip": [
                            {"field": "series", "type": "nominal", "title": score_label},
                            {"field": "x", "type": "quantitative", "title": x, "format": ".3f"},
                            {"field": "y", "type": "quantitative", "title": y, "format": ".3f"},
                        ],
                    },
                },
            ],
        }

    diagonal = {
        "data": {"values": [{"x": 0, "y": 0, "what": chance_label},
                            {"x": 1, "y": 1, "what": chance_label}]},
        "mark": {"type": "line", "color": "#999", "strokeDash": [3, 3]},
        "encoding": {"x": {"field": "x", "type": "quantitative"},
                     "y": {"field": "y", "type": "quantitative"},
                     "tooltip": [{"field": "what", "type": "nominal", "title": None}]},
    }
    rate = {
        "data": {"values": [{"y": base_rate or 0.0, "what": chance_label}]},
        "mark": {"type": "rule", "color": "#999", "strokeDash": [3, 3]},
        "encoding": {"y": {"field": "y", "type": "quantitative"},
                     "tooltip": [{"field": "what", "type": "nominal", "title": None}]},
    }
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "description": title,
        "config": {**CONFIG,
                   "legend": {**CONFIG["legend"], "orient": "right", "labelLimit": 320,
                              "symbolStrokeWidth": 2.5, "symbolSize": 300},
                   "axis": {**CONFIG["axis"], "tickCount": 5}},
        "data": {"values": rows},
        "hconcat": [
            panel("roc", roc_title, fpr_label, tpr_label, diagonal),
            panel("pr", pr_title, recall_label, precision_label, rate),
        ],
        "resolve": {"scale": {"color": "shared", "strokeDash": "shared"}},
    }
    return spec
