"""The errors of the platform's domains (beyond the core's), without HTTP.

Each says what the caller asked that cannot be done; the API maps each class to its status
code in one place (:func:`smartspec.services.api.errors.status_for`), the CLI to a message and
an exit status, the dashboard to its error page.
"""

from __future__ import annotations

from typing import Any

from smartspec.core.errors import SmartSpecError, ValidationError

__all__ = [
    "AuthenticationRequiredError",
    "ConflictError",
    "EditConflictError",
    "ForbiddenError",
    "RequestError",
    "TooManyAttemptsError",
    "UnknownJobError",
    "UnknownRecordError",
    "UnknownTableError",
    "UploadTooLargeError",
]


class RequestError(ValidationError):
    """A request that is malformed as given (an unknown sort column, a bad filter): HTTP 400."""

    code = "bad_request"


class UploadTooLargeError(ValidationError):
    """An uploaded file larger than the ``max_upload_mb`` setting: HTTP 413."""

    code = "upload_too_large"


class ConflictError(SmartSpecError):
    """An action the current state forbids (deleting a bundled dataset): HTTP 409."""

    code = "conflict"


class UnknownTableError(SmartSpecError, KeyError):
    """An indicator table or download that does not exist: HTTP 404."""

    code = "unknown_table"

    def __str__(self) -> str:
        return self.message


class UnknownJobError(SmartSpecError, KeyError):
    """A job id this server process does not know: HTTP 404."""

    code = "unknown_job"

    def __str__(self) -> str:
        return self.message


class EditConflictError(ConflictError):
    """A save based on an older version of a record than the stored one (a lost update refused):
    HTTP 409. :attr:`details` carries both versions, ``{"current": ..., "yours": ...}``, so that
    the editor can merge them."""

    code = "edit_conflict"

    def __init__(
        self, problem: str, *, details: dict[str, object] | None = None, **kw: str
    ) -> None:
        super().__init__(problem, **kw)
        self.details: dict[str, object] = dict(details or {})

    @classmethod
    def between(
        cls, record: str, current: Any | None, yours: Any | None, version: int
    ) -> EditConflictError:
        """The refusal of a change of ``record`` (``"priority 7"``) made from ``version`` when
        the stored one is ``current`` (a view with a ``version``; ``None`` when it is gone):
        ``details`` holds the stored record and ``yours`` (the change's fields, pydantic models
        as JSON) with the version it started from.

        >>> err = EditConflictError.between("priority 7", None, None, 2)
        >>> err.details, err.found
        ({'current': None, 'yours': {'version': 2}}, 'version 2')
        """
        mine: dict[str, Any] = {"version": version}
        if yours is not None:
            mine = {**yours.model_dump(mode="json"), "version": version}
        kind = record.split()[0]
        return cls(
            f"{record} was changed by someone else since version {version}",
            details={
                "current": current.model_dump(mode="json") if current is not None else None,
                "yours": mine,
            },
            expected=f"version {current.version if current is not None else '?'} (the stored one)",
            found=f"version {version}",
            fix=f"reload the {kind}, merge your changes into the current version and save again",
        )


class UnknownRecordError(SmartSpecError, KeyError):
    """A stored record (a priority, a strategy, a user, a token) that does not exist: HTTP 404."""

    code = "unknown_record"

    def __str__(self) -> str:
        return self.message


class AuthenticationRequiredError(SmartSpecError):
    """An action that needs an account, asked without one (or with a wrong password, an unknown
    or revoked token, an expired session): HTTP 401."""

    code = "unauthenticated"


class ForbiddenError(SmartSpecError):
    """An action the account's role or region grants do not allow: HTTP 403."""

    code = "forbidden"


class TooManyAttemptsError(SmartSpecError):
    """Too many failed logins for one account or from one address in a short time: HTTP 429.
    :attr:`retry_after` is the number of seconds to wait."""

    code = "too_many_attempts"

    def __init__(self, problem: str, *, retry_after: float = 60.0, **kw: str) -> None:
        super().__init__(problem, **kw)
        self.retry_after = float(retry_after)
