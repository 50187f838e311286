"""``smartspec analyse``: every indicator for every period, written to a folder.

Thin: the options become an :class:`~smartspec.services.cli.analysis.AnalyseRequest`,
:func:`~smartspec.services.cli.analysis.run_analysis` does the work, the summary is printed.
"""

from __future__ import annotations

from typing import Any

import click

from .analysis import AnalyseRequest, AnalysisRun, run_analysis
from .options import (
    COLUMN_HELP,
    PRESENCE,
    PROXIMITY,
    check_cells,
    input_argument,
    input_options,
    profile_option,
)

__all__ = ["analyse_command"]


@click.command("analyse")
@input_argument(dir_okay=True)
@click.option("--region", "--region-col", "region", metavar="COL", help=COLUMN_HELP["region"])
@click.option(
    "--activity", "--activity-col", "activity", metavar="COL", help=COLUMN_HELP["activity"]
)
@click.option("--value", "--value-col", "value", metavar="COL", help=COLUMN_HELP["value"])
@click.option("--period", "--period-col", "period", metavar="COL", help=COLUMN_HELP["period"])
@input_options
@profile_option
@click.option(
    "--presence",
    type=click.Choice(PRESENCE),
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
    type=click.Choice(PROXIMITY),
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
    callback=check_cells,
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
def analyse_command(**options: Any) -> None:
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
    # the click.Choice of each option holds the values its field allows
    request = AnalyseRequest(**options)
    run = run_analysis(request)
    if not request.quiet:
        echo_summary(run)


def echo_summary(run: AnalysisRun) -> None:
    """What ``analyse`` wrote, and whether ECI means what it says in each period."""
    n_regions, n_activities, n_periods = run.shape
    click.echo(
        f"{run.source}: {n_regions} regions x {n_activities} activities x "
        f"{n_periods} period(s) -> {run.out_dir}"
    )
    for name, rows in run.files:
        click.echo(f"  {name:<18} {rows:>10,} rows")
    click.echo(f"  {run.run_json.name}")
    _echo_checks(run.checks, run.income)


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
