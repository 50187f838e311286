"""What the monitoring pages share: the names of statuses, kinds and origins in the page
language, rendering, error pages, and the checks of a write (CSRF token, login, grant).

The pages themselves are in :mod:`.pages` (reading), :mod:`.pages_forms` (the forms of an
editor) and :mod:`.pages_evaluation` (the difference-in-differences page).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.pages import login_url
from smartspec.domains.accounts.rules import Account, can_edit_region
from smartspec.domains.errors import ForbiddenError
from smartspec.services.api.security import CSRF_FIELD
from smartspec.services.web.data import ApiError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import ERROR_TITLES, localised

from . import charts
from .progress import AT_RISK, ON_TRACK

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = [
    "DONE",
    "KIND_NAMES",
    "MAX_ID",
    "ORIGIN_NAMES",
    "STATUS_NAMES",
    "TARGET_KINDS",
    "MonitoringBase",
    "field",
    "number",
    "to_dict",
]

#: The statuses of :func:`.progress.assess` in the page language.
STATUS_NAMES = {
    "on track": N_("on track"),
    "at risk": N_("at risk"),
    "off track": N_("off track"),
    "not assessable": N_("not assessable"),
}
#: The kinds of indicator.
KIND_NAMES = {
    "output": N_("output indicator"),
    "result": N_("result indicator"),
    "context": N_("context indicator"),
}
#: Where a recorded value came from.
ORIGIN_NAMES = {
    "manual": N_("entered by hand"),
    "import": N_("imported from a file"),
    "computed": N_("computed from a dataset"),
}
#: The kinds of a point of the target trajectory.
TARGET_KINDS = {"milestone": N_("interim milestone"), "target": N_("final target")}
#: What a finished change says on the page it returns to (``?done=<key>``).
DONE = {
    "objective": N_("The objective is added."),
    "action": N_("The action is added."),
    "indicator": N_("The indicator is added."),
    "starter": N_("The starter indicators you chose are added."),
    "value": N_("The value is saved."),
    "value-deleted": N_("The value is deleted."),
    "targets": N_("The milestones and the target are saved."),
    "indicator-deleted": N_("The indicator is deleted."),
}
#: The title of a refused form's error box when the error has no title of its own.
NOT_SAVED = N_("It was not saved")
#: Largest record id (the API's bound); a larger one is unknown.
MAX_ID = 2**31


def field(form: Any, key: str, limit: int = 5000) -> str:
    """A text field of a form (``""`` when absent, a file, or longer than ``limit``)."""
    value = form.get(key) if form is not None else None
    return value.strip() if isinstance(value, str) and len(value) <= limit else ""


def number(text: str) -> float | None:
    """A number typed in a form: a decimal comma or point, spaces as group separators, and
    with both a comma and a point, the last of them as the decimal mark; ``None`` for a blank
    or an unreadable one.

    >>> number("1 234,5"), number("12.5"), number("1.500.000,25"), number("1,500.5")
    (1234.5, 12.5, 1500000.25, 1500.5)
    >>> number(""), number("abc")
    (None, None)
    """
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        group = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(group, "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def to_dict(view: Any) -> Any:
    """A service answer as plain data (views have ``to_dict()``; lists and dicts recurse)."""
    if hasattr(view, "to_dict"):
        return view.to_dict()
    if isinstance(view, list | tuple):
        return [to_dict(v) for v in view]
    if isinstance(view, dict):
        return {k: to_dict(v) for k, v in view.items()}
    return view


class MonitoringBase:
    """The shared part of the monitoring pages of one dashboard.

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose monitoring service they call.
    """

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        from .actions import monitoring_of

        self.board = board
        self.app = app
        self.monitoring = monitoring_of(app)

    # ------------------------------------------------------------------ calls, errors
    async def _run(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in a worker thread (the services are synchronous)."""
        return await run_in_threadpool(func, *args, **kwargs)

    def _error(self, request: Request, exc: SmartSpecError) -> tuple[int, dict[str, Any]]:
        """A service error's status and error object (its meaning in the page language)."""
        from smartspec.services.api.errors import error_body
        from smartspec.services.api.security import server_paths

        tr = translations(self.board.language(request))
        status, body = error_body(exc, server_paths(request.app))
        return status, localised(body, tr)

    def _fail(self, request: Request, exc: SmartSpecError) -> Response:
        """The error page of a service error."""
        status, body = self._error(request, exc)
        return self.board.error(request, ApiError(status, body))

    def _form_error(self, request: Request, exc: SmartSpecError) -> dict[str, Any]:
        """A refused form's error box: status, error object, title."""
        tr = translations(self.board.language(request))
        status, body = self._error(request, exc)
        title = tr.gettext(ERROR_TITLES.get(str(body.get("type")), NOT_SAVED))
        return {"status": status, "error": body, "title": title}

    # ------------------------------------------------------------------ rendering
    def names(self, request: Request) -> dict[str, Any]:
        """The translated names every monitoring template uses."""
        tr = translations(self.board.language(request))
        return {
            "status_names": {k: tr.gettext(v) for k, v in STATUS_NAMES.items()},
            "status_icons": charts.STATUS_ICONS,
            "kind_names": {k: tr.gettext(v) for k, v in KIND_NAMES.items()},
            "origin_names": {k: tr.gettext(v) for k, v in ORIGIN_NAMES.items()},
            "target_kinds": {k: tr.gettext(v) for k, v in TARGET_KINDS.items()},
        }

    def rule_text(self, request: Request, progress: dict[str, Any] | None) -> str:
        """The rule behind an indicator's status, in words of the page language."""
        tr = translations(self.board.language(request))
        fmt = _formatter(self.board.language(request))
        if not progress or progress.get("status") in (None, "not assessable"):
            return tr.gettext(
                "Not assessable: it needs a baseline, a target and a value recorded after the "
                "baseline year."
            )
        achieved = progress.get("achievement")
        expected = progress.get("expected")
        thresholds = tr.gettext("on track from %(on)s, at risk from %(risk)s") % {
            "on": fmt.percent(ON_TRACK, 0),
            "risk": fmt.percent(AT_RISK, 0),
        }
        if achieved is None:
            return tr.gettext(
                "No change is planned by %(year)s: on track unless the value got worse than "
                "the baseline."
            ) % {"year": progress.get("year")}
        return tr.gettext(
            "%(share)s of the change planned by %(year)s (planned value %(expected)s); "
            "%(thresholds)s."
        ) % {
            "share": fmt.percent(achieved, 0),
            "year": progress.get("year"),
            "expected": fmt.auto(expected),
            "thresholds": thresholds,
        }

    def _render(self, request: Request, template: str, **context: Any) -> Response:
        tr = translations(self.board.language(request))
        key = request.query_params.get("done", "")
        response = self.board.render(
            request,
            template,
            done=tr.gettext(DONE[key]) if key in DONE else None,
            **self.names(request),
            **context,
        )
        response.headers["Cache-Control"] = "no-store"  # live records, never cached
        return response

    # ------------------------------------------------------------------ writes
    def _refused(self, request: Request, form: Any) -> Response | None:
        """The 403 answer of a form without a valid CSRF token, else ``None``."""
        refusal: Response | None = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        return refusal

    def _writer(self, request: Request, back: str, region: str, action: str) -> Account | Response:
        """The signed-in account that may change ``region``'s monitoring; else a redirect to
        the login page (coming back to ``back``), or the 403 error page."""
        who = self.board.page_account(request)
        if who is None:
            return RedirectResponse(login_url(back), status_code=303)
        if not can_edit_region(who, region):
            return self._fail(
                request,
                ForbiddenError(
                    f"{action} for region {region!r} is not allowed to the account {who.name!r}",
                    expected="an administrator, or an editor granted this region",
                    found=f"role {who.role}, regions granted: "
                    + (", ".join(sorted(who.regions)) or "none"),
                    fix="ask an administrator to grant the region",
                ),
            )
        return who

    async def _posted(self, request: Request) -> tuple[Any, Response | None]:
        """A posted form, and the refusal of its CSRF token (checked before anything else)."""
        form = await request.form()
        return form, self._refused(request, form)


def _formatter(lang: str) -> Any:
    from smartspec.services.web.i18n import Formatter

    return Formatter(lang)
