"""``smartspec analyse`` output files: streamed tables, ``--cells`` and file permissions."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from smartspec.core.evidence import Evidence, analyse
from smartspec.datasets import load
from smartspec.io import write_tables
from smartspec.services import analysis_tables
from smartspec.services.analysis_tables import parse_cells
from smartspec.services.cli import OUTPUT_COLUMNS, _ordered, main

DATASET = "nz-urban-industry"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return analyse(load(DATASET))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 1,000 rows: several per period (65 activities: 15 regions a batch), so that
    block boundaries inside a period are crossed."""
    monkeypatch.setattr(analysis_tables, "BATCH_ROWS", 1000)


def pandas_tables(ev: Evidence) -> dict[str, pd.DataFrame]:
    """The tables as the previous writer built them: every long table as one pandas frame."""
    default = ev.matrix.periods[0] if ev.matrix.n_periods == 1 else None
    return {name: _ordered(getattr(ev, name), name, default) for name in OUTPUT_COLUMNS}


# ------------------------------------------------------------------------------- same tables
@pytest.mark.usefixtures("small_batches")
def test_streamed_csv_is_the_pandas_csv_byte_for_byte(evidence: Evidence, tmp_path: Path) -> None:
    result = run("analyse", "--dataset", DATASET, "--out", tmp_path / "new", "--quiet")
    assert result.exit_code == 0, result.output
    write_tables(pandas_tables(evidence), tmp_path / "old")
    for name in OUTPUT_COLUMNS:
        new = (tmp_path / "new" / f"{name}.csv").read_bytes()
        assert new == (tmp_path / "old" / f"{name}.csv").read_bytes(), name
    record = json.loads((tmp_path / "new" / "run.json").read_text())
    m = evidence.matrix
    assert record["outputs"]["cells"]["rows"] == m.n_periods * m.n_regions * m.n_activities
    assert record["outputs"]["proximity"]["rows"] == m.n_periods * m.n_activities**2
    assert record["outputs"]["cells"]["columns"] == list(OUTPUT_COLUMNS["cells"])
    assert record["options"]["cells"] == "all"


@pytest.mark.usefixtures("small_batches")
def test_streamed_parquet_reads_back_as_the_pandas_parquet(
    evidence: Evidence, tmp_path: Path
) -> None:
    result = run(
        "analyse", "--dataset", DATASET, "--out", tmp_path / "new", "--format", "parquet", "-q"
    )
    assert result.exit_code == 0, result.output
    write_tables(pandas_tables(evidence), tmp_path / "old", format="parquet")
    for name in OUTPUT_COLUMNS:
        new_path, old_path = (tmp_path / d / f"{name}.parquet" for d in ("new", "old"))
        new, old = pd.read_parquet(new_path), pd.read_parquet(old_path)
        pd.testing.assert_frame_equal(new, old, check_exact=True)
        # the same Parquet columns (names, physical and logical types) and the same nulls
        assert pq.ParquetFile(new_path).schema.equals(pq.ParquetFile(old_path).schema)
        new_t, old_t = pq.read_table(new_path), pq.read_table(old_path)
        for col in new_t.column_names:
            assert new_t[col].null_count == old_t[col].null_count, (name, col)
    cells = pd.read_parquet(tmp_path / "new" / "cells.parquet")
    assert str(cells["region"].dtype) == str(evidence.cells["region"].dtype)  # not categorical
    assert pq.ParquetFile(tmp_path / "new" / "cells.parquet").metadata.num_row_groups > 8


def test_streamed_cells_with_rpop_and_one_period(tmp_path: Path) -> None:
    """A further column (rpop) follows the contract's columns; one period without a period
    column is 'all', as before."""
    rng = np.random.default_rng(3)
    regions, activities = [f"R{i}" for i in range(7)], ["01", "02", "03", "10"]
    rows = [(r, a, int(rng.integers(0, 40))) for r in regions for a in activities]
    panel = tmp_path / "jobs.csv"
    pd.DataFrame(rows, columns=["nuts", "nace", "jobs"]).to_csv(panel, index=False)
    pop = tmp_path / "pop.csv"
    pd.DataFrame({"nuts": regions, "population": rng.integers(100, 900, 7)}).to_csv(
        pop, index=False
    )
    out = tmp_path / "out"
    result = run(
        "analyse", panel, "--region", "nuts", "--activity", "nace", "--value", "jobs",
        "--presence", "both", "--population", pop, "--out", out, "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from smartspec.io import read_population, read_table

    m = read_table(panel, region="nuts", activity="nace", value="jobs")
    population = read_population(pop, region="nuts", value="population")
    ev = analyse(m, presence="both", population=population)
    write_tables(pandas_tables(ev), tmp_path / "old")
    for name in ("cells", "proximity"):
        assert (out / f"{name}.csv").read_bytes() == (tmp_path / "old" / f"{name}.csv").read_bytes()
    header = (out / "cells.csv").read_text().splitlines()[0].split(",")
    assert header == [*OUTPUT_COLUMNS["cells"], "rpop"]


# ------------------------------------------------------------------------------- --cells
def expected_cells(full: pd.DataFrame, which: str) -> pd.DataFrame:
    """The rows ``--cells which`` keeps, selected with pandas from the full table."""
    if which == "nonzero":
        return full[full["value"] != 0]
    if which == "present":
        return full[full["presence"] == 1]
    _, k, *rest = which.split(":")
    by = rest[0] if rest else "rca"
    ranked = full.dropna(subset=[by]).sort_values(by, ascending=False, kind="stable")
    chosen = ranked.groupby(["period", "region"], sort=False).head(int(k))
    return full.loc[full.index.isin(chosen.index)]


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("which", ["nonzero", "present", "top:3", "top:2:density", "top:5:cog"])
def test_cells_option_keeps_the_rows_it_names(
    evidence: Evidence, tmp_path: Path, which: str
) -> None:
    out = tmp_path / "out"
    result = run("analyse", "--dataset", DATASET, "--out", out, "--cells", which, "--quiet")
    assert result.exit_code == 0, result.output
    write_tables({"cells": pandas_tables(evidence)["cells"]}, tmp_path / "all")
    full = pd.read_csv(tmp_path / "all" / "cells.csv", dtype={"region": str, "activity": str})
    got = pd.read_csv(out / "cells.csv", dtype={"region": str, "activity": str})
    want = expected_cells(full, which).reset_index(drop=True)
    assert 0 < len(got) < len(full)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    record = json.loads((out / "run.json").read_text())
    assert record["options"]["cells"] == which
    assert record["outputs"]["cells"]["rows"] == len(want)
    # the other tables are whole
    assert record["outputs"]["regions"]["rows"] == evidence.matrix.n_periods * 143


def test_top_k_ties_nan_and_k_above_the_activities() -> None:
    x = np.array(
        [
            [1.0, 3.0, 3.0, 2.0, np.nan],  # a tie at the cut: the earlier activity
            [np.nan, np.nan, 5.0, np.nan, np.nan],  # fewer values than k: NaN never kept
            [0.0, 0.0, 0.0, 0.0, 0.0],  # all tied
        ]
    )
    keep = analysis_tables._top_k(x, 2)
    assert keep.tolist() == [
        [False, True, True, False, False],
        [False, False, True, False, False],
        [True, True, False, False, False],
    ]
    assert analysis_tables._top_k(x, 9).tolist() == (~np.isnan(x)).tolist()


@pytest.mark.parametrize("bad", ["some", "top", "top:0", "top:-1", "top:3:pci", "top:x"])
def test_bad_cells_option_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    result = run("analyse", "--dataset", DATASET, "--out", tmp_path / "o", "--cells", bad)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "--cells" in lines[0]
    assert not (tmp_path / "o").exists()


def test_parse_cells_spellings() -> None:
    assert str(parse_cells(" Present ")) == "present"
    assert str(parse_cells("top:10:rca")) == "top:10"
    assert parse_cells("top:4:value").by == "value"
    help_text = run("analyse", "--help").stdout
    for col in analysis_tables.TOP_COLUMNS:
        assert col in help_text.split("--cells", 1)[1]


# ------------------------------------------------------------------------------- permissions
@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_output_files_follow_the_umask(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = run("analyse", "--dataset", "us-state-industry", "--out", out, "-q", "--format", fmt)
    assert result.exit_code == 0, result.output
    found = modes(out)
    assert len(found) == len(OUTPUT_COLUMNS) + 1
    assert set(found.values()) == {0o644}, found
    os.umask(0o077)
    again = run("analyse", "--dataset", "us-state-industry", "--out", out, "-q", "--format", fmt)
    assert again.exit_code == 0, again.output
    assert set(modes(out).values()) == {0o600}  # replaced files get the new umask's mode
    os.umask(0o002)
    run("analyse", "--dataset", "us-state-industry", "--out", out, "-q", "--format", fmt)
    assert set(modes(out).values()) == {0o664}
