"""The registry's tables (SQLAlchemy 2 models on the store's one ``Base``).

=========================== =======================================================================
table                       holds
=========================== =======================================================================
``registry_regions``        the regions of any country (code, name, level, parent, country)
``registry_strategies``     a region's strategy for a period (title, status, source document)
``registry_priorities``     the declared priorities (text, language, codes, tags, version); a
                            deleted priority keeps its row (``deleted_at`` set) so that its
                            history can be read and it can be restored
``registry_priority_codes`` one row per (priority, scheme, code): what the code filters use;
                            ``declared`` is false for the NACE ancestors (division ``28`` of a
                            declared group ``28.1``, section ``C``) added so that a filter by a
                            broader code finds the narrower ones
``registry_history``        every change of a record: version, time, actor, action, field-level
                            changes and the full snapshot after the change (restores use it)
``registry_meta``           key/value settings of the registry (``example_loaded``)
=========================== =======================================================================

The full-text index is not a model: on SQLite it is the FTS5 table ``registry_priorities_fts``
(rowid = priority id, over ``search_text``), written by the service with each change; on
PostgreSQL the generated column ``registry_priorities.search_vector`` (``to_tsvector('simple',
search_text)``) with a GIN index. ``search_text`` is the accent-folded, lower-cased title,
description and tags (:func:`smartspec.domains.registry.search.fold`), so neither backend needs
an accent extension.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartspec.store.models import Base

__all__ = [
    "HistoryRow",
    "MetaRow",
    "PriorityCodeRow",
    "PriorityRow",
    "RegionRow",
    "StrategyRow",
]


def _now() -> datetime:
    return datetime.now(UTC)


class RegionRow(Base):
    """A region (table ``registry_regions``)."""

    __tablename__ = "registry_regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    level: Mapped[str | None] = mapped_column(String(32), nullable=True)
    parent: Mapped[str | None] = mapped_column(String(16), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)


class StrategyRow(Base):
    """A region's strategy for one period (table ``registry_strategies``)."""

    __tablename__ = "registry_strategies"
    __table_args__ = (UniqueConstraint("region", "period", name="uq_registry_strategy_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(
        String(16), ForeignKey("registry_regions.code"), nullable=False, index=True
    )
    period: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="adopted")
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )


class PriorityRow(Base):
    """A declared priority (table ``registry_priorities``)."""

    __tablename__ = "registry_priorities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    strategy_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_strategies.id"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    codes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    tags: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    set_aside_codes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PriorityCodeRow(Base):
    """One code of one priority (table ``registry_priority_codes``)."""

    __tablename__ = "registry_priority_codes"
    __table_args__ = (Index("ix_registry_codes_scheme_code", "scheme", "code"),)

    priority_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("registry_priorities.id"), primary_key=True
    )
    scheme: Mapped[str] = mapped_column(String(8), primary_key=True)
    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    declared: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class HistoryRow(Base):
    """One change of one record (table ``registry_history``)."""

    __tablename__ = "registry_history"
    __table_args__ = (Index("ix_registry_history_record", "kind", "record_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=_now)
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    changes: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)


class MetaRow(Base):
    """A key/value setting of the registry (table ``registry_meta``)."""

    __tablename__ = "registry_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
