"""``smartspec review``: peer review of strategies and self-assessment.

The commands act on the data folder and database they are given, as an administrator (the
command line owns its data folder), or as an existing account with ``--as-user NAME`` (its
role and region grants apply: a reviewer scores with ``--as-user``).

\b
  smartspec review rubric
  smartspec review create 3 --note "Priorities 2 and 4"
  smartspec review invite 1 ana.reviewer
  smartspec review submit 1 && smartspec review start 1
  smartspec review score 1 --as-user ana.reviewer --set context-assets=4 --set gg-transition=na
  smartspec review complete 1 && smartspec review results 1 --json
  smartspec review self-assess CZ064 --year 2025 --answer gg-body=4 --answer vision-shared=3
  smartspec review self-assess CZ064 --compare CZ080
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from smartspec.core.errors import ValidationError
from smartspec.domains.commands import acting, acting_app, echo_json

from .actions import reviews_of
from .rubric import rubric
from .views import STATES, ReviewView

__all__ = ["review"]

_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (the API's answer).")
_ID = click.argument("review_id", type=click.IntRange(1, 2**31 - 1))


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint=option)
        out[key.strip()] = value.strip()
    return out


def _scores(items: tuple[str, ...], option: str) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for key, value in _pairs(items, option).items():
        if value.lower() in ("na", "n/a", ""):
            out[key] = None
        elif value.isdigit():
            out[key] = int(value)
        else:
            raise click.BadParameter(
                f"{key}={value}: the score is 1 to 5, or 'na' (not applicable)", param_hint=option
            )
    return out


def _read_json(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(
            f"cannot read {path.name}",
            expected="a JSON object {criterion: score or {score, comment}}",
            found=str(exc)[:200],
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(
            f"{path.name} is not a JSON object",
            expected="{criterion: score or {score, comment}}",
            found=type(data).__name__,
        )
    return data


def _echo_review(view: ReviewView, as_json: bool) -> None:
    if as_json:
        echo_json(view)
        return
    click.echo(
        f"review {view.id}\t{view.state}\t{view.region}\tstrategy {view.strategy_id} "
        f"({view.period}) {view.strategy_title}"
    )
    for i in view.invitees:
        click.echo(f"  reviewer {i.name}\t{i.scored}/{view.criteria_total} scored")
    if view.allowed:
        click.echo(f"  allowed now: {', '.join(view.allowed)}", err=True)


@click.group("review")
def review() -> None:
    """Peer review of strategies (draft, submitted, in review, completed) and
    self-assessment."""


@review.command("rubric")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
@_JSON
def rubric_command(lang: str, as_json: bool) -> None:
    """The rubric: the six RIS3 steps and the 2021 good-governance criteria."""
    data = rubric()
    if as_json:
        echo_json(data.to_dict())
        return
    for step in data.steps:
        click.echo(f"{step.number}. {step.title[lang]}  [{step.key}]")
        for c in step.criteria:
            click.echo(f"   {c.key}\t{c.title[lang]}")


@review.command("list")
@click.option("--region", help="Region code (and the regions below it).")
@click.option("--state", type=click.Choice(STATES))
@_JSON
@acting
def list_command(
    region: str | None,
    state: str | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """The reviews the acting account may see, newest first."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        views = reviews_of(app).list(actor, region=region, state=state)
    if as_json:
        echo_json(views)
        return
    for v in views:
        click.echo(f"{v.id}\t{v.state}\t{v.region}\t{v.period}\t{v.strategy_title}")
    click.echo(f"{len(views)} reviews", err=True)


@review.command("show")
@_ID
@_JSON
@acting
def show_command(
    review_id: int,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """One review: state, reviewers, events."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = reviews_of(app).review(actor, review_id)
    _echo_review(view, as_json)
    if not as_json:
        for e in view.events:
            click.echo(
                f"  {e.at:%Y-%m-%d %H:%M}\t{e.actor or '-'}\t{e.from_state or '-'} -> "
                f"{e.to_state}\t{e.note}"
            )


@review.command("create")
@click.argument("strategy_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--note", default="", help="What the region asks the peers to look at.")
@_JSON
@acting
def create_command(
    strategy_id: int,
    note: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Open a peer review of a registry strategy (state draft)."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = reviews_of(app).create(actor, strategy_id, note)
    _echo_review(view, as_json)


def _transition(name: str, doc: str) -> None:
    @review.command(name, help=doc)
    @_ID
    @_JSON
    @acting
    def command(
        review_id: int,
        as_json: bool,
        data_dir: str | None,
        database_url: str | None,
        as_user: str | None,
    ) -> None:
        with acting_app(data_dir, database_url, as_user) as (app, actor):
            view = getattr(reviews_of(app), name)(actor, review_id)
        _echo_review(view, as_json)


_transition("submit", "draft -> submitted (the region's editors, administrators).")
_transition("withdraw", "submitted -> draft (the region's editors, administrators).")
_transition("start", "submitted -> in review (needs one invited reviewer at least).")
_transition("complete", "in review -> completed (needs a reviewer who scored every criterion).")


@review.command("invite")
@_ID
@click.argument("reviewer")
@_JSON
@acting
def invite_command(
    review_id: int,
    reviewer: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Invite a reviewer (login name or account id) from another region."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = reviews_of(app).invite(actor, review_id, reviewer)
    _echo_review(view, as_json)


@review.command("score")
@_ID
@click.option("--set", "sets", multiple=True, metavar="KEY=SCORE", help="1-5, or na.")
@click.option("--comment", "comments", multiple=True, metavar="KEY=TEXT")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON: {criterion: score or {score, comment}}.",
)
@_JSON
@acting
def score_command(
    review_id: int,
    sets: tuple[str, ...],
    comments: tuple[str, ...],
    file: Path | None,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Score criteria of a review in state 'in review' (an invited reviewer: --as-user)."""
    given: dict[str, Any] = {}
    for key, value in _read_json(file).items():
        given[key] = value if isinstance(value, dict) else {"score": value}
    for key, score in _scores(sets, "--set").items():
        given[key] = {**given.get(key, {}), "score": score}
    for key, text in _pairs(comments, "--comment").items():
        given[key] = {**given.get(key, {"score": None}), "comment": text}
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        view = reviews_of(app).score(actor, review_id, given)
    _echo_review(view, as_json)


@review.command("results")
@_ID
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
@_JSON
@acting
def results_command(
    review_id: int,
    lang: str,
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Consolidated results: per criterion n, mean, spread; per step mean."""
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        out = reviews_of(app).results(actor, review_id)
    if as_json:
        echo_json(out)
        return

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    click.echo(f"review {out['review_id']} ({out['state']}), {out['reviewers_scored']} reviewers")
    for s in out["steps"]:
        click.echo(f"{s['number']}. {s['title'][lang]}\tmean {num(s['mean'])}")
    for c in out["criteria"]:
        click.echo(
            f"  {c['key']}\tn={c['n']}\tmean {num(c['mean'])}\tstd {num(c['std'])}\t"
            f"min {num(c['min'])}\tmax {num(c['max'])}"
        )


@review.command("self-assess")
@click.argument("region")
@click.option("--answer", "answers", multiple=True, metavar="KEY=SCORE", help="1-5, or na.")
@click.option("--comment", "comments", multiple=True, metavar="KEY=TEXT")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON: {criterion: score}.",
)
@click.option("--year", type=click.IntRange(1990, 2100), help="Default: this year.")
@click.option("--strategy-id", "strategy_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--compare", "compare", multiple=True, metavar="REGION", help="Compare with.")
@_JSON
@acting
def self_assess_command(
    region: str,
    answers: tuple[str, ...],
    comments: tuple[str, ...],
    file: Path | None,
    year: int | None,
    strategy_id: int | None,
    compare: tuple[str, ...],
    as_json: bool,
    data_dir: str | None,
    database_url: str | None,
    as_user: str | None,
) -> None:
    """Save a region's self-assessment (with --answer or --file), else list its
    self-assessments; with --compare, the step means side by side."""
    given: dict[str, Any] = dict(_read_json(file))
    given.update(_scores(answers, "--answer"))
    with acting_app(data_dir, database_url, as_user) as (app, actor):
        service = reviews_of(app)
        out: Any
        if given:
            out = service.save_self_assessment(
                actor,
                region,
                given,
                _pairs(comments, "--comment"),
                strategy_id=strategy_id,
                year=year,
            )
        elif compare:
            out = service.compare_self_assessments(actor, [region, *compare], year)
        else:
            out = service.self_assessments(actor, region)
    if as_json:
        echo_json(out)
        return
    if given:
        out = [out]
    if compare and not given:
        keys = [s["key"] for s in out["steps"]]
        click.echo("region\tyear\t" + "\t".join(keys) + "\toverall")
        rows = [
            (r["region"], r["year"], *r["steps"].values(), r["overall"]) for r in out["regions"]
        ]
    else:
        keys = [s.key for s in rubric().steps]
        click.echo("region\tyear\t" + "\t".join(keys))
        rows = [(d["region"], d["year"], *(d["steps"][k] for k in keys)) for d in out]
    for row in rows:
        click.echo(
            "\t".join(
                "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)) for v in row
            )
        )
