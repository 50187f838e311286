"""Shared helpers of every test folder: acting as an account of a given role, and a
throwaway PostgreSQL server (``postgres_server``, ``postgres_url``) for the tests that run on
both databases.

Uploading and deleting datasets needs an account (``admin`` or ``editor`` to upload, ``admin``
to delete). These fixtures create real accounts through the accounts service of the app under
test (``app.accounts``, as the command line would: :data:`CLI_ACCOUNT`) and hand back what a
client sends:

* ``token_for(app, role="admin", regions=())`` -> a bearer token (``ss_<id>_<secret>``);
* ``as_role(app, role="admin", **client_kwargs)`` -> a ``TestClient`` sending that token;
* ``login_cookie(app, role="admin", regions=())`` -> ``(name, value)`` of a dashboard session
  cookie (for ``client.cookies.set(*login_cookie(app))`` or a browser context's cookies).

Each role (and set of regions) gets one user per app, named ``test-<role>``, with a strong random
password; the user and its token are made once and cached on the app object.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The learned models' OpenMP threads (scikit-learn's gradient boosting) must not compete with
# the other test worker: two busy-waiting thread pools on two cores slow each other tenfold.
os.environ.setdefault("OMP_NUM_THREADS", "1")

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

#: The name of the dashboard's session cookie (``smartspec.services.api.deps.SESSION_COOKIE``).
SESSION_COOKIE = "smartspec_session"


def _user(app: SmartSpecApp, role: str, regions: Iterable[str]) -> dict[str, Any]:
    """The cached test user of ``role`` (and ``regions``) on ``app``, created on first use."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    codes = tuple(sorted(regions))
    cache: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = app.__dict__.setdefault(
        "_test_accounts", {}
    )
    if (role, codes) not in cache:
        name = f"test-{role}" + (f"-{'-'.join(codes).lower()}" if codes else "")
        password = secrets.token_urlsafe(24)
        view = app.accounts.add_user(CLI_ACCOUNT, name, role, password, codes)
        cache[(role, codes)] = {"view": view, "password": password}
    return cache[(role, codes)]


def token_for(app: SmartSpecApp, role: str = "admin", regions: Iterable[str] = ()) -> str:
    """A bearer token of the test user of ``role`` on ``app`` (made once, then cached)."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    user = _user(app, role, regions)
    if "token" not in user:
        _, user["token"] = app.accounts.create_token(CLI_ACCOUNT, user["view"].name, "tests")
    token: str = user["token"]
    return token


def as_role(app: SmartSpecApp, role: str = "admin", **client_kwargs: Any) -> Any:
    """A ``TestClient`` of ``app`` that sends the bearer token of the test user of ``role``."""
    headers = {
        **client_kwargs.pop("headers", {}),
        "Authorization": f"Bearer {token_for(app, role)}",
    }
    return app.client(headers=headers, **client_kwargs)


def login_cookie(
    app: SmartSpecApp, role: str = "admin", regions: Iterable[str] = ()
) -> tuple[str, str]:
    """``(name, value)`` of a new dashboard session of the test user of ``role`` on ``app``."""
    from smartspec.domains.accounts.rules import Account

    view = _user(app, role, regions)["view"]
    account = Account(view.id, view.name, view.role, frozenset(view.regions), "session")
    return SESSION_COOKIE, app.accounts.start_session(account)


def signed_clients(
    app: SmartSpecApp, who: dict[str, tuple[str, list[str]] | None], **client_kwargs: Any
) -> Callable[[str], Any]:
    """``get(name)``: a ``TestClient`` of ``app`` with its own cookies, signed in as ``who[name]``
    (``(role, regions)``; ``None``: anonymous), made once per name; every call starts it in
    English again (a test that asked for Spanish with ``?lang=es`` leaves its cookie)."""
    made: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in made:
            client = app.client(raise_server_exceptions=True, **client_kwargs)
            if who[name] is not None:
                role, regions = who[name]  # type: ignore[misc]
                client.cookies.set(*login_cookie(app, role, regions))
            made[name] = client
        jar = made[name].cookies.jar
        for cookie in [c for c in jar if c.name == "smartspec_lang"]:
            jar.clear(cookie.domain, cookie.path, cookie.name)
        return made[name]

    return get


def csrf_of(client: Any, *pages: str) -> str:
    """The CSRF token a browser gets with a form on the first of ``pages`` that has one (then
    ``/login``); the client keeps the cookie."""
    for page in (*pages, "/login"):
        found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(page).text)
        if found:
            return found.group(1)
    raise AssertionError("no CSRF token on the pages")


@pytest.fixture(name="token_for", scope="session")
def token_for_fixture() -> Callable[..., str]:
    """:func:`token_for`, as a fixture (usable from every test folder)."""
    return token_for


@pytest.fixture(name="as_role", scope="session")
def as_role_fixture() -> Callable[..., Any]:
    """:func:`as_role`, as a fixture."""
    return as_role


@pytest.fixture(name="login_cookie", scope="session")
def login_cookie_fixture() -> Callable[..., tuple[str, str]]:
    """:func:`login_cookie`, as a fixture."""
    return login_cookie


# ------------------------------------------------------------------------------ PostgreSQL
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, Any]]:
    """A throwaway PostgreSQL server for this test session (skipped when not installed)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb): the PostgreSQL store tests need "
            "it (Debian: apt-get install postgresql, or make system-deps)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'smartspec[postgres]')")
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        runuser = shutil.which("runuser")
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
        if runuser is None:
            pytest.skip("running as root without runuser to start PostgreSQL as 'postgres'")
        prefix = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="smartspec-pg-", dir="/tmp"))
    if as_root:
        os.chown(base, pw.pw_uid, pw.pw_gid)
    datadir = base / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    run = subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if run.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"initdb failed: {run.stderr.strip()[-300:]}")
    opts = f"-p {port} -k {base} -c listen_addresses='' -c fsync=off"
    start = subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            opts,
            "-l",
            str(base / "log"),
            "-w",
            "-t",
            "30",
            "start",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if start.returncode != 0:
        log = (base / "log").read_text() if (base / "log").exists() else start.stderr
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {log.strip()[-300:]}")
    try:
        yield {"host": str(base), "port": port, "user": "postgres"}
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: dict[str, Any]) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server (dropped after the test)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    conninfo = (
        f"host={postgres_server['host']} port={postgres_server['port']} "
        f"user={postgres_server['user']} dbname=postgres"
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield (
        f"postgresql+psycopg://{postgres_server['user']}@/{name}"
        f"?host={postgres_server['host']}&port={postgres_server['port']}"
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
