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

import math
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
    return name if len(name) <= limit else name[: limit - 1].rstrip(" ,;-") + "…"


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
    picture every time); otherwise Vega's force transform lays them out, run to completion before
    the first paint (``static``) from d3's deterministic phyllotaxis start.

    As the Atlas of Economic Complexity's product space: nodes are sized by ``size`` (the
    activity's total value) and, when they have a ``group`` (their top-level sector, already
    translated; ``groups`` gives the legend's order), coloured by it with a legend; the
    ``labels`` largest nodes, spread over the picture (:func:`pick_labels`), carry their name,
    placed by Vega's label transform so that no two labels overlap (a label with no free place
    is left out). Highlighted nodes (``on``: the region's specialisations) are diamonds: red
    when there are no groups; in their group's colour with a dark outline, the other nodes
    faded, when there are.
    """
    fixed = bool(nodes) and all(n.get("x") is not None and n.get("y") is not None for n in nodes)
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
    if fixed:
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
    else:
        data = [
            {"name": "node-data", "values": nodes},
            {"name": "link-data", "values": edges},
        ]
        marks = [
            {
                "name": "nodes",
                "type": "symbol",
                "zindex": 1,
                "from": {"data": "node-data"},
                "encode": {"update": node_style},
                "transform": [
                    {
                        "type": "force",
                        "iterations": 300,
                        "static": True,
                        "signal": "force",
                        "forces": [
                            {
                                "force": "center",
                                "x": {"signal": "width / 2"},
                                "y": {"signal": "height / 2"},
                            },
                            {"force": "collide", "radius": 7},
                            {"force": "nbody", "strength": -25},
                            {
                                "force": "link",
                                "links": "link-data",
                                "distance": 40,
                                "id": "datum.id",
                            },
                            {"force": "x", "x": {"signal": "width / 2"}, "strength": 0.05},
                            {"force": "y", "y": {"signal": "height / 2"}, "strength": 0.05},
                        ],
                    }
                ],
            },
            {
                "type": "path",
                "from": {"data": "link-data"},
                "interactive": False,
                "encode": {"update": link_style},
                "transform": [
                    {
                        "type": "linkpath",
                        "require": {"signal": "force"},
                        "shape": "line",
                        "sourceX": "datum.source.x",
                        "sourceY": "datum.source.y",
                        "targetX": "datum.target.x",
                        "targetY": "datum.target.y",
                    }
                ],
            },
            {
                "name": "label-halo",
                "type": "text",
                "zindex": 2,
                "from": {"data": "nodes"},
                "interactive": False,
                "encode": {
                    "update": {
                        **text_style,
                        "text": {"signal": "datum.datum.label ? datum.datum.short : ''"},
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


#: Quadrant colours of the framework plane (most attractive, safe, ambitious, least), told
#: apart by shape too; each has at least 4.5:1 contrast on white.
QUADRANT_COLOURS = ("#1b7837", "#1f5f99", "#a6470b", "#5f5f5f")
QUADRANT_SHAPES = ("diamond", "square", "triangle-up", "circle")


#: The complexity measure on the y axis of the framework plane unless another is passed in.
DEFAULT_MEASURE = "Activity complexity (PCI)"
#: Nominal size of the framework plane for placing its point labels (pixels; the chart is as
#: wide as the page's column, about 1,100 px on a desktop screen, and 400 px high).
PLANE_SIZE = (1050.0, 400.0)


def _nice(lo: float, hi: float, count: int = 10) -> tuple[float, float]:
    """The domain d3's ``scale.nice()`` (as Vega-Lite's ``nice: true``) makes of ``[lo, hi]``."""
    for _ in range(2):
        if hi <= lo:
            return lo - 0.5, hi + 0.5
        step = (hi - lo) / count
        power = math.floor(math.log10(step))
        error = step / 10**power
        factor = (
            10
            if error >= math.sqrt(50)
            else 5
            if error >= math.sqrt(10)
            else (2 if error >= math.sqrt(2) else 1)
        )
        inc = factor * 10**power
        lo, hi = math.floor(lo / inc) * inc, math.ceil(hi / inc) * inc
    return lo, hi


def _place_labels(
    rows: list[dict[str, Any]],
    x: str,
    y: str,
    size: tuple[float, float] = PLANE_SIZE,
    padding: tuple[float, float] = (24.0, 28.0),
    extent: list[dict[str, Any]] | None = None,
    corners: tuple[str, ...] = (),
) -> None:
    """Choose where the text of each row with ``label`` goes (``dx, dy, align``, in the
    order of ``rows``): the first of eight places around its point (right, left, above,
    below, then the corners) whose box (about 6.4 px a character, 14 px high) stays in the
    plot and overlaps no label already placed, no other point of ``extent`` (every row drawn)
    and none of the ``corners`` texts (top right, top left, bottom right, bottom left); when
    none is free, the one that overlaps least.

    The pixel scale is estimated as Vega-Lite draws it: the extent of ``extent`` widened by
    ``padding`` pixels at each end, then made nice, over ``size``; the placement is
    approximate on screens narrower than that."""
    xs = [r[x] for r in extent or rows if r.get(x) is not None]
    ys = [r[y] for r in extent or rows if r.get(y) is not None]
    if not xs or not ys:
        return
    w, h = size

    def domain(values: list[float], pixels: float, pad: float) -> tuple[float, float]:
        # Vega-Lite widens the data's extent by `pad` pixels each side, then makes it nice
        lo, hi = min(values), max(values)
        more = pad * (hi - lo) / max(1.0, pixels - 2 * pad)
        return _nice(lo - more, hi + more)

    x0, x1 = domain(xs, w, padding[0])
    y0, y1 = domain(ys, h, padding[1])

    def at(r: dict[str, Any]) -> tuple[float, float]:
        return (w * (r[x] - x0) / ((x1 - x0) or 1.0), h * (1 - (r[y] - y0) / ((y1 - y0) or 1.0)))

    def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(
            0.0, min(a[3], b[3]) - max(a[1], b[1])
        )

    boxes: list[tuple[float, float, float, float]] = []
    for i, text in enumerate(corners):  # the corner texts: 12 px italic, 4 px from the edges
        tw = 6.4 * len(text) + 4
        left = w - tw if i % 2 == 0 else 0.0
        top = 0.0 if i < 2 else h - 20.0
        boxes.append((left, top, left + tw, top + 20.0))
    points = [(r, at(r)) for r in extent or rows if r.get(x) is not None and r.get(y) is not None]
    for r in rows:
        if not r.get("label"):
            continue
        cx, cy = at(r)
        others = [(px_ - 5, py_ - 5, px_ + 5, py_ + 5) for o, (px_, py_) in points if o is not r]
        tw, th = 6.4 * len(r["label"]), 14.0
        options = []
        for dx, dy, align in (
            (8, 0, "left"),
            (-8, 0, "right"),
            (0, -13, "center"),
            (0, 13, "center"),
            (6, -11, "left"),
            (6, 11, "left"),
            (-6, -11, "right"),
            (-6, 11, "right"),
        ):
            left = cx + dx - (tw if align == "right" else tw / 2 if align == "center" else 0)
            box = (left, cy + dy - th / 2, left + tw, cy + dy + th / 2)
            inside = box[0] >= 0 and box[2] <= w and box[1] >= 0 and box[3] <= h
            clash = sum(overlap(box, b) for b in boxes) + sum(overlap(box, b) for b in others)
            options.append((not inside, clash, len(options), (dx, dy, align, box)))
        free = [o for o in options if not o[0] and o[1] == 0]
        dx, dy, align, box = (free[0] if free else min(options))[3]
        r["dx"], r["dy"], r["align"] = dx, dy, align
        boxes.append(box)


def framework_plane(
    rows: list[dict[str, Any]],
    *,
    title: str,
    x_label: str,
    name_label: str,
    quadrant_label: str,
    cog_label: str,
    x_cut: float,
    y_cut: float,
    legend: tuple[str, str, str, str],
    corners: tuple[str, str, str, str],
    measure: str = DEFAULT_MEASURE,
    label_top: int = 0,
    label_by: str = "density",
) -> dict[str, Any]:
    """The smart-specialisation framework plane (Balland et al. 2019): relatedness density (x)
    against complexity (y) of a region's candidate activities, coloured (and shaped) by the
    framework's quadrant, with the cut-off lines at ``x_cut`` / ``y_cut``.

    ``rows`` carry ``name, density, complexity, quadrant`` (the translated quadrant name, one
    of ``legend``: most attractive, safe, ambitious, least attractive) and optionally ``cog``.
    ``corners`` label the four corners (top right, top left, bottom right, bottom left).
    ``measure`` names the complexity measure on the y axis (translated; PCI by default): it is
    the axis title and is added to the chart's ``title`` (``"<title> · <measure>"``).

    The ``label_top`` best candidates of the most attractive quadrant (``legend[0]``), ranked
    by ``label_by`` (``density``, ``cog`` or ``complexity``; highest first, missing values
    last), carry their name next to their point, placed so that the labels do not overlap
    (:func:`_place_labels`).
    """
    tr, tl, br, bl = corners
    best = sorted(
        (r for r in rows if r.get("quadrant") == legend[0]),
        key=lambda r: (r.get(label_by) is None, -(r.get(label_by) or 0.0)),
    )[: max(0, label_top)]
    named = {id(r) for r in best}
    rows = [
        dict(r, label=_short(str(r.get("name", "")), 32) if id(r) in named else None) for r in rows
    ]
    labelled = [r for r in rows if r["label"]]
    labelled.sort(key=lambda r: (r.get(label_by) is None, -(r.get(label_by) or 0.0)))
    _place_labels(labelled, "density", "complexity", extent=rows, corners=corners)
    spots = [
        {"text": tr, "x": "width", "y": 0, "align": "right", "baseline": "top"},
        {"text": tl, "x": 0, "y": 0, "align": "left", "baseline": "top"},
        {"text": br, "x": "width", "y": "height", "align": "right", "baseline": "bottom"},
        {"text": bl, "x": 0, "y": "height", "align": "left", "baseline": "bottom"},
    ]
    text_layers = [
        {
            "name": f"corner_{i}",
            "data": {"values": [{}]},  # one text, not one per candidate
            "mark": {
                "type": "text",
                "align": q["align"],
                "baseline": q["baseline"],
                "x": q["x"],
                "y": q["y"],
                "dx": -4 if q["align"] == "right" else 4,
                "dy": 4 if q["baseline"] == "top" else -4,
                "color": "#333",
                "fontStyle": "italic",
                "fontSize": 12,
                "text": q["text"],
            },
        }
        for i, q in enumerate(spots)
    ]
    position = {
        "x": {"field": "density", "type": "quantitative"},
        "y": {"field": "complexity", "type": "quantitative"},
        "text": {"field": "label", "type": "nominal"},
    }
    label_mark = {
        "type": "text",
        "fontSize": 11,
        "fontWeight": 600,
        "baseline": "middle",
        "dx": {"expr": "datum.dx"},
        "dy": {"expr": "datum.dy"},
        "align": {"expr": "datum.align"},
    }
    label_layers = (
        [
            {
                "name": "point_labels_halo",
                "transform": [{"filter": "isValid(datum.label)"}],
                "mark": {
                    **label_mark,
                    "stroke": "#fff",
                    "strokeWidth": 3,
                    "strokeOpacity": 0.9,
                    "color": "#fff",
                },
                "encoding": position,
            },
            {
                "name": "point_labels",
                "transform": [{"filter": "isValid(datum.label)"}],
                "mark": {**label_mark, "color": "#111"},
                "encoding": position,
            },
        ]
        if labelled
        else []
    )
    rule = {"type": "rule", "color": "#555", "strokeDash": [5, 4], "strokeWidth": 1.5}
    return _base(
        f"{title} · {measure}",
        f"{title} · {x_label} × {measure}",
        height=400,
        data={"values": [*labelled, *(r for r in rows if not r["label"])]},
        layer=[
            {"mark": rule, "encoding": {"x": {"datum": x_cut}}},
            {"mark": rule, "encoding": {"y": {"datum": y_cut}}},
            {
                "mark": {
                    "type": "point",
                    "filled": True,
                    "opacity": 0.85,
                    "size": 90,
                    "stroke": "#fff",
                    "strokeWidth": 0.6,
                },
                "encoding": {
                    "x": {
                        "field": "density",
                        "type": "quantitative",
                        "title": x_label,
                        "scale": {"zero": False, "nice": True, "padding": 24},
                    },
                    "y": {
                        "field": "complexity",
                        "type": "quantitative",
                        "title": measure,
                        "scale": {"zero": False, "nice": True, "padding": 28},
                    },
                    "color": {
                        "field": "quadrant",
                        "type": "nominal",
                        "title": quadrant_label,
                        "scale": {"domain": list(legend), "range": list(QUADRANT_COLOURS)},
                        "legend": {
                            "orient": "bottom",
                            "direction": "horizontal",
                            "columns": 2,
                            "labelLimit": 360,
                        },
                    },
                    "shape": {
                        "field": "quadrant",
                        "type": "nominal",
                        "title": quadrant_label,
                        "scale": {"domain": list(legend), "range": list(QUADRANT_SHAPES)},
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": name_label},
                        {"field": "quadrant", "type": "nominal", "title": quadrant_label},
                        {
                            "field": "density",
                            "type": "quantitative",
                            "title": x_label,
                            "format": ",.3f",
                        },
                        {
                            "field": "complexity",
                            "type": "quantitative",
                            "title": measure,
                            "format": ",.2f",
                        },
                        {
                            "field": "cog",
                            "type": "quantitative",
                            "title": cog_label,
                            "format": ",.2f",
                        },
                    ],
                },
            },
            *text_layers,
            *label_layers,
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
        greys[i % 2] for i in range(len(baselines))
    ]
    dashes = [[[1, 0], [7, 3], [3, 2], [9, 2, 2, 2]][i % 4] for i in range(len(scores))] + [
        [[1, 3], [4, 3]][i % 2] for i in range(len(baselines))
    ]

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
                        "x": {
                            "field": "x",
                            "type": "quantitative",
                            "title": x,
                            "scale": {"domain": [0, 1]},
                        },
                        "y": {
                            "field": "y",
                            "type": "quantitative",
                            "title": y,
                            "scale": {"domain": [0, 1]},
                        },
                        "color": {
                            "field": "series",
                            "type": "nominal",
                            "title": score_label,
                            "scale": {"domain": domain, "range": palette},
                        },
                        "strokeDash": {
                            "field": "series",
                            "type": "nominal",
                            "title": score_label,
                            "scale": {"domain": domain, "range": dashes},
                        },
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
        "data": {
            "values": [
                {"x": 0, "y": 0, "what": chance_label},
                {"x": 1, "y": 1, "what": chance_label},
            ]
        },
        "mark": {"type": "line", "color": "#999", "strokeDash": [3, 3]},
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
            "tooltip": [{"field": "what", "type": "nominal", "title": None}],
        },
    }
    rate = {
        "data": {"values": [{"y": base_rate or 0.0, "what": chance_label}]},
        "mark": {"type": "rule", "color": "#999", "strokeDash": [3, 3]},
        "encoding": {
            "y": {"field": "y", "type": "quantitative"},
            "tooltip": [{"field": "what", "type": "nominal", "title": None}],
        },
    }
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "description": title,
        "config": {
            **CONFIG,
            "legend": {
                **CONFIG["legend"],
                "orient": "right",
                "labelLimit": 320,
                "symbolStrokeWidth": 2.5,
                "symbolSize": 300,
            },
            "axis": {**CONFIG["axis"], "tickCount": 5},
        },
        "data": {"values": rows},
        "hconcat": [
            panel("roc", roc_title, fpr_label, tpr_label, diagonal),
            panel("pr", pr_title, recall_label, precision_label, rate),
        ],
        "resolve": {"scale": {"color": "shared", "strokeDash": "shared"}},
    }
    return spec
