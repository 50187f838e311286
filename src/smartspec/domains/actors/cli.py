"""``smartspec actors``."""

from __future__ import annotations

import click

__all__ = ["actors"]


@click.group("actors")
def actors() -> None:
    """Innovation actors: organisations, collaboration networks, partners."""
