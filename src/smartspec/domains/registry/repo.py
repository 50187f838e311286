"""Reads and writes of the registry's rows, inside a caller's session (one transaction).

The service (:mod:`smartspec.domains.registry.service`) checks permissions and inputs and calls
these; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from . import nuts
from .checks import fold
from .models import HistoryRow, MetaRow, PriorityCodeRow, PriorityRow, RegionRow, StrategyRow
from .views import PriorityView, RegionView, StrategyView

__all__ = [
    "SNAPSHOT_FIELDS",
    "add_history",
    "aware",
    "diff",
    "ensure_region",
    "ensure_strategy",
    "get_meta",
    "history_rows",
    "nace_division",
    "now",
    "priority_views",
    "region_view",
    "set_meta",
    "snapshot",
    "strategy_view",
    "write_codes",
    "write_fts",
]

#: The fields of a priority's snapshot (what a history row keeps and a restore brings back).
SNAPSHOT_FIELDS = (
    "strategy_id",
    "region",
    "period",
    "title",
    "description",
    "language",
    "codes",
    "tags",
    "set_aside_codes",
)


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite keeps none; every time is written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def nace_division(code: str) -> str | None:
    """The NACE division of a normalised NACE code (``"28.11"`` -> ``"28"``); ``None`` for a
    section.

    >>> nace_division("28.11"), nace_division("28"), nace_division("C")
    ('28', '28', None)
    """
    return code[:2] if len(code) >= 2 and code[:2].isdigit() else None


def _nace_ancestors(code: str) -> list[str]:
    """The broader NACE codes of a code (its group, division, section), from the code lists."""
    from .codes import nace_parent

    found: list[str] = []
    parent = nace_parent(code)
    while parent and parent not in found:
        found.append(parent)
        parent = nace_parent(parent)
    return found


# ---------------------------------------------------------------------------------- regions
def region_view(row: RegionRow) -> RegionView:
    """The view of a region row."""
    return RegionView(
        code=row.code, name=row.name, level=row.level, parent=row.parent, country=row.country
    )


def ensure_region(
    session: Session,
    code: str,
    *,
    name: str | None = None,
    level: str | None = None,
    parent: str | None = None,
    country: str | None = None,
    replace: bool = False,
) -> RegionRow:
    """The region row of ``code``, created when missing (its level, parent, country and name
    filled in from the bundled NUTS list when it is a NUTS code and they are not given); with
    ``replace``, the given values overwrite the stored ones."""
    row = session.get(RegionRow, code)
    info = nuts.region_info(code)
    values = {
        "name": name or (info.name if info else None),
        "level": level or (info.level_name if info else None),
        "parent": parent or (info.parent if info else None),
        "country": country or (info.country if info else None),
    }
    if row is None:
        row = RegionRow(code=code, **{**values, "name": values["name"] or code})
        session.add(row)
        session.flush()
    elif replace:
        for key, value in values.items():
            if value is not None:
                setattr(row, key, value)
        session.flush()
    return row


# ------------------------------------------------------------------------------- strategies
def strategy_view(session: Session, row: StrategyRow) -> StrategyView:
    """The view of a strategy row (with its region's name and its number of priorities)."""
    region = session.get(RegionRow, row.region)
    count = session.scalar(
        select(func.count(PriorityRow.id)).where(
            PriorityRow.strategy_id == row.id, PriorityRow.deleted_at.is_(None)
        )
    )
    return StrategyView(
        id=row.id,
        region=row.region,
        region_name=region.name if region else row.region,
        period=row.period,
        title=row.title,
        status=row.status,
        source=row.source,
        url=row.url,
        version=row.version,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
        n_priorities=int(count or 0),
    )


def ensure_strategy(
    session: Session,
    region: str,
    period: str,
    *,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
) -> StrategyRow:
    """The strategy of ``region`` for ``period``, created (with its region) when missing."""
    row = session.scalars(
        select(StrategyRow).where(StrategyRow.region == region, StrategyRow.period == period)
    ).first()
    if row is None:
        region_row = ensure_region(session, region)
        row = StrategyRow(
            region=region,
            period=period,
            title=title or f"{region_row.name} ({period})",
            status="adopted",
            source=source,
            url=url,
            version=1,
        )
        session.add(row)
        session.flush()
    return row


# ------------------------------------------------------------------------------- priorities
def snapshot(row: PriorityRow, strategy: StrategyRow) -> dict[str, Any]:
    """The fields of a priority that a version keeps (:data:`SNAPSHOT_FIELDS`)."""
    return {
        "strategy_id": row.strategy_id,
        "region": strategy.region,
        "period": strategy.period,
        "title": row.title,
        "description": row.description,
        "language": row.language,
        "codes": {k: list(v) for k, v in sorted((row.codes or {}).items())},
        "tags": list(row.tags or []),
        "set_aside_codes": {k: list(v) for k, v in sorted((row.set_aside_codes or {}).items())},
    }


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The field-level changes from ``old`` to ``new`` (every field of ``new`` when ``old`` is
    ``None``): ``[{"field", "old", "new"}]``."""
    changes = []
    for key in new:
        before = None if old is None else old.get(key)
        if old is None or before != new[key]:
            changes.append({"field": key, "old": before, "new": new[key]})
    return changes


def priority_views(session: Session, ids: Sequence[int]) -> list[PriorityView]:
    """The views of the priorities ``ids``, in that order (deleted or unknown ids are left out)."""
    if not ids:
        return []
    rows = session.execute(
        select(PriorityRow, StrategyRow, RegionRow)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .join(RegionRow, RegionRow.code == StrategyRow.region)
        .where(PriorityRow.id.in_(list(ids)), PriorityRow.deleted_at.is_(None))
    ).all()
    by_id = {}
    for priority, strategy, region in rows:
        by_id[priority.id] = PriorityView(
            id=priority.id,
            strategy_id=strategy.id,
            region=region.code,
            region_name=region.name,
            country=region.country,
            period=strategy.period,
            strategy_title=strategy.title,
            title=priority.title,
            description=priority.description,
            language=priority.language,
            codes={k: list(v) for k, v in sorted((priority.codes or {}).items())},
            tags=list(priority.tags or []),
            set_aside_codes={k: list(v) for k, v in (priority.set_aside_codes or {}).items()},
            version=priority.version,
            created_at=aware(priority.created_at),
            created_by=priority.created_by,
            updated_at=aware(priority.updated_at),
            updated_by=priority.updated_by,
        )
    return [by_id[i] for i in ids if i in by_id]


def write_codes(
    session: Session, priority_id: int, codes: Mapping[str, Iterable[str]], tags: Iterable[str]
) -> None:
    """Replace the code rows of a priority: its declared codes, the broader NACE codes they
    imply (``declared`` false), and its tags (scheme ``"tag"``, folded)."""
    session.execute(delete(PriorityCodeRow).where(PriorityCodeRow.priority_id == priority_id))
    rows: dict[tuple[str, str], bool] = {}
    for scheme, values in codes.items():
        for code in values:
            rows[(scheme, code)] = True
            if scheme == "nace":
                for broader in _nace_ancestors(code):
                    rows.setdefault(("nace", broader), False)
    for tag in tags:
        rows.setdefault(("tag", fold(tag)[:120]), True)
    session.add_all(
        PriorityCodeRow(priority_id=priority_id, scheme=s, code=c, declared=d)
        for (s, c), d in rows.items()
    )
    session.flush()


def write_fts(session: Session, backend: str, priority_id: int, body: str | None) -> None:
    """Index (or, with ``body`` ``None``, unindex) a priority's search text. PostgreSQL computes
    its ``search_vector`` column itself: nothing to do there."""
    if backend == "postgresql":
        return
    session.execute(
        text("DELETE FROM registry_priorities_fts WHERE rowid = :id"), {"id": priority_id}
    )
    if body is not None:
        session.execute(
            text("INSERT INTO registry_priorities_fts (rowid, body) VALUES (:id, :body)"),
            {"id": priority_id, "body": body},
        )


# ---------------------------------------------------------------------------------- history
def add_history(
    session: Session,
    *,
    kind: str,
    record_id: str | int,
    version: int,
    actor: str | None,
    action: str,
    changes: list[dict[str, Any]],
    state: dict[str, Any],
    source: str | None = None,
    at: datetime | None = None,
) -> None:
    """Write one history row (in the caller's transaction)."""
    session.add(
        HistoryRow(
            kind=kind,
            record_id=str(record_id),
            version=version,
            at=at or now(),
            actor=actor,
            action=action,
            changes=changes,
            snapshot=state,
            source=source,
        )
    )
    session.flush()


def history_rows(session: Session, kind: str, record_id: str | int) -> list[HistoryRow]:
    """A record's history rows, oldest first."""
    return list(
        session.scalars(
            select(HistoryRow)
            .where(HistoryRow.kind == kind, HistoryRow.record_id == str(record_id))
            .order_by(HistoryRow.version, HistoryRow.id)
        )
    )


# ------------------------------------------------------------------------------------- meta
def get_meta(session: Session, key: str) -> str | None:
    """A registry setting, or ``None``."""
    row = session.get(MetaRow, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    """Set a registry setting."""
    row = session.get(MetaRow, key)
    if row is None:
        session.add(MetaRow(key=key, value=value))
    else:
        row.value = value
    session.flush()
