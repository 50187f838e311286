"""Vega-Lite chart specifications for smartspec results, and their rendering.

One specification per chart serves the dashboard (drawn by vega-embed in the page, with the
page's translated labels and number locale) and the reports (English labels, rendered to SVG
or PNG by ``vl-convert``, no browser needed): the framework plane (:func:`framework_plane`,
from a framework table :func:`framework_chart`) and the backtest's ROC and precision-recall
curves (:func:`backtest_curves`, from a backtest's curves :func:`backtest_chart`). The
dashboard's other charts are in :mod:`smartspec.services.web.charts`, on the same style
(:data:`CONFIG`, :func:`base_spec`).

Examples
--------
>>> spec = backtest_curves(
...     [{"series": "density", "curve": "roc", "x": 0.0, "y": 0.0}], title="Backtest", base_rate=0.1
... )
>>> [panel["title"]["text"] for panel in spec["hconcat"]]
['ROC curve', 'Precision-recall curve']
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError

__all__ = [
    "ACCENT",
    "BASE",
    "CONFIG",
    "DEFAULT_MEASURE",
    "FONT",
    "PLANE_SIZE",
    "QUADRANT_COLOURS",
    "QUADRANT_SHAPES",
    "SCHEMA",
    "backtest_chart",
    "backtest_curves",
    "base_spec",
    "framework_chart",
    "framework_plane",
    "render",
    "save",
    "shorten",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched
ACCENT = "#b3261e"  # highlighted region / specialisation (contrast 5.9:1 on white)
BASE = "#1f5f99"  # bars and points (contrast 6.6:1 on white)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"

#: The style of every chart: font, axis, legend and title sizes and colours.
CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#222", "titleColor": "#222"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222"},
    "title": {"fontSize": 15, "anchor": "start", "color": "#111"},
    "view": {"stroke": None},
}


def base_spec(title: str, description: str, **extra: Any) -> dict[str, Any]:
    """A Vega-Lite spec with ``title``, ``description`` (read by screen readers), the width of
    its container, :data:`CONFIG` and the ``extra`` keys (which may replace any of them)."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": description,
        "width": "container",
        "config": CONFIG,
        **extra,
    }


def shorten(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` characters, ending in an ellipsis when cut.

    >>> shorten("Manufacture of basic pharmaceutical products", 20)
    'Manufacture of basi…'
    """
    return name if len(name) <= limit else name[: limit - 1].rstrip(" ,;-") + "…"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    return clean.where(clean.notna(), None).to_dict("records")


#: Quadrant colours of the framework plane (most attractive, safe, ambitious, least), told
#: apart by shape too; each has at least 4.5:1 contrast on white.
QUADRANT_COLOURS = ("#1b7837", "#1f5f99", "#a6470b", "#5f5f5f")
QUADRANT_SHAPES = ("diamond", "square", "triangle-up", "circle")


#: The complexity measure on the y axis of the framework plane unless another is passed in.
DEFAULT_MEASURE = "Activity complexity (PCI)"
#: Nominal size of the framework plane for placing its point labels (pixels; the chart is as
#: wide as the page's column, about 1,100 px on a desktop screen, and 400 px high).
PLANE_SIZE = (1050.0, 400.0)
#: A text's box on the plane: left, top, right, bottom (pixels).
Box = tuple[float, float, float, float]


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

    boxes: list[Box] = []
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
        # (outside the plot, overlap, rank, (dx, dy, align, box)): the least is the best
        options: list[tuple[bool, float, int, tuple[int, int, str, Box]]] = []
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
    x_cut: float,
    y_cut: float,
    legend: tuple[str, str, str, str],
    corners: tuple[str, str, str, str],
    x_label: str = "Relatedness density",
    name_label: str = "Activity",
    quadrant_label: str = "Quadrant",
    cog_label: str = "Complexity outlook gain (COG)",
    measure: str = DEFAULT_MEASURE,
    label_top: int = 0,
    label_by: str = "density",
    width: int | None = None,
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
    (:func:`_place_labels`) on a chart ``width`` pixels wide (by default as wide as its
    container, :data:`PLANE_SIZE`). The labels (axis titles, tooltips) are English by default.
    """
    tr, tl, br, bl = corners
    best = sorted(
        (r for r in rows if r.get("quadrant") == legend[0]),
        key=lambda r: (r.get(label_by) is None, -(r.get(label_by) or 0.0)),
    )[: max(0, label_top)]
    named = {id(r) for r in best}
    rows = [
        dict(r, label=shorten(str(r.get("name", "")), 32) if id(r) in named else None) for r in rows
    ]
    labelled = [r for r in rows if r["label"]]
    labelled.sort(key=lambda r: (r.get(label_by) is None, -(r.get(label_by) or 0.0)))
    size = PLANE_SIZE if width is None else (float(width), PLANE_SIZE[1])
    _place_labels(labelled, "density", "complexity", size, extent=rows, corners=corners)
    spots: list[dict[str, Any]] = [
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
    label_mark: dict[str, Any] = {
        "type": "text",
        "fontSize": 11,
        "fontWeight": 600,
        "baseline": "middle",
        "dx": {"expr": "datum.dx"},
        "dy": {"expr": "datum.dy"},
        "align": {"expr": "datum.align"},
    }
    label_layers: list[dict[str, Any]] = (
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
    return base_spec(
        f"{title} · {measure}",
        f"{title} · {x_label} × {measure}",
        **({} if width is None else {"width": width}),
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
    base_rate: float | None,
    roc_title: str = "ROC curve",
    pr_title: str = "Precision-recall curve",
    fpr_label: str = "False positive rate",
    tpr_label: str = "True positive rate",
    recall_label: str = "Recall (entries found)",
    precision_label: str = "Precision",
    score_label: str = "Score",
    chance_label: str = "Chance",
    scores: list[str] | None = None,
    baselines: list[str] | None = None,
) -> dict[str, Any]:
    """ROC and precision-recall curves of a backtest side by side (the dashboard passes
    translated labels, :func:`backtest_chart` a backtest's curves with English ones).

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


def backtest_chart(
    curves: pd.DataFrame, *, title: str = "Backtest", base_rate: float | None = None
) -> dict[str, Any]:
    """ROC and precision-recall curves of every score of a backtest, side by side: the
    :func:`backtest_curves` of :attr:`smartspec.core.validation.Backtest.curves`, in English.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``score, curve ("roc" or "pr"), x, y`` (:attr:`Backtest.curves
        <smartspec.core.validation.Backtest.curves>`); the baselines (``ubiquity``,
        ``random``) are drawn in greys, dotted.
    title : str
        Title of the chart.
    base_rate : float, optional
        Entry rate, the chance line of the precision-recall panel (``Backtest.summary
        ["entry_rate"]``); by default the precision of the curve's last point (every pair
        predicted), which is that rate.
    """
    from smartspec.core.validation import BASELINES

    rows = _records(curves.rename(columns={"score": "series"})[["series", "curve", "x", "y"]])
    names = [str(s) for s in dict.fromkeys(r["series"] for r in rows)]
    if base_rate is None:
        pr = [r for r in rows if r["curve"] == "pr" and r["y"] is not None]
        base_rate = float(pr[-1]["y"]) if pr else None
    return backtest_curves(
        rows,
        title=title,
        base_rate=base_rate,
        scores=[s for s in names if s not in BASELINES],
        baselines=[s for s in names if s in BASELINES],
    )


def framework_chart(candidates: pd.DataFrame, *, title: str = "") -> dict[str, Any]:
    """The smart-specialisation framework plane of one region's candidates: the
    :func:`framework_plane` of :meth:`smartspec.core.framework.Framework.region`, in English.

    Parameters
    ----------
    candidates : pandas.DataFrame
        ``activity, density, complexity, density_cutoff, complexity_cutoff, quadrant`` (a
        quadrant code of :data:`smartspec.core.framework.QUADRANTS`) and optionally ``cog``
        and ``name``; rows without density or complexity are left out.
    title : str
        Title of the chart (the complexity axis is added to it).
    """
    from smartspec.core.framework import QUADRANTS

    # "most attractive: related and complex (...)" -> "Most attractive"
    best, safe, ambitious, least = (m.split(":")[0].capitalize() for m in QUADRANTS.values())
    legend = (best, safe, ambitious, least)
    named = dict(zip(QUADRANTS, legend, strict=True))
    cut_d = float(candidates["density_cutoff"].iloc[0]) if len(candidates) else 0.0
    cut_c = float(candidates["complexity_cutoff"].iloc[0]) if len(candidates) else 0.0
    rows = [
        {
            "name": str(r.get("name") or r["activity"]),
            "density": r["density"],
            "complexity": r["complexity"],
            "cog": r.get("cog"),
            "quadrant": named.get(str(r["quadrant"]), str(r["quadrant"])),
        }
        for r in _records(candidates)
        if r["density"] is not None and r["complexity"] is not None
    ]
    return framework_plane(
        rows,
        title=title,
        x_cut=cut_d,
        y_cut=cut_c,
        legend=legend,
        corners=("", "", "", ""),
        measure="Complexity",
        width=560,
    )


def render(spec: dict[str, Any], fmt: Literal["svg", "png", "json"] = "svg") -> str | bytes:
    """Render a Vega-Lite spec to SVG text, PNG bytes, or JSON text."""
    if fmt == "json":
        return json.dumps(spec, indent=2)
    try:
        import vl_convert as vlc
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError(
            "rendering charts needs vl-convert-python: pip install 'smartspec[reports]'"
        ) from err
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec)
    if fmt == "png":
        return vlc.vegalite_to_png(spec)
    raise ValidationError(
        f"unknown chart format {fmt!r}", expected="svg, png or json", found=repr(fmt)
    )


def save(spec: dict[str, Any], path: str | Path) -> Path:
    """Write a chart; the format follows the file's extension (.svg, .png, .json)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    out = render(spec, fmt)  # type: ignore[arg-type]
    if isinstance(out, bytes):
        path.write_bytes(out)
    else:
        path.write_text(out, encoding="utf-8")
    return path
