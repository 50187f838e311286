"""Same-origin protection without accounts: what keeps another web site out of the platform.

smartspec has no accounts yet, so whoever can reach the server can read every dataset and (unless
it is read-only) upload and delete. What a server without accounts can still refuse is a *web
page of another site* acting through the visitor's browser. :func:`install` adds, to the FastAPI
application of :func:`smartspec.services.api.create_api`, one ASGI layer outside every other
(:class:`SecurityMiddleware`) that

* answers **400** to a ``Host`` header that is not allowed (``allowed_hosts`` setting; the
  loopback names ``localhost``, ``127.0.0.1`` and ``[::1]`` always are), so that a page on
  ``attacker.example`` whose name is made to resolve to 127.0.0.1 (DNS rebinding) reads nothing;
* answers **403** to a state-changing request (POST, PUT, PATCH, DELETE) sent by a browser from
  another origin: ``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an ``Origin`` (else a
  ``Referer``) whose host and port are not the request's ``Host``. A request without any of these
  headers (curl, scripts) is not from a browser page and passes;
* answers **403** to every state-changing request when the ``read_only`` setting is on (but
  logging in and out);
* adds to every response, errors included: ``Content-Security-Policy`` (:data:`CSP`),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` and
  ``X-Frame-Options: DENY``.

The dashboard's upload form also carries a CSRF token (:class:`CsrfProtection`, a signed
double-submit token): a random value in a ``SameSite=Strict`` cookie and, in the form, its HMAC
under a secret key kept in the data folder (``<data_dir>/secret.key``, created once, so that
several workers on one data folder agree). Error answers never show server paths:
:func:`redact` reduces any path under the data folder to its file name.

Every refusal answers in the one error shape (:mod:`.errors`), or the error page for a browser.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request

from .errors import _render, error_response

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from smartspec.app import SmartSpecApp

__all__ = [
    "CSP",
    "CSP_DOCS",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "CsrfProtection",
    "SecurityMiddleware",
    "host_list",
    "install",
    "is_loopback",
    "load_secret",
    "redact",
    "server_paths",
]

#: Host names every server answers to (the in-process clients use ``localhost``).
LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")

#: Logging in and out: allowed on a read-only server (they change no data, and a private
#: read-only platform must still let its readers in).
SESSION_PATHS = frozenset({"/login", "/logout"})

#: Methods that change state: checked for their origin, refused when read-only.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: The Content-Security-Policy of every response. Everything from the server itself; no inline
#: script (the page passes its data in a ``<script type="application/json">`` block, which is not
#: executed), no ``eval`` and no inline style. Vega compiles its expressions with ``new
#: Function`` (it would need ``'unsafe-eval'``); the dashboard draws with vega-embed's
#: ``ast: true`` option instead, which evaluates them with the interpreter bundled in vega-embed.
#: The styles vega-embed and vega-tooltip would inject as ``<style>`` are in ``app.css``
#: (``defaultStyle: false``, ``disableDefaultStyle``); Vega's own styles are set through the DOM,
#: which the policy allows.
CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)

#: The policy of ``/api/docs``, a page built without the dashboard: its one ``<style>`` block
#: is inline (no script).
CSP_DOCS = CSP.replace(
    "default-src 'self';", "default-src 'self'; style-src 'self' 'unsafe-inline';"
)

#: Headers added to every response (unless the response sets them itself).
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

#: The cookie and the form field of the CSRF token.
CSRF_COOKIE = "smartspec_csrf"
CSRF_FIELD = "csrf_token"

#: Name of the secret key file in the data folder.
SECRET_FILE = "secret.key"

_COOKIE_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


# ---------------------------------------------------------------------------------- host names
def _bare(name: str) -> str:
    """A host name lower-cased, without the brackets of an IPv6 address or a trailing dot."""
    name = name.strip().lower().rstrip(".")
    return name[1:-1] if name.startswith("[") and name.endswith("]") else name


def host_list(value: str | Iterable[str] | None) -> list[str]:
    """Host names from a setting: comma- or space-separated text, or several such texts.

    Examples
    --------
    >>> host_list("example.org, [::1] *.lan")
    ['example.org', '::1', '*.lan']
    """
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else list(value)
    names = [_bare(n) for t in texts for n in re.split(r"[,\s]+", t) if n.strip()]
    return list(dict.fromkeys(n for n in names if n))


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    name = _bare(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _split_host(header: str) -> tuple[str, int | None]:
    """``(name, port)`` of a ``Host`` header (``[::1]:8000`` -> ``('::1', 8000)``)."""
    header = header.strip()
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            return "", None
        name, rest = header[1:end], header[end + 1 :]
        port = rest[1:] if rest.startswith(":") else ""
    elif header.count(":") == 1:
        name, port = header.split(":")
    else:
        name, port = header, ""
    if port and not port.isdigit():
        return "", None
    return _bare(name), (int(port) if port else None)


def _host_allowed(name: str, allowed: Iterable[str]) -> bool:
    for pattern in allowed:
        if pattern == "*" or pattern == name:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


# ---------------------------------------------------------------------------------- origins
def _origin_of(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an Origin or Referer value; ``None`` when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, _bare(parts.hostname), port or _DEFAULT_PORTS.get(scheme, 0)


def _cross_origin(headers: dict[str, str]) -> str | None:
    """Why a state-changing request comes from another origin, or ``None`` when it does not.

    A browser says where a request comes from (``Sec-Fetch-Site``, ``Origin``, ``Referer``);
    a request without any of these is not sent by a web page and passes.
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site: {site}"
    source = headers.get("origin")
    name = "Origin"
    if source is None and headers.get("referer"):
        source, name = headers["referer"], "Referer"
    if source is None:
        return None
    origin = _origin_of(source)
    if origin is None:
        return f"{name}: {source[:100]}"
    scheme, host, port = origin
    target, target_port = _split_host(headers.get("host", ""))
    if host != target or port != (target_port or _DEFAULT_PORTS.get(scheme, 0)):
        return f"{name}: {source[:100]}"
    return None


# ---------------------------------------------------------------------------------- the secret
def load_secret(data_dir: str | Path) -> bytes:
    """The secret key of a data folder (``<data_dir>/secret.key``), made once and then read.

    Several processes on one data folder agree: the key is written to a private temporary file
    and linked to its name only when no key is there yet, so the first one wins and every
    process reads the same bytes. The file is readable by its owner only.
    """
    path = Path(data_dir) / SECRET_FILE
    if not path.is_file():
        tmp = path.with_name(f".{SECRET_FILE}.{uuid.uuid4().hex}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"the secret key file {path} is damaged: delete it to make a new one")
    return key.encode()


# ---------------------------------------------------------------------------------- CSRF
class CsrfProtection:
    """Signed double-submit CSRF tokens for the dashboard's forms.

    The browser keeps a random value in the ``smartspec_csrf`` cookie (``HttpOnly``,
    ``SameSite=Strict``); the form carries ``HMAC-SHA256(secret, value)``. A page of another
    site can neither read the cookie nor compute the HMAC without the secret key, and a cookie
    planted from a sibling domain does not match a token the attacker can compute.

    Parameters
    ----------
    secret : bytes
        The key (:func:`load_secret`).
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def token_for(self, cookie: str) -> str:
        """The form token that goes with a cookie value."""
        return hmac.new(
            self._secret, b"smartspec-csrf:" + cookie.encode(), hashlib.sha256
        ).hexdigest()

    def issue(self, request: Request) -> tuple[str, str | None]:
        """The token for a form shown to this browser, and a new cookie value to set (``None``
        when the browser already has one)."""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        new = None
        if not _COOKIE_RE.match(cookie):
            cookie = new = secrets.token_urlsafe(32)
        return self.token_for(cookie), new

    @staticmethod
    def set_cookie(request: Request, response: Response, value: str | None) -> None:
        """Set the cookie made by :meth:`issue` on the response (nothing for ``None``)."""
        if value is not None:
            response.set_cookie(
                CSRF_COOKIE,
                value,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )

    def valid(self, request: Request, token: Any) -> bool:
        """Whether a submitted form's token matches the browser's cookie."""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not isinstance(token, str) or not _COOKIE_RE.match(cookie):
            return False
        return hmac.compare_digest(self.token_for(cookie), token.strip())

    def refusal(self, request: Request, token: Any) -> Response | None:
        """``None`` when the token is valid; else the 403 answer (an error page for a browser)."""
        if self.valid(request, token):
            return None
        return _render(
            request,
            error_response(
                403,
                "CsrfTokenError",
                "the form was not sent from this site's page, or the page is too old.",
                expected="the form's csrf_token field matching the smartspec_csrf cookie",
                found="no valid token" if token else "no token",
                where=f"{request.method} {request.url.path}",
                fix="open the form again on this server and send it from there (with cookies "
                "on); scripts use the JSON API",
            ),
        )


# ---------------------------------------------------------------------------------- redaction
def redact(text: str | None, roots: Iterable[str | Path]) -> str | None:
    """``text`` with every path under one of ``roots`` reduced to its file name.

    Examples
    --------
    >>> redact("cannot open '/srv/data/uploads/.staging/ab12/jobs.parquet'", ["/srv/data"])
    "cannot open 'jobs.parquet'"
    """
    if not text:
        return text
    for root in sorted(
        {str(r).rstrip("/") for r in roots if str(r) not in ("", "/")}, key=len, reverse=True
    ):
        text = re.sub(re.escape(root) + r"(?![^/\s'\"])(?P<rest>/[^\s'\"]*)?", _file_name, text)
    return text


def server_paths(api: Any) -> list[str]:
    """The folders whose paths error answers must not show: the data folder (as configured and
    resolved) of the application behind ``api``."""
    app = getattr(api.state, "smartspec", None)
    if app is None:
        return []
    data_dir = Path(app.data_dir)
    return list(dict.fromkeys([str(data_dir), str(data_dir.resolve())]))


def _file_name(match: re.Match[str]) -> str:
    rest = (match.group("rest") or "").strip("/")
    return rest.rsplit("/", 1)[-1] if rest else "<data folder>"


# ---------------------------------------------------------------------------------- middleware
class SecurityMiddleware:
    """The ASGI layer of :func:`install`: Host allow-list, origin check, read-only, headers.

    Parameters
    ----------
    app : ASGI application
        What it wraps (the whole FastAPI middleware stack).
    allowed_hosts : iterable of str
        Host names answered (besides :data:`LOOPBACK_HOSTS`); ``*.example.org`` allows the
        subdomains of ``example.org``, ``*`` any name.
    read_only : bool
        Refuse every state-changing request.
    """

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str], read_only: bool) -> None:
        self.app = app
        self.allowed = tuple(host_list([*LOOPBACK_HOSTS, *allowed_hosts]))
        self.read_only = read_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan (the platform has no websockets)
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                wanted = dict(SECURITY_HEADERS)
                if scope.get("path") == "/api/docs":
                    wanted["Content-Security-Policy"] = CSP_DOCS
                extra = [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in wanted.items()
                    if name.lower().encode("latin-1") not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        refusal = self._refusal(scope, receive)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, receive: Receive) -> Response | None:
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []
        }
        request = Request(scope, receive)
        where = f"{scope.get('method', 'GET')} {scope.get('path', '')}"
        host, _ = _split_host(headers.get("host", ""))
        if not host or not _host_allowed(host, self.allowed):
            return _render(
                request,
                error_response(
                    400,
                    "HostNotAllowedError",
                    "this server does not answer to that host name.",
                    expected="a host name this server is configured for (allowed_hosts setting)",
                    found=repr(headers.get("host", ""))[:120],
                    where="Host header",
                    fix="use the address smartspec serve printed, or start it with --allowed-host "
                    "NAME for the name you use",
                ),
            )
        if scope.get("method") not in UNSAFE_METHODS:
            return None
        reason = _cross_origin(headers)
        if reason is not None:
            return _render(
                request,
                error_response(
                    403,
                    "CrossOriginError",
                    "a request from another site's page cannot change anything here.",
                    expected="a request from this server's own pages, or without Origin (scripts)",
                    found=reason,
                    where=where,
                    fix="use the dashboard on this server, or call the API from a script",
                ),
            )
        if self.read_only and scope.get("path") not in SESSION_PATHS:
            return _render(
                request,
                error_response(
                    403,
                    "ReadOnlyError",
                    "this server is read-only: uploads and deletes are turned off.",
                    expected="GET requests",
                    found=scope.get("method"),
                    where=where,
                    fix="ask whoever runs it, or start smartspec serve without --read-only",
                ),
            )
        return None


def install(api: FastAPI, app: SmartSpecApp) -> None:
    """Protect ``api`` (see the module): wrap its whole middleware stack, errors included,
    in :class:`SecurityMiddleware`, and keep the CSRF protection on ``api.state.csrf``.

    Parameters
    ----------
    api : fastapi.FastAPI
        The application built by :func:`~smartspec.services.api.create_api`.
    app : SmartSpecApp
        Its settings (``allowed_hosts``, ``read_only``) and data folder (the secret key).
    """
    api.state.csrf = CsrfProtection(load_secret(app.data_dir))
    api.state.read_only = bool(app.settings.get("read_only"))
    allowed = host_list(app.settings.get("allowed_hosts"))
    build = api.build_middleware_stack

    def build_protected() -> ASGIApp:
        # outside ServerErrorMiddleware, so that a 500 answer carries the headers too
        return SecurityMiddleware(build(), allowed_hosts=allowed, read_only=api.state.read_only)

    api.build_middleware_stack = build_protected  # type: ignore[method-assign]
