"""Who may take each action of the review workflow: one test per action and role, for the roles
that may (the state changes, an audit row is written) and those that may not (401 anonymous,
403 others; nothing written)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.domains.review.models import EventRow, ReviewRow
from smartspec.domains.review.rubric import rubric

REGION = "CZ064"
KEYS = rubric().keys

ALL_ROLES = (
    "anonymous",
    "viewer",
    "reviewer_out",
    "reviewer_in",
    "editor_here",
    "editor_other",
    "admin",
)
MANAGERS = {"editor_here", "admin"}

#: action -> (the state the review is in, the state after, who may).
ACTIONS = {
    "submit": ("draft", "submitted", MANAGERS),
    "withdraw": ("submitted", "draft", MANAGERS),
    "start": ("submitted", "in review", MANAGERS),
    "complete": ("in review", "completed", MANAGERS),
}


def _events(world: Any, review_id: int) -> int:
    with world.app.store.session() as s:
        return int(
            s.scalar(
                select(func.count()).select_from(EventRow).where(EventRow.review_id == review_id)
            )
            or 0
        )


def _state(world: Any, review_id: int) -> str:
    with world.app.store.session() as s:
        row = s.get(ReviewRow, review_id)
        assert row is not None
        return row.state


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_transition_by_role(world: Any, action: str, role: str) -> None:
    before, after, may = ACTIONS[action]
    review_id = world.review(before, scored=before == "in review")
    events = _events(world, review_id)
    call = getattr(world.reviews, action)
    if role in may:
        view = call(world.who(role), review_id)
        assert view.state == after and _state(world, review_id) == after
        assert _events(world, review_id) == events + 1
        last = view.events[-1]
        assert (last.from_state, last.to_state, last.actor) == (before, after, f"test-{role}")
        return
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        call(world.who(role), review_id)
    assert _state(world, review_id) == before and _events(world, review_id) == events


@pytest.mark.parametrize("role", ALL_ROLES)
def test_invite_by_role(world: Any, role: str) -> None:
    review_id = world.review("draft", invite=False)
    events = _events(world, review_id)
    if role in MANAGERS:
        view = world.reviews.invite(world.who(role), review_id, "test-reviewer_in2")
        assert [i.name for i in view.invitees] == ["test-reviewer_in2"]
        assert view.events[-1].note == "invited test-reviewer_in2"
        assert _events(world, review_id) == events + 1
        return
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        world.reviews.invite(world.who(role), review_id, "test-reviewer_in2")
    assert _events(world, review_id) == events


@pytest.mark.parametrize("role", ALL_ROLES)
def test_score_by_role(world: Any, role: str) -> None:
    review_id = world.review("in review")
    events = _events(world, review_id)
    if role == "reviewer_in":
        view = world.reviews.score(world.who(role), review_id, {KEYS[0]: (4, "solid analysis")})
        assert view.my_scores[KEYS[0]].score == 4
        assert view.my_scores[KEYS[0]].comment == "solid analysis"
        assert _events(world, review_id) == events + 1
        return
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        world.reviews.score(world.who(role), review_id, {KEYS[0]: (4, "")})
    assert _events(world, review_id) == events


@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_by_role(world: Any, role: str) -> None:
    strategy = world.strategy()
    if role in MANAGERS:
        view = world.reviews.create(world.who(role), strategy)
        assert (view.state, view.region) == ("draft", REGION)
        assert [(e.from_state, e.to_state) for e in view.events] == [(None, "draft")]
        return
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        world.reviews.create(world.who(role), strategy)
    assert world.reviews.list(world.who("admin"), region=REGION, state="draft") is not None


def test_own_region_reviewer_refused(world: Any) -> None:
    from smartspec.core.errors import ValidationError

    review_id = world.review("draft", invite=False)
    events = _events(world, review_id)
    with pytest.raises(ValidationError, match="cannot review their own region"):
        world.reviews.invite(world.who("admin"), review_id, "test-reviewer_own")
    # an editor of the region is no peer either, a viewer has the wrong role
    with pytest.raises(ValidationError, match="own region"):
        world.reviews.invite(world.who("admin"), review_id, "test-editor_here")
    with pytest.raises(ValidationError, match="role"):
        world.reviews.invite(world.who("admin"), review_id, "test-viewer")
    assert _events(world, review_id) == events
    assert world.reviews.review(world.who("admin"), review_id).invitees == []
    candidates = {c["name"] for c in world.reviews.candidates(world.who("admin"), review_id)}
    assert "test-reviewer_in" in candidates and "test-editor_other" in candidates
    assert not candidates & {"test-reviewer_own", "test-editor_here", "test-viewer", "test-admin"}


def test_reviewer_granted_own_region_later_cannot_score(world: Any) -> None:
    from smartspec.domains.accounts.rules import Account

    review_id = world.review("in review")
    invited = world.who("reviewer_in")
    assert invited is not None
    now_local = Account(invited.id, invited.name, "reviewer", frozenset({"CZ064"}))
    with pytest.raises(ForbiddenError, match="own region"):
        world.reviews.score(now_local, review_id, {KEYS[0]: (4, "")})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_visibility_before_completion(world: Any, role: str) -> None:
    review_id = world.review("submitted")
    if role in MANAGERS | {"reviewer_in"}:
        view = world.reviews.review(world.who(role), review_id)
        assert view.state == "submitted"
        assert view.can_manage == (role in MANAGERS)
        # the invitees' names: to managers, and an invitee sees only their own invitation
        assert [i.name for i in view.invitees] == ["test-reviewer_in"]
        listed = {v.id for v in world.reviews.list(world.who(role))}
        assert review_id in listed
        return
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        world.reviews.review(world.who(role), review_id)
    assert review_id not in {v.id for v in world.reviews.list(world.who(role))}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_visibility_after_completion(world: Any, role: str) -> None:
    review_id = world.review("completed", scored=True)
    view = world.reviews.review(world.who(role), review_id)
    assert view.state == "completed"
    if role in MANAGERS:
        assert [i.name for i in view.invitees] == ["test-reviewer_in"]
        assert all(e.actor for e in view.events)
    elif role != "reviewer_in":
        assert view.invitees == [] and view.n_reviewers == 1
        assert all(e.actor is None for e in view.events)
    assert review_id in {v.id for v in world.reviews.list(world.who(role))}


def test_private_platform_needs_an_account(fresh_world: Any) -> None:
    world = fresh_world(public_read=False)
    review_id = world.review("completed", scored=True)
    with pytest.raises(AuthenticationRequiredError):
        world.reviews.review(None, review_id)
    with pytest.raises(AuthenticationRequiredError):
        world.reviews.results(None, review_id)
    assert world.reviews.results(world.who("viewer"), review_id)["final"] is True
