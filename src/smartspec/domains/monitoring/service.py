"""The monitoring service: :class:`Monitoring`, what the API, the pages, the CLI and the region
report call.

Every method takes the acting account first (``None`` for an anonymous visitor) and checks it
with :mod:`smartspec.domains.accounts.rules`:

* reading follows the platform's rule: anyone on a public platform (``public_read``), an
  account of any role on a private one;
* every change (objectives, actions, indicators, targets, values, imports) needs an editor
  granted the strategy's region (or a region above it) or an administrator: 401 without an
  account, 403 for a viewer, a reviewer or an editor of another region.

Lost updates are refused as in the registry: a change of an indicator names the version it
started from; when someone saved first, :class:`~smartspec.domains.errors.EditConflictError`
(409 ``edit_conflict``) carries both. Every change is recorded in the domain's history (what,
which version, when, who, the changes).

Computed indicators (:mod:`.compute`) take their values from a dataset: they are recomputed
when the dataset's version changes (reading an indicator refreshes a stale one), and stored
with origin ``computed`` and the data version; their values cannot be entered by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account, require_role
from smartspec.domains.errors import ConflictError, UnknownRecordError

from . import repo
from .core import actor_name as _name
from .models import ActionRow, IndicatorRow, ObjectiveRow, TargetRow, ValueRow
from .plans import PlanEdits
from .views import IndicatorIn, IndicatorView, PlanView, TargetIn

if TYPE_CHECKING:
    from .views import ImportReport

__all__ = ["STATUSES", "Monitoring"]

#: The progress statuses, in the order they are counted.
STATUSES: tuple[str, ...] = ("on track", "at risk", "off track", "not assessable")


class Monitoring(PlanEdits):
    """Monitoring plans and indicators of the strategies on ``app`` (its store and registry).

    Parameters
    ----------
    app : SmartSpecApp
        The platform: its store holds the tables, its registry the strategies and priorities,
        its datasets the data of computed indicators.
    """

    # ------------------------------------------------------------------ reading
    def plan(self, actor: Account | None, strategy_id: int) -> PlanView:
        """A strategy's intervention logic: priorities, objectives, actions, indicators."""
        self.read(actor)
        strategy = self._strategy(actor, strategy_id)
        priorities = self._priorities(actor, strategy)
        with self.store.session() as s:
            objectives = list(
                s.scalars(
                    select(ObjectiveRow)
                    .where(ObjectiveRow.strategy_id == strategy_id)
                    .order_by(ObjectiveRow.id)
                )
            )
            actions = list(
                s.scalars(
                    select(ActionRow)
                    .where(ActionRow.objective_id.in_([o.id for o in objectives]))
                    .order_by(ActionRow.id)
                )
            )
            rows = list(
                s.scalars(
                    select(IndicatorRow)
                    .where(IndicatorRow.strategy_id == strategy_id)
                    .order_by(IndicatorRow.id)
                )
            )
            self._fresh(s, rows)
            indicators = repo.indicator_views(s, rows)
        by_objective: dict[int | None, list[IndicatorView]] = {}
        for view in indicators:
            by_objective.setdefault(view.objective_id, []).append(view)

        def objective(o: ObjectiveRow) -> dict[str, Any]:
            return {
                "id": o.id,
                "priority_id": o.priority_id,
                "title": o.title,
                "description": o.description,
                "version": o.version,
                "actions": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "instrument": a.instrument,
                        "budget": a.budget,
                        "description": a.description,
                        "version": a.version,
                    }
                    for a in actions
                    if a.objective_id == o.id
                ],
                "indicators": by_objective.get(o.id, []),
            }

        return PlanView(
            strategy={
                "id": strategy.id,
                "region": strategy.region,
                "region_name": strategy.region_name,
                "period": strategy.period,
                "title": strategy.title,
            },
            priorities=[
                {
                    "id": p.id,
                    "title": p.title,
                    "codes": p.codes,
                    "objectives": [objective(o) for o in objectives if o.priority_id == p.id],
                    "indicators": [
                        v for v in indicators if v.priority_id == p.id and v.objective_id is None
                    ],
                }
                for p in priorities
            ],
            unassigned=[objective(o) for o in objectives if o.priority_id is None],
            indicators=indicators,
        )

    def indicator(self, actor: Account | None, indicator_id: int) -> IndicatorView:
        """One indicator with its targets, values and progress (refreshed when computed and
        stale)."""
        self.read(actor)
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            self._fresh(s, [row])
            return self._view(s, row)

    def history(self, actor: Account | None, indicator_id: int) -> list[dict[str, Any]]:
        """The recorded changes of an indicator (its values and targets too), oldest first."""
        from .models import HistoryRow

        self.read(actor)
        with self.store.session() as s:
            self._row(s, indicator_id)
            rows = s.scalars(
                select(HistoryRow)
                .where(HistoryRow.record_id == f"indicator:{indicator_id}")
                .order_by(HistoryRow.id)
            )
            return [
                {
                    "version": r.version,
                    "at": repo.aware(r.at).isoformat(),
                    "actor": r.actor,
                    "action": r.action,
                    "changes": r.changes,
                }
                for r in rows
            ]

    # ------------------------------------------------------------------ indicators
    def add_indicator(
        self, actor: Account | None, strategy_id: int, data: IndicatorIn
    ) -> IndicatorView:
        """Add an indicator to a strategy (version 1), with its targets when given; a computed
        one gets its values at once."""
        strategy = self._writer(actor, strategy_id, "adding an indicator")
        values = repo.clean_indicator(data)
        targets = repo.clean_targets(data.targets or [])
        links = {k: getattr(data, k) for k in ("priority_id", "objective_id", "action_id")}
        stamp = repo.now()
        with self.store.session() as s:
            self._links(s, actor, strategy, links)
            row = IndicatorRow(
                strategy_id=strategy_id,
                region=strategy.region,
                **values,
                **links,
                caveats=[],
                version=1,
                created_at=stamp,
                created_by=_name(actor),
                updated_at=stamp,
                updated_by=_name(actor),
            )
            s.add(row)
            s.flush()
            if row.computed is not None:
                self._compute(s, row, _name(actor))
            self._set_targets(s, row, targets)
            repo.log(
                s,
                "indicator",
                row.id,
                1,
                _name(actor),
                "create",
                {**values, **links, "targets": [list(t) for t in targets]},
            )
            return self._view(s, row)

    def update_indicator(
        self, actor: Account | None, indicator_id: int, data: IndicatorIn, version: int
    ) -> IndicatorView:
        """Replace an indicator's fields (and its targets, when ``data.targets`` is given) as the
        next version of ``version``; an unchanged indicator keeps its version.

        Raises
        ------
        EditConflictError
            When the stored version is not ``version`` (``details``: ``current``, ``yours``).
        """
        with self.store.session() as s:
            strategy_id = self._row(s, indicator_id).strategy_id
        strategy = self._writer(actor, strategy_id, "changing an indicator")
        values = repo.clean_indicator(data)
        targets = None if data.targets is None else repo.clean_targets(data.targets)
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            if row.version != version:
                raise self._conflict(s, row, data, version)
            links = {k: getattr(data, k) for k in ("priority_id", "objective_id", "action_id")}
            self._links(s, actor, strategy, links)
            new = {**values, **links}
            changes = {k: [getattr(row, k), v] for k, v in new.items() if getattr(row, k) != v}
            old_targets = [
                [t.year, t.value, t.kind]
                for t in s.scalars(
                    select(TargetRow)
                    .where(TargetRow.indicator_id == row.id)
                    .order_by(TargetRow.year)
                )
            ]
            if targets is not None and [list(t) for t in targets] != old_targets:
                changes["targets"] = [old_targets, [list(t) for t in targets]]
            if not changes:
                return self._view(s, row)
            for key, value in new.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at, row.updated_by = repo.now(), _name(actor)
            if "computed" in changes:
                if row.computed is None:
                    s.execute(
                        delete(ValueRow).where(
                            ValueRow.indicator_id == row.id, ValueRow.origin == "computed"
                        )
                    )
                    row.computed_version, row.caveats = None, []
                else:
                    self._compute(s, row, _name(actor))
            if targets is not None:
                self._set_targets(s, row, targets)
            else:
                self._set_targets(s, row, [(t[0], t[1], t[2]) for t in old_targets])
            repo.log(s, "indicator", row.id, row.version, _name(actor), "update", changes)
            return self._view(s, row)

    def delete_indicator(self, actor: Account | None, indicator_id: int, version: int) -> None:
        """Delete an indicator, its targets and values (its history stays)."""
        with self.store.session() as s:
            strategy_id = self._row(s, indicator_id).strategy_id
        self._writer(actor, strategy_id, "deleting an indicator")
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            if row.version != version:
                raise self._conflict(s, row, None, version)
            s.execute(delete(TargetRow).where(TargetRow.indicator_id == indicator_id))
            s.execute(delete(ValueRow).where(ValueRow.indicator_id == indicator_id))
            repo.log(
                s, "indicator", indicator_id, version, _name(actor), "delete", {"name": row.name}
            )
            s.delete(row)

    def set_targets(
        self,
        actor: Account | None,
        indicator_id: int,
        targets: Sequence[TargetIn | tuple[int, float, str] | tuple[int, float]],
        *,
        version: int | None = None,
    ) -> IndicatorView:
        """Replace an indicator's milestones and target (the indicator's next version). With
        ``version``, refused (409) when the indicator changed since."""
        with self.store.session() as s:
            strategy_id = self._row(s, indicator_id).strategy_id
        self._writer(actor, strategy_id, "setting targets")
        clean = repo.clean_targets(targets)
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            if version is not None and row.version != version:
                raise self._conflict(s, row, None, version)
            old = [
                [t.year, t.value, t.kind]
                for t in s.scalars(
                    select(TargetRow)
                    .where(TargetRow.indicator_id == row.id)
                    .order_by(TargetRow.year)
                )
            ]
            if old == [list(t) for t in clean]:
                return self._view(s, row)
            self._set_targets(s, row, clean)
            row.version += 1
            row.updated_at, row.updated_by = repo.now(), _name(actor)
            repo.log(
                s,
                "indicator",
                row.id,
                row.version,
                _name(actor),
                "targets",
                {"targets": [old, [list(t) for t in clean]]},
            )
            return self._view(s, row)

    # ------------------------------------------------------------------ values
    def record_value(
        self,
        actor: Account | None,
        indicator_id: int,
        year: int,
        value: float,
        note: str = "",
        *,
        origin: str = "manual",
    ) -> IndicatorView:
        """Enter (or correct) the value of an indicator in a year."""
        with self.store.session() as s:
            strategy_id = self._row(s, indicator_id).strategy_id
        self._writer(actor, strategy_id, "recording a value")
        y = repo.clean_year(year)
        v = repo.clean_value(value)
        text = repo.clean_text(note, "note")
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            self._refuse_computed(row)
            self._put_value(s, row, y, v, text, _name(actor), origin)
            return self._view(s, row)

    def delete_value(self, actor: Account | None, indicator_id: int, year: int) -> IndicatorView:
        """Delete the value of an indicator in a year (404 when there is none)."""
        with self.store.session() as s:
            strategy_id = self._row(s, indicator_id).strategy_id
        self._writer(actor, strategy_id, "deleting a value")
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            self._refuse_computed(row)
            old = s.get(ValueRow, (indicator_id, year))
            if old is None:
                raise UnknownRecordError(
                    f"indicator {indicator_id} has no value for {year}",
                    where="year",
                    fix="see the indicator's values",
                )
            repo.log(
                s,
                "indicator",
                indicator_id,
                row.version,
                _name(actor),
                "value",
                {"year": year, "value": [old.value, None]},
            )
            s.delete(old)
            s.flush()
            return self._view(s, row)

    def import_values(
        self, actor: Account | None, source: bytes, filename: str, *, dry_run: bool = False
    ) -> ImportReport:
        """Import values from a CSV or ``.xlsx`` file, all rows or none
        (:func:`.transfer.import_values`)."""
        from .transfer import import_values

        require_role(actor, ("admin", "editor"), "importing values")
        max_bytes = int(float(self.app.settings.get("max_upload_mb", 20)) * 2**20)
        return import_values(self, actor, source, filename, dry_run=dry_run, max_bytes=max_bytes)

    def store_values(
        self, actor: Account | None, values: Sequence[tuple[int, int, float, str]]
    ) -> tuple[int, int]:
        """Store checked ``(indicator_id, year, value, note)`` in one transaction (origin
        ``import``): every indicator's region must be the actor's. ``(new, updated)``."""
        ids = sorted({v[0] for v in values})
        with self.store.session() as s:
            rows = {i: self._row(s, i) for i in ids}
            strategies = {r.strategy_id for r in rows.values()}
        for strategy_id in sorted(strategies):
            self._writer(actor, strategy_id, "importing values")
        new = updated = 0
        with self.store.session() as s:
            for indicator_id, year, value, note in values:
                row = self._row(s, indicator_id)
                self._refuse_computed(row)
                if self._put_value(s, row, year, value, note, _name(actor), "import"):
                    new += 1
                else:
                    updated += 1
        return new, updated

    def lookup(self, ids: Iterable[int]) -> dict[int, tuple[str, int, bool]]:
        """``{id: (region, strategy_id, computed)}`` of the stored indicators among ``ids``."""
        wanted = sorted(set(ids))
        out: dict[int, tuple[str, int, bool]] = {}
        with self.store.session() as s:
            for start in range(0, len(wanted), 500):
                for row in s.scalars(
                    select(IndicatorRow).where(IndicatorRow.id.in_(wanted[start : start + 500]))
                ):
                    out[row.id] = (row.region, row.strategy_id, row.computed is not None)
        return out

    def known_values(self, ids: Iterable[int]) -> set[tuple[int, int]]:
        """The ``(indicator_id, year)`` of the stored values of the indicators ``ids``."""
        wanted = sorted(set(ids))
        out: set[tuple[int, int]] = set()
        with self.store.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = s.execute(
                    select(ValueRow.indicator_id, ValueRow.year).where(
                        ValueRow.indicator_id.in_(chunk)
                    )
                )
                out.update((int(i), int(y)) for i, y in rows)
        return out

    def find_by_name(self, strategy_id: int, name: str) -> list[int]:
        """The ids of the indicators of a strategy with this name (any case)."""
        with self.store.session() as s:
            rows = s.scalars(select(IndicatorRow).where(IndicatorRow.strategy_id == strategy_id))
            return [r.id for r in rows if r.name.casefold() == name.strip().casefold()]

    def refresh_computed(self, actor: Account | None, indicator_id: int) -> IndicatorView:
        """Recompute a computed indicator's values now (whatever the data version); ``actor``
        ``None`` is the platform itself (the refresh on reading)."""
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            strategy_id = row.strategy_id
            computed = row.computed
        if actor is not None:
            self._writer(actor, strategy_id, "refreshing an indicator")
        if computed is None:
            raise ConflictError(
                f"indicator {indicator_id} is not computed",
                where="indicator_id",
                expected="a computed indicator (one with a 'computed' spec)",
                found="an indicator whose values are entered",
            )
        with self.store.session() as s:
            row = self._row(s, indicator_id)
            self._compute(s, row, _name(actor) or "smartspec")
            return self._view(s, row)

    # ------------------------------------------------------------------ progress
    def _summary(self, views: Sequence[IndicatorView], year: int | None) -> dict[str, Any]:
        rows = []
        counts = dict.fromkeys(STATUSES, 0)
        for v in views:
            progress = v.progress or {}
            status = progress.get("status", "not assessable")
            counts[status] += 1
            rows.append(
                {
                    "id": v.id,
                    "name": v.name,
                    "kind": v.kind,
                    "unit": v.unit,
                    "starter_key": v.starter_key,
                    "priority_id": v.priority_id,
                    "objective_id": v.objective_id,
                    "baseline": v.baseline,
                    "target": next((t for t in reversed(v.targets)), None),
                    "latest": (
                        {"year": progress.get("year"), "value": progress.get("value")}
                        if progress.get("value") is not None
                        else v.latest
                    ),
                    "expected": progress.get("expected"),
                    "achievement": progress.get("achievement"),
                    "status": status,
                    "reason": progress.get("reason")
                    if v.progress is not None
                    else "no baseline or target",
                }
            )
        return {"year": year, "indicators": rows, "counts": counts}

    def _views(
        self, strategy_ids: Sequence[int], year: int | None, starter_key: str | None = None
    ) -> list[IndicatorView]:
        if not strategy_ids:
            return []
        with self.store.session() as s:
            query = (
                select(IndicatorRow)
                .where(IndicatorRow.strategy_id.in_(list(strategy_ids)))
                .order_by(IndicatorRow.strategy_id, IndicatorRow.id)
            )
            if starter_key:
                query = query.where(IndicatorRow.starter_key == starter_key)
            rows = list(s.scalars(query))
            self._fresh(s, rows)
            return repo.indicator_views(s, rows, year)

    def strategy_progress(
        self, actor: Account | None, strategy_id: int, year: int | None = None
    ) -> dict[str, Any]:
        """Each indicator of a strategy with its status (at its latest value, up to ``year``
        when given) and the counts by status (:data:`STATUSES`)."""
        self.read(actor)
        strategy = self._strategy(actor, strategy_id)
        summary = self._summary(self._views([strategy_id], year), year)
        return {
            "strategy": {
                "id": strategy.id,
                "region": strategy.region,
                "region_name": strategy.region_name,
                "period": strategy.period,
                "title": strategy.title,
            },
            **summary,
        }

    def progress_across_regions(
        self, actor: Account | None, year: int | None = None, starter_key: str | None = None
    ) -> dict[str, Any]:
        """The indicators of every strategy (those of one starter-set entry, when given), with
        their region, strategy, latest value and status; the counts by status per region."""
        self.read(actor)
        strategies = {st.id: st for st in self.app.registry.list_strategies(actor)}
        views = self._views(sorted(strategies), year, starter_key)
        summary = self._summary(views, year)
        rows: list[dict[str, Any]] = []
        counts: dict[str, dict[str, int]] = {}
        for view, row in zip(views, summary["indicators"], strict=True):
            st = strategies[view.strategy_id]
            rows.append(
                {
                    **row,
                    "region": st.region,
                    "region_name": st.region_name,
                    "strategy": {"id": st.id, "title": st.title, "period": st.period},
                    "indicator": {"id": view.id, "name": view.name},
                }
            )
            counts.setdefault(st.region, dict.fromkeys(STATUSES, 0))[row["status"]] += 1
        return {"year": year, "starter_key": starter_key, "rows": rows, "counts": counts}

    def region_progress(self, actor: Account | None, region: str) -> dict[str, Any]:
        """Every strategy of a region with its :meth:`strategy_progress` (for the report)."""
        self.read(actor)
        strategies = self.app.registry.list_strategies(actor, region)
        return {
            "region": region.strip().upper(),
            "strategies": [self.strategy_progress(actor, st.id) for st in strategies],
        }

    # ------------------------------------------------------------------ starter set
    @staticmethod
    def starter_set() -> list[dict[str, Any]]:
        """The starter set of indicators (:func:`.starter.starter_set`)."""
        from . import starter

        return list(starter.starter_set())

    def adopt_starter(
        self,
        actor: Account | None,
        strategy_id: int,
        keys: Sequence[str],
        priority_id: int | None = None,
        *,
        lang: str = "en",
    ) -> list[IndicatorView]:
        """Add the starter-set indicators ``keys`` to a strategy (under ``priority_id``): names
        and definitions in ``lang``; a computed one that measures the priority's activities takes
        the priority's NACE codes (:func:`.starter.computed_for`). Every entry is checked before
        any is added. No baseline or target is invented: computed ones take their baseline from
        the data, the others await it."""
        from . import starter

        strategy = self._writer(actor, strategy_id, "adopting starter indicators")
        entries = {e["key"]: e for e in self.starter_set()}
        unknown = [k for k in keys if k not in entries]
        if unknown or not keys:
            raise ValidationError(
                "unknown starter-set indicators" if unknown else "no starter-set indicator named",
                where="keys",
                expected="keys of the starter set (GET /api/v1/monitoring/starter)",
                found=", ".join(unknown) or "none",
            )
        codes: list[str] = []
        if priority_id is not None:
            self._check_priority(actor, strategy, priority_id)
            found = [p for p in self._priorities(actor, strategy) if p.id == priority_id]
            codes = list(found[0].codes.get("nace", [])) if found else []
        datas = []
        for key in keys:
            entry = entries[key]
            spec = starter.computed_for(entry, codes or None) if entry.get("computed") else None
            data = IndicatorIn(
                kind=entry["kind"],
                name=entry["name"].get(lang) or entry["name"]["en"],
                definition=entry["definition"].get(lang) or entry["definition"]["en"],
                unit=entry.get("unit", ""),
                source=entry.get("source", ""),
                higher_is_better=bool(entry.get("higher_is_better", True)),
                priority_id=priority_id,
                computed=spec,
                starter_key=key,
            )
            repo.clean_indicator(data)
            datas.append(data)
        out = [self.add_indicator(actor, strategy_id, data) for data in datas]
        return out

    # ------------------------------------------------------------------ settings
    def meta(self, key: str) -> str | None:
        """A setting of the domain (``"example_loaded"``), or ``None``."""
        with self.store.session() as s:
            return repo.get_meta(s, key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a setting of the domain."""
        with self.store.session() as s:
            repo.set_meta(s, key, value)
