"""The dashboard pages of the review domain: peer reviews of strategies (their workflow, the
invitations, the rubric form of an invited reviewer, the consolidated results) and regions'
self-assessments on the same rubric.

:func:`attach` is the domain's pages hook (``Domain(pages=...)``). Every page calls the review
service (:class:`~.service.Reviews`, from :func:`.actions.reviews_of`) in a worker thread and
renders with the dashboard's :class:`~smartspec.services.web.pages_base.DashboardBase`; the
templates are in this package's ``templates/review/`` and the charts in :mod:`.charts`.

Routes (none in the OpenAPI document; the JSON API of the same service is :mod:`.api`):

=============================================== ===============================================
``GET  /reviews``                                the reviews by state and region (``state``,
                                                 ``region``); the new-review form for editors
``POST /reviews``                                create a review draft (``strategy_id``)
``GET  /reviews/{id}``                           one review: its workflow, invitees, the buttons
                                                 of the transitions the account may take, the
                                                 invitation form, the rubric form of an invited
                                                 reviewer, the consolidated results, the audit
``POST /reviews/{id}/submit|withdraw|start|complete``  a state change
``POST /reviews/{id}/invite``                    invite a reviewer (``reviewer``: id or login)
``POST /reviews/{id}/score``                     a reviewer's scores (``score-<criterion>``:
                                                 1-5 or ``na``; ``comment-<criterion>``)
``GET|POST /self-assessment``                    the latest self-assessments as radar charts
                                                 (``regions=A,B``), over time, and the form of
                                                 a region's editor (``region``)
=============================================== ===============================================

Every form carries a CSRF token, checked before anything else; then an anonymous visitor is sent
to the login page, and the service decides the rest (a wrong role answers 403, a wrong state
409 with the allowed transitions). The peer-review method is the S3 Platform's (Midtkandal and
Rakhmatullin 2014); the rubric follows the RIS3 Guide's six steps (Foray et al. 2012) and the
fulfilment criteria of enabling condition 1.1 (Regulation (EU) 2021/1060, Annex IV).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.rules import Account, can_edit_region
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    UnknownRecordError,
)
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import ERROR_TITLES, PageRoute, add_pages

from . import charts
from .pages_self import (
    STATE_NAMES,
    STEP_SHORT,
    SelfAssessmentPages,
    _field,
    _num,
    _text,
    read_scores,
    split_regions,
)
from .rubric import Rubric, rubric
from .views import STATES, TRANSITIONS

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["ReviewPages", "attach", "event_note", "read_scores", "split_regions"]

#: The buttons of the state changes.
ACTION_LABELS = {
    "submit": N_("Submit the strategy for peer review"),
    "withdraw": N_("Withdraw it back to draft"),
    "start": N_("Start the review"),
    "complete": N_("Complete the review"),
}
#: The audit trail's events in the page language (the service's notes).
EVENT_NAMES = {
    "create": N_("review created"),
    "submit": N_("submitted to the peers"),
    "withdraw": N_("withdrawn to draft"),
    "start": N_("review started"),
    "complete": N_("review completed by the region"),
}
_INVITED = re.compile(r"^invited (?P<name>.+)$")
_SCORED = re.compile(r"^scored (?P<n>\d+) criteria$")
#: What the page says next, by state, to who may act.
NEXT_HINTS = {
    "draft": N_("Invite reviewers from other regions and submit the strategy when it is ready."),
    "submitted": N_("Start the review once at least one reviewer is invited."),
    "in review": N_("Complete the review once at least one reviewer has scored every criterion."),
}
#: Largest record id (the API's bound); a larger one is unknown.
MAX_ID = 2**31


def event_note(note: str, tr: Any) -> str:
    """An audit event's note (:meth:`~.service.Reviews._event`) in the page language: the
    action's name, "reviewer invited: NAME", "scores saved: N criteria"; "–" for none (a
    reader who may not see names gets no note on invitations and scores)."""
    if note in EVENT_NAMES:
        return str(tr.gettext(EVENT_NAMES[note]))
    if found := _INVITED.match(note):
        return str(tr.gettext("reviewer invited: %(name)s") % {"name": found["name"]})
    if found := _SCORED.match(note):
        return str(tr.gettext("scores saved: %(n)s criteria") % {"n": found["n"]})
    return note or "–"


class ReviewPages(SelfAssessmentPages):
    """The review pages of one dashboard: the peer reviews, and the self-assessments of
    :class:`.pages_self.SelfAssessmentPages`."""

    # ------------------------------------------------------------------ list
    async def browse(self, request: Request) -> Response:
        """``GET /reviews``: the reviews by state and region, the new-review form."""
        return await self._list_page(request)

    async def _list_page(self, request: Request, error: SmartSpecError | None = None) -> Response:
        q = request.query_params
        who = self.board.page_account(request)
        state = q.get("state") if q.get("state") in STATES else None
        region = (q.get("region") or "").strip().upper()[:16] or None
        try:
            found = await self.run(self.reviews.list, who, region=region, state=state)
        except SmartSpecError as exc:
            return self.fail(request, exc, back=request.url.path)
        may_create = who is not None and who.role in ("admin", "editor")
        strategies: list[Any] = []
        if may_create:
            listed = await self.run(self.app.registry.list_strategies, who)
            strategies = [s for s in listed if can_edit_region(who, s.region)]
        lang = self.board.language(request)
        tr = translations(lang)
        status, body = self._maybe_error(request, error)
        return self.render(
            request,
            "review/reviews.html",
            status=status,
            reviews=[
                {**r.to_dict(), "n_invitees": r.n_reviewers, "updated_at": r.updated_at}
                for r in found
            ],
            states=STATES,
            filters={"state": state, "region": region},
            may_create=may_create,
            strategies=strategies,
            chosen=q.get("strategy_id", ""),
            method=_text(rubric().method, lang),
            error=body,
            error_title=tr.gettext("The review was not created"),
            csrf_token=self.board.csrf_token(request) if may_create else None,
        )

    async def create(self, request: Request) -> Response:
        """``POST /reviews``: a new review draft of ``strategy_id``."""
        form, who = await self.signed_post(request, "/reviews")
        if not isinstance(who, Account):
            return who
        raw = _field(form, "strategy_id", 12)
        try:
            if not raw.isdigit() or not 0 < int(raw) < MAX_ID:
                from smartspec.domains.errors import RequestError

                raise RequestError(
                    "a review needs the strategy it reviews",
                    where="strategy_id",
                    expected="the id of a strategy of the registry",
                    found=repr(raw)[:40] if raw else "nothing",
                    fix="choose a strategy in the list",
                )
            note = _field(form, "note", 4000)
            view = await self.run(self.reviews.create, who, int(raw), note)
        except (ForbiddenError, AuthenticationRequiredError) as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return await self._list_page(request, error=exc)
        return RedirectResponse(f"/reviews/{view.id}?done=created", status_code=303)

    # ------------------------------------------------------------------ one review
    async def review(self, request: Request, review_id: int) -> Response:
        """``GET /reviews/{id}``: the review, what the account may do with it, its results."""
        return await self._review_page(request, review_id)

    async def _review_page(
        self, request: Request, review_id: int, error: SmartSpecError | None = None
    ) -> Response:
        back = f"/reviews/{review_id}"
        who = self.board.page_account(request)
        try:
            if not 0 < review_id < MAX_ID:
                raise UnknownRecordError(f"there is no review {review_id}", where="id")
            view = await self.run(self.reviews.review, who, review_id)
        except SmartSpecError as exc:
            return self.fail(request, exc, back=back)
        lang = self.board.language(request)
        tr = translations(lang)
        book = rubric()
        results: dict[str, Any] | None = None
        note = tr.gettext(
            "The consolidated results are shown to the region's editors and to administrators "
            "once reviewers have scored, and to everyone once the review is completed."
        )
        try:
            results = await self.run(self.reviews.results, who, review_id)
        except (ForbiddenError, AuthenticationRequiredError):
            results = None
        except SmartSpecError as exc:  # nothing to consolidate yet, a wrong state
            note = str(self.error(request, exc)[1].get("translated") or note)
        shown = self._results(results, book, lang, tr) if results is not None else None
        if shown is not None and not shown["reviewers"]:
            shown = None
        plot: dict[str, Any] = {}
        if shown is not None:
            own = None
            try:  # the region's latest self-assessment, beside the peers' scores
                found = await self.run(self.reviews.self_assessments, who, view.region)
                own = found[0] if found else None
            except SmartSpecError:
                own = None
            plot = self._result_charts(shown, view, tr, own)
            shown["own"] = own
        order = {k: i for i, k in enumerate(STATES)}
        here = order.get(view.state, 0)
        flow = [
            {"key": k, "name": tr.gettext(STATE_NAMES[k]), "done": i < here, "current": i == here}
            for i, k in enumerate(STATES)
        ]
        buttons = [
            {"action": a, "label": tr.gettext(ACTION_LABELS[a]), "secondary": a == "withdraw"}
            for a in TRANSITIONS
            if a in view.allowed
        ]
        may_invite = "invite" in view.allowed
        candidates = await self._candidates(who, view) if may_invite else []
        rubric_form = None
        if "score" in view.allowed:
            mine = view.my_scores
            rubric_form = self._rubric_form(
                lang,
                {k: s.score for k, s in mine.items()},
                {k: s.comment for k, s in mine.items()},
            )
        status, body = self._maybe_error(request, error)
        title = None
        if body is not None:
            title = tr.gettext(ERROR_TITLES.get(str(body.get("type")), N_("Something went wrong")))
        hint = NEXT_HINTS.get(view.state) if view.can_manage else None
        return self.render(
            request,
            "review/review.html",
            status=status,
            r=view,
            flow=flow,
            buttons=buttons,
            next_hint=tr.gettext(hint) if hint else None,
            invitees=[{"name": i.name, "scored": i.scored} for i in view.invitees],
            n_criteria=view.criteria_total or len(book.keys),
            may_invite=may_invite,
            candidates=candidates,
            rubric_form=rubric_form,
            scale=self._scale(book, lang),
            results=shown,
            results_note=note,
            events=[
                {
                    "at": e.at,
                    "actor": e.actor,
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "note": event_note(e.note, tr),
                }
                for e in view.events
            ],
            charts=plot,
            error=body,
            error_title=title,
            csrf_token=self.board.csrf_token(request) if who is not None else None,
        )

    async def _candidates(self, who: Account | None, view: Any) -> list[dict[str, Any]]:
        """The accounts that may be invited (:meth:`~.service.Reviews.candidates`)."""
        found: list[dict[str, Any]] = await self.run(self.reviews.candidates, who, view.id)
        return found

    @staticmethod
    def _results(results: dict[str, Any], book: Rubric, lang: str, tr: Any) -> dict[str, Any]:
        """The service's consolidated results (:func:`.service.consolidate`) for the page:
        criteria grouped by step in the rubric's order, titles in ``lang``, comments with the
        reviewer's label."""
        per = {str(c["key"]): c for c in results.get("criteria") or []}
        means = {str(m["key"]): m.get("mean") for m in results.get("steps") or []}
        by_step, steps = [], []
        for step in book.steps:
            short = tr.gettext(STEP_SHORT.get(step.key, step.key))
            rows = []
            for c in step.criteria:
                got = per.get(c.key) or {}
                rows.append(
                    {
                        "key": c.key,
                        "title": _text(c.title, lang),
                        "step": short,
                        "mean": _num(got.get("mean")),
                        "sd": _num(got.get("std")),
                        "min": _num(got.get("min")),
                        "max": _num(got.get("max")),
                        "n": int(got.get("n") or 0),
                        "n_na": int(got.get("n_na") or 0),
                        "comments": [
                            {"reviewer": str(t.get("reviewer") or ""), "text": str(t["text"])}
                            for t in got.get("comments") or []
                            if t.get("text")
                        ],
                    }
                )
            title = f"{step.number}. {_text(step.title, lang)}"
            by_step.append({"key": step.key, "title": title, "criteria": rows})
            steps.append({"key": step.key, "title": short, "mean": _num(means.get(step.key))})
        return {
            "by_step": by_step,
            "steps": steps,
            "reviewers": int(results.get("reviewers_scored") or 0),
            "invited": int(results.get("reviewers_invited") or 0),
            "final": bool(results.get("final")),
        }

    def _result_charts(
        self, shown: dict[str, Any], view: Any, tr: Any, own: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The radar of the peers' step means (and of the region's latest self-assessment,
        when there is one) and the spread of each criterion's scores."""
        kind = tr.gettext("peer review")
        series = f"{view.region} · {kind}"
        rows = [{"series": series, "step": s["key"], "value": s["mean"]} for s in shown["steps"]]
        if own:
            label = tr.gettext("self-assessment")
            mine = f"{view.region} {own['year']} · {label}"
            steps = own.get("steps") or {}
            rows += [{"series": mine, "step": k, "value": v} for k, v in steps.items()]
        radar = charts.radar(
            rows,
            self._steps(tr),
            title=tr.gettext("Mean score of each step (1 to 5)"),
            score_label=tr.gettext("Mean score"),
            series_label=tr.gettext("Assessment shown"),
            step_label=tr.gettext("Step of the strategy"),
        )
        spread = charts.criterion_spread(
            [
                {
                    "criterion": c["title"],
                    **{k: c[k] for k in ("step", "mean", "sd", "min", "max", "n")},
                }
                for step in shown["by_step"]
                for c in step["criteria"]
            ],
            title=tr.gettext("Mean score of each criterion with the spread among reviewers"),
            score_label=tr.gettext("Score from 1 to 5"),
            step_label=tr.gettext("Step of the strategy"),
            mean_label=tr.gettext("Mean score"),
            sd_label=tr.gettext("Standard deviation"),
            range_label=tr.gettext("Lowest to highest score"),
            n_label=tr.gettext("Scores given"),
        )
        return {"radar": radar, "spread": spread}

    # ------------------------------------------------------------------ changes
    async def _act(self, request: Request, review_id: int, action: str) -> Response:
        back = f"/reviews/{review_id}"
        form, who = await self.signed_post(request, back)
        if not isinstance(who, Account):
            return who
        try:
            if not 0 < review_id < MAX_ID:
                raise UnknownRecordError(f"there is no review {review_id}", where="id")
            if action == "invite":
                raw = _field(form, "reviewer", 80)
                reviewer: int | str = int(raw) if raw.isdigit() else raw
                await self.run(self.reviews.invite, who, review_id, reviewer)
            elif action == "score":
                scores = read_scores(form, rubric().keys)
                await self.run(self.reviews.score, who, review_id, scores)
            else:
                await self.run(getattr(self.reviews, action), who, review_id)
        except (ForbiddenError, AuthenticationRequiredError, UnknownRecordError) as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:  # a wrong state, a bad value: the page with the error
            return await self._review_page(request, review_id, error=exc)
        anchor = "#rubric-section" if action == "score" else ""
        return RedirectResponse(f"{back}?done={action}{anchor}", status_code=303)

    async def submit(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/submit``: draft → submitted."""
        return await self._act(request, review_id, "submit")

    async def withdraw(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/withdraw``: submitted → draft."""
        return await self._act(request, review_id, "withdraw")

    async def start(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/start``: submitted → in review."""
        return await self._act(request, review_id, "start")

    async def complete(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/complete``: in review → completed."""
        return await self._act(request, review_id, "complete")

    async def invite(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/invite``: invite ``reviewer`` (account id or login name)."""
        return await self._act(request, review_id, "invite")

    async def score(self, request: Request, review_id: int) -> Response:
        """``POST /reviews/{id}/score``: the signed-in reviewer's scores."""
        return await self._act(request, review_id, "score")


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the review pages to ``api``: the domain's pages hook (``Domain(pages=...)``)."""
    pages = ReviewPages.made_for(api, dashboard)
    if pages is None:
        return
    one = "/reviews/{review_id:int}"
    routes: list[PageRoute] = [
        ("/reviews", pages.browse, ["GET"]),
        ("/reviews", pages.create, ["POST"]),
        (one, pages.review, ["GET"]),
        (f"{one}/submit", pages.submit, ["POST"]),
        (f"{one}/withdraw", pages.withdraw, ["POST"]),
        (f"{one}/start", pages.start, ["POST"]),
        (f"{one}/complete", pages.complete, ["POST"]),
        (f"{one}/invite", pages.invite, ["POST"]),
        (f"{one}/score", pages.score, ["POST"]),
        ("/self-assessment", pages.self_assessment, ["GET"]),
        ("/self-assessment", pages.save_self_assessment, ["POST"]),
    ]
    add_pages(api, routes)
