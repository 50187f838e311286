"""The JSON API of the review domain: peer reviews of strategies (workflow, invitations,
scores, consolidated results), the rubric, and self-assessments.

Every change needs an account (``Authorization: Bearer`` or the dashboard's session): the
region's editors and administrators run a review; invited reviewers score it. A state change
the review's state does not allow answers **409** ``conflict`` (naming the current state and
the actions allowed in it). Reading completed reviews and self-assessments needs an account
only on a private platform. Answers are live data (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from smartspec.services.api.deps import NO_STORE, AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse

from .actions import reviews_of
from .rubric import rubric
from .views import InviteIn, ReviewIn, ReviewView, ScoresIn, SelfAssessmentIn

__all__ = ["router"]

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES)

_WRITE: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid login or token."},
    403: {"model": ErrorResponse, "description": "The account may not take this action."},
    409: {
        "model": ErrorResponse,
        "description": "The review's state does not allow the action (error.fix lists the "
        "actions allowed now).",
    },
}
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The review's id.")]
State = Literal["draft", "submitted", "in review", "completed"]
Region = Annotated[str | None, Query(max_length=16, description="Region code.")]


@router.get("/reviews/rubric", summary="The review rubric")
def review_rubric() -> dict[str, Any]:
    """The rubric: the six RIS3 Guide steps (Foray et al. 2012) and the seven good-governance
    criteria of Regulation (EU) 2021/1060, Annex IV (enabling condition 1.1), each criterion
    with its title and guiding question in English and Spanish, and each block's source."""
    return rubric().to_dict()


@router.get("/reviews", response_model=list[ReviewView], summary="List peer reviews")
def list_reviews(
    app: AppDep,
    account: AccountDep,
    response: Response,
    region: Region = None,
    state: Annotated[State | None, Query(description="Only reviews in this state.")] = None,
) -> list[ReviewView]:
    """The reviews the account may see: completed ones, those it is invited to, and every
    review of the regions it edits (administrators: all), newest first."""
    response.headers.update(NO_STORE)
    return reviews_of(app).list(account, region=region, state=state)


@router.post(
    "/reviews",
    response_model=ReviewView,
    status_code=201,
    summary="Open a peer review",
    responses=_WRITE,
)
def create_review(app: AppDep, account: AccountDep, body: ReviewIn) -> ReviewView:
    """Open a review of a strategy (state ``draft``): the region's editors, administrators."""
    return reviews_of(app).create(account, body.strategy_id, body.note)


@router.get("/reviews/{review_id}", response_model=ReviewView, summary="One peer review")
def get_review(app: AppDep, account: AccountDep, response: Response, review_id: IdPath) -> Any:
    """A review: its state, strategy, events, the reader's own scores, the invitees (to the
    region's editors and administrators) and the actions the reader may take now."""
    response.headers.update(NO_STORE)
    return reviews_of(app).review(account, review_id)


def _step(name: str, doc: str) -> None:
    def action(app: AppDep, account: AccountDep, review_id: IdPath) -> ReviewView:
        view: ReviewView = getattr(reviews_of(app), name)(account, review_id)
        return view

    action.__name__ = f"{name}_review"
    action.__doc__ = doc
    router.add_api_route(
        f"/reviews/{{review_id}}/{name}",
        action,
        methods=["POST"],
        response_model=ReviewView,
        summary=f"{name.capitalize()} a peer review",
        responses=_WRITE,
    )


_step("submit", "``draft`` → ``submitted`` (the region's editors, administrators).")
_step("withdraw", "``submitted`` → ``draft`` (the region's editors, administrators).")
_step(
    "start",
    "``submitted`` → ``in review`` (the region's editors, administrators; one invitee at least).",
)
_step(
    "complete",
    "``in review`` → ``completed`` (the region's editors, administrators; at least one invited "
    "reviewer who scored every criterion).",
)


@router.post(
    "/reviews/{review_id}/invite",
    response_model=ReviewView,
    summary="Invite a reviewer",
    responses=_WRITE,
)
def invite_reviewer(
    app: AppDep, account: AccountDep, review_id: IdPath, body: InviteIn
) -> ReviewView:
    """Invite a reviewer (account id or login name): role reviewer or editor, and no grant
    covering the region (a reviewer cannot review their own region: 422)."""
    return reviews_of(app).invite(account, review_id, body.reviewer)


@router.get("/reviews/{review_id}/candidates", summary="Reviewers who may be invited")
def review_candidates(
    app: AppDep, account: AccountDep, response: Response, review_id: IdPath
) -> list[dict[str, Any]]:
    """The active reviewer and editor accounts without a grant covering the region and not yet
    invited (the region's editors, administrators)."""
    response.headers.update(NO_STORE)
    return reviews_of(app).candidates(account, review_id)


@router.post(
    "/reviews/{review_id}/score",
    response_model=ReviewView,
    summary="Score a peer review",
    responses=_WRITE,
)
def score_review(app: AppDep, account: AccountDep, review_id: IdPath, body: ScoresIn) -> ReviewView:
    """Record the invited reviewer's scores: ``{"scores": {criterion: {"score": 1-5 or null,
    "comment": "..."}}}`` (state ``in review``)."""
    return reviews_of(app).score(account, review_id, body.scores)


@router.get("/reviews/{review_id}/results", summary="Consolidated results of a peer review")
def review_results(
    app: AppDep, account: AccountDep, response: Response, review_id: IdPath
) -> dict[str, Any]:
    """By criterion: n, mean, std (sample), min, max and the comments; by step: the mean of the
    criteria's means; ``radar``: the steps' means. The region's editors and administrators at
    any time (with the reviewers' names); other readers once the review is completed (the
    reviewers anonymised)."""
    response.headers.update(NO_STORE)
    return reviews_of(app).results(account, review_id)


@router.get("/self-assessments", summary="Self-assessments")
def list_self_assessments(
    app: AppDep, account: AccountDep, response: Response, region: Region = None
) -> list[dict[str, Any]]:
    """The regions' self-assessments (of one region), by region then newest year first."""
    response.headers.update(NO_STORE)
    return reviews_of(app).self_assessments(account, region)


@router.post(
    "/self-assessments", status_code=201, summary="Save a self-assessment", responses=_WRITE
)
def save_self_assessment(
    app: AppDep, account: AccountDep, body: SelfAssessmentIn
) -> dict[str, Any]:
    """Save a region's self-assessment of a year (one per region and year; saving again
    replaces it): the region's editors, administrators."""
    return reviews_of(app).save_self_assessment(
        account,
        body.region,
        body.answers,
        body.comments,
        strategy_id=body.strategy_id,
        year=body.year,
    )


@router.get("/self-assessments/compare", summary="Compare self-assessments")
def compare_self_assessments(
    app: AppDep,
    account: AccountDep,
    response: Response,
    regions: Annotated[
        list[str], Query(min_length=1, max_length=50, description="Region codes (repeat).")
    ],
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> dict[str, Any]:
    """The step means of each region's self-assessment (of ``year``, else its latest), and
    each region's step means over time."""
    response.headers.update(NO_STORE)
    return reviews_of(app).compare_self_assessments(account, regions, year)
