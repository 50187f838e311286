"""Formula (CSV) injection: every CSV smartspec writes shows formula-like text as text.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a single quote in front (OWASP, "CSV Injection"); numbers are never touched, ordinary text
is written byte for byte as before, and Parquet keeps every value exactly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.io import Coded, TableStream, write_tables
from smartspec.io.writers import FORMULA_PREFIXES, neutralise_formulas, neutralise_text
from smartspec.services.cli import main

#: The payloads of the finding: each is run by a spreadsheet opening an unescaped CSV.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://evil.example","x")',
    "-2+3+cmd",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
#: Tab and carriage return, the other two characters OWASP names.
CONTROL = ["\t=1+1", "\r=1+1"]
ORDINARY = ["R1", "Île de France", "31-33", "a=b", "O'Brien", "", "1+1"]


def _rows(path: Path) -> list[list[str]]:
    """The cells of a CSV file as the text a spreadsheet would see (no type guessing)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("text", [*PAYLOADS, *CONTROL, "-5", "+1", "=", "-"])
def test_formula_text_is_quoted_other_values_kept(text: str) -> None:
    assert text.startswith(FORMULA_PREFIXES)
    assert neutralise_text(text) == "'" + text
    for value in [*ORDINARY, -5, -2.5, None, np.nan, True, np.int64(-3)]:
        assert neutralise_text(value) is value


def test_frame_cells_and_names_are_neutralised_numbers_kept() -> None:
    frame = pd.DataFrame(
        {
            "region": [*PAYLOADS, "R1"],
            "code": pd.Series([1, "-5", None, "ok", -2.5], dtype=object),  # mixed: only text quoted
            "kind": pd.Categorical(["=x", "a", "=x", "a", "a"]),
            "value": [-1.0, -2.0, 3.0, np.nan, 0.5],
            "n": [-1, 2, -3, 4, 5],
            "=SUM(A1)": ["a", "b", "c", "d", "e"],
        }
    )
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["region", "code", "kind", "value", "n", "'=SUM(A1)"]
    assert list(safe["region"]) == ["'" + p for p in PAYLOADS] + ["R1"]
    assert safe["code"].tolist()[:2] == [1, "'-5"]
    assert safe["code"].tolist()[3:] == ["ok", -2.5]
    assert list(safe["kind"].cat.categories) == ["'=x", "a"]
    assert list(safe["kind"]) == ["'=x", "a", "'=x", "a", "a"]
    pd.testing.assert_series_equal(safe["value"], frame["value"])
    pd.testing.assert_series_equal(safe["n"], frame["n"])
    # the input is not changed
    assert frame["region"].iloc[0] == PAYLOADS[0] and "=SUM(A1)" in frame.columns
    # an ordinary table (or Index) is returned as it is, not copied
    ordinary = pd.DataFrame({"region": ORDINARY, "value": np.arange(len(ORDINARY)) - 3.0})
    assert neutralise_formulas(ordinary) is ordinary
    labels = pd.Index(ORDINARY)
    assert neutralise_formulas(labels) is labels


def test_categories_that_would_collide_are_spelled_out() -> None:
    s = pd.Series(pd.Categorical(["=x", "'=x", "b"]))
    assert neutralise_formulas(s).tolist() == ["'=x", "'=x", "b"]


def test_write_tables_csv_quotes_formulas(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "region": PAYLOADS + CONTROL,
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, -6.0],
            "@name": ["x"] * 6,
        }
    )
    path = write_tables({"t": frame}, tmp_path)[0]
    rows = _rows(path)
    assert rows[0] == ["region", "value", "'@name"]
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS + CONTROL]
    assert [r[1] for r in rows[1:]] == ["-1.5", "2.0", "-3.0", "4.0", "5.0", "-6.0"]
    assert not any(c.startswith(FORMULA_PREFIXES) for r in rows for c in r if not _number(c))
    # Parquet is a data format: the values exactly
    back = pd.read_parquet(write_tables({"t": frame}, tmp_path, format="parquet")[0])
    assert list(back["region"]) == PAYLOADS + CONTROL
    assert list(back.columns) == ["region", "value", "@name"]
    # an ordinary table: the CSV is byte for byte what it was
    ordinary = pd.DataFrame(
        {
            "region": ORDINARY,
            "value": np.linspace(-3, 3, len(ORDINARY)),
            "n": np.arange(len(ORDINARY)) - 4,
        }
    )
    path = write_tables({"o": ordinary}, tmp_path)[0]
    assert path.read_bytes() == ordinary.to_csv(index=False, lineterminator="\n").encode()


def test_a_carriage_return_never_starts_a_row(tmp_path: Path) -> None:
    """Unquoted, a carriage return would start a spreadsheet row whose first cell is text
    after it ("=cmd..."): such a table has its text fields quoted, and stays one row each."""
    frame = pd.DataFrame(
        {"region": ["R1", "a\r=cmd|' /C calc'!A0", "\r@SUM(1)"], "value": [-1.0, 2.0, 3.5]}
    )
    path = write_tables({"t": frame}, tmp_path)[0]
    text = path.read_bytes().decode("utf-8")  # read_text would turn "\r" into "\n"
    assert "\"a\r=cmd|' /C calc'!A0\",2.0" in text and '"\'\r@SUM(1)",3.5' in text
    # a reader that ends a row at any unquoted carriage return sees three rows and a header
    assert len(_rows(path)) == 4
    back = pd.read_csv(path)
    assert list(back["region"]) == ["R1", "a\r=cmd|' /C calc'!A0", "'\r@SUM(1)"]
    assert list(back["value"]) == [-1.0, 2.0, 3.5]
    # the streamed writer, too
    stream = TableStream(
        ("region", "value"),
        [
            {
                "region": Coded(np.arange(3), pd.Index(frame["region"])),
                "value": frame["value"].to_numpy(),
            }
        ],
    )
    assert write_tables({"s": stream}, tmp_path)[0].read_bytes().decode("utf-8") == text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_streamed_csv_quotes_labels_names_and_text_columns(tmp_path: Path) -> None:
    regions = pd.Index([*PAYLOADS, "R1", "-5"])
    periods = pd.Index([2020, 2021])
    rng = np.random.default_rng(3)
    parts = []
    for size in (7, 0, 11):
        parts.append(
            {
                "period": Coded(rng.integers(0, 2, size), periods),
                "region": Coded(rng.integers(0, len(regions), size), regions),
                "note": np.array(rng.choice(["=bad()", "fine", "+x"], size), dtype=object),
                "value": rng.normal(size=size) - 1.0,
            }
        )
    columns = ("period", "region", "note", "value")
    stream = TableStream(columns, parts)
    streamed = write_tables({"s": stream}, tmp_path / "a")[0]
    whole = pd.concat(
        [
            pd.DataFrame(
                {
                    c: p[c].labels.take(p[c].codes) if isinstance(p[c], Coded) else p[c]
                    for c in columns
                }
            )
            for p in parts
        ],
        ignore_index=True,
    )
    assert stream.rows == len(whole) == 18
    # the same file as the whole table, and that file is neutralised
    assert streamed.read_bytes() == write_tables({"s": whole}, tmp_path / "b")[0].read_bytes()
    rows = _rows(streamed)
    assert {r[1] for r in rows[1:]} <= {"'" + p for p in PAYLOADS} | {"R1", "'-5"}
    assert {r[2] for r in rows[1:]} <= {"'=bad()", "fine", "'+x"}
    assert any(r[3].startswith("-") for r in rows[1:])  # negative numbers stay numbers


def test_streamed_csv_neutralises_the_header_of_an_empty_stream(tmp_path: Path) -> None:
    stream = TableStream(("region", "=x"), [])
    path = write_tables({"s": stream}, tmp_path)[0]
    assert path.read_text(encoding="utf-8") == "region,'=x\n"


def _panel(tmp_path: Path) -> Path:
    """A small long CSV whose region codes are the payloads (and one ordinary code)."""
    regions = [*PAYLOADS, "R5"]
    activities = ["01", "02", "03"]
    rows = [
        (region, act, float((i + 1) * (j + 2) + (i * j) % 3))
        for i, region in enumerate(regions)
        for j, act in enumerate(activities)
    ]
    path = tmp_path / "jobs.csv"
    pd.DataFrame(rows, columns=["geo", "sector", "jobs"]).to_csv(path, index=False)
    return path


def _analyse(tmp_path: Path, out: Path, *extra: str) -> None:
    res = CliRunner().invoke(
        main,
        [
            "analyse",
            str(_panel(tmp_path)),
            "--region",
            "geo",
            "--activity",
            "sector",
            "--value",
            "jobs",
            "--out",
            str(out),
            *extra,
        ],
    )
    assert res.exit_code == 0, res.output


@pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")
def test_analyse_cells_csv_is_neutralised_parquet_exact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _analyse(tmp_path, out)
    rows = _rows(out / "cells.csv")
    region = rows[0].index("region")
    codes = {r[region] for r in rows[1:]}
    assert codes == {"'" + p for p in PAYLOADS} | {"R5"}
    for name in ("cells", "regions"):
        for r in _rows(out / f"{name}.csv"):
            for cell in r:
                assert _number(cell) or not cell.startswith(FORMULA_PREFIXES), (name, cell)
    _analyse(tmp_path, out, "--format", "parquet")
    cells = pd.read_parquet(out / "cells.parquet")
    assert set(cells["region"].astype(str)) == {*PAYLOADS, "R5"}


@pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")
def test_indicators_csv_on_stdout_is_neutralised(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        [
            "indicators",
            "diversity",
            str(_panel(tmp_path)),
            "--region-col",
            "geo",
            "--activity-col",
            "sector",
            "--value-col",
            "jobs",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.output)))
    region = rows[0].index("region")
    assert {r[region] for r in rows[1:]} == {"'" + p for p in PAYLOADS} | {"R5"}
