"""Pure computation: numpy, scipy.sparse and pandas only (no I/O, no services)."""

from __future__ import annotations

import importlib

#: Modules whose functions register themselves in :mod:`smartspec.core.catalogue`.
INDICATOR_MODULES = (
    "specialisation",
    "relatedness",
    "complexity",
    "opportunities",
    "concentration",
    "relatedness_measures",
)


def load_all() -> None:
    """Import every indicator module so the catalogue is complete."""
    for name in INDICATOR_MODULES:
        importlib.import_module(f"{__name__}.{name}")
