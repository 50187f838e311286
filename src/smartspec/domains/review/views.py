"""The review domain's typed views (pydantic v2): what the service returns and clients send.

The API serialises them as its responses, the dashboard renders them and the CLI's ``--json``
prints them; :meth:`ReviewView.to_dict` is the JSON-ready form. Consolidated results and
self-assessments are plain dicts (see :mod:`smartspec.domains.review.service`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "ACTIONS",
    "STATES",
    "TRANSITIONS",
    "InviteIn",
    "InviteeView",
    "ReviewEventView",
    "ReviewIn",
    "ReviewView",
    "ScoreIn",
    "ScoreView",
    "ScoresIn",
    "SelfAssessmentIn",
]

#: The states of a review, in order.
STATES: tuple[str, ...] = ("draft", "submitted", "in review", "completed")
#: The state changes: action -> (from, to).
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": ("draft", "submitted"),
    "withdraw": ("submitted", "draft"),
    "start": ("submitted", "in review"),
    "complete": ("in review", "completed"),
}
#: Every action on a review, with the states it is allowed in.
ACTIONS: dict[str, tuple[str, ...]] = {
    **{name: (pair[0],) for name, pair in TRANSITIONS.items()},
    "invite": ("draft", "submitted", "in review"),
    "score": ("in review",),
}


class ReviewEventView(BaseModel):
    """One audited event: a state change, an invitation, a scoring."""

    at: datetime
    actor: str | None = Field(
        default=None, description="Who; left out (null) for readers who may not see names"
    )
    from_state: str | None = Field(default=None, description="Null when the review was created")
    to_state: str
    note: str = ""


class InviteeView(BaseModel):
    """An invited reviewer and how far their scoring is."""

    account_id: int
    name: str
    invited_at: datetime
    invited_by: str
    scored: int = Field(description="Criteria this reviewer has scored (or marked n/a)")
    complete: bool = Field(description="Whether every criterion of the rubric is scored")


class ScoreView(BaseModel):
    """One score of one criterion: 1-5, or null (not applicable), and a comment."""

    criterion: str
    score: int | None = None
    comment: str = ""


class ReviewView(BaseModel):
    """A peer review as its reader may see it."""

    id: int
    strategy_id: int
    strategy_title: str
    period: str
    region: str
    state: str = Field(description="draft, submitted, in review or completed")
    note: str = ""
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    invitees: list[InviteeView] = Field(
        default_factory=list,
        description="The invited reviewers: to administrators and the region's editors only "
        "(an invitee sees their own invitation)",
    )
    n_reviewers: int = Field(default=0, description="How many reviewers are invited")
    events: list[ReviewEventView] = Field(default_factory=list)
    my_scores: dict[str, ScoreView] = Field(
        default_factory=dict, description="The reader's own scores (an invited reviewer)"
    )
    invited: bool = Field(default=False, description="Whether the reader is invited")
    can_manage: bool = Field(
        default=False, description="Whether the reader is an administrator or a region editor"
    )
    allowed: list[str] = Field(
        default_factory=list, description="The actions the reader may take now"
    )
    criteria_total: int = Field(default=0, description="Criteria in the rubric")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return self.model_dump(mode="json")


class ReviewIn(BaseModel):
    """A new review: the strategy of the registry it reviews."""

    strategy_id: int
    note: str = Field(default="", description="What the region asks the peers to look at")


class InviteIn(BaseModel):
    """An invitation: the reviewer's account id, or login name."""

    reviewer: int | str = Field(description="Account id or login name of the reviewer")


class ScoreIn(BaseModel):
    """A score as a reviewer sends it."""

    score: int | None = Field(default=None, description="1 to 5; null for not applicable")
    comment: str = ""


class ScoresIn(BaseModel):
    """Scores by criterion key."""

    scores: dict[str, ScoreIn]


class SelfAssessmentIn(BaseModel):
    """A region's self-assessment as a client sends it."""

    region: str
    answers: dict[str, int | None] = Field(description="Score 1-5 (null: n/a) by criterion key")
    comments: dict[str, str] = Field(default_factory=dict)
    strategy_id: int | None = None
    year: int | None = Field(default=None, description="Defaults to the current year")
