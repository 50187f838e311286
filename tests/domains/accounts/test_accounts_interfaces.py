"""Accounts through the command line (``smartspec user``, ``smartspec token``) and the API
(``/api/v1/account``, ``/api/v1/users``), and the private platform (``public_read`` off)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.services.cli import main

PASSWORD = "a long enough passphrase"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_user_and_token_commands(tmp_path: Path) -> None:
    where = ["--data-dir", str(tmp_path)]
    code, out = _run(
        "user",
        "add",
        "ana",
        "--role",
        "editor",
        "--region",
        "cz064",
        "--password-stdin",
        *where,
        stdin=PASSWORD + "\n",
    )
    assert code == 0, out
    assert PASSWORD not in out
    code, out = _run("user", "list", "--json", *where)
    assert code == 0 and json.loads(out)[0]["regions"] == ["CZ064"]
    code, token = _run("token", "create", "ana", "--label", "import", *where)
    assert code == 0 and token.startswith("ss_")
    code, out = _run("token", "list", "ana", *where)
    assert code == 0 and token.strip() not in out and "import" in out
    code, out = _run("user", "grant", "nobody", "--role", "viewer", *where)
    assert code == 2 and "no user 'nobody'" in out
    code, out = _run(
        "user", "add", "bob", "--role", "viewer", "--password-stdin", *where, stdin="tiny\n"
    )
    assert code == 2 and "at least 12" in out and "tiny" not in out
    code, out = _run("token", "revoke", token.strip(), *where)
    assert code == 0 and "revoked" in out


@pytest.fixture
def app(tmp_path: Path) -> SmartSpecApp:
    made = SmartSpecApp(data_dir=tmp_path, datasets=["us-state-industry"])
    made.accounts.add_user(CLI_ACCOUNT, "root", "admin", PASSWORD)
    made.accounts.add_user(CLI_ACCOUNT, "ed", "editor", PASSWORD, ["CZ064"])
    yield made
    made.close()


def _bearer(app: SmartSpecApp, name: str) -> dict[str, str]:
    _view, secret = app.accounts.create_token(CLI_ACCOUNT, name)
    return {"Authorization": f"Bearer {secret}"}


def test_the_account_api(app: SmartSpecApp) -> None:
    client = app.client()
    anonymous = client.get("/api/v1/account")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    ed = _bearer(app, "ed")
    assert client.get("/api/v1/account", headers=ed).json()["regions"] == ["CZ064"]
    made = client.post("/api/v1/account/tokens", json={"label": "ci"}, headers=ed)
    assert made.status_code == 201
    secret = made.json()["token"]
    listed = client.get("/api/v1/account/tokens", headers=ed).text
    assert secret not in listed and "ci" in listed
    gone = client.delete(f"/api/v1/account/tokens/{made.json()['id']}", headers=ed)
    assert gone.status_code == 204
    refused = client.get("/api/v1/account", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert secret not in refused.text


def test_user_administration_is_for_administrators(app: SmartSpecApp) -> None:
    client = app.client()
    root, ed = _bearer(app, "root"), _bearer(app, "ed")
    body = {"name": "vera", "role": "viewer", "password": PASSWORD}
    assert client.post("/api/v1/users", json=body, headers=ed).status_code == 403
    assert client.post("/api/v1/users", json=body).status_code == 401
    made = client.post("/api/v1/users", json=body, headers=root)
    assert made.status_code == 201 and PASSWORD not in made.text
    again = client.post("/api/v1/users", json=body, headers=root)
    assert again.status_code == 409
    changed = client.patch(
        "/api/v1/users/vera", json={"role": "editor", "add_regions": ["CZ080"]}, headers=root
    )
    assert changed.json()["role"] == "editor" and changed.json()["regions"] == ["CZ080"]
    assert client.get("/api/v1/users", headers=ed).status_code == 403
    names = [u["name"] for u in client.get("/api/v1/users", headers=root).json()]
    assert names == ["ed", "root", "vera"]
    log = client.get("/api/v1/users/events", headers=root).json()
    assert log[0]["action"] == "user.grant" and log[0]["actor"] == "root"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "vera", "role": "viewer", "password": "tiny-secret"},
        {"name": "vera", "role": "viewer", "password": ["tiny-secret"]},
        {"name": "vera", "role": 5, "password": "tiny-secret-words"},
    ],
)
def test_passwords_never_come_back_in_errors(app: SmartSpecApp, body: dict) -> None:
    answer = app.client().post("/api/v1/users", json=body, headers=_bearer(app, "root"))
    assert answer.status_code in (400, 422)
    assert "tiny-secret" not in answer.text


def test_a_private_platform_needs_an_account_to_read(tmp_path: Path) -> None:
    app = SmartSpecApp(
        data_dir=tmp_path, datasets=["us-state-industry"], settings={"public_read": False}
    )
    try:
        app.accounts.add_user(CLI_ACCOUNT, "vera", "viewer", PASSWORD)
        client = app.client()
        assert client.get("/api/v1/health").status_code == 200
        refused = client.get("/api/v1/datasets")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthenticated"
        assert client.get("/api/v1/datasets", headers=_bearer(app, "vera")).status_code == 200
        # the answer given to the viewer is not served to the next anonymous request
        assert client.get("/api/v1/datasets").status_code == 401
    finally:
        app.close()


def test_a_read_only_private_platform_still_lets_its_readers_log_in(tmp_path: Path) -> None:
    import re

    app = SmartSpecApp(
        data_dir=tmp_path,
        datasets=["us-state-industry"],
        settings={"public_read": False, "read_only": True},
    )
    try:
        app.accounts.add_user(CLI_ACCOUNT, "vera", "admin", PASSWORD)
        client = app.client()
        assert client.get("/", follow_redirects=False).status_code == 303
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        answer = client.post(
            "/login",
            data={"name": "vera", "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert client.get("/api/v1/datasets").status_code == 200
        refused = client.post("/api/v1/account/tokens", json={"label": "x"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    finally:
        app.close()


ROLES_AND_NOBODY = ["anonymous", "viewer", "reviewer", "editor", "admin"]


@pytest.mark.parametrize("who", ROLES_AND_NOBODY)
@pytest.mark.parametrize(
    "action", ["add user", "change user", "list users", "account log", "own token", "revoke token"]
)
def test_account_endpoints_by_role(app: SmartSpecApp, who: str, action: str) -> None:
    from smartspec.domains.accounts.rules import Account

    client = app.client()
    headers: dict[str, str] = {}
    if who != "anonymous":
        name = f"m-{who}"
        app.accounts.add_user(CLI_ACCOUNT, name, who, PASSWORD, ["CZ064"])
        headers = _bearer(app, name)
    root = Account(1, "root", "admin")
    victim, _secret = app.accounts.create_token(CLI_ACCOUNT, "ed", "victim")
    if action == "add user":
        body = {"name": "newbie", "role": "viewer", "password": PASSWORD}
        answer = client.post("/api/v1/users", json=body, headers=headers)
    elif action == "change user":
        answer = client.patch("/api/v1/users/ed", json={"role": "viewer"}, headers=headers)
    elif action == "list users":
        answer = client.get("/api/v1/users", headers=headers)
    elif action == "account log":
        answer = client.get("/api/v1/users/events", headers=headers)
    elif action == "own token":
        answer = client.post("/api/v1/account/tokens", json={"label": "mine"}, headers=headers)
    else:  # another user's token
        answer = client.delete(f"/api/v1/account/tokens/{victim.id}", headers=headers)
    own = action == "own token"
    if who == "anonymous":
        assert answer.status_code == 401
    elif who == "admin" or own:
        assert answer.status_code < 300, answer.text
    else:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "forbidden"
    users = {u.name: u for u in app.accounts.list_users(root)}
    changed = answer.status_code < 300
    assert ("newbie" in users) == (changed and action == "add user")
    assert (users["ed"].role == "viewer") == (changed and action == "change user")
    revoked = app.accounts.list_tokens(root, "ed")[-1].revoked_at is not None
    assert revoked == (changed and action == "revoke token")
