"""One JSON error shape for every failure, and the one place that maps errors to HTTP statuses.

Every answer that is not a success is ``{"error": {"status", "type", "code", "message",
"expected", "found", "where", "fix"}}``; ``code`` is a stable machine code (:func:`error_codes`).
:func:`status_for` is the single mapping from smartspec's errors to status codes: 400 for a
malformed request, 404 for an unknown dataset / region / activity / period / table, 409 for a
conflict, 413 for an upload that is too large, 422 for data or options that cannot be used, 503
when too many heavy computations are queued. Bad input never answers 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from smartspec.core.errors import (
    SmartSpecError,
    UnknownActivityError,
    UnknownDatasetError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
)
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ConflictError,
    EditConflictError,
    ForbiddenError,
    RequestError,
    TooManyAttemptsError,
    UnknownJobError,
    UnknownRecordError,
    UnknownTableError,
    UploadTooLargeError,
)
from smartspec.jobs import JobQueueFullError, Pending

from .schemas import JobAccepted

__all__ = [
    "ACCEPTED_RESPONSE",
    "ANSWER_CODES",
    "ERROR_RESPONSES",
    "BodyTooLargeError",
    "ErrorBody",
    "ErrorResponse",
    "UnknownJobError",
    "UnknownTableError",
    "accepted_response",
    "code_for",
    "error_codes",
    "error_response",
    "install_error_handlers",
    "status_for",
    "too_large_response",
]

logger = logging.getLogger("smartspec.api")


class ErrorBody(BaseModel):
    """What went wrong, in the fields of :class:`smartspec.SmartSpecError`."""

    status: int = Field(description="The HTTP status code, repeated.")
    type: str = Field(description="Error class: ValidationError, UnknownRegionError...")
    code: str = Field(
        "error",
        description="Stable machine code of the situation (unknown_region, invalid.upload...; "
        "see 'Error codes' in docs/api.md): never changes meaning, unlike the message.",
    )
    message: str = Field(description="The whole error as one readable line.")
    expected: str | None = Field(None, description="What smartspec expected.")
    found: str | None = Field(None, description="What it found instead.")
    where: str | None = Field(None, description="Where: file, column, rows, parameter.")
    fix: str | None = Field(None, description="How to fix it.")
    details: dict[str, Any] | None = Field(
        default=None,
        description="More about the situation where it has a structure: for an edit conflict "
        "(409 edit_conflict), the stored version ('current') and the one sent ('yours').",
    )

    def answer(self) -> dict[str, Any]:
        """The body as answered: ``details`` only when there are any."""
        return self.model_dump(exclude={"details"} if self.details is None else None)


class ErrorResponse(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


#: Error answers declared on every route, so that the OpenAPI document is true.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("Malformed request: a parameter of the wrong type or out of range."),
    404: _doc("Unknown dataset, region, activity, period or table."),
    422: _doc("Data or options that cannot be used."),
    503: _doc("Too many heavy computations queued: ask again later."),
}

_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (UploadTooLargeError, 413),
    (RequestError, 400),
    (UnknownDatasetError, 404),
    (UnknownRegionError, 404),
    (UnknownActivityError, 404),
    (UnknownPeriodError, 404),
    (UnknownTableError, 404),
    (UnknownJobError, 404),
    (UnknownRecordError, 404),
    (AuthenticationRequiredError, 401),
    (ForbiddenError, 403),
    (TooManyAttemptsError, 429),
    (JobQueueFullError, 503),
    (ConflictError, 409),
    (ValidationError, 422),
)


def status_for(exc: SmartSpecError) -> int:
    """The HTTP status of a smartspec error (422 for any other :class:`SmartSpecError`)."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 422


#: Codes of the error answers that are not smartspec errors (HTTP, security, server failures),
#: by their ``type``; :data:`smartspec.core.errors.ERROR_CODES` has the others.
ANSWER_CODES: dict[str, tuple[str, str]] = {
    "InvalidRequest": (
        "bad_request.parameter",
        "A parameter of the wrong type or out of "
        "range, or a missing form field (checked before smartspec runs).",
    ),
    "NotFound": ("not_found", "No endpoint or page at this address."),
    "MethodNotAllowed": ("method_not_allowed", "The address does not take this method."),
    "UploadTooLargeError": ("upload_too_large", "An upload larger than the server accepts."),
    "HostNotAllowedError": ("host_not_allowed", "A Host header the server does not answer to."),
    "CrossOriginError": ("cross_origin", "A write from another site's page."),
    "ReadOnlyError": ("read_only", "A write to a read-only server."),
    "CsrfTokenError": ("csrf", "The upload form without its CSRF token."),
    "InternalError": ("internal", "A bug in smartspec (never bad input)."),
}


def code_for(type_: str) -> str:
    """The stable code of an answer's ``type`` that is not a smartspec error
    (:data:`ANSWER_CODES`; another HTTP status: ``http_<type>`` in snake case)."""
    if type_ in ANSWER_CODES:
        return ANSWER_CODES[type_][0]
    import re

    return "http_" + re.sub(r"(?<!^)(?=[A-Z])", "_", type_).lower()


def error_codes() -> dict[str, str]:
    """Every documented error code with its meaning: smartspec's errors and the answers."""
    from smartspec.core.errors import ERROR_CODES

    answers = {code: meaning for code, meaning in ANSWER_CODES.values() if code not in ERROR_CODES}
    return {**ERROR_CODES, **answers}


def error_response(
    status: int,
    type_: str,
    message: str,
    *,
    expected: str | None = None,
    found: str | None = None,
    where: str | None = None,
    fix: str | None = None,
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
) -> JSONResponse:
    """A response in the one error shape; ``code`` defaults to :func:`code_for` ``type_``."""
    body = ErrorBody(
        status=status,
        type=type_,
        code=code or code_for(type_),
        message=message,
        expected=expected,
        found=found,
        where=where,
        fix=fix,
    )
    return JSONResponse({"error": body.answer()}, status_code=status, headers=headers)


#: Optional renderer of error pages for browsers, set by the dashboard on ``api.state``:
#: ``api.state.html_error(request, body: dict) -> Response | None``.
HtmlErrorRenderer = Callable[[Request, dict[str, Any]], Response | None]


def _render(request: Request, response: JSONResponse) -> Response:
    """Hand the error to the dashboard's HTML renderer for browser pages outside /api."""
    renderer = getattr(request.app.state, "html_error", None)
    if (
        renderer is not None
        and not request.url.path.startswith("/api")
        and "text/html" in request.headers.get("accept", "")
    ):
        import json

        html = renderer(request, json.loads(bytes(response.body))["error"])
        if html is not None:
            return html
    return response


def error_body(exc: SmartSpecError, roots: list[str]) -> tuple[int, dict[str, Any]]:
    """The status and the ``error`` object of a smartspec error: what the API answers and the
    dashboard's error page shows (server paths under ``roots`` reduced to file names)."""
    from .security import redact  # no server path in an answer

    status = status_for(exc)
    body = ErrorBody(
        status=status,
        type=type(exc).__name__,
        code=exc.code or code_for(type(exc).__name__),
        message=redact(exc.message, roots) or "",
        expected=redact(exc.expected, roots),
        found=redact(exc.found, roots),
        where=redact(exc.where, roots),
        fix=redact(exc.fix, roots),
        details=jsonable_encoder(exc.details) if isinstance(exc, EditConflictError) else None,
    )
    return status, body.answer()


async def _smartspec_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SmartSpecError)
    from .security import server_paths

    status, body = error_body(exc, server_paths(request.app))
    headers: dict[str, str] = {}
    if isinstance(exc, AuthenticationRequiredError):
        headers["WWW-Authenticate"] = 'Bearer realm="smartspec"'
    if isinstance(exc, TooManyAttemptsError):
        headers["Retry-After"] = str(max(1, int(exc.retry_after + 0.999)))
    return _render(request, JSONResponse({"error": body}, status_code=status, headers=headers))


def _loc(loc: tuple[Any, ...]) -> str:
    kinds = {
        "query": "query parameter",
        "path": "path parameter",
        "body": "form field",
        "header": "header",
        "cookie": "cookie",
    }
    if not loc:
        return "request"
    head, rest = str(loc[0]), [str(x) for x in loc[1:]]
    if head in kinds and rest:
        return f"{kinds[head]} '{'.'.join(rest)}'"
    if head == "body":
        return "request body"
    return ".".join(str(x) for x in loc)


#: Fields whose values an error answer never repeats.
_SECRET_WORDS = ("password", "token", "secret", "authorization")


async def _request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first: dict[str, Any] = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    where = _loc(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "invalid value"))
    message = f"{where}: {msg[:1].lower() + msg[1:]}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    found = None
    if "input" in first and first.get("type") != "missing":
        found = repr(first["input"])[:200]
        said = " ".join(str(p) for p in first.get("loc", ())) + " " + repr(first["input"])
        if any(word in said.lower() for word in _SECRET_WORDS):
            found = "(not shown: it may hold a password or a token)"
    ctx = first.get("ctx") or {}
    expected = None
    if ctx:
        expected = ", ".join(f"{k} {v}" for k, v in ctx.items() if not isinstance(v, Exception))
        expected = expected or None
    return _render(
        request,
        error_response(
            400,
            "InvalidRequest",
            message + ".",
            expected=expected or msg,
            found=found,
            where=where,
            fix="see /api/openapi.json for this endpoint's parameters",
        ),
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts for this path (Starlette names only the first route's)."""
    from starlette.routing import Match

    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    type_ = "".join(w.capitalize() for w in phrase.replace("-", " ").split())
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    where = f"{request.method} {request.url.path}"
    fix = None
    if status == 404:
        detail = "no such endpoint or page" if detail == phrase else detail
        fix = "see /api/openapi.json for the endpoints"
    elif status == 405:
        allowed = _allowed_methods(request)
        fix = "use " + (" or ".join(allowed) if allowed else "another method")
        headers = {**(exc.headers or {}), **({"Allow": ", ".join(allowed)} if allowed else {})}
        exc = StarletteHTTPException(status, detail=exc.detail, headers=headers)
    return _render(
        request,
        error_response(
            status,
            type_,
            str(detail).rstrip(".") + ".",
            where=where,
            fix=fix,
            headers=exc.headers,
        ),
    )


#: Bytes a multipart envelope may add to an uploaded file (boundaries, field headers).
ENVELOPE = 65536


class BodyTooLargeError(StarletteHTTPException):
    """A request body that passed the size limit while it was read (raised by ``UploadLimit``).

    An HTTP exception, so that FastAPI's body parsing passes it on instead of answering 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, "the upload is too large")
        self.limit = limit


def too_large_response(request: Request, limit: int, found: str) -> Response:
    """The 413 answer (JSON, or the error page for a browser's form)."""
    return _render(
        request,
        error_response(
            413,
            "UploadTooLargeError",
            "the upload is too large.",
            expected=f"at most {limit - ENVELOPE:,} bytes",
            found=found,
            where="request body",
            fix="upload a smaller file, or raise the max_upload_mb setting",
        ),
    )


async def _body_too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLargeError)
    return too_large_response(request, exc.limit, f"more than {exc.limit:,} bytes")


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error in %s %s", request.method, request.url.path)
    return _render(
        request,
        error_response(
            500,
            "InternalError",
            f"unexpected {type(exc).__name__}: this is a bug in smartspec, please report it.",
            where=f"{request.method} {request.url.path}",
            fix="report it with the request that caused it",
        ),
    )


#: Seconds a client is asked to wait before it asks again for a result being computed.
RETRY_AFTER_S = 2

#: The 202 answer, for the ``responses=`` of the routes whose results are computed in the
#: background.
ACCEPTED_RESPONSE: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobAccepted,
        "description": "The result is being computed: ask the same URL again after "
        "`Retry-After` seconds, or follow `Location` (the job's status).",
    }
}


def pending_body(pending: Pending, app: Any, root_path: str = "") -> dict[str, Any]:
    """What a 202 answer says of a result still being computed: its job and where to ask."""
    job = pending.job
    url = f"{root_path}/api/v1/jobs/{job.id}"
    position = app.jobs.position(job) if app is not None else None
    return {
        "message": f"the {job.kind} of dataset {job.dataset!r} is being computed ({job.state}); "
        f"ask again in a few seconds",
        "status_url": url,
        "retry_after_s": RETRY_AFTER_S,
        "job": jsonable_encoder(job.status(position)),
    }


def accepted_response(request: Request, pending: Pending) -> JSONResponse:
    """202 Accepted for a result still being computed, with its job's status and its link."""
    app = getattr(request.app.state, "smartspec", None)
    body = pending_body(pending, app, request.scope.get("root_path", ""))
    return JSONResponse(
        body,
        status_code=202,
        headers={
            "Location": body["status_url"],
            "Retry-After": str(RETRY_AFTER_S),
            "Cache-Control": "no-store",
        },
    )


async def _pending(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Pending)
    return accepted_response(request, exc)


def install_error_handlers(api: FastAPI) -> None:
    """Register the handlers: smartspec errors, request validation, HTTP errors, the rest."""
    api.add_exception_handler(Pending, _pending)
    api.add_exception_handler(SmartSpecError, _smartspec_error)
    api.add_exception_handler(RequestValidationError, _request_validation_error)
    api.add_exception_handler(BodyTooLargeError, _body_too_large)
    api.add_exception_handler(StarletteHTTPException, _http_exception)
    api.add_exception_handler(Exception, _unexpected)
