"""Commands that read a dataset (bundled or a file) and report on it: ``opportunities`` (the
smart-specialisation framework), ``validate`` (backtests of recommendations) and
``indicators`` (one indicator of the catalogue as a long table).

Thin: parse the options, call one library function, format the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from smartspec.services.options import parse_value

from .errors import usage
from .loading import load_source, period_of, resolve_region
from .options import (
    json_option,
    period_label_option,
    region_label_option,
    source_options,
    top_option,
)
from .output import captured_warnings, console, fmt

if TYPE_CHECKING:
    import pandas as pd

    from smartspec.core.framework import Cutoff
    from smartspec.io.writers import TableFormat

__all__ = ["indicators_command", "opportunities_command", "validate_command"]


def _profile_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    profile = opts.pop("profile", None)
    return {"profile": profile} if profile else {}


def cutoff(text: str) -> Cutoff:
    """A ``--*-cutoff``: ``mean``, ``median`` or a number.

    >>> cutoff("median"), cutoff("0.5")
    ('median', 0.5)
    """
    if text == "mean":
        return "mean"
    if text == "median":
        return "median"
    try:
        return float(text)
    except ValueError:
        raise usage(f"a cut-off is 'mean', 'median' or a number, not {text!r}") from None


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from smartspec.io import jsonable

    return jsonable(frame.to_dict("records"))


@click.command("opportunities")
@source_options
@region_label_option(
    required=False, help="Show this region's candidates (code, or name with --dataset)."
)
@period_label_option(metavar="PERIOD", help="Period (default: the latest).")
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
    "--score",
    type=click.Choice(["density", "learned"]),
    default="density",
    show_default=True,
    help="density: the framework's quadrants; learned: the activities the region is most "
    "likely to enter next (a model trained on earlier periods), with the reasons.",
)
@top_option(default=5, help="Candidates shown per quadrant (or recommendations, learned).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Write candidates.csv, regions.csv (and the region's chart) to DIR; with --score "
    "learned, recommendations.csv.",
)
@json_option("Print the region's candidates as JSON.")
def opportunities_command(**opts: Any) -> None:
    """The smart-specialisation framework (Balland et al. 2019): every activity a region does
    not yet specialise in, by relatedness density and complexity, in four quadrants.

    \b
    Examples:
      smartspec opportunities --dataset eu-nuts2-sbs --region ES51
      smartspec opportunities --dataset nz-urban-industry --out out/framework
      smartspec opportunities --dataset nz-urban-industry --region Auckland --score learned
    """
    from smartspec.core.framework import framework

    m, names, activity_names = load_source(opts)
    region = opts["region_label"]
    if region is None and opts["out_dir"] is None:
        raise usage("give --region REGION to show a region, or --out DIR to write every region")
    period = period_of(m, opts["period_label"])
    if opts["score"] == "learned":
        _recommendations(m, region, period, names, activity_names, opts)
        return
    scope: Literal["region", "period"] = opts["scope"]  # click.Choice: one of the two
    with captured_warnings(show=False):
        fw = framework(
            m.select(periods=[period]) if m.n_periods > 1 else m,
            density_cutoff=cutoff(opts["density_cutoff"]),
            complexity_cutoff=cutoff(opts["complexity_cutoff"]),
            scope=scope,
            **_profile_kwargs(opts),
        )
    out = Path(opts["out_dir"]) if opts["out_dir"] else None
    if out is not None:
        from smartspec.io import write_tables

        write_tables({"candidates": fw.candidates, "regions": fw.regions}, out)
    if region is None:
        click.echo(f"Wrote {len(fw.candidates)} candidates of {m.n_regions} regions to {out}/")
        return
    code = resolve_region(m, region, names)
    table = fw.region(code, period)
    if out is not None:
        from smartspec.reports.charts import framework_chart, save

        save(
            framework_chart(table, title=f"{names.get(str(code), code)} {period}"),
            out / f"framework-{code}.svg",
        )
    if opts["as_json"]:
        doc = {
            "region": str(code),
            "period": str(period),
            "settings": fw.settings,
            "candidates": _json_records(table),
        }
        click.echo(json.dumps(doc, indent=2))
        return
    _print_quadrants(table, f"{names.get(str(code), code)}", code, period, activity_names, opts)


def _recommendations(
    m: Any,
    region: str | None,
    period: Any,
    names: dict[str, str],
    activity_names: dict[str, str],
    opts: dict[str, Any],
) -> None:
    """The learned score: each region's most likely next activities, with the reasons; with
    --out also the framework with the learned probability as its feasibility axis."""
    import numpy as np

    from smartspec.core.framework import framework
    from smartspec.learn import fit_entry_model, recommend

    code = resolve_region(m, region, names) if region is not None else None
    profile = _profile_kwargs(opts)
    with captured_warnings(show=False):
        model = fit_entry_model(m, base=period, **profile)
        table = recommend(
            m,
            region=code,
            top=opts["top"],
            model=model,
            names=activity_names,
            region_names=names,
        )
    if opts["out_dir"]:
        from smartspec.io import write_tables

        grid = np.full(m.shape, np.nan)
        grid[m.period_position(period)] = model.grid()
        with captured_warnings(show=False):
            fw = framework(m, feasibility=grid, **profile)
        flat = table.assign(
            factors=[", ".join(f["factor"] for f in row) for row in table["factors"]],
            related=["; ".join(map(str, x)) for x in table["related"]],
            similar=["; ".join(map(str, x)) for x in table["similar"]],
        )
        write_tables(
            {"recommendations": flat, "candidates": fw.candidates, "regions": fw.regions},
            Path(opts["out_dir"]),
        )
        if code is None:
            click.echo(f"Wrote {len(table)} recommendations to {opts['out_dir']}/")
            return
    if opts["as_json"]:
        doc = {
            "region": str(code),
            "period": str(period),
            "score": "learned",
            "recommendations": _json_records(table),
        }
        click.echo(json.dumps(doc, indent=2))
        return
    from rich.table import Table

    out = console()
    out.print(
        f"[bold]{names.get(str(code), code)}[/bold] ({code}), period {period}: most likely next "
        "specialisations (learned model, probability of a lasting entry by the next period)"
    )
    t = Table()
    for col in ("rank", "activity", "name", "probability", "why"):
        t.add_column(col, justify="right" if col in ("rank", "probability") else "left")
    for rec in table.itertuples():
        t.add_row(
            str(rec.rank),
            str(rec.activity),
            activity_names.get(str(rec.activity), ""),
            f"{rec.probability:.1%}",
            rec.explanation,
        )
    out.print(t)
    out.print(
        "Reasons: change in probability when one factor is set to its typical value "
        "(ceteris-paribus contrasts, not SHAP values)."
    )


def _print_quadrants(
    table: pd.DataFrame,
    name: str,
    code: Any,
    period: Any,
    activity_names: dict[str, str],
    opts: dict[str, Any],
) -> None:
    """A region's candidates: one table per quadrant, its ``--top`` rows."""
    from rich.table import Table

    from smartspec.core.framework import QUADRANTS

    out = console()
    out.print(f"[bold]{name}[/bold] ({code}), period {period}: {len(table)} candidate activities")
    for q, meaning in QUADRANTS.items():
        rows = table[table.quadrant == q].head(opts["top"])
        t = Table(title=f"{meaning} ({(table.quadrant == q).sum()})", title_justify="left")
        for col in ("activity", "name", "density", "complexity", "rca"):
            t.add_column(col, justify="left" if col in ("activity", "name") else "right")
        for rec in rows.itertuples():
            t.add_row(
                str(rec.activity),
                activity_names.get(str(rec.activity), ""),
                fmt(rec.density, 3),
                fmt(rec.complexity),
                fmt(rec.rca),
            )
        out.print(t)


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
    type=click.Choice(
        [
            "density",
            "cog",
            "pci",
            "rca_start",
            "learned",
            "learned_no_size",
            "logistic",
            "learned_density",
            "similar_density",
        ]
    ),
    help="Predictor(s) to evaluate (repeat the option). learned, learned_no_size, logistic and "
    "learned_density are trained on the windows observed by the base period only.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Clean entries: base RCA < 0.5, no re-entry (never specialised before), and the entry "
    "persists one more period where the panel has one.",
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
@json_option("Print the result as JSON.")
def validate_command(**opts: Any) -> None:
    """Backtest the recommendations: did the pairs scored highest in the base period become
    specialisations by the outcome period? ROC-AUC, PR-AUC and precision@k against baselines
    (ubiquity, random), with bootstrap intervals over regions; for learned scores their margin
    over the best of density and ubiquity (and learned over logistic) and a calibration table.

    \b
    Examples:
      smartspec validate --dataset nz-urban-industry --base 1976 --end 2013
      smartspec validate --dataset au-sa3-industry --base 2016 --end 2021 --strict \\
        --score learned --score logistic --score density
      smartspec validate --dataset au-sa3-industry --horizon 1 --score density --score cog
    """
    from smartspec.learn import backtest

    m, _, _ = load_source(opts)
    with captured_warnings(show=False):
        bt = backtest(
            m,
            definition="strict" if opts["strict"] else "loose",
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
        write_tables(
            {
                "metrics": bt.metrics,
                "margins": bt.margins,
                "calibration": bt.calibration,
                "curves": bt.curves,
                "pairs": bt.pairs,
            },
            out,
        )
        write_json(bt.to_dict(), out / "backtest.json")
        save(
            backtest_chart(
                bt.curves, title=f"Backtest {bt.summary['base']} -> {bt.summary['end']}"
            ),
            out / "backtest.svg",
        )
    if opts["as_json"]:
        from smartspec.io import jsonable

        click.echo(json.dumps(jsonable(bt.to_dict()), indent=2))
        return
    _print_backtest(bt, list(opts["ks"]))


def _print_backtest(bt: Any, ks: list[int]) -> None:
    """The backtest's summary line and its metrics, one row per score."""
    from rich.table import Table

    s = bt.summary
    out = console()
    out.print(
        f"Backtest {s['base']} -> {s['end']}: {s['at_risk']} pairs at risk in {s['regions']} "
        f"regions, {s['entries']} entries (rate {s['entry_rate']:.3f}, "
        f"{s.get('definition', 'loose')} definition); "
        f"{int(s['level'] * 100)}% intervals from {s['n_boot']} region bootstraps"
    )
    t = Table()
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
            *[fmt(r[f"precision_at_{k}"], 3) for k in ks],
            *[fmt(r[f"region_precision_at_{k}"], 3) for k in ks],
        )
    out.print(t)
    for r in bt.margins.to_dict("records"):
        what = "ROC-AUC" if r["metric"] == "roc_auc" else r["metric"].replace("_", " ")
        out.print(
            f"{what} margin of {r['score']} over {r['against']}: {r['margin']:+.3f} "
            f"[{r['margin_low']:+.3f}, {r['margin_high']:+.3f}]"
        )


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
        console().print(t)
        return
    m, _, _ = load_source(opts)
    kwargs = _profile_kwargs(opts)
    for item in options:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise usage(f"--option takes KEY=VALUE, not {item!r}")
        kwargs[key.strip()] = parse_value(raw.strip())
    with captured_warnings(show=True):
        table = compute(name, m, **kwargs)
    if out_file:
        from smartspec.io import write_tables

        path = Path(out_file)
        fmt_: TableFormat = "parquet" if path.suffix == ".parquet" else "csv"
        written = write_tables({path.stem: table}, path.parent or Path("."), format=fmt_)
        click.echo(f"Wrote {len(table)} rows to {written[0]}")
    else:
        from smartspec.io.writers import csv_quoting, neutralise_formulas

        # the same CSV as --out writes: formula-like text quoted for spreadsheets
        safe = neutralise_formulas(table)
        click.echo(safe.to_csv(index=False, quoting=csv_quoting(safe)), nl=False)
