"""The actors domain's tables (SQLAlchemy 2 models on the store's one ``Base``).

========================== ========================================================================
table                      holds
========================== ========================================================================
``actors_organisations``   the organisation registry: source id (a PIC), name, CORDIS type and its
                           helix, country, region (NUTS or state code), city, topics, description,
                           version, who created and last changed it, and when
``actors_participations``  one row per organisation in a project: project id, programme, role,
                           start year, EU contribution, programme parts, acronym, title
``actors_meta``            key/value settings of the domain (``example_loaded``)
========================== ========================================================================

``search_text`` is the accent-folded, lower-cased name, source id, city, topics and description
(:func:`smartspec.domains.registry.checks.fold`); ``topics_text`` the folded topics between
semicolons (``;msca;sc1;``), so that a topic filter is one ``LIKE``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartspec.store.models import Base

__all__ = ["ActorsMetaRow", "OrganisationRow", "ParticipationRow"]


def _now() -> datetime:
    return datetime.now(UTC)


class OrganisationRow(Base):
    """An organisation (table ``actors_organisations``)."""

    __tablename__ = "actors_organisations"
    __table_args__ = (UniqueConstraint("source_id", name="uq_actors_organisations_source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    type: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    helix: Mapped[str] = mapped_column(String(16), nullable=False, default="unknown", index=True)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="", index=True)
    region: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    city: Mapped[str] = mapped_column(Text, nullable=False, default="")
    topics: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    topics_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=_now
    )
    updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ParticipationRow(Base):
    """One organisation in one project (table ``actors_participations``)."""

    __tablename__ = "actors_participations"
    __table_args__ = (
        UniqueConstraint("programme", "project", "organisation_id", name="uq_actors_participation"),
        Index("ix_actors_participations_project", "programme", "project"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("actors_organisations.id"), nullable=False, index=True
    )
    project: Mapped[str] = mapped_column(String(64), nullable=False)
    programme: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contribution: Mapped[float | None] = mapped_column(Float, nullable=True)
    parts: Mapped[str] = mapped_column(Text, nullable=False, default="")
    acronym: Mapped[str] = mapped_column(Text, nullable=False, default="")
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ActorsMetaRow(Base):
    """A key/value setting of the actors domain (table ``actors_meta``)."""

    __tablename__ = "actors_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
