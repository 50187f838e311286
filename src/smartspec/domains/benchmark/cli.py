"""``smartspec benchmark``."""

from __future__ import annotations

import click

__all__ = ["benchmark"]


@click.group("benchmark")
def benchmark() -> None:
    """Benchmark regions: the regions most like a region, and why."""
