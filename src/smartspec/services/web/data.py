"""Where the dashboard's pages get their data.

:class:`Services` calls the domains' service functions and typed views directly (no HTTP inside
the process): the same functions the API routes call, so the dashboard and the API can never
disagree, with the same errors (:func:`smartspec.services.api.errors.error_body`) and the same
202 progress answers. :class:`ApiClient` posts the upload form to the JSON API over an
in-process transport (the one request the dashboard still sends, so that an upload takes the
API's one path: size limit, checks, storage).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

API = "/api/v1"
PAGE = 1000  # rows per request when reading a whole table


class ApiError(Exception):
    """An error answer of the API: its status and its ``error`` object."""

    def __init__(self, status: int, error: dict[str, Any]):
        super().__init__(error.get("message", ""))
        self.status = status
        self.error = error


class ApiPending(Exception):  # noqa: N818 - a state, not an error
    """A 202 answer of the API: the result is being computed; :attr:`body` says where it
    stands (``message``, ``status_url``, ``retry_after_s``, ``job``)."""

    def __init__(self, body: dict[str, Any]):
        super().__init__(body.get("message", ""))
        self.body = body


class Services:
    """Direct calls of the domains' services for the pages of one application.

    Each call runs in a worker thread (the services are synchronous and may compute), with the
    page's wait for heavy results (``page_wait_s``); it answers what the API would have
    answered, as JSON-ready data, or raises :class:`ApiError` / :class:`ApiPending` as a request
    to the API would.
    """

    def __init__(self, api: Any, app: Any, wait: float | None = None):
        self.api = api
        self.app = app
        self.wait = wait

    async def call(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        """``func(app, *args, **kwargs)`` in a worker thread, as JSON-ready data."""
        import anyio
        from fastapi.encoders import jsonable_encoder
        from pydantic import BaseModel

        from smartspec.core.errors import SmartSpecError
        from smartspec.jobs import REQUESTED_WAIT, Pending
        from smartspec.services.api.errors import error_body, pending_body
        from smartspec.services.api.security import server_paths

        def run() -> Any:
            token = REQUESTED_WAIT.set(self.wait) if self.wait is not None else None
            try:
                result = func(self.app, *args, **kwargs)
            finally:
                if token is not None:
                    REQUESTED_WAIT.reset(token)
            if isinstance(result, BaseModel):  # as the API writes it: NaN as null
                return json.loads(result.model_dump_json())
            return jsonable_encoder(result)

        try:
            return await anyio.to_thread.run_sync(run)
        except SmartSpecError as exc:
            status, body = error_body(exc, server_paths(self.api))
            raise ApiError(status, body) from exc
        except Pending as exc:
            raise ApiPending(pending_body(exc, self.app)) from exc

    async def items(self, func: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a paginated service answer (``{items, total}``), page by page."""
        out: list[dict[str, Any]] = []
        while True:
            page = await self.call(func, *args, limit=PAGE, offset=len(out), **kwargs)
            items = page.get("items", [])
            out.extend(items)
            if not items or len(out) >= int(page.get("total", 0)) or len(items) < PAGE:
                return out


def seg(code: Any) -> str:
    """A code as one URL path segment (``Adelaide City`` -> ``Adelaide%20City``)."""
    return quote(str(code), safe="")


class ApiClient:
    """GET and POST against the API of one FastAPI application, without a network."""

    def __init__(self, asgi: Any, wait: float | None = None):
        self._transport = httpx.ASGITransport(app=asgi)
        # a heavy result not ready after ``wait`` seconds answers 202 (``Prefer: wait``): the
        # page shows its progress page instead of waiting the API's longer job_wait_s
        self._headers = {"Prefer": f"wait={wait:g}"} if wait is not None else {}

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self._transport, base_url="http://localhost", headers=self._headers
        )

    @staticmethod
    def _check(resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            try:
                error = resp.json().get("error") or {}
            except ValueError:
                error = {}
            if not isinstance(error, dict):
                error = {"message": str(error)}
            error.setdefault("status", resp.status_code)
            raise ApiError(resp.status_code, error)
        if resp.status_code == 202:
            raise ApiPending(resp.json())
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    async def get(self, path: str, **params: Any) -> Any:
        """``GET /api/v1{path}`` with the non-empty ``params``; the decoded JSON."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        async with self._client() as client:
            return self._check(await client.get(API + path, params=query))

    async def items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list (``{items, total, limit, offset}``)."""
        out: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = await self.get(path, limit=PAGE, offset=offset, **params)
            items = page.get("items", []) if isinstance(page, dict) else list(page)
            out.extend(items)
            total = page.get("total") if isinstance(page, dict) else None
            if not items or total is None or len(out) >= int(total) or len(items) < PAGE:
                return out
            offset += len(items)

    async def post_file(
        self,
        path: str,
        filename: str,
        content: bytes,
        fields: dict[str, str],
        cookies: dict[str, str] | None = None,
    ) -> Any:
        """``POST`` a multipart upload (``file`` plus form ``fields``), as the visitor whose
        login ``cookies`` are given."""
        async with self._client() as client:
            client.cookies.update({k: v for k, v in (cookies or {}).items() if v})
            resp = await client.post(
                API + path,
                files={"file": (filename, content, "application/octet-stream")},
                data={k: v for k, v in fields.items() if v},
            )
            return self._check(resp)


def names(items: list[dict[str, Any]]) -> dict[str, str]:
    """``code -> name`` from a ``/regions`` or ``/activities`` list (the code where no name)."""
    return {str(i["code"]): (i.get("name") or str(i["code"])) for i in items}
