"""``smartspec monitoring``: monitoring plans, indicators, values and progress.

The commands act on the data folder and database they are given, as an administrator (the
command line owns its data folder), or as an existing account with ``--as-user NAME`` (its
role and region grants apply).

\b
  smartspec monitoring plan 3
  smartspec monitoring progress --strategy 3 --year 2024
  smartspec monitoring add-indicator 3 --name "R&D jobs" --kind result --baseline 2020 120 \\
      --target 2027 180
  smartspec monitoring record 7 2024 151 --note "regional statistics office"
  smartspec monitoring import values.csv --dry-run
  smartspec monitoring starter
  smartspec monitoring refresh 7
  smartspec monitoring evaluate --region CZ06 --dataset eu-nuts2-ardeco --measure share \\
      --activities B-E --start 2014
"""

from __future__ import annotations

import json
from typing import Any

import click

from smartspec.domains.commands import acting, acting_app, echo_import, echo_json, import_file

from .actions import monitoring_of
from .cli_evaluation import evaluate

__all__ = ["monitoring"]

_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
_ID = click.IntRange(1, 2**31 - 1)
_YEAR = click.IntRange(1900, 2100)


@click.group("monitoring")
def monitoring() -> None:
    """Monitoring plans: objectives, actions, indicators, targets, values, progress."""


def _status(progress: dict[str, Any] | None) -> str:
    return "no target" if progress is None else str(progress["status"])


@monitoring.command("plan")
@click.argument("strategy_id", type=_ID)
@_JSON
@acting
def plan_command(
    strategy_id: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """A strategy's plan: priorities, objectives, actions and indicators."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = monitoring_of(app).plan(actor, strategy_id)
    if as_json:
        echo_json(view.to_dict())
        return
    st = view.strategy
    click.echo(f"strategy {st['id']}: {st['region']} {st['period']} {st['title']}")
    for p in [
        *view.priorities,
        {"id": None, "title": "(no priority)", "objectives": view.unassigned},
    ]:
        if p["id"] is not None or p["objectives"]:
            click.echo(f"priority {p['id'] or '-'}: {p['title']}")
        for o in p["objectives"]:
            click.echo(f"  objective {o['id']}: {o['title']}")
            for a in o["actions"]:
                click.echo(f"    action {a['id']}: {a['title']} {a['instrument']}".rstrip())
    click.echo("indicators:")
    for i in view.indicators:
        latest = "-" if i.latest is None else f"{i.latest['value']:g} ({i.latest['year']})"
        click.echo(f"  {i.id}\t{i.kind}\t{i.name}\t{latest}\t{_status(i.progress)}")


@monitoring.command("progress")
@click.option("--strategy", "strategy_id", type=_ID, help="One strategy (else every region).")
@click.option("--region", help="Every strategy of a region (for its report).")
@click.option("--year", type=_YEAR, help="Assess at the latest value up to this year.")
@click.option("--starter-key", help="Across regions: only this starter-set indicator.")
@_JSON
@acting
def progress_command(
    strategy_id: int | None,
    region: str | None,
    year: int | None,
    starter_key: str | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Progress: of a strategy (--strategy), of a region (--region), or across regions."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        service = monitoring_of(app)
        if strategy_id is not None:
            result = service.strategy_progress(actor, strategy_id, year)
        elif region:
            result = service.region_progress(actor, region)
        else:
            result = service.progress_across_regions(actor, year, starter_key)
    if as_json:
        echo_json(result)
        return
    blocks = result.get("strategies") or [result]
    for block in blocks:
        rows = block.get("indicators") or block.get("rows") or []
        if "strategy" in block and "id" in block["strategy"] and "indicators" in block:
            st = block["strategy"]
            click.echo(f"strategy {st['id']}: {st['region']} {st['period']} {st['title']}")
        for r in rows:
            latest = r.get("latest") or {}
            value = "-" if latest.get("value") is None else f"{latest['value']:g}"
            where = f"{r['region']}\t" if "region" in r else ""
            click.echo(f"{where}{r['id']}\t{r['name']}\t{value}\t{r['status']}")
        counts = block.get("counts", {})
        if counts and all(isinstance(v, int) for v in counts.values()):
            click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()), err=True)


@monitoring.command("add-indicator")
@click.argument("strategy_id", type=_ID)
@click.option("--name", required=True, help="The indicator's name.")
@click.option(
    "--kind",
    type=click.Choice(["output", "result", "context"]),
    default="result",
    show_default=True,
)
@click.option("--definition", default="")
@click.option("--unit", default="")
@click.option("--source", default="")
@click.option("--lower-is-better", is_flag=True, help="The indicator should fall.")
@click.option("--baseline", nargs=2, type=(int, float), help="YEAR VALUE of the baseline.")
@click.option(
    "--milestone",
    "milestones",
    nargs=2,
    type=(int, float),
    multiple=True,
    help="YEAR VALUE (repeatable).",
)
@click.option("--target", nargs=2, type=(int, float), help="YEAR VALUE of the target.")
@click.option("--priority", "priority_id", type=_ID, help="A priority of the strategy.")
@click.option("--objective", "objective_id", type=_ID, help="An objective of the strategy.")
@click.option("--action", "action_id", type=_ID, help="An action of that objective.")
@click.option(
    "--computed",
    help='A computed indicator\'s spec as JSON: {"measure": "share", "dataset": '
    '"eu-nuts2-sbs", "activities": ["C29"]} (smartspec monitoring starter --measures).',
)
@_JSON
@acting
def add_indicator_command(
    strategy_id: int,
    name: str,
    kind: str,
    definition: str,
    unit: str,
    source: str,
    lower_is_better: bool,
    baseline: tuple[int, float] | None,
    milestones: tuple[tuple[int, float], ...],
    target: tuple[int, float] | None,
    priority_id: int | None,
    objective_id: int | None,
    action_id: int | None,
    computed: str | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Add an indicator to a strategy (with its baseline, milestones and target)."""
    from .views import IndicatorIn, TargetIn

    spec = None
    if computed:
        try:
            spec = json.loads(computed)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--computed") from None
    targets = [TargetIn(year=y, value=v, kind="milestone") for y, v in milestones]
    if target:
        targets.append(TargetIn(year=target[0], value=target[1], kind="target"))
    data = IndicatorIn(
        kind=kind,  # type: ignore[arg-type]
        name=name,
        definition=definition,
        unit=unit,
        source=source,
        higher_is_better=not lower_is_better,
        baseline_year=baseline[0] if baseline else None,
        baseline_value=baseline[1] if baseline else None,
        priority_id=priority_id,
        objective_id=objective_id,
        action_id=action_id,
        computed=spec,
        targets=targets or None,
    )
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = monitoring_of(app).add_indicator(actor, strategy_id, data)
    if as_json:
        echo_json(view.to_dict())
        return
    click.echo(f"indicator {view.id} added: {view.name} ({view.kind}), version {view.version}")


@monitoring.command("record")
@click.argument("indicator_id", type=_ID)
@click.argument("year", type=_YEAR)
@click.argument("value", type=float)
@click.option("--note", default="", help="Where the value comes from.")
@_JSON
@acting
def record_command(
    indicator_id: int,
    year: int,
    value: float,
    note: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Record (or correct) an indicator's VALUE in YEAR."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = monitoring_of(app).record_value(actor, indicator_id, year, value, note)
    if as_json:
        echo_json(view.to_dict())
        return
    click.echo(f"indicator {view.id}: {value:g} in {year}; status {_status(view.progress)}")


@monitoring.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show the report; store nothing.")
@_JSON
@acting
def import_command(
    file: str,
    dry_run: bool,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Import values from FILE (CSV or Excel; columns indicator_id or indicator and
    strategy_id, year, value, note): all rows, or none. Every problem is listed by row."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        import_file(
            app,
            file,
            lambda content, name: monitoring_of(app).import_values(
                actor, content, name, dry_run=dry_run
            ),
            lambda report: _print_report(report, as_json),
        )


def _print_report(report: Any, as_json: bool) -> None:
    summary = (
        f"{report.file}: {report.rows} row(s), {report.valid} valid, {len(report.problems)} "
        f"problem(s); values {report.new} new, {report.updated} updated"
        + (" (dry run: nothing stored)" if report.dry_run else "")
    )
    echo_import(report, summary, as_json)


@monitoring.command("starter")
@click.option("--measures", is_flag=True, help="List the measures of computed indicators.")
@click.option("--adopt", "strategy_id", type=_ID, help="Add the --key indicators to this strategy.")
@click.option("--key", "keys", multiple=True, help="A starter-set key to adopt (repeatable).")
@click.option("--priority", "priority_id", type=_ID, help="Adopt under this priority.")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
@_JSON
@acting
def starter_command(
    measures: bool,
    strategy_id: int | None,
    keys: tuple[str, ...],
    priority_id: int | None,
    lang: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """The starter set of indicators (or the measures); with --adopt, add some to a strategy."""
    from . import compute

    if measures:
        if as_json:
            echo_json(compute.MEASURES)
            return
        for key, m in compute.MEASURES.items():
            click.echo(f"{key}\t{m['unit']}\t{m['label_' + lang]}")
        return
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        service = monitoring_of(app)
        if strategy_id is not None:
            views = service.adopt_starter(actor, strategy_id, list(keys), priority_id, lang=lang)
            if as_json:
                echo_json([v.to_dict() for v in views])
                return
            for v in views:
                click.echo(f"indicator {v.id} added: {v.name} ({v.starter_key})")
            return
        service.read(actor)
        entries = service.starter_set()
    if as_json:
        echo_json(entries)
        return
    for e in entries:
        computed = "computed" if e.get("computed") else "entered"
        click.echo(f"{e['key']}\t{e['priority_type']}\t{e['kind']}\t{computed}\t{e['name'][lang]}")


@monitoring.command("refresh")
@click.argument("indicator_id", type=_ID)
@_JSON
@acting
def refresh_command(
    indicator_id: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Recompute a computed indicator's values from its dataset."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = monitoring_of(app).refresh_computed(actor, indicator_id)
    if as_json:
        echo_json(view.to_dict())
        return
    version = (view.computed or {}).get("data_version")
    click.echo(f"indicator {view.id}: {len(view.values)} value(s) from {version}")


# difference-in-differences against benchmark regions (cli_evaluation.py)
monitoring.add_command(evaluate)
