"""Vega-Lite (and one Vega) chart specs of the dashboard.

Every builder takes plain rows and already-translated labels and returns a spec dictionary; the
page embeds it with vega-embed and the d3 number locale of the page language, so the axes use
the same decimal and group separators as the tables. The charts the reports draw too (the
framework plane, the backtest curves) and the common style are written once, in
:mod:`smartspec.reports.charts`, and used from there.

Examples
--------
>>> spec = bar_rca([{"activity": "C", "name": "Manufacturing", "rca": 2.5}], title="Top")
>>> spec["layer"][0]["mark"]["type"], spec["layer"][0]["encoding"]["x"]["field"]
('bar', 'rca')
"""

from __future__ import annotations

from typing import Any

from smartspec.reports.charts import (
    ACCENT,
    BASE,
    CONFIG,
    DEFAULT_MEASURE,
    FONT,
    PLANE_SIZE,
    QUADRANT_COLOURS,
    QUADRANT_SHAPES,
    SCHEMA,
    backtest_curves,
    framework_plane,
    shorten,
)
from smartspec.reports.charts import base_spec as _base

__all__ = [  # the framework plane, the backtest curves and the style re-exported from reports
    "ACCENT",
    "BASE",
    "CONFIG",
    "DEFAULT_MEASURE",
    "FONT",
    "GROUP_COLOURS",
    "LABEL_CHARS",
    "NODE",
    "NO_DATA",
    "PLANE_SIZE",
    "QUADRANT_COLOURS",
    "QUADRANT_SHAPES",
    "SCHEMA",
    "SPACE_LABELS",
    "backtest_curves",
    "bar_rca",
    "choropleth",
    "framework_plane",
    "grouped_rca",
    "line_over_periods",
    "network",
    "pick_labels",
]

NO_DATA = "#d9d9d9"
NODE = "#6f93c2"


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
        "encoding": {
            "tooltip": [{"field": "properties.name", "type": "nominal", "title": name_label}]
        },
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
                    "y": {
                        "field": "name",
                        "type": "nominal",
                        "sort": "-x",
                        "title": None,
                        "axis": {"labelLimit": 260},
                    },
                    "x": {
                        "field": "rca",
                        "type": "quantitative",
                        "title": rca_label,
                        "axis": {"tickCount": 8},
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": activity_label},
                        {
                            "field": "rca",
                            "type": "quantitative",
                            "title": rca_label,
                            "format": ",.2f",
                        },
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]},
                "encoding": {"x": {"datum": 1}},
            },
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
            "x": {
                "field": "period",
                "type": "ordinal",
                "title": x_label,
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": y_label,
                "axis": {"format": ",.2f"},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"range": [BASE, ACCENT, "#2e7d32", "#6a3d9a", "#e65100"]},
            },
            "tooltip": [
                {"field": "series", "type": "nominal", "title": None},
                {"field": "period", "type": "ordinal", "title": x_label},
                {"field": "value", "type": "quantitative", "title": y_label, "format": ",.2f"},
            ],
        },
    )


def grouped_rca(rows: list[dict[str, Any]], *, title: str, rca_label: str) -> dict[str, Any]:
    """RCA of several regions (``series``) in the same activities, side by side."""
    return _base(
        title,
        title,
        data={"values": rows},
        height={"step": 12},
        mark={"type": "bar"},
        encoding={
            "y": {"field": "name", "type": "nominal", "title": None, "axis": {"labelLimit": 240}},
            "yOffset": {"field": "series", "type": "nominal"},
            "x": {"field": "rca", "type": "quantitative", "title": rca_label},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"range": [BASE, ACCENT, "#2e7d32", "#6a3d9a", "#e65100"]},
                "legend": {"orient": "top"},
            },
            "tooltip": [
                {"field": "series", "type": "nominal", "title": None},
                {"field": "name", "type": "nominal", "title": None},
                {"field": "rca", "type": "quantitative", "title": rca_label, "format": ",.2f"},
            ],
        },
    )


#: Colours of the activity space's sector groups: d3's category10 (its grey last, for the
#: tenth group, which is "other" in SITC), then ten more told apart from them (a legend has at
#: most twenty groups, see :mod:`.sectors`).
GROUP_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#7f7f7f",
    "#393b79",
    "#e7ba52",
    "#637939",
    "#ad494a",
    "#7b4173",
    "#6b6ecf",
    "#8c6d31",
    "#ce6dbd",
    "#9edae5",
    "#c49c94",
)

#: Labels the activity space writes next to its nodes (the largest, spread over the picture).
SPACE_LABELS = 20
#: The longest label before it is cut with an ellipsis (characters).
LABEL_CHARS = 28


def _short(name: str, limit: int = LABEL_CHARS) -> str:
    return shorten(name, limit)


def pick_labels(nodes: list[dict[str, Any]], count: int = SPACE_LABELS) -> set[str]:
    """The ids of the nodes to label: every node when there are at most ``count``, else the
    largest (by ``size``) taken in turn, skipping a node that lies close to one already taken
    (with a fixed layout: within 0.12 of the width and 0.04 of the height), so that the labels
    are spread over the picture instead of piled up in its dense centre."""
    if len(nodes) <= count:
        return {str(n["id"]) for n in nodes}
    ranked = sorted(nodes, key=lambda n: (-(n.get("size") or 0.0), str(n["id"])))
    placed = all(n.get("x") is not None and n.get("y") is not None for n in nodes)
    if not placed:
        return {str(n["id"]) for n in ranked[:count]}
    xs = [float(n["x"]) for n in nodes]
    ys = [float(n["y"]) for n in nodes]
    wx, wy = max(1e-9, max(xs) - min(xs)), max(1e-9, max(ys) - min(ys))
    chosen: list[dict[str, Any]] = []
    for n in ranked:
        if all(
            abs(float(n["x"]) - float(c["x"])) / wx >= 0.12
            or abs(float(n["y"]) - float(c["y"])) / wy >= 0.04
            for c in chosen
        ):
            chosen.append(n)
            if len(chosen) == count:
                break
    return {str(n["id"]) for n in chosen}


def _placed(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``nodes`` with ``x``/``y`` from :func:`smartspec.core.network.layout` of ``edges``
    (weighted by ``weight``, 1 when missing).

    >>> placed = _placed([{"id": "a"}, {"id": "b"}], [{"source": "a", "target": "b"}])
    >>> all(isinstance(n["x"], float) for n in placed)
    True
    """
    import numpy as np

    from smartspec.core.network import layout

    index = {str(n["id"]): i for i, n in enumerate(nodes)}
    pairs = [
        (index[str(e["source"])], index[str(e["target"])], float(e.get("weight") or 1.0))
        for e in edges
        if str(e["source"]) in index and str(e["target"]) in index
    ]
    links = np.array([(a, b) for a, b, _ in pairs], dtype=int).reshape(-1, 2)
    pos = layout(len(nodes), links, np.array([w for _, _, w in pairs], dtype=float))
    return [dict(n, x=float(pos[i, 0]), y=float(pos[i, 1])) for i, n in enumerate(nodes)]


def network(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    title: str,
    legend_yes: str,
    legend_no: str,
    name_label: str,
    group_label: str = "Sector",
    groups: list[str] | None = None,
    labels: int = SPACE_LABELS,
    height: int | None = None,
) -> dict[str, Any]:
    """The activity space as a Vega (not Vega-Lite) spec: ``nodes`` (``id, name, size, on``
    and optionally ``x, y`` and ``group``) linked by ``edges`` (``source, target, weight``).

    Nodes with ``x``/``y`` are drawn where they are (a layout computed once by the API, the same
    picture every time); when any node has no position, all are placed by
    :func:`smartspec.core.network.layout` (seeded, so the same picture every time too).

    As the Atlas of Economic Complexity's product space: nodes are sized by ``size`` (the
    activity's total value) and, when they have a ``group`` (their top-level sector, already
    translated; ``groups`` gives the legend's order), coloured by it with a legend; the
    ``labels`` largest nodes, spread over the picture (:func:`pick_labels`), carry their name,
    placed by Vega's label transform so that no two labels overlap (a label with no free place
    is left out). Highlighted nodes (``on``: the region's specialisations) are diamonds: red
    when there are no groups; in their group's colour with a dark outline, the other nodes
    faded, when there are.
    """
    if not all(n.get("x") is not None and n.get("y") is not None for n in nodes):
        nodes = _placed(nodes, edges)
    named = pick_labels(nodes, labels) if labels > 0 else set()
    nodes = [
        dict(n, label=str(n["id"]) in named, short=_short(str(n.get("name") or n["id"])))
        for n in nodes
    ]
    grouped = any(n.get("group") for n in nodes)
    order = list(groups or sorted({str(n["group"]) for n in nodes if n.get("group")}))
    highlight = any(n.get("on") for n in nodes)
    many = len(nodes) > 300
    if height is None:
        height = 720 if many else 560
    size_range = [8, 140] if many else [20, 260] if len(nodes) > 100 else [30, 400]
    tooltip = f"{{{name_label!r}: datum.name" + (
        f", {group_label!r}: datum.group}}" if grouped else "}"
    )
    if grouped:
        fill: dict[str, Any] = {"scale": "group", "field": "group"}
        node_style: dict[str, Any] = {
            "fill": fill,
            "fillOpacity": {"signal": "datum.on ? 1 : 0.3" if highlight else "1"},
            "shape": {"signal": "datum.on ? 'diamond' : 'circle'"},
            "stroke": {"signal": ("datum.on ? '#111' : '#9aa5b1'" if highlight else "'#fff'")},
            "strokeWidth": {"signal": "datum.on ? 0.8 : 0.6"},
        }
    else:
        node_style = {
            "fill": {"signal": f"datum.on ? '{ACCENT}' : '{NODE}'"},
            "shape": {"signal": "datum.on ? 'diamond' : 'circle'"},
            "stroke": {"value": "#fff"},
            "strokeWidth": {"value": 0.8},
        }
    # a region's specialisations are drawn twice as large when the nodes are coloured by sector,
    # so that their colour shows inside the outline
    grow = " * (datum.on ? 2 : 1)" if grouped and highlight else ""
    node_style.update(
        {"size": {"signal": f"scale('size', datum.size){grow}"}, "tooltip": {"signal": tooltip}}
    )
    link_style = {
        "stroke": {"value": "#9aa5b1"},
        "strokeOpacity": {"value": 0.35 if many else 0.5},
        "strokeWidth": {
            "signal": (
                "0.4 + 1 * (datum.weight || 0)" if many else "0.5 + 1.5 * (datum.weight || 0)"
            )
        },
    }
    text_style = {"fontSize": {"value": 11}, "fontWeight": {"value": 600}, "limit": {"value": 190}}
    place = {
        "type": "label",
        "size": {"signal": "[width, height]"},
        "anchor": [
            "right",
            "left",
            "top",
            "bottom",
            "top-right",
            "bottom-right",
            "top-left",
            "bottom-left",
        ],
        "offset": [2],
    }
    scale_xy = [
        {"type": "extent", "field": "x", "signal": "xext"},
        {"type": "extent", "field": "y", "signal": "yext"},
        {
            "type": "formula",
            "as": "px",
            "expr": "20 + (width - 40) * (datum.x - xext[0]) / max(1e-9, xext[1] - xext[0])",
        },
        {
            "type": "formula",
            "as": "py",
            "expr": "20 + (height - 40) * (datum.y - yext[0]) / max(1e-9, yext[1] - yext[0])",
        },
    ]
    data = [
        {"name": "node-data", "values": nodes, "transform": scale_xy},
        {
            "name": "link-data",
            "values": edges,
            "transform": [
                {
                    "type": "lookup",
                    "from": "node-data",
                    "key": "id",
                    "fields": ["source", "target"],
                    "as": ["s", "t"],
                },
                {"type": "filter", "expr": "datum.s && datum.t"},
            ],
        },
        {
            "name": "label-data",
            "source": "node-data",
            "transform": [{"type": "filter", "expr": "datum.label"}],
        },
    ]
    marks = [
        {
            "type": "path",
            "from": {"data": "link-data"},
            "interactive": False,
            "encode": {"update": link_style},
            "transform": [
                {
                    "type": "linkpath",
                    "shape": "line",
                    "sourceX": "datum.s.px",
                    "sourceY": "datum.s.py",
                    "targetX": "datum.t.px",
                    "targetY": "datum.t.py",
                }
            ],
        },
        {
            "name": "nodes",
            "type": "symbol",
            "from": {"data": "node-data"},
            "encode": {"update": {**node_style, "x": {"field": "px"}, "y": {"field": "py"}}},
        },
        {
            "name": "label-anchors",
            "type": "symbol",
            "from": {"data": "label-data"},
            "interactive": False,
            "encode": {
                "update": {
                    "x": {"field": "px"},
                    "y": {"field": "py"},
                    "size": {"scale": "size", "field": "size"},
                    "opacity": {"value": 0},
                }
            },
        },
        {
            "name": "label-halo",
            "type": "text",
            "from": {"data": "label-anchors"},
            "interactive": False,
            "encode": {
                "update": {
                    **text_style,
                    "text": {"field": "datum.short"},
                    "stroke": {"value": "#fff"},
                    "strokeWidth": {"value": 3},
                    "strokeOpacity": {"value": 0.9},
                    "fill": {"value": "#fff"},
                }
            },
            "transform": [place],
        },
    ]
    # the label itself, over its white halo, where the label transform put the halo
    marks.append(
        {
            "name": "labels",
            "type": "text",
            "zindex": 3,
            "from": {"data": "label-halo"},
            "interactive": False,
            "encode": {
                "update": {
                    **text_style,
                    "text": {"field": "text"},
                    "x": {"field": "x"},
                    "y": {"field": "y"},
                    "align": {"field": "align"},
                    "baseline": {"field": "baseline"},
                    "opacity": {"field": "opacity"},
                    "fill": {"value": "#111"},
                }
            },
        }
    )
    scales: list[dict[str, Any]] = [
        {
            "name": "size",
            "type": "sqrt",
            "domain": {"data": "node-data", "field": "size"},
            "range": size_range,
            "zero": False,
        },
        {
            "name": "colour",
            "type": "ordinal",
            "domain": [legend_yes, legend_no],
            "range": [ACCENT, NODE],
        },
        {
            "name": "shape",
            "type": "ordinal",
            "domain": [legend_yes, legend_no],
            "range": ["diamond", "circle"],
        },
    ]
    legends: list[dict[str, Any]] = []
    if grouped:
        scales.append(
            {
                "name": "group",
                "type": "ordinal",
                "domain": order,
                "range": list(GROUP_COLOURS[: max(10, len(order))]),
            }
        )
        legends.append(
            {
                "fill": "group",
                "title": group_label,
                "orient": "bottom",
                "direction": "horizontal",
                "columns": {"signal": "max(1, floor(width / 270))"},
                "labelLimit": 250,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "symbolType": "circle",
                "symbolSize": 120,
                "columnPadding": 16,
                "rowPadding": 4,
            }
        )
        if highlight:
            legends.append(
                {
                    "shape": "shape",
                    "orient": "top-left",
                    "labelFontSize": 13,
                    "symbolSize": 140,
                    "symbolFillColor": "#8a8a8a",
                    "symbolStrokeColor": "#111",
                    "fillColor": "#ffffffcc",
                    "padding": 6,
                }
            )
    else:
        legends.append(
            {
                "fill": "colour",
                "shape": "shape",
                "orient": "top-left",
                "labelFontSize": 13,
                "symbolSize": 140,
                "fillColor": "#ffffffcc",
                "padding": 6,
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "description": title,
        "width": 800,
        "height": height,
        "padding": 8,
        "autosize": {"type": "pad"},
        "config": {"font": FONT},
        "data": data,
        "scales": scales,
        "legends": legends,
        "marks": marks,
    }
