"""Vega-Lite chart specifications for smartspec results, and their rendering.

One specification serves the dashboard (drawn by vega-embed in the page) and the reports
(rendered to SVG or PNG by ``vl-convert``, no browser needed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError

__all__ = ["backtest_chart", "framework_chart", "render", "save"]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    return clean.where(clean.notna(), None).to_dict("records")


def backtest_chart(curves: pd.DataFrame, *, title: str = "Backtest") -> dict[str, Any]:
    """ROC and precision-recall curves of every score of a backtest, side by side."""

    def panel(curve: str, x: str, y: str) -> dict[str, Any]:
        return {
            "transform": [{"filter": {"field": "curve", "equal": curve}}],
            "mark": {"type": "line", "interpolate": "step-after"},
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
                "color": {"field": "score", "type": "nominal", "title": "score"},
                "strokeDash": {"field": "score", "type": "nominal", "title": "score"},
            },
            "width": 260,
            "height": 260,
        }

    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": _records(curves)},
        "hconcat": [
            panel("roc", "false positive rate", "true positive rate (entries found)"),
            panel("pr", "recall", "precision"),
        ],
        "resolve": {"scale": {"color": "shared", "strokeDash": "shared"}},
        "config": {"legend": {"orient": "bottom", "columns": 3}},
    }


def framework_chart(candidates: pd.DataFrame, *, title: str = "") -> dict[str, Any]:
    """The smart-specialisation framework plane: density x complexity, quadrants coloured."""
    cut_d = float(candidates["density_cutoff"].iloc[0]) if len(candidates) else 0.0
    cut_c = float(candidates["complexity_cutoff"].iloc[0]) if len(candidates) else 0.0
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 420,
        "height": 320,
        "layer": [
            {
                "data": {"values": _records(candidates)},
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {
                        "field": "density",
                        "type": "quantitative",
                        "title": "relatedness density",
                    },
                    "y": {"field": "complexity", "type": "quantitative", "title": "complexity"},
                    "color": {"field": "quadrant", "type": "nominal"},
                    "tooltip": [
                        {"field": "activity"},
                        {"field": "density", "format": ".3f"},
                        {"field": "complexity", "format": ".2f"},
                    ],
                },
            },
            {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": cut_d}}},
            {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"y": {"datum": cut_c}}},
        ],
    }


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
