"""``smartspec analyse`` reports whether complexity means what it says: ECI's correlation with an
income series per period (a bundled dataset's own, or ``--income FILE``), the failed checks in
plain words, the sign rule in run.json, and ``--sign income``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner, Result

from smartspec.services.cli import main


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_bundled_income_series_is_reported(tmp_path: Path) -> None:
    res = run("analyse", "--dataset", "mx-tamaulipas", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    assert "complexity checks (ECI vs va_per_worker" in res.output
    assert "caveat: the checks fail in a third or more" in res.output
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["income"]["column"] == "va_per_worker"
    checks = record["complexity_checks"]
    assert len(checks) == 5 and not any(c["meaningful"] for c in checks)
    assert record["profile"]["sign"] == "diversity"


def test_sign_income_with_an_income_file(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    rows = [
        (r, a, v)
        for r, vals in {
            "A": [9, 1, 1, 1, 2],
            "B": [1, 8, 2, 1, 1],
            "C": [1, 1, 7, 3, 2],
            "D": [2, 2, 2, 6, 9],
            "E": [5, 5, 1, 1, 1],
            "F": [3, 1, 4, 1, 5],
        }.items()
        for a, v in zip(["v", "w", "x", "y", "z"], vals, strict=True)
    ]
    pd.DataFrame(rows, columns=["region", "activity", "value"]).to_csv(data, index=False)
    cols = ("--region", "region", "--activity", "activity", "--value", "value", "-q")
    plain = tmp_path / "plain"
    assert run("analyse", data, *cols, "--out", plain).exit_code == 0
    eci_plain = pd.read_csv(plain / "regions.csv").set_index("region")["eci"].dropna()
    # an income that falls as the diversity-rule ECI rises: the anchor must turn ECI around
    income = tmp_path / "income.csv"
    ranks = eci_plain.rank(method="first")
    pd.DataFrame({"region": ranks.index, "income": 1000 - 10 * ranks.to_numpy()}).to_csv(
        income, index=False
    )
    out = tmp_path / "out"
    res = run("analyse", data, *cols, "--sign", "income", "--income", income, "--out", out)
    assert res.exit_code == 0, res.output
    record = json.loads((out / "run.json").read_text())
    assert record["options"]["sign"] == "income"
    assert record["profile"]["sign"] == "income"
    assert record["income"] == {"path": str(income), "column": "income", "period": None}
    diag = record["diagnostics"][0]
    assert diag["sign_rule"] == "income" and diag["income_correlation"] > 0.8
    eci = pd.read_csv(out / "regions.csv").set_index("region")["eci"].dropna()
    pd.testing.assert_series_equal(eci, -eci_plain)


def test_sign_income_without_a_series_is_a_usage_error(tmp_path: Path) -> None:
    res = run("analyse", "--dataset", "nz-urban-industry", "--sign", "income", "--out", tmp_path)
    assert res.exit_code == 2
    assert "--sign income needs --income FILE" in res.output


def test_rpop_on_a_bundled_dataset_uses_its_population(tmp_path: Path) -> None:
    res = run("analyse", "--dataset", "eu-nuts2-sbs", "--presence", "rpop", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["population"] == {"bundled": "population from the dataset's context data"}
    assert all(c["meaningful"] and c["income_low"] > 0.4 for c in record["complexity_checks"])
    assert "2014: +0.63" in res.output


def test_empty_values_can_be_kept_as_suppressed_cells(tmp_path: Path) -> None:
    data = tmp_path / "jobs.csv"
    data.write_text("r,a,v\nA,x,1\nA,y,\nB,x,3\nB,y,2\nC,x,1\nC,y,5\n")
    cols = ("--region", "r", "--activity", "a", "--value", "v")
    refused = run("analyse", data, *cols, "--out", tmp_path / "o1", "-q")
    assert refused.exit_code == 2 and "--missing flag" in refused.output
    kept = run("analyse", data, *cols, "--missing", "flag", "--out", tmp_path / "o2", "-q")
    assert kept.exit_code == 0, kept.output
    cells = pd.read_csv(tmp_path / "o2" / "cells.csv").set_index(["region", "activity"])
    assert bool(cells.loc[("A", "y"), "missing"]) and pd.isna(cells.loc[("A", "y"), "rca"])
    record = json.loads((tmp_path / "o2" / "run.json").read_text())
    assert record["input"]["missing"] == "flag"
    prof = run(
        "profile",
        data,
        "--region-col",
        "r",
        "--activity-col",
        "a",
        "--value-col",
        "v",
        "--missing",
        "flag",
        "-r",
        "A",
    )
    assert prof.exit_code == 0
    assert "50% of the region's activity cells are suppressed" in prof.output


def test_bundled_profile_uses_the_dataset_conventions_and_says_why_lists_are_empty() -> None:
    res = run("profile", "--dataset", "eu-nuts2-sbs", "-r", "ITF1", "--period", "2015")
    assert res.exit_code == 0, res.output
    assert "presence by RPOP" in res.output
    assert "no data for region ITF1 in period 2015" in res.output
