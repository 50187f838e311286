"""Shared fixtures of the API tests: apps on bundled data, upload files, a throwaway PostgreSQL.

The PostgreSQL server is started inside the test run (``initdb`` + ``pg_ctl`` on a free port,
its socket in a temporary folder; as root, as the ``postgres`` user) and stopped after; the
tests that need it are skipped, with the reason, when PostgreSQL is not installed.
"""

from __future__ import annotations

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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: SQLite (default) and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
