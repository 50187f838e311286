"""The catalogue of named indicators, so the CLI, the API and the docs list and compute any of
them the same way.

Each indicator module registers its public functions with :func:`register`; :func:`compute`
runs one by name and returns a long table. Plugins add theirs the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from .errors import ValidationError
from .matrix import ActivityMatrix

__all__ = ["INDICATORS", "Indicator", "compute", "register", "to_long"]

Level = Literal["cell", "region", "activity", "activity_pair", "region_pair"]

#: Index columns of the long table of each level.
KEYS: dict[str, list[str]] = {
    "cell": ["period", "region", "activity"],
    "region": ["period", "region"],
    "activity": ["period", "activity"],
    "activity_pair": ["period", "activity_from", "activity_to"],
    "region_pair": ["period", "region_from", "region_to"],
}


@dataclass(frozen=True)
class Indicator:
    """A registered indicator.

    Attributes
    ----------
    name : str
        Its name in the CLI and the API (``snake_case``).
    level : {"cell", "region", "activity", "activity_pair", "region_pair"}
        What one value describes.
    function : callable
        ``function(m, **options)`` returning a labelled pandas object.
    summary : str
        One line for listings.
    reference : str
        The paper it comes from.
    """

    name: str
    level: Level
    function: Callable[..., Any]
    summary: str
    reference: str


INDICATORS: dict[str, Indicator] = {}


def register(
    name: str, *, level: Level, summary: str, reference: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator adding a function to :data:`INDICATORS` under ``name``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        INDICATORS[name] = Indicator(name, level, fn, summary, reference)
        return fn

    return decorate


def to_long(result: pd.Series | pd.DataFrame, level: Level, name: str) -> pd.DataFrame:
    """A labelled result as a long table: the level's key columns, then ``name``."""
    keys = KEYS[level]
    if isinstance(result, pd.DataFrame) and level in ("cell", "activity_pair"):
        series = result.stack(future_stack=True)
    elif isinstance(result, pd.DataFrame):
        return result.reset_index()
    else:
        series = result
    series = series.rename(name)
    series.index = series.index.set_names(keys)
    return series.reset_index()


def compute(name: str, m: ActivityMatrix, **options: Any) -> pd.DataFrame:
    """Compute a registered indicator by name as a long table.

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> compute("rca", toy()).columns.tolist()
    ['period', 'region', 'activity', 'rca']
    """
    from . import load_all

    load_all()
    try:
        ind = INDICATORS[name]
    except KeyError:
        raise ValidationError(
            f"unknown indicator {name!r}",
            expected=f"one of {', '.join(sorted(INDICATORS))}",
            found=repr(name),
            fix="list them with `smartspec indicators`",
        ) from None
    try:
        result = ind.function(m, **options)
    except TypeError as err:
        raise ValidationError(
            f"bad options for indicator {name!r}",
            expected="the function's options",
            found=str(err),
        ) from None
    return to_long(result, ind.level, name)
