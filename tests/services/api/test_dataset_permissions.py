"""Who may upload and delete datasets: the permission matrix of ``POST /api/v1/datasets`` and
``DELETE /api/v1/datasets/{id}`` (and of the dashboard's upload form).

Uploading needs the role ``admin`` or ``editor``, deleting ``admin``. Nobody signed in, a
malformed, unknown or revoked token, or a token of a deactivated user: 401 (with a
``WWW-Authenticate`` header); another role: 403. Both in the API's error shape, and a refused
request stores nothing. The accounts are real (argon2-hashed passwords, stored tokens).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT

ERROR_KEYS = {"status", "type", "code", "message", "expected", "found", "where", "fix"}
CSV = b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n"
FORM = {"region": "geo", "activity": "sector", "value": "jobs"}

#: Who asks -> (upload status, delete status).
MATRIX = {
    "anonymous": (401, 401),
    "viewer": (403, 403),
    "reviewer": (403, 403),
    "editor": (201, 403),
    "admin": (201, 204),
    "revoked token": (401, 401),
    "malformed token": (401, 401),
    "deactivated user": (401, 401),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmartSpecApp]:
    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("permissions"), datasets=[])
    yield app
    app.close()


@pytest.fixture(scope="module")
def callers(app: SmartSpecApp, token_for: Callable[..., str]) -> dict[str, dict[str, str]]:
    """The request headers of every caller of :data:`MATRIX`.

    The revoked token and the deactivated user are administrators: only the revocation or the
    deactivation can be the reason for the refusal.
    """
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ("viewer", "reviewer", "editor", "admin"):
        headers[role] = {"authorization": f"Bearer {token_for(app, role)}"}
    accounts = app.accounts
    for name in ("revoked-admin", "gone-admin"):
        accounts.add_user(CLI_ACCOUNT, name, "admin", secrets.token_urlsafe(24))
    view, revoked = accounts.create_token(CLI_ACCOUNT, "revoked-admin", "to revoke")
    accounts.revoke_token(CLI_ACCOUNT, view.id)
    _, gone = accounts.create_token(CLI_ACCOUNT, "gone-admin", "of a deactivated user")
    accounts.revoke(CLI_ACCOUNT, "gone-admin", deactivate=True)
    headers["revoked token"] = {"authorization": f"Bearer {revoked}"}
    headers["malformed token"] = {"authorization": "Bearer ss_not-a-token"}
    headers["deactivated user"] = {"authorization": f"Bearer {gone}"}
    return headers


def _files(app: SmartSpecApp) -> set[Path]:
    uploads = app.data_dir / "uploads"
    return {p for p in uploads.rglob("*") if p.is_file()} if uploads.exists() else set()


def _check_refusal(r: Any, status: int, secret: str = "") -> None:
    """A 401 or 403 in the API's error shape (a 401 says how to authenticate)."""
    assert r.status_code == status, r.text[:500]
    err = r.json()["error"]
    assert ERROR_KEYS <= set(err) and err["status"] == status, err
    if status == 401:
        assert (err["code"], err["type"]) == ("unauthenticated", "AuthenticationRequiredError")
        assert r.headers["www-authenticate"].startswith("Bearer"), r.headers
    else:
        assert (err["code"], err["type"]) == ("forbidden", "ForbiddenError")
        assert "www-authenticate" not in r.headers
    assert err["message"] and err["expected"] and err["fix"]
    if secret:
        assert secret not in r.text


def _secret(headers: dict[str, str]) -> str:
    """The secret part of a well-formed token in ``headers`` ('' when there is none)."""
    match = re.search(r"ss_[0-9a-f]{12}_(\S+)", headers.get("authorization", ""))
    return match.group(1) if match else ""


@pytest.mark.parametrize("who", list(MATRIX))
def test_upload_permissions(
    app: SmartSpecApp, callers: dict[str, dict[str, str]], who: str
) -> None:
    status = MATRIX[who][0]
    before, files = [d.id for d in app.catalogue()], _files(app)
    with app.client() as client:
        r = client.post(
            "/api/v1/datasets",
            files={"file": ("p.csv", CSV)},
            data={**FORM, "title": f"Upload by {who}"},
            headers=callers[who],
        )
    secret = _secret(callers[who])
    if status == 201:
        assert r.status_code == 201, r.text[:500]
        assert [d.id for d in app.catalogue()] == [*before, r.json()["id"]]
        app.delete_dataset(r.json()["id"])
    else:
        _check_refusal(r, status, secret)
        assert [d.id for d in app.catalogue()] == before  # nothing stored
        assert _files(app) == files
    assert not secret or secret not in r.text


@pytest.mark.parametrize("who", list(MATRIX))
def test_delete_permissions(
    app: SmartSpecApp, callers: dict[str, dict[str, str]], who: str
) -> None:
    status = MATRIX[who][1]
    record = app.add_dataset(CSV, FORM, f"To delete {who}", filename="d.csv")
    files = _files(app)
    with app.client() as client:
        r = client.delete(f"/api/v1/datasets/{record.id}", headers=callers[who])
    if status == 204:
        assert r.status_code == 204 and r.content == b""
        assert record.id not in [d.id for d in app.catalogue()]
        assert not _files(app) & {app.file_of(record)}
    else:
        _check_refusal(r, status, _secret(callers[who]))
        assert record.id in [d.id for d in app.catalogue()]  # still there, with its file
        stored = app.file_of(record)
        assert _files(app) == files and stored is not None and stored.is_file()
        app.delete_dataset(record.id)


def test_the_same_rules_hold_for_a_dashboard_session(
    app: SmartSpecApp, login_cookie: Callable[..., tuple[str, str]]
) -> None:
    """The API reads the dashboard's session cookie too: the role decides, not the way in."""
    for role in ("viewer", "reviewer", "editor", "admin"):
        upload, delete = MATRIX[role]
        with app.client() as client:
            client.cookies.set(*login_cookie(app, role))
            before = [d.id for d in app.catalogue()]
            r = client.post(
                "/api/v1/datasets", files={"file": ("p.csv", CSV)}, data={**FORM, "title": role}
            )
            if upload == 201:
                assert r.status_code == 201, (role, r.text[:300])
                made = r.json()["id"]
            else:
                _check_refusal(r, upload)
                assert [d.id for d in app.catalogue()] == before
                made = app.add_dataset(CSV, FORM, role, filename="s.csv").id
            r = client.delete(f"/api/v1/datasets/{made}")
            if delete == 204:
                assert r.status_code == 204
            else:
                _check_refusal(r, delete)
                app.delete_dataset(made)
    # an unknown session cookie is nobody
    with app.client() as client:
        client.cookies.set("smartspec_session", secrets.token_urlsafe(32))
        r = client.post("/api/v1/datasets", files={"file": ("p.csv", CSV)}, data=FORM)
        _check_refusal(r, 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "bearer ss_0123456789ab_" + "x" * 43,  # well-formed, unknown
        "Bearer " + "ss_0123456789ab_" + "y" * 200,  # too long a secret
        "Bearer ss_0123456789ab_abc def",
    ],
)
def test_bad_authorization_headers_are_401_and_never_anonymous(
    app: SmartSpecApp, header: str
) -> None:
    """A caller that meant to be someone is told its token does not work, even on a read."""
    with app.client() as client:
        r = client.post(
            "/api/v1/datasets",
            files={"file": ("p.csv", CSV)},
            data=FORM,
            headers={"authorization": header},
        )
        _check_refusal(r, 401)
        assert app.catalogue() == []
        for secretish in ("x" * 43, "y" * 200, "dXNlcjpwYXNz"):
            assert secretish not in r.text


def test_a_token_secret_never_appears_in_an_answer(
    app: SmartSpecApp, token_for: Callable[..., str]
) -> None:
    """Neither a valid token nor a mistyped one is echoed in an answer or an error."""
    token = token_for(app, "viewer")
    secret = token.split("_", 2)[2]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    with app.client() as client:
        answers = [
            client.post("/api/v1/datasets", files={"file": ("p.csv", CSV)}, data=FORM, headers=h)
            for h in (
                {"authorization": f"Bearer {token}"},  # 403: a viewer
                {"authorization": f"Bearer {wrong}"},  # 401: a wrong secret
            )
        ]
        answers.append(
            client.delete("/api/v1/datasets/nope", headers={"authorization": f"Bearer {token}"})
        )
        answers.append(client.get("/api/v1/datasets", headers={"authorization": f"Bearer {token}"}))
    assert [r.status_code for r in answers] == [403, 401, 403, 200]
    for r in answers:
        text = r.text + " ".join(f"{k}: {v}" for k, v in r.headers.items())
        assert secret not in text and wrong.split("_", 2)[2] not in text


def test_a_token_sent_without_its_scheme_is_not_echoed(
    app: SmartSpecApp, token_for: Callable[..., str]
) -> None:
    token = token_for(app, "admin")
    with app.client() as client:
        r = client.post(
            "/api/v1/datasets",
            files={"file": ("p.csv", CSV)},
            data=FORM,
            headers={"authorization": token},  # 'Bearer ' forgotten
        )
    _check_refusal(r, 401)
    secret = token.split("_", 2)[2]
    assert not any(secret[i : i + 4] in r.text for i in range(len(secret) - 3))


# ------------------------------------------------------------------------------ the dashboard
def _token(client: Any) -> str:
    """The CSRF token of the upload form as shown to ``client`` (kept with its cookie)."""
    html = client.get("/upload?lang=en").text
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found is not None, "no upload form"
    return found.group(1)


def _form(client: Any, title: str, token: str) -> Any:
    return client.post(
        "/upload?lang=en",
        files={"file": ("form.csv", CSV, "text/csv")},
        data={**FORM, "title": title, "csrf_token": token},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )


def test_the_dashboard_upload_form_needs_an_uploader(
    app: SmartSpecApp, login_cookie: Callable[..., tuple[str, str]]
) -> None:
    """The form with a valid CSRF token: refused to nobody (a browser whose session ended
    while the form was open) and to a viewer; accepted from an editor."""
    before, files = [d.id for d in app.catalogue()], _files(app)
    with app.client() as browser:
        browser.cookies.set(*login_cookie(app, "editor"))
        token = _token(browser)  # bound to this browser's CSRF cookie, not to the session
        browser.cookies.delete("smartspec_session")
        r = _form(browser, "Anonymous form", token)
        assert r.status_code == 401, r.text[:500]
        assert r.headers["content-type"].startswith("text/html") and "/login" in r.text
        assert [d.id for d in app.catalogue()] == before and _files(app) == files
        browser.cookies.set(*login_cookie(app, "viewer"))
        r = _form(browser, "Viewer form", token)
        assert r.status_code == 403, r.text[:500]
        assert [d.id for d in app.catalogue()] == before and _files(app) == files
        browser.cookies.set(*login_cookie(app, "editor"))
        r = _form(browser, "Editor form", token)
        assert r.status_code == 303, r.text[:500]
        assert r.headers["location"].startswith("/datasets/editor-form")
        assert browser.get(r.headers["location"]).status_code == 200
    assert [d.id for d in app.catalogue()] == [*before, "editor-form"]
    app.delete_dataset("editor-form")
