"""What every domain's command group shares: ``--data-dir`` and ``--database-url`` (the platform
a command acts on), opening that platform, ``--as-user`` (who acts on it) and printing a typed
view as JSON.

It lives beside the domains, not in :mod:`smartspec.services.cli`, because that package builds
the ``smartspec`` command when it is imported, adding every domain's commands: a domain's
``cli.py`` that imported from it would import itself half-way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account

__all__ = [
    "acting",
    "acting_app",
    "echo_import",
    "echo_json",
    "import_file",
    "open_app",
    "opened",
    "where",
]

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


def acting(f: F) -> F:
    """``--as-user`` (act as an existing account: its grants apply, the history names it) and
    the platform options of :func:`where`."""
    f = click.option(
        "--as-user",
        "as_user",
        metavar="NAME",
        help="Act as this account (default: the command line, an administrator).",
    )(f)
    return where(f)


@contextmanager
def acting_app(
    data_dir: str | None, database_url: str | None, as_user: str | None
) -> Iterator[tuple[SmartSpecApp, Account]]:
    """The platform and who acts on it (``--as-user``, else the command line's own
    administrator account), for the length of a ``with`` block."""
    from smartspec.domains.accounts.rules import Account
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    with opened(data_dir, database_url) as app:
        if not as_user:
            yield app, CLI_ACCOUNT
            return
        user = app.accounts.get_user(CLI_ACCOUNT, as_user)
        yield app, Account(user.id, user.name, user.role, frozenset(user.regions), via="cli")


def echo_json(obj: Any) -> None:
    """Print a typed view (a pydantic model), a list of them, or plain data as indented JSON,
    the same document the API answers.

    >>> echo_json([{"region": "MX28"}])
    [
      {
        "region": "MX28"
      }
    ]
    """

    def plain(o: Any) -> Any:
        if hasattr(o, "model_dump"):
            return o.model_dump(mode="json")
        return o.to_dict() if hasattr(o, "to_dict") else o

    data = [plain(o) for o in obj] if isinstance(obj, list) else plain(obj)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def echo_import(report: Any, summary: str, as_json: bool, extra: Iterable[str] = ()) -> None:
    """Print an import's report: as JSON (``--json``, the API's answer), else the ``summary``
    line, one line per problem (row, column, what was expected and found) and the ``extra``
    lines; on stderr when the file has problems.

    >>> from types import SimpleNamespace as R
    >>> echo_import(R(ok=True, problems=[]), "f.csv: 2 row(s), 2 valid", False, ["a note"])
    f.csv: 2 row(s), 2 valid
      a note
    """
    if as_json:
        echo_json(report)
        return
    err = not report.ok
    click.echo(summary, err=err)
    for p in report.problems:
        click.echo(
            f"  row {p.row}, column {p.column or '-'}: {p.message} (expected {p.expected}; "
            f"found {p.found})",
            err=err,
        )
    for line in extra:
        click.echo(f"  {line}", err=err)


def import_file(
    app: SmartSpecApp, file: str, do: Callable[[bytes, str], Any], show: Callable[[Any], None]
) -> None:
    """Import FILE as a command does: refuse a file over the ``max_upload_mb`` setting (what
    an upload may weigh), run ``do(content, filename)`` (the domain's all-or-nothing import)
    and print its report with ``show``; when the import refuses the file, print the report of
    every problem too, then raise the refusal (the command exits with its error)."""
    from smartspec.core.errors import ValidationError

    path = Path(file)
    limit = int(float(app.settings["max_upload_mb"]) * 2**20)
    size = path.stat().st_size
    if size > limit:
        raise click.ClickException(
            f"{path.name} is {size:,} bytes; at most {limit:,} are read (the max_upload_mb "
            "setting): split the file"
        )
    try:
        report = do(path.read_bytes(), path.name)
    except ValidationError as exc:
        failed = getattr(exc, "report", None)
        if failed is not None:
            show(failed)
        raise
    show(report)
