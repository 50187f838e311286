"""``smartspec datasets``: the bundled datasets, or one dataset's description."""

from __future__ import annotations

import json
from collections.abc import Mapping

import click

from .options import json_option
from .output import as_mapping, console

__all__ = ["datasets_command"]


@click.command("datasets")
@click.argument("name", required=False)
@json_option("Print as JSON.")
def datasets_command(name: str | None, as_json: bool) -> None:
    """List the bundled datasets, or show one dataset's description, source and licence."""
    from rich.table import Table

    from smartspec.datasets import info, list_datasets
    from smartspec.io import jsonable

    out = console()
    if name is None:
        frame = list_datasets()
        if as_json:
            click.echo(json.dumps(jsonable(frame), indent=2, ensure_ascii=False))
            return
        t = Table(title="Bundled datasets", title_justify="left", title_style="bold", box=None)
        shown = [
            c
            for c in ("name", "regions", "activities", "periods", "value_name", "title")
            if c in frame.columns
        ] or list(frame.columns)
        for col in shown:
            numeric = col in ("regions", "activities")
            t.add_column(
                {"value_name": "value"}.get(col, col),
                justify="right" if numeric else "left",
                no_wrap=col != "title",
                overflow="fold",
            )
        for row in frame[shown].itertuples(index=False):
            t.add_row(*["" if v is None else str(v) for v in row])
        out.print(t)
        out.print("Details: smartspec datasets NAME; use: smartspec analyse --dataset NAME")
        return
    fields = as_mapping(info(name))
    if as_json:
        click.echo(json.dumps(jsonable(fields), indent=2, ensure_ascii=False))
        return
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for key, val in fields.items():
        if isinstance(val, list | tuple):
            val = ", ".join(str(v) for v in val)
        elif isinstance(val, Mapping):
            val = ", ".join(f"{k}: {v}" for k, v in val.items())
        t.add_row(str(key), "" if val is None else str(val))
    out.print(t)
