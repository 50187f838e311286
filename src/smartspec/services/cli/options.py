"""Options shared by several commands, each declared once, and the choices they offer.

A decorator adds its options to a command in the order shown by ``--help``. The choices are the
library's (not imported from it: the command line starts without numpy and pandas;
``tests/services/test_cli_stata_conventions.py`` checks that they agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from smartspec.core.errors import ValidationError

if TYPE_CHECKING:
    from smartspec.core._steps import PresenceMethod
    from smartspec.core.matrix import Duplicates

__all__ = [
    "COLUMN_HELP",
    "DUPLICATES",
    "PRESENCE",
    "PROXIMITY",
    "RANK_BY",
    "RankBy",
    "check_cells",
    "column_options",
    "input_argument",
    "input_options",
    "json_option",
    "period_label_option",
    "profile_option",
    "region_label_option",
    "source_options",
    "top_option",
]

F = TypeVar("F", bound=Callable[..., Any])

#: How rows repeating a (region, activity, period) key are treated (``--duplicates``).
DUPLICATES: tuple[Duplicates, ...] = ("error", "sum", "mean", "max", "min", "first", "last")
#: As smartspec.core._steps.PRESENCE_METHODS (``--presence``).
PRESENCE: tuple[PresenceMethod, ...] = ("rca", "rpop", "either", "both", "manual")
#: As smartspec.core._steps.PROXIMITY_MEASURES (``--proximity``).
PROXIMITY: tuple[str, ...] = ("min_conditional", "asymmetric")

#: The order of a region's opportunities (``profile --rank-by``).
RankBy = Literal["density", "cog", "pci"]
RANK_BY: tuple[RankBy, ...] = ("density", "cog", "pci")

#: What each column of INPUT holds (the help of ``--region`` / ``--region-col``...).
COLUMN_HELP = {
    "region": "Column holding the region label.",
    "activity": "Column holding the activity label.",
    "value": "Column holding the value (employment, exports...).",
    "period": "Column holding the period (year); without it the file is one period, 'all'.",
}


def _profiles_help() -> str:
    try:
        from smartspec.core.profiles import PROFILES

        return ", ".join(sorted(PROFILES))
    except Exception:  # pragma: no cover - help must never fail
        return "atlas"


def input_argument(*, dir_okay: bool = False) -> Callable[[F], F]:
    """The optional ``[INPUT]`` argument (a folder too with ``dir_okay``: microdata)."""
    return click.argument(
        "input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=dir_okay)
    )


def input_options(f: F) -> F:
    """``--dataset``, and the options that describe how to read INPUT."""
    f = click.option(
        "--input-format",
        type=click.Choice(["csv", "tsv", "parquet", "excel"]),
        default=None,
        help="Format of INPUT when its file name does not say it.",
    )(f)
    f = click.option(
        "--sheet", default=None, metavar="NAME", help="Sheet of an Excel/ODS INPUT (first)."
    )(f)
    f = click.option(
        "--decimal",
        type=click.Choice([".", ","]),
        default=".",
        show_default=True,
        help="Decimal separator of the values: '.' (1234.5) or ',' (1234,5 or 1.234,5, as "
        "Spanish and most European spreadsheets write them; a point then only separates "
        "thousands).",
    )(f)
    f = click.option(
        "--missing",
        type=click.Choice(["error", "flag"]),
        default="error",
        show_default=True,
        help="Empty value cells: an error, or 'flag': values suppressed or confidential in the "
        "source, kept as missing cells (never read as zero, never recommended).",
    )(f)
    f = click.option(
        "--duplicates",
        type=click.Choice(DUPLICATES),
        default="error",
        show_default=True,
        help="Rows repeating a (region, activity, period) key: refuse them, or combine them.",
    )(f)
    f = click.option(
        "--dataset", default=None, metavar="NAME", help="A bundled dataset instead of INPUT."
    )(f)
    return f


def column_options(f: F) -> F:
    """``--region-col``, ``--activity-col``, ``--value-col`` and ``--period-col`` (for commands
    where ``--region`` and ``--period`` name a region and a period, not columns)."""
    for name in ("period", "value", "activity", "region"):
        f = click.option(f"--{name}-col", metavar="COL", help="INPUT's " + COLUMN_HELP[name])(f)
    return f


def profile_option(f: F) -> F:
    """``--profile NAME``: the named conventions."""
    return click.option(
        "--profile",
        default=None,
        metavar="NAME",
        help=f"Convention profile ({_profiles_help()}); default: atlas.",
    )(f)


def source_options(f: F) -> F:
    """``--profile``, INPUT with its ``--*-col`` options, or ``--dataset`` (read by
    :func:`smartspec.services.cli.loading.load_source`)."""
    return profile_option(input_argument()(input_options(column_options(f))))


def region_label_option(*, required: bool, help: str) -> Callable[[F], F]:
    """``--region/-r REGION``: a region of the data, by code (or by name with ``--dataset``)."""
    # no default=None with required=True: click (8.3) takes an explicit None as the value given
    extra: dict[str, Any] = {"required": True} if required else {"default": None}
    return click.option("--region", "-r", "region_label", metavar="REGION", help=help, **extra)


def period_label_option(*, metavar: str, help: str) -> Callable[[F], F]:
    """``--period P``: a period of the data (default: the latest)."""
    return click.option("--period", "period_label", default=None, metavar=metavar, help=help)


def top_option(*, default: int, help: str, metavar: str | None = None) -> Callable[[F], F]:
    """``--top N``: rows shown in each list."""
    return click.option(
        "--top",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        metavar=metavar,
        help=help,
    )


def json_option(help: str) -> Callable[[F], F]:
    """``--json``: print JSON instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def check_cells(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--cells``: one of its forms (see :func:`smartspec.services.analysis_tables.parse_cells`),
    spelled as the run record shows it."""
    from smartspec.services.analysis_tables import parse_cells

    try:
        return str(parse_cells(value))
    except ValidationError as exc:
        raise click.BadParameter(f"{exc.message}", ctx=ctx, param=param) from exc
