"""The errors of the platform's domains (beyond the core's), without HTTP.

Each says what the caller asked that cannot be done; the API maps each class to its status
code in one place (:func:`smartspec.services.api.errors.status_for`), the CLI to a message and
an exit status, the dashboard to its error page.
"""

from __future__ import annotations

from smartspec.core.errors import SmartSpecError, ValidationError

__all__ = [
    "ConflictError",
    "RequestError",
    "UnknownJobError",
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
