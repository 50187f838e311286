"""The priorities registry: regions, strategies, priorities, their codes, history, settings, and
the full-text index (SQLite FTS5 table, or a PostgreSQL tsvector column with a GIN index).

Revision ID: r001_registry
Revises:
Create Date: 2026-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r001_registry"
down_revision = None
branch_labels = ("registry",)
depends_on = "0001_datasets"


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Create the registry's tables and its full-text index."""
    op.create_table(
        "registry_regions",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("parent", sa.String(16), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
    )
    op.create_index("ix_registry_regions_country", "registry_regions", ["country"])
    op.create_table(
        "registry_strategies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("region", sa.String(16), sa.ForeignKey("registry_regions.code"), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("region", "period", name="uq_registry_strategy_period"),
    )
    op.create_index("ix_registry_strategies_region", "registry_strategies", ["region"])
    op.create_table(
        "registry_priorities",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "strategy_id", sa.Integer(), sa.ForeignKey("registry_strategies.id"), nullable=False
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("set_aside_codes", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        sa.Column("created_by", sa.String(200), nullable=True),
        _stamp("updated_at"),
        sa.Column("updated_by", sa.String(200), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_registry_priorities_strategy_id", "registry_priorities", ["strategy_id"])
    op.create_table(
        "registry_priority_codes",
        sa.Column(
            "priority_id",
            sa.Integer(),
            sa.ForeignKey("registry_priorities.id"),
            primary_key=True,
        ),
        sa.Column("scheme", sa.String(8), primary_key=True),
        sa.Column("code", sa.String(120), primary_key=True),
        sa.Column("declared", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_registry_codes_scheme_code", "registry_priority_codes", ["scheme", "code"])
    op.create_table(
        "registry_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("at"),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_registry_history_record", "registry_history", ["kind", "record_id", "version"]
    )
    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE registry_priorities ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_registry_priorities_search ON registry_priorities "
            "USING gin (search_vector)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE registry_priorities_fts USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    """Drop the registry's tables."""
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS registry_priorities_fts")
    for table in (
        "registry_meta",
        "registry_history",
        "registry_priority_codes",
        "registry_priorities",
        "registry_strategies",
        "registry_regions",
    ):
        op.drop_table(table)
