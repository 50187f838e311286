"""Answers of GET requests kept in memory, so that a warm platform serves repeated pages and API
reads without computing or rendering them again.

A request with an ``Authorization`` header or a login session is never answered from memory nor
kept (what it sees depends on who asks). A response is kept when it is a 200 without
``Set-Cookie`` or ``Cache-Control: no-store`` (the status of a background job) and at most
``MAX_ENTRY`` bytes. The
key is the path and query, the cookies (the page language, a form's token: nothing rendered for
one visitor reaches another), ``Accept-Language``, whether HTML or JSON was asked for, the
``Host``, and the catalogue's stamp: any change
of the datasets (an upload or a delete in this process, or in another process on the same
database, seen within ``STAMP_TTL`` seconds) starts a new generation, so no stale answer is
served after a change. The memory held is bounded (``max_bytes``, least recently used dropped).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from smartspec.store.cache import LRUCache

from .deps import SESSION_COOKIE

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from smartspec.app import SmartSpecApp

__all__ = ["ResponseCache"]

#: Largest answer kept (bytes); file downloads are larger and computed per request.
MAX_ENTRY = 4 * 2**20
#: Most answers kept (the byte bound usually binds first).
MAX_ENTRIES = 100_000
#: Seconds between two reads of the catalogue's stamp from the database.
STAMP_TTL = 2.0


class ResponseCache:
    """ASGI middleware: serve repeated GET answers from memory (see the module docstring)."""

    def __init__(self, app: ASGIApp, smartspec: SmartSpecApp, max_bytes: int) -> None:
        self.app = app
        self.smartspec = smartspec
        self.max_bytes = max_bytes
        self.entries = LRUCache(MAX_ENTRIES, max_bytes=max_bytes)
        self._generation = 0
        self._stamp: tuple[Any, ...] | None = None
        self._stamp_read = 0.0

    def _catalogue(self) -> tuple[Any, ...]:
        now = time.monotonic()
        if self._stamp is None or now - self._stamp_read > STAMP_TTL:
            self._stamp = self.smartspec.store.stamp()
            self._stamp_read = now
        return (self._generation, self.smartspec.generation, self._stamp)

    def _changed(self) -> None:
        self._generation += 1
        self.entries.evict(lambda _: True)
        self._stamp = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET":
            status: list[int] = []

            async def watch(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status.append(message["status"])
                await send(message)

            try:
                await self.app(scope, receive, watch)
            finally:
                if scope["method"] not in ("HEAD", "OPTIONS") and (not status or status[0] < 400):
                    self._changed()
            return
        if scope.get("path", "").startswith("/static/") or self._personal(scope):
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        hit = self.entries.peek(key)
        if hit is not None:
            start, body = hit
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)
            await send(message)

        await self.app(scope, receive, capture)
        self._keep(key, captured)

    @staticmethod
    def _personal(scope: Scope) -> bool:
        """Whether a request is someone's (a bearer token, a login session): its answer may
        depend on who asks and on grants changed in another process, so it is never kept."""
        headers = dict(scope.get("headers") or [])
        return b"authorization" in headers or SESSION_COOKIE.encode() in headers.get(b"cookie", b"")

    def _key(self, scope: Scope) -> tuple[Any, ...]:
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"")
        # the whole Cookie header: the language, and anything a page may render per visitor
        # (a form's CSRF token) never crosses from one visitor to another
        return (
            scope.get("path"),
            scope.get("query_string", b""),
            headers.get(b"cookie", b""),
            headers.get(b"accept-language", b""),
            b"text/html" in accept,
            headers.get(b"host"),
            self._catalogue(),
        )

    def _keep(self, key: tuple[Any, ...], messages: list[Message]) -> None:
        if not messages or messages[0]["type"] != "http.response.start":
            return
        start = messages[0]
        if start["status"] != 200 or any(
            k.lower() == b"set-cookie" or (k.lower() == b"cache-control" and b"no-store" in v)
            for k, v in start["headers"]
        ):
            return
        parts = [m for m in messages[1:] if m["type"] == "http.response.body"]
        if not parts or parts[-1].get("more_body", False):
            return
        body = b"".join(m.get("body", b"") for m in parts)
        if len(body) > MAX_ENTRY:
            return
        if key[-1] != self._catalogue():  # the catalogue changed meanwhile
            return
        self.entries.put(key, ({**start, "headers": list(start["headers"])}, body))
