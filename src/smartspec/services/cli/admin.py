"""``smartspec backup`` and ``smartspec restore``: the platform's data in one archive.

Thin: parse, build the :class:`~smartspec.app.SmartSpecApp` of the data folder and database, call
:mod:`smartspec.store.backup`, print what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from smartspec.domains.commands import opened, where

if TYPE_CHECKING:
    pass

__all__ = ["backup_command", "restore_command"]

F = TypeVar("F", bound=Callable[..., Any])


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False))
@where
def backup_command(archive: str, data_dir: str | None, database_url: str | None) -> None:
    """Write the uploaded datasets (rows and files) of a platform to ARCHIVE (.tar.gz).

    The archive is logical: it restores onto SQLite or PostgreSQL, into any data folder.

    \b
      smartspec backup smartspec-2026-12-02.tar.gz --data-dir /srv/smartspec
    """
    from smartspec.store.backup import backup

    with opened(data_dir, database_url) as app:
        manifest = backup(app, archive)
    click.echo(f"{manifest['datasets']} uploaded dataset(s) -> {Path(archive)}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@where
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

    with opened(data_dir, database_url) as app:
        result = restore(app, archive, replace=replace)
    click.echo(
        f"restored {len(result['restored'])} dataset(s): "
        + (", ".join(result["restored"]) or "none")
    )
