"""``smartspec partners``: value chains evaluated on a dataset, partner sets, coverage matrix.

=========================================================== ====================================
``smartspec partners chain FILE|--example NAME [--dataset D]``  rankings, partner sets, caveats
``smartspec partners examples``                                 the bundled example chains
``smartspec partners matrix FILE|--example NAME [--csv]``       the coverage matrix
=========================================================== ====================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from smartspec.domains.commands import opened, where

__all__ = ["partners"]

F = TypeVar("F", bound=Callable[..., Any])


def _chain_options(f: F) -> F:
    """The chain (a file or an example) and the evaluation's options."""
    for option in reversed(
        [
            click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False)),
            click.option("--example", metavar="NAME", help="An example chain (see examples)."),
            click.option(
                "--dataset",
                metavar="D",
                help="A dataset id, or ids joined by '+' for a combined panel (default: the "
                "chain's own).",
            ),
            click.option("--region", metavar="R", help="Anchor: partners for this region."),
            click.option(
                "--size",
                type=click.IntRange(2, 5),
                default=3,
                show_default=True,
                help="Most members of a partner set.",
            ),
            click.option(
                "--top",
                type=click.IntRange(1, 50),
                default=10,
                show_default=True,
                help="Regions per stage, and sets proposed.",
            ),
            click.option(
                "--threshold",
                type=click.FloatRange(0, 100, min_open=True),
                default=1.0,
                show_default=True,
                help="A region covers a stage when its stage RCA is at least this.",
            ),
            click.option("--period", help="The dataset's period (default: latest complete)."),
            click.option(
                "--lang",
                type=click.Choice(["en", "es"]),
                default="en",
                show_default=True,
                help="Language of the names.",
            ),
        ]
    ):
        f = option(f)
    return where(f)


def _evaluate(params: dict[str, Any]) -> Any:
    from . import service

    file, name = params.pop("file"), params.pop("example")
    if bool(file) == bool(name):
        raise click.UsageError("give a chain FILE or --example NAME (one of them)")
    chain = service.load_chain(file) if file else service.example(name)
    with opened(params.pop("data_dir"), params.pop("database_url")) as app:
        return service.evaluate(app, chain, **params)


@click.group("partners")
def partners() -> None:
    """Partner regions along value chains: strength, potential, coverage."""


@partners.command("chain")
@_chain_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
def chain_command(as_json: bool, **params: Any) -> None:
    """Evaluate a value chain (a JSON or YAML FILE, or --example NAME): per stage, the
    strongest regions (stage RCA, size) and those with most potential (relatedness density);
    the partner sets that cover the chain; the caveats."""
    view = _evaluate(params)
    if as_json:
        click.echo(view.model_dump_json(indent=2))
        return
    periods = ", ".join(f"{d} {p}" for d, p in view.periods.items())
    click.echo(f"{view.chain.name} on {view.dataset} ({periods})")
    click.echo(f"rule: {view.rule}")
    for stage in view.ranking.stages:
        codes = ", ".join(a.code for a in stage.activities)
        click.echo(f"\nstage {stage.position}: {stage.name} [{codes}], {stage.covering} covering")
        for r in stage.strongest:
            rca = "-" if r.rca is None else f"{r.rca:.2f}"
            share = "-" if r.share is None else f"{r.share:.1%}"
            click.echo(f"  {r.region:<8} {rca:>6}  {share:>6}  {r.name}")
        if stage.potential:
            best = ", ".join(
                f"{r.region} {r.density:.2f}" for r in stage.potential[:5] if r.density is not None
            )
            click.echo(f"  potential: {best}")
    sets = view.partner_sets
    click.echo(f"\npartner sets ({sets.method}); ranked {sets.ranking}")
    for s in sets.sets:
        members = " + ".join(m.region for m in s.members)
        sim = "-" if s.similarity is None else f"{s.similarity:.2f}"
        click.echo(
            f"  {s.rank:>2}. {members:<30} covers {s.n_covered}/{s.n_stages}  strength "
            f"{s.strength:.2f}  complementarity {s.complementarity:.2f}  similarity {sim}  "
            f"score {s.score:.3f}"
        )
    click.echo(f"priorities: {sets.similarity_note}", err=True)
    for caveat in view.caveats:
        click.echo(f"caveat: {caveat}", err=True)


@partners.command("matrix")
@_chain_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's 'matrix').")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: region, stage, rca, ...")
def matrix_command(as_json: bool, as_csv: bool, **params: Any) -> None:
    """The coverage matrix of a value chain: regions x stages, stage RCA, relatedness
    density and whether the region covers the stage (*)."""
    view = _evaluate(params)
    matrix = view.matrix
    if as_json:
        click.echo(matrix.model_dump_json(indent=2))
        return
    if as_csv:
        click.echo("region,name,stage,value,share,rca,density,covered")
        for row in matrix.rows:
            for c in row.cells:
                name = json.dumps(row.name, ensure_ascii=False)
                stage = json.dumps(c.stage, ensure_ascii=False)
                click.echo(
                    f"{row.region},{name},{stage},{c.value:g},{_g(c.share)},{_g(c.rca)},"
                    f"{_g(c.density)},{int(c.covered)}"
                )
        return
    click.echo("region    " + "  ".join(f"{s[:12]:>12}" for s in matrix.stages))
    for row in matrix.rows:
        cells = "  ".join(
            f"{('-' if c.rca is None else f'{c.rca:.2f}') + ('*' if c.covered else ' '):>12}"
            for c in row.cells
        )
        click.echo(f"{row.region:<9} {cells}  {row.name}")
    for caveat in matrix.caveats:
        click.echo(f"caveat: {caveat}", err=True)


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


@partners.command("examples")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def examples_command(as_json: bool) -> None:
    """The bundled example chains, their datasets and stages."""
    from . import service

    found = service.examples()
    if as_json:
        click.echo(json.dumps([e.model_dump(mode="json") for e in found], indent=2))
        return
    for e in found:
        click.echo(f"{e.id}\t{e.dataset or '-'}\t{e.stages} stages\t{e.name}")
        for s in e.chain.stages:
            click.echo(f"    {s.name}: {', '.join(s.activities)}")
