"""Vega-Lite chart specs of the peer-review and self-assessment pages.

Every builder takes plain rows and already-translated labels and returns a spec dictionary that
the page draws with vega-embed (:mod:`smartspec.services.web.charts` style: :data:`CONFIG`,
:func:`~smartspec.reports.charts.base_spec`); the same spec can be rendered to SVG for a report
by :func:`smartspec.reports.charts.render`.

* :func:`radar`: scores per RIS3 step (Foray et al. 2012, *Guide to Research and Innovation
  Strategies for Smart Specialisations (RIS 3)*, European Commission) as a radar ("spider")
  chart, one polygon per series (a review, a region, a year). Vega-Lite has no radar mark: the
  polar coordinates are computed here, ``x = r·sin θ``, ``y = r·cos θ`` with step ``k`` of ``n``
  at ``θ = 2πk/n`` (the first step at the top, clockwise), and drawn as lines (polygons, rings),
  rules (spokes) and text (step names, ring values) on a square plot with hidden axes.
* :func:`over_time`: the mean score of each step by year, one line per region, a small panel
  per step.
* :func:`criterion_spread`: each criterion's mean score with its spread among reviewers (mean
  ± one standard deviation as a thick bar, minimum to maximum as a thin rule).

Examples
--------
>>> steps = [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}, {"key": "c", "label": "C"}]
>>> spec = radar([{"series": "2026", "step": "a", "value": 4.0}], steps, title="T", score_label="S")
>>> point = spec["layer"][-1]["data"]["values"][0]
>>> (point["x"], point["y"])  # the first step straight up, at r = 4
(0.0, 4.0)
"""

from __future__ import annotations

import math
from typing import Any

from smartspec.reports.charts import ACCENT, BASE, base_spec, shorten

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "SERIES_COLOURS",
    "criterion_spread",
    "over_time",
    "polar",
    "radar",
    "wrap",
]

#: The rubric's score scale.
MIN_SCORE, MAX_SCORE = 1, 5
#: Colours of the series (regions, reviews, years), each at least 4.5:1 on white.
SERIES_COLOURS = [BASE, ACCENT, "#2e7d32", "#6a3d9a", "#a6470b", "#00695c", "#5f5f5f"]
#: Side of the square radar plot (pixels): a circle needs equal x and y scales.
RADAR_SIZE = 380
_GRID = "#bdbdbd"
_TEXT = "#222"


def polar(k: int, n: int, r: float) -> tuple[float, float]:
    """The plot position of radius ``r`` on spoke ``k`` of ``n`` (the first spoke up, clockwise).

    ``θ = 2πk/n``, ``x = r·sin θ``, ``y = r·cos θ``, rounded to 6 decimals.

    >>> polar(0, 4, 2.0), polar(1, 4, 2.0), polar(2, 4, 2.0)
    ((0.0, 2.0), (2.0, 0.0), (0.0, -2.0))
    """
    theta = 2 * math.pi * k / n
    return round(r * math.sin(theta), 6) + 0.0, round(r * math.cos(theta), 6) + 0.0


def wrap(text: str, width: int = 16, lines: int = 3) -> str:
    """``text`` broken into lines of about ``width`` characters (at most ``lines``, the last one
    shortened with an ellipsis), joined by ``\\n`` (the text mark's ``lineBreak``).

    >>> wrap("Monitoring and evaluation", 12)
    'Monitoring\\nand\\nevaluation'
    """
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], shorten(" ".join(out[lines - 1 :]), width)]
    return "\n".join(out)


def _whole(x: Any) -> str:
    """A score as text, without ``.0`` (``4.0`` -> ``"4"``)."""
    return "–" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))


def _anchor(x: float, y: float) -> str:
    """How a step name sits at its spoke's end: beside it (left or right), or above the top
    spoke and below the bottom one, so that no name covers the rings."""
    if abs(x) > 1e-6:
        return "left-middle" if x > 0 else "right-middle"
    return "center-bottom" if y > 0 else "center-top"


def radar(
    rows: list[dict[str, Any]],
    steps: list[dict[str, str]],
    *,
    title: str,
    score_label: str,
    series_label: str | None = None,
    step_label: str | None = None,
    size: int = RADAR_SIZE,
) -> dict[str, Any]:
    """A radar chart of scores per step, one closed polygon per ``series``.

    Parameters
    ----------
    rows : list of dict
        ``series`` (a name shown in the legend), ``step`` (a key of ``steps``) and ``value``
        (a score on 1-5, or ``None`` for a step without a score: that vertex is left out and
        the polygon joins its neighbours; the page's table says n/a).
    steps : list of dict
        The spokes in order: ``key`` and ``label`` (in the page language).
    title, score_label : str
        The chart's title and the name of the score (tooltips), translated.
    series_label, step_label : str, optional
        The tooltip names of the series and the step.
    size : int
        Side of the square plot in pixels.

    Returns
    -------
    dict
        A layered Vega-Lite spec: rings at every score ``1..5``, spokes, step names, ring
        values, the polygons and their points (with tooltips).
    """
    n = max(len(steps), 3)
    index = {s["key"]: k for k, s in enumerate(steps)}
    rings = [
        {"ring": r, "order": k, "x": x, "y": y}
        for r in range(MIN_SCORE, MAX_SCORE + 1)
        for k in range(n + 1)
        for x, y in [polar(k % n, n, r)]
    ]
    spokes = [
        {"x": 0.0, "y": 0.0, "x2": x, "y2": y}
        for k in range(n)
        for x, y in [polar(k, n, MAX_SCORE)]
    ]
    labels = [
        {"text": wrap(s["label"]), "x": x, "y": y, "anchor": _anchor(x, y)}
        for k, s in enumerate(steps)
        for x, y in [polar(k, n, MAX_SCORE + 0.35)]
    ]
    # the ring values along the bisector of the first two spokes, clear of the step names
    ticks = [
        {"text": str(r), "x": x, "y": y}
        for r in range(MIN_SCORE, MAX_SCORE + 1)
        for x, y in [polar(1, 2 * n, r * math.cos(math.pi / n))]  # on the ring's edge
    ]

    series: list[str] = []
    points: list[dict[str, Any]] = []
    for row in rows:
        value = row.get("value")
        if row.get("step") not in index or value is None:
            continue
        name = str(row["series"])
        if name not in series:
            series.append(name)
        k = index[row["step"]]
        x, y = polar(k, n, float(value))
        points.append(
            {
                "series": name,
                "step": row["step"],
                "label": steps[k]["label"],
                "order": k,
                "value": float(value),
                "x": x,
                "y": y,
            }
        )
    points.sort(key=lambda p: (series.index(p["series"]), p["order"]))
    closed = points + [
        {**first, "order": n}
        for name in series
        for first in [next(p for p in points if p["series"] == name)]
    ]
    extent = MAX_SCORE + 2.6
    scale = {"domain": [-extent, extent], "nice": False, "zero": False}
    axis = {"x": {"field": "x", "type": "quantitative", "scale": scale, "axis": None}}
    axis["y"] = {"field": "y", "type": "quantitative", "scale": scale, "axis": None}
    colour = {
        "field": "series",
        "type": "nominal",
        "title": series_label,
        "scale": {"domain": series, "range": SERIES_COLOURS[: max(1, len(series))]},
        "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 360}
        if series
        else None,
    }
    text_layers = [
        {
            "data": {"values": [lab for lab in labels if lab["anchor"] == anchor]},
            "mark": {
                "type": "text",
                "align": anchor.split("-")[0],
                "baseline": anchor.split("-")[1],
                "lineBreak": "\n",
                "fontSize": 12,
                "color": _TEXT,
            },
            "encoding": {**axis, "text": {"field": "text", "type": "nominal"}},
        }
        for anchor in ("left-middle", "right-middle", "center-bottom", "center-top")
        if any(lab["anchor"] == anchor for lab in labels)
    ]
    tooltip = [
        {"field": "series", "type": "nominal", "title": series_label},
        {"field": "label", "type": "nominal", "title": step_label},
        {"field": "value", "type": "quantitative", "title": score_label, "format": ",.2f"},
    ]
    return base_spec(
        title,
        title,
        width=size,
        height=size,
        layer=[
            {
                "data": {"values": rings},
                "mark": {"type": "line", "color": _GRID, "strokeWidth": 0.8},
                "encoding": {
                    **axis,
                    "detail": {"field": "ring", "type": "nominal"},
                    "order": {"field": "order", "type": "quantitative"},
                },
            },
            {
                "data": {"values": spokes},
                "mark": {"type": "rule", "color": _GRID, "strokeWidth": 0.8},
                "encoding": {
                    **axis,
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                },
            },
            {
                "data": {"values": ticks},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 3,
                    "fontSize": 10,
                    "color": "#5f5f5f",
                },
                "encoding": {**axis, "text": {"field": "text", "type": "nominal"}},
            },
            *text_layers,
            {
                "data": {"values": closed},
                "mark": {"type": "line", "strokeWidth": 2.2, "opacity": 0.9},
                "encoding": {
                    **axis,
                    "color": colour,
                    "detail": {"field": "series", "type": "nominal"},
                    "order": {"field": "order", "type": "quantitative"},
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 55},
                "encoding": {
                    **axis,
                    "color": {**colour, "legend": None},
                    "shape": {"field": "series", "type": "nominal", "legend": None},
                    "tooltip": tooltip,
                },
            },
        ],
        resolve={"scale": {"color": "shared"}},
    )


def over_time(
    rows: list[dict[str, Any]],
    *,
    title: str,
    year_label: str,
    score_label: str,
    region_label: str,
    step_order: list[str],
) -> dict[str, Any]:
    """The mean score of each step by year, one line per region, one small panel per step.

    Parameters
    ----------
    rows : list of dict
        ``step`` (its name in the page language), ``region``, ``year`` (int) and ``value``
        (the mean score on 1-5).
    step_order : list of str
        The step names in the rubric's order (the panels' order).
    """
    regions = sorted({str(r["region"]) for r in rows})
    spec = base_spec(
        title,
        title,
        data={"values": [r for r in rows if r.get("value") is not None]},
        facet={
            "field": "step",
            "type": "nominal",
            "title": None,
            "sort": step_order,
            "header": {"labelFontSize": 12, "labelLimit": 200},
        },
        columns=3,
        spec={
            "width": 190,
            "height": 120,
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                "x": {
                    "field": "year",
                    "type": "ordinal",
                    "title": year_label,
                    "axis": {"labelAngle": 0},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": score_label,
                    "scale": {"domain": [MIN_SCORE, MAX_SCORE]},
                    "axis": {"tickCount": 5, "format": "d"},
                },
                "color": {
                    "field": "region",
                    "type": "nominal",
                    "title": region_label,
                    "scale": {
                        "domain": regions,
                        "range": SERIES_COLOURS[: max(1, len(regions))],
                    },
                    "legend": {"orient": "top"},
                },
                "tooltip": [
                    {"field": "region", "type": "nominal", "title": region_label},
                    {"field": "step", "type": "nominal", "title": None},
                    {"field": "year", "type": "ordinal", "title": year_label},
                    {
                        "field": "value",
                        "type": "quantitative",
                        "title": score_label,
                        "format": ",.2f",
                    },
                ],
            },
        },
    )
    del spec["width"]  # each panel has its own width
    return spec


def criterion_spread(
    rows: list[dict[str, Any]],
    *,
    title: str,
    score_label: str,
    step_label: str,
    mean_label: str,
    sd_label: str,
    range_label: str,
    n_label: str,
) -> dict[str, Any]:
    """Each criterion's mean score with its spread among the reviewers.

    Parameters
    ----------
    rows : list of dict
        ``criterion`` (its title in the page language, unique), ``step`` (the step's name),
        ``mean``, ``sd`` (standard deviation, ``None`` with one score), ``min``, ``max``,
        ``n`` (scores given; criteria without a score are left out).

    Returns
    -------
    dict
        Layers on one row per criterion: a thin rule from the lowest to the highest score, a
        thick bar over mean ± one standard deviation (clipped to the 1-5 scale) and a point at
        the mean, coloured by step.
    """
    data = []
    for r in rows:
        if r.get("mean") is None:
            continue
        sd = float(r.get("sd") or 0.0)
        mean = float(r["mean"])
        data.append(
            {
                **r,
                "sd": sd,
                "low": max(MIN_SCORE, mean - sd),
                "high": min(MAX_SCORE, mean + sd),
                "range": f"{_whole(r.get('min'))}–{_whole(r.get('max'))}",
            }
        )
    order = [str(r["criterion"]) for r in data]
    y = {
        "field": "criterion",
        "type": "nominal",
        "title": None,
        "sort": order,
        "axis": {"labelLimit": 320},
    }
    x_scale = {"domain": [MIN_SCORE, MAX_SCORE], "nice": False}
    steps = list(dict.fromkeys(str(r["step"]) for r in data))
    colour = {
        "field": "step",
        "type": "nominal",
        "title": step_label,
        "scale": {"domain": steps, "range": SERIES_COLOURS[: max(1, len(steps))]},
        "legend": {"orient": "top", "columns": 2, "labelLimit": 260},
    }
    tooltip = [
        {"field": "criterion", "type": "nominal", "title": None},
        {"field": "mean", "type": "quantitative", "title": mean_label, "format": ",.2f"},
        {"field": "sd", "type": "quantitative", "title": sd_label, "format": ",.2f"},
        {"field": "range", "type": "nominal", "title": range_label},
        {"field": "n", "type": "quantitative", "title": n_label},
    ]
    return base_spec(
        title,
        title,
        data={"values": data},
        height={"step": 22},
        encoding={"y": y},
        layer=[
            {
                "mark": {"type": "rule", "color": "#5f5f5f", "strokeWidth": 1},
                "encoding": {
                    "x": {
                        "field": "min",
                        "type": "quantitative",
                        "scale": x_scale,
                        "title": score_label,
                        "axis": {"tickCount": 5, "format": "d"},
                    },
                    "x2": {"field": "max"},
                },
            },
            {
                "mark": {"type": "bar", "height": 8, "opacity": 0.45},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "high"},
                    "color": colour,
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70},
                "encoding": {
                    "x": {"field": "mean", "type": "quantitative", "scale": x_scale},
                    "color": {**colour, "legend": None},
                    "tooltip": tooltip,
                },
            },
        ],
    )
