"""Same-origin protection without accounts (:mod:`smartspec.services.api.security`): the Host
allow-list, the origin check on state-changing requests, read-only mode, the security headers,
no server paths in answers, the shared secret key and the ``serve`` options."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.services.cli import main

ERROR_KEYS = {"status", "type", "code", "message", "expected", "found", "where", "fix"}
CSV = b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n"
FORM = {"region": "geo", "activity": "sector", "value": "jobs"}


def _error(r: Any, status: int, type_: str) -> dict[str, Any]:
    assert r.status_code == status, r.text[:500]
    err = r.json()["error"]
    assert set(err) == ERROR_KEYS and err["status"] == status and err["type"] == type_, err
    return err


def _upload(client: Any, **headers: str) -> Any:
    return client.post(
        "/api/v1/datasets", files={"file": ("ok.csv", CSV)}, data=FORM, headers=headers
    )


# ------------------------------------------------------------------------------ Host
@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.2",
        "",
        "localhost.evil.example",
        "[::2]:8000",
        "a b",
    ],
)
def test_an_unknown_host_is_refused(client: Any, host: str) -> None:
    """DNS rebinding: a page of evil.example whose name resolves to 127.0.0.1 reads nothing."""
    r = client.get("/api/v1/datasets", headers={"host": host})
    err = _error(r, 400, "HostNotAllowedError")
    assert err["where"] == "Host header"
    assert "us-state-industry" not in r.text
    page = client.get("/", headers={"host": host, "accept": "text/html"})
    assert page.status_code == 400 and "us-state-industry" not in page.text
    # the loopback names, with or without a port, are answered
    for good in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/v1/health", headers={"host": good}).status_code == 200, good


def test_the_allowed_hosts_setting(make_app: Callable[..., SmartSpecApp]) -> None:
    client = make_app(settings={"allowed_hosts": "data.example.org, *.lan"}).client()
    for host in ("data.example.org", "data.example.org:443", "box.lan:8000", "localhost"):
        assert client.get("/api/v1/health", headers={"host": host}).status_code == 200, host
    for host in ("example.org", "lan", "evil.example", "data.example.org.evil.example"):
        _error(client.get("/api/v1/health", headers={"host": host}), 400, "HostNotAllowedError")


# ------------------------------------------------------------------------------ origin
@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://localhost:9999"},  # another port is another origin
        {"origin": "https://localhost.evil.example"},
        {"referer": "http://evil.example/page.html"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://localhost"},
    ],
)
def test_a_cross_origin_write_is_refused(
    make_app: Callable[..., SmartSpecApp],
    headers: dict[str, str],
    login_cookie: Callable[..., tuple[str, str]],
) -> None:
    app = make_app()
    client = app.client()
    client.cookies.set(*login_cookie(app, "admin"))  # a signed-in administrator's browser
    err = _error(_upload(client, **headers), 403, "CrossOriginError")
    assert "another site" in err["message"]
    assert app.store.list_datasets("uploaded") == []
    _error(
        client.delete("/api/v1/datasets/us-state-industry", headers=headers),
        403,
        "CrossOriginError",
    )
    # the dashboard's form: the same refusal, as a page for a browser
    page = client.post(
        "/upload",
        data=FORM,
        files={"file": ("ok.csv", CSV)},
        headers={**headers, "accept": "text/html"},
    )
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "Request from another site refused" in page.text
    assert app.store.list_datasets("uploaded") == []
    # reads are not checked (and there is no CORS: the page cannot read the answer)
    r = client.get("/api/v1/datasets", headers=headers)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    # the same writes from this server's own pages, or from a script, pass
    for same in (
        {},
        {"origin": "http://localhost"},
        {"referer": "http://localhost/upload"},
        {"origin": "http://localhost:80", "sec-fetch-site": "same-origin"},
    ):
        r = _upload(client, **same)
        assert r.status_code == 201, (same, r.text[:300])
        assert client.delete(f"/api/v1/datasets/{r.json()['id']}", headers=same).status_code == 204


# ------------------------------------------------------------------------------ read-only
def test_read_only_refuses_every_write(make_app: Callable[..., SmartSpecApp]) -> None:
    app = make_app(settings={"read_only": True})
    client = app.client()
    err = _error(_upload(client), 403, "ReadOnlyError")
    assert "read-only" in err["message"] and "--read-only" in err["fix"]
    _error(client.delete("/api/v1/datasets/us-state-industry"), 403, "ReadOnlyError")
    _error(client.put("/api/v1/datasets/us-state-industry"), 403, "ReadOnlyError")
    assert app.store.list_datasets("uploaded") == []
    assert client.get("/api/v1/datasets").status_code == 200
    settings = {s["name"]: s["value"] for s in client.get("/api/v1/settings").json()["items"]}
    assert settings["read_only"] is True


def test_the_read_only_setting_is_a_yes_or_no(make_app: Callable[..., SmartSpecApp]) -> None:
    assert make_app(settings={"read_only": "false"}).settings["read_only"] is False
    assert make_app(settings={"read_only": "yes"}).settings["read_only"] is True
    with pytest.raises(ValidationError, match="wrong type"):
        make_app(settings={"read_only": "maybe"})


# ------------------------------------------------------------------------------ headers
def _check_headers(r: Any) -> None:
    csp = r.headers.get("content-security-policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp, (r.request.url, csp)
    assert "unsafe-eval" not in csp
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("x-frame-options") == "DENY"
    assert r.headers.get("referrer-policy") in ("same-origin", "strict-origin-when-cross-origin")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/health",
        "/api/v1/datasets/nope",
        "/api/openapi.json",
        "/",
        "/upload",
        "/datasets/us-state-industry",
        "/no/such/page",
        "/static/app.js",
        "/api/v1/datasets/us-state-industry/downloads/regions.csv",
    ],
)
def test_every_response_carries_the_security_headers(client: Any, path: str) -> None:
    r = client.get(path, headers={"accept": "text/html"})
    _check_headers(r)
    if path.startswith(("/datasets", "/upload")) or path == "/":
        # the dashboard's pages: no inline script or style at all
        assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_refusals_and_server_errors_carry_the_headers(
    make_app: Callable[..., SmartSpecApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    client = app.client(raise_server_exceptions=False)
    _check_headers(client.get("/api/v1/health", headers={"host": "evil.example"}))
    _check_headers(_upload(client, origin="http://evil.example"))

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(app.store, "list_datasets", broken)
    r = client.get("/api/v1/datasets")
    assert r.status_code == 500
    _check_headers(r)


# ------------------------------------------------------------------------------ no paths
def test_settings_show_no_server_path_or_credentials(
    make_app: Callable[..., SmartSpecApp], tmp_path: Path
) -> None:
    app = make_app(database_url=f"sqlite:///{tmp_path / 'elsewhere' / 'store.db'}")
    text = app.client().get("/api/v1/settings").text
    values = {s["name"]: s["value"] for s in json.loads(text)["items"]}
    assert str(app.data_dir) not in text and "elsewhere" not in text and "store.db" not in text
    assert values["data_dir"] == "(hidden)"
    assert values["database_url"] == "sqlite://(hidden)"
    assert values["allowed_hosts"] == "localhost,127.0.0.1,[::1]"


def test_error_messages_show_no_server_path(
    make_app: Callable[..., SmartSpecApp], as_role: Callable[..., Any]
) -> None:
    app = make_app()
    client = as_role(app)
    r = client.post("/api/v1/datasets", files={"file": ("bad.parquet", b"not parquet")}, data=FORM)
    err = _error(r, 422, "ValidationError")
    assert str(app.data_dir) not in r.text and ".staging" not in r.text, err
    assert "bad.parquet" in err["message"]
    # a stored file that went missing: its name only, not where it was
    created = _upload(client).json()
    record = app.dataset(created["id"])
    stored = (
        app.data_dir / record.path if not Path(record.path).is_absolute() else Path(record.path)
    )
    stored.unlink()
    app.forget(created["id"])
    r = client.get(f"/api/v1/datasets/{created['id']}/regions")
    assert r.status_code >= 400
    assert str(app.data_dir) not in r.text and "/uploads/" not in r.text, r.text


def test_redact_keeps_file_names_only() -> None:
    from smartspec.services.api.security import redact

    roots = ["/srv/smart data", "/srv/data"]
    assert redact("open '/srv/data/uploads/.staging/ab/x.parquet' failed", roots) == (
        "open 'x.parquet' failed"
    )
    assert redact("in /srv/data", roots) == "in <data folder>"
    assert (
        redact("/srv/database/x.csv and /srv/data/", roots) == "/srv/database/x.csv and "
        "<data folder>"
    )
    assert redact(None, roots) is None


# ------------------------------------------------------------------------------ secret key
def test_one_secret_key_per_data_folder(
    make_app: Callable[..., SmartSpecApp], tmp_path: Path
) -> None:
    from smartspec.services.api.security import load_secret

    a = make_app(data_dir=tmp_path / "shared")
    b = make_app(data_dir=tmp_path / "shared")
    other = make_app(data_dir=tmp_path / "other")
    tokens = [app.asgi().state.csrf.token_for("x" * 43) for app in (a, b, other)]
    assert tokens[0] == tokens[1] != tokens[2]
    key = tmp_path / "shared" / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert load_secret(tmp_path / "shared") == load_secret(tmp_path / "shared")
    assert sorted(p.name for p in key.parent.iterdir() if "secret" in p.name) == ["secret.key"]


# ------------------------------------------------------------------------------ serve
def test_serve_allowed_host_and_read_only_flags(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            "us-state-industry",
            "--data-dir",
            str(tmp_path),
            "--allowed-host",
            "data.example.org",
            "--allowed-host",
            "*.lan",
            "--read-only",
            "--get",
            "/api/v1/settings",
        ],
    )
    assert r.exit_code == 0, r.output
    values = {s["name"]: s["value"] for s in json.loads(r.output)["items"]}
    assert values["read_only"] is True
    assert values["allowed_hosts"] == "localhost,127.0.0.1,[::1],data.example.org,*.lan"


@pytest.mark.parametrize("host", ["192.0.2.10", "0.0.0.0"])
def test_serve_on_a_public_address_warns_and_allows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    import socket

    import uvicorn

    from smartspec.services.cli import serve as serve_module

    served: dict[str, Any] = {}

    def fake_run(asgi: Any, **kwargs: Any) -> None:
        served["settings"] = asgi.state.smartspec.settings
        served["host"] = kwargs["host"]

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(serve_module, "_port_free", lambda host, port: True)
    quiet = CliRunner().invoke(
        main, ["serve", "--data", "us-state-industry", "--data-dir", str(tmp_path)]
    )  # the default, 127.0.0.1
    assert quiet.exit_code == 0 and "WARNING" not in quiet.output
    assert served["settings"]["allowed_hosts"] == "localhost,127.0.0.1,[::1]"
    r = CliRunner().invoke(
        main, ["serve", "--data", "us-state-industry", "--data-dir", str(tmp_path), "--host", host]
    )
    assert r.exit_code == 0, r.output
    assert "WARNING" in r.stderr and host in r.stderr and "no accounts" in r.stderr
    assert "WARNING" not in r.stdout
    allowed = served["settings"]["allowed_hosts"].split(",")
    assert allowed[:3] == ["localhost", "127.0.0.1", "[::1]"]
    assert (host in allowed) if host != "0.0.0.0" else (socket.gethostname().lower() in allowed)
