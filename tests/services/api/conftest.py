"""Shared fixtures of the API tests: apps on bundled data, upload files, a throwaway PostgreSQL.

The PostgreSQL server is started inside the test run (``initdb`` + ``pg_ctl`` on a free port,
its socket in a temporary folder; as root, as the ``postgres`` user) and stopped after; the
tests that need it are skipped, with the reason, when PostgreSQL is not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from smartspec.app import SmartSpecApp

#: Small bundled datasets: fast to analyse.
SMALL = ["us-state-industry", "mx-tamaulipas", "nz-urban-industry"]


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmartSpecApp]:
    """One app on the small bundled datasets, for the tests that only read."""
    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("shared"), datasets=SMALL)
    yield app
    app.close()


@pytest.fixture(scope="session")
def client(shared_app: SmartSpecApp) -> Any:
    """The in-process client of :func:`shared_app`."""
    with shared_app.client() as c:
        yield c


@pytest.fixture(scope="session")
def admin_client(shared_app: SmartSpecApp, as_role: Callable[..., Any]) -> Any:
    """An in-process client of :func:`shared_app` acting as an administrator (a bearer token).

    Kept apart from :func:`client`: anonymous requests are the ones the response cache keeps.
    """
    with as_role(shared_app, "admin") as c:
        yield c


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., SmartSpecApp]]:
    """Build fresh apps in this test's folder (closed after the test)."""
    made: list[SmartSpecApp] = []

    def make(**kwargs: Any) -> SmartSpecApp:
        kwargs.setdefault("data_dir", tmp_path / f"data{len(made)}")
        kwargs.setdefault("datasets", ["us-state-industry"])
        app = SmartSpecApp(**kwargs)
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


@pytest.fixture
def panel() -> pd.DataFrame:
    """:func:`panel_frame` (a fixture)."""
    return panel_frame()


def panel_frame() -> pd.DataFrame:
    """A small valid long table whose codes have spaces, accents and a slash.

    5 regions x 4 activities x 2 years, every region and activity with a positive total.
    """
    regions = ["Île de France", "São Paulo", "Adelaide City", "R4", "R5"]
    activities = ["agri", "manu/fact", "serv ices", "ict"]
    rows = []
    for year in (2020, 2021):
        for i, r in enumerate(regions):
            for j, a in enumerate(activities):
                rows.append(
                    {
                        "year": year,
                        "geo": r,
                        "sector": a,
                        "jobs": float((i + 1) * (j + 2) + (i * j) % 3 + year % 2 + i * i),
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def panel_csv() -> bytes:
    """:func:`panel_frame` as CSV bytes."""
    return panel_frame().to_csv(index=False).encode()


@pytest.fixture
def upload_form() -> dict[str, str]:
    """The column mapping of :func:`panel_frame`, as upload form fields."""
    return {"region": "geo", "activity": "sector", "value": "jobs", "period": "year"}


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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: SQLite (default) and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
