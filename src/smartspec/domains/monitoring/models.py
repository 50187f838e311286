"""The monitoring domain's tables (SQLAlchemy 2 models on the store's one ``Base``).

The intervention logic of a strategy: the registry's strategy and priorities, then

=========================== =======================================================================
table                       holds
=========================== =======================================================================
``monitoring_objectives``   specific objectives of a strategy, each under one of its priorities
                            (or none)
``monitoring_actions``      actions (and their instruments, budgets) serving an objective
``monitoring_indicators``   output, result and context indicators: definition, unit, source,
                            direction, baseline; a computed one keeps its spec (``computed``)
``monitoring_targets``      milestones and the target of an indicator, one per year
``monitoring_values``       observed values, one per indicator and year: entered, imported or
                            computed (with the data version they were computed from)
``monitoring_history``      every change: what, which version, when, who, how, the changes
``monitoring_meta``         key/value settings of the domain (``example_loaded``)
=========================== =======================================================================
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartspec.store.models import Base

__all__ = [
    "ActionRow",
    "HistoryRow",
    "IndicatorRow",
    "MonitoringMetaRow",
    "ObjectiveRow",
    "TargetRow",
    "ValueRow",
]


def _now() -> datetime:
    return datetime.now(UTC)


class _Stamped:
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ObjectiveRow(_Stamped, Base):
    """A specific objective of a strategy (table ``monitoring_objectives``)."""

    __tablename__ = "monitoring_objectives"
    # ids are never reused: the history of a deleted record stays its own
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    strategy_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_strategies.id"), nullable=False, index=True
    )
    priority_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("registry_priorities.id"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ActionRow(_Stamped, Base):
    """An action (or instrument) serving an objective (table ``monitoring_actions``)."""

    __tablename__ = "monitoring_actions"
    # ids are never reused: the history of a deleted record stays its own
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    objective_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("monitoring_objectives.id"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    instrument: Mapped[str] = mapped_column(Text, nullable=False, default="")
    budget: Mapped[float | None] = mapped_column(Float, nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class IndicatorRow(_Stamped, Base):
    """An output, result or context indicator (table ``monitoring_indicators``)."""

    __tablename__ = "monitoring_indicators"
    # ids are never reused: the history of a deleted record stays its own
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    strategy_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_strategies.id"), nullable=False, index=True
    )
    region: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    priority_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("registry_priorities.id"), nullable=True
    )
    objective_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("monitoring_objectives.id"), nullable=True
    )
    action_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("monitoring_actions.id"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False, default="")
    unit: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    higher_is_better: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    baseline_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    baseline_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    computed: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    caveats: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    computed_version: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starter_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class TargetRow(Base):
    """A milestone or the target of an indicator in a year (table ``monitoring_targets``)."""

    __tablename__ = "monitoring_targets"

    indicator_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("monitoring_indicators.id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="milestone")


class ValueRow(Base):
    """An observed value of an indicator in a year (table ``monitoring_values``)."""

    __tablename__ = "monitoring_values"

    indicator_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("monitoring_indicators.id"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    origin: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")
    data_version: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    entered_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    entered_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )


class HistoryRow(Base):
    """One change of a monitoring record (table ``monitoring_history``)."""

    __tablename__ = "monitoring_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=_now)
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class MonitoringMetaRow(Base):
    """A key/value setting of the monitoring domain (table ``monitoring_meta``)."""

    __tablename__ = "monitoring_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
