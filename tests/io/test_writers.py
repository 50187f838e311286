"""Streamed tables (:class:`TableStream`) and file permissions of :mod:`smartspec.io.writers`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from smartspec.io import Coded, TableStream, write_json, write_tables

PERIODS = pd.Index([2019, 2020])
REGIONS = pd.Index(["01", "02", "B"])  # text with leading zeros
MIXED = pd.Index([7, "A", 12], dtype=object)  # labels of two types: written as text


def batches(labels: pd.Index, sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    """Batches of (period, label, x, n) rows; x has NaN, tiny and huge values."""
    rng = np.random.default_rng(seed)
    out = []
    for i, size in enumerate(sizes):
        x = rng.normal(size=size) * 10.0 ** rng.integers(-300, 300, size)
        x[rng.random(size) < 0.2] = np.nan
        out.append(
            {
                "period": Coded(np.full(size, i % 2), PERIODS),
                "label": Coded(rng.integers(0, len(labels), size), labels),
                "x": x,
                "n": rng.integers(-5, 5, size),
            }
        )
    return out


def whole(parts: list[dict[str, Any]]) -> pd.DataFrame:
    """The table the batches make, as one pandas frame (labels spelled out)."""
    cols = ["period", "label", "x", "n"]
    frames = [
        pd.DataFrame(
            {c: b[c].labels.take(b[c].codes) if isinstance(b[c], Coded) else b[c] for c in cols}
        )
        for b in parts
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("labels", [REGIONS, MIXED], ids=["text", "mixed"])
@pytest.mark.parametrize("sizes", [[5, 0, 17, 3], [0], [40]], ids=["several", "empty", "one"])
def test_stream_writes_the_whole_tables_file(
    tmp_path: Path, labels: pd.Index, sizes: list[int]
) -> None:
    parts = batches(labels, sizes)
    table = whole(parts)
    columns = ("period", "label", "x", "n")
    for fmt in ("csv", "parquet"):
        stream = TableStream(columns, iter(parts), dictionary=("n",))
        [new] = write_tables({"t": stream}, tmp_path / "n", format=fmt)  # type: ignore[arg-type]
        [old] = write_tables({"t": table}, tmp_path / "o", format=fmt)  # type: ignore[arg-type]
        assert stream.rows == sum(sizes)
        if fmt == "csv":
            assert new.read_bytes() == old.read_bytes()
        else:
            # (an empty object column has no type in the whole table's file: Arrow's null;
            # the stream knows its labels' type, text, from the labels themselves)
            pd.testing.assert_frame_equal(
                pd.read_parquet(new), pd.read_parquet(old), check_dtype=len(table) > 0
            )
            assert pq.read_table(new)["x"].null_count == int(np.isnan(table["x"]).sum())


def test_stream_without_batches_writes_the_header(tmp_path: Path) -> None:
    stream = TableStream(("period", "region"), iter([]))
    [path] = write_tables({"t": stream}, tmp_path)
    assert path.read_text() == "period,region\n"
    assert stream.rows == 0
    [path] = write_tables({"t": TableStream(("a",), [])}, tmp_path, format="parquet")
    assert list(pd.read_parquet(path).columns) == ["a"]


def failing(after: int) -> Iterator[dict[str, Any]]:
    yield from batches(REGIONS, [4] * after)
    raise OSError("disk full")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_failing_stream_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    old = tmp_path / f"a.{fmt}"
    old.write_text("old\n")
    columns = ("period", "label", "x", "n")
    good = TableStream(columns, iter(batches(REGIONS, [3, 3])))
    with pytest.raises(OSError, match="disk full"):
        write_tables(
            {"a": good, "b": TableStream(columns, failing(2))},
            tmp_path,
            format=fmt,  # type: ignore[arg-type]
        )
    # no temporary file, no partial 'b', and 'a' not replaced by this failed call
    assert sorted(os.listdir(tmp_path)) == [f"a.{fmt}"]
    assert old.read_text() == "old\n"


# ------------------------------------------------------------------------------- permissions
@pytest.fixture
def restore_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("restore_umask")
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_follow_the_umask(tmp_path: Path, umask: int, expected: int) -> None:
    os.umask(umask)
    frame = pd.DataFrame({"x": [1.0]})
    paths = write_tables({"a": frame}, tmp_path)
    paths += write_tables({"b": frame}, tmp_path, format="parquet")
    paths += write_tables({"c": TableStream(("x",), [{"x": np.ones(2)}])}, tmp_path)
    paths.append(write_json({"a": 1}, tmp_path / "run.json"))
    assert {p.name: mode(p) for p in paths} == {p.name: expected for p in paths}


def test_stream_of_date_labels_keeps_their_type(tmp_path: Path) -> None:
    """Labels that are not numbers or text (dates) are spelled out, with the Arrow schema kept."""
    days = pd.Index(pd.to_datetime(["2020-01-01", "2021-06-30"]))
    parts = [{"day": Coded(np.array([1, 0, 1]), days), "x": np.array([1.0, np.nan, 3.0])}]
    stream = TableStream(("day", "x"), iter(parts))
    [new] = write_tables({"t": stream}, tmp_path / "n", format="parquet")
    frame = pd.DataFrame({"day": days.take([1, 0, 1]), "x": [1.0, np.nan, 3.0]})
    [old] = write_tables({"t": frame}, tmp_path / "o", format="parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(new), pd.read_parquet(old))
    types = [pq.read_table(path).schema.field("day").type for path in (new, old)]
    assert types[0] == types[1]
