"""``smartspec monitoring evaluate``: did a region's strategy change an indicator?

\b
  smartspec monitoring evaluate --region CZ06 --dataset eu-nuts2-ardeco \\
      --measure share --activities B-E --start 2014
  smartspec monitoring evaluate --region CZ06 --dataset eu-nuts2-ardeco \\
      --measure share --activities B-E --start 2014 --controls CZ02,CZ03,PL21 --json
"""

from __future__ import annotations

from typing import Any

import click

from smartspec.domains.commands import echo_json, opened, where

from . import compute

__all__ = ["evaluate"]


@click.command("evaluate")
@click.option("--region", required=True, metavar="CODE", help="The region (code or name).")
@click.option("--dataset", metavar="NAME", help="The dataset (activity measures).")
@click.option(
    "--measure",
    type=click.Choice(list(compute.MEASURES)),
    default="share",
    show_default=True,
    help="The indicator's measure.",
)
@click.option("--activities", metavar="CODES", help="Activity (or NACE) codes, comma-separated.")
@click.option("--start", required=True, type=click.IntRange(1900, 2100), help="First year.")
@click.option(
    "--controls",
    default="10",
    show_default=True,
    metavar="N|CODES",
    help="How many similar regions (2-30), or region codes separated by commas.",
)
@click.option(
    "--similarity",
    type=click.Choice(["structure", "activity", "priorities", "combined"]),
    default="structure",
    show_default=True,
    help="How similar regions are chosen (the benchmark's measures).",
)
@click.option("--period-from", type=click.IntRange(1900, 2100), help="Only years from this one.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
@where
def evaluate(
    region: str,
    dataset: str | None,
    measure: str,
    activities: str | None,
    start: int,
    controls: str,
    similarity: str,
    period_from: int | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
) -> None:
    """Difference-in-differences of a computed indicator: REGION against similar regions from
    the START year, with the parallel-trends check and placebo inference."""
    from .api_evaluation import parse_controls
    from .evaluation import evaluate as run

    spec: dict[str, Any] = {"measure": measure}
    if dataset:
        spec["dataset"] = dataset
    if activities:
        spec["activities"] = [a.strip() for a in activities.split(",") if a.strip()]
    if period_from is not None:
        spec["period_from"] = period_from
    with opened(data_dir, database_url) as app:
        result = run(
            app, None, region, spec=spec, start=start, controls=parse_controls(controls),
            measure=similarity,
        )  # fmt: skip
    if as_json:
        echo_json(result)
        return
    d = result["did"]
    unit = result["unit"]
    click.echo(
        f"{result['region']} from {result['start']}: ATT {d['att']:+.4g} {unit} "
        f"(two-way fixed effects {d['twfe']:+.4g})"
    )
    m = d["means"]
    click.echo(
        f"  treated {m['treated_pre']:.4g} -> {m['treated_post']:.4g}; controls' mean "
        f"{m['controls_pre']:.4g} -> {m['controls_post']:.4g}"
    )
    p = d["placebo"]
    click.echo(f"  placebo p-value {p['p_value']:.3f} (rank {p['rank']} of {p['n'] + 1})")
    t = d["pretrend"]
    pv = "-" if t["p_value"] is None else f"{t['p_value']:.3f}"
    flag = "  FLAGGED: trends not parallel" if t["flagged"] else ""
    click.echo(f"  pre-trend slope of the gap {t['slope']:+.4g}/year, p {pv}{flag}")
    click.echo("  controls: " + ", ".join(c["region"] for c in result["controls"]))
    for line in d["caveats"] + result["notes"]:
        click.echo(f"note: {line}")
