"""The exception and warning hierarchy of smartspec's core.

Every error carries structured fields (what was expected, what was found, where, and how to fix
it) and renders them as one readable message. No error here knows about HTTP or the command line:
the services map them to exit codes and status codes in exactly one place each.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, overload

__all__ = [
    "ERROR_CODES",
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidationError",
    "collect_notices",
    "format_examples",
    "notify",
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


#: Every stable error code, with what it means. A code never changes meaning and is never
#: reused; new situations get new codes. Each error class has its own code (its ``code``
#: attribute); a raise site that is one specific, common situation of a class gives a more
#: specific code, ``<class code>.<situation>``. The API puts the code in every error answer
#: (``error.code``), and the dashboard shows a message in the page's language for the codes it
#: knows. The services add the codes of answers that are not smartspec errors
#: (:data:`smartspec.services.api.errors.ANSWER_CODES`).
ERROR_CODES: dict[str, str] = {
    "error": "Any other smartspec error.",
    "invalid": "Input data or arguments that smartspec cannot use as given.",
    "invalid.upload": "An uploaded file whose data cannot be used as it is (the reader's "
    "message says where and why).",
    "invalid.file_format": "A file whose format cannot be told from its name's ending.",
    "invalid.file_missing": "A dataset whose data file is missing on the server: no data.",
    "unknown_region": "A region code (or name) that is not in the dataset.",
    "unknown_activity": "An activity code (or name) that is not in the dataset.",
    "unknown_period": "A period that is not in the dataset.",
    "unknown_dataset": "A dataset name or id that is not in the catalogue.",
    "bad_request": "A request that cannot be used as given: an unknown sort column, a filter "
    "that does not apply, a parameter out of range.",
    "bad_request.page_too_large": "A page of more rows than the server's largest page.",
    "bad_request.label_language": "A language of names other than 'en' or 'es'.",
    "bad_request.too_few_periods": "A backtest, or a learned score, without an earlier period to "
    "learn from.",
    "bad_request.period_order": "A backtest whose outcome period is not after its base period.",
    "upload_too_large": "An upload larger than the server accepts, or one that needs more "
    "time or memory to read than the server gives.",
    "conflict": "An action the dataset's state forbids (deleting a bundled dataset).",
    "compute_budget": "A computation that needed more time or memory than the server gives one.",
    "queue_full": "Too many heavy computations queued already: ask again later.",
    "unknown_table": "An indicator table or download that does not exist.",
    "unknown_job": "A job id the server does not know.",
    "edit_conflict": "A save based on an older version of a record than the stored one: "
    "someone else saved first (the answer carries both versions).",
    "unknown_record": "A stored record (priority, strategy, user, token) that does not exist.",
    "unauthenticated": "An action that needs an account, without a valid login or token.",
    "forbidden": "An action the account's role or region grants do not allow.",
    "too_many_attempts": "Too many failed logins in a short time: wait and try again.",
    "invalid.import": "An import file with problems: nothing was stored (the report lists "
    "every problem by row and column).",
    "invalid.code": "A classification code that is not in the bundled code list.",
    "invalid.value_chain": "A value chain that cannot be evaluated as given: too few or too "
    "many stages, an empty stage, too many codes, repeated stage names.",
    "invalid.classifications": "Datasets combined in one panel whose classifications have no "
    "concordance to a shared one.",
}


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
    code : str, optional
        A specific stable code for this situation (``"invalid.file_format"``, a key of
        :data:`ERROR_CODES`); the class's :attr:`code` by default.

    Attributes
    ----------
    code : str
        The stable machine code: the class's (``"unknown_region"``), or the specific one given.

    Examples
    --------
    >>> UnknownRegionError("the region 'XX' is not in the data").code
    'unknown_region'
    >>> ValidationError("cannot tell the format", code="invalid.file_format").code
    'invalid.file_format'
    """

    #: The class's stable code (each class has its own: see :data:`ERROR_CODES`).
    code: str = "error"

    def __init__(
        self,
        problem: str,
        *,
        expected: str | None = None,
        found: str | None = None,
        where: str | None = None,
        fix: str | None = None,
        code: str | None = None,
    ) -> None:
        if code is not None:
            self.code = code
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
            "code": self.code,
            "message": self.message,
            "problem": self.problem,
            "expected": self.expected,
            "found": self.found,
            "where": self.where,
            "fix": self.fix,
        }


class ValidationError(SmartSpecError, ValueError):
    """Input data or arguments that smartspec cannot use as given."""

    code = "invalid"


class UnknownRegionError(SmartSpecError, KeyError):
    """A region label that is not in the matrix."""

    code = "unknown_region"

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class UnknownActivityError(SmartSpecError, KeyError):
    """An activity label that is not in the matrix."""

    code = "unknown_activity"

    def __str__(self) -> str:
        return self.message


class UnknownPeriodError(SmartSpecError, KeyError):
    """A period label that is not in the matrix."""

    code = "unknown_period"

    def __str__(self) -> str:
        return self.message


class UnknownDatasetError(SmartSpecError, KeyError):
    """A dataset name that is not registered."""

    code = "unknown_dataset"

    def __str__(self) -> str:
        return self.message


class SmartSpecWarning(UserWarning):
    """Results that are valid but need the reader's attention (e.g. regions left out of ECI)."""


#: Where :func:`notify` writes in this context (thread or task); ``None``: Python warnings.
_NOTICES: ContextVar[list[str] | None] = ContextVar("smartspec_notices", default=None)


def notify(message: str, *, stacklevel: int = 2) -> None:
    """Report something the reader of a result must know (a :class:`SmartSpecWarning`).

    Inside :func:`collect_notices` the text is kept with the result of that context (the
    thread or task that computes it), so analyses running side by side never see each
    other's notices and nothing process-wide (the ``warnings`` filters) is touched. Outside
    it, the text is issued as a :class:`SmartSpecWarning`, as library users expect.

    Parameters
    ----------
    message : str
        One sentence; runs of white space are folded into one space when collected.
    stacklevel : int
        As for :func:`warnings.warn`, counted from the caller of ``notify``.
    """
    sink = _NOTICES.get()
    if sink is None:
        warnings.warn(message, SmartSpecWarning, stacklevel=stacklevel + 1)
    else:
        sink.append(" ".join(message.split()))


@contextmanager
def collect_notices() -> Iterator[list[str]]:
    """Keep the :func:`notify` texts of this context in a list instead of issuing warnings.

    The list is filled while the block runs (each text once, in order of first notice is up
    to the caller); it belongs to the current thread or task only.

    Examples
    --------
    >>> with collect_notices() as notices:
    ...     notify("period 2013: 2 region(s)   with no presence get NaN ECI")
    >>> notices
    ['period 2013: 2 region(s) with no presence get NaN ECI']
    """
    sink: list[str] = []
    token = _NOTICES.set(sink)
    try:
        yield sink
    finally:
        _NOTICES.reset(token)


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
