"""The dashboard's only data source: the JSON API, called in-process.

Pages read exactly what ``/api/v1`` publishes (see ``docs/api.md``), through an
:class:`httpx.AsyncClient` bound to the same FastAPI application, so the dashboard and the API
can never disagree and the pages need nothing from the application object's internals.
"""

from __future__ import annotations

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
        self, path: str, filename: str, content: bytes, fields: dict[str, str]
    ) -> Any:
        """``POST`` a multipart upload (``file`` plus form ``fields``)."""
        async with self._client() as client:
            resp = await client.post(
                API + path,
                files={"file": (filename, content, "application/octet-stream")},
                data={k: v for k, v in fields.items() if v},
            )
            return self._check(resp)


def names(items: list[dict[str, Any]]) -> dict[str, str]:
    """``code -> name`` from a ``/regions`` or ``/activities`` list (the code where no name)."""
    return {str(i["code"]): (i.get("name") or str(i["code"])) for i in items}
