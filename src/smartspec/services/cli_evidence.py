"""Commands that read a dataset (bundled or a file) and report on it: ``opportunities`` (the
smart-specialisation framework) and ``validate`` (backtests of recommendations).

Thin: parse the options, call one library function, format the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from smartspec.core.matrix import ActivityMatrix

from .cli import (
    _COLUMN_HELP,
    _captured_warnings,
    _console,
    _dataset_labels,
    _fmt,
    _input_options,
    _load_matrix,
    _profiles_help,
    _resolve_region,
    _usage,
)
from .options import parse_value


def source_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT and its --*-col options, or --dataset (for commands where --region is a label)."""
    for name in ("period", "value", "activity", "region"):
        f = click.option(f"--{name}-col", metavar="COL", help="INPUT's " + _COLUMN_HELP[name])(f)
    f = _input_options(f)
    f = click.argument(
        "input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=False)
    )(f)
    return click.option(
        "--profile",
        default=None,
        metavar="NAME",
        help=f"Convention profile ({_profiles_help()}); default: atlas.",
    )(f)


def load_source(
    opts: dict[str, Any],
) -> tuple[ActivityMatrix, dict[str, str], dict[str, str]]:
    """The matrix named by :func:`source_options`, its region and activity names (code -> name,
    empty for a file)."""
    columns = {k: opts.pop(f"{k}_col") for k in ("region", "activity", "value", "period")}
    m, _ = _load_matrix(
        input_path=opts.pop("input_path"),
        dataset=opts["dataset"],
        columns=columns,
        column_flags={k: f"--{k}-col" for k in columns},
        duplicates=opts.pop("duplicates"),
        sheet=opts.pop("sheet"),
        input_format=opts.pop("input_format"),
        decimal=opts.pop("decimal"),
    )
    dataset = opts.pop("dataset")
    return m, _dataset_labels(dataset, "region"), _dataset_labels(dataset, "activity")


def _profile_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    profile = opts.pop("profile", None)
    return {"profile": profile} if profile else {}


def _cutoff(text: str) -> str | float:
    if text in ("mean", "median"):
        return text
    try:
        return float(text)
    except ValueError:
        raise _usage(f"a cut-off is 'mean', 'median' or a number, not {text!r}") from None


@click.command("opportunities")
@source_options
@click.option(
    "--region",
    "-r",
    "region_label",
    default=None,
    metavar="REGION",
    help="Show this region's candidates (code, or name with --dataset).",
)
@click.option(
    "--period", "period_label", default=None, metavar="PERIOD", help="Period (default: the latest)."
)
@click.option(
    "--density-cutoff",
    default="mean",
    show_default=True,
    metavar="mean|median|X",
    help="Where relatedness density is cut into high/low.",
)
@click.option(
    "--complexity-cutoff",
    default="mean",
    show_default=True,
    metavar="mean|median|X",
    help="Where complexity is cut into high/low.",
)
@click.option(
    "--scope",
    type=click.Choice(["region", "period"]),
    default="region",
    show_default=True,
    help="Cut-offs over each region's candidates, or over all regions of the period.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Candidates shown per quadrant.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write candidates.csv, regions.csv (and the region's chart) to DIR.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the region's candidates as JSON.")
def opportunities_command(**opts: Any) -> None:
    """The smart-specialisation framework (Balland et al. 2019): every activity a region does
    not yet specialise in, by relatedness density and complexity, in four quadrants.

    \b
    Examples:
      smartspec opportunities --dataset eu-nuts2-sbs --region ES51
      smartspec opportunities --dataset nz-urban-industry --out out/framework
    """
    from smartspec.core.framework import QUADRANTS, framework

    m, names, activity_names = load_source(opts)
    region = opts["region_label"]
    if region is None and opts["out_dir"] is None:
        raise _usage("give --region REGION to show a region, or --out DIR to write every region")
    period = (
        m.periods[-1]
        if opts["period_label"] is None
        else m.periods[m.period_position(opts["period_label"])]
    )
    with _captured_warnings(show=False):
        fw = framework(
            m.select(periods=[period]) if m.n_periods > 1 else m,
            density_cutoff=_cutoff(opts["density_cutoff"]),
            complexity_cutoff=_cutoff(opts["complexity_cutoff"]),
            scope=opts["scope"],
            **_profile_kwargs(opts),
        )
    out = Path(opts["out_dir"]) if opts["out_dir"] else None
    if out is not None:
        from smartspec.io import write_tables

        write_tables({"candidates": fw.candidates, "regions": fw.regions}, out)
    if region is None:
        click.echo(f"Wrote {len(fw.candidates)} candidates of {m.n_regions} regions to {out}/")
        return
    code = _resolve_region(m, region, names)
    table = fw.region(code, period)
    if out is not None:
        from smartspec.reports.charts import framework_chart, save

        save(
            framework_chart(table, title=f"{names.get(str(code), code)} {period}"),
            out / f"framework-{code}.svg",
        )
    if opts["as_json"]:
        import json

        click.echo(
            json.dumps(
                {
                    "region": str(code),
                    "period": str(period),
                    "settings": fw.settings,
                    "candidates": _json_records(table),
                },
                indent=2,
            )
        )
        return
    console = _console()
    console.print(
        f"[bold]{names.get(str(code), code)}[/bold] ({code}), period {period}: "
        f"{len(table)} candidate activities"
    )
    from rich.table import Table

    for q, meaning in QUADRANTS.items():
        rows = table[table.quadrant == q].head(opts["top"])
        t = Table(title=f"{meaning} ({(table.quadrant == q).sum()})", title_justify="left")
        for col in ("activity", "name", "density", "complexity", "rca"):
            t.add_column(col, justify="left" if col in ("activity", "name") else "right")
        for rec in rows.itertuples():
            t.add_row(
                str(rec.activity),
                activity_names.get(str(rec.activity), ""),
                _fmt(rec.density, 3),
                _fmt(rec.complexity),
                _fmt(rec.rca),
            )
        console.print(t)


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from smartspec.io import jsonable

    return jsonable(frame.to_dict("records"))


@click.command("validate")
@source_options
@click.option("--base", default=None, metavar="PERIOD", help="Base period (default: the first).")
@click.option(
    "--end",
    default=None,
    metavar="PERIOD",
    help="Outcome period (default: --horizon periods after --base).",
)
@click.option(
    "--horizon",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Periods between base and outcome when --end is not given.",
)
@click.option(
    "--score",
    "scores",
    multiple=True,
    default=("density", "cog"),
    show_default=True,
    type=click.Choice(["density", "cog", "pci", "rca_start"]),
    help="Predictor(s) to evaluate (repeat the option).",
)
@click.option(
    "--k",
    "ks",
    multiple=True,
    type=click.IntRange(min=1),
    default=(10, 50),
    show_default=True,
    help="Precision@k cut-offs (repeat the option).",
)
@click.option(
    "--n-boot",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Bootstrap resamples (over regions) for the intervals.",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--max-rca-before",
    type=float,
    default=None,
    metavar="X",
    help="At risk only if the base RCA is below X (noise filter).",
)
@click.option(
    "--min-rca-after",
    type=float,
    default=None,
    metavar="X",
    help="An entry only if the outcome RCA reaches X (noise filter).",
)
@click.option(
    "--persistence",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The entry must hold this many periods after the outcome period.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write metrics.csv, curves.csv, pairs.csv, backtest.json and backtest.svg.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def validate_command(**opts: Any) -> None:
    """Backtest the recommendations: did the pairs scored highest in the base period become
    specialisations by the outcome period? ROC-AUC, PR-AUC and precision@k against baselines
    (ubiquity, random), with bootstrap intervals.

    \b
    Examples:
      smartspec validate --dataset nz-urban-industry --base 1976 --end 2013
      smartspec validate --dataset au-sa3-industry --horizon 1 --score density --score cog
    """
    from smartspec.core.validation import backtest

    m, _, _ = load_source(opts)
    with _captured_warnings(show=False):
        bt = backtest(
            m,
            base=opts["base"],
            end=opts["end"],
            horizon=opts["horizon"],
            scores=opts["scores"],
            k=opts["ks"],
            n_boot=opts["n_boot"],
            seed=opts["seed"],
            max_rca_before=opts["max_rca_before"],
            min_rca_after=opts["min_rca_after"],
            persistence=opts["persistence"],
            **_profile_kwargs(opts),
        )
    if opts["out_dir"]:
        from smartspec.io import write_json, write_tables
        from smartspec.reports.charts import backtest_chart, save

        out = Path(opts["out_dir"])
        write_tables({"metrics": bt.metrics, "curves": bt.curves, "pairs": bt.pairs}, out)
        write_json(bt.to_dict(), out / "backtest.json")
        save(
            backtest_chart(
                bt.curves, title=f"Backtest {bt.summary['base']} -> {bt.summary['end']}"
            ),
            out / "backtest.svg",
        )
    if opts["as_json"]:
        import json

        from smartspec.io import jsonable

        click.echo(json.dumps(jsonable(bt.to_dict()), indent=2))
        return
    s = bt.summary
    console = _console()
    console.print(
        f"Backtest {s['base']} -> {s['end']}: {s['at_risk']} pairs at risk in {s['regions']} "
        f"regions, {s['entries']} entries (rate {s['entry_rate']:.3f}); "
        f"{int(s['level'] * 100)}% intervals from {s['n_boot']} region bootstraps"
    )
    from rich.table import Table

    t = Table()
    ks = list(opts["ks"])
    for col in [
        "score",
        "ROC-AUC",
        "PR-AUC",
        *[f"P@{k}" for k in ks],
        *[f"region P@{k}" for k in ks],
    ]:
        t.add_column(col, justify="left" if col == "score" else "right")
    for r in bt.metrics.to_dict("records"):
        t.add_row(
            r["score"] + (" (baseline)" if r["kind"] == "baseline" else ""),
            f"{r['roc_auc']:.3f} [{r['roc_auc_low']:.3f}, {r['roc_auc_high']:.3f}]",
            f"{r['pr_auc']:.3f} [{r['pr_auc_low']:.3f}, {r['pr_auc_high']:.3f}]",
            *[_fmt(r[f"precision_at_{k}"], 3) for k in ks],
            *[_fmt(r[f"region_precision_at_{k}"], 3) for k in ks],
        )
    console.print(t)


@click.command("indicators")
@click.argument("name", required=False)
@source_options
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="An option of the indicator (repeat), e.g. --option knn=10.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the long table to FILE (.csv or .parquet).",
)
def indicators_command(
    name: str | None, options: tuple[str, ...], out_file: str | None, **opts: Any
) -> None:
    """List the indicators, or compute one (NAME) for a dataset or INPUT as a long table.

    \b
    Examples:
      smartspec indicators
      smartspec indicators krugman --dataset eu-nuts2-ardeco --out krugman.csv
      smartspec indicators density --dataset nz-urban-industry --option knn=10
    """
    from smartspec.core import load_all
    from smartspec.core.catalogue import INDICATORS, compute

    load_all()
    if name is None:
        from rich.table import Table

        t = Table(title="smartspec indicators")
        for col in ("name", "level", "what", "reference"):
            t.add_column(col)
        for ind in sorted(INDICATORS.values(), key=lambda i: (i.level, i.name)):
            t.add_row(ind.name, ind.level, ind.summary, ind.reference)
        _console().print(t)
        return
    m, _, _ = load_source(opts)
    kwargs = _profile_kwargs(opts)
    for item in options:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise _usage(f"--option takes KEY=VALUE, not {item!r}")
        kwargs[key.strip()] = parse_value(raw.strip())
    with _captured_warnings(show=True):
        table = compute(name, m, **kwargs)
    if out_file:
        from smartspec.io import write_tables

        path = Path(out_file)
        fmt = "parquet" if path.suffix == ".parquet" else "csv"
        written = write_tables({path.stem: table}, path.parent or Path("."), format=fmt)
        click.echo(f"Wrote {len(table)} rows to {written[0]}")
    else:
        from smartspec.io.writers import csv_quoting, neutralise_formulas

        # the same CSV as --out writes: formula-like text quoted for spreadsheets
        safe = neutralise_formulas(table)
        click.echo(safe.to_csv(index=False, quoting=csv_quoting(safe)), nl=False)
