"""``--decimal ,`` on every command that reads a user table: analyse (INPUT and --population),
profile, opportunities, validate and serve --data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from smartspec.services.cli import main

REGIONS = ["ES11", "ES21", "ES30", "ES51", "ES52", "ES61"]
ACTIVITIES = ["A", "C", "F", "G", "J"]
YEARS = [2019, 2020]


def spanish(x: float) -> str:
    """``x`` as a Spanish spreadsheet writes it: 1.234,5 (two decimals)."""
    whole, frac = f"{x:,.2f}".split(".")
    return whole.replace(",", ".") + "," + frac


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    """The same panel twice: a Spanish CSV (';', decimal commas, thousands points) and an
    ordinary CSV (decimal points)."""
    rng = np.random.default_rng(15)
    rows = [
        (y, r, a, round(float(rng.uniform(1, 5000)), 2))
        for y in YEARS
        for r in REGIONS
        for a in ACTIVITIES
    ]
    frame = pd.DataFrame(rows, columns=["año", "nuts", "cnae", "empleo"])
    assert (frame["empleo"] >= 1000).any()  # some values need a thousands point
    es = tmp_path / "empleo-es.csv"
    es.write_text(
        "año;nuts;cnae;empleo\n" + "".join(f"{y};{r};{a};{spanish(v)}\n" for y, r, a, v in rows),
        encoding="utf-8",
    )
    plain = tmp_path / "empleo.csv"
    frame.to_csv(plain, index=False)
    return es, plain


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


COLS = ["--region", "nuts", "--activity", "cnae", "--value", "empleo", "--period", "año"]
FILE_COLS = [
    "--region-col",
    "nuts",
    "--activity-col",
    "cnae",
    "--value-col",
    "empleo",
    "--period-col",
    "año",
]


def test_analyse_reads_decimal_commas(tables: tuple[Path, Path], tmp_path: Path) -> None:
    es, plain = tables
    result = run("analyse", es, *COLS, "--decimal", ",", "--out", tmp_path / "es", "-q")
    assert result.exit_code == 0, result.output
    result = run("analyse", plain, *COLS, "--out", tmp_path / "plain", "-q")
    assert result.exit_code == 0, result.output
    for table in ("cells", "regions", "activities"):
        got = pd.read_csv(tmp_path / "es" / f"{table}.csv")
        want = pd.read_csv(tmp_path / "plain" / f"{table}.csv")
        pd.testing.assert_frame_equal(got, want)
    run_json = json.loads((tmp_path / "es" / "run.json").read_text())
    assert run_json["input"]["decimal"] == ","


def test_without_decimal_the_error_suggests_it(tables: tuple[Path, Path], tmp_path: Path) -> None:
    es, _ = tables
    result = run("analyse", es, *COLS, "--out", tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: values must be numbers;")
    assert "empleo-es.csv" in line and "column 'empleo'" in line
    assert "--decimal ," in line


def test_a_decimal_point_file_read_with_decimal_comma(
    tables: tuple[Path, Path], tmp_path: Path
) -> None:
    _, plain = tables
    result = run("analyse", plain, *COLS, "--decimal", ",", "--out", tmp_path / "o")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert "values must be numbers written with a decimal comma" in line
    assert "leave out --decimal ," in line


def test_other_separators_are_refused() -> None:
    result = run("analyse", "x.csv", "--decimal", ";")
    assert result.exit_code == 2
    assert "'--decimal'" in result.output and "'.'" in result.output and "','" in result.output


def test_decimal_is_for_files_not_datasets(tmp_path: Path) -> None:
    result = run(
        "analyse", "--dataset", "us-state-industry", "--decimal", ",", "--out", tmp_path / "o"
    )
    assert result.exit_code == 2
    assert "--decimal" in result.output and "--dataset" in result.output


def test_population_with_decimal_commas(tables: tuple[Path, Path], tmp_path: Path) -> None:
    es, _ = tables
    pop = tmp_path / "poblacion.csv"
    pop.write_text(
        "nuts;habitantes\n"
        + "".join(f"{r};{spanish(1_000_000 + 12_345.5 * i)}\n" for i, r in enumerate(REGIONS)),
        encoding="utf-8",
    )
    out = tmp_path / "o"
    result = run(
        "analyse",
        es,
        *COLS,
        "--decimal",
        ",",
        "--presence",
        "both",
        "--population",
        pop,
        "--population-value",
        "habitantes",
        "--out",
        out,
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "run.json").read_text())["population"]["columns"]["value"] == (
        "habitantes"
    )


def test_profile_opportunities_and_validate(tables: tuple[Path, Path], tmp_path: Path) -> None:
    es, plain = tables
    got = run("profile", es, *FILE_COLS, "--decimal", ",", "--region", "ES30", "--json")
    assert got.exit_code == 0, got.output
    want = run("profile", plain, *FILE_COLS, "--region", "ES30", "--json")
    assert json.loads(got.stdout)["specialisations"] == json.loads(want.stdout)["specialisations"]
    for command, extra in (
        ("opportunities", ["--region", "ES30", "--json"]),
        ("validate", ["--n-boot", "10", "--out", str(tmp_path / "v")]),
    ):
        ok = run(command, es, *FILE_COLS, "--decimal", ",", *extra)
        assert ok.exit_code == 0, (command, ok.output)
        bad = run(command, es, *FILE_COLS, *extra)
        assert bad.exit_code == 2, (command, bad.output)
        assert "--decimal ," in bad.stderr


def test_serve_data_file_with_decimal_commas(tables: tuple[Path, Path], tmp_path: Path) -> None:
    es, _plain = tables
    args = [
        "serve",
        "--data",
        es,
        "--region",
        "nuts",
        "--activity",
        "cnae",
        "--value",
        "empleo",
        "--period",
        "año",
        "--decimal",
        ",",
        "--data-dir",
        tmp_path / "d",
        "--get",
    ]
    result = run(*args, "/api/v1/datasets/empleo-es/indicators/regions?limit=100")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["total"] == len(REGIONS) * len(YEARS)
    detail = json.loads(run(*args, "/api/v1/datasets/empleo-es").output)
    assert detail["mapping"]["decimal"] == ","
    result = run("serve", "--decimal", ",", "--data-dir", tmp_path / "d", "--get", "/api/v1/health")
    assert result.exit_code == 2 and "--decimal need --data FILE" in result.output
