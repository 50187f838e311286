"""``smartspec cooperation``: the EU-Mexico cooperation monitor from the command line.

Reads the bundled CORDIS tables (no data folder needed). ``--country`` is a CORDIS code (MX by
default; UK, EL for the United Kingdom and Greece), ``--programme`` h2020 or fp7. Every command
prints a short table, or the same view as the API with ``--json``. Bad input exits with 2.

\b
  smartspec cooperation summary --country MX --programme h2020 --json
  smartspec cooperation timeline --programme h2020
  smartspec cooperation states --programme fp7
  smartspec cooperation network --q unam --json
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from smartspec.domains.commands import echo_json

from . import indicators as _indicators
from . import monitor
from .cordis import PROGRAMMES

__all__ = ["cooperation"]

F = TypeVar("F", bound=Callable[..., Any])


def _scope(f: F) -> F:
    """``--country``, ``--programme`` and ``--json``."""
    f = click.option("--json", "as_json", is_flag=True, help="Print the view as JSON.")(f)
    f = click.option(
        "--programme",
        type=click.Choice(PROGRAMMES, case_sensitive=False),
        default="h2020",
        show_default=True,
        help="Framework programme (Horizon Europe is not in the bundled data).",
    )(f)
    f = click.option(
        "--country",
        default="MX",
        show_default=True,
        metavar="CODE",
        help="CORDIS country code (MX, ES, DE, UK, EL ...; NA is Namibia).",
    )(f)
    return f


def _money(value: float | None) -> str:
    return "n/a (not in the source)" if value is None else f"EUR {value:,.0f}"


def _caveats(view: Any) -> None:
    for caveat in view.caveats:
        click.echo(f"  note: {caveat.text}")


@click.group("cooperation")
def cooperation() -> None:
    """The EU-Mexico cooperation monitor: FP7 and Horizon 2020 participation."""


@cooperation.command("summary")
@_scope
def summary_command(country: str, programme: str, as_json: bool) -> None:
    """Participations, organisations, projects and EU contribution of a country."""
    view = monitor.summary(country, programme)
    if as_json:
        echo_json(view)
        return
    click.echo(f"{view.country_name} ({view.country}) in {view.programme.upper()}")
    click.echo(f"  participations: {view.participations}")
    click.echo(f"  organisations:  {view.organisations}")
    click.echo(f"  projects:       {view.projects}")
    click.echo(f"  EU contribution: {_money(view.eu_contribution)}")
    _caveats(view)


@cooperation.command("timeline")
@_scope
def timeline_command(country: str, programme: str, as_json: bool) -> None:
    """Participation by project start year and programme part."""
    view = monitor.timeline(country, programme)
    if as_json:
        echo_json(view)
        return
    click.echo("year  part                  participations  organisations  projects  EU contr.")
    for r in view.rows:
        year = "n/a" if r.year is None else str(r.year)
        money = "" if r.eu_contribution is None else f"{r.eu_contribution:,.0f}"
        click.echo(
            f"{year:5s} {r.part:20s} {r.participations:15d} {r.organisations:14d} "
            f"{r.projects:9d}  {money}"
        )
    _caveats(view)


@cooperation.command("organisations")
@_scope
@click.option("--top", type=click.IntRange(1, monitor.MAX_TOP), default=20, show_default=True)
def organisations_command(country: str, programme: str, as_json: bool, top: int) -> None:
    """A country's organisations, most projects first (with the Mexican state)."""
    view = monitor.organisations(country, programme, top=top)
    if as_json:
        echo_json(view)
        return
    for r in view.rows:
        state = f"  [{r.state_name or 'state unassigned'}]" if view.country == "MX" else ""
        click.echo(f"{r.projects:4d}  {r.name or r.org}{state}")
    click.echo(f"({len(view.rows)} of {view.total})")


@cooperation.command("states")
@_scope
def states_command(country: str, programme: str, as_json: bool) -> None:
    """Mexican participation by state (derived), with the unassigned share."""
    view = monitor.states(country, programme)
    if as_json:
        echo_json(view)
        return
    for r in view.rows:
        click.echo(
            f"{r.state or '--':3s} {r.name or 'unassigned':24s} {r.organisations:4d} orgs "
            f"{r.participations:4d} participations"
        )
    click.echo(
        f"assigned: {view.assigned_organisations} organisations "
        f"({view.assigned_share:.0%}), unassigned: {view.unassigned_organisations}"
    )
    _caveats(view)


@cooperation.command("partners")
@_scope
def partners_command(country: str, programme: str, as_json: bool) -> None:
    """Partner countries and NUTS-2 regions in the country's projects."""
    view = monitor.partners(country, programme)
    if as_json:
        echo_json(view)
        return
    for c in view.countries[:20]:
        click.echo(f"{c.country:3s} {c.name:28s} {c.projects:4d} projects {c.project_share:6.0%}")
    click.echo(f"({len(view.countries)} countries, {len(view.regions)} NUTS-2 regions known)")
    _caveats(view)


@cooperation.command("indicators")
@_scope
@click.option("--top", type=click.IntRange(1, _indicators.MAX_LIST), default=10, show_default=True)
def indicators_command(country: str, programme: str, as_json: bool, top: int) -> None:
    """Coordinator share, funding, repeat collaborations, new entrants and hubs."""
    view = _indicators.indicators(country, programme, top=top)
    if as_json:
        echo_json(view)
        return

    def share(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.1%}"

    click.echo(f"projects: {view.projects}; coordinator share: {share(view.coordinator_share)}")
    click.echo(
        f"funded participations: {view.funded_participations}, unfunded: "
        f"{view.unfunded_participations} (funded {share(view.funded_share)})"
    )
    click.echo(
        f"repeat collaborations: {view.repeat_pairs} of {view.partner_pairs} pairs "
        f"({share(view.repeat_share)})"
    )
    for e in view.new_entrants:
        click.echo(f"  {e.year}: {e.new_organisations} new of {e.active_organisations} active")
    for h in view.hubs:
        click.echo(f"  hub: {h.name or h.org} ({h.country}) strength {h.strength:.0f}")
    _caveats(view)


@cooperation.command("network")
@_scope
@click.option("--q", "query", default="", help="A word of a name (or initials, or an id).")
@click.option(
    "--top", type=click.IntRange(1, _indicators.MAX_NODES), default=150, show_default=True
)
def network_command(country: str, programme: str, as_json: bool, query: str, top: int) -> None:
    """The consortium network of the country's projects (searchable by name)."""
    view = _indicators.network(country, programme, q=query, top=top)
    if as_json:
        echo_json(view)
        return
    click.echo(
        f"{view.total_nodes} organisations, {view.total_edges} ties; showing {len(view.nodes)} "
        f"nodes, {len(view.edges)} edges"
    )
    for n in view.nodes[:20]:
        mark = "*" if n.id in view.matches else " "
        click.echo(f"{mark} {n.name or n.id} ({n.country}) projects {n.projects}")
