"""The :class:`Store`: an engine, migrations on open, and a transactional session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from .models import DatasetRow

__all__ = ["DatasetRecord", "Store", "sqlite_url"]

_MIGRATIONS = Path(__file__).with_name("migrations")


def version_locations() -> list[str]:
    """The folders of migration scripts: the store's (``migrations/versions``), then each
    registered domain's (:attr:`smartspec.domains.Domain.migrations`, a package whose modules
    are Alembic revisions on a branch of the domain's own)."""
    from importlib import import_module

    from smartspec.domains import DOMAINS

    found = [str(_MIGRATIONS / "versions")]
    for domain in DOMAINS:
        if domain.migrations:
            package = import_module(domain.migrations)
            found.append(str(Path(str(package.__file__)).parent))
    return found


def _aware(moment: datetime | None) -> datetime | None:
    """A stored time with its zone: SQLite keeps none, and every time is written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of an SQLite database file."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


@dataclass(frozen=True)
class DatasetRecord:
    """A detached copy of one ``datasets`` row (safe to use after its session ends)."""

    id: str
    title: str
    kind: str
    value_name: str
    n_regions: int
    n_activities: int
    periods: list[Any] = field(default_factory=list)
    path: str | None = None
    mapping: dict[str, Any] = field(default_factory=dict)
    licence: str | None = None
    source: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row: DatasetRow) -> DatasetRecord:
        """Copy the columns of a mapped row."""
        return cls(
            id=row.id,
            title=row.title,
            kind=row.kind,
            value_name=row.value_name,
            n_regions=row.n_regions,
            n_activities=row.n_activities,
            periods=list(row.periods or []),
            path=row.path,
            mapping=dict(row.mapping or {}),
            licence=row.licence,
            source=row.source,
            created_at=_aware(row.created_at),
        )

    def to_row(self) -> DatasetRow:
        """A new mapped row with these values."""
        values = {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "value_name": self.value_name,
            "n_regions": self.n_regions,
            "n_activities": self.n_activities,
            "periods": list(self.periods),
            "path": self.path,
            "mapping": dict(self.mapping),
            "licence": self.licence,
            "source": self.source,
        }
        if self.created_at is not None:
            values["created_at"] = self.created_at
        return DatasetRow(**values)


class Store:
    """The platform database: opened (and migrated to the latest revision) on construction.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///path/smartspec.db`` or ``postgresql+psycopg://...``.
    migrate : bool
        Run the Alembic migrations (``upgrade head``) now.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(sqlite_url(pathlib.Path(tempfile.mkdtemp()) / "s.db"))
    >>> store.list_datasets()
    []
    >>> store.dispose()
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        parsed = make_url(url)
        kwargs: dict[str, Any] = {"future": True}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.upgrade()

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def upgrade(self, revision: str = "heads") -> None:
        """Apply the migrations up to ``revision`` (``alembic upgrade heads``): the store's own
        and those of every registered domain (:func:`version_locations`)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(version_locations()))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def revision(self) -> str | None:
        """The revision the database is at (``None`` before the first migration); with domain
        migrations on branches of their own, their heads joined by ``,`` (sorted)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
        return ",".join(sorted(heads)) if heads else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any exception."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    # ------------------------------------------------------------------ datasets
    def list_datasets(self, kind: str | None = None) -> list[DatasetRecord]:
        """Every dataset (of one kind), in creation order, then by id."""
        query = select(DatasetRow).order_by(DatasetRow.created_at, DatasetRow.id)
        if kind is not None:
            query = query.where(DatasetRow.kind == kind)
        with self.session() as s:
            return [DatasetRecord.from_row(r) for r in s.scalars(query)]

    def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        """One dataset, or ``None``."""
        with self.session() as s:
            row = s.get(DatasetRow, dataset_id)
            return None if row is None else DatasetRecord.from_row(row)

    def put_dataset(self, record: DatasetRecord, *, session: Session | None = None) -> None:
        """Insert or replace a dataset row (in ``session`` when given, else its own transaction)."""
        if session is None:
            with self.session() as s:
                self.put_dataset(record, session=s)
            return
        existing = session.get(DatasetRow, record.id)
        if existing is not None:
            created = existing.created_at
            session.delete(existing)
            session.flush()
            if record.created_at is None:
                record = DatasetRecord(**{**record.__dict__, "created_at": created})
        session.add(record.to_row())
        session.flush()

    def stamp(self) -> tuple[int, str | None]:
        """A cheap fingerprint of the catalogue: how many rows, and the newest creation time.

        Any upload or delete (in any process on this database) changes it.
        """
        from sqlalchemy import func

        with self.session() as s:
            count, newest = s.execute(
                select(func.count(DatasetRow.id), func.max(DatasetRow.created_at))
            ).one()
        return int(count), None if newest is None else str(newest)

    def insert_dataset(self, record: DatasetRecord) -> bool:
        """Insert a new dataset row in its own transaction; ``False`` if the id is taken.

        The database is the one arbiter of ids: two processes that pick the same id race on the
        primary key, and the loser is told (never replaces the winner's row).
        """
        from sqlalchemy.exc import IntegrityError

        try:
            with self.session() as s:
                s.add(record.to_row())
                s.flush()
        except IntegrityError:
            return False
        return True

    def delete_dataset(self, dataset_id: str, *, session: Session | None = None) -> bool:
        """Delete a dataset row; ``True`` when there was one."""
        if session is None:
            with self.session() as s:
                return self.delete_dataset(dataset_id, session=s)
        row = session.get(DatasetRow, dataset_id)
        if row is None:
            return False
        session.delete(row)
        session.flush()
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"
