"""Downloads of an upload whose codes and names are formulas: shown as text, never run.

CSV and Excel downloads quote text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (a single quote in front); Excel cells are strings, never formulas; Parquet
keeps the values exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pandas as pd
import pytest

from smartspec.app import SmartSpecApp
from smartspec.services.api.exports import to_bytes

pytestmark = pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://evil.example","x")',
    "-2+3+cmd",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
#: Region codes (the payloads and an ordinary one), each with a name (payloads reversed).
REGIONS = [*PAYLOADS, "R5"]
NAMES = dict(zip(REGIONS, [*PAYLOADS[::-1], "Fifth"], strict=True))
QUOTED = {"'" + p for p in PAYLOADS}


def _upload(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> tuple[SmartSpecApp, str]:
    rows = [
        (year, region, NAMES[region], act, float((i + 1) * (j + 2) + (i * j) % 3 + year % 2))
        for year in (2020, 2021)
        for i, region in enumerate(REGIONS)
        for j, act in enumerate(["01", "02", "03"])
    ]
    content = (
        pd.DataFrame(rows, columns=["year", "geo", "geo_name", "sector", "jobs"])
        .to_csv(index=False)
        .encode()
    )
    app = make_app()
    r = as_role(app, "editor").post(
        "/api/v1/datasets",
        files={"file": ("evil.csv", content)},
        data={
            "region": "geo",
            "activity": "sector",
            "value": "jobs",
            "period": "year",
            "region_name": "geo_name",
            "title": "Evil",
        },
    )
    assert r.status_code == 201, r.text
    return app, f"/api/v1/datasets/{r.json()['id']}/downloads"


@pytest.mark.parametrize("table", ["cells", "data", "regions"])
def test_csv_download_quotes_formulas(
    make_app: Callable[..., SmartSpecApp], table: str, as_role: Callable[..., Any]
) -> None:
    app, url = _upload(make_app, as_role)
    r = app.client().get(f"{url}/{table}.csv")
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    header = rows[0]
    codes = {row[header.index("region")] for row in rows[1:]}
    names = {row[header.index("region_name")] for row in rows[1:]}
    assert codes == QUOTED | {"R5"}
    assert names == QUOTED | {"Fifth"}
    for row in rows:
        for cell in row:
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(cell)  # only numbers (a negative number) may start so
    # Parquet is a data format: the values exactly
    r = app.client().get(f"{url}/{table}.parquet")
    assert r.status_code == 200, r.text
    frame = pd.read_parquet(io.BytesIO(r.content))
    assert set(frame["region"]) == set(REGIONS)
    assert set(frame["region_name"]) == set(NAMES.values())


@pytest.mark.parametrize("table", ["cells", "data"])
def test_xlsx_download_has_no_formula(
    make_app: Callable[..., SmartSpecApp], table: str, as_role: Callable[..., Any]
) -> None:
    app, url = _upload(make_app, as_role)
    r = app.client().get(f"{url}/{table}.xlsx")
    assert r.status_code == 200, r.text
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    region, name = header.index("region"), header.index("region_name")
    codes, names = set(), set()
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
        if row[0].row > 1:
            codes.add(row[region].value)
            names.add(row[name].value)
    assert codes == QUOTED | {"R5"}
    assert names == QUOTED | {"Fifth"}


def test_xlsx_strings_stay_strings_and_numbers_numbers() -> None:
    frame = pd.DataFrame(
        {"url": ["http://example.com", "2.5"], "value": [-1.5, 3.0], "@head": ["a", "b"]}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_bytes(frame, "xlsx", sheet="=x[1]"))).active
    assert sheet.title == "_x_1_"
    assert [c.value for c in sheet[1]] == ["url", "value", "'@head"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("http://example.com", "s"),
        (-1.5, "n"),
        ("a", "s"),
    ]
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("2.5", "s")
    assert not sheet._hyperlinks  # a link is text, not a hyperlink
    # an ordinary table: the CSV is byte for byte what it was
    frame = pd.DataFrame({"region": ["R1", "Île de France", "31-33"], "value": [-1.5, 2.0, 3.0]})
    assert to_bytes(frame, "csv") == frame.to_csv(index=False, lineterminator="\n").encode()
