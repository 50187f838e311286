"""``smartspec profile``: one region's evidence profile (specialisations, complexity,
opportunities), as tables or JSON.

Thin: load the data, analyse it, ask :meth:`~smartspec.core.evidence.Evidence.region_profile`,
print the result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .loading import bundled_population, dataset_labels, load_matrix, period_of, resolve_region
from .options import (
    RANK_BY,
    RankBy,
    column_options,
    input_argument,
    input_options,
    json_option,
    period_label_option,
    profile_option,
    region_label_option,
    top_option,
)
from .output import captured_warnings, console, fmt, progress

if TYPE_CHECKING:
    from smartspec.core.matrix import Duplicates

__all__ = ["profile_command", "profile_document"]


@click.command("profile")
@input_argument()
@region_label_option(
    required=True,
    help="The region to profile: its label (code), or with --dataset its code or name (any case).",
)
@column_options
@input_options
@period_label_option(metavar="P", help="Period to profile (default: the latest).")
@top_option(default=10, metavar="N", help="Rows in each list.")
@profile_option
@click.option(
    "--rank-by",
    type=click.Choice(RANK_BY),
    default="density",
    show_default=True,
    help="Order of the opportunities: relatedness density, complexity outlook gain, or PCI.",
)
@json_option("Print the profile as JSON.")
def profile_command(
    input_path: str | None,
    region_label: str,
    region_col: str | None,
    activity_col: str | None,
    value_col: str | None,
    period_col: str | None,
    dataset: str | None,
    duplicates: Duplicates,
    sheet: str | None,
    decimal: str,
    missing: str,
    input_format: str | None,
    period_label: str | None,
    top: int,
    profile: str | None,
    rank_by: RankBy,  # one of RANK_BY: click.Choice(RANK_BY) lets no other value through
    as_json: bool,
) -> None:
    """Print one region's evidence profile: specialisations, complexity, opportunities.

    The data is a bundled dataset (--dataset NAME) or an INPUT file whose columns are named by
    --region-col, --activity-col, --value-col (and --period-col). Here --region names the
    region to profile, not a column, and --period names a period, not a column.

    \b
    Examples:
      smartspec profile --dataset nz-urban-industry --region Wellington
      smartspec profile jobs.csv --region-col nuts3 --activity-col nace --value-col jobs \\
          --region AT130 --top 5 --json
    """
    from smartspec.core.evidence import analyse

    if as_json and dataset is not None and input_path is None:
        _print_view(dataset, region_label, period_label, top, profile, rank_by)
        return
    columns = {
        "region": region_col,
        "activity": activity_col,
        "value": value_col,
        "period": period_col,
    }
    m, _ = load_matrix(
        input_path=input_path,
        dataset=dataset,
        columns=columns,
        column_flags={k: f"--{k}-col" for k in columns},
        duplicates=duplicates,
        sheet=sheet,
        input_format=input_format,
        decimal=decimal,
        missing=missing,
    )
    region_names = dataset_labels(dataset, "region")
    region = resolve_region(m, region_label, region_names)
    period = period_of(m, period_label)
    if m.n_periods > 1:
        m = m.select(periods=[period])
    kwargs = _conventions(dataset, profile)
    with captured_warnings(not as_json), progress(not as_json) as bar:
        ev = analyse(m, progress=bar, **kwargs)
    rp = ev.region_profile(region, period=period, top=top, rank_by=rank_by)

    doc = profile_document(rp, region_names, dataset_labels(dataset, "activity"))
    doc["source"] = dataset or (Path(str(input_path)).name if input_path else None)
    if as_json:
        from smartspec.io import jsonable

        click.echo(json.dumps(jsonable(doc), indent=2, ensure_ascii=False, allow_nan=False))
        return
    _print_profile(doc, settings=getattr(ev, "settings", {}))


def _print_view(
    dataset: str,
    region: str,
    period: str | None,
    top: int,
    profile: str | None,
    rank_by: RankBy,
) -> None:
    """Print the platform's region-profile view of a bundled dataset (the document the API
    answers, :func:`smartspec.domains.evidence.views.region_profile`)."""
    import tempfile

    from smartspec.app import SmartSpecApp
    from smartspec.domains.evidence.views import region_profile

    with tempfile.TemporaryDirectory(prefix="smartspec-profile-") as folder:
        app = SmartSpecApp(data_dir=folder, datasets=[dataset])
        try:
            with captured_warnings(False):
                view = region_profile(
                    app,
                    dataset,
                    region,
                    period=period,
                    top=top,
                    rank_by=rank_by,
                    options={"profile": profile},
                )
        finally:
            app.close()
    click.echo(view.model_dump_json(indent=2))


def _conventions(dataset: str | None, profile: str | None) -> dict[str, Any]:
    """The options of :func:`smartspec.analyse`: ``--profile``, and a bundled dataset's own
    presence rule (with its population) when it has one."""
    kwargs: dict[str, Any] = {"profile": profile} if profile is not None else {}
    if dataset is not None:
        from smartspec.datasets import info

        presence = info(dataset).defaults.get("presence")
        population = bundled_population(dataset)
        if presence in ("rpop", "either", "both") and population is not None:
            kwargs.update(presence=presence, population=population)
    return kwargs


def profile_document(
    rp: Any, region_names: Mapping[str, str], activity_names: Mapping[str, str]
) -> dict[str, Any]:
    """The profile as a plain dict (with names, where the dataset has them)."""
    import pandas as pd

    doc: dict[str, Any] = {}
    base = rp.to_dict() if hasattr(rp, "to_dict") else {}
    for key in ("region", "period", "eci", "eci_rank", "n_ranked", "diversity", "coi", "rank_by"):
        doc[key] = base.get(key, getattr(rp, key, None))
        if key == "region" and region_names:
            doc["region_name"] = region_names.get(str(doc["region"]))
    for key in ("specialisations", "opportunities"):
        frame = getattr(rp, key, None)
        if not isinstance(frame, pd.DataFrame):
            frame = pd.DataFrame(base.get(key, []))
        frame = frame.reset_index(drop=True)
        if activity_names and "activity" in frame.columns:
            frame = frame.assign(
                activity_name=[activity_names.get(str(a)) for a in frame["activity"]]
            )
        doc[key] = frame.to_dict(orient="records")
    for key, val in base.items():  # anything else the profile reports
        doc.setdefault(key, val)
    return doc


def _print_profile(doc: Mapping[str, Any], *, settings: Mapping[str, Any]) -> None:
    out = console()
    name = doc.get("region_name")
    title = f"{name} ({doc['region']})" if name else str(doc["region"])
    out.print(f"[bold]{title}[/bold]")
    details = [f"period {doc.get('period')}"]
    if doc.get("source"):
        details.insert(0, str(doc["source"]))
    if settings.get("profile") or settings.get("name"):
        details.append(f"profile {settings.get('profile') or settings.get('name')}")
    out.print(", ".join(details))
    rank = doc.get("eci_rank")
    ranked = doc.get("n_ranked")
    rank_text = (
        f"rank {fmt(rank, -1)} of {fmt(ranked, -1)} regions" if rank is not None else "not ranked"
    )
    out.print(f"ECI {fmt(doc.get('eci'))} ({rank_text})")
    out.print(
        f"Diversity {fmt(doc.get('diversity'), -1)} activities specialised; "
        f"COI {fmt(doc.get('coi'))}"
        + (
            f"; presence by {settings['presence'].upper()}"
            if settings.get("presence") not in (None, "rca")
            else ""
        )
    )
    for notice in doc.get("notices") or []:
        out.print(f"[yellow]Note:[/yellow] {notice}")
    out.print()
    _activity_table(
        out,
        "Top specialisations",
        list(doc.get("specialisations") or []),
        [("rca", "RCA", 2), ("value", "Value", -1), ("pci", "PCI", 2)],
    )
    out.print()
    _activity_table(
        out,
        f"Diversification opportunities (by {doc.get('rank_by') or 'density'})",
        list(doc.get("opportunities") or []),
        [("density", "Density", 3), ("pci", "PCI", 2), ("cog", "COG", 3)],
    )


def _activity_table(
    out: Any, title: str, rows: list[dict[str, Any]], cols: list[tuple[str, str, int]]
) -> None:
    """A numbered table of activities (with their names, where known), or ``title: none``."""
    from rich import box
    from rich.table import Table

    if not rows:
        out.print(f"[bold]{title}[/bold]: none")
        return
    has_names = any(r.get("activity_name") for r in rows)
    t = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    t.add_column("#", justify="right")
    t.add_column("Activity")
    if has_names:
        t.add_column("Name", overflow="fold")
    for _, header, _ in cols:
        t.add_column(header, justify="right")
    for i, r in enumerate(rows, 1):
        cells = [str(i), str(r.get("activity"))]
        if has_names:
            cells.append(str(r.get("activity_name") or ""))
        cells += [fmt(r.get(key), digits) for key, _, digits in cols]
        t.add_row(*cells)
    out.print(t)
