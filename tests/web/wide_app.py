"""Fixtures of the presentation tests: an app with the larger bundled datasets (EU NUTS 2 x
NACE divisions, New Zealand urban areas, world trade), in process and on a real server.

Imported by the test modules that use them (``from .wide_app import wide_app, ...``), like the
browser fixtures of :mod:`.test_browser`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

#: 317 NUTS 2 regions x 68 NACE divisions (parents: 13 sections); 143 urban areas x 65
#: industries (16 NZSIOC classes); 226 countries x 785 SITC products (69 divisions).
WIDE = ["eu-nuts2-sbs", "nz-urban-industry", "world-trade"]


@pytest.fixture(scope="session")
def wide_app(tmp_path_factory: pytest.TempPathFactory):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("smartspec-wide"), datasets=WIDE)
    yield app
    app.close()


@pytest.fixture(scope="session")
def wide_client(wide_app):
    return wide_app.client(raise_server_exceptions=True)


@pytest.fixture(scope="session")
def wide_server(wide_app) -> Iterator[str]:
    from smartspec.services.server import running

    with running(wide_app) as url:
        yield url
