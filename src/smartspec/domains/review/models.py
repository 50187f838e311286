"""The review domain's tables (SQLAlchemy 2 models on the store's one ``Base``).

============================ ======================================================================
table                        holds
============================ ======================================================================
``review_reviews``           one peer review of a registry strategy: its region, state (``draft``,
                             ``submitted``, ``in review``, ``completed``), version, who created and
                             last changed it, and when
``review_invitations``       the reviewers invited to a review (account id and name, who invited)
``review_scores``            one score (1-5, or null: not applicable) and comment per reviewer and
                             criterion of the rubric
``review_events``            the audit of a review: every state change, invitation and scoring
                             (at, actor, from, to, note)
``review_self_assessments``  a region's self-assessment against the same rubric, one per region
                             and year: answers and comments by criterion
============================ ======================================================================
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartspec.store.models import Base, _now

__all__ = [
    "EventRow",
    "InvitationRow",
    "ReviewRow",
    "ScoreRow",
    "SelfAssessmentRow",
]


class ReviewRow(Base):
    """A peer review of a strategy (table ``review_reviews``)."""

    __tablename__ = "review_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    strategy_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_strategies.id"), nullable=False, index=True
    )
    region: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft", index=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    created_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class InvitationRow(Base):
    """A reviewer invited to a review (table ``review_invitations``)."""

    __tablename__ = "review_invitations"

    review_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("review_reviews.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_name: Mapped[str] = mapped_column(String(80), nullable=False)
    invited_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    invited_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class ScoreRow(Base):
    """One reviewer's score of one criterion (table ``review_scores``)."""

    __tablename__ = "review_scores"

    review_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("review_reviews.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )


class EventRow(Base):
    """One audited event of a review (table ``review_events``)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("review_reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=_now)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SelfAssessmentRow(Base):
    """A region's self-assessment of one year (table ``review_self_assessments``)."""

    __tablename__ = "review_self_assessments"
    __table_args__ = (UniqueConstraint("region", "year", name="uq_review_self_assessment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    strategy_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("registry_strategies.id"), nullable=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    comments: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    saved_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    saved_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
