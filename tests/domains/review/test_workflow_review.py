"""The review workflow's states: a full run with its audit trail, every wrong-state action
refused with ConflictError naming the current state and the actions allowed, and refused
writes leaving nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from smartspec.core.errors import ValidationError
from smartspec.domains.errors import ConflictError, UnknownRecordError
from smartspec.domains.review.models import EventRow, InvitationRow, ScoreRow
from smartspec.domains.review.rubric import rubric

KEYS = rubric().keys


def _audit(world: Any, review_id: int) -> list[tuple[str, str | None, str, str]]:
    with world.app.store.session() as s:
        rows = s.scalars(
            select(EventRow).where(EventRow.review_id == review_id).order_by(EventRow.id)
        )
        return [(r.actor, r.from_state, r.to_state, r.note) for r in rows]


def test_full_run_is_audited(world: Any) -> None:
    editor, admin = world.who("editor_here"), world.who("admin")
    reviewer = world.who("reviewer_in")
    view = world.reviews.create(editor, world.strategy(), note="look at priority 2")
    rid = view.id
    assert view.allowed == ["submit", "invite"]
    world.reviews.submit(editor, rid)
    world.reviews.withdraw(admin, rid)
    world.reviews.submit(admin, rid)
    world.reviews.invite(editor, rid, world.who("reviewer_in").id)  # by account id
    world.reviews.start(editor, rid)
    seen = world.reviews.review(reviewer, rid)
    assert seen.invited and seen.allowed == ["score"] and not seen.can_manage
    world.reviews.score(reviewer, rid, {k: (4, "") for k in KEYS})
    done = world.reviews.complete(admin, rid)
    assert done.state == "completed" and done.version == 6 and done.allowed == []
    assert _audit(world, rid) == [
        ("test-editor_here", None, "draft", "create"),
        ("test-editor_here", "draft", "submitted", "submit"),
        ("test-admin", "submitted", "draft", "withdraw"),
        ("test-admin", "draft", "submitted", "submit"),
        ("test-editor_here", "submitted", "submitted", "invited test-reviewer_in"),
        ("test-editor_here", "submitted", "in review", "start"),
        ("test-reviewer_in", "in review", "in review", f"scored {len(KEYS)} criteria"),
        ("test-admin", "in review", "completed", "complete"),
    ]
    assert all(e.at is not None for e in done.events)


#: (the state the review is in, an action the state does not allow)
WRONG = [
    ("draft", "withdraw"),
    ("draft", "start"),
    ("draft", "complete"),
    ("submitted", "submit"),
    ("submitted", "complete"),
    ("in review", "submit"),
    ("in review", "withdraw"),
    ("in review", "start"),
    ("completed", "submit"),
    ("completed", "withdraw"),
    ("completed", "start"),
    ("completed", "complete"),
]


@pytest.mark.parametrize(("state", "action"), WRONG)
def test_wrong_state_refused(world: Any, state: str, action: str) -> None:
    rid = world.review(state, scored=state in ("in review", "completed"))
    before = _audit(world, rid)
    with pytest.raises(ConflictError) as caught:
        getattr(world.reviews, action)(world.who("admin"), rid)
    err = caught.value
    assert f"is {state!r}" in str(err) and repr(action) in str(err)
    assert f"state {state!r}" in (err.found or "")
    assert "actions allowed" in (err.fix or "")
    assert _audit(world, rid) == before
    assert world.reviews.review(world.who("admin"), rid).state == state


def test_invite_and_score_refused_in_wrong_states(world: Any) -> None:
    done = world.review("completed", scored=True)
    with pytest.raises(ConflictError, match="'invite'"):
        world.reviews.invite(world.who("admin"), done, "test-reviewer_in2")
    with pytest.raises(ConflictError, match="'score'") as caught:
        world.reviews.score(world.who("reviewer_in"), done, {KEYS[0]: (2, "")})
    assert "none" in (caught.value.fix or "")  # nothing is allowed on a completed review
    submitted = world.review("submitted")
    with pytest.raises(ConflictError, match="'submitted'"):
        world.reviews.score(world.who("reviewer_in"), submitted, {KEYS[0]: (2, "")})


def test_start_needs_an_invitee(world: Any) -> None:
    rid = world.review("submitted", invite=False)
    with pytest.raises(ConflictError, match="no invited reviewer"):
        world.reviews.start(world.who("admin"), rid)
    assert world.reviews.review(world.who("admin"), rid).state == "submitted"


def test_complete_needs_a_reviewer_who_scored_everything(world: Any) -> None:
    rid = world.review("in review")
    reviewer = world.who("reviewer_in")
    world.reviews.score(reviewer, rid, {k: (3, "") for k in KEYS[:-1]})
    with pytest.raises(ConflictError, match="scored every criterion"):
        world.reviews.complete(world.who("admin"), rid)
    # "not applicable" counts as scored
    view = world.reviews.score(reviewer, rid, {KEYS[-1]: (None, "does not apply here")})
    assert view.my_scores[KEYS[-1]].score is None
    assert world.reviews.complete(world.who("admin"), rid).state == "completed"


def test_scores_all_or_nothing_and_bounded(world: Any) -> None:
    rid = world.review("in review")
    reviewer = world.who("reviewer_in")
    bad: list[dict[str, Any]] = [
        {KEYS[0]: (4, ""), "no-such-criterion": (3, "")},
        {KEYS[0]: (4, ""), KEYS[1]: (6, "")},
        {KEYS[0]: (0, "")},
        {KEYS[0]: (True, "")},
        {KEYS[0]: (3.5, "")},
        {KEYS[0]: (3, "x" * 2001)},
        {},
    ]
    before = _audit(world, rid)
    for scores in bad:
        with pytest.raises(ValidationError):
            world.reviews.score(reviewer, rid, scores)
    with world.app.store.session() as s:
        assert list(s.scalars(select(ScoreRow).where(ScoreRow.review_id == rid))) == []
    assert _audit(world, rid) == before
    # the bounds themselves are accepted; a score given again replaces the first
    world.reviews.score(reviewer, rid, {KEYS[0]: (1, "x" * 2000), KEYS[1]: {"score": 5}})
    view = world.reviews.score(reviewer, rid, {KEYS[0]: {"score": 2, "comment": "revised"}})
    assert (view.my_scores[KEYS[0]].score, view.my_scores[KEYS[0]].comment) == (2, "revised")
    assert view.my_scores[KEYS[1]].score == 5


def test_refused_invitations_write_nothing(world: Any) -> None:
    rid = world.review("draft")
    before = _audit(world, rid)
    with pytest.raises(ConflictError, match="already invited"):
        world.reviews.invite(world.who("admin"), rid, "test-reviewer_in")
    with pytest.raises(UnknownRecordError):
        world.reviews.invite(world.who("admin"), rid, "nobody-here")
    with pytest.raises(UnknownRecordError):
        world.reviews.invite(world.who("admin"), rid, 999_999)
    assert _audit(world, rid) == before
    with world.app.store.session() as s:
        names = s.scalars(select(InvitationRow.account_name).where(InvitationRow.review_id == rid))
        assert list(names) == ["test-reviewer_in"]


def test_one_open_review_per_strategy(world: Any) -> None:
    editor = world.who("editor_here")
    strategy = world.strategy()
    first = world.reviews.create(editor, strategy)
    with pytest.raises(ConflictError, match=f"open review \\({first.id}\\)"):
        world.reviews.create(editor, strategy)
    with pytest.raises(UnknownRecordError):
        world.reviews.create(editor, 987_654)
    with pytest.raises(UnknownRecordError):
        world.reviews.review(editor, 987_654)


def test_list_filters(world: Any) -> None:
    rid = world.review("submitted")
    admin = world.who("admin")
    assert rid in {v.id for v in world.reviews.list(admin, region="CZ0", state="submitted")}
    assert rid not in {v.id for v in world.reviews.list(admin, state="draft")}
    assert rid not in {v.id for v in world.reviews.list(admin, region="ES")}
    with pytest.raises(ValidationError, match="unknown review state"):
        world.reviews.list(admin, state="archived")


def test_on_postgresql(fresh_world: Any, postgres_url: str) -> None:
    world = fresh_world(database_url=postgres_url)
    assert world.app.store.engine.dialect.name == "postgresql"
    rid = world.review("in review")
    world.reviews.score(world.who("reviewer_in"), rid, {k: (2, "") for k in KEYS})
    with pytest.raises(ConflictError, match="'in review'"):
        world.reviews.start(world.who("admin"), rid)
    done = world.reviews.complete(world.who("admin"), rid)
    assert [e.to_state for e in done.events][-1] == "completed"
    out = world.reviews.results(None, rid)
    assert out["steps"][0]["mean"] == 2.0 and out["named"] is False
    saved = world.reviews.save_self_assessment(
        world.who("editor_here"), "CZ064", {"gg-body": 4, "gg-edp": None}, year=2025
    )
    assert saved["answers"] == {"gg-body": 4, "gg-edp": None}
    assert world.reviews.region_results(None, "CZ064")["review"]["review_id"] == rid
