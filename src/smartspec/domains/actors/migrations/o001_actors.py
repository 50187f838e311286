"""The organisation registry: organisations, their project participations, settings.

Revision ID: o001_actors
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "o001_actors"
down_revision = None
branch_labels = ("actors",)
depends_on = "0001_datasets"


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Create the actors domain's tables."""
    op.create_table(
        "actors_organisations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("helix", sa.String(16), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("topics_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        sa.Column("created_by", sa.String(200), nullable=True),
        _stamp("updated_at"),
        sa.Column("updated_by", sa.String(200), nullable=True),
        sa.UniqueConstraint("source_id", name="uq_actors_organisations_source_id"),
    )
    for column in ("helix", "country", "region"):
        op.create_index(f"ix_actors_organisations_{column}", "actors_organisations", [column])
    op.create_table(
        "actors_participations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("actors_organisations.id"),
            nullable=False,
        ),
        sa.Column("project", sa.String(64), nullable=False),
        sa.Column("programme", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("contribution", sa.Float(), nullable=True),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("acronym", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "programme", "project", "organisation_id", name="uq_actors_participation"
        ),
    )
    op.create_index(
        "ix_actors_participations_organisation_id", "actors_participations", ["organisation_id"]
    )
    op.create_index(
        "ix_actors_participations_project", "actors_participations", ["programme", "project"]
    )
    op.create_table(
        "actors_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    """Drop the actors domain's tables."""
    for table in ("actors_meta", "actors_participations", "actors_organisations"):
        op.drop_table(table)
