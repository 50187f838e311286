"""The exception and warning hierarchy of smartspec's core.

Every error carries structured fields (what was expected, what was found, where, and how to fix
it) and renders them as one readable message. No error here knows about HTTP or the command line:
the services map them to exit codes and status codes in exactly one place each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidationError",
    "format_examples",
]


class SmartSpecError(Exception):
    """Base class of every error raised by smartspec.

    Parameters
    ----------
    problem : str
        One sentence saying what went wrong.
    expected : str, optional
        What smartspec expected.
    found : str, optional
        What it found instead.
    where : str, optional
        Where: file, column, rows, dataset.
    fix : str, optional
        How to fix it.
    """

    def __init__(
        self,
        problem: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.expected = expected
        self.found = found
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The whole error as one line: problem, where, expected, found, fix."""
        parts = [self.problem.rstrip(".")]
        if self.where:
            parts.append(f"where: {self.where}")
        if self.expected:
            parts.append(f"expected: {self.expected}")
        if self.found:
            parts.append(f"found: {self.found}")
        if self.fix:
            parts.append(f"fix: {self.fix}")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """The structured fields, for machine-readable error documents."""
        return {
            "type": type(self).__name__,
            "message": self.message,
            "problem": self.problem,
            "expected": self.expected,
            "found": self.found,
            "where": self.where,
            "fix": self.fix,
        }


class ValidationError(SmartSpecError, ValueError):
    """Input data or arguments that smartspec cannot use as given."""


class UnknownRegionError(SmartSpecError, KeyError):
    """A region label that is not in the matrix."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class UnknownActivityError(SmartSpecError, KeyError):
    """An activity label that is not in the matrix."""

    def __str__(self) -> str:
        return self.message


class UnknownPeriodError(SmartSpecError, KeyError):
    """A period label that is not in the matrix."""

    def __str__(self) -> str:
        return self.message


class UnknownDatasetError(SmartSpecError, KeyError):
    """A dataset name that is not registered."""

    def __str__(self) -> str:
        return self.message


class SmartSpecWarning(UserWarning):
    """Results that are valid but need the reader's attention (e.g. regions left out of ECI)."""


def format_examples(items: Iterable[Any], *, limit: int = 5) -> str:
    """Render at most ``limit`` items, then how many more there are.

    >>> format_examples(["a", "b", "c"], limit=2)
    "'a', 'b' (and 1 more)"
    """
    seq: Sequence[Any] = list(items)
    shown = ", ".join(repr(x) for x in seq[:limit])
    if len(seq) > limit:
        shown += f" (and {len(seq) - limit} more)"
    return shown
