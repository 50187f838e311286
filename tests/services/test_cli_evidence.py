"""The `opportunities` and `validate` commands, and the charts they write."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from smartspec.services.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_opportunities_for_a_region(tmp_path):
    res = run(
        "opportunities",
        "--dataset",
        "us-state-industry",
        "--region",
        "California",
        "--top",
        "2",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    assert "most attractive" in res.output
    cands = pd.read_csv(tmp_path / "candidates.csv")
    assert {"region", "activity", "density", "complexity", "quadrant"} <= set(cands.columns)
    assert (tmp_path / "framework-06.svg").read_text().startswith("<svg")


def test_opportunities_json_and_errors(tmp_path):
    res = run("opportunities", "--dataset", "us-state-industry", "--region", "Texas", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["region"] == "48" and doc["candidates"]
    bad = CliRunner().invoke(main, ["opportunities", "--dataset", "us-state-industry"])
    assert bad.exit_code == 2 and "--region" in bad.output
    bad = CliRunner().invoke(
        main,
        [
            "opportunities",
            "--dataset",
            "us-state-industry",
            "--region",
            "06",
            "--density-cutoff",
            "lots",
        ],
    )
    assert bad.exit_code == 2 and "cut-off" in bad.output


def test_validate_writes_table_chart_and_json(tmp_path):
    res = run(
        "validate",
        "--dataset",
        "mx-tamaulipas",
        "--n-boot",
        "20",
        "--k",
        "5",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    assert "ROC-AUC" in res.output and "ubiquity (baseline)" in res.output
    metrics = pd.read_csv(tmp_path / "metrics.csv")
    assert metrics.score.tolist() == ["density", "cog", "ubiquity", "random"]
    doc = json.loads((tmp_path / "backtest.json").read_text())
    assert doc["summary"]["at_risk"] > 0
    assert (tmp_path / "backtest.svg").read_text().startswith("<svg")
    res = run("validate", "--dataset", "mx-tamaulipas", "--n-boot", "5", "--json")
    assert json.loads(res.output)["metrics"][0]["score"] == "density"


def test_validate_on_a_file_and_one_period_error(tmp_path):
    path = tmp_path / "one.csv"
    pd.DataFrame({"r": ["a", "a", "b", "b"], "x": ["p", "q", "p", "q"], "v": [1, 2, 3, 1]}).to_csv(
        path, index=False
    )
    res = CliRunner().invoke(
        main,
        ["validate", str(path), "--region-col", "r", "--activity-col", "x", "--value-col", "v"],
    )
    assert res.exit_code == 2
    assert "two periods" in res.output and "Traceback" not in res.output


def test_indicators_list_and_compute(tmp_path):
    res = run("indicators")
    assert res.exit_code == 0 and "density" in res.output and "Balassa" in res.output
    res = run(
        "indicators",
        "density",
        "--dataset",
        "us-state-industry",
        "--option",
        "knn=5",
        "--out",
        str(tmp_path / "d.csv"),
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "d.csv", dtype={"region": str, "activity": str})
    assert list(table.columns) == ["period", "region", "activity", "density"]
    assert table.density.between(0, 1).all()
    res = run("indicators", "eci", "--dataset", "us-state-industry")
    assert res.output.splitlines()[0] == "period,region,eci"
    bad = CliRunner().invoke(main, ["indicators", "nope", "--dataset", "us-state-industry"])
    assert bad.exit_code == 2 and "unknown indicator" in bad.output
    bad = CliRunner().invoke(
        main, ["indicators", "density", "--dataset", "us-state-industry", "--option", "knn"]
    )
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output
    bad = CliRunner().invoke(
        main, ["indicators", "density", "--dataset", "us-state-industry", "--option", "colour=red"]
    )
    assert bad.exit_code == 2 and "bad options" in bad.output
