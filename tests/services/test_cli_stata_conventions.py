"""``smartspec analyse`` options for Stata's conventions (issue 13): --presence either/both,
--proximity asymmetric, and a --population table with a column named like --period."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import smartspec as ss
from smartspec.core._steps import PRESENCE_METHODS, PROXIMITY_MEASURES
from smartspec.io import read_population, read_table
from smartspec.services import cli
from smartspec.services.cli import main

REF = Path(__file__).parents[1] / "reference" / "ecomplexity-stata"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    trade = tmp_path / "trade.csv"
    pop = tmp_path / "pop.csv"
    shutil.copy(REF / "trade_data_sample.csv", trade)
    shutil.copy(REF / "population_data_sample.csv", pop)  # 18 rows: 9 countries x 2 years
    return trade, pop


def _analyse(trade: Path, out: Path, *extra: str):
    args = [
        "analyse",
        str(trade),
        "--region",
        "origin",
        "--activity",
        "hs92",
        "--value",
        "export_val",
        "--period",
        "year",
        "--out",
        str(out),
        "-q",
        *extra,
    ]
    return CliRunner().invoke(main, args)


def test_cli_choices_are_the_library_choices():
    assert cli._PRESENCE == PRESENCE_METHODS
    assert cli._PROXIMITY == PROXIMITY_MEASURES


def test_population_with_the_period_column_is_read_per_period(files, tmp_path):
    trade, pop = files
    out = tmp_path / "out"
    result = _analyse(trade, out, "--presence", "either", "--population", str(pop))
    assert result.exit_code == 0, result.output  # was: "18 rows share keys"
    run = json.loads((out / "run.json").read_text())
    assert run["population"]["columns"]["period"] == "year"
    assert run["population"]["period_from"].startswith("--period")
    cells = pd.read_csv(out / "cells.csv", dtype={"activity": str, "region": str})
    m = read_table(trade, region="origin", activity="hs92", value="export_val", period="year")
    by_year = read_population(pop, region="origin", value="population", period="year")
    want = ss.analyse(m, presence="either", population=by_year).cells
    np.testing.assert_allclose(cells["rpop"], want["rpop"], rtol=1e-12)
    np.testing.assert_array_equal(cells["presence"], want["presence"])
    # 1995 and 1996 populations differ: one population per region would give other RPOPs
    r95 = cells[(cells.period == 1995) & (cells.region == "aut")]["rpop"].to_numpy()
    assert r95[0] != pytest.approx(
        want[(want.period == 1996) & (want.region == "aut")]["rpop"].to_numpy()[0], rel=1e-9
    )


def test_explicit_population_period_still_wins(files, tmp_path):
    trade, pop = files
    renamed = tmp_path / "pop2.csv"
    pd.read_csv(pop).rename(columns={"year": "yr"}).to_csv(renamed, index=False)
    out = tmp_path / "out"
    result = _analyse(
        trade, out, "--presence", "rpop", "--population", str(renamed), "--population-period", "yr"
    )
    assert result.exit_code == 0, result.output
    run = json.loads((out / "run.json").read_text())
    assert run["population"]["columns"]["period"] == "yr"
    assert run["population"]["period_from"] == "--population-period"
    # without it, the table has no 'year' column: one population per region is expected
    fail = _analyse(trade, tmp_path / "o2", "--presence", "rpop", "--population", str(renamed))
    assert fail.exit_code != 0 and "share" in fail.output


def test_presence_either_and_both_differ(files, tmp_path):
    trade, pop = files
    seen = {}
    for rule in ("either", "both"):
        out = tmp_path / rule
        result = _analyse(trade, out, "--presence", rule, "--population", str(pop))
        assert result.exit_code == 0, result.output
        seen[rule] = pd.read_csv(out / "cells.csv")["presence"].to_numpy()
    assert (seen["either"] >= seen["both"]).all() and (seen["either"] > seen["both"]).any()


def test_proximity_asymmetric(files, tmp_path):
    trade, _ = files
    out = tmp_path / "out"
    result = _analyse(trade, out, "--proximity", "asymmetric")
    assert result.exit_code == 0, result.output
    run = json.loads((out / "run.json").read_text())
    assert run["profile"]["proximity"] == "asymmetric"
    prox = pd.read_csv(out / "proximity.csv", dtype={"activity_from": str, "activity_to": str})
    wide = prox[prox.period == 1995].pivot(
        index="activity_from", columns="activity_to", values="proximity"
    )
    assert not np.allclose(wide.to_numpy(), wide.to_numpy().T)


@pytest.mark.parametrize(
    ("option", "value", "choices"),
    [
        ("--proximity", "asym", "'min_conditional', 'asymmetric'"),
        ("--presence", "any", "'either', 'both'"),
    ],
)
def test_bad_choice_is_a_usage_error(files, tmp_path, option, value, choices):
    trade, _ = files
    result = _analyse(trade, tmp_path / "o", option, value)
    assert result.exit_code == 2
    assert f"'{value}' is not one of" in result.output and choices in result.output
