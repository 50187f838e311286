"""``smartspec actors``: the organisation registry, partner search and networks.

The commands act on the data folder and database they are given, as an administrator (the
command line owns its data folder), or as an existing account with ``--as-user NAME`` (its
role and region grants apply).

\b
  smartspec actors load-example
  smartspec actors list --country MX --helix research --json
  smartspec actors import consortia.csv --participations --dry-run
  smartspec actors partners --region MX --country ES --top 10
  smartspec actors network --level country --q MX
"""

from __future__ import annotations

from typing import Any

import click

from smartspec.domains.commands import acting, acting_app, echo_import, echo_json, import_file

from . import actions
from .helix import HELICES, TYPES, UNKNOWN

__all__ = ["actors"]


_HELIX = click.Choice([*HELICES, UNKNOWN])
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")


@click.group("actors")
def actors() -> None:
    """Innovation actors: organisations, collaboration networks, partners."""


@actors.command("list")
@click.option("--q", "q", help="Words of the name, description, topics, city or source id.")
@click.option("--country", help="2-letter country code (CORDIS: UK, EL).")
@click.option("--helix", type=_HELIX, help="Quadruple-helix group.")
@click.option("--type", "type_", type=click.Choice(TYPES), help="CORDIS organisation type.")
@click.option("--region", help="Region code (and the regions below it).")
@click.option("--topic", help="A topic (its beginning).")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@_JSON
@acting
def list_command(
    q: str | None,
    country: str | None,
    helix: str | None,
    type_: str | None,
    region: str | None,
    topic: str | None,
    limit: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Search the organisations; the most active first."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        page = actions.actors_of(app).search(
            actor,
            q=q,
            country=country,
            helix=helix,
            type=type_,
            region=region,
            topic=topic,
            limit=limit,
        )
    if as_json:
        echo_json(page)
        return
    for o in page.items:
        click.echo(f"{o.id}\t{o.country or '-'}\t{o.helix}\t{o.projects}\t{o.name}")
    click.echo(f"{len(page.items)} of {page.total}", err=True)


@actors.command("show")
@click.argument("organisation_id", type=click.IntRange(1, 2**31 - 1))
@_JSON
@acting
def show_command(
    organisation_id: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """One organisation and its projects."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        service = actions.actors_of(app)
        view = service.get(actor, organisation_id)
        projects = service.participations(actor, organisation_id)
    if as_json:
        echo_json(
            {
                **view.model_dump(mode="json"),
                "participations": [p.model_dump(mode="json") for p in projects],
            }
        )
        return
    click.echo(
        f"{view.id}\t{view.name}  (source id {view.source_id or '-'}, version {view.version})"
    )
    click.echo(
        f"type {view.type or '-'} ({view.helix}), {view.country or '-'} "
        f"{view.region or ''} {view.city}".rstrip()
    )
    if view.topics:
        click.echo("topics: " + "; ".join(view.topics))
    if view.description:
        click.echo(view.description)
    for p in projects:
        click.echo(f"  {p.programme}:{p.project}\t{p.year or '-'}\t{p.role or '-'}\t{p.acronym}")


@actors.command("add")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--source-id", help="Its id in the source (a PIC).")
@click.option("--type", "type_", type=click.Choice(TYPES), help="CORDIS type (its helix follows).")
@click.option("--country", default="", help="2-letter code.")
@click.option("--region", help="NUTS or state code.")
@click.option("--city", default="")
@click.option("--topic", "topics", multiple=True, help="A topic or activity code (repeatable).")
@click.option("--description", default="")
@_JSON
@acting
def add_command(
    name: str,
    source_id: str | None,
    type_: str | None,
    country: str,
    region: str | None,
    city: str,
    topics: tuple[str, ...],
    description: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Add an organisation."""
    from .views import OrganisationIn

    data = OrganisationIn(
        name=name,
        source_id=source_id,
        type=type_ or "",
        country=country,
        region=region,
        city=city,
        topics=list(topics),
        description=description,
    )
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = actions.actors_of(app).create(actor, data)
    if as_json:
        echo_json(view)
        return
    click.echo(f"organisation {view.id} added: {view.name} ({view.helix})")


@actors.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--participations",
    is_flag=True,
    help="FILE has one row per participant in a project (CORDIS-style), not one row "
    "per organisation.",
)
@click.option("--dry-run", is_flag=True, help="Check the file and show the report; store nothing.")
@_JSON
@acting
def import_command(
    file: str,
    participations: bool,
    dry_run: bool,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Import organisations (or participations) from FILE, CSV or Excel: all rows, or none.
    Every problem is listed by row and column."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        import_file(
            app,
            file,
            lambda content, name: actions.import_organisations(
                app,
                actor,
                content,
                name,
                kind="participations" if participations else "organisations",
                dry_run=dry_run,
            ),
            lambda report: _print_report(report, as_json),
        )


def _print_report(report: Any, as_json: bool) -> None:
    summary = (
        f"{report.file}: {report.rows} row(s), {report.valid} valid, {len(report.problems)} "
        f"problem(s); organisations {report.organisations_new} new, "
        f"{report.organisations_updated} updated; participations {report.participations_new} "
        f"new, {report.participations_known} already stored"
        + (" (dry run: nothing stored)" if report.dry_run else "")
    )
    echo_import(report, summary, as_json)


@actors.command("load-example")
@acting
def load_example_command(
    data_dir: str | None, database_url: str | None, as_user: str | None
) -> None:
    """Load the example data (the full consortia of the FP7 and Horizon 2020 projects with a
    Mexican partner) once; ``smartspec serve`` does it on first start."""
    with acting_app(data_dir, database_url, as_user) as (app, _):
        report = actions.load_example_once(app)
    if report is None:
        click.echo("the example data were loaded before: nothing to do")
    else:
        click.echo(
            f"{report.organisations_new} organisations, {report.participations_new} "
            "participations loaded"
        )


@actors.command("partners")
@click.option(
    "--org", "organisation", type=click.IntRange(1, 2**31 - 1), help="The organisation's id."
)
@click.option("--region", help="A region or country code (ES51, MX09, MX).")
@click.option(
    "--measure", type=click.Choice(["both", "topic", "network"]), default="both", show_default=True
)
@click.option("--country", help="Only partners of this country.")
@click.option("--helix", type=_HELIX, help="Only partners of this helix.")
@click.option("--topic", help="Only partners with this topic.")
@click.option(
    "--top",
    type=click.IntRange(1, 100),
    default=20,
    show_default=True,
    help="Most partners per measure.",
)
@_JSON
@acting
def partners_command(
    organisation: int | None,
    region: str | None,
    measure: str,
    country: str | None,
    helix: str | None,
    topic: str | None,
    top: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Partners for an organisation (--org) or a region (--region), by topic similarity and by
    network proximity; each says which measure and why."""
    from .partners import find_partners

    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = find_partners(
            actions.actors_of(app),
            actor,
            organisation=organisation,
            region=region,
            measure=measure,  # type: ignore[arg-type]
            country=country,
            helix=helix,
            topic=topic,
            top=top,
        )
    if as_json:
        echo_json(view)
        return
    click.echo(f"partners for {view.target} ({view.organisations} organisation(s))")
    for item in view.items:
        o = item.organisation
        click.echo(
            f"{item.measure}\t{item.score:g}\t{o.id}\t{o.country or '-'}\t{o.name}\t{item.reason}"
        )
    for note in view.notes:
        click.echo(f"note: {note}", err=True)


@actors.command("network")
@click.option(
    "--level", type=click.Choice(["org", "country", "region"]), default="org", show_default=True
)
@click.option("--q", "q", help="Find nodes: words of a name, or a country/region code.")
@click.option("--programme", help="Only this programme (h2020, fp7).")
@click.option("--top", type=click.IntRange(1, 300), default=30, show_default=True)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**31 - 1),
    default=0,
    show_default=True,
    help="Seed of the Leiden communities.",
)
@_JSON
@acting
def network_command(
    level: str,
    q: str | None,
    programme: str | None,
    top: int,
    seed: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """The collaboration network: centralities, communities, bridges between helices and
    countries."""
    from .partners import network_view

    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = network_view(
            actions.actors_of(app),
            actor,
            level=level,  # type: ignore[arg-type]
            q=q,
            programme=programme,
            top=top,
            seed=seed,
        )
    if as_json:
        echo_json(view)
        return
    click.echo(
        f"{view.nodes_total} nodes, {view.edges_total} ties, {view.communities_total} communities"
    )
    click.echo("node\tprojects\tdegree\tstrength\tbetweenness\tcommunity")
    for n in view.nodes:
        mark = "*" if n.focus else ""
        click.echo(
            f"{mark}{n.label}\t{n.projects}\t{n.degree}\t{n.strength:g}\t"
            f"{n.betweenness:.4f}\t{n.community}"
        )
    for b in view.helix_bridges[:5]:
        click.echo(
            f"helix bridge: {b.label} ({b.group}) -> {', '.join(b.reaches)}: "
            f"{b.cross_ties} of {b.ties} ties"
        )
    for b in view.country_bridges[:5]:
        click.echo(
            f"country bridge: {b.label} ({b.group}) -> {len(b.reaches)} countries: "
            f"{b.cross_ties} of {b.ties} ties"
        )
    for note in view.notes:
        click.echo(f"note: {note}", err=True)
