"""Names on upload: ``region_name`` / ``activity_name`` columns, stored and served."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp, labels_path

#: Three regions x two activities, with names beside the codes (one row without a name).
NAMED_CSV = (
    b"geo,geo_label,sector,sector_label,jobs\n"
    b"R1,North,x,Farming,5\n"
    b"R1,North,y,Software,1\n"
    b"R2,South,x,Farming,2\n"
    b"R2,,y,Software,7\n"
    b"R3,East Coast,x,Farming,3\n"
    b"R3,East Coast,y,Software,3\n"
)

FORM = {"region": "geo", "activity": "sector", "value": "jobs", "title": "Named jobs"}


def _files(app: SmartSpecApp) -> list[Path]:
    uploads = app.data_dir / "uploads"
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def test_names_are_served_after_upload(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> None:
    app = make_app()
    client = as_role(app)
    r = client.post(
        "/api/v1/datasets",
        files={"file": ("named.csv", NAMED_CSV)},
        data={**FORM, "region_name": "geo_label", "activity_name": "sector_label"},
    )
    assert r.status_code == 201, r.text
    regions = client.get("/api/v1/datasets/named-jobs/regions").json()["items"]
    assert {i["code"]: i["name"] for i in regions} == {
        "R1": "North",
        "R2": "South",
        "R3": "East Coast",
    }
    activities = client.get("/api/v1/datasets/named-jobs/activities?q=soft").json()["items"]
    assert activities == [{"code": "y", "name": "Software", "name_lang": None, "parent": None}]
    profile = client.get("/api/v1/datasets/named-jobs/activities/y/profile").json()
    assert profile["activity_name"] == "Software"
    # the names are a file beside the data, and go with it
    stored = app.file_of(app.dataset("named-jobs"))
    assert _files(app) == sorted([stored, labels_path(stored)])
    # a fresh app on the same data dir still serves them
    again = SmartSpecApp(data_dir=app.data_dir, datasets=["us-state-industry"])
    try:
        assert again.labels("named-jobs", "region").loc["R3", "name"] == "East Coast"
    finally:
        again.close()
    assert client.delete("/api/v1/datasets/named-jobs").status_code == 204
    assert _files(app) == []


def test_only_one_axis_named(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> None:
    client = as_role(make_app(), "editor")
    r = client.post(
        "/api/v1/datasets",
        files={"file": ("named.csv", NAMED_CSV)},
        data={**FORM, "activity_name": "sector_label"},
    )
    assert r.status_code == 201, r.text
    regions = client.get("/api/v1/datasets/named-jobs/regions").json()["items"]
    assert all(i["name"] is None for i in regions)
    activities = client.get("/api/v1/datasets/named-jobs/activities").json()["items"]
    assert [i["name"] for i in activities] == ["Farming", "Software"]


@pytest.mark.parametrize(
    ("form", "content", "words", "where"),
    [
        (
            {"region_name": "geo_lable"},
            NAMED_CSV,
            "the region name column 'geo_lable'",
            "file 'named.csv'",
        ),
        (
            {"activity_name": "nope"},
            NAMED_CSV,
            "the activity name column 'nope'",
            "file 'named.csv'",
        ),
        (
            {"region_name": "geo_label"},
            NAMED_CSV.replace(b"R3,East Coast,y", b"R3,Eastern,y"),
            "a region code has more than one name",
            "file 'named.csv', column 'geo_label', line 7",
        ),
    ],
)
def test_bad_name_columns_are_refused_and_leave_nothing(
    make_app: Callable[..., SmartSpecApp],
    form: dict[str, str],
    content: bytes,
    words: str,
    where: str,
    as_role: Callable[..., Any],
) -> None:
    app = make_app()
    before = [r.id for r in app.store.list_datasets()]
    r = as_role(app).post(
        "/api/v1/datasets", files={"file": ("named.csv", content)}, data={**FORM, **form}
    )
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] == "ValidationError"
    assert words in err["message"]
    assert err["where"] == where
    assert err["expected"] and err["found"] and err["fix"]
    if "geo_lable" in words:
        assert "did you mean 'geo_label'?" in err["fix"]
    assert [r.id for r in app.store.list_datasets()] == before
    assert _files(app) == []


def test_dashboard_upload_form_passes_the_name_columns(
    make_app: Callable[..., SmartSpecApp], login_cookie: Callable[..., tuple[str, str]]
) -> None:
    app = make_app()
    client = app.client()
    client.cookies.set(*login_cookie(app, "editor"))
    form = client.get("/upload?lang=es").text
    assert 'name="region_name"' in form and 'name="activity_name"' in form
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
    r = client.post(
        "/upload",
        files={"file": ("named.csv", NAMED_CSV, "text/csv")},
        data={
            **FORM,
            "region_name": "geo_label",
            "activity_name": "sector_label",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:800]
    page = client.get("/datasets/named-jobs/activities/y?lang=en").text
    assert "<h1>Software" in page and ">East Coast</a>" in page
    bad = client.post(
        "/upload?lang=en",
        files={"file": ("named.csv", NAMED_CSV, "text/csv")},
        data={**FORM, "region_name": "nope", "csrf_token": token},
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'value="nope"' in bad.text  # the form keeps what was typed
