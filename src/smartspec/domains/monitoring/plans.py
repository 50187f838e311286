"""Objectives and actions of a strategy's plan: adding, changing (versioned) and deleting them
(the base of :class:`~.service.Monitoring`; the rules are the service module's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account, require_role
from smartspec.domains.errors import ConflictError, EditConflictError, UnknownRecordError

from . import repo
from .core import MonitoringCore
from .core import actor_name as _name
from .models import ActionRow, IndicatorRow, ObjectiveRow

__all__ = ["PlanEdits"]

_OBJECTIVE = ("title", "description", "priority_id")
_ACTION = ("title", "instrument", "budget", "description")


def _objective_dict(row: ObjectiveRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "strategy_id": row.strategy_id,
        **{k: getattr(row, k) for k in _OBJECTIVE},
        "version": row.version,
    }


def _action_dict(row: ActionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "objective_id": row.objective_id,
        **{k: getattr(row, k) for k in _ACTION},
        "version": row.version,
    }


def _update(
    s: Session,
    kind: str,
    row: Any,
    values: dict[str, Any],
    version: int,
    who: str | None,
    as_dict: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Write ``values`` on ``row`` (an objective or an action) as the version after
    ``version``, with its history entry; nothing when nothing changes; 409 with both versions
    when ``version`` is not the stored one."""
    if row.version != version:
        raise _stale(kind, as_dict(row), values, version)
    changes = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    if changes:
        for key, value in values.items():
            setattr(row, key, value)
        row.version += 1
        row.updated_at, row.updated_by = repo.now(), who
        s.flush()
        repo.log(s, kind, row.id, row.version, who, "update", changes)
    return as_dict(row)


def _stale(
    kind: str, current: dict[str, Any], yours: dict[str, Any], version: int
) -> EditConflictError:
    return EditConflictError(
        f"{kind} {current['id']} was changed by someone else since version {version}",
        details={"current": current, "yours": {**yours, "version": version}},
        expected=f"version {current['version']} (the stored one)",
        found=f"version {version}",
        fix=f"reload the {kind}, merge your changes into the current version and save again",
    )


class PlanEdits(MonitoringCore):
    """Objectives and actions: add, change, delete."""

    # ------------------------------------------------------------------ objectives, actions
    def add_objective(
        self,
        actor: Account | None,
        strategy_id: int,
        title: str,
        description: str = "",
        priority_id: int | None = None,
    ) -> dict[str, Any]:
        """Add an objective to a strategy (under one of its priorities, or none)."""
        strategy = self._writer(actor, strategy_id, "adding an objective")
        values = {
            "title": repo.clean_text(title, "title", required=True),
            "description": repo.clean_text(description, "description"),
        }
        if priority_id is not None:
            self._check_priority(actor, strategy, priority_id)
        stamp = repo.now()
        with self.store.session() as s:
            row = ObjectiveRow(
                strategy_id=strategy_id,
                priority_id=priority_id,
                **values,
                version=1,
                created_at=stamp,
                created_by=_name(actor),
                updated_at=stamp,
                updated_by=_name(actor),
            )
            s.add(row)
            s.flush()
            out = {
                "id": row.id,
                "strategy_id": strategy_id,
                "priority_id": priority_id,
                **values,
                "version": 1,
            }
            repo.log(s, "objective", row.id, 1, _name(actor), "create", out)
            return out

    def add_action(
        self,
        actor: Account | None,
        objective_id: int,
        title: str,
        instrument: str = "",
        budget: float | None = None,
        description: str = "",
    ) -> dict[str, Any]:
        """Add an action (and its instrument, budget in euros) serving an objective."""
        require_role(actor, ("admin", "editor"), "adding an action")
        with self.store.session() as s:
            strategy_id = self._objective(s, objective_id).strategy_id
        self._writer(actor, strategy_id, "adding an action")
        values: dict[str, Any] = {
            "title": repo.clean_text(title, "title", required=True),
            "instrument": repo.clean_text(instrument, "instrument"),
            "description": repo.clean_text(description, "description"),
            "budget": self._budget(budget),
        }
        stamp = repo.now()
        with self.store.session() as s:
            row = ActionRow(
                objective_id=objective_id,
                **values,
                version=1,
                created_at=stamp,
                created_by=_name(actor),
                updated_at=stamp,
                updated_by=_name(actor),
            )
            s.add(row)
            s.flush()
            out = {"id": row.id, "objective_id": objective_id, **values, "version": 1}
            repo.log(s, "action", row.id, 1, _name(actor), "create", out)
            return out

    @staticmethod
    def _action(s: Session, action_id: int) -> ActionRow:
        row = s.get(ActionRow, action_id)
        if row is None:
            raise UnknownRecordError(
                f"there is no action {action_id}",
                where="action_id",
                fix="see the strategy's plan for its actions",
            )
        return row

    @staticmethod
    def _budget(budget: float | None) -> float | None:
        value = None if budget is None else repo.clean_value(budget, "budget")
        if value is not None and value < 0:
            raise ValidationError(
                "the budget is negative",
                where="budget",
                expected="an amount >= 0",
                found=str(budget),
            )
        return value

    def update_objective(
        self,
        actor: Account | None,
        objective_id: int,
        title: str,
        description: str = "",
        priority_id: int | None = None,
        *,
        version: int,
    ) -> dict[str, Any]:
        """Replace an objective's title, description and priority as the next version of
        ``version`` (409 with both when someone saved first; unchanged: the same version). Its
        indicators keep their own priority."""
        require_role(actor, ("admin", "editor"), "changing an objective")
        with self.store.session() as s:
            strategy_id = self._objective(s, objective_id).strategy_id
        strategy = self._writer(actor, strategy_id, "changing an objective")
        values: dict[str, Any] = {
            "title": repo.clean_text(title, "title", required=True),
            "description": repo.clean_text(description, "description"),
            "priority_id": priority_id,
        }
        if priority_id is not None:
            self._check_priority(actor, strategy, priority_id)
        with self.store.session() as s:
            row = self._objective(s, objective_id)
            return _update(s, "objective", row, values, version, _name(actor), _objective_dict)

    def delete_objective(self, actor: Account | None, objective_id: int, *, version: int) -> None:
        """Delete an objective that has no action and no indicator left (409 otherwise, or when
        ``version`` is not the stored one)."""
        require_role(actor, ("admin", "editor"), "deleting an objective")
        with self.store.session() as s:
            strategy_id = self._objective(s, objective_id).strategy_id
        self._writer(actor, strategy_id, "deleting an objective")
        with self.store.session() as s:
            row = self._objective(s, objective_id)
            if row.version != version:
                raise _stale("objective", _objective_dict(row), {}, version)
            actions = s.scalar(
                select(func.count(ActionRow.id)).where(ActionRow.objective_id == objective_id)
            )
            indicators = s.scalar(
                select(func.count(IndicatorRow.id)).where(IndicatorRow.objective_id == objective_id)
            )
            if actions or indicators:
                raise ConflictError(
                    f"objective {objective_id} still has {actions} action(s) and {indicators} "
                    "indicator(s)",
                    where="objective_id",
                    expected="an objective without actions and indicators",
                    found=f"{actions} action(s), {indicators} indicator(s)",
                    fix="delete its actions, and delete or move its indicators first",
                )
            repo.log(s, "objective", row.id, version, _name(actor), "delete", {"title": row.title})
            s.delete(row)

    def update_action(
        self,
        actor: Account | None,
        action_id: int,
        title: str,
        instrument: str = "",
        budget: float | None = None,
        description: str = "",
        *,
        version: int,
    ) -> dict[str, Any]:
        """Replace an action's title, instrument, budget and description as the next version of
        ``version`` (409 with both when someone saved first)."""
        require_role(actor, ("admin", "editor"), "changing an action")
        with self.store.session() as s:
            objective_id = self._action(s, action_id).objective_id
            strategy_id = self._objective(s, objective_id).strategy_id
        self._writer(actor, strategy_id, "changing an action")
        values: dict[str, Any] = {
            "title": repo.clean_text(title, "title", required=True),
            "instrument": repo.clean_text(instrument, "instrument"),
            "budget": self._budget(budget),
            "description": repo.clean_text(description, "description"),
        }
        with self.store.session() as s:
            row = self._action(s, action_id)
            return _update(s, "action", row, values, version, _name(actor), _action_dict)

    def delete_action(self, actor: Account | None, action_id: int, *, version: int) -> None:
        """Delete an action no indicator measures (409 otherwise, or on a stale ``version``)."""
        require_role(actor, ("admin", "editor"), "deleting an action")
        with self.store.session() as s:
            objective_id = self._action(s, action_id).objective_id
            strategy_id = self._objective(s, objective_id).strategy_id
        self._writer(actor, strategy_id, "deleting an action")
        with self.store.session() as s:
            row = self._action(s, action_id)
            if row.version != version:
                raise _stale("action", _action_dict(row), {}, version)
            indicators = s.scalar(
                select(func.count(IndicatorRow.id)).where(IndicatorRow.action_id == action_id)
            )
            if indicators:
                raise ConflictError(
                    f"action {action_id} is measured by {indicators} indicator(s)",
                    where="action_id",
                    expected="an action no indicator measures",
                    found=f"{indicators} indicator(s)",
                    fix="delete its indicators, or link them to the objective instead",
                )
            repo.log(s, "action", row.id, version, _name(actor), "delete", {"title": row.title})
            s.delete(row)
