"""The ``smartspec`` click group: every command registered on it, errors handled by
:class:`~smartspec.services.cli.errors.SmartSpecGroup`.

The command modules know nothing of the group; this module imports them and adds them.
"""

from __future__ import annotations

import click

from smartspec import __version__

from .admin import backup_command, restore_command
from .analyse import analyse_command
from .datasets import datasets_command
from .errors import SmartSpecGroup
from .evidence import indicators_command, opportunities_command, validate_command
from .profile import profile_command
from .serve import serve

__all__ = ["main"]


@click.group(
    name="smartspec",
    cls=SmartSpecGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(
    __version__, "--version", "-V", prog_name="smartspec", message="%(prog)s %(version)s"
)
def main() -> None:
    """Smart Specialisation evidence from region x activity data.

    Specialisation (RCA), relatedness (proximity, density), economic complexity (ECI, PCI) and
    diversification opportunities (COI, COG), from a long table with one row per region,
    activity (and period) or from a bundled dataset.

    \b
    Examples:
      smartspec datasets
      smartspec analyse --dataset nz-urban-industry --out out/nz
      smartspec analyse jobs.csv --region nuts3 --activity nace --value jobs --out out/at
      smartspec profile --dataset nz-urban-industry --region Wellington

    Exit codes: 0 success, 2 usage error or bad input, 1 any other failure; errors are one line
    on stderr starting with 'Error:'.
    """


for _command in (
    analyse_command,
    profile_command,
    datasets_command,
    indicators_command,
    opportunities_command,
    validate_command,
    backup_command,
    restore_command,
    serve,
):
    main.add_command(_command)


def add_domain_commands(group: click.Group) -> None:
    """Add the commands of every registered domain (:data:`smartspec.domains.DOMAINS`)."""
    from smartspec.domains import DOMAINS

    for domain in DOMAINS:
        for command in domain.load_commands():
            group.add_command(command)


add_domain_commands(main)
