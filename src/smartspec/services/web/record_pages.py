"""What the domains' record pages share: pages that read records and change them with forms.

The registry, the organisation registry, monitoring and peer review each have pages that show
records and forms that change them. They answer alike, and :class:`RecordPages` is that one
way, which their page classes extend:

* a service call runs in a worker thread (:meth:`RecordPages.run`; the services are
  synchronous);
* a service error becomes the dashboard's error page in the page language
  (:meth:`RecordPages.fail`), or the login page when an anonymous reader of a private
  platform gets 401 and the page says where to come back to;
* a page is rendered with the domain's names translated (:attr:`RecordPages.NAMES`), the
  confirmation of the last change (``?done=`` a key of :attr:`RecordPages.DONE`), a date
  formatter ``when`` and ``Cache-Control: no-store`` (live records are never cached);
* a posted form is checked in this order: the CSRF token (403 without a valid one, before
  anything else), the login (a redirect to ``/login?next=<back>`` without one), then the grant
  (:meth:`RecordPages.may_write`, by default the editors of the region and administrators); the
  service checks again whatever it is asked to do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

from babel.dates import format_datetime
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.pages import login_url
from smartspec.domains.accounts.rules import Account, can_edit_region, require_role
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.services.api.security import CSRF_FIELD

from .i18n import Formatter, translations

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

    from .pages_base import DashboardBase

__all__ = ["Names", "RecordPages", "Signed"]

#: A posted form with its sender: the account, or the answer that stops the request (the CSRF
#: refusal, the redirect to the login page, the 403 page).
Signed = tuple[Any, Account | Response]
#: Name tables by context variable (:attr:`RecordPages.NAMES`).
Names = Mapping[str, Mapping[str, str]]


class RecordPages:
    """The shared part of one domain's record pages on one dashboard.

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose services the pages call.
    """

    #: The names the domain's templates show, by context variable: ``{"state_names": {"draft":
    #: N_("Draft"), ...}}``; each is passed to the templates translated.
    NAMES: ClassVar[Names] = {}
    #: The confirmations of a change, by the ``?done=`` key the redirect after it carries.
    DONE: ClassVar[Mapping[str, str]] = {}

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        self.board = board
        self.app = app

    @classmethod
    def made_for(cls, api: FastAPI, dashboard: DashboardBase) -> Self | None:
        """The pages of ``api``'s application (its ``state.smartspec``), or ``None`` for an API
        built without one (it gets no pages): what a domain's pages hook starts with."""
        app = getattr(api.state, "smartspec", None)
        return None if app is None else cls(dashboard, app)

    # ------------------------------------------------------------------ calls and errors
    async def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in a worker thread (the services are synchronous)."""
        return await run_in_threadpool(func, *args, **kwargs)

    def error(self, request: Request, exc: SmartSpecError) -> tuple[int, dict[str, Any], str]:
        """A service error's status, error object (in the page language) and title."""
        return self.board.service_error(request, exc)

    def fail(self, request: Request, exc: SmartSpecError, back: str | None = None) -> Response:
        """The error page of a service error; the login page (coming back to ``back``) when
        ``exc`` asks for a login and ``back`` is given."""
        if isinstance(exc, AuthenticationRequiredError) and back is not None:
            return RedirectResponse(login_url(back), status_code=303)
        return self.board.fail(request, exc)

    # ------------------------------------------------------------------ rendering
    def names(self, request: Request) -> dict[str, Any]:
        """The context every template of the domain gets: :attr:`NAMES` translated, the
        confirmation of the last change (``done``) and the date formatter ``when``."""
        lang = self.board.language(request)
        tr = translations(lang)
        key = request.query_params.get("done", "")
        locale = Formatter(lang).locale

        def when(at: datetime | None) -> str:
            return format_datetime(at, format="medium", locale=locale) if at else "–"

        context: dict[str, Any] = {
            name: {k: tr.gettext(v) for k, v in texts.items()} for name, texts in self.NAMES.items()
        }
        context["done"] = tr.gettext(self.DONE[key]) if key in self.DONE else None
        context["when"] = when
        return context

    def render(self, request: Request, template: str, **context: Any) -> Response:
        """``template`` rendered with :meth:`names` and ``context``, never cached."""
        response = self.board.render(request, template, **{**self.names(request), **context})
        response.headers["Cache-Control"] = "no-store"  # live records, never cached
        return response

    # ------------------------------------------------------------------ forms
    @staticmethod
    def refused(request: Request, form: Any) -> Response | None:
        """The 403 answer of a form without a valid CSRF token, else ``None``."""
        refusal: Response | None = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        return refusal

    def may_write(self, who: Account, region: str | None, action: str, **rule: Any) -> None:
        """Nothing when ``who`` may do ``action`` on ``region``'s records (on any region's when
        ``None``: editors and administrators); else :class:`ForbiddenError`. Domains with
        other rules override it."""
        if region is None:
            require_role(who, ("admin", "editor"), action)
        elif not can_edit_region(who, region):
            raise ForbiddenError(
                f"{action} for region {region!r} is not allowed to the account {who.name!r}",
                expected="an administrator, or an editor granted this region",
                found=f"role {who.role}, regions granted: "
                + (", ".join(sorted(who.regions)) or "none"),
                fix="ask an administrator to grant the region",
            )

    def writer(
        self, request: Request, back: str, region: str | None, action: str, **rule: Any
    ) -> Account | Response:
        """The signed-in account that may write (:meth:`may_write`, given ``rule`` too); else
        a redirect to the login page (coming back to ``back``), or the 403 error page."""
        who = self.board.page_account(request)
        if who is None:
            return RedirectResponse(login_url(back), status_code=303)
        try:
            self.may_write(who, region, action, **rule)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        return who

    async def posted(
        self, request: Request, back: str, region: str | None, action: str, **rule: Any
    ) -> Signed:
        """A posted form and its writer: the CSRF token first, then the login and the grant."""
        form = await request.form()
        refused = self.refused(request, form)
        if refused is not None:
            return form, refused
        return form, self.writer(request, back, region, action, **rule)

    async def signed_post(self, request: Request, back: str) -> Signed:
        """A posted form and its signed-in sender, the grant left to the service: the CSRF
        token first, then the login (a redirect to the login page without one)."""
        form = await request.form()
        refused = self.refused(request, form)
        if refused is not None:
            return form, refused
        who = self.board.page_account(request)
        if who is None:
            return form, RedirectResponse(login_url(back), status_code=303)
        return form, who
