"""``smartspec user`` and ``smartspec token``: accounts from the command line.

The command line acts on the data folder and database it is given, as an administrator
(:data:`~.service.CLI_ACCOUNT`): whoever may run it there owns the platform. Passwords are read
from standard input (``--password-stdin``) or asked without echo; they are never arguments
(which other users of the machine could see) and never printed.

\b
  printf '%s\\n' "$PASSWORD" | smartspec user add ana --role editor --region CZ064 --password-stdin
  smartspec user list --json
  smartspec token create ana --label nightly-import
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from smartspec.domains.commands import opened
from smartspec.domains.commands import where as _where

from .rules import ROLES
from .service import CLI_ACCOUNT

if TYPE_CHECKING:
    pass

__all__ = ["token", "user"]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("give the password on standard input with --password-stdin")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("user")
def user() -> None:
    """Accounts: add, list, grant and revoke roles and regions, set passwords."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The account's role.")
@click.option(
    "--region",
    "regions",
    multiple=True,
    metavar="CODE",
    help="A region the account may edit (editors; repeat for several). A code covers the "
    "regions below it (CZ0 covers CZ064).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_where
def user_add(
    name: str,
    role: str,
    regions: tuple[str, ...],
    password_stdin: bool,
    data_dir: str | None,
    database_url: str | None,
) -> None:
    """Add the account NAME with a role (the password at least 12 characters)."""
    password = _password(password_stdin)
    with opened(data_dir, database_url) as app:
        made = app.accounts.add_user(CLI_ACCOUNT, name, role, password, regions)
    where = f" for {', '.join(made.regions)}" if made.regions else ""
    click.echo(f"added {made.name} ({made.role}{where})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_where
def user_list(as_json: bool, data_dir: str | None, database_url: str | None) -> None:
    """List the accounts with their roles and regions."""
    with opened(data_dir, database_url) as app:
        users = app.accounts.list_users(CLI_ACCOUNT)
    if as_json:
        click.echo(json.dumps([u.model_dump(mode="json") for u in users], indent=2))
        return
    for u in users:
        state = "" if u.active else " (inactive)"
        click.echo(f"{u.name}\t{u.role}\t{','.join(u.regions) or '-'}{state}")


@user.command("grant")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="A new role.")
@click.option("--region", "regions", multiple=True, metavar="CODE", help="Regions to add.")
@_where
def user_grant(
    name: str,
    role: str | None,
    regions: tuple[str, ...],
    data_dir: str | None,
    database_url: str | None,
) -> None:
    """Give the account NAME another role and/or more regions."""
    if role is None and not regions:
        raise click.UsageError("say what to grant: --role and/or --region")
    with opened(data_dir, database_url) as app:
        made = app.accounts.grant(CLI_ACCOUNT, name, role=role, regions=regions)
    click.echo(f"{made.name}: {made.role}, regions {', '.join(made.regions) or '-'}")


@user.command("revoke")
@click.argument("name")
@click.option("--region", "regions", multiple=True, metavar="CODE", help="Regions to take.")
@click.option(
    "--deactivate", is_flag=True, help="Deactivate the account (logins, sessions, tokens end)."
)
@_where
def user_revoke(
    name: str,
    regions: tuple[str, ...],
    deactivate: bool,
    data_dir: str | None,
    database_url: str | None,
) -> None:
    """Take regions from the account NAME, or deactivate it."""
    if not regions and not deactivate:
        raise click.UsageError("say what to revoke: --region and/or --deactivate")
    with opened(data_dir, database_url) as app:
        made = app.accounts.revoke(CLI_ACCOUNT, name, regions=regions, deactivate=deactivate)
    state = "active" if made.active else "inactive"
    click.echo(f"{made.name}: {made.role}, regions {', '.join(made.regions) or '-'}, {state}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_where
def user_password(
    name: str, password_stdin: bool, data_dir: str | None, database_url: str | None
) -> None:
    """Set a new password for the account NAME (its sessions end)."""
    password = _password(password_stdin)
    with opened(data_dir, database_url) as app:
        app.accounts.set_password(CLI_ACCOUNT, name, password)
    click.echo(f"password of {name} changed")


@click.group("token")
def token() -> None:
    """API tokens for scripts: create (shown once), list, revoke."""


@token.command("create")
@click.argument("name")
@click.option("--label", default="token", show_default=True, help="What the token is for.")
@_where
def token_create(name: str, label: str, data_dir: str | None, database_url: str | None) -> None:
    """Create an API token for the account NAME and print it (once: it is stored hashed).

    Scripts send it as 'Authorization: Bearer <token>'.
    """
    with opened(data_dir, database_url) as app:
        _view, secret = app.accounts.create_token(CLI_ACCOUNT, name, label)
    click.echo(secret)


@token.command("list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_where
def token_list(
    name: str | None, as_json: bool, data_dir: str | None, database_url: str | None
) -> None:
    """List the tokens (of the account NAME), without their secrets."""
    with opened(data_dir, database_url) as app:
        tokens = app.accounts.list_tokens(CLI_ACCOUNT, name)
    if as_json:
        click.echo(json.dumps([t.model_dump(mode="json") for t in tokens], indent=2))
        return
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.user}\t{t.label}\t{state}")


@token.command("revoke")
@click.argument("token_id", metavar="ID")
@_where
def token_revoke(token_id: str, data_dir: str | None, database_url: str | None) -> None:
    """Revoke the token ID (its public id, or the whole token); it stops working at once."""
    with opened(data_dir, database_url) as app:
        view = app.accounts.revoke_token(CLI_ACCOUNT, token_id)
    click.echo(f"token {view.id} of {view.user} revoked")
