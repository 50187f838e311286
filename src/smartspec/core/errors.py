"""The exception and warning hierarchy of smartspec's core.

Every error carries structured fields (what was expected, what was found, where, and how to fix
it) and renders them as one readable message. No error here knows about HTTP or the command line:
the services map them to exit codes and status codes in exactly one place each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, overload

__all__ = [
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidationError",
    "format_examples",
    "plain_text",
]


_NUMPY_REPR = re.compile(
    r"np\.(?:u?int\d*|float\d*|complex\d*|str_|bytes_|datetime64|timedelta64)\((.*?)\)"
)
_NUMPY_BOOL = re.compile(r"np\.(True|False)_")


@overload
def plain_text(text: str) -> str: ...
@overload
def plain_text(text: None) -> None: ...
def plain_text(text: str | None) -> str | None:
    """A message with numpy's reprs (``np.int64(2016)``, ``np.True_``) as plain values.

    NumPy 2 writes its scalars' type into ``repr``; a user reading an error wants ``2016``.

    >>> plain_text("period np.int64(2016) and flag np.True_, code np.str_('ES30')")
    "period 2016 and flag True, code 'ES30'"
    """
    if text is None:
        return None
    text = str(text)
    if "np." not in text:
        return text
    return _NUMPY_BOOL.sub(r"\1", _NUMPY_REPR.sub(r"\1", text))


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
        self.problem = plain_text(problem)
        self.expected = plain_text(expected)
        self.found = plain_text(found)
        self.where = plain_text(where)
        self.fix = plain_text(fix)
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
