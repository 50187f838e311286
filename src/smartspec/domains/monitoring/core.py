"""The base of the monitoring service (:class:`~.service.Monitoring`): permissions, reading
and checking rows, the links of an indicator, computing computed indicators (see the service
module for the rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smartspec.core.errors import SmartSpecError, ValidationError
from smartspec.domains.accounts.rules import Account, require_reader, require_region, require_role
from smartspec.domains.errors import ConflictError, EditConflictError, UnknownRecordError

from . import repo
from .models import ActionRow, IndicatorRow, ObjectiveRow, TargetRow, ValueRow
from .views import IndicatorIn, IndicatorView

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.views import StrategyView

__all__ = ["MonitoringCore", "actor_name", "period_start"]


def actor_name(actor: Account | None) -> str | None:
    """The name the history records for ``actor``."""
    return None if actor is None else actor.name


def period_start(period: str) -> int | None:
    """The first year of a programming period.

    >>> period_start("2021-2027")
    2021
    """
    head = period.strip()[:4]
    return int(head) if head.isdigit() else None


class MonitoringCore:
    """What :class:`~.service.Monitoring` builds on: permissions, rows, links, computing.

    Parameters
    ----------
    app : SmartSpecApp
        The platform: its store holds the tables, its registry the strategies and priorities,
        its datasets the data of computed indicators.
    """

    def __init__(self, app: SmartSpecApp) -> None:
        self.app = app
        self.store = app.store
        self.public_read = bool(app.settings.get("public_read", True))

    # ------------------------------------------------------------------ permissions
    def read(self, actor: Account | None) -> None:
        """Nothing when ``actor`` may read; else 401."""
        require_reader(actor, self.public_read, "reading the monitoring plans")

    def _strategy(self, actor: Account | None, strategy_id: int) -> StrategyView:
        return self.app.registry.get_strategy(actor, strategy_id)

    def _writer(self, actor: Account | None, strategy_id: int, action: str) -> StrategyView:
        """The strategy, when ``actor`` may change its monitoring plan; else 401/403/404."""
        require_role(actor, ("admin", "editor"), action)
        strategy = self._strategy(actor, strategy_id)
        require_region(actor, strategy.region, action)
        return strategy

    def _priorities(self, actor: Account | None, strategy: StrategyView) -> list[Any]:
        return [
            p
            for p in self.app.registry.region_priorities(actor, strategy.region)
            if p.strategy_id == strategy.id
        ]

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _row(s: Session, indicator_id: int) -> IndicatorRow:
        row = s.get(IndicatorRow, indicator_id)
        if row is None:
            raise UnknownRecordError(
                f"there is no indicator {indicator_id}",
                where="indicator_id",
                fix="see the strategy's plan for its indicators "
                "(GET /api/v1/monitoring/strategies/{id})",
            )
        return row

    @staticmethod
    def _objective(s: Session, objective_id: int) -> ObjectiveRow:
        row = s.get(ObjectiveRow, objective_id)
        if row is None:
            raise UnknownRecordError(
                f"there is no objective {objective_id}",
                where="objective_id",
                fix="see the strategy's plan for its objectives",
            )
        return row

    def _view(self, s: Session, row: IndicatorRow, year: int | None = None) -> IndicatorView:
        s.flush()
        return repo.indicator_views(s, [row], year)[0]

    def _conflict(
        self, s: Session, row: IndicatorRow, data: IndicatorIn | None, version: int
    ) -> EditConflictError:
        current = self._view(s, row)
        yours: dict[str, Any] = {"version": version}
        if data is not None:
            yours = {**data.model_dump(mode="json"), "version": version}
        return EditConflictError(
            f"indicator {row.id} was changed by someone else since version {version}",
            details={"current": current.to_dict(), "yours": yours},
            expected=f"version {row.version} (the stored one)",
            found=f"version {version}",
            fix="reload the indicator, merge your changes into the current version and save again",
        )

    def _links(
        self, s: Session, actor: Account | None, strategy: StrategyView, values: dict[str, Any]
    ) -> None:
        """Check (and complete) an indicator's priority, objective and action: they must be of
        the strategy; an action sets its objective, an objective its priority."""
        if values.get("action_id") is not None:
            action = s.get(ActionRow, values["action_id"])
            if action is None:
                raise UnknownRecordError(
                    f"there is no action {values['action_id']}", where="action_id"
                )
            if values.get("objective_id") not in (None, action.objective_id):
                raise ValidationError(
                    "the action does not serve the objective given",
                    where="action_id",
                    expected=f"an action of objective {values['objective_id']}",
                    found=f"action {action.id} of objective {action.objective_id}",
                )
            values["objective_id"] = action.objective_id
        if values.get("objective_id") is not None:
            objective = self._objective(s, values["objective_id"])
            if objective.strategy_id != strategy.id:
                raise ValidationError(
                    "the objective is not of this strategy",
                    where="objective_id",
                    expected=f"an objective of strategy {strategy.id}",
                    found=f"objective {objective.id} of strategy {objective.strategy_id}",
                )
            if values.get("priority_id") is None:
                values["priority_id"] = objective.priority_id
        if values.get("priority_id") is not None:
            self._check_priority(actor, strategy, values["priority_id"])

    def _check_priority(self, actor: Account | None, strategy: StrategyView, pid: int) -> None:
        known = {p.id for p in self._priorities(actor, strategy)}
        if pid not in known:
            raise ValidationError(
                "the priority is not of this strategy",
                where="priority_id",
                expected="one of " + (", ".join(map(str, sorted(known))) or "none"),
                found=str(pid),
                fix="see the strategy's priorities in the registry",
            )

    @staticmethod
    def _set_targets(
        s: Session, row: IndicatorRow, targets: Sequence[tuple[int, float, str]]
    ) -> None:
        s.execute(delete(TargetRow).where(TargetRow.indicator_id == row.id))
        for year, value, kind in targets:
            s.add(TargetRow(indicator_id=row.id, year=year, value=value, kind=kind))
        s.flush()
        repo.trajectory(
            row, list(s.scalars(select(TargetRow).where(TargetRow.indicator_id == row.id)))
        )

    def _stale(self, row: IndicatorRow) -> str | None:
        """The dataset's data version when the stored values of a computed indicator are not
        from it; else ``None``."""
        if row.computed is None:
            return None
        from . import compute

        version = compute.data_version(self.app, row.computed)
        return None if version == row.computed_version else version

    def _compute(self, s: Session, row: IndicatorRow, actor: str | None) -> None:
        """(Re)compute a computed indicator's values (:func:`.compute.compute_series`)."""
        from . import compute

        assert row.computed is not None
        series = compute.compute_series(self.app, row.computed, row.region)
        s.execute(delete(ValueRow).where(ValueRow.indicator_id == row.id))
        stamp = repo.now()
        for when, value in sorted(series.values.items()):
            s.add(
                ValueRow(
                    indicator_id=row.id,
                    year=int(when),
                    value=float(value),
                    origin="computed",
                    data_version=series.data_version,
                    note="",
                    entered_by=actor,
                    entered_at=stamp,
                )
            )
        row.computed_version = series.data_version
        row.caveats = list(series.caveats)
        if not row.unit:
            row.unit = series.unit
        if row.baseline_value is None and series.values:
            year: int | None = row.baseline_year
            if year is None:
                start = self._start_year(row.strategy_id)
                before = [y for y in series.values if start is None or y < start]
                year = max(before) if before else min(series.values)
            if year in series.values:
                row.baseline_year, row.baseline_value = int(year), float(series.values[year])
        s.flush()
        repo.log(
            s,
            "indicator",
            row.id,
            row.version,
            actor,
            "compute",
            {"data_version": series.data_version, "years": sorted(series.values)},
        )

    def _start_year(self, strategy_id: int) -> int | None:
        from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

        try:
            return period_start(self.app.registry.get_strategy(SYSTEM_ACCOUNT, strategy_id).period)
        except UnknownRecordError:
            return None

    def _fresh(self, s: Session, rows: Iterable[IndicatorRow]) -> None:
        """Recompute the computed indicators among ``rows`` whose dataset changed since; one
        that cannot be computed now keeps its stored values."""
        for row in rows:
            try:
                if self._stale(row) is not None:
                    with s.begin_nested():
                        self._compute(s, row, "smartspec")
            except SmartSpecError:
                continue

    def _refuse_computed(self, row: IndicatorRow) -> None:
        if row.computed is not None:
            raise ConflictError(
                f"indicator {row.id} is computed from the dataset {row.computed.get('dataset')!r}",
                where="indicator_id",
                expected="an indicator whose values are entered (not computed)",
                found=f"measure {row.computed.get('measure')!r}",
                fix="refresh it to recompute its values, or remove its computation first",
            )

    @staticmethod
    def _put_value(
        s: Session,
        row: IndicatorRow,
        year: int,
        value: float,
        note: str,
        actor: str | None,
        origin: str,
    ) -> bool:
        """Store a value; ``True`` when it is new."""
        old = s.get(ValueRow, (row.id, year))
        if old is None:
            s.add(
                ValueRow(
                    indicator_id=row.id,
                    year=year,
                    value=value,
                    origin=origin,
                    note=note,
                    entered_by=actor,
                    entered_at=repo.now(),
                )
            )
            change = {"year": year, "value": [None, value], "note": note, "origin": origin}
        else:
            change = {"year": year, "value": [old.value, value], "note": note, "origin": origin}
            old.value, old.note, old.origin = value, note, origin
            old.entered_by, old.entered_at = actor, repo.now()
        s.flush()
        repo.log(s, "indicator", row.id, row.version, actor, "value", change)
        return old is None
