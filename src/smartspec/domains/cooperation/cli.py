"""``smartspec cooperation``."""

from __future__ import annotations

import click

__all__ = ["cooperation"]


@click.group("cooperation")
def cooperation() -> None:
    """The EU-Mexico cooperation monitor: FP7 and Horizon 2020 participation."""
