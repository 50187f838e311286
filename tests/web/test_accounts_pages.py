"""The accounts pages in-process: login and logout, the account page (password, API tokens),
the administrators' user page, the private platform's gate, the header and the upload page by
role, CSRF on every form, and what must never be shown (passwords; a token's secret twice).

Real components throughout: a real SmartSpecApp on a temporary SQLite database, real argon2
hashes, the real FastAPI application through its test client.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

pytest.importorskip("argon2")

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.rules import ROLES
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.services.api.deps import SESSION_COOKIE
from smartspec.services.api.security import CSRF_COOKIE

DATASETS = ["us-state-industry"]
TOKEN_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
SECRET_RE = re.compile(r"ss_[0-9a-f]{12}_[A-Za-z0-9_-]{20,100}")
_names = itertools.count()


def password_of(name: str) -> str:
    """The (strong, distinctive) password the tests give user ``name``."""
    return f"Pw-{name}-Stapled-Horse-91"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    made = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("accounts-pages"),
        datasets=DATASETS,
        settings={"login_max_failures": 3},
    )
    yield made
    made.close()


def add_user(app: SmartSpecApp, role: str, regions: tuple[str, ...] = ()) -> str:
    """A new user of ``role`` (name ``p<n>-<role>``, password :func:`password_of`)."""
    name = f"p{next(_names)}-{role}"
    app.accounts.add_user(CLI_ACCOUNT, name, role, password_of(name), regions)
    return name


def form_token(client: Any, path: str = "/login") -> str:
    """The CSRF token of a page's forms, as the browser gets it (the client keeps the cookie)."""
    response = client.get(path)
    found = TOKEN_RE.search(response.text)
    assert found, f"no CSRF token on {path} ({response.status_code})"
    return found.group(1)


def log_in(app: SmartSpecApp, name: str, **client_kwargs: Any) -> Any:
    """A client signed in as ``name`` through the login form."""
    client = app.client(**client_kwargs)
    r = client.post(
        "/login",
        data={"csrf_token": form_token(client), "name": name, "password": password_of(name)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    return client


@pytest.fixture(scope="module")
def clients(app: SmartSpecApp) -> dict[str | None, Any]:
    """One signed-in client per role (and an anonymous one under ``None``)."""
    out: dict[str | None, Any] = {None: app.client()}
    for role in ROLES:
        out[role] = log_in(app, add_user(app, role, ("CZ064",) if role == "editor" else ()))
    return out


# ---------------------------------------------------------------------------- login
def test_login_starts_a_new_session(app: SmartSpecApp) -> None:
    name = add_user(app, "editor")
    client = app.client()
    page = client.get("/login?next=/account")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert 'name="next" value="/account"' in page.text
    old_account = app.accounts.authenticate(name, password_of(name))
    old = app.accounts.start_session(old_account)
    client.cookies.set(SESSION_COOKIE, old)
    r = client.post(
        "/login",
        data={
            "csrf_token": TOKEN_RE.search(page.text).group(1),
            "name": name,
            "password": password_of(name),
            "next": "/account",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account"
    cookie = r.headers["set-cookie"]
    value = re.search(rf"{SESSION_COOKIE}=([^;]+)", cookie).group(1)
    assert value != old
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={int(app.accounts.session_hours * 3600)}" in cookie
    assert "Secure" not in cookie  # plain http in the test
    assert app.accounts.session_account(old) is None  # the earlier session ended
    assert app.accounts.session_account(value).name == name
    client.cookies.set(SESSION_COOKIE, value)
    account = client.get("/account")
    assert account.status_code == 200
    assert 'id="nav-account"' in account.text and f">{name}</a>" in account.text
    assert 'id="logout"' in account.text and 'id="nav-login"' not in account.text


def test_wrong_password_shows_the_form_again(app: SmartSpecApp) -> None:
    name = add_user(app, "viewer")
    client = app.client()
    wrong = "Not-The-Password-4711"
    r = client.post(
        "/login",
        data={"csrf_token": form_token(client), "name": name, "password": wrong},
        follow_redirects=False,
    )
    assert r.status_code == 401
    assert 'id="login-error"' in r.text and "Wrong user name or password" in r.text
    assert f'value="{name}"' in r.text  # the name is kept, the password never
    assert wrong not in r.text and password_of(name) not in r.text
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    missing = client.post(
        "/login", data={"csrf_token": form_token(client), "name": name}, follow_redirects=False
    )
    assert missing.status_code == 400 and "Give your user name" in missing.text


def test_too_many_failures_lock_the_login(app: SmartSpecApp) -> None:
    name = add_user(app, "viewer")
    client = app.client()
    token = form_token(client)
    for _ in range(app.accounts.max_failures):
        r = client.post("/login", data={"csrf_token": token, "name": name, "password": "x" * 14})
        assert r.status_code == 401
    right = client.post(
        "/login",
        data={"csrf_token": token, "name": name, "password": password_of(name)},
        follow_redirects=False,
    )
    assert right.status_code == 429  # even the right password, until the window passes
    assert int(right.headers["retry-after"]) == int(app.accounts.window_s)
    assert "Too many failed logins" in right.text
    assert password_of(name) not in right.text
    assert SESSION_COOKIE not in right.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("//evil.example", "/"),
        ("//evil.example/account", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/login", "/"),
        ("/datasets/us-state-industry?period=2020", "/datasets/us-state-industry?period=2020"),
    ],
)
def test_next_is_a_local_path_only(app: SmartSpecApp, target: str, expected: str) -> None:
    name = add_user(app, "viewer")
    client = app.client()
    r = client.post(
        "/login",
        data={
            "csrf_token": form_token(client),
            "name": name,
            "password": password_of(name),
            "next": target,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == expected
    shown = client.get("/login", params={"next": target}).text
    assert f'name="next" value="{expected}"' in shown.replace("&amp;", "&")


def test_logout_ends_the_session(app: SmartSpecApp) -> None:
    client = log_in(app, add_user(app, "reviewer"))
    value = client.cookies.get(SESSION_COOKIE)
    assert app.accounts.session_account(value) is not None
    r = client.post("/logout", data={"csrf_token": form_token(client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert re.search(rf'{SESSION_COOKIE}=(""|);.*Max-Age=0', r.headers["set-cookie"])
    assert app.accounts.session_account(value) is None
    home = client.get("/")
    assert 'id="nav-login"' in home.text and 'id="logout"' not in home.text


# ---------------------------------------------------------------------------- CSRF
def _bad_tokens(client: Any) -> list[dict[str, str]]:
    """Form data without a token, with a made-up one, and with a token of another browser."""
    other = form_token(client.__class__(client.app, base_url=str(client.base_url)))
    return [{}, {"csrf_token": "0" * 64}, {"csrf_token": other}]


def test_csrf_refused_on_login(app: SmartSpecApp) -> None:
    name = add_user(app, "viewer")
    client = app.client()
    form_token(client)  # the browser has its CSRF cookie
    for bad in _bad_tokens(client):
        r = client.post(
            "/login",
            data={"name": name, "password": password_of(name), **bad},
            follow_redirects=False,
        )
        assert r.status_code == 403
        assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
        assert password_of(name) not in r.text


def test_csrf_refused_on_logout_password_tokens(app: SmartSpecApp) -> None:
    name = add_user(app, "editor")
    client = log_in(app, name)
    session = client.cookies.get(SESSION_COOKIE)
    _view, secret = app.accounts.create_token(CLI_ACCOUNT, name, "kept")
    token_id = secret.split("_")[1]
    for bad in _bad_tokens(client):
        assert client.post("/logout", data=bad, follow_redirects=False).status_code == 403
        assert app.accounts.session_account(session) is not None
        new = "Brand-New-Password-123"
        r = client.post(
            "/account/password",
            data={"current": password_of(name), "new": new, "repeat": new, **bad},
            follow_redirects=False,
        )
        assert r.status_code == 403 and new not in r.text
        assert app.accounts.authenticate(name, password_of(name)).name == name
        r = client.post("/account/tokens", data={"label": "sneaky", **bad})
        assert r.status_code == 403 and not SECRET_RE.search(r.text)
        r = client.post(f"/account/tokens/{token_id}/revoke", data=bad)
        assert r.status_code == 403
    tokens = app.accounts.list_tokens(CLI_ACCOUNT, name)
    assert [t.label for t in tokens] == ["kept"] and tokens[0].revoked_at is None
    assert app.accounts.token_account(secret).name == name


def test_csrf_refused_on_admin_forms(app: SmartSpecApp, clients: dict[str | None, Any]) -> None:
    admin = clients["admin"]
    target = add_user(app, "viewer", ("ES11",))
    before = app.accounts.get_user(CLI_ACCOUNT, target)
    for bad in _bad_tokens(admin):
        r = admin.post(
            "/admin/users",
            data={"name": "csrf-victim", "role": "admin", "password": "A" * 20, **bad},
        )
        assert r.status_code == 403
        r = admin.post(
            f"/admin/users/{target}/grant", data={"role": "admin", "regions": "MX28", **bad}
        )
        assert r.status_code == 403
        r = admin.post(
            f"/admin/users/{target}/revoke", data={"regions": "ES11", "deactivate": "1", **bad}
        )
        assert r.status_code == 403
    assert "csrf-victim" not in [u.name for u in app.accounts.list_users(CLI_ACCOUNT)]
    assert app.accounts.get_user(CLI_ACCOUNT, target) == before


# ---------------------------------------------------------------------------- permissions
ROLE_CASES = [None, *ROLES]


def _expect(role: str | None, *, admin_only: bool) -> int | str:
    if role is None:
        return "login"
    if admin_only and role != "admin":
        return 403
    return 200


def _check(r: Any, expected: int | str, back: str, ok: int = 200) -> None:
    if expected == "login":
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=" + back.replace("/", "%2F")
    elif expected == 403:
        assert r.status_code == 403
        assert "Not allowed" in r.text and 'id="error-code">forbidden<' in r.text
    else:
        assert r.status_code == ok, r.text[:400]


@pytest.mark.parametrize("role", ROLE_CASES)
def test_account_page_by_role(clients: dict[str | None, Any], role: str | None) -> None:
    client = clients[role]
    r = client.get("/account", follow_redirects=False)
    _check(r, _expect(role, admin_only=False), "/account")
    if role is not None:
        assert 'id="account-role"' in r.text and 'id="password-form"' in r.text
        assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("role", ROLE_CASES)
def test_users_page_by_role(clients: dict[str | None, Any], role: str | None) -> None:
    client = clients[role]
    r = client.get("/admin/users", follow_redirects=False)
    _check(r, _expect(role, admin_only=True), "/admin/users")
    if role == "admin":
        assert 'id="user-list"' in r.text and 'id="add-user-form"' in r.text
        assert 'id="event-list"' in r.text and "user.add" in r.text
    header = clients[role].get("/").text
    assert ('id="nav-users"' in header) == (role == "admin")
    assert ('id="nav-login"' in header) == (role is None)


@pytest.mark.parametrize("role", ROLE_CASES)
def test_token_forms_by_role(
    app: SmartSpecApp, clients: dict[str | None, Any], role: str | None
) -> None:
    client = clients[role]
    token = form_token(client)
    r = client.post("/account/tokens", data={"csrf_token": token, "label": "ci"})
    if role is None:
        assert r.status_code == 200 and r.url.path == "/login"  # sent to log in
        assert not SECRET_RE.search(r.text)
        return
    _check(r, 200, "/account")
    secret = SECRET_RE.search(r.text).group(0)
    who = app.accounts.token_account(secret)
    assert who is not None and who.role == role
    r = client.post(
        f"/account/tokens/{secret.split('_')[1]}/revoke",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/account?done=revoked")
    assert app.accounts.token_account(secret) is None


@pytest.mark.parametrize("role", ROLE_CASES)
def test_password_form_by_role(app: SmartSpecApp, role: str | None) -> None:
    if role is None:
        client = app.client()
        r = client.post(
            "/account/password",
            data={"csrf_token": form_token(client), "current": "a", "new": "b", "repeat": "b"},
            follow_redirects=False,
        )
        _check(r, "login", "/account")
        return
    name = add_user(app, role)
    client = log_in(app, name)
    token = form_token(client, "/account")
    new = f"Another-Long-Pass-{role}-2"
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current": "Wrong-Current-999", "new": new, "repeat": new},
    )
    assert wrong.status_code == 400 and "The current password is wrong" in wrong.text
    differ = client.post(
        "/account/password",
        data={"csrf_token": token, "current": password_of(name), "new": new, "repeat": new + "x"},
    )
    assert differ.status_code == 400 and "The two new passwords differ" in differ.text
    short = client.post(
        "/account/password",
        data={"csrf_token": token, "current": password_of(name), "new": "short", "repeat": "short"},
    )
    assert short.status_code == 422 and "too short" in short.text
    for page in (wrong, differ, short):
        assert password_of(name) not in page.text and new not in page.text
    old_session = client.cookies.get(SESSION_COOKIE)
    r = client.post(
        "/account/password",
        data={"csrf_token": token, "current": password_of(name), "new": new, "repeat": new},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account?done=password"
    assert app.accounts.session_account(old_session) is None
    fresh = re.search(f"{SESSION_COOKIE}=([^;]+)", r.headers["set-cookie"]).group(1)
    client.cookies.set(SESSION_COOKIE, fresh)
    assert "Your password is changed" in client.get(r.headers["location"]).text  # signed in
    assert app.accounts.authenticate(name, new).name == name


@pytest.mark.parametrize("role", ROLE_CASES)
def test_admin_forms_by_role(
    app: SmartSpecApp, clients: dict[str | None, Any], role: str | None
) -> None:
    client = clients[role]
    token = form_token(client)
    target = add_user(app, "viewer", ("CZ080",))
    new_name = f"made-by-{role or 'anon'}"
    added = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": new_name,
            "role": "editor",
            "regions": "cz064, CZ080",
            "password": password_of(new_name),
        },
        follow_redirects=False,
    )
    granted = client.post(
        f"/admin/users/{target}/grant",
        data={"csrf_token": token, "role": "reviewer", "regions": "MX28 ES11"},
        follow_redirects=False,
    )
    revoked = client.post(
        f"/admin/users/{target}/revoke",
        data={"csrf_token": token, "regions": "CZ080"},
        follow_redirects=False,
    )
    expected = _expect(role, admin_only=True)
    for r in (added, granted, revoked):
        _check(r, expected, "/admin/users", ok=303)
        assert password_of(new_name) not in r.text
    names = {u.name: u for u in app.accounts.list_users(CLI_ACCOUNT)}
    view = app.accounts.get_user(CLI_ACCOUNT, target)
    if role == "admin":
        assert added.headers["location"] == "/admin/users?done=added"
        assert names[new_name].role == "editor" and names[new_name].regions == ["CZ064", "CZ080"]
        assert view.role == "reviewer" and view.regions == ["ES11", "MX28"]
        assert app.accounts.authenticate(new_name, password_of(new_name)).role == "editor"
    else:
        assert new_name not in names
        assert view.role == "viewer" and view.regions == ["CZ080"]


def test_admin_pages_change_and_deactivate(
    app: SmartSpecApp, clients: dict[str | None, Any]
) -> None:
    admin = clients["admin"]
    token = form_token(admin)
    target = add_user(app, "editor")
    victim = log_in(app, target)
    r = admin.post(
        f"/admin/users/{target}/revoke",
        data={"csrf_token": token, "deactivate": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert app.accounts.get_user(CLI_ACCOUNT, target).active is False
    assert victim.get("/account", follow_redirects=False).status_code == 303  # logged out
    page = admin.get("/admin/users?done=revoked-user").text
    assert "user.deactivate" in page and 'id="done"' in page
    # a refused change: the page again, with the service's explanation
    dup = admin.post(
        "/admin/users",
        data={"csrf_token": token, "name": target, "role": "viewer", "password": "Z" * 16},
    )
    assert dup.status_code == 409 and 'id="form-error"' in dup.text
    assert f'value="{target}"' in dup.text and "Z" * 16 not in dup.text
    bad = admin.post(
        "/admin/users",
        data={"csrf_token": token, "name": "x", "role": "boss", "password": "Q" * 16},
    )
    assert bad.status_code == 422 and "Q" * 16 not in bad.text
    unknown = admin.post(
        "/admin/users/nobody-here/grant", data={"csrf_token": token, "role": "viewer"}
    )
    assert unknown.status_code == 404 and 'id="form-error"' in unknown.text


# ---------------------------------------------------------------------------- secrets shown
def test_a_token_secret_is_shown_exactly_once(
    app: SmartSpecApp, clients: dict[str | None, Any]
) -> None:
    client = clients["admin"]
    created = client.post(
        "/account/tokens", data={"csrf_token": form_token(client), "label": "shown-once"}
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    secrets = SECRET_RE.findall(created.text)
    assert len(secrets) == 1 and created.text.count(secrets[0]) == 1
    assert 'id="token-warning"' in created.text
    secret = secrets[0]
    for path in ("/account", "/admin/users", "/", "/upload", "/api/v1/account/tokens"):
        r = client.get(path)
        assert r.status_code == 200 and secret not in r.text, path
        assert secret.rsplit("_", 1)[1] not in r.text, path
    assert "shown-once" in client.get("/account").text  # listed, without its secret


def test_a_password_never_appears_in_any_response(app: SmartSpecApp) -> None:
    admin_name = add_user(app, "admin")
    client = app.client()
    seen: list[Any] = []

    def keep(r: Any) -> Any:
        seen.append(r)
        return r

    token = form_token(client)
    wrong = "Wrong-Pass-For-Admin-55"
    keep(client.post("/login", data={"csrf_token": token, "name": admin_name, "password": wrong}))
    keep(
        client.post(
            "/login",
            data={"csrf_token": token, "name": admin_name, "password": password_of(admin_name)},
        )
    )
    new_user = "pw-check-user"
    keep(
        client.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "name": new_user,
                "role": "viewer",
                "password": password_of(new_user),
            },
        )
    )
    bad_name = {"name": "b@d name", "role": "viewer", "password": password_of(new_user)}
    keep(client.post("/admin/users", data={"csrf_token": token, **bad_name}))
    keep(client.get("/admin/users"))
    keep(client.get("/account"))
    keep(client.get("/api/v1/users/events"))
    assert len(seen) == 7
    for r in seen:
        for response in [*r.history, r]:
            blob = response.text + str(response.headers)
            for secret in (wrong, password_of(admin_name), password_of(new_user)):
                assert secret not in blob, (response.url, secret)


# ---------------------------------------------------------------------------- upload, header
def test_upload_page_by_role(clients: dict[str | None, Any]) -> None:
    anonymous = clients[None].get("/upload").text
    assert 'id="login-to-upload"' in anonymous and 'href="/login?next=/upload"' in anonymous
    assert 'id="f-file"' not in anonymous
    for role in ("viewer", "reviewer"):
        page = clients[role].get("/upload").text
        assert 'id="role-cannot-upload"' in page and 'id="f-file"' not in page
    for role in ("editor", "admin"):
        page = clients[role].get("/upload").text
        assert 'id="f-file"' in page and TOKEN_RE.search(page)


def test_one_csrf_cookie_per_page(app: SmartSpecApp) -> None:
    """A signed-in browser without a CSRF cookie gets one cookie, matching every form."""
    name = add_user(app, "editor")
    client = log_in(app, name)
    client.cookies.delete(CSRF_COOKIE)
    r = client.get("/upload")
    assert r.headers["set-cookie"].count(f"{CSRF_COOKIE}=") == 1
    tokens = set(TOKEN_RE.findall(r.text))
    assert len(tokens) == 1  # the logout form and the upload form agree
    assert client.post("/logout", data={"csrf_token": tokens.pop()}).status_code == 200


def test_spanish_pages(clients: dict[str | None, Any]) -> None:
    login = clients[None].get("/login?lang=es").text
    assert 'lang="es"' in login and "Iniciar sesión" in login and "Contraseña" in login
    account = clients["editor"].get("/account?lang=es").text
    assert "Su cuenta" in account and "Tokens de la API" in account and "editor" in account
    users = clients["admin"].get("/admin/users?lang=es").text
    assert "Registro de cuentas" in users and "Cerrar sesión" in users


def test_domain_messages_are_translated() -> None:
    """Every message of the accounts pages (templates and pages.py) is in the Spanish
    catalogue, with the same placeholders."""
    from babel.messages.extract import DEFAULT_KEYWORDS
    from babel.messages.pofile import read_po

    from smartspec.services.web import domain_messages, i18n

    everything = {m[2] for m in domain_messages.extract(None, DEFAULT_KEYWORDS, [], {})}
    files = domain_messages.domain_files(only="accounts")  # each domain checks its own
    assert {"pages.py", "login.html", "users.html"} <= {p.name for p, _ in files}
    raw = [m[2] for m in domain_messages.messages(files, DEFAULT_KEYWORDS, [])]
    assert set(raw) <= everything  # what pybabel extract collects
    found = {m if isinstance(m, str) else m[0] for m in raw if m}  # None: not a literal
    assert "Log in" in found and "Wrong user name or password. Check both and try again." in found
    with i18n.catalogue_path("es").open("rb") as fh:
        catalog = read_po(fh)
    missing = sorted(m for m in found if m not in catalog or not catalog[m].string)
    assert not missing, missing
    for m in found:
        assert set(re.findall(r"%\((\w+)\)s", m)) == set(
            re.findall(r"%\((\w+)\)s", catalog[m].string)
        ), m


# ---------------------------------------------------------------------------- private platform
@pytest.fixture(scope="module")
def private_app(tmp_path_factory: pytest.TempPathFactory):
    made = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("accounts-private"),
        datasets=DATASETS,
        settings={"public_read": False},
    )
    yield made
    made.close()


def test_private_platform_sends_visitors_to_login(private_app: SmartSpecApp) -> None:
    api = private_app.asgi()

    async def later_page() -> dict[str, str]:  # a page a domain adds after the others
        return {"ok": "yes"}

    api.add_api_route("/later-domain-page", later_page, methods=["GET"])
    anonymous = private_app.client()
    dataset = "/datasets/us-state-industry?period=2020"
    for path, back in [
        ("/", "%2F"),
        (dataset, "%2Fdatasets%2Fus-state-industry%3Fperiod%3D2020"),
        ("/upload", "%2Fupload"),
        ("/account", "%2Faccount"),
        ("/later-domain-page", "%2Flater-domain-page"),
    ]:
        r = anonymous.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"] == ("/login" if back == "%2F" else f"/login?next={back}")
        assert r.headers["content-security-policy"]  # the security headers on redirects too
    login = anonymous.get("/login?next=/upload")
    assert login.status_code == 200 and "This platform is private" in login.text
    assert anonymous.get("/static/app.css").status_code == 200
    assert anonymous.get("/api/v1/datasets").status_code == 401
    name = "private-viewer"
    private_app.accounts.add_user(CLI_ACCOUNT, name, "viewer", password_of(name))
    client = log_in(private_app, name)
    assert client.get("/", follow_redirects=False).status_code == 200
    assert client.get("/later-domain-page").json() == {"ok": "yes"}
    assert client.get("/datasets/us-state-industry").status_code == 200
    out = client.post("/logout", data={"csrf_token": form_token(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
