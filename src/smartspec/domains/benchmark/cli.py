"""``smartspec benchmark``: the regions most like a region, and why.

\b
  smartspec benchmark --region ES21 --top 10 --json
  smartspec benchmark --region ES21 --measure combined
  smartspec benchmark compare ES21 DE21
  smartspec benchmark stability --k 10 --draws 50
  smartspec benchmark indicators
"""

from __future__ import annotations

import click

from smartspec.domains.commands import echo_json, opened, where

from . import service

__all__ = ["benchmark"]


@click.group("benchmark", invoke_without_command=True)
@click.option("--region", metavar="CODE", help="The region (NUTS 2 code or name).")
@click.option(
    "--top",
    type=click.IntRange(1, service.MAX_TOP),
    default=10,
    show_default=True,
    help="How many similar regions.",
)
@click.option(
    "--measure",
    type=click.Choice(service.MEASURES),
    default="structure",
    show_default=True,
    help="structure (indicators), activity (RSCA profiles), priorities (registry), combined.",
)
@click.option("--dataset", metavar="NAME", help="Activity dataset (default eu-nuts2-ardeco).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
@where
@click.pass_context
def benchmark(
    ctx: click.Context,
    region: str | None,
    top: int,
    measure: str,
    dataset: str | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
) -> None:
    """Benchmark regions: the regions most like a region, and why.

    With --region, lists the most similar regions by the stated measure.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not region:
        raise click.UsageError("give --region CODE, or a subcommand (see --help)")
    with opened(data_dir, database_url) as app:
        view = service.similar_regions(app, region, top=top, measure=measure, dataset=dataset)
    if as_json:
        echo_json(view)
        return
    click.echo(f"{view.name} ({view.region}) - {view.measure}: {view.description}")
    for item in view.items:
        extra = f"  d={item.distance:.4f}" if item.distance is not None else ""
        click.echo(f"{item.rank:>3}  {item.region:<7} {item.score:.4f}{extra}  {item.name}")
    for note in view.notes:
        click.echo(f"note: {note}")


@benchmark.command("compare")
@click.argument("region")
@click.argument("other")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
def compare_command(region: str, other: str, as_json: bool) -> None:
    """Which indicators make REGION and OTHER alike, and which set them apart."""
    view = service.explain(None, region, other)
    if as_json:
        echo_json(view)
        return
    click.echo(
        f"{view.name} ({view.region}) vs {view.other_name} ({view.other}): distance "
        f"{view.distance:.4f}, similarity {view.similarity:.4f}, rank {view.rank}"
    )
    click.echo(f"alike: {', '.join(view.alike)}")
    click.echo(f"apart: {', '.join(view.apart)}")
    for row in view.indicators:
        if row.contribution is None:
            click.echo(f"  {row.key:<24} missing")
            continue
        click.echo(
            f"  {row.key:<24} z {row.z:+.2f} vs {row.other_z:+.2f}  contribution "
            f"{row.contribution:.4f} ({row.share:.0%})"
        )


@benchmark.command("stability")
@click.option(
    "--k",
    type=click.IntRange(1, service.MAX_TOP),
    default=10,
    show_default=True,
    help="Size of the neighbour sets.",
)
@click.option(
    "--draws",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Resamplings per mode.",
)
@click.option(
    "--noise",
    type=click.FloatRange(0, 1),
    default=0.1,
    show_default=True,
    help="Values multiplied by 1+U(-noise, noise).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--region", "regions", multiple=True, help="Only these regions (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stability_command(
    k: int, draws: int, noise: float, seed: int, regions: tuple[str, ...], as_json: bool
) -> None:
    """Mean Jaccard overlap of top-k structural neighbours under resampled indicators."""
    view = service.stability_check(
        k=k, draws=draws, noise=noise, seed=seed, regions=list(regions) or None
    )
    if as_json:
        echo_json(view)
        return
    click.echo(f"top-{view.k} neighbours, {view.draws} draws, noise ±{view.noise:.0%}")
    for mode, value in view.summary.items():
        click.echo(f"  {mode:<11} mean Jaccard {value:.3f}")


@benchmark.command("indicators")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
def indicators_command(as_json: bool) -> None:
    """The structural indicators: dimension, weight, unit, source, regions."""
    view = service.indicators()
    if as_json:
        echo_json(view)
        return
    click.echo(f"reference year {view.reference_year}; {view.distance}")
    for i in view.indicators:
        click.echo(f"  {i.key:<24} {i.dimension:<19} w={i.weight:.4f} n={i.regions:<4} {i.unit}")
