"""``smartspec priorities``: the registry from the command line.

The commands act on the data folder and database they are given, as an administrator (the
command line owns its data folder), or as an existing account with ``--as-user NAME`` so that
the history records who made a change and that account's region grants apply.

\b
  smartspec priorities import priorities.xlsx --dry-run
  smartspec priorities list --region CZ064 --q inovace --json
  smartspec priorities export --format xlsx --out priorities.xlsx
  smartspec priorities suggest-codes "manufacture of electric motors"
  smartspec priorities coherence --region CZ064 --dataset eu-nuts2-sbs
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smartspec.domains.commands import acting, acting_app, echo_import, echo_json, import_file

from . import actions

__all__ = ["priorities"]


@click.group("priorities")
def priorities() -> None:
    """The registry of declared S3 priorities: import, export, search, codes, coherence."""


@priorities.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show the report; store nothing.")
@click.option(
    "--invalid-codes",
    type=click.Choice(["refuse", "set-aside"]),
    default="refuse",
    show_default=True,
    help="An unknown code refuses the file, or is set aside (kept on the record, not as a code).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@acting
def import_command(
    file: str,
    dry_run: bool,
    invalid_codes: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Import priorities from FILE (CSV or Excel, layout in docs/registry.md): all rows, or
    none. Every problem is listed by row and column."""

    with acting_app(data_dir, database_url, as_user) as (app, actor):
        import_file(
            app,
            file,
            lambda content, name: actions.import_priorities(
                app,
                actor,
                content,
                name,
                dry_run=dry_run,
                invalid_codes="set-aside" if invalid_codes == "set-aside" else "refuse",
            ),
            lambda report: _print_report(report, as_json),
        )


def _print_report(report: Any, as_json: bool) -> None:
    summary = (
        f"{report.file}: {report.rows} row(s), {report.valid} valid, "
        f"{len(report.problems)} problem(s), {report.stored} stored"
        + (" (dry run)" if report.dry_run else "")
    )
    set_aside = (
        f"row {a.row}: {a.scheme} code {a.code!r} set aside: {a.reason}" for a in report.set_aside
    )
    echo_import(report, summary, as_json, set_aside)


@priorities.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--region", help="Only this region (and the regions below it).")
@click.option("--code", help="Only priorities with this code ('nace:28').")
@click.option("--country", help="Only this country (ISO code).")
@click.option("--period", help="Only this strategy period.")
@acting
def export_command(
    fmt: str,
    out: str,
    region: str | None,
    code: str | None,
    country: str | None,
    period: str | None,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Write the priorities to a CSV or Excel file in the import layout."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        data = actions.export_priorities(
            app,
            actor,
            "xlsx" if fmt == "xlsx" else "csv",
            region=region,
            code=code,
            country=country,
            period=period,
        )
    Path(out).write_bytes(data)
    click.echo(f"{len(data)} bytes -> {out}")


@priorities.command("list")
@click.option("--region", help="Region code (and the regions below it).")
@click.option("--q", "q", help="Words to find in titles and descriptions (any accents, case).")
@click.option("--code", help="A code: 'nace:28', 'sdg:7' or bare '28' (NACE).")
@click.option("--country", help="ISO country code.")
@click.option("--period", help="Strategy period.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
@acting
def list_command(
    region: str | None,
    q: str | None,
    code: str | None,
    country: str | None,
    period: str | None,
    limit: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Search the priorities; the best matches first."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        page = app.registry.search(
            actor, q=q, region=region, code=code, country=country, period=period, limit=limit
        )
    if as_json:
        echo_json(page)
        return
    for p in page.items:
        nace = ",".join(p.codes.get("nace", [])) or "-"
        click.echo(f"{p.id}\t{p.region}\t{p.period}\t{p.title}\t[nace {nace}]")
    click.echo(f"{len(page.items)} of {page.total}", err=True)


@priorities.command("suggest-codes")
@click.argument("text")
@click.option("--language", help="ISO 639-1 code of the text (en, es, cs...).")
@click.option("--limit", type=click.IntRange(1, 88), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def suggest_command(text: str, language: str | None, limit: int, as_json: bool) -> None:
    """Suggest NACE divisions for TEXT, with scores (TF-IDF over the classification's texts)."""
    from .autocode import suggest_codes

    found = suggest_codes(text, language=language, limit=limit)
    if as_json:
        echo_json(found)
        return
    for s in found:
        click.echo(f"{s.code}\t{s.score:.3f}\t{s.title}")


@priorities.command("coherence")
@click.option("--region", required=True, help="The region's code in the registry.")
@click.option("--dataset", required=True, help="The evidence dataset.")
@click.option("--period", help="A period of the dataset (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False),
    help="Also draw the chart to this file (.svg, .png, or .json for the Vega-Lite spec).",
)
@acting
def coherence_command(
    region: str,
    dataset: str,
    period: str | None,
    as_json: bool,
    chart: str | None,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Classify a region's coded priorities against the evidence: evidence-backed, emerging or
    weakly grounded, with the numbers behind each."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = actions.region_coherence(app, actor, region, dataset, period=period)
    if chart:
        from smartspec.reports.charts import save

        save(actions.coherence_chart(view), chart)
        click.echo(f"chart -> {chart}", err=True)
    if as_json:
        echo_json(view)
        return
    where = view.evidence_region or "-"
    if view.evidence_level == "parent":
        where += " (the parent region)"
    click.echo(f"{view.region} against {view.dataset}, period {view.period}: evidence of {where}")
    click.echo(f"rule: {view.rule}")
    for item in view.items:
        share = "-" if item.specialised_share is None else f"{item.specialised_share:.0%}"
        click.echo(f"  {item.coherence:<16}\t{share:>4}\t{item.title}\t({item.reason})")
    s = view.summary
    counts = ", ".join(f"{k} {v}" for k, v in s.counts.items())
    click.echo(f"{s.priorities} priorities, {s.coded} coded, {s.assessed} assessed: {counts}")
    for u in view.unmapped:
        click.echo(f"unmapped: {u.model_dump_json()}", err=True)
    for caveat in view.caveats:
        click.echo(f"caveat: {caveat}", err=True)


@priorities.command("history")
@click.argument("priority_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@acting
def history_command(
    priority_id: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """The versions of a priority: when, who, what changed (old -> new)."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        changes = app.registry.history(actor, priority_id)
    if as_json:
        echo_json(changes)
        return
    for c in changes:
        fields = ", ".join(f.field for f in c.changes)
        click.echo(f"v{c.version}\t{c.at:%Y-%m-%d %H:%M}\t{c.actor or '-'}\t{c.action}\t{fields}")


@priorities.command("restore")
@click.argument("priority_id", type=int)
@click.option("--version", "version", type=int, required=True, help="The version to restore.")
@acting
def restore_command(
    priority_id: int,
    version: int,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Bring back an earlier version of a priority (recorded as a new version)."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = app.registry.restore(actor, priority_id, version)
    click.echo(f"priority {view.id} is at version {view.version} (restored from v{version})")
