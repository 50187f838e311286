"""Peer review and self-assessment: reviews, invitations, scores, events, self-assessments.

Revision ID: v001_review
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v001_review"
down_revision = None
branch_labels = ("review",)
depends_on = ("0001_datasets", "r001_registry")


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _review_fk() -> sa.Column:
    return sa.Column(
        "review_id",
        sa.Integer(),
        sa.ForeignKey("review_reviews.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    """Create the review domain's tables."""
    op.create_table(
        "review_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "strategy_id", sa.Integer(), sa.ForeignKey("registry_strategies.id"), nullable=False
        ),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        sa.Column("created_by", sa.String(200), nullable=False),
        _stamp("updated_at"),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    for column in ("strategy_id", "region", "state"):
        op.create_index(f"ix_review_reviews_{column}", "review_reviews", [column])
    op.create_table(
        "review_invitations",
        _review_fk(),
        sa.Column("account_id", sa.Integer(), primary_key=True),
        sa.Column("account_name", sa.String(80), nullable=False),
        _stamp("invited_at"),
        sa.Column("invited_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "review_scores",
        _review_fk(),
        sa.Column("account_id", sa.Integer(), primary_key=True),
        sa.Column("criterion", sa.String(64), primary_key=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        _stamp("updated_at"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "review_id",
            sa.Integer(),
            sa.ForeignKey("review_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _stamp("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_review_events_review_id", "review_events", ["review_id"])
    op.create_table(
        "review_self_assessments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "strategy_id", sa.Integer(), sa.ForeignKey("registry_strategies.id"), nullable=True
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("saved_at"),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("region", "year", name="uq_review_self_assessment"),
    )
    op.create_index("ix_review_self_assessments_region", "review_self_assessments", ["region"])


def downgrade() -> None:
    """Drop the review domain's tables."""
    for table in (
        "review_self_assessments",
        "review_events",
        "review_scores",
        "review_invitations",
        "review_reviews",
    ):
        op.drop_table(table)
