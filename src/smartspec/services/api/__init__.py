"""The REST API: :func:`create_api` builds the FastAPI application of a
:class:`~smartspec.app.SmartSpecApp`.

Routes live under ``/api/v1`` (one router per resource: the platform's in :mod:`.routers`, the
domains' in their packages, :data:`smartspec.domains.DOMAINS`), the OpenAPI
document at ``/api/openapi.json`` and an offline endpoint list at ``/api/docs`` (no CDN). Every
error answers in one JSON shape (:mod:`.errors`). :mod:`.security` wraps it all: Host allow-list,
origin check on writes, read-only mode, security headers. When the dashboard package
``smartspec.services.web`` is importable, its ``attach(api, app)`` adds the pages and ``/static``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.requests import Request

from smartspec import __version__

from .errors import ENVELOPE, BodyTooLargeError, install_error_handlers, too_large_response
from .response_cache import ResponseCache
from .routers import FIRST, LAST
from .security import install as install_security

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from smartspec.app import SmartSpecApp

__all__ = ["API_PREFIX", "create_api", "routers"]

#: Where the versioned API lives.
API_PREFIX = "/api/v1"

_DESCRIPTION = """Smart Specialisation evidence from region x activity data: datasets,
specialisation (RCA), relatedness (proximity, density), economic complexity (ECI, PCI) and
diversification opportunities (COG). Every error answers
`{"error": {"status", "type", "message", "expected", "found", "where", "fix"}}`."""


class UploadLimit:
    """One size limit for every request body (API and dashboard), enforced while reading.

    A body that declares a larger ``Content-Length`` is refused before a byte is read; a body
    that does not (chunked) is counted as it arrives and refused as soon as it passes the limit
    (:class:`~.errors.BodyTooLargeError`), so neither memory nor disk ever holds more than
    ``max_upload_mb`` plus 64 KiB for the multipart envelope. The answer is 413 in the one error
    shape, or the error page for a browser's form.
    """

    def __init__(self, app: ASGIApp, smartspec: SmartSpecApp) -> None:
        self.app = app
        self.limit = int(float(smartspec.settings["max_upload_mb"]) * 1024 * 1024) + ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            response = too_large_response(
                Request(scope, receive), self.limit, f"{int(declared):,} bytes"
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(self.limit)
            return message

        await self.app(scope, counted, send)


class PreferWait:
    """``Prefer: wait=N`` (RFC 7240): a request that would rather have a 202 after ``N``
    seconds than wait the ``job_wait_s`` setting for a heavy result (never longer than it).

    The dashboard's pages ask for a short wait, so that a page needing a backtest or a layout
    not computed yet shows its progress page at once. The value holds for this request only
    (:data:`smartspec.jobs.REQUESTED_WAIT`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def seconds(scope: Scope) -> float | None:
        """The ``wait`` preference of the request's ``Prefer`` headers, in seconds, or None."""
        for name, value in scope.get("headers") or ():
            if name.lower() != b"prefer":
                continue
            for part in value.decode("latin-1").replace(";", ",").split(","):
                key, _, number = part.strip().partition("=")
                if key.strip().lower() == "wait":
                    try:
                        seconds = float(number.strip().strip('"'))
                    except ValueError:
                        return None
                    return seconds if 0 <= seconds < float("inf") else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wait = self.seconds(scope) if scope["type"] == "http" else None
        if wait is None:
            await self.app(scope, receive, send)
            return
        from smartspec.jobs import REQUESTED_WAIT

        token = REQUESTED_WAIT.set(wait)
        try:
            await self.app(scope, receive, send)
        finally:
            REQUESTED_WAIT.reset(token)


def _attach_web(api: FastAPI, app: SmartSpecApp) -> bool:
    """Let the dashboard add its pages when it is installed; ``True`` when it did."""
    try:
        from smartspec.services.web import attach
    except ImportError as exc:
        if exc.name is not None and not exc.name.startswith("smartspec.services.web"):
            raise
        return False
    attach(api, app)
    return True


def _docs_page(api: FastAPI) -> HTMLResponse:
    """A plain HTML list of the endpoints, built from the OpenAPI document (works offline)."""
    doc = api.openapi()
    rows = []
    for path, ops in doc.get("paths", {}).items():
        for method, op in ops.items():
            params = ", ".join(
                f"{p['name']}{'' if p.get('required') else '?'}" for p in op.get("parameters", [])
            )
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}"
                f"</code></td><td>{html.escape(op.get('summary', ''))}</td>"
                f"<td><small>{html.escape(params)}</small></td></tr>"
            )
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>smartspec API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:.2em .8em;border-bottom:1px "
        "solid #ddd;vertical-align:top}</style></head><body>"
        f"<h1>smartspec API {html.escape(__version__)}</h1><p>{html.escape(_DESCRIPTION)}</p>"
        "<p>Machine-readable: <a href='/api/openapi.json'>/api/openapi.json</a></p>"
        "<table><tr><th>method</th><th>path</th><th>what</th><th>parameters</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return HTMLResponse(body)


def routers() -> list[Any]:
    """Every router of the API in mounting order: the platform's health and settings, each
    registered domain's (:data:`smartspec.domains.DOMAINS`), the background jobs."""
    from smartspec.domains import DOMAINS

    return [*FIRST, *(r for d in DOMAINS for r in d.load_routers()), *LAST]


def create_api(app: SmartSpecApp, *, web: bool = True) -> FastAPI:
    """The FastAPI application of ``app``.

    Parameters
    ----------
    app : SmartSpecApp
        The application object (settings, store, catalogue, cache).
    web : bool
        Attach the dashboard (``smartspec.services.web.attach``) when it is installed.

    Returns
    -------
    fastapi.FastAPI
    """
    api = FastAPI(
        title="smartspec",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not offline
        redoc_url=None,
    )
    api.state.smartspec = app
    install_error_handlers(api)
    api.add_middleware(UploadLimit, smartspec=app)
    api.add_middleware(PreferWait)
    api.add_middleware(
        ResponseCache,
        smartspec=app,
        max_bytes=int(float(app.settings["response_cache_mb"]) * 2**20),
    )
    install_security(api, app)  # Host allow-list, origin check, read-only, headers
    from fastapi import Depends

    from .deps import reader

    for router in routers():  # reading needs an account on a private platform
        api.include_router(router, prefix=API_PREFIX, dependencies=[Depends(reader)])

    @api.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return _docs_page(api)

    @api.get("/api", include_in_schema=False)
    def api_root() -> dict[str, Any]:
        return {
            "name": "smartspec",
            "version": __version__,
            "api": API_PREFIX,
            "openapi": "/api/openapi.json",
            "docs": "/api/docs",
        }

    attached = web and _attach_web(api, app)
    if not attached:

        @api.get("/", include_in_schema=False)
        def root() -> JSONResponse:
            return JSONResponse(api_root())

    api.state.web = attached
    return api
