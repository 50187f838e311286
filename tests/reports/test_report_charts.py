"""The report charts (``smartspec.reports.charts``): one spec per chart for the reports and the
dashboard. The framework plane and the backtest curves of a real framework and backtest, in
English, drawn by the same builders as the dashboard's, and rendered to SVG."""

from __future__ import annotations

import json

import numpy as np
import pytest

import smartspec as ss
from smartspec.core.framework import QUADRANTS
from smartspec.datasets import load
from smartspec.reports import charts

LEGEND = ["Most attractive", "Safe", "Ambitious", "Least attractive"]


@pytest.fixture(scope="module")
def table():
    m = load("us-state-industry")
    return ss.framework(m).region("06")


@pytest.fixture(scope="module")
def backtest():
    return ss.backtest(load("mx-tamaulipas"), n_boot=5)


def points(spec):
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")


def test_framework_chart_is_the_framework_plane_in_english(table):
    spec = charts.framework_chart(table, title="California 2021")
    assert spec["title"] == "California 2021 · Complexity" and spec["width"] == 560
    colour = points(spec)["encoding"]["color"]
    assert colour["scale"]["domain"] == LEGEND
    assert colour["scale"]["range"] == list(charts.QUADRANT_COLOURS)
    assert points(spec)["encoding"]["x"]["title"] == "Relatedness density"
    rows = spec["data"]["values"]
    kept = table.dropna(subset=["density", "complexity"])
    assert len(rows) == len(kept) > 0
    named = dict(zip(QUADRANTS, LEGEND, strict=True))
    assert sorted(r["quadrant"] for r in rows) == sorted(kept["quadrant"].map(named))
    assert {r["name"] for r in rows} == set(kept["activity"].astype(str))
    rules = [layer["encoding"] for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules[0]["x"]["datum"] == pytest.approx(table["density_cutoff"].iloc[0])
    assert rules[1]["y"]["datum"] == pytest.approx(table["complexity_cutoff"].iloc[0])
    json.dumps(spec, allow_nan=False)  # valid JSON: no NaN or infinity


def test_framework_chart_of_no_candidate(table):
    spec = charts.framework_chart(table.iloc[:0], title="none")
    assert spec["data"]["values"] == []


def test_backtest_chart_is_the_dashboards_backtest_curves(backtest):
    spec = charts.backtest_chart(backtest.curves, title="Backtest")
    roc, pr = spec["hconcat"]
    assert [roc["title"]["text"], pr["title"]["text"]] == ["ROC curve", "Precision-recall curve"]
    # the chance line of the precision-recall panel is the entry rate
    rate = pr["layer"][0]["data"]["values"][0]["y"]
    assert rate == pytest.approx(backtest.summary["entry_rate"])
    colour = roc["layer"][1]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["density", "cog", "ubiquity", "random"]
    assert colour["range"][2:] == ["#5f5f5f", "#8c8c8c"]  # the baselines in greys
    assert len(spec["data"]["values"]) == len(backtest.curves)
    given = charts.backtest_chart(backtest.curves, title="Backtest", base_rate=0.5)
    assert given["hconcat"][1]["layer"][0]["data"]["values"][0]["y"] == 0.5


def test_dashboard_uses_the_same_builders():
    pytest.importorskip("fastapi")
    from smartspec.services.web import charts as web

    assert web.framework_plane is charts.framework_plane
    assert web.backtest_curves is charts.backtest_curves
    assert web.CONFIG is charts.CONFIG and web.SCHEMA == charts.SCHEMA


def test_framework_plane_of_a_given_width_places_its_labels():
    rng = np.random.default_rng(0)
    rows = [
        {
            "name": f"activity {i}",
            "density": float(d),
            "complexity": float(c),
            "quadrant": "Most attractive",
        }
        for i, (d, c) in enumerate(rng.random((12, 2)))
    ]
    args = {
        "title": "t",
        "x_cut": 0.5,
        "y_cut": 0.5,
        "legend": tuple(LEGEND),
        "corners": ("", "", "", ""),
        "label_top": 6,
    }
    wide = charts.framework_plane(rows, **args)
    narrow = charts.framework_plane(rows, width=300, **args)
    assert wide["width"] == "container" and narrow["width"] == 300
    labelled = [r for r in narrow["data"]["values"] if r["label"]]
    assert len(labelled) == 6 and all("dx" in r and "align" in r for r in labelled)


@pytest.mark.parametrize("which", ["framework", "backtest"])
def test_report_charts_render_to_svg(which, table, backtest, tmp_path):
    pytest.importorskip("vl_convert")
    if which == "framework":
        spec = charts.framework_chart(table, title="California")
    else:
        spec = charts.backtest_chart(backtest.curves, title="Backtest")
    svg = charts.save(spec, tmp_path / f"{which}.svg").read_text()
    assert svg.startswith("<svg")
    assert ("Most attractive" if which == "framework" else "Precision-recall curve") in svg
