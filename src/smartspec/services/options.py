"""Option values typed as text (``--option knn=10`` on the command line, ``option=knn=10`` in
the API), turned into Python values the same way everywhere."""

from __future__ import annotations

from typing import Any


def parse_value(raw: str) -> Any:
    """``10`` -> 10, ``0.5`` -> 0.5, ``true``/``false`` -> bool, anything else as text.

    >>> [parse_value(x) for x in ("10", "0.5", "TRUE", "median")]
    [10, 0.5, True, 'median']
    """
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return raw
