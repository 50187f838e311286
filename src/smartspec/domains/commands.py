"""What every domain's command group shares: ``--data-dir`` and ``--database-url`` (the platform
a command acts on) and opening that platform.

It lives beside the domains, not in :mod:`smartspec.services.cli`, because that package builds
the ``smartspec`` command when it is imported, adding every domain's commands: a domain's
``cli.py`` that imported from it would import itself half-way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = ["open_app", "opened", "where"]

F = TypeVar("F", bound=Callable[..., Any])


def where(f: F) -> F:
    """``--data-dir`` and ``--database-url``: the platform a command acts on."""
    f = click.option(
        "--database-url",
        metavar="URL",
        help="The platform's database (default: SQLite in the data folder).",
    )(f)
    f = click.option(
        "--data-dir",
        metavar="DIR",
        help="The platform's data folder (default: $SMARTSPEC_DATA_DIR, else "
        "~/.local/share/smartspec).",
    )(f)
    return f


def open_app(data_dir: str | None, database_url: str | None) -> SmartSpecApp:
    """The platform of a data folder and database (migrated to the installed version)."""
    from smartspec.app import SmartSpecApp

    return SmartSpecApp(data_dir=data_dir, database_url=database_url)


@contextmanager
def opened(data_dir: str | None, database_url: str | None) -> Iterator[SmartSpecApp]:
    """:func:`open_app` for the length of a ``with`` block, closed after it."""
    app = open_app(data_dir, database_url)
    try:
        yield app
    finally:
        app.close()
