"""Monitoring: objectives, actions, indicators, targets, values, history, settings.

Revision ID: m001_monitoring
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "m001_monitoring"
down_revision = None
branch_labels = ("monitoring",)
depends_on = ("0001_datasets", "r001_registry")


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=True),
    ]


def upgrade() -> None:
    """Create the monitoring domain's tables."""
    op.create_table(
        "monitoring_objectives",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "strategy_id", sa.Integer(), sa.ForeignKey("registry_strategies.id"), nullable=False
        ),
        sa.Column(
            "priority_id", sa.Integer(), sa.ForeignKey("registry_priorities.id"), nullable=True
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_stamps(),
        sqlite_autoincrement=True,
    )
    for column in ("strategy_id", "priority_id"):
        op.create_index(f"ix_monitoring_objectives_{column}", "monitoring_objectives", [column])
    op.create_table(
        "monitoring_actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "objective_id",
            sa.Integer(),
            sa.ForeignKey("monitoring_objectives.id"),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("instrument", sa.Text(), nullable=False),
        sa.Column("budget", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        *_stamps(),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_monitoring_actions_objective_id", "monitoring_actions", ["objective_id"])
    op.create_table(
        "monitoring_indicators",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "strategy_id", sa.Integer(), sa.ForeignKey("registry_strategies.id"), nullable=False
        ),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column(
            "priority_id", sa.Integer(), sa.ForeignKey("registry_priorities.id"), nullable=True
        ),
        sa.Column(
            "objective_id", sa.Integer(), sa.ForeignKey("monitoring_objectives.id"), nullable=True
        ),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("monitoring_actions.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("computed", sa.JSON(), nullable=True),
        sa.Column("caveats", sa.JSON(), nullable=False),
        sa.Column("computed_version", sa.String(200), nullable=True),
        sa.Column("starter_key", sa.String(64), nullable=True),
        *_stamps(),
        sqlite_autoincrement=True,
    )
    for column in ("strategy_id", "region", "starter_key"):
        op.create_index(f"ix_monitoring_indicators_{column}", "monitoring_indicators", [column])
    op.create_table(
        "monitoring_targets",
        sa.Column(
            "indicator_id",
            sa.Integer(),
            sa.ForeignKey("monitoring_indicators.id"),
            primary_key=True,
        ),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )
    op.create_table(
        "monitoring_values",
        sa.Column(
            "indicator_id",
            sa.Integer(),
            sa.ForeignKey("monitoring_indicators.id"),
            primary_key=True,
        ),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("data_version", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "monitoring_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_monitoring_history_record_id", "monitoring_history", ["record_id"])
    op.create_table(
        "monitoring_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    """Drop the monitoring domain's tables."""
    for table in (
        "monitoring_meta",
        "monitoring_history",
        "monitoring_values",
        "monitoring_targets",
        "monitoring_indicators",
        "monitoring_actions",
        "monitoring_objectives",
    ):
        op.drop_table(table)
