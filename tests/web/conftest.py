"""Fixtures of the dashboard tests: a small app, its in-process client, and a real server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")
pytest.importorskip("babel")

#: Bundled datasets the tests serve: NUTS 2 with a map and several periods, US states (a map,
#: one period), Tamaulipas municipalities (no shapes: tables and charts only).
DATASETS = ["eu-nuts2-ardeco", "us-state-industry", "mx-tamaulipas"]

#: A small upload: six Spanish NUTS 2 regions x four activities x two periods.
UPLOAD_CSV = "nuts,sector,jobs,year\n" + "".join(
    f"{r},{a},{(i * 7 + j * 3 + k * 5) % 11 + 1 + (10 if i == j else 0)},{y}\n"
    for k, y in enumerate((2019, 2020))
    for i, r in enumerate(["ES11", "ES21", "ES30", "ES51", "ES52", "ES61"])
    for j, a in enumerate(["agri", "manuf", "ict", "tourism"])
)


@pytest.fixture(scope="session")
def smartspec_app(tmp_path_factory: pytest.TempPathFactory):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("smartspec-web"), datasets=DATASETS)
    yield app
    app.close()


@pytest.fixture(scope="session")
def client(smartspec_app):
    return smartspec_app.client(raise_server_exceptions=True)


@pytest.fixture(scope="session")
def editor_client(smartspec_app, login_cookie):
    """A browser signed in as an editor (a dashboard session cookie): who may upload."""
    editor = smartspec_app.client(raise_server_exceptions=True)
    editor.cookies.set(*login_cookie(smartspec_app, "editor"))
    return editor


def csrf_token(client) -> str:
    """The CSRF token of the upload form, as a browser gets it (the client keeps the cookie)."""
    import re

    html = client.get("/upload").text
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


@contextmanager
def serving(smartspec_app) -> Iterator[str]:
    """The real application (``create_api(SmartSpecApp)``) on a real uvicorn server."""
    from smartspec.services.server import running

    with running(smartspec_app) as url:
        yield url


@pytest.fixture(scope="session")
def live_server(smartspec_app) -> Iterator[str]:
    """The test app on a real server for the whole session."""
    with serving(smartspec_app) as url:
        yield url
