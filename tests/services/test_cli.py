"""The ``smartspec`` command line: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from smartspec import __version__
from smartspec.services.cli import main

REGIONS = [f"R{i}" for i in range(1, 7)]
ACTIVITIES = ["01", "02", "03", "10", "11"]
PERIODS = [2019, 2020]
COLUMNS = {
    "cells": ["period", "region", "activity", "value", "rca", "presence", "density", "cog"],
    "regions": ["period", "region", "diversity", "eci", "coi"],
    "activities": ["period", "activity", "ubiquity", "pci"],
    "proximity": ["period", "activity_from", "activity_to", "proximity"],
    "notes": ["period", "level", "label", "reason"],
}


@pytest.fixture
def panel(tmp_path: Path) -> Path:
    """A small long CSV: 6 regions x 5 activities x 2 years, every total positive."""
    rng = np.random.default_rng(7)
    rows = [
        (year, region, act, int(rng.integers(1, 60)))
        for year in PERIODS
        for region in REGIONS
        for act in ACTIVITIES
    ]
    path = tmp_path / "jobs.csv"
    pd.DataFrame(rows, columns=["year", "nuts", "nace", "jobs"]).to_csv(path, index=False)
    return path


#: How profile names the columns of the panel file.
FILE_COLUMNS = ["--region-col", "nuts", "--activity-col", "nace", "--value-col", "jobs"]
FILE_COLUMNS_PERIOD = [*FILE_COLUMNS, "--period-col", "year"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def analyse_args(panel: Path, out: Path, *extra: str) -> list[str | Path]:
    return ["analyse", panel, "--region", "nuts", "--activity", "nace", "--value", "jobs",
            "--out", out, *extra]  # fmt: skip


def assert_one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def read_out(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", dtype={"region": str, "activity": str,
                       "activity_from": str, "activity_to": str, "label": str})  # fmt: skip


# ------------------------------------------------------------------------------- analyse
def test_analyse_writes_every_table(panel: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(*analyse_args(panel, out, "--period", "year"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.csv" for n in COLUMNS] + ["run.json"]
    )
    n_p, n_r, n_a = len(PERIODS), len(REGIONS), len(ACTIVITIES)
    rows = {"cells": n_p * n_r * n_a, "regions": n_p * n_r, "activities": n_p * n_a,
            "proximity": n_p * n_a * n_a}  # fmt: skip
    for name, columns in COLUMNS.items():
        table = read_out(out, name)
        assert list(table.columns[: len(columns)]) == columns, name
        if name in rows:
            assert len(table) == rows[name], name
            assert sorted(table["period"].unique()) == PERIODS
    cells = read_out(out, "cells")
    assert set(cells["activity"]) == set(ACTIVITIES)  # leading zeros kept
    assert set(cells["presence"].unique()) <= {0, 1}
    record = json.loads((out / "run.json").read_text())
    assert record["smartspec_version"] == __version__
    assert record["input"]["columns"]["region"] == "nuts"
    assert record["input"]["periods"] == PERIODS
    assert record["profile"]["profile"] == "atlas"
    assert len(record["diagnostics"]) == n_p
    assert record["outputs"]["cells"]["rows"] == rows["cells"]


def test_analyse_without_period_is_one_period_all(panel: Path, tmp_path: Path) -> None:
    one_year = tmp_path / "one.csv"
    frame = pd.read_csv(panel, dtype=str)
    frame[frame["year"] == "2020"].drop(columns="year").to_csv(one_year, index=False)
    out = tmp_path / "out"
    result = run(*analyse_args(one_year, out, "--quiet"))
    assert result.exit_code == 0, result.output
    assert result.output == ""
    for name in ("cells", "regions", "activities", "proximity"):
        assert read_out(out, name)["period"].unique().tolist() == ["all"]


def test_analyse_column_aliases_and_options(panel: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "analyse", panel, "--region-col", "nuts", "--activity-col", "nace", "--value-col",
        "jobs", "--period-col", "year", "--threshold", "1.2", "--profile", "atlas",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text())
    assert record["options"]["threshold"] == 1.2
    assert record["profile"]["threshold"] == 1.2


def test_analyse_parquet(panel: Path, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    result = run(*analyse_args(panel, out, "--period", "year", "--format", "parquet"))
    assert result.exit_code == 0, result.output
    for name, columns in COLUMNS.items():
        table = pd.read_parquet(out / f"{name}.parquet")
        assert list(table.columns[: len(columns)]) == columns
    cells = pd.read_parquet(out / "cells.parquet")
    assert len(cells) == len(PERIODS) * len(REGIONS) * len(ACTIVITIES)
    assert (out / "run.json").exists()


def test_analyse_with_population(panel: Path, tmp_path: Path) -> None:
    pop = tmp_path / "pop.csv"
    pd.DataFrame({"nuts": REGIONS, "residents": [100, 200, 300, 400, 500, 600]}).to_csv(
        pop, index=False
    )
    out = tmp_path / "out"
    result = run(
        *analyse_args(panel, out, "--period", "year", "--presence", "both"),
        "--population", pop, "--population-value", "residents",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads((out / "run.json").read_text())["population"]["columns"]["region"] == "nuts"


# ------------------------------------------------------------------------------- errors
def test_bad_column_is_one_line(panel: Path, tmp_path: Path) -> None:
    args = analyse_args(panel, tmp_path / "o")
    args[args.index("nuts")] = "nut"
    line = assert_one_line_error(run(*args))
    assert "'nut'" in line and "jobs.csv" in line and "did you mean 'nuts'" in line


def test_bad_value_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("nuts,nace,jobs\nA,x,1\nA,y,2\nB,x,n/a?\nB,y,3\n")
    line = assert_one_line_error(run(*analyse_args(path, tmp_path / "o")))
    assert "file 'bad.csv', column 'jobs', line 4" in line


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    line = assert_one_line_error(run(*analyse_args(tmp_path / "nope.csv", tmp_path / "o")))
    assert "nope.csv" in line


def test_unknown_profile_is_one_line(panel: Path, tmp_path: Path) -> None:
    args = analyse_args(panel, tmp_path / "o", "--period", "year", "--profile", "x")
    line = assert_one_line_error(run(*args))
    assert "profile" in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["analyse", "--out", "o"],  # neither INPUT nor --dataset
        ["analyse", "x.csv", "--region", "a", "--out", "o"],  # missing --activity / --value
        ["analyse", "--dataset", "toy", "--region", "a", "--out", "o"],  # columns with dataset
        ["analyse", "--dataset", "toy"],  # missing --out
        ["analyse", "x.csv", "--presence", "rpx", "--out", "o"],  # bad choice
        ["profile", "--dataset", "nz-urban-industry"],  # missing --region
        ["nonsense"],
    ],
)
def test_usage_errors_are_one_line(args: list[str]) -> None:
    line = assert_one_line_error(run(*args))
    assert "--help" in line or "nonsense" in line


def test_unknown_dataset_is_one_line(tmp_path: Path) -> None:
    line = assert_one_line_error(run("analyse", "--dataset", "nz-urbn", "--out", tmp_path))
    assert "nz-urbn" in line


def test_output_path_that_is_a_file(panel: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("")
    line = assert_one_line_error(run(*analyse_args(panel, target)))
    assert "is a file" in line


# ------------------------------------------------------------------------------- profile
def test_profile_text_of_a_file(panel: Path) -> None:
    result = run("profile", panel, *FILE_COLUMNS_PERIOD, "--region", "r3", "--top", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("R3\n")
    assert "period 2020" in out  # the latest by default
    assert "ECI" in out and f"of {len(REGIONS)} regions" in out
    assert "Top specialisations" in out and "Diversification opportunities" in out
    assert "Traceback" not in result.output


def test_profile_json_of_a_file(panel: Path) -> None:
    args = ["--region", "R2", "--period", "2019", "--json", "--top", "2"]
    result = run("profile", panel, *FILE_COLUMNS_PERIOD, *args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["region"] == "R2"
    assert doc["period"] == 2019
    assert doc["n_ranked"] == len(REGIONS)
    assert 1 <= doc["eci_rank"] <= len(REGIONS)
    assert len(doc["specialisations"]) <= 2
    assert {"activity", "rca", "value"} <= set(doc["specialisations"][0])
    if doc["opportunities"]:
        assert {"activity", "density", "pci", "cog"} <= set(doc["opportunities"][0])


def test_profile_unknown_region(panel: Path) -> None:
    line = assert_one_line_error(run("profile", panel, *FILE_COLUMNS_PERIOD, "--region", "R9"))
    assert "'R9'" in line


def test_profile_of_a_dataset_by_name(tmp_path: Path) -> None:
    result = run("profile", "--dataset", "nz-urban-industry", "--region", "Wellington")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wellington Zone (020)")
    as_json = run(
        "profile", "--dataset", "nz-urban-industry", "--region", "wellington zone", "--json"
    )
    doc = json.loads(as_json.stdout)
    assert doc["region"] == "020"
    assert doc["region_name"] == "Wellington Zone"
    assert all(s["activity_name"] for s in doc["specialisations"])


def test_profile_of_a_dataset_ambiguous_name() -> None:
    line = assert_one_line_error(
        run("profile", "--dataset", "nz-urban-industry", "--region", "Auckland")
    )
    assert "ambiguous" in line and "Central Auckland Zone" in line


# ------------------------------------------------------------------------------- datasets
def test_datasets_listing() -> None:
    result = run("datasets")
    assert result.exit_code == 0, result.output
    assert "nz-urban-industry" in result.stdout
    listing = json.loads(run("datasets", "--json").stdout)
    assert "nz-urban-industry" in [d["name"] for d in listing]


def test_dataset_info() -> None:
    result = run("datasets", "nz-urban-industry")
    assert result.exit_code == 0, result.output
    assert "licence" in result.stdout
    assert json.loads(run("datasets", "nz-urban-industry", "--json").stdout)["n_regions"] == 143
    assert_one_line_error(run("datasets", "nope"))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"smartspec {__version__}"


# ------------------------------------------------------------------------------- the script
def smartspec_script() -> str:
    beside = Path(sys.executable).parent / "smartspec"
    found = str(beside) if beside.exists() else shutil.which("smartspec")
    if found is None:
        pytest.skip("the smartspec console script is not installed")
    return found


def test_console_script_on_a_bundled_dataset(tmp_path: Path) -> None:
    script = smartspec_script()
    out = tmp_path / "nz"
    done = subprocess.run(
        [script, "analyse", "--dataset", "us-state-industry", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    regions = pd.read_csv(out / "regions.csv")
    assert list(regions.columns) == COLUMNS["regions"]
    assert len(regions) == 51
    failed = subprocess.run(
        [script, "analyse", "--dataset", "no-such-dataset", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith("Error: ")
    assert "Traceback" not in failed.stderr
