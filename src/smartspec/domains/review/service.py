"""Peer review and self-assessment of smart specialisation strategies: :class:`Reviews`, what
the API, the pages, the CLI and the region report call.

The method follows the S3 Platform's peer reviews (Midtkandal and Rakhmatullin 2014, S3 Working
Paper 02/2014): a region presents its strategy, and peers from other regions act as "critical
friends", scoring and commenting each criterion of the rubric (:mod:`.rubric`: the six steps of
the RIS3 Guide, Foray et al. 2012, and the seven good-governance criteria of Regulation (EU)
2021/1060, Annex IV, enabling condition 1.1).

Workflow (every change in one transaction, audited in ``review_events``)::

    draft --submit--> submitted --start--> in review --complete--> completed
      ^                   |
      +----withdraw-------+

=============== =================== ===================================================
action          states              who
=============== =================== ===================================================
create          (new) -> draft      administrators, editors of the strategy's region
submit          draft -> submitted  administrators, editors of the region
withdraw        submitted -> draft  administrators, editors of the region
invite          draft .. in review  administrators, editors of the region
start           submitted -> in     administrators, editors of the region; one invitee
                review              at least
score           in review           the invited reviewers (never of their own region)
complete        in review ->        administrators, editors of the region; one invitee
                completed           at least who scored every criterion
=============== =================== ===================================================

Refusals: nobody signed in, 401 (:class:`AuthenticationRequiredError`); a role or grant that
does not allow the action, 403 (:class:`ForbiddenError`); the action in a state that does not
allow it, 409 (:class:`ConflictError`, naming the current state and the actions allowed in it).

Visibility: administrators and the region's editors see a review and its results at any time,
with the reviewers' names; an invited reviewer sees the review and their own scores; every
reader sees completed reviews and their results, with the reviewers anonymised ("reviewer 1",
"reviewer 2", by invitation order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import (
    Account,
    can_edit_region,
    region_covered,
    require_account,
    require_reader,
    require_region,
)
from smartspec.domains.accounts.service import UserView
from smartspec.domains.errors import ConflictError, ForbiddenError, UnknownRecordError
from smartspec.domains.registry.checks import region_code

from .models import EventRow, InvitationRow, ReviewRow, ScoreRow
from .scoring import LIMITS, aware, clean_score, clean_text, consolidate, now
from .selfassess import SelfAssessments
from .views import (
    ACTIONS,
    STATES,
    TRANSITIONS,
    InviteeView,
    ReviewEventView,
    ReviewView,
    ScoreView,
)

__all__ = ["Reviews"]


class Reviews(SelfAssessments):
    """Peer reviews (and self-assessments: :class:`~.selfassess.SelfAssessments`) on a
    :class:`~smartspec.store.Store`; made as
    ``Reviews(store, registry, accounts, public_read=...)``."""

    @staticmethod
    def _row(s: Session, review_id: int) -> ReviewRow:
        row = s.get(ReviewRow, review_id)
        if row is None:
            raise UnknownRecordError(
                f"there is no review {review_id}",
                where="review_id",
                fix="list the reviews (GET /api/v1/reviews, `smartspec review list`)",
            )
        return row

    @staticmethod
    def _invitation(s: Session, review_id: int, actor: Account | None) -> InvitationRow | None:
        if actor is None:
            return None
        return s.get(InvitationRow, (review_id, actor.id))

    @staticmethod
    def _state_conflict(row: ReviewRow, action: str) -> ConflictError:
        allowed = [name for name, states in ACTIONS.items() if row.state in states]
        return ConflictError(
            f"review {row.id} is {row.state!r}: it cannot be given the action {action!r} now",
            where="state",
            expected=f"a review in state {' or '.join(repr(x) for x in ACTIONS[action])}",
            found=f"state {row.state!r}",
            fix=f"actions allowed in state {row.state!r}: {', '.join(allowed) or 'none'}",
        )

    @staticmethod
    def _event(
        s: Session, row: ReviewRow, actor: Account, before: str | None, after: str, note: str
    ) -> None:
        s.add(
            EventRow(
                review_id=row.id,
                at=now(),
                actor=actor.name,
                from_state=before,
                to_state=after,
                note=note,
            )
        )

    def _manages(self, actor: Account | None, row: ReviewRow) -> bool:
        return can_edit_region(actor, row.region)

    def _require_visible(self, actor: Account | None, s: Session, row: ReviewRow) -> None:
        if self._manages(actor, row) or self._invitation(s, row.id, actor) is not None:
            return
        if row.state == "completed":
            require_reader(actor, self.public_read, "reading a peer review")
            return
        who = require_account(actor, f"reading review {row.id} before it is completed")
        raise ForbiddenError(
            f"review {row.id} is not completed: only administrators, the editors of region "
            f"{row.region} and the invited reviewers may read it",
            expected="an administrator, an editor of the region or an invited reviewer",
            found=f"account {who.name!r} (role {who.role})",
            fix="wait until the review is completed",
        )

    def _allowed(self, actor: Account | None, row: ReviewRow, invited: bool) -> list[str]:
        out = []
        if self._manages(actor, row):
            out = [a for a, states in ACTIONS.items() if a != "score" and row.state in states]
        if (
            invited
            and actor is not None
            and row.state in ACTIONS["score"]
            and not region_covered(actor.regions, row.region)
        ):
            out.append("score")
        return out

    def _view(self, s: Session, row: ReviewRow, actor: Account | None) -> ReviewView:
        rb = self.rubric
        manager = self._manages(actor, row)
        mine = self._invitation(s, row.id, actor)
        invitations = list(
            s.scalars(
                select(InvitationRow)
                .where(InvitationRow.review_id == row.id)
                .order_by(InvitationRow.invited_at, InvitationRow.account_id)
            )
        )
        counts = dict(
            s.execute(
                select(ScoreRow.account_id, func.count())
                .where(ScoreRow.review_id == row.id, ScoreRow.criterion.in_(rb.keys))
                .group_by(ScoreRow.account_id)
            ).all()
        )
        invitees = [
            InviteeView(
                account_id=i.account_id,
                name=i.account_name,
                invited_at=aware(i.invited_at),
                invited_by=i.invited_by,
                scored=int(counts.get(i.account_id, 0)),
                complete=int(counts.get(i.account_id, 0)) >= len(rb.keys),
            )
            for i in invitations
            if manager or (mine is not None and i.account_id == mine.account_id)
        ]
        events = [
            ReviewEventView(
                at=aware(e.at),
                actor=e.actor if manager or (actor is not None and e.actor == actor.name) else None,
                from_state=e.from_state,
                to_state=e.to_state,
                note=e.note if manager or e.from_state != e.to_state else "",
            )
            for e in s.scalars(
                select(EventRow).where(EventRow.review_id == row.id).order_by(EventRow.id)
            )
        ]
        my_scores: dict[str, ScoreView] = {}
        if mine is not None:
            for sc in s.scalars(
                select(ScoreRow).where(
                    ScoreRow.review_id == row.id, ScoreRow.account_id == mine.account_id
                )
            ):
                my_scores[sc.criterion] = ScoreView(
                    criterion=sc.criterion, score=sc.score, comment=sc.comment
                )
        strategy = self._strategy(row.strategy_id)
        return ReviewView(
            id=row.id,
            strategy_id=row.strategy_id,
            strategy_title=strategy.title,
            period=strategy.period,
            region=row.region,
            state=row.state,
            note=row.note,
            version=row.version,
            created_at=aware(row.created_at),
            created_by=row.created_by,
            updated_at=aware(row.updated_at),
            updated_by=row.updated_by,
            invitees=invitees,
            n_reviewers=len(invitations),
            events=events,
            my_scores=my_scores,
            invited=mine is not None,
            can_manage=manager,
            allowed=self._allowed(actor, row, mine is not None),
            criteria_total=len(rb.keys),
        )

    def _transition(self, actor: Account | None, review_id: int, action: str) -> ReviewView:
        before, after = TRANSITIONS[action]
        with self.store.session() as s:
            row = self._row(s, review_id)
            who = require_region(actor, row.region, f"the action {action!r} on review {review_id}")
            if row.state != before:
                raise self._state_conflict(row, action)
            if action == "start":
                self._require_invitees(s, row)
            if action == "complete":
                self._require_scored(s, row)
            version = row.version
            done = s.execute(
                update(ReviewRow)
                .where(ReviewRow.id == row.id, ReviewRow.state == before)
                .values(state=after, version=version + 1, updated_at=now(), updated_by=who.name)
                .execution_options(synchronize_session=False)
            )
            if getattr(done, "rowcount", 1) != 1:  # changed by someone else meanwhile
                s.refresh(row)
                raise self._state_conflict(row, action)
            self._event(s, row, who, before, after, action)
            s.flush()
            s.refresh(row)
            return self._view(s, row, who)

    @staticmethod
    def _require_invitees(s: Session, row: ReviewRow) -> None:
        n = s.scalar(
            select(func.count()).select_from(InvitationRow).where(InvitationRow.review_id == row.id)
        )
        if not n:
            raise ConflictError(
                f"review {row.id} has no invited reviewer: it cannot start",
                where="invitees",
                expected="at least one invited reviewer",
                found="none",
                fix="invite a reviewer first (action 'invite')",
            )

    def _require_scored(self, s: Session, row: ReviewRow) -> None:
        keys = self.rubric.keys
        done = s.scalars(
            select(ScoreRow.account_id)
            .join(
                InvitationRow,
                (InvitationRow.review_id == ScoreRow.review_id)
                & (InvitationRow.account_id == ScoreRow.account_id),
            )
            .where(ScoreRow.review_id == row.id, ScoreRow.criterion.in_(keys))
            .group_by(ScoreRow.account_id)
            .having(func.count() >= len(keys))
        ).first()
        if done is None:
            raise ConflictError(
                f"no reviewer has scored every criterion of review {row.id}: it cannot be "
                "completed",
                where="scores",
                expected=f"at least one invited reviewer with all {len(keys)} criteria scored "
                "(or marked not applicable)",
                found="none complete",
                fix="wait for the reviewers to finish scoring",
            )

    # ------------------------------------------------------------------ workflow
    def create(self, actor: Account | None, strategy_id: int, note: str = "") -> ReviewView:
        """Open a peer review of a registry strategy (state ``draft``): administrators and the
        editors of the strategy's region; one open (not completed) review per strategy."""
        require_account(actor, "starting a peer review")
        strategy = self._strategy(strategy_id)
        who = require_region(actor, strategy.region, "starting a peer review")
        text = clean_text(note, "note", LIMITS["note"])
        with self.store.session() as s:
            open_ = s.scalars(
                select(ReviewRow.id).where(
                    ReviewRow.strategy_id == strategy.id, ReviewRow.state != "completed"
                )
            ).first()
            if open_ is not None:
                raise ConflictError(
                    f"strategy {strategy.id} already has an open review ({open_})",
                    where="strategy_id",
                    expected="a strategy without a review in progress",
                    found=f"review {open_}",
                    fix=f"continue review {open_}, or complete it first",
                )
            moment = now()
            row = ReviewRow(
                strategy_id=strategy.id,
                region=strategy.region,
                state="draft",
                note=text,
                version=1,
                created_at=moment,
                created_by=who.name,
                updated_at=moment,
                updated_by=who.name,
            )
            s.add(row)
            s.flush()
            self._event(s, row, who, None, "draft", "create")
            s.flush()
            return self._view(s, row, who)

    def submit(self, actor: Account | None, review_id: int) -> ReviewView:
        """``draft`` → ``submitted`` (administrators, the region's editors)."""
        return self._transition(actor, review_id, "submit")

    def withdraw(self, actor: Account | None, review_id: int) -> ReviewView:
        """``submitted`` → ``draft`` (administrators, the region's editors)."""
        return self._transition(actor, review_id, "withdraw")

    def start(self, actor: Account | None, review_id: int) -> ReviewView:
        """``submitted`` → ``in review`` (administrators, the region's editors; one invited
        reviewer at least)."""
        return self._transition(actor, review_id, "start")

    def complete(self, actor: Account | None, review_id: int) -> ReviewView:
        """``in review`` → ``completed`` (administrators, the region's editors; at least one
        invited reviewer who scored every criterion)."""
        return self._transition(actor, review_id, "complete")

    def _invitee(self, reviewer: int | str) -> UserView:
        """The active account ``reviewer`` (id or login name), read through the accounts
        service."""
        by_id = isinstance(reviewer, int) or (isinstance(reviewer, str) and reviewer.isdigit())
        for user in self._users():
            if user.active and (user.id == int(reviewer) if by_id else user.name == reviewer):
                return user
        raise UnknownRecordError(
            f"there is no active account {reviewer!r} to invite",
            where="reviewer",
            expected="the id or login name of an active account",
            found=repr(reviewer)[:80],
            fix="an administrator lists the accounts with `smartspec user list`",
        )

    def invite(self, actor: Account | None, review_id: int, reviewer: int | str) -> ReviewView:
        """Invite a reviewer (by account id or login name): administrators and the region's
        editors, while the review is not completed. The invitee must have the role
        ``reviewer`` (or ``editor``) and no grant covering the region: a reviewer cannot review
        their own region (:class:`ValidationError` otherwise)."""
        with self.store.session() as s:
            row = self._row(s, review_id)
            who = require_region(actor, row.region, f"inviting reviewers to review {review_id}")
            if row.state not in ACTIONS["invite"]:
                raise self._state_conflict(row, "invite")
            user = self._invitee(reviewer)
            if user.role not in ("reviewer", "editor"):
                raise ValidationError(
                    f"the account {user.name!r} cannot be invited as a reviewer",
                    where="reviewer",
                    expected="an account with the role reviewer (or editor)",
                    found=f"role {user.role}",
                    fix="invite a reviewer, or ask an administrator to give the role",
                )
            grants = user.regions
            if region_covered(grants, row.region):
                raise ValidationError(
                    f"a reviewer cannot review their own region: {user.name!r} is granted "
                    f"a region covering {row.region}",
                    where="reviewer",
                    expected=f"a reviewer without a grant covering {row.region}",
                    found=f"grants {', '.join(sorted(grants))}",
                    fix="invite a peer from another region",
                )
            if s.get(InvitationRow, (row.id, user.id)) is not None:
                raise ConflictError(
                    f"{user.name!r} is already invited to review {row.id}",
                    where="reviewer",
                    expected="a reviewer not yet invited",
                    found=user.name,
                )
            s.add(
                InvitationRow(
                    review_id=row.id,
                    account_id=user.id,
                    account_name=user.name,
                    invited_at=now(),
                    invited_by=who.name,
                )
            )
            self._event(s, row, who, row.state, row.state, f"invited {user.name}")
            s.flush()
            return self._view(s, row, who)

    def candidates(self, actor: Account | None, review_id: int) -> list[dict[str, Any]]:
        """The accounts that may be invited: active, role reviewer or editor, no grant covering
        the region, not yet invited (administrators and the region's editors)."""
        with self.store.session() as s:
            row = self._row(s, review_id)
            require_region(actor, row.region, f"inviting reviewers to review {review_id}")
            invited = set(
                s.scalars(select(InvitationRow.account_id).where(InvitationRow.review_id == row.id))
            )
            out = []
            for user in self._users():
                if (
                    user.active
                    and user.role in ("reviewer", "editor")
                    and user.id not in invited
                    and not region_covered(user.regions, row.region)
                ):
                    out.append({"id": user.id, "name": user.name, "role": user.role})
            return out

    def _clean_scores(self, scores: Mapping[str, Any]) -> dict[str, tuple[int | None, str]]:
        if not isinstance(scores, Mapping) or not scores:
            raise ValidationError(
                "no scores given",
                where="scores",
                expected="scores by criterion key: {key: (score 1-5 or null, comment)}",
                found=repr(scores)[:80],
            )
        rb = self.rubric
        out: dict[str, tuple[int | None, str]] = {}
        for key, value in scores.items():
            rb.criterion(key)
            if isinstance(value, tuple | list):
                raw, comment = (value[0] if value else None), (value[1] if len(value) > 1 else "")
            elif isinstance(value, Mapping):
                raw, comment = value.get("score"), value.get("comment", "")
            elif hasattr(value, "score"):
                raw, comment = value.score, getattr(value, "comment", "")
            else:
                raw, comment = value, ""
            out[key] = (
                clean_score(raw, f"scores.{key}"),
                clean_text(comment, f"comment of {key}", LIMITS["comment"]),
            )
        return out

    def score(self, actor: Account | None, review_id: int, scores: Mapping[str, Any]) -> ReviewView:
        """Record the acting reviewer's scores: ``{criterion: (score 1-5 or None, comment)}``
        (or ``{"score": .., "comment": ..}`` values); a criterion scored again replaces the
        earlier score. Only invited reviewers, not of the region, while ``in review``."""
        who = require_account(actor, f"scoring review {review_id}")
        with self.store.session() as s:
            row = self._row(s, review_id)
            if self._invitation(s, row.id, who) is None:
                raise ForbiddenError(
                    f"only the reviewers invited to review {review_id} may score it",
                    expected="an invited reviewer",
                    found=f"account {who.name!r} (role {who.role}), not invited",
                    fix="ask an administrator or an editor of the region to invite you",
                )
            if region_covered(who.regions, row.region):
                raise ForbiddenError(
                    f"a reviewer cannot review their own region ({row.region})",
                    expected=f"a reviewer without a grant covering {row.region}",
                    found=f"grants {', '.join(sorted(who.regions))}",
                    fix="leave this review to peers from other regions",
                )
            if row.state not in ACTIONS["score"]:
                raise self._state_conflict(row, "score")
            clean = self._clean_scores(scores)
            moment = now()
            for key, (value, comment) in clean.items():
                found = s.get(ScoreRow, (row.id, who.id, key))
                if found is None:
                    s.add(
                        ScoreRow(
                            review_id=row.id,
                            account_id=who.id,
                            criterion=key,
                            score=value,
                            comment=comment,
                            updated_at=moment,
                        )
                    )
                else:
                    found.score, found.comment, found.updated_at = value, comment, moment
            self._event(s, row, who, row.state, row.state, f"scored {len(clean)} criteria")
            s.flush()
            return self._view(s, row, who)

    # ------------------------------------------------------------------ reading
    def review(self, actor: Account | None, review_id: int) -> ReviewView:
        """One review as ``actor`` may see it (see the module: who sees what)."""
        with self.store.session() as s:
            row = self._row(s, review_id)
            self._require_visible(actor, s, row)
            return self._view(s, row, actor)

    def results(self, actor: Account | None, review_id: int) -> dict[str, Any]:
        """The consolidated results of a review (:func:`consolidate`): administrators and the
        region's editors at any time, with the reviewers' names; every reader once the review
        is completed, the reviewers then anonymised ("reviewer 1", "reviewer 2", in the order
        they were invited)."""
        with self.store.session() as s:
            row = self._row(s, review_id)
            manager = self._manages(actor, row)
            if not manager and row.state != "completed":
                who = require_account(actor, f"reading the results of review {review_id}")
                raise ForbiddenError(
                    f"the results of review {review_id} are shown once it is completed "
                    f"(it is {row.state!r})",
                    expected="an administrator or an editor of the region, or a completed review",
                    found=f"account {who.name!r} (role {who.role})",
                    fix="an invited reviewer sees their own scores on the review",
                )
            require_reader(actor, self.public_read, "reading peer review results")
            invitations = list(
                s.scalars(
                    select(InvitationRow)
                    .where(InvitationRow.review_id == row.id)
                    .order_by(InvitationRow.invited_at, InvitationRow.account_id)
                )
            )
            labels = {
                i.account_id: i.account_name if manager else f"reviewer {n}"
                for n, i in enumerate(invitations, start=1)
            }
            rows = list(
                s.scalars(
                    select(ScoreRow)
                    .where(ScoreRow.review_id == row.id)
                    .order_by(ScoreRow.criterion, ScoreRow.account_id)
                )
            )
            out = consolidate(
                self.rubric,
                [
                    (labels[r.account_id], r.criterion, r.score, r.comment)
                    for r in rows
                    if r.account_id in labels
                ],
            )
            strategy = self._strategy(row.strategy_id)
            scored = {r.account_id for r in rows if r.account_id in labels}
            return {
                "review_id": row.id,
                "strategy_id": row.strategy_id,
                "strategy_title": strategy.title,
                "period": strategy.period,
                "region": row.region,
                "state": row.state,
                "final": row.state == "completed",
                "updated_at": aware(row.updated_at).isoformat(),
                "reviewers_invited": len(invitations),
                "reviewers_scored": len(scored),
                "named": manager,
                **out,
            }

    # ------------------------------------------------------------------ report
    def region_results(self, actor: Account | None, region: str) -> dict[str, Any]:
        """What the region report shows: the results of the region's latest completed review
        (``None`` when none), its completed reviews, and its latest self-assessment."""
        require_reader(actor, self.public_read, "reading peer review results")
        code = region_code(region)
        with self.store.session() as s:
            done = list(
                s.scalars(
                    select(ReviewRow)
                    .where(ReviewRow.region == code, ReviewRow.state == "completed")
                    .order_by(ReviewRow.updated_at.desc(), ReviewRow.id.desc())
                )
            )
            history = [
                {
                    "review_id": r.id,
                    "strategy_id": r.strategy_id,
                    "completed_at": aware(r.updated_at).isoformat(),
                }
                for r in done
            ]
        own = self.self_assessments(actor, code)
        return {
            "region": code,
            "review": self.results(actor, done[0].id) if done else None,
            "completed_reviews": history,
            "self_assessment": own[0] if own else None,
            "steps": [
                {"key": s.key, "number": s.number, "title": dict(s.title)}
                for s in self.rubric.steps
            ],
        }

    # ----------------------------------------- listing (last: the name shadows the built-in)
    def list(
        self, actor: Account | None, region: str | None = None, state: str | None = None
    ) -> list[ReviewView]:
        """The reviews ``actor`` may see (of a region and the regions below it; in a state),
        newest first."""
        require_reader(actor, self.public_read, "reading peer reviews")
        query = select(ReviewRow).order_by(ReviewRow.updated_at.desc(), ReviewRow.id.desc())
        if region:
            code = region_code(region)
            query = query.where(ReviewRow.region.startswith(code, autoescape=True))
        if state:
            if state not in STATES:
                raise ValidationError(
                    f"unknown review state {state!r}",
                    where="state",
                    expected=", ".join(STATES),
                    found=repr(state)[:40],
                )
            query = query.where(ReviewRow.state == state)
        with self.store.session() as s:
            mine: set[int] = set()
            if actor is not None:
                mine = set(
                    s.scalars(
                        select(InvitationRow.review_id).where(InvitationRow.account_id == actor.id)
                    )
                )
            return [
                self._view(s, row, actor)
                for row in s.scalars(query)
                if row.state == "completed" or row.id in mine or self._manages(actor, row)
            ]
