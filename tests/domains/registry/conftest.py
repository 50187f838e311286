"""Shared fixtures of the registry tests: a registry on SQLite (and on PostgreSQL where a test
asks for both), and the accounts of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.domains.registry.service import Registry
from smartspec.store import Store, sqlite_url


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
