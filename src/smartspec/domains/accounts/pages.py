"""The dashboard pages of the accounts domain: logging in and out, one's account (password, API
tokens), and the administrators' user list; and the private platform's gate.

:func:`attach` is the domain's pages hook (``Domain(pages=...)``): it adds the routes to the
FastAPI application and :class:`PrivatePlatform`, which sends an anonymous visitor of any page
to the login page when the ``public_read`` setting is off. The pages render with the
dashboard's :class:`~smartspec.services.web.pages_base.DashboardBase` (its language, header and
error pages); the templates are in this package's ``templates/accounts/``.

Routes (none in the OpenAPI document; the JSON API of the same service is
:mod:`smartspec.domains.accounts.api`):

========================================= ===================================================
``GET  /login``, ``POST /login``          the login form; a new session on success, then
                                          a 303 to ``next`` (a local path only)
``POST /logout``                          ends the session, deletes its cookie
``GET  /account``                         name, role, regions; password and token forms
``POST /account/password``                change one's password (current one required)
``POST /account/tokens``                  create a token: its secret is shown this once
``POST /account/tokens/{id}/revoke``      revoke one of one's tokens
``GET  /admin/users``, ``POST /admin/users`` users, the add-user form, the account log
``POST /admin/users/{name}/grant``        set the role, add regions (administrators)
``POST /admin/users/{name}/revoke``       take regions, deactivate (administrators)
========================================= ===================================================

Every form carries a CSRF token (:class:`~smartspec.services.api.security.CsrfProtection`) and
every POST checks it before anything else, the login included. A page that needs an account
sends an anonymous visitor to ``/login?next=<page>``; one its role does not allow answers the
error page with 403.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.domains.errors import AuthenticationRequiredError, TooManyAttemptsError
from smartspec.services.api.deps import SESSION_COOKIE, current_account
from smartspec.services.api.security import CSRF_FIELD
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import PageRoute, add_pages

from .rules import ROLES, Account, require_role
from .service import MAX_PASSWORD, MIN_PASSWORD

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Receive, Scope, Send

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["AccountPages", "PrivatePlatform", "attach", "local_path", "login_url"]

#: What a finished change says on the page it returns to (``?done=<key>``).
DONE = {
    "password": N_("Your password is changed. Your other sessions have ended."),
    "revoked": N_("The token is revoked: it no longer works."),
    "added": N_("The user is added."),
    "granted": N_("The user's role and regions are saved."),
    "revoked-user": N_("The regions are taken away and the account changed as asked."),
}

#: Paths every visitor reaches on a private platform (the API checks its reads itself).
OPEN_PAGES = ("/login", "/logout")
OPEN_PREFIXES = ("/static/", "/api/")

_SPLIT = re.compile(r"[\s,;]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def local_path(value: Any) -> str:
    """``value`` when it is a path of this site (``/...``, not ``//host`` nor ``/\\host``, no
    control character), else ``"/"``: where a login may send the browser (no open redirect).

    Examples
    --------
    >>> local_path("/datasets/x?period=2020"), local_path("//evil.example"), local_path("https://e")
    ('/datasets/x?period=2020', '/', '/')
    >>> local_path("/\\\\evil.example"), local_path("/login"), local_path(None)
    ('/', '/', '/')
    """
    text = value if isinstance(value, str) else ""
    if (
        not text.startswith("/")
        or text.startswith("//")
        or _CONTROL.search(text)
        or len(text) > 2000
        or text.split("?", 1)[0] in OPEN_PAGES
    ):
        return "/"
    return text


def login_url(target: str) -> str:
    """The login page's address that comes back to ``target`` (a local path) afterwards.

    >>> login_url("/account")
    '/login?next=%2Faccount'
    >>> login_url("/")
    '/login'
    """
    target = local_path(target)
    return "/login" if target == "/" else "/login?" + urlencode({"next": target})


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _field(form: Any, key: str, limit: int = 2000) -> str:
    """A text field of a submitted form (``""`` when absent or a file), at most ``limit``
    characters (longer: ``""``, which every form then refuses as missing)."""
    value = form.get(key)
    if not isinstance(value, str) or len(value) > limit:
        return ""
    return value


def _codes(text: str) -> list[str]:
    """Region codes typed in a field, separated by commas, semicolons or spaces."""
    return [c for c in _SPLIT.split(text.strip()) if c]


# ---------------------------------------------------------------------------- the gate
class PrivatePlatform:
    """The ASGI layer that keeps a private platform's pages for signed-in accounts.

    When the ``public_read`` setting is off, an anonymous request for any page (every path but
    ``/login``, ``/logout``, ``/static/`` and the API, which refuses anonymous reads itself with
    401) is answered 303 to ``/login?next=<path>``: once, for the pages of every domain. It also
    reads the login of any request that carries one, off the event loop, so that the page
    renders its header without a database call of its own.

    Parameters
    ----------
    app : ASGI application
        What it wraps.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope["type"] != "http"
            or path in OPEN_PAGES
            or path == "/api"
            or path.startswith(OPEN_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        smartspec = getattr(request.app.state, "smartspec", None)
        public = smartspec is None or bool(smartspec.settings.get("public_read", True))
        signed = SESSION_COOKIE in request.cookies or "authorization" in request.headers
        account = await run_in_threadpool(_account, request) if signed else None
        if not public and account is None:
            response = RedirectResponse(login_url(_here(request)), status_code=303)
            response.headers["Cache-Control"] = "no-store"
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _account(request: Request) -> Account | None:
    try:
        return current_account(request)
    except AuthenticationRequiredError:  # a bad bearer header: the page is anonymous
        return None


# ---------------------------------------------------------------------------- the pages
class AccountPages:
    """The accounts pages of one dashboard.

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose :attr:`~smartspec.app.SmartSpecApp.accounts` they call.
    """

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        self.board = board
        self.app = app

    # ------------------------------------------------------------------ shared
    def _refused(self, request: Request, form: Any) -> Response | None:
        """The 403 answer of a form without a valid CSRF token, else ``None``."""
        refusal: Response | None = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        return refusal

    def _done(self, request: Request) -> str | None:
        key = request.query_params.get("done", "")
        return (
            translations(self.board.language(request)).gettext(DONE[key]) if key in DONE else None
        )

    def _session_cookie(self, request: Request, response: Response, value: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=max(60, int(self.app.accounts.session_hours * 3600)),
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    @staticmethod
    def _no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response

    # ------------------------------------------------------------------ login, logout
    def login_page(
        self,
        request: Request,
        *,
        status: int = 200,
        problem: str | None = None,
        name: str = "",
        target: str = "/",
        retry_after: float | None = None,
    ) -> Response:
        """The login form (``problem``: ``"wrong"``, ``"locked"``, ``"missing"``); never with
        the password typed."""
        response = self.board.render(
            request,
            "accounts/login.html",
            status=status,
            csrf_token=self.board.csrf_token(request),
            next=target,
            name=name,
            problem=problem,
            minutes=max(1, math.ceil((retry_after or 60) / 60)),
            public_read=bool(self.app.settings.get("public_read", True)),
        )
        if retry_after is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return self._no_store(response)

    async def login_form(self, request: Request) -> Response:
        """``GET /login``."""
        return self.login_page(request, target=local_path(request.query_params.get("next")))

    async def login(self, request: Request) -> Response:
        """``POST /login``: check the name and password, start a new session, go to ``next``."""
        form = await request.form()
        refused = self._refused(request, form)
        if refused is not None:
            return refused
        name = _field(form, "name", 80).strip()
        password = _field(form, "password", MAX_PASSWORD)
        target = local_path(form.get("next"))
        if not name or not password:
            return self.login_page(request, status=400, problem="missing", name=name, target=target)
        address = request.client.host if request.client else "-"
        accounts = self.app.accounts
        try:
            account = await run_in_threadpool(
                accounts.authenticate, name, password, address=address
            )
        except TooManyAttemptsError as exc:
            return self.login_page(
                request,
                status=429,
                problem="locked",
                name=name,
                target=target,
                retry_after=exc.retry_after,
            )
        except AuthenticationRequiredError:
            return self.login_page(request, status=401, problem="wrong", name=name, target=target)
        old = request.cookies.get(SESSION_COOKIE)
        if old:  # never keep a session value that was there before the login
            await run_in_threadpool(accounts.end_session, old)
        value = await run_in_threadpool(accounts.start_session, account)
        response = RedirectResponse(target, status_code=303)
        self._session_cookie(request, response, value)
        return self._no_store(response)

    async def logout(self, request: Request) -> Response:
        """``POST /logout``: end the session and delete its cookie."""
        form = await request.form()
        refused = self._refused(request, form)
        if refused is not None:
            return refused
        await run_in_threadpool(self.app.accounts.end_session, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(
            SESSION_COOKIE,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return self._no_store(response)

    # ------------------------------------------------------------------ one's account
    async def account_page(
        self,
        request: Request,
        who: Account,
        *,
        status: int = 200,
        error: SmartSpecError | dict[str, Any] | None = None,
    ) -> Response:
        """The account page of ``who``, with an error box when a change failed."""
        accounts = self.app.accounts
        user = await run_in_threadpool(accounts.get_user, who, who.name)
        tokens = await run_in_threadpool(accounts.list_tokens, who, who.name)
        context: dict[str, Any] = {"error": None, "error_title": None}
        if isinstance(error, SmartSpecError):
            status, body, title = self.board.service_error(request, error)
            context.update(error=body, error_title=title)
        elif error is not None:
            tr = translations(self.board.language(request))
            context.update(error=error, error_title=tr.gettext("The change was not made"))
        response = self.board.render(
            request,
            "accounts/account.html",
            status=status,
            user=user,
            tokens=tokens,
            done=self._done(request),
            min_password=MIN_PASSWORD,
            csrf_token=self.board.csrf_token(request),
            **context,
        )
        return self._no_store(response)

    async def account(self, request: Request) -> Response:
        """``GET /account``."""
        who = self.board.page_account(request)
        if who is None:
            return RedirectResponse(login_url("/account"), status_code=303)
        return await self.account_page(request, who)

    async def _signed_form(self, request: Request, back: str) -> tuple[Any, Account | Response]:
        """The submitted form and its account, or the answer that ends the request: 403 for
        a missing CSRF token, a redirect to the login page for an anonymous visitor."""
        form = await request.form()
        refused = self._refused(request, form)
        if refused is not None:
            return form, refused
        who = self.board.page_account(request)
        if who is None:
            return form, RedirectResponse(login_url(back), status_code=303)
        return form, who

    async def change_password(self, request: Request) -> Response:
        """``POST /account/password``: the current password, the new one twice."""
        form, who = await self._signed_form(request, "/account")
        if not isinstance(who, Account):
            return who
        current = _field(form, "current", MAX_PASSWORD)
        new = _field(form, "new", MAX_PASSWORD)
        tr = translations(self.board.language(request))
        if new != _field(form, "repeat", MAX_PASSWORD):
            problem = {
                "local": True,
                "message": tr.gettext("The two new passwords differ: type the same one twice."),
            }
            return await self.account_page(request, who, status=400, error=problem)
        accounts = self.app.accounts
        address = request.client.host if request.client else "-"
        try:  # the current password, for administrators too (a session left open is not enough)
            await run_in_threadpool(accounts.authenticate, who.name, current, address=address)
        except AuthenticationRequiredError:
            problem = {"local": True, "message": tr.gettext("The current password is wrong.")}
            return await self.account_page(request, who, status=400, error=problem)
        except TooManyAttemptsError as exc:
            return await self.account_page(request, who, error=exc)
        try:
            await run_in_threadpool(accounts.set_password, who, who.name, new, current=current)
        except SmartSpecError as exc:
            return await self.account_page(request, who, error=exc)
        value = await run_in_threadpool(accounts.start_session, who)  # every session ended
        response = RedirectResponse("/account?done=password", status_code=303)
        self._session_cookie(request, response, value)
        return self._no_store(response)

    async def create_token(self, request: Request) -> Response:
        """``POST /account/tokens``: a new token, its secret on this page only."""
        form, who = await self._signed_form(request, "/account")
        if not isinstance(who, Account):
            return who
        try:
            view, secret = await run_in_threadpool(
                self.app.accounts.create_token, who, who.name, _field(form, "label", 200)
            )
        except SmartSpecError as exc:
            return await self.account_page(request, who, error=exc)
        response = self.board.render(
            request, "accounts/token_created.html", token=view, secret=secret
        )
        return self._no_store(response)

    async def revoke_token(self, request: Request, token_id: str) -> Response:
        """``POST /account/tokens/{token_id}/revoke``."""
        _form, who = await self._signed_form(request, "/account")
        if not isinstance(who, Account):
            return who
        try:
            await run_in_threadpool(self.app.accounts.revoke_token, who, token_id[:120])
        except SmartSpecError as exc:
            return await self.account_page(request, who, error=exc)
        return RedirectResponse("/account?done=revoked#tokens", status_code=303)

    # ------------------------------------------------------------------ administrators
    async def users_page(
        self,
        request: Request,
        who: Account,
        *,
        error: SmartSpecError | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        """The user list, the add-user form and the account log (administrators; else 403)."""
        accounts = self.app.accounts
        try:
            require_role(who, ["admin"], "managing users")
            users = await run_in_threadpool(accounts.list_users, who)
            events = await run_in_threadpool(accounts.events, who)
        except SmartSpecError as exc:
            return self.board.fail(request, exc)
        status = 200
        context: dict[str, Any] = {"error": None, "error_title": None}
        if error is not None:
            status, body, title = self.board.service_error(request, error)
            context = {"error": body, "error_title": title}
        response = self.board.render(
            request,
            "accounts/users.html",
            status=status,
            users=users,
            events=events,
            roles=ROLES,
            form=form or {},
            done=self._done(request),
            min_password=MIN_PASSWORD,
            csrf_token=self.board.csrf_token(request),
            **context,
        )
        return self._no_store(response)

    async def users(self, request: Request) -> Response:
        """``GET /admin/users``."""
        who = self.board.page_account(request)
        if who is None:
            return RedirectResponse(login_url("/admin/users"), status_code=303)
        return await self.users_page(request, who)

    async def add_user(self, request: Request) -> Response:
        """``POST /admin/users``: name, role, regions, password."""
        form, who = await self._signed_form(request, "/admin/users")
        if not isinstance(who, Account):
            return who
        fields = {k: _field(form, k, 2000).strip() for k in ("name", "role", "regions")}
        try:
            require_role(who, ["admin"], "adding a user")
            await run_in_threadpool(
                self.app.accounts.add_user,
                who,
                fields["name"],
                fields["role"],
                _field(form, "password", MAX_PASSWORD),
                _codes(fields["regions"]),
            )
        except SmartSpecError as exc:
            if exc.code == "forbidden":
                return self.board.fail(request, exc)
            return await self.users_page(request, who, error=exc, form=fields)
        return RedirectResponse("/admin/users?done=added", status_code=303)

    async def grant(self, request: Request, name: str) -> Response:
        """``POST /admin/users/{name}/grant``: the role, regions to add."""
        form, who = await self._signed_form(request, "/admin/users")
        if not isinstance(who, Account):
            return who
        role = _field(form, "role", 20).strip() or None
        try:
            require_role(who, ["admin"], "granting roles or regions")
            await run_in_threadpool(
                self.app.accounts.grant,
                who,
                name,
                role=role,
                regions=_codes(_field(form, "regions")),
            )
        except SmartSpecError as exc:
            if exc.code == "forbidden":
                return self.board.fail(request, exc)
            return await self.users_page(request, who, error=exc)
        return RedirectResponse("/admin/users?done=granted", status_code=303)

    async def revoke(self, request: Request, name: str) -> Response:
        """``POST /admin/users/{name}/revoke``: regions to take away, deactivation."""
        form, who = await self._signed_form(request, "/admin/users")
        if not isinstance(who, Account):
            return who
        try:
            require_role(who, ["admin"], "revoking grants")
            await run_in_threadpool(
                self.app.accounts.revoke,
                who,
                name,
                regions=_codes(_field(form, "regions")),
                deactivate=_field(form, "deactivate") == "1",
            )
        except SmartSpecError as exc:
            if exc.code == "forbidden":
                return self.board.fail(request, exc)
            return await self.users_page(request, who, error=exc)
        return RedirectResponse("/admin/users?done=revoked-user", status_code=303)


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the accounts pages to ``api`` and the private platform's gate
    (:class:`PrivatePlatform`); the domain's pages hook (``Domain(pages=...)``).

    Parameters
    ----------
    api : fastapi.FastAPI
        The application built by :func:`smartspec.services.api.create_api` (its
        ``state.smartspec`` is the :class:`~smartspec.app.SmartSpecApp`).
    dashboard : DashboardBase
        The dashboard whose rendering the pages use.
    """
    app = getattr(api.state, "smartspec", None)
    if app is None:
        return
    pages = AccountPages(dashboard, app)
    api.state.account_pages = pages
    routes: list[PageRoute] = [
        ("/login", pages.login_form, ["GET"]),
        ("/login", pages.login, ["POST"]),
        ("/logout", pages.logout, ["POST"]),
        ("/account", pages.account, ["GET"]),
        ("/account/password", pages.change_password, ["POST"]),
        ("/account/tokens", pages.create_token, ["POST"]),
        ("/account/tokens/{token_id}/revoke", pages.revoke_token, ["POST"]),
        ("/admin/users", pages.users, ["GET"]),
        ("/admin/users", pages.add_user, ["POST"]),
        ("/admin/users/{name}/grant", pages.grant, ["POST"]),
        ("/admin/users/{name}/revoke", pages.revoke, ["POST"]),
    ]
    add_pages(api, routes)
    api.add_middleware(PrivatePlatform)
