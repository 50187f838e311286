"""Hostile uploads through the API (issue 14, finding 2): a small workbook that expands to
millions of rows is refused at once with a clear 422, a file whose reading runs out of the
worker's budget with a 413, UTF-16 text is read; nothing is stored for a refused upload.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

import smartspec.io.worker as worker
from smartspec.app import SmartSpecApp


def _bomb_xlsx(n_rows: int = 3_000_000) -> bytes:
    """A workbook of ~1 MB whose one sheet expands to ``n_rows`` rows (~100 MB of XML)."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData>'
        + b'<row><c t="n"><v>1</v></c></row>' * n_rows
        + b"</sheetData></worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def _nothing_stored(app: SmartSpecApp, before: list[str]) -> None:
    assert [r.id for r in app.store.list_datasets()] == before
    uploads = app.data_dir / "uploads"
    left = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
    assert left == []


FORM = {"region": "geo", "activity": "sector", "value": "jobs"}


def test_a_workbook_bomb_is_refused_quickly_and_leaves_nothing(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> None:
    app = make_app()
    client = as_role(app)
    before = [r.id for r in app.store.list_datasets()]
    content = _bomb_xlsx()
    assert len(content) < 2 * 1024 * 1024
    start = time.perf_counter()
    r = client.post(
        "/api/v1/datasets", files={"file": ("bomb.xlsx", io.BytesIO(content))}, data=FORM
    )
    assert time.perf_counter() - start < 10
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] == "ValidationError"
    assert "too large" in err["message"] and "expands too much" in err["message"]
    assert err["where"] == "file 'bomb.xlsx'"
    assert "100:1" in err["expected"] and "sheet1.xml" in err["found"]
    assert "CSV" in err["fix"] and "split" in err["fix"]
    _nothing_stored(app, before)


def test_an_upload_over_the_worker_budget_is_413_and_leaves_nothing(
    make_app: Callable[..., SmartSpecApp],
    monkeypatch: pytest.MonkeyPatch,
    as_role: Callable[..., Any],
) -> None:
    app = make_app()
    client = as_role(app)
    before = [r.id for r in app.store.list_datasets()]
    monkeypatch.setattr(worker, "WORKER_TIMEOUT", 0.001)
    content = b"geo,sector,jobs\n" + b"".join(
        f"R{i % 500},A{i % 37},{i}\n".encode() for i in range(20_000)
    )
    r = client.post("/api/v1/datasets", files={"file": ("big.csv", content)}, data=FORM)
    assert r.status_code == 413, r.text
    err = r.json()["error"]
    assert err["type"] == "UploadTooLargeError"
    assert "too long to read" in err["message"] and err["where"] == "file 'big.csv'"
    _nothing_stored(app, before)


def test_a_utf16_upload_is_read(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> None:
    app = make_app()
    text = "geo,sector,jobs\nZürich,café,1\nZürich,thé,2\nGenève,café,3.5\n"
    r = as_role(app).post(
        "/api/v1/datasets",
        files={"file": ("jobs.csv", b"\xff\xfe" + text.encode("utf-16-le"))},
        data=FORM,
    )
    assert r.status_code == 201, r.text
    assert app.matrix(r.json()["id"]).n_regions == 2
