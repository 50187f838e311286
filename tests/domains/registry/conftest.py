"""Shared fixtures of the registry tests: a registry on SQLite (and on PostgreSQL where a test
asks for both), and the accounts of each role."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.domains.registry.service import Registry
from smartspec.store import Store, sqlite_url


def _api_fixtures() -> Any:
    """The API tests' conftest (its throwaway PostgreSQL server), loaded by path."""
    path = Path(__file__).parents[2] / "services" / "api" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_registry_api_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_API = _api_fixtures()
postgres_server = _API.postgres_server
postgres_url = _API.postgres_url


@pytest.fixture
def make_registry(tmp_path: Path) -> Iterator[Callable[..., Registry]]:
    """Build registries on a fresh SQLite database of this test (disposed after)."""
    stores: list[Store] = []

    def make(url: str | None = None, **kwargs: Any) -> Registry:
        store = Store(url or sqlite_url(tmp_path / f"registry{len(stores)}.db"))
        stores.append(store)
        return Registry(store, **kwargs)

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def registry(make_registry: Callable[..., Registry]) -> Registry:
    """A public registry on an empty SQLite database."""
    return make_registry()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_registry(
    request: pytest.FixtureRequest, make_registry: Callable[..., Registry]
) -> Registry:
    """A public registry on an empty database: SQLite, then PostgreSQL (skipped when it is not
    installed)."""
    if request.param == "sqlite":
        return make_registry()
    return make_registry(request.getfixturevalue("postgres_url"))
