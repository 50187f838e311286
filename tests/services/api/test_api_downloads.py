"""Downloads as CSV, Excel and Parquet, readable back with pandas."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest

import smartspec as ss
from smartspec.datasets import load

pytestmark = pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")

MX = "/api/v1/datasets/mx-tamaulipas"


def _read(content: bytes, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(content), dtype={"region": str, "activity": str})
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(content), dtype={"region": str, "activity": str})
    return pd.read_parquet(io.BytesIO(content))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_download_formats(client: Any, fmt: str) -> None:
    r = client.get(f"{MX}/downloads/cells.{fmt}", params={"period": 2023})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        f'attachment; filename="mx-tamaulipas-cells-2023.{fmt}"'
    )
    frame = _read(r.content, fmt)
    ev = ss.analyse(load("mx-tamaulipas"))
    expected = ev.cells[ev.cells.period == 2023].reset_index(drop=True)
    assert len(frame) == len(expected) == 43 * 19
    # INEGI's suppressed cells travel as missing (empty value and RCA), flagged
    assert list(frame.columns) == [
        "period",
        "region",
        "region_name",
        "activity",
        "activity_name",
        "value",
        "rca",
        "presence",
        "density",
        "cog",
        "missing",
    ]
    suppressed = frame["missing"].astype(bool)
    assert suppressed.sum() == expected["missing"].sum() > 0
    assert frame.loc[suppressed, "value"].isna().all()
    assert list(frame["region"].astype(str)) == list(expected.region)
    pd.testing.assert_series_equal(
        frame["rca"], expected["rca"], check_names=False, check_dtype=False
    )
    assert frame["region_name"].iloc[0] == "Abasolo"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_indicator_table_as_a_file(client: Any, fmt: str) -> None:
    r = client.get(
        f"{MX}/indicators/regions",
        params={"format": fmt, "sort": "eci", "order": "desc", "limit": 3},
    )
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    frame = _read(r.content, fmt)
    assert len(frame) == 43 * 5  # the whole filtered table: no pagination in files
    ecis = frame["eci"].dropna().tolist()
    assert ecis == sorted(ecis, reverse=True)


def test_input_data_download(client: Any) -> None:
    r = client.get("/api/v1/datasets/us-state-industry/downloads/data.csv")
    frame = _read(r.content, "csv")
    m = load("us-state-industry")
    assert list(frame.columns[:3]) == ["period", "region", "region_name"]
    assert "employment" in frame.columns
    assert frame["employment"].sum() == pytest.approx(m.data.sum())
    assert len(frame) == m.nnz


def test_proximity_download_with_filters(client: Any) -> None:
    r = client.get(
        f"{MX}/downloads/proximity.parquet", params={"period": 2003, "activity": "31-33"}
    )
    frame = _read(r.content, "parquet")
    assert len(frame) == 19  # 19 sectors, sector 55 all suppressed
    assert set(frame["activity_from"]) == {"31-33"}
    assert {"activity_from_name", "activity_to_name"} <= set(frame.columns)


def test_json_format_is_a_page(client: Any) -> None:
    d = client.get(f"{MX}/indicators/regions", params={"format": "json", "limit": 2}).json()
    assert len(d["items"]) == 2 and d["total"] == 215
