"""One app for the benchmark tests: the ARDECO dataset and the registry's Czech example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="package")
def bench_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("benchmark"), datasets=["eu-nuts2-ardeco", "eu-nuts2-sbs"]
    )
    load_example_once(app)
    yield app
    app.close()


@pytest.fixture(scope="package")
def bench_client(bench_app: Any) -> Any:
    return bench_app.client(raise_server_exceptions=True)
