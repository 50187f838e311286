"""What the commands print: a rich console, numbers formatted for it, a progress bar, and
smartspec's warnings as ``Warning: ...`` lines on stderr."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from .errors import one_line

__all__ = ["as_mapping", "captured_warnings", "console", "fmt", "progress"]


def console() -> Any:
    """A rich console on stdout: plain (no colour) and 120 columns wide when not a terminal."""
    from rich.console import Console

    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=120, no_color=True)
    return out


def fmt(x: Any, digits: int = 2) -> str:
    """A number for a table: ``digits`` decimals, ``-`` for a missing one; with a negative
    ``digits``, a quantity (whole numbers without decimals).

    >>> fmt(1234.567), fmt(None), fmt(float("nan")), fmt(12.0, -1), fmt(-0.0)
    ('1,234.57', '-', '-', '12', '0.00')
    """
    if x is None:
        return "-"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f):
        return "-"
    if digits < 0:  # a quantity: whole numbers without decimals
        return f"{f:,.0f}" if f.is_integer() else f"{f:,.2f}"
    if f == 0:
        f = 0.0  # no '-0.00'
    return f"{f:,.{digits}f}"


def as_mapping(obj: Any) -> dict[str, Any]:
    """The fields of a dataclass, a mapping, or an object with ``to_dict()`` or attributes."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    return dict(vars(obj))


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; ``None`` (no callback) otherwise."""
    from rich.console import Console

    err = Console(stderr=True)
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("analysing", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=str(step), completed=done, total=total or None)

        yield update


@contextmanager
def captured_warnings(show: bool) -> Iterator[list[str]]:
    """Collect smartspec's warnings as one-line texts; print each as ``Warning: ...`` on stderr
    when ``show``. Other warnings are passed on."""
    import warnings

    from smartspec.core.errors import SmartSpecWarning

    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SmartSpecWarning)
        yield texts
    for w in caught:
        if issubclass(w.category, SmartSpecWarning):
            texts.append(one_line(str(w.message)))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if show:
        for text in texts:
            click.echo(f"Warning: {text}", err=True)
