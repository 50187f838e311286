"""``smartspec backup`` and ``smartspec restore``: the platform's data in one archive.

Thin: parse, build the :class:`~smartspec.app.SmartSpecApp` of the data folder and database, call
:mod:`smartspec.store.backup`, print what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from smartspec.domains.commands import open_app, where

if TYPE_CHECKING:
    pass

__all__ = ["backup_command", "restore_command"]

F = TypeVar("F", bound=Callable[..., Any])


#: The shared options and opener of commands that act on a platform's data folder.
_where = where
_app = open_app


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False))
@_where
def backup_command(archive: str, data_dir: str | None, database_url: str | None) -> None:
    """Write the uploaded datasets (rows and files) of a platform to ARCHIVE (.tar.gz).

    The archive is logical: it restores onto SQLite or PostgreSQL, into any data folder.

    \b
      smartspec backup smartspec-2026-12-02.tar.gz --data-dir /srv/smartspec
    """
    from smartspec.store.backup import backup

    app = _app(data_dir, database_url)
    try:
        manifest = backup(app, archive)
    finally:
        app.close()
    click.echo(f"{manifest['datasets']} uploaded dataset(s) -> {Path(archive)}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@_where
@click.option(
    "--replace", is_flag=True, help="Replace datasets whose id exists already (refused otherwise)."
)
def restore_command(
    archive: str, data_dir: str | None, database_url: str | None, replace: bool
) -> None:
    """Restore the datasets of ARCHIVE (written by `smartspec backup`) into a platform.

    \b
      smartspec restore smartspec-2026-12-02.tar.gz --data-dir /srv/new \\
          --database-url postgresql+psycopg://smartspec@db/smartspec
    """
    from smartspec.store.backup import restore

    app = _app(data_dir, database_url)
    try:
        result = restore(app, archive, replace=replace)
    finally:
        app.close()
    click.echo(
        f"restored {len(result['restored'])} dataset(s): "
        + (", ".join(result["restored"]) or "none")
    )
