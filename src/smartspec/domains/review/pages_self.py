"""The self-assessment pages of the review domain, and what every review page shares.

:class:`ReviewPagesBase` holds the shared pieces of :class:`.pages.ReviewPages` (rendering in
the page language, the CSRF-then-login check of a form, the rubric form with its questions in
the page language, service errors as pages); :class:`SelfAssessmentPages` adds
``GET|POST /self-assessment``: a region's editor scores its own strategy on the rubric of the
peer reviews (the six steps of the RIS3 Guide, Foray et al. 2012, and the good-governance
criteria of Regulation (EU) 2021/1060, Annex IV, enabling condition 1.1), one self-assessment
per region and year; the latest of each region asked for (``regions=A,B``) is drawn as a radar
chart (:func:`.charts.radar`) and every year's step means as lines (:func:`.charts.over_time`).
A step's score is the mean of its criteria, "not applicable" left out
(:func:`.service.step_means`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.rules import Account, can_edit_region
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.record_pages import Names, RecordPages

from . import actions, charts
from .rubric import Rubric, rubric

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = [
    "DONE",
    "ROLE_NAMES",
    "STATE_NAMES",
    "STEP_SHORT",
    "ReviewPagesBase",
    "SelfAssessmentPages",
    "read_scores",
    "split_regions",
]

#: The states of a review in the page language.
STATE_NAMES = {
    "draft": N_("draft review"),
    "submitted": N_("submitted for review"),
    "in review": N_("under review"),
    "completed": N_("review completed"),
}
#: The roles in the invitation list.
ROLE_NAMES = {
    "admin": N_("administrator"),
    "editor": N_("editor"),
    "reviewer": N_("reviewer"),
    "viewer": N_("viewer"),
}
#: Short step names for the charts (the rubric's titles are sentences).
STEP_SHORT = {
    "context": N_("1. Context analysis"),
    "governance": N_("2. Governance and participation"),
    "vision": N_("3. Shared vision"),
    "priorities": N_("4. Priority setting"),
    "policy-mix": N_("5. Policy mix and action plan"),
    "monitoring": N_("6. Monitoring and evaluation"),
    "governance-2021": N_("Good governance 2021–27"),
}
#: What a finished action says on the page it returns to (``?done=<key>``).
DONE = {
    "created": N_("The review draft is created."),
    "submit": N_("The strategy is submitted for peer review."),
    "withdraw": N_("The review is back to draft."),
    "start": N_("The review has started: the invited reviewers can score the rubric."),
    "complete": N_("The review is completed: its consolidated results are published."),
    "invite": N_("The reviewer is invited."),
    "score": N_("Your scores are saved."),
    "saved": N_("The self-assessment is saved."),
}
_SPLIT = re.compile(r"[\s,;]+")


def split_regions(text: str, limit: int = 8) -> list[str]:
    """Region codes typed in a field (commas, semicolons or spaces), upper case, each once.

    >>> split_regions(" cz064, CZ080;cz064 ")
    ['CZ064', 'CZ080']
    """
    found: list[str] = []
    for code in _SPLIT.split(text or ""):
        code = code.strip().upper()[:16]
        if code and code not in found:
            found.append(code)
    return found[:limit]


def read_scores(form: Any, keys: tuple[str, ...]) -> dict[str, tuple[int | None, str]]:
    """The scores of a rubric form: ``score-<key>`` (1-5 or ``na``) and ``comment-<key>``.

    A criterion without an answer is left out (it stays unscored); ``na`` is ``None`` (not
    applicable); a value that is not a whole number is passed on as ``-1`` so that the service
    refuses it with its own message.

    >>> read_scores({"score-a": "4", "comment-a": " ok ", "score-b": "na", "comment-c": "x"},
    ...             ("a", "b", "c", "d"))
    {'a': (4, 'ok'), 'b': (None, ''), 'c': (None, 'x')}
    """
    out: dict[str, tuple[int | None, str]] = {}
    for key in keys:
        raw = form.get(f"score-{key}")
        comment = form.get(f"comment-{key}")
        comment = comment.strip()[:4000] if isinstance(comment, str) else ""
        if isinstance(raw, str) and raw.strip():
            text = raw.strip().lower()
            score = None if text == "na" else (int(text) if text.isdigit() else -1)
            out[key] = (score, comment)
        elif comment:
            out[key] = (None, comment)
    return out


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or ""


def _field(form: Any, key: str, limit: int = 200) -> str:
    value = form.get(key) if form is not None else None
    return value.strip() if isinstance(value, str) and len(value) <= limit else ""


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class ReviewPagesBase(RecordPages):
    """What the review pages share (and every domain's record pages: :class:`RecordPages`).

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose review service they call.
    """

    NAMES: ClassVar[Names] = {"state_names": STATE_NAMES, "role_names": ROLE_NAMES}
    DONE = DONE

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        super().__init__(board, app)
        self.reviews = actions.reviews_of(app)

    # ------------------------------------------------------------------ shared
    def _maybe_error(
        self, request: Request, exc: SmartSpecError | None
    ) -> tuple[int, dict[str, Any] | None]:
        """The status and error object of a form's error, ``(200, None)`` without one."""
        return (200, None) if exc is None else self.error(request, exc)[:2]

    def _rubric_form(
        self, lang: str, answers: dict[str, Any], comments: dict[str, str]
    ) -> list[dict[str, Any]]:
        """The rubric's steps and criteria in ``lang`` with the answers given so far (a score,
        ``"na"`` for not applicable, ``""`` when not answered)."""
        book = rubric()
        steps = []
        for step in book.steps:
            criteria = []
            for c in step.criteria:
                given = answers.get(c.key, "")
                criteria.append(
                    {
                        "key": c.key,
                        "title": _text(c.title, lang),
                        "question": _text(c.question, lang),
                        "value": "na" if c.key in answers and given is None else given,
                        "comment": comments.get(c.key, ""),
                    }
                )
            steps.append(
                {
                    "key": step.key,
                    "heading": f"{step.number}. {_text(step.title, lang)}",
                    "criteria": criteria,
                }
            )
        return steps

    @staticmethod
    def _scale(book: Rubric, lang: str) -> dict[str, Any]:
        labels = book.scale.get("labels") or {}
        return {
            "scores": [
                {"value": v, "label": _text(labels.get(str(v)) or {}, lang)}
                for v in range(int(book.scale["min"]), int(book.scale["max"]) + 1)
            ],
            "na": _text(book.scale.get("not_applicable") or {"en": "n/a"}, lang),
        }

    def _steps(self, tr: Any) -> list[dict[str, str]]:
        """The radar's spokes: every rubric step with its short name in the page language."""
        return [
            {"key": s.key, "label": tr.gettext(STEP_SHORT.get(s.key, s.key))}
            for s in rubric().steps
        ]


class SelfAssessmentPages(ReviewPagesBase):
    """``GET|POST /self-assessment``: regions' self-assessments on the review rubric."""

    # ------------------------------------------------------------------ self-assessment
    async def _writable_regions(self, who: Account | None) -> list[str]:
        """The regions whose self-assessment ``who`` may write: an administrator any region
        of the registry, an editor the registry's regions under its grants (and the grants)."""
        if who is None or who.role not in ("admin", "editor"):
            return []
        regions = await self.run(self.app.registry.list_regions, who)
        codes = [r.code for r in regions if can_edit_region(who, r.code)]
        if not who.is_admin:
            codes += [g for g in sorted(who.regions) if g not in codes]
        return codes

    async def self_assessment(self, request: Request) -> Response:
        """``GET /self-assessment``: the latest self-assessments (``regions=A,B``) as a radar
        chart and over time; the form of a region's editor (``region``)."""
        return await self._self_page(request)

    async def _self_page(
        self,
        request: Request,
        values: dict[str, Any] | None = None,
        error: SmartSpecError | None = None,
    ) -> Response:
        q = request.query_params
        who = self.board.page_account(request)
        lang = self.board.language(request)
        tr = translations(lang)
        wanted = split_regions((q.get("regions") or "")[:400])
        try:
            form_regions = await self._writable_regions(who)
            asked = (q.get("region") or "").strip().upper()[:16]
            region = (values or {}).get("region") or (
                asked if asked in form_regions else (form_regions[0] if form_regions else "")
            )
            shown_regions = wanted or ([region] if region else [])
            comparison = None
            if shown_regions:
                comparison = await self.run(
                    self.reviews.compare_self_assessments, who, shown_regions
                )
            else:
                every = await self.run(self.reviews.self_assessments, who)
                latest = list(dict.fromkeys(str(a["region"]) for a in every))[:6]
                if latest:
                    shown_regions = latest
                    comparison = await self.run(self.reviews.compare_self_assessments, who, latest)
            previous: dict[str, Any] | None = None
            if region:
                mine = await self.run(self.reviews.self_assessments, who, region)
                previous = mine[0] if mine else None
        except SmartSpecError as exc:
            return self.fail(request, exc, back=request.url.path)
        context = self._comparison(comparison, shown_regions, tr)
        form_values = values or {
            "region": region,
            "year": (previous or {}).get("year") or datetime.now(UTC).year,
            "strategy_id": (previous or {}).get("strategy_id") or "",
            "answers": (previous or {}).get("answers") or {},
            "comments": (previous or {}).get("comments") or {},
        }
        strategies: list[Any] = []
        if form_values["region"]:
            strategies = await self.run(
                self.app.registry.list_strategies, who, form_values["region"]
            )
        status, body = self._maybe_error(request, error)
        return self.render(
            request,
            "review/self_assessment.html",
            status=status,
            wanted=", ".join(wanted),
            form_regions=form_regions,
            values=form_values,
            strategies=strategies,
            rubric_form=self._rubric_form(lang, form_values["answers"], form_values["comments"]),
            scale=self._scale(rubric(), lang),
            error=body,
            error_title=tr.gettext("The self-assessment was not saved"),
            csrf_token=self.board.csrf_token(request) if form_regions else None,
            **context,
        )

    def _comparison(
        self, comparison: dict[str, Any] | None, regions: list[str], tr: Any
    ) -> dict[str, Any]:
        """The radar of the latest self-assessment of each region, the lines over time, and
        their tables, from :meth:`~.service.Reviews.compare_self_assessments`."""
        steps = self._steps(tr)
        empty: dict[str, Any] = {
            "shown": [],
            "step_rows": [],
            "time_rows": [],
            "missing": [],
            "charts": {},
            "radar_title": "",
        }
        if not comparison:
            return {**empty, "missing": regions}
        shown: list[dict[str, Any]] = []
        for item in comparison.get("regions") or []:
            if item.get("year") is None:
                continue
            means = item.get("steps") or {}
            shown.append(
                {
                    "region": str(item["region"]),
                    "label": f"{item['region']} {item['year']}",
                    "means": {st["key"]: _num(means.get(st["key"])) for st in steps},
                }
            )
        missing = [c for c in regions if c not in {s["region"] for s in shown}]
        rows = [
            {"series": s["label"], "step": st["key"], "value": s["means"][st["key"]]}
            for s in shown
            for st in steps
        ]
        step_rows = [
            {"title": st["label"], "values": [s["means"][st["key"]] for s in shown]} for st in steps
        ]
        time_rows = [
            {
                "region": code,
                "year": int(point["year"]),
                "step": st["label"],
                "value": _num((point.get("steps") or {}).get(st["key"])),
            }
            for code, points in (comparison.get("over_time") or {}).items()
            for point in points
            for st in steps
        ]
        plot: dict[str, Any] = {}
        title = tr.gettext("Latest self-assessment: mean score of each step (1 to 5)")
        if shown:
            plot["radar"] = charts.radar(
                rows,
                steps,
                title=title,
                score_label=tr.gettext("Mean score"),
                series_label=tr.gettext("Assessment shown"),
                step_label=tr.gettext("Step of the strategy"),
            )
        if len({(r["region"], r["year"]) for r in time_rows}) > 1:
            plot["time"] = charts.over_time(
                time_rows,
                title=tr.gettext("Mean score of each step by year"),
                year_label=tr.gettext("Year of the self-assessment"),
                score_label=tr.gettext("Mean score"),
                region_label=tr.gettext("Region code"),
                step_order=[st["label"] for st in steps],
            )
        return {
            "shown": shown,
            "step_rows": step_rows,
            "time_rows": sorted(time_rows, key=lambda r: (r["region"], r["year"])),
            "missing": missing,
            "charts": plot,
            "radar_title": title,
        }

    async def save_self_assessment(self, request: Request) -> Response:
        """``POST /self-assessment``: save a region's self-assessment of a year."""
        form, who = await self.signed_post(request, "/self-assessment")
        if not isinstance(who, Account):
            return who
        book = rubric()
        scores = read_scores(form, book.keys)
        region = _field(form, "region", 16).upper()
        year_text = _field(form, "year", 6)
        strategy_text = _field(form, "strategy_id", 12)
        values = {
            "region": region,
            "year": year_text,
            "strategy_id": strategy_text,
            "answers": {k: v[0] for k, v in scores.items()},
            "comments": {k: v[1] for k, v in scores.items() if v[1]},
        }
        try:
            await self.run(
                self.reviews.save_self_assessment,
                who,
                region,
                values["answers"],
                values["comments"],
                strategy_id=int(strategy_text) if strategy_text.isdigit() else None,
                year=int(year_text) if year_text.isdigit() else None,
            )
        except (ForbiddenError, AuthenticationRequiredError) as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return await self._self_page(request, values=values, error=exc)
        return RedirectResponse(
            f"/self-assessment?region={region}&regions={region}&done=saved", status_code=303
        )
