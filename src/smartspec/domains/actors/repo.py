"""Reads and writes of the actors domain's rows, inside a caller's session (one transaction),
and the checks of an organisation's fields.

The service (:mod:`smartspec.domains.actors.service`) checks permissions and calls these;
nothing here commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartspec.core.errors import ValidationError
from smartspec.domains.cooperation.indicators import initials
from smartspec.domains.registry.checks import fold

from .helix import TYPES, helix_of
from .models import ActorsMetaRow, OrganisationRow, ParticipationRow
from .views import OrganisationIn, OrganisationView, ParticipationView

__all__ = [
    "LIMITS",
    "aware",
    "clean_organisation",
    "get_meta",
    "now",
    "organisation_views",
    "participation_views",
    "search_values",
    "set_meta",
]

#: Bounds of an organisation's fields and of the queries.
LIMITS: dict[str, int] = {
    "name": 500,
    "source_id": 64,
    "city": 200,
    "topics": 50,
    "topic": 120,
    "description": 20_000,
    "region": 16,
    "q": 500,
    "limit": 500,
}

_COUNTRY = re.compile(r"[A-Z]{2}")
_REGION = re.compile(r"[A-Z0-9][A-Z0-9_.-]{0,15}")
_SOURCE = re.compile(r"[\w.:/-]{1,64}")
_SPLIT = re.compile(r"[;\n]+")


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite keeps none; every time is written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _invalid(field: str, problem: str, expected: str, found: str) -> ValidationError:
    return ValidationError(problem, where=field, expected=expected, found=found)


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, f"the {field} is empty", "a text", "''")
    if len(text) > limit:
        raise _invalid(
            field, f"the {field} is too long", f"at most {limit:,} characters", f"{len(text):,}"
        )
    return text


def split_topics(text: str) -> list[str]:
    """Topics typed in one cell or field, separated by semicolons or new lines.

    >>> split_topics(" MSCA; SC1 ;; energy storage ")
    ['MSCA', 'SC1', 'energy storage']
    """
    return [t.strip() for t in _SPLIT.split(text or "") if t.strip()]


def clean_organisation(data: OrganisationIn) -> dict[str, Any]:
    """The checked, normalised column values of an organisation (without version and stamps).

    Raises
    ------
    ValidationError
        For a field out of bounds or not in its form: the name (required, at most 500
        characters), the type (one of HES, REC, PRC, PUB, OTH, or empty), the country (two
        letters), the region (letters, digits, ``._-``, at most 16), the source id, topics.
    """
    name = _text(data.name, "name", LIMITS["name"], required=True)
    source = (data.source_id or "").strip() or None
    if source is not None and not _SOURCE.fullmatch(source):
        raise _invalid(
            "source_id",
            "the source id is not valid",
            "1 to 64 letters, digits or . : / _ - (a PIC such as 999865816)",
            repr(data.source_id),
        )
    kind = (data.type or "").strip().upper()
    if kind and kind not in TYPES:
        raise _invalid(
            "type",
            f"the organisation type {data.type!r} is not known",
            "HES (higher education), REC (research), PRC (company), PUB (public body), "
            "OTH (other), or empty",
            repr(data.type),
        )
    country = (data.country or "").strip().upper()
    if country and not _COUNTRY.fullmatch(country):
        raise _invalid(
            "country",
            f"the country {data.country!r} is not valid",
            "a 2-letter code (CORDIS codes: ES, DE, UK, EL, MX)",
            repr(data.country),
        )
    region = (data.region or "").strip().upper() or None
    if region is not None and not _REGION.fullmatch(region):
        raise _invalid(
            "region",
            f"the region {data.region!r} is not valid",
            "a NUTS code (ES51) or a state code (MX09): letters, digits, '.', '_', '-', at most 16",
            repr(data.region),
        )
    topics: list[str] = []
    for topic in data.topics:
        for piece in split_topics(topic):
            value = _text(piece, "topics", LIMITS["topic"])
            if value.casefold() not in {t.casefold() for t in topics}:
                topics.append(value)
    if len(topics) > LIMITS["topics"]:
        raise _invalid("topics", "too many topics", f"at most {LIMITS['topics']}", str(len(topics)))
    city = _text(data.city, "city", LIMITS["city"])
    description = _text(data.description, "description", LIMITS["description"])
    return {
        "source_id": source,
        "name": name,
        "type": kind,
        "helix": helix_of(kind),
        "country": country,
        "region": region,
        "city": city,
        "topics": topics,
        "description": description,
        **search_values(name, source, city, topics, description),
    }


def search_values(
    name: str, source_id: str | None, city: str, topics: Sequence[str], description: str
) -> dict[str, str]:
    """The folded search columns: ``search_text`` (with the name's initials, so that ``unam``
    finds the Universidad Nacional Autónoma de México) and ``topics_text`` (``;a;b;``).

    >>> search_values("Universidad Nacional Autónoma de México", "999865816", "", [], "")
    {'search_text': 'universidad nacional autonoma de mexico 999865816 unam', 'topics_text': ''}
    """
    text = fold(" ".join([name, source_id or "", city, " ".join(topics), description]))
    return {
        "search_text": f"{text} {initials(fold(name))}".strip(),
        "topics_text": ";" + ";".join(fold(t) for t in topics) + ";" if topics else "",
    }


def _projects(session: Session, ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(
            ParticipationRow.organisation_id,
            func.count(func.distinct(ParticipationRow.programme + ":" + ParticipationRow.project)),
        )
        .where(ParticipationRow.organisation_id.in_(list(ids)))
        .group_by(ParticipationRow.organisation_id)
    ).all()
    return {int(org): int(n) for org, n in rows}


def organisation_views(session: Session, ids: Sequence[int]) -> list[OrganisationView]:
    """The views of the organisations ``ids``, in that order (unknown ids left out)."""
    if not ids:
        return []
    rows = {
        r.id: r
        for r in session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(list(ids))))
    }
    counts = _projects(session, list(rows))
    out = []
    for i in ids:
        row = rows.get(i)
        if row is None:
            continue
        out.append(
            OrganisationView(
                id=row.id,
                source_id=row.source_id,
                name=row.name,
                type=row.type,
                helix=row.helix,
                country=row.country,
                region=row.region,
                city=row.city,
                topics=list(row.topics or []),
                description=row.description,
                projects=counts.get(row.id, 0),
                version=row.version,
                created_at=aware(row.created_at),
                created_by=row.created_by,
                updated_at=aware(row.updated_at),
                updated_by=row.updated_by,
            )
        )
    return out


def participation_views(session: Session, organisation_id: int) -> list[ParticipationView]:
    """An organisation's participations, newest first."""
    rows = session.scalars(
        select(ParticipationRow)
        .where(ParticipationRow.organisation_id == organisation_id)
        .order_by(
            ParticipationRow.year.desc(), ParticipationRow.programme, ParticipationRow.project
        )
    )
    return [
        ParticipationView(
            project=r.project,
            programme=r.programme,
            role=r.role,
            year=r.year,
            contribution=r.contribution,
            parts=r.parts,
            acronym=r.acronym,
            title=r.title,
        )
        for r in rows
    ]


def get_meta(session: Session, key: str) -> str | None:
    """A setting of the domain, or ``None``."""
    row = session.get(ActorsMetaRow, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    """Set a setting of the domain."""
    row = session.get(ActorsMetaRow, key)
    if row is None:
        session.add(ActorsMetaRow(key=key, value=value))
    else:
        row.value = value
    session.flush()
