"""``smartspec partners``."""

from __future__ import annotations

import click

__all__ = ["partners"]


@click.group("partners")
def partners() -> None:
    """Partner regions along value chains: strength, potential, coverage."""
