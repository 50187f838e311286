"""The registry's regions and strategies (:class:`Places`), and what every part of the
:class:`~.service.Registry` shares: its store and the reading rule."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartspec.domains.accounts.rules import Account, require_reader, require_region
from smartspec.domains.errors import UnknownRecordError
from smartspec.store import Store

from . import repo
from .checks import LIMITS, actor_name, bounded_text, invalid, period_text, region_code
from .models import RegionRow, StrategyRow
from .nuts import iso_country
from .views import RegionIn, RegionView, StrategyIn, StrategyView

__all__ = ["Places"]


class Places:
    """Regions (of any country) and their strategies; the base of
    :class:`~.service.Registry`.

    Parameters
    ----------
    store : Store
        The platform database (its migrations create the registry's tables).
    public_read : bool
        Whether anonymous visitors may read (a public registry).
    """

    def __init__(self, store: Store, *, public_read: bool = True) -> None:
        self.store = store
        self.public_read = public_read

    def _read(self, actor: Account | None) -> None:
        require_reader(actor, self.public_read, "reading the priorities registry")

    # -------------------------------------------------------------- regions, strategies
    def list_regions(self, actor: Account | None, country: str | None = None) -> list[RegionView]:
        """The stored regions (of one country), by code."""
        self._read(actor)
        query = select(RegionRow).order_by(RegionRow.code)
        if country:
            query = query.where(RegionRow.country == iso_country(country))
        with self.store.session() as s:
            return [repo.region_view(r) for r in s.scalars(query)]

    def get_region(self, actor: Account | None, code: str) -> RegionView:
        """One stored region (:class:`UnknownRecordError` when there is none)."""
        self._read(actor)
        value = region_code(code)
        with self.store.session() as s:
            return repo.region_view(self._region(s, value))

    def upsert_region(self, actor: Account | None, data: RegionIn) -> RegionView:
        """Add or change a region (level, parent, country from the NUTS list when not given)."""
        code = region_code(data.code)
        require_region(actor, code, "changing a region")
        name = bounded_text(data.name or "", "name", LIMITS["title"], required=False) or None
        country = (data.country or "").strip().upper() or None
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise invalid(
                f"the country {data.country!r} is not valid",
                where="country",
                expected="an ISO 3166-1 alpha-2 code (CZ, ES, US)",
                found=repr(data.country),
            )
        parent = region_code(data.parent, "parent") if data.parent else None
        with self.store.session() as s:
            before = s.get(RegionRow, code)
            old = None if before is None else repo.region_view(before).model_dump()
            row = repo.ensure_region(
                s,
                code,
                name=name,
                level=(data.level or "").strip()[:32] or None,
                parent=parent,
                country=iso_country(country) if country else None,
                replace=True,
            )
            view = repo.region_view(row)
            changes = repo.diff(old, view.model_dump())
            if changes:
                version = len(repo.history_rows(s, "region", code)) + 1
                repo.add_history(
                    s,
                    kind="region",
                    record_id=code,
                    version=version,
                    actor=actor_name(actor),
                    action="create" if old is None else "update",
                    changes=changes,
                    state=view.model_dump(),
                )
            return view

    def list_strategies(
        self, actor: Account | None, region: str | None = None
    ) -> list[StrategyView]:
        """The strategies (of one region), by region then period."""
        self._read(actor)
        query = select(StrategyRow).order_by(StrategyRow.region, StrategyRow.period)
        if region:
            query = query.where(StrategyRow.region == region_code(region))
        with self.store.session() as s:
            return [repo.strategy_view(s, r) for r in s.scalars(query)]

    def get_strategy(self, actor: Account | None, strategy_id: int) -> StrategyView:
        """One strategy (:class:`UnknownRecordError` when there is none)."""
        self._read(actor)
        with self.store.session() as s:
            row = s.get(StrategyRow, strategy_id)
            if row is None:
                raise UnknownRecordError(f"there is no strategy {strategy_id}", where="id")
            return repo.strategy_view(s, row)

    def upsert_strategy(self, actor: Account | None, data: StrategyIn) -> StrategyView:
        """Add or change the strategy of a region for a period (one per region and period)."""
        code = region_code(data.region)
        require_region(actor, code, "changing a strategy")
        period = period_text(data.period)
        title = bounded_text(data.title or "", "title", LIMITS["title"], required=False)
        status = bounded_text(data.status, "status", 16, required=True).lower()
        with self.store.session() as s:
            row = repo.ensure_strategy(s, code, period, title=title or None)
            old = repo.strategy_view(s, row).model_dump(
                include={"title", "status", "source", "url"}
            )
            values = {
                "title": title or row.title,
                "status": status,
                "source": bounded_text(data.source or "", "source", 2000, required=False) or None,
                "url": bounded_text(data.url or "", "url", 2000, required=False) or None,
            }
            changes = repo.diff(old, values)
            created = row.version == 1 and not repo.history_rows(s, "strategy", row.id)
            if changes and not created:
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.updated_at = repo.now()
            elif created:
                for key, value in values.items():
                    setattr(row, key, value)
            if changes or created:
                s.flush()
                view = repo.strategy_view(s, row)
                repo.add_history(
                    s,
                    kind="strategy",
                    record_id=row.id,
                    version=row.version,
                    actor=actor_name(actor),
                    action="create" if created else "update",
                    changes=repo.diff(None if created else old, values),
                    state=view.model_dump(mode="json"),
                )
            return repo.strategy_view(s, row)

    @staticmethod
    def _region(s: Session, code: str) -> RegionRow:
        row = s.get(RegionRow, code)
        if row is None:
            raise UnknownRecordError(
                f"the registry has no region {code!r}",
                where="region",
                fix="list the regions of the registry (GET /registry/regions)",
            )
        return row
