"""Alembic environment: runs on the connection :meth:`smartspec.store.Store.upgrade` passes in
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` when run from the alembic CLI."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from smartspec.store.models import Base

target_metadata = Base.metadata


def _config() -> Any:
    """Alembic's config; ``None`` when the module is imported outside a migration run."""
    try:
        return context.config
    except AttributeError:  # imported by a tool (doctest collection), not by alembic
        return None


config = _config()


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or open one from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    """Emit the SQL without a database (``alembic upgrade head --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if config is not None:
    if context.is_offline_mode():
        run_migrations_offline()
    else:
        run_migrations_online()
