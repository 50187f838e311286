"""Datasets: list, metadata, periods, upload (valid and invalid), delete."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from smartspec.app import SmartSpecApp


def _nothing_stored(app: SmartSpecApp, before: list[str]) -> None:
    assert [r.id for r in app.store.list_datasets()] == before
    uploads = app.data_dir / "uploads"
    left = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
    assert left == []


def test_list(client: Any) -> None:
    r = client.get("/api/v1/datasets")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [d["id"] for d in items] == ["nz-urban-industry", "us-state-industry", "mx-tamaulipas"]
    us = items[1]
    assert us["kind"] == "bundled"
    assert (us["n_regions"], us["n_activities"], us["periods"]) == (51, 20, [2021])
    assert us["map"] == {"boundaries": "us-states", "region_level": "state"}
    assert us["licence"].startswith("Public domain")


def test_metadata(client: Any) -> None:
    d = client.get("/api/v1/datasets/nz-urban-industry").json()
    assert d["title"].startswith("New Zealand")
    assert d["period_range"] == "1976-2013"
    assert d["description"] and d["citation"] and d["unit"]
    assert d["n_cells"] == 60809


def test_periods(client: Any) -> None:
    d = client.get("/api/v1/datasets/mx-tamaulipas/periods").json()
    assert [p["period"] for p in d["items"]] == [2003, 2008, 2013, 2018, 2023]
    assert all(p["total"] > 0 and p["n_regions"] <= 43 for p in d["items"])


@pytest.mark.parametrize("path", ["", "/periods", "/regions", "/activities"])
def test_unknown_dataset(client: Any, path: str) -> None:
    r = client.get(f"/api/v1/datasets/us-state-industy{path}")
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["type"] == "UnknownDatasetError"
    assert "did you mean 'us-state-industry'" in err["fix"]


# ------------------------------------------------------------------------------ uploads
def _xlsx(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name="jobs")
    return buf.getvalue()


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("filename", "encode"),
    [
        ("jobs.csv", lambda f: f.to_csv(index=False).encode()),
        ("jobs.xlsx", _xlsx),
        ("jobs.parquet", _parquet),
    ],
)
def test_upload_formats(
    make_app: Callable[..., SmartSpecApp],
    filename: str,
    encode: Callable[[pd.DataFrame], bytes],
    upload_form: dict[str, str],
    panel: pd.DataFrame,
    as_role: Callable[..., Any],
) -> None:
    app = make_app()
    client = as_role(app, "editor")
    r = client.post(
        "/api/v1/datasets",
        files={"file": (filename, encode(panel))},
        data={**upload_form, "title": "Jobs by sector", "licence": "CC-BY-4.0"},
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["id"] == "jobs-by-sector"
    assert d["kind"] == "uploaded"
    assert (d["n_regions"], d["n_activities"], d["periods"]) == (5, 4, [2020, 2021])
    assert d["value_name"] == "jobs" and d["licence"] == "CC-BY-4.0"
    assert d["mapping"]["region"] == "geo"
    stored = app.file_of(app.dataset("jobs-by-sector"))
    assert stored.is_file() and stored.parent == app.data_dir / "uploads"
    assert stored.suffix == Path(filename).suffix
    assert not Path(app.dataset("jobs-by-sector").path).is_absolute()  # movable folder
    assert [x["id"] for x in client.get("/api/v1/datasets").json()["items"]][-1] == d["id"]
    # the same title again gets a new id
    again = client.post(
        "/api/v1/datasets",
        files={"file": (filename, encode(panel))},
        data={**upload_form, "title": "Jobs by sector"},
    )
    assert again.json()["id"] == "jobs-by-sector-2"
    # and the upload is analysed like any dataset
    prof = client.get("/api/v1/datasets/jobs-by-sector/regions/R4/profile").json()
    assert prof["period"] == 2021 and prof["region_name"] is None


def test_upload_without_title_uses_file_name(
    make_app: Callable[..., SmartSpecApp],
    panel_csv: bytes,
    upload_form: dict[str, str],
    as_role: Callable[..., Any],
) -> None:
    client = as_role(make_app())
    r = client.post(
        "/api/v1/datasets", files={"file": ("My Jobs 2021.csv", panel_csv)}, data=upload_form
    )
    assert r.status_code == 201
    assert (r.json()["id"], r.json()["title"]) == ("my-jobs-2021", "My Jobs 2021.csv")


@pytest.mark.parametrize(
    ("filename", "content", "form", "status", "words"),
    [
        (
            "jobs.csv",
            b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,4\n",
            {"region": "region"},
            422,
            "the region column 'region' is not in the table",
        ),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\nA,y,-2,2020\nB,x,3,2020\nB,y,4,2020\n",
            {},
            422,
            "values must be non-negative",
        ),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\nA,y,n/a?,2020\nB,x,3,2020\n",
            {},
            422,
            "values must be numbers",
        ),
        ("jobs.csv", b"", {}, 422, "the file is empty"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00", {}, 422, "cannot tell the file format"),
        ("jobs.xlsx", b"this is not a workbook", {}, 422, "cannot be read as a spreadsheet"),
        ("jobs.parquet", b"PAR1 not really", {}, 422, "cannot be read as Parquet"),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\nA,x,2,2020\nB,y,3,2020\n",
            {},
            422,
            "appears in more than one row",
        ),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\nA,y,2,2020\nB,x,3,2020\n",
            {"duplicates": "bogus"},
            400,
            "form field 'duplicates'",
        ),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\n",
            {"value": ""},
            400,
            "form field 'value': field required",
        ),
        (
            "jobs.csv",
            b"geo,sector,jobs,year\nA,x,1,2020\nB,y,1,2020\n",
            {"period": "yr"},
            422,
            "did you mean 'year'?",
        ),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    make_app: Callable[..., SmartSpecApp],
    upload_form: dict[str, str],
    filename: str,
    content: bytes,
    form: dict[str, str],
    status: int,
    words: str,
    as_role: Callable[..., Any],
) -> None:
    app = make_app()
    before = [r.id for r in app.store.list_datasets()]
    r = as_role(app).post(
        "/api/v1/datasets", files={"file": (filename, content)}, data={**upload_form, **form}
    )
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["status"] == status
    assert words in err["message"]
    _nothing_stored(app, before)


def test_upload_error_names_the_file_and_line(
    make_app: Callable[..., SmartSpecApp], upload_form: dict[str, str], as_role: Callable[..., Any]
) -> None:
    content = b"geo,sector,jobs,year\nA,x,1,2020\nA,y,-2,2020\nB,x,3,2020\nB,y,4,2020\n"
    r = as_role(make_app()).post(
        "/api/v1/datasets", files={"file": ("mine.csv", content)}, data=upload_form
    )
    err = r.json()["error"]
    assert err["type"] == "ValidationError"
    assert err["where"] == "file 'mine.csv', column 'jobs', line 3"
    assert err["expected"] and err["found"] and err["fix"]


def test_missing_form_fields_are_bad_requests(
    make_app: Callable[..., SmartSpecApp], panel_csv: bytes, as_role: Callable[..., Any]
) -> None:
    client = as_role(make_app())
    r = client.post(
        "/api/v1/datasets", files={"file": ("jobs.csv", panel_csv)}, data={"region": "geo"}
    )
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "InvalidRequest"
    assert "form field 'activity'" in r.json()["error"]["message"]
    r = client.post("/api/v1/datasets", data={"region": "geo", "activity": "a", "value": "v"})
    assert r.status_code == 400
    assert "form field 'file'" in r.json()["error"]["message"]


def test_too_large_upload(
    make_app: Callable[..., SmartSpecApp],
    panel_csv: bytes,
    upload_form: dict[str, str],
    as_role: Callable[..., Any],
) -> None:
    app = make_app(settings={"max_upload_mb": 0.001})  # 1,048 bytes
    big = panel_csv + b"".join(b"R9,agri,1,2020\n" for _ in range(200))
    assert len(big) > 1048 + 1000
    r = as_role(app).post("/api/v1/datasets", files={"file": ("jobs.csv", big)}, data=upload_form)
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "UploadTooLargeError"
    _nothing_stored(app, ["us-state-industry"])


def test_too_large_upload_refused_before_reading(
    make_app: Callable[..., SmartSpecApp], upload_form: dict[str, str], as_role: Callable[..., Any]
) -> None:
    app = make_app(settings={"max_upload_mb": 0.01})
    huge = b"geo,sector,jobs,year\n" + b"A,x,1,2020\n" * 20000  # ~220 kB > 10 kB + 64 kB
    r = as_role(app).post("/api/v1/datasets", files={"file": ("jobs.csv", huge)}, data=upload_form)
    assert r.status_code == 413
    assert r.json()["error"]["where"] == "request body"
    _nothing_stored(app, ["us-state-industry"])


def test_delete(
    make_app: Callable[..., SmartSpecApp],
    panel_csv: bytes,
    upload_form: dict[str, str],
    as_role: Callable[..., Any],
) -> None:
    app = make_app()
    client = as_role(app, "admin")
    assert (
        client.post(
            "/api/v1/datasets", files={"file": ("jobs.csv", panel_csv)}, data=upload_form
        ).status_code
        == 201
    )
    assert client.get("/api/v1/datasets/jobs/regions/R4/profile").status_code == 200
    r = client.delete("/api/v1/datasets/jobs")
    assert r.status_code == 204 and r.content == b""
    assert client.get("/api/v1/datasets/jobs").status_code == 404
    assert client.get("/api/v1/datasets/jobs/regions/R4/profile").status_code == 404
    assert client.delete("/api/v1/datasets/jobs").status_code == 404
    _nothing_stored(app, ["us-state-industry"])


def test_bundled_datasets_cannot_be_deleted(client: Any, admin_client: Any) -> None:
    r = admin_client.delete("/api/v1/datasets/us-state-industry")
    assert r.status_code == 409
    assert r.json()["error"]["type"] == "ConflictError"
    assert client.get("/api/v1/datasets/us-state-industry").status_code == 200
