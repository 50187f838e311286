"""``smartspec report``: the region report as a file (HTML, PDF or an Excel workbook).

The command reads the platform of the data folder and database it is given, as an
administrator (the command line owns its data folder), or as an existing account with
``--as-user NAME`` (its read rights apply to the registry, monitoring and reviews).

\b
  smartspec report --region CZ06 --dataset eu-nuts2-ardeco --format pdf --lang es
  smartspec report --region "Jihovýchod" --dataset eu-nuts2-ardeco --out report.html
"""

from __future__ import annotations

from pathlib import Path

import click

from smartspec.domains.commands import acting, acting_app

from . import render
from .service import build_report

__all__ = ["report"]


@click.command("report")
@click.option("--region", required=True, help="A region of the dataset: code or name.")
@click.option("--dataset", required=True, help="A dataset of the catalogue.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(render.FORMATS),
    default="html",
    show_default=True,
    help="html (one self-contained file), pdf (A4) or xlsx (one sheet per table).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="The report's language.",
)
@click.option("--period", help="The period of the evidence (default: the latest complete one).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: smartspec-report-<region>-<dataset>-<period>-<lang>.<format> "
    "in the current folder).",
)
@acting
def report(
    region: str,
    dataset: str,
    fmt: str,
    lang: str,
    period: str | None,
    out: Path | None,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Write the report on a region: evidence profile and validity caveats, declared priorities
    and their coherence with the evidence, monitoring progress, benchmark regions, peer-review
    results."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        built = build_report(app, actor, region, dataset, lang, period)
        content, _, filename = render.render(built, fmt)
    path = out or Path(filename)
    path.write_bytes(content)
    click.echo(str(path))
