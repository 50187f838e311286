"""The ``smartspec`` command line: ``analyse``, ``profile`` and ``datasets``.

The commands, options, output files and exit codes are a contract scripts rely on:

* exit code 0 on success, 2 for a usage error or bad input (a column, file, value, region or
  dataset that cannot be used), 1 for any other failure;
* on failure, exactly one line ``Error: ...`` on stderr, never a traceback (set the environment
  variable ``SMARTSPEC_DEBUG=1`` to see the traceback of an unexpected error);
* ``analyse`` writes ``cells``, ``regions``, ``activities``, ``proximity`` and ``notes`` tables
  (CSV or Parquet) plus ``run.json`` into the ``--out`` folder, all periods in each table.

Every error is turned into that one line in one place, :meth:`_SmartSpecGroup.main`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from smartspec import __version__
from smartspec.core.errors import (
    SmartSpecError,
    UnknownActivityError,
    UnknownDatasetError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
)

if TYPE_CHECKING:
    import pandas as pd

    from smartspec.core.matrix import ActivityMatrix

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILURE", "main"]

#: Exit code for a usage error or input that cannot be used.
EXIT_BAD_INPUT = 2
#: Exit code for any other failure (a file that cannot be written, an unexpected error).
EXIT_FAILURE = 1

_BAD_INPUT = (
    ValidationError,
    UnknownRegionError,
    UnknownActivityError,
    UnknownPeriodError,
    UnknownDatasetError,
)

#: Columns of each output table, in this order (any further columns follow them).
OUTPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cells": ("period", "region", "activity", "value", "rca", "presence", "density", "cog"),
    "regions": ("period", "region", "diversity", "eci", "coi"),
    "activities": ("period", "activity", "ubiquity", "pci"),
    "proximity": ("period", "activity_from", "activity_to", "proximity"),
    "notes": ("period", "level", "label", "reason"),
}

_DUPLICATES = ("error", "sum", "mean", "max", "min", "first", "last")
#: as smartspec.core._steps.PRESENCE_METHODS / PROXIMITY_MEASURES (not imported: the CLI
#: starts without numpy and pandas; tests/services/test_cli.py checks they agree)
_PRESENCE = ("rca", "rpop", "either", "both", "manual")
_PROXIMITY = ("min_conditional", "asymmetric")


# ------------------------------------------------------------------------------- error boundary
def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class _SmartSpecGroup(click.Group):
    """A click group that turns every error into one ``Error: ...`` line and an exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; exit with 0, 1 or 2 (see the module docstring)."""
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            return self._fail(exc.format_message() + hint, EXIT_BAD_INPUT, exc, standalone_mode)
        except click.ClickException as exc:
            return self._fail(exc.format_message(), exc.exit_code, exc, standalone_mode)
        except click.Abort as exc:
            return self._fail("aborted", EXIT_FAILURE, exc, standalone_mode)
        except SmartSpecError as exc:
            code = EXIT_BAD_INPUT if isinstance(exc, _BAD_INPUT) else EXIT_FAILURE
            return self._fail(exc.message, code, exc, standalone_mode)
        except BrokenPipeError:  # e.g. `smartspec datasets | head`: stop quietly
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            if not standalone_mode:
                raise
            sys.exit(EXIT_FAILURE)
        except OSError as exc:
            what = exc.strerror or str(exc) or type(exc).__name__
            where = f": '{exc.filename}'" if exc.filename else ""
            return self._fail(f"{what}{where}", EXIT_FAILURE, exc, standalone_mode)
        except Exception as exc:
            if os.environ.get("SMARTSPEC_DEBUG"):
                raise
            return self._fail(
                f"unexpected {type(exc).__name__}: {exc} (this is a bug in smartspec: please "
                "report it; set SMARTSPEC_DEBUG=1 to see the traceback)",
                EXIT_FAILURE,
                exc,
                standalone_mode,
            )
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    @staticmethod
    def _fail(message: str, code: int, exc: BaseException, standalone_mode: bool) -> Any:
        if not standalone_mode:
            raise exc
        click.echo(f"Error: {_one_line(message)}", err=True)
        sys.exit(code)


# ------------------------------------------------------------------------------- shared helpers
def _usage(message: str) -> click.UsageError:
    return click.UsageError(message, ctx=click.get_current_context(silent=True))


def _profiles_help() -> str:
    try:
        from smartspec.core.profiles import PROFILES

        return ", ".join(sorted(PROFILES))
    except Exception:  # pragma: no cover - help must never fail
        return "atlas"


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; ``None`` (no callback) otherwise."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("analysing", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=str(step), completed=done, total=total or None)

        yield update


@contextmanager
def _captured_warnings(show: bool) -> Iterator[list[str]]:
    """Collect smartspec's warnings as one-line texts; print each as ``Warning: ...`` on stderr."""
    import warnings

    from smartspec.core.errors import SmartSpecWarning

    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SmartSpecWarning)
        yield texts
    for w in caught:
        if issubclass(w.category, SmartSpecWarning):
            texts.append(_one_line(str(w.message)))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if show:
        for text in texts:
            click.echo(f"Warning: {text}", err=True)


def _load_matrix(
    *,
    input_path: str | None,
    dataset: str | None,
    columns: Mapping[str, str | None],
    column_flags: Mapping[str, str],
    duplicates: str,
    sheet: str | None,
    input_format: str | None,
    decimal: str = ".",
    missing: str = "error",
) -> tuple[ActivityMatrix, dict[str, Any]]:
    """The matrix of a file or a bundled dataset, and a description of the input for run.json."""
    if input_path is not None and dataset is not None:
        raise _usage("give either INPUT or --dataset, not both")
    if dataset is not None:
        given = [column_flags[k] for k, v in columns.items() if v is not None]
        if sheet is not None:
            given.append("--sheet")
        if input_format is not None:
            given.append("--input-format")
        if decimal != ".":
            given.append("--decimal")
        if missing != "error":
            given.append("--missing")
        if given:
            raise _usage(
                f"{', '.join(given)} describe(s) an INPUT file and cannot be used with --dataset"
            )
        from smartspec.datasets import load

        m = load(dataset)
        return m, {"dataset": dataset, "source": m.source, "metadata": dict(m.metadata)}
    if input_path is None:
        raise _usage("give an INPUT file (with its column options) or --dataset NAME")
    unnamed = [column_flags[k] for k in ("region", "activity", "value") if not columns.get(k)]
    if unnamed:
        raise _usage(f"INPUT needs {', '.join(unnamed)} to name its columns")
    from smartspec.core.matrix import DUPLICATES_FIX
    from smartspec.io import read_table

    try:
        m = read_table(
            input_path,
            region=str(columns["region"]),
            activity=str(columns["activity"]),
            value=str(columns["value"]),
            period=columns.get("period"),
            duplicates=duplicates,  # type: ignore[arg-type]
            sheet=sheet,
            format=input_format,
            decimal=decimal,
            missing=missing,
        )
    except ValidationError as exc:
        if exc.fix != DUPLICATES_FIX:
            raise
        # the library's hint names its option; on the command line it is the flag
        raise type(exc)(
            exc.problem,
            where=exc.where,
            expected=exc.expected,
            found=exc.found,
            fix="combine them with --duplicates sum|mean|max|min|first|last (the default, "
            "--duplicates error, refuses them), or remove the repeated rows",
        ) from None
    described = {
        "path": str(input_path),
        "format": input_format,
        "sheet": sheet,
        "decimal": decimal,
        "missing": missing,
        "columns": dict(columns),
        "duplicates": duplicates,
        "source": m.source,
    }
    return m, described


def _check_cells(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--cells``: one of its forms (see :func:`smartspec.services.analysis_tables.parse_cells`),
    spelled as the run record shows it."""
    from smartspec.services.analysis_tables import parse_cells

    try:
        return str(parse_cells(value))
    except ValidationError as exc:
        raise click.BadParameter(f"{exc.message}", ctx=ctx, param=param) from exc


def _ordered(frame: pd.DataFrame, name: str, default_period: Any) -> pd.DataFrame:
    """The table with the contract's columns first; a missing period column filled in."""
    if "period" not in frame.columns:
        frame = frame.assign(period=default_period)
    first = [c for c in OUTPUT_COLUMNS[name] if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame.loc[:, first + rest].reset_index(drop=True)


def _matrix_summary(m: ActivityMatrix) -> dict[str, Any]:
    return {
        "value_name": m.value_name,
        "n_regions": m.n_regions,
        "n_activities": m.n_activities,
        "n_periods": m.n_periods,
        "periods": list(m.periods),
        "nonzero_cells": m.nnz,
    }


def _dataset_labels(dataset: str | None, level: str) -> dict[str, str]:
    """``code -> name`` of a bundled dataset's regions or activities (empty when it has none)."""
    if dataset is None:
        return {}
    try:
        from smartspec.datasets import labels

        table = labels(dataset, level)
    except SmartSpecError:
        return {}
    if table is None:
        return {}
    if "code" not in table.columns and table.index.name == "code":
        table = table.reset_index()
    if "code" not in table.columns or "name" not in table.columns:
        return {}
    return {str(c): str(n) for c, n in zip(table["code"], table["name"], strict=False)}


def _resolve_region(m: ActivityMatrix, wanted: str, names: Mapping[str, str]) -> Any:
    """The region label of ``m`` that ``wanted`` means (a code or a name, as the API and the
    dashboard read it: :func:`smartspec.core.lookup.resolve`)."""
    from smartspec.core.lookup import resolve

    as_text = {str(r): r for r in m.regions}
    code = resolve(
        wanted,
        {t: names.get(t) for t in as_text},
        axis="region",
        where=f"{m.n_regions} regions of the data",
        listing=None if names else "the region column of INPUT",
    )
    return as_text[code]


# ------------------------------------------------------------------------------- the group
@click.group(
    name="smartspec",
    cls=_SmartSpecGroup,
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


# column options shared by analyse (as --region/--region-col...) and profile (--region-col...)
_COLUMN_HELP = {
    "region": "Column holding the region label.",
    "activity": "Column holding the activity label.",
    "value": "Column holding the value (employment, exports...).",
    "period": "Column holding the period (year); without it the file is one period, 'all'.",
}


def _input_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options that describe how to read INPUT (shared by analyse and profile)."""
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
        type=click.Choice(_DUPLICATES),
        default="error",
        show_default=True,
        help="Rows repeating a (region, activity, period) key: refuse them, or combine them.",
    )(f)
    f = click.option(
        "--dataset", default=None, metavar="NAME", help="A bundled dataset instead of INPUT."
    )(f)
    return f


@main.command("analyse")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path())
@click.option("--region", "--region-col", "region", metavar="COL", help=_COLUMN_HELP["region"])
@click.option(
    "--activity", "--activity-col", "activity", metavar="COL", help=_COLUMN_HELP["activity"]
)
@click.option("--value", "--value-col", "value", metavar="COL", help=_COLUMN_HELP["value"])
@click.option("--period", "--period-col", "period", metavar="COL", help=_COLUMN_HELP["period"])
@_input_options
@click.option(
    "--profile",
    default=None,
    metavar="NAME",
    help=f"Convention profile ({_profiles_help()}); default: atlas.",
)
@click.option(
    "--presence",
    type=click.Choice(_PRESENCE),
    default=None,
    help="Presence rule: rca; rpop (per-capita, needs --population); either (RCA or RPOP "
    "above the threshold, as Stata ecomplexity with rca() and rpop()); both (RCA and RPOP "
    "above it); or manual (the values are already 0/1). Default: rca.",
)
@click.option(
    "--threshold", type=float, default=None, metavar="T", help="Presence threshold (profile's)."
)
@click.option(
    "--population",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Population table (for --presence rpop/either/both). When it has a column named "
    "like --period, populations are read per period; its numbers follow --decimal.",
)
@click.option(
    "--population-region",
    default=None,
    metavar="COL",
    help="Region column of --population (default: the --region column, or 'region').",
)
@click.option(
    "--population-value",
    default="population",
    show_default=True,
    metavar="COL",
    help="Population column of --population.",
)
@click.option(
    "--population-period",
    default=None,
    metavar="COL",
    help="Period column of --population (default: the --period column when the table has "
    "one, else none: one population per region).",
)
@click.option(
    "--sign",
    type=click.Choice(("diversity", "ubiquity", "income")),
    default=None,
    help="Sign rule of ECI/PCI: diversity (ECI correlates positively with diversity; the "
    "profile's default), ubiquity, or income (ECI correlates positively with --income, or "
    "with a bundled dataset's income series).",
)
@click.option(
    "--income",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Income or productivity table (GDP per head...) by region (and period, like "
    "--population): ECI's correlation with it is reported per period in run.json and the "
    "summary, and --sign income anchors on it. A bundled --dataset uses its own series.",
)
@click.option(
    "--income-value",
    default="income",
    show_default=True,
    metavar="COL",
    help="Value column of --income.",
)
@click.option(
    "--proximity",
    type=click.Choice(_PROXIMITY),
    default=None,
    help="Proximity measure: min_conditional (min of the two conditional probabilities, "
    "symmetric) or asymmetric (Stata's asym: the share of the regions with the target activity "
    "that also have the other one). Default: the profile's (min_conditional).",
)
@click.option(
    "--knn",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="Density from each activity's K closest activities only (ties with the K-th "
    "closest included, as Stata ecomplexity's knn()).",
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="Format of the output tables.",
)
@click.option(
    "--cells",
    "cells",
    default="all",
    show_default=True,
    metavar="WHICH",
    callback=_check_cells,
    help="Rows of the cells table: all (every region x activity x period); nonzero (value "
    "not 0); present (presence 1); top:K (per period and region, the K activities of highest "
    "RCA) or top:K:COL, COL one of rca, density, cog, value (NaN never kept; ties: the earlier "
    "activity). Kept rows have every column, in the table's order.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Output folder (created if missing; files in it are replaced).",
)
@click.option(
    "--weight",
    default=None,
    metavar="COL",
    help="INPUT is microdata (a Parquet file, folder or glob, one row per inventor, firm or "
    "participant): sum COL per region, activity and period with Dask. A folder or glob INPUT "
    "without --weight counts rows.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Compute in this process, or spread the periods over a Dask cluster.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786) for --engine dask; default: a local cluster.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def analyse_command(
    input_path: str | None,
    region: str | None,
    activity: str | None,
    value: str | None,
    period: str | None,
    dataset: str | None,
    duplicates: str,
    sheet: str | None,
    decimal: str,
    missing: str,
    input_format: str | None,
    profile: str | None,
    presence: str | None,
    threshold: float | None,
    population: str | None,
    population_region: str | None,
    population_value: str,
    population_period: str | None,
    sign: str | None,
    income: str | None,
    income_value: str,
    proximity: str | None,
    knn: int | None,
    weight: str | None,
    engine: str,
    scheduler: str | None,
    out_format: str,
    cells: str,
    out_dir: str,
    quiet: bool,
) -> None:
    """Compute every indicator for every period and write the tables to --out DIR.

    INPUT is a long table (CSV, TSV, CSV.GZ, Parquet, XLSX/XLS/ODS) with one row per region,
    activity (and period); --region, --activity and --value name its columns (--region-col,
    --activity-col, --value-col and --period-col are the same options). Or use --dataset NAME.

    \b
    Writes to DIR (CSV, or Parquet with --format parquet), all periods in each table:
      cells       period, region, activity, value, rca, presence, density, cog
      regions     period, region, diversity, eci, coi
      activities  period, activity, ubiquity, pci
      proximity   period, activity_from, activity_to, proximity
      notes       period, level, label, reason   (why an indicator is missing)
      run.json    version, input, options, resolved profile, per-period diagnostics
    Without --period, the period column holds 'all'. With --cells nonzero, present or top:K,
    cells holds only those rows (same columns, same order): a smaller file.
    In CSV, text that starts with = + - @, a tab or a carriage return (a label, a name) gets a
    leading ' so that spreadsheets show it rather than run it as a formula; numbers are kept.
    Parquet keeps every value exactly.

    \b
    Microdata and Dask:
      smartspec analyse 'patents/*.parquet' --region nuts2 --activity cpc --period year \\
          --weight share --out out/patents             (summed with Dask, in bounded memory)
      smartspec analyse ... --engine dask --scheduler tcp://host:8786   (periods on a cluster)
    """
    columns = {"region": region, "activity": activity, "value": value, "period": period}
    flags = {
        "region": "--region",
        "activity": "--activity",
        "value": "--value",
        "period": "--period",
    }
    if scheduler is not None and engine != "dask":
        raise _usage("--scheduler needs --engine dask")
    microdata = input_path is not None and (
        weight is not None or any(ch in input_path for ch in "*?[") or Path(input_path).is_dir()
    )
    client, owned_client = None, False
    if engine == "dask" or microdata:
        try:
            from smartspec.scale.distributed import get_client
        except ImportError as exc:  # pragma: no cover - without the dask extra
            raise click.ClickException(str(exc)) from exc
    if engine == "dask":
        try:
            client, owned_client = get_client(scheduler)
        except ImportError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            raise click.ClickException(
                f"cannot reach the Dask scheduler {scheduler}: {exc}"
            ) from exc
    try:
        if microdata:
            from smartspec.scale.distributed import aggregate_microdata

            if dataset is not None:
                raise _usage("give either INPUT or --dataset, not both")
            if value is not None:
                raise _usage(
                    "microdata INPUT takes --weight COL (or nothing, to count rows), not --value"
                )
            unnamed = [f for f, c in (("--region", region), ("--activity", activity)) if not c]
            if unnamed:
                raise _usage(f"microdata INPUT needs {', '.join(unnamed)} to name its columns")
            m = aggregate_microdata(
                str(input_path),
                region=str(region),
                activity=str(activity),
                period=period,
                weight=weight,
                client=client,
            )
            described = {
                "path": str(input_path),
                "format": "parquet microdata",
                "columns": {**columns, "weight": weight},
                "source": m.source,
                "metadata": dict(m.metadata),
            }
        else:
            m, described = _load_matrix(
                input_path=input_path,
                dataset=dataset,
                columns=columns,
                column_flags=flags,
                duplicates=duplicates,
                sheet=sheet,
                input_format=input_format,
                decimal=decimal,
                missing=missing,
            )
        described.update(_matrix_summary(m))
        income_series, income_info = _income(
            income,
            dataset=dataset,
            value=income_value,
            region=region,
            period=period,
            decimal=decimal,
        )
        ev = _analyse_engine(
            m,
            client,
            quiet=quiet,
            presence=presence,
            profile=profile,
            threshold=threshold,
            population=population,
            population_region=population_region,
            population_value=population_value,
            population_period=population_period,
            region=region,
            period=period,
            proximity=proximity,
            knn=knn,
            decimal=decimal,
            sign=sign,
            income=income_series,
            bundled_population=_bundled_population(dataset) if population is None else None,
        )
    finally:
        if owned_client and client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    ev, options, population_info, warned = ev
    _write_analysis(
        ev,
        m,
        described=described,
        options={**options, "engine": engine, "scheduler": scheduler, "weight": weight},
        population_info=population_info,
        warned=warned,
        out_format=out_format,
        duplicates=duplicates,
        out_dir=out_dir,
        quiet=quiet,
        where=dataset or Path(str(input_path)).name,
        cells=cells,
        income=(income_series, income_info),
    )


def _bundled_population(dataset: str | None) -> Any:
    """A bundled dataset's population by (period, region) from its context data, or None."""
    from smartspec.datasets import population

    return None if dataset is None else population(dataset)


def _income(
    path: str | None,
    *,
    dataset: str | None,
    value: str,
    region: str | None,
    period: str | None,
    decimal: str,
) -> tuple[Any, dict[str, Any] | None]:
    """The income series of ``--income FILE``, else of a bundled ``--dataset`` (its context
    data), with a description for run.json; ``(None, None)`` without one."""
    from smartspec.io import read_population

    if path is not None:
        pop_period = period if period is not None and period in _table_columns(path) else None
        series = read_population(
            path, region=region or "region", value=value, period=pop_period, decimal=decimal
        )
        return series, {"path": path, "column": value, "period": pop_period}
    if dataset is None:
        return None, None
    from smartspec.datasets import income

    found = income(dataset)
    if found is not None:
        series, about = found
        return series, {
            "dataset": dataset,
            "column": about["name"],
            "unit": about["unit"],
            "source": about["source"],
        }
    return None, None


def _analyse_engine(
    m: ActivityMatrix,
    client: Any,
    *,
    quiet: bool,
    presence: str | None,
    profile: str | None,
    threshold: float | None,
    population: str | None,
    population_region: str | None,
    population_value: str,
    population_period: str | None,
    region: str | None,
    period: str | None,
    proximity: str | None,
    knn: int | None,
    decimal: str = ".",
    sign: str | None = None,
    income: Any = None,
    bundled_population: Any = None,
) -> tuple[Any, dict[str, Any], dict[str, Any] | None, list[str]]:
    """``analyse`` in this process (client None) or on the Dask cluster of ``client``."""
    from smartspec.core.evidence import analyse
    from smartspec.io import read_population

    options: dict[str, Any] = {
        "profile": profile,
        "presence": presence,
        "threshold": threshold,
        "proximity": proximity,
        "knn": knn,
        "sign": sign,
    }
    kwargs = {k: v for k, v in options.items() if v is not None}
    if sign == "income":
        if income is None:
            raise _usage(
                "--sign income needs --income FILE (or a bundled --dataset with an income series)"
            )
        kwargs["income"] = income
    population_info = None
    if population is not None:
        pop_region = population_region or region or "region"
        pop_period, detected = population_period, False
        if pop_period is None and period is not None:
            pop_period = period if period in _table_columns(population) else None
            detected = pop_period is not None
        kwargs["population"] = read_population(
            population,
            region=pop_region,
            value=population_value,
            period=pop_period,
            decimal=decimal,
        )
        population_info = {
            "path": population,
            "columns": {
                "region": pop_region,
                "value": population_value,
                "period": pop_period,
            },
            "period_from": "--population-period"
            if population_period is not None
            else "--period (a column of the same name)"
            if detected
            else None,
        }
    elif population_region or population_period:
        raise _usage("--population-region/--population-period need --population FILE")
    elif bundled_population is not None and presence in ("rpop", "either", "both"):
        kwargs["population"] = bundled_population
        population_info = {"bundled": "population from the dataset's context data"}

    with _captured_warnings(not quiet) as warned, _progress(not quiet) as progress:
        if client is None:
            ev = analyse(m, progress=progress, **kwargs)
        else:
            from smartspec.scale.distributed import analyse_distributed

            ev = analyse_distributed(m, client, **kwargs)
    return ev, options, population_info, warned


def _table_columns(path: str) -> list[str]:
    """The column names of a table file (as :func:`smartspec.io.read_population` reads it)."""
    from smartspec.io.readers import _load

    frame = _load(path, labels=[], value="", sheet=None, format=None)[0]
    return [str(c) for c in frame.columns]


def _write_analysis(
    ev: Any,
    m: ActivityMatrix,
    *,
    described: dict[str, Any],
    options: dict[str, Any],
    population_info: dict[str, Any] | None,
    warned: list[str],
    out_format: str,
    duplicates: str,
    out_dir: str,
    quiet: bool,
    where: str,
    cells: str = "all",
    income: tuple[Any, dict[str, Any] | None] = (None, None),
) -> None:
    """Write the tables and run.json of ``analyse``, and print the summary.

    ``cells`` and ``proximity`` are streamed to the files period by period (never formed as
    long tables); ``cells`` is the ``--cells`` choice (all rows by default).
    """
    from smartspec.io import TableStream, write_json, write_tables
    from smartspec.services.analysis_tables import analysis_tables, parse_cells

    default_period = m.periods[0] if m.n_periods == 1 else None
    tables = analysis_tables(
        ev,
        OUTPUT_COLUMNS,
        cells=parse_cells(cells),
        ordered=lambda frame, name: _ordered(frame, name, default_period),
    )
    written = write_tables(tables, out_dir, format=out_format)  # type: ignore[arg-type]
    rows = {name: t.rows if isinstance(t, TableStream) else len(t) for name, t in tables.items()}
    columns = {name: [str(c) for c in t.columns] for name, t in tables.items()}
    checks = _complexity_checks(ev, income[0])
    record = {
        "smartspec_version": __version__,
        "command": "analyse",
        "input": described,
        "population": population_info,
        "options": {**options, "format": out_format, "duplicates": duplicates, "cells": cells},
        "profile": getattr(ev, "settings", {}),
        "diagnostics": getattr(ev, "diagnostics", None),
        "income": income[1],
        "complexity_checks": checks,
        "warnings": warned,
        "outputs": {
            name: {"file": path.name, "rows": rows[name], "columns": columns[name]}
            for name, path in zip(tables, written, strict=True)
        },
    }
    run_json = write_json(record, Path(out_dir) / "run.json")
    if not quiet:
        click.echo(
            f"{where}: {m.n_regions} regions x {m.n_activities} activities x "
            f"{m.n_periods} period(s) -> {Path(out_dir)}"
        )
        for name, path in zip(tables, written, strict=True):
            click.echo(f"  {path.name:<18} {rows[name]:>10,} rows")
        click.echo(f"  {run_json.name}")
        _echo_checks(checks, income[1])


def _complexity_checks(ev: Any, income: Any) -> Any:
    """:func:`smartspec.core.complexity.check_complexity` of the analysis (a DataFrame, or
    None for a result without diagnostics)."""
    from smartspec.core.complexity import check_complexity

    if getattr(ev, "diagnostics", None) is None:
        return None
    return check_complexity(ev, income)


def _echo_checks(checks: Any, income: dict[str, Any] | None) -> None:
    """One line per period on whether ECI means what it says (and a caveat when it fails)."""
    if checks is None or checks.empty:
        return
    from smartspec.core.complexity import PROBLEMS

    label = (income or {}).get("column") or "income"
    click.echo(f"complexity checks (ECI vs {label}, Spearman, 95% interval):")
    for row in checks.to_dict("records"):
        rho = row["income_rho"]
        corr = (
            f"{rho:+.2f} [{row['income_low']:+.2f}, {row['income_high']:+.2f}], "
            f"n={int(row['income_n'])}"
            if rho == rho
            else "no income series"
        )
        verdict = "ok" if row["meaningful"] else ", ".join(row["problems"])
        click.echo(f"  {row['period']}: {corr}; {verdict}")
    failed = sorted({p for r in checks["problems"] for p in r})
    for code in failed:
        click.echo(f"  caveat: {PROBLEMS[code]}")


@main.command("profile")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--region",
    "-r",
    "region_label",
    required=True,
    metavar="REGION",
    help="The region to profile: its label (code), or with --dataset its code or name (any case).",
)
@click.option("--region-col", metavar="COL", help="INPUT's " + _COLUMN_HELP["region"])
@click.option("--activity-col", metavar="COL", help="INPUT's " + _COLUMN_HELP["activity"])
@click.option("--value-col", metavar="COL", help="INPUT's " + _COLUMN_HELP["value"])
@click.option("--period-col", metavar="COL", help="INPUT's " + _COLUMN_HELP["period"])
@_input_options
@click.option(
    "--period",
    "period_label",
    default=None,
    metavar="P",
    help="Period to profile (default: the latest).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    metavar="N",
    help="Rows in each list.",
)
@click.option(
    "--profile",
    default=None,
    metavar="NAME",
    help=f"Convention profile ({_profiles_help()}); default: atlas.",
)
@click.option(
    "--rank-by",
    type=click.Choice(["density", "cog", "pci"]),
    default="density",
    show_default=True,
    help="Order of the opportunities: relatedness density, complexity outlook gain, or PCI.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON.")
def profile_command(
    input_path: str | None,
    region_label: str,
    region_col: str | None,
    activity_col: str | None,
    value_col: str | None,
    period_col: str | None,
    dataset: str | None,
    duplicates: str,
    sheet: str | None,
    decimal: str,
    missing: str,
    input_format: str | None,
    period_label: str | None,
    top: int,
    profile: str | None,
    rank_by: str,
    as_json: bool,
) -> None:
    """Print one region's evidence profile: specialisations, complexity, opportunities.

    The data is a bundled dataset (--dataset NAME) or an INPUT file whose columns are named by
    --region-col, --activity-col, --value-col (and --period-col). Here --region names the
    region to profile, not a column, and --period names a period, not a column.

    \b
    Examples:
      smartspec profile --dataset nz-urban-industry --region Wellington
      smartspec profile jobs.csv --region-col nuts3 --activity-col nace --value-col jobs \\
          --region AT130 --top 5 --json
    """
    from smartspec.core.evidence import analyse

    columns = {
        "region": region_col,
        "activity": activity_col,
        "value": value_col,
        "period": period_col,
    }
    flags = {
        "region": "--region-col",
        "activity": "--activity-col",
        "value": "--value-col",
        "period": "--period-col",
    }
    m, _ = _load_matrix(
        input_path=input_path,
        dataset=dataset,
        columns=columns,
        column_flags=flags,
        duplicates=duplicates,
        sheet=sheet,
        input_format=input_format,
        decimal=decimal,
        missing=missing,
    )
    region_names = _dataset_labels(dataset, "region")
    region = _resolve_region(m, region_label, region_names)
    if period_label is None:
        period = m.periods[-1]
    else:
        period = m.periods[m.period_position(period_label)]
    if m.n_periods > 1:
        m = m.select(periods=[period])
    kwargs: dict[str, Any] = {"profile": profile} if profile is not None else {}
    if dataset is not None:  # a bundled dataset is profiled with its own conventions
        from smartspec.datasets import info

        presence = info(dataset).defaults.get("presence")
        population = _bundled_population(dataset)
        if presence in ("rpop", "either", "both") and population is not None:
            kwargs.update(presence=presence, population=population)
    with _captured_warnings(not as_json) as _warned, _progress(not as_json) as progress:
        ev = analyse(m, progress=progress, **kwargs)
    rp = ev.region_profile(region, period=period, top=top, rank_by=rank_by)

    activity_names = _dataset_labels(dataset, "activity")
    doc = _profile_document(rp, region_names, activity_names)
    doc["source"] = dataset or (Path(str(input_path)).name if input_path else None)
    if as_json:
        from smartspec.io import jsonable

        click.echo(json.dumps(jsonable(doc), indent=2, ensure_ascii=False, allow_nan=False))
        return
    _print_profile(doc, settings=getattr(ev, "settings", {}))


def _profile_document(
    rp: Any, region_names: Mapping[str, str], activity_names: Mapping[str, str]
) -> dict[str, Any]:
    """The profile as a plain dict (with names, where the dataset has them)."""
    import pandas as pd

    doc: dict[str, Any] = {}
    base = rp.to_dict() if hasattr(rp, "to_dict") else {}
    for key in ("region", "period", "eci", "eci_rank", "n_ranked", "diversity", "coi", "rank_by"):
        doc[key] = base.get(key, getattr(rp, key, None))
        if key == "region" and region_names:
            doc["region_name"] = region_names.get(str(doc["region"]))
    for key in ("specialisations", "opportunities"):
        frame = getattr(rp, key, None)
        if not isinstance(frame, pd.DataFrame):
            frame = pd.DataFrame(base.get(key, []))
        frame = frame.reset_index(drop=True)
        if activity_names and "activity" in frame.columns:
            frame = frame.assign(
                activity_name=[activity_names.get(str(a)) for a in frame["activity"]]
            )
        doc[key] = frame.to_dict(orient="records")
    for key, val in base.items():  # anything else the profile reports
        doc.setdefault(key, val)
    return doc


def _fmt(x: Any, digits: int = 2) -> str:
    import math

    if x is None:
        return "-"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f):
        return "-"
    if digits < 0:  # a quantity: whole numbers without decimals
        return f"{f:,.0f}" if f.is_integer() else f"{f:,.2f}"
    if f == 0:
        f = 0.0  # no '-0.00'
    return f"{f:,.{digits}f}"


def _print_profile(doc: Mapping[str, Any], *, settings: Mapping[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    console = _console()
    name = doc.get("region_name")
    title = f"{name} ({doc['region']})" if name else str(doc["region"])
    console.print(f"[bold]{title}[/bold]")
    details = [f"period {doc.get('period')}"]
    if doc.get("source"):
        details.insert(0, str(doc["source"]))
    if settings.get("profile") or settings.get("name"):
        details.append(f"profile {settings.get('profile') or settings.get('name')}")
    console.print(", ".join(details))
    rank = doc.get("eci_rank")
    ranked = doc.get("n_ranked")
    rank_text = (
        f"rank {_fmt(rank, -1)} of {_fmt(ranked, -1)} regions" if rank is not None else "not ranked"
    )
    console.print(f"ECI {_fmt(doc.get('eci'))} ({rank_text})")
    console.print(
        f"Diversity {_fmt(doc.get('diversity'), -1)} activities specialised; "
        f"COI {_fmt(doc.get('coi'))}"
        + (
            f"; presence by {settings['presence'].upper()}"
            if settings.get("presence") not in (None, "rca")
            else ""
        )
    )
    for notice in doc.get("notices") or []:
        console.print(f"[yellow]Note:[/yellow] {notice}")

    def table(title: str, rows: list[dict[str, Any]], cols: list[tuple[str, str, int]]) -> None:
        has_names = any(r.get("activity_name") for r in rows)
        t = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
        t.add_column("#", justify="right")
        t.add_column("Activity")
        if has_names:
            t.add_column("Name", overflow="fold")
        for _, header, _ in cols:
            t.add_column(header, justify="right")
        for i, r in enumerate(rows, 1):
            cells = [str(i), str(r.get("activity"))]
            if has_names:
                cells.append(str(r.get("activity_name") or ""))
            cells += [_fmt(r.get(key), digits) for key, _, digits in cols]
            t.add_row(*cells)
        if not rows:
            console.print(f"[bold]{title}[/bold]: none")
        else:
            console.print(t)

    console.print()
    table(
        "Top specialisations",
        list(doc.get("specialisations") or []),
        [("rca", "RCA", 2), ("value", "Value", -1), ("pci", "PCI", 2)],
    )
    console.print()
    table(
        f"Diversification opportunities (by {doc.get('rank_by') or 'density'})",
        list(doc.get("opportunities") or []),
        [("density", "Density", 3), ("pci", "PCI", 2), ("cog", "COG", 3)],
    )


@main.command("datasets")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def datasets_command(name: str | None, as_json: bool) -> None:
    """List the bundled datasets, or show one dataset's description, source and licence."""
    from rich.table import Table

    from smartspec.datasets import info, list_datasets
    from smartspec.io import jsonable

    console = _console()
    if name is None:
        frame = list_datasets()
        if as_json:
            click.echo(json.dumps(jsonable(frame), indent=2, ensure_ascii=False))
            return
        t = Table(title="Bundled datasets", title_justify="left", title_style="bold", box=None)
        shown = [
            c
            for c in ("name", "regions", "activities", "periods", "value_name", "title")
            if c in frame.columns
        ] or list(frame.columns)
        for col in shown:
            numeric = col in ("regions", "activities")
            t.add_column(
                {"value_name": "value"}.get(col, col),
                justify="right" if numeric else "left",
                no_wrap=col != "title",
                overflow="fold",
            )
        for row in frame[shown].itertuples(index=False):
            t.add_row(*["" if v is None else str(v) for v in row])
        console.print(t)
        console.print("Details: smartspec datasets NAME; use: smartspec analyse --dataset NAME")
        return
    meta = info(name)
    fields = _as_mapping(meta)
    if as_json:
        click.echo(json.dumps(jsonable(fields), indent=2, ensure_ascii=False))
        return
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for key, val in fields.items():
        if isinstance(val, list | tuple):
            val = ", ".join(str(v) for v in val)
        elif isinstance(val, Mapping):
            val = ", ".join(f"{k}: {v}" for k, v in val.items())
        t.add_row(str(key), "" if val is None else str(val))
    console.print(t)


def _console() -> Any:
    """A rich console on stdout: plain (no colour) and 120 columns wide when not a terminal."""
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120, no_color=True)
    return console


def _as_mapping(obj: Any) -> dict[str, Any]:
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    return dict(vars(obj))


# Commands defined in their own modules (imported last: they reuse the helpers above).
from .cli_evidence import (  # noqa: E402
    indicators_command,
    opportunities_command,
    validate_command,
)

main.add_command(indicators_command)
main.add_command(opportunities_command)
main.add_command(validate_command)

from .cli_admin import backup_command, restore_command  # noqa: E402
from .serve import serve  # noqa: E402

main.add_command(backup_command)
main.add_command(restore_command)

main.add_command(serve)
