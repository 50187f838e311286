"""SQLAlchemy 2 declarative models (one :class:`Base` for every table of the platform)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["DATASET_KINDS", "Base", "DatasetRow"]

#: Where a dataset comes from: bundled with smartspec, uploaded through the API, or a file given
#: to ``smartspec serve --data PATH``.
DATASET_KINDS = ("bundled", "uploaded", "file")


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The declarative base of every smartspec table (one metadata, one migration chain)."""


class DatasetRow(Base):
    """One dataset of the catalogue (table ``datasets``)."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    value_name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    n_regions: Mapped[int] = mapped_column(Integer, nullable=False)
    n_activities: Mapped[int] = mapped_column(Integer, nullable=False)
    periods: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    licence: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
