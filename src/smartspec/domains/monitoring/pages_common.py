"""What the monitoring pages share: the names of statuses, kinds and origins in the page
language, rendering, error pages, and the checks of a write (CSRF token, login, grant).

The pages themselves are in :mod:`.pages` (reading), :mod:`.pages_forms` (the forms of an
editor) and :mod:`.pages_evaluation` (the difference-in-differences page).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from fastapi import Request

from smartspec.core.errors import SmartSpecError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import ERROR_TITLES
from smartspec.services.web.record_pages import Names, RecordPages

from . import charts
from .pages_names import KIND_NAMES, ORIGIN_NAMES, STATUS_NAMES, TARGET_KINDS
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


class MonitoringBase(RecordPages):
    """The shared part of the monitoring pages of one dashboard (and of every domain's record
    pages: :class:`RecordPages`).

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose monitoring service they call.
    """

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        from .actions import monitoring_of

        super().__init__(board, app)
        self.monitoring = monitoring_of(app)

    NAMES: ClassVar[Names] = {
        "status_names": STATUS_NAMES,
        "kind_names": KIND_NAMES,
        "origin_names": ORIGIN_NAMES,
        "target_kinds": TARGET_KINDS,
    }
    DONE = DONE

    # ------------------------------------------------------------------ calls, errors
    def _form_error(self, request: Request, exc: SmartSpecError) -> dict[str, Any]:
        """A refused form's error box: status, error object, title."""
        tr = translations(self.board.language(request))
        status, body, _ = self.error(request, exc)
        title = tr.gettext(ERROR_TITLES.get(str(body.get("type")), NOT_SAVED))
        return {"status": status, "error": body, "title": title}

    # ------------------------------------------------------------------ rendering
    def names(self, request: Request) -> dict[str, Any]:
        """The translated names every monitoring template uses, and the status icons."""
        return {**super().names(request), "status_icons": charts.STATUS_ICONS}

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

    # ------------------------------------------------------------------ writes


def _formatter(lang: str) -> Any:
    from smartspec.services.web.i18n import Formatter

    return Formatter(lang)
