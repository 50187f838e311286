"""Persistent storage of the platform: SQLAlchemy 2 models, Alembic migrations, :class:`Store`.

One declarative :class:`Base`, one migration chain (``migrations/``, applied programmatically with
``upgrade head`` when a :class:`Store` opens), one :class:`Store` with a transactional session
context manager. SQLite by default (``sqlite:///<data_dir>/smartspec.db``), PostgreSQL through
``postgresql+psycopg://...``. Later registries (S3 priorities, partners, monitoring indicators)
are new models in :mod:`smartspec.store.models` plus a new migration.

The names are imported lazily, so that :mod:`smartspec.store.files` and
:mod:`smartspec.store.cache` can be used (by the command line) without SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Base, DatasetRow
    from .store import DatasetRecord, Store, sqlite_url

__all__ = ["Base", "DatasetRecord", "DatasetRow", "Store", "sqlite_url"]

_WHERE = {
    "Base": ".models",
    "DatasetRow": ".models",
    "DatasetRecord": ".store",
    "Store": ".store",
    "sqlite_url": ".store",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
