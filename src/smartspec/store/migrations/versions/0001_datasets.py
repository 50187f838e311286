"""The dataset catalogue: table ``datasets``.

Revision ID: 0001_datasets
Revises:
Create Date: 2025-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_datasets"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``datasets``."""
    op.create_table(
        "datasets",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("value_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_regions", sa.Integer(), nullable=False),
        sa.Column("n_activities", sa.Integer(), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('bundled', 'uploaded', 'file')", name="ck_datasets_kind"),
    )


def downgrade() -> None:
    """Drop ``datasets``."""
    op.drop_table("datasets")
