"""The dashboard's side of the same-origin protection: the upload form's CSRF token (signed
double-submit cookie) and read-only mode (no upload link, no form, writes refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartspec.app import SmartSpecApp

from .conftest import UPLOAD_CSV

FIELDS = {"region": "nuts", "activity": "sector", "value": "jobs", "period": "year"}
TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([0-9a-f]{64})">')


@pytest.fixture
def app(tmp_path: Path) -> Iterator[SmartSpecApp]:
    app = SmartSpecApp(data_dir=tmp_path / "data", datasets=["us-state-industry"])
    yield app
    app.close()


@pytest.fixture
def read_only_app(tmp_path: Path) -> Iterator[SmartSpecApp]:
    app = SmartSpecApp(
        data_dir=tmp_path / "ro", datasets=["us-state-industry"], settings={"read_only": True}
    )
    yield app
    app.close()


def _post(client, token: str | None, **extra: str):
    data = {**FIELDS, **({"csrf_token": token} if token is not None else {}), **extra}
    return client.post(
        "/upload?lang=en",
        files={"file": ("spain.csv", UPLOAD_CSV.encode())},
        data=data,
        headers={"accept": "text/html"},
        follow_redirects=False,
    )


def test_the_upload_form_carries_a_token_bound_to_a_cookie(app: SmartSpecApp, login_cookie) -> None:
    client = app.client()
    client.cookies.set(*login_cookie(app, "editor"))  # the form is shown to who may upload
    r = client.get("/upload")
    token = TOKEN.search(r.text).group(1)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("smartspec_csrf=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    again = client.get("/upload")  # the browser keeps its cookie, and so its token
    assert "set-cookie" not in again.headers
    assert TOKEN.search(again.text).group(1) == token
    browser = app.client()
    browser.cookies.set(*login_cookie(app, "admin"))
    other = browser.get("/upload")  # another browser: another cookie, another token
    assert TOKEN.search(other.text).group(1) != token


def test_a_valid_token_uploads(app: SmartSpecApp, login_cookie) -> None:
    client = app.client()
    client.cookies.set(*login_cookie(app, "editor"))  # a signed-in editor may upload
    token = TOKEN.search(client.get("/upload").text).group(1)
    r = _post(client, token, title="With token")
    assert r.status_code == 303, r.text[:500]
    assert [d.id for d in app.store.list_datasets("uploaded")] == ["with-token"]


def test_a_form_without_a_valid_token_is_refused(app: SmartSpecApp, login_cookie) -> None:
    client = app.client()
    client.cookies.set(*login_cookie(app, "editor"))  # refused although it may upload
    token = TOKEN.search(client.get("/upload").text).group(1)
    stranger = app.client()
    stranger.cookies.set(*login_cookie(app, "admin"))
    stranger_token = TOKEN.search(stranger.get("/upload").text).group(1)
    attempts = {
        "no token": _post(client, None),
        "a wrong token": _post(client, "0" * 64),
        "another browser's token": _post(client, stranger_token),
        "no cookie": _post(app.client(), token),
    }
    for why, r in attempts.items():
        assert r.status_code == 403, why
        assert r.headers["content-type"].startswith("text/html"), why
        assert "The form could not be accepted" in r.text, why
    assert app.store.list_datasets("uploaded") == []
    # a script sees the JSON error
    r = app.client().post("/upload", files={"file": ("x.csv", b"a")}, data=FIELDS)
    assert r.status_code == 403 and r.json()["error"]["type"] == "CsrfTokenError"


def test_the_refusal_page_is_translated(app: SmartSpecApp) -> None:
    r = app.client().post(
        "/upload?lang=es",
        files={"file": ("x.csv", b"a")},
        data=FIELDS,
        headers={"accept": "text/html"},
    )
    assert r.status_code == 403 and "No se pudo aceptar el formulario" in r.text


def test_read_only_hides_the_upload_link_and_form(
    app: SmartSpecApp, read_only_app: SmartSpecApp
) -> None:
    assert 'href="/upload"' in app.client().get("/").text  # the control: shown when writable
    client = read_only_app.client()
    home = client.get("/?lang=en")
    assert home.status_code == 200 and 'href="/upload"' not in home.text
    page = client.get("/upload?lang=en")
    assert page.status_code == 403
    assert '<form class="upload"' not in page.text and "csrf_token" not in page.text
    assert "This server is read-only: uploads are turned off." in page.text
    assert "Este servidor es de solo lectura" in client.get("/upload?lang=es").text


def test_read_only_refuses_the_form(read_only_app: SmartSpecApp) -> None:
    r = _post(read_only_app.client(), "0" * 64)
    assert r.status_code == 403 and "This server is read-only" in r.text
    assert read_only_app.store.list_datasets("uploaded") == []
