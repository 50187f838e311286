"""Reads and writes of the monitoring domain's rows inside a caller's session, the checks of
what clients send, and an indicator's progress.

The service (:mod:`smartspec.domains.monitoring.service`) checks permissions and calls these;
nothing here commits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartspec.core.errors import ValidationError

from .models import HistoryRow, IndicatorRow, MonitoringMetaRow, TargetRow, ValueRow
from .progress import Trajectory, assess
from .views import KINDS, TARGET_KINDS, IndicatorIn, IndicatorView, TargetIn

__all__ = [
    "LIMITS",
    "aware",
    "clean_indicator",
    "clean_targets",
    "clean_text",
    "clean_value",
    "get_meta",
    "indicator_views",
    "log",
    "now",
    "progress_of",
    "set_meta",
]

#: Bounds of the fields.
LIMITS: dict[str, int] = {
    "title": 500,
    "name": 300,
    "description": 20_000,
    "definition": 5_000,
    "unit": 120,
    "source": 2_000,
    "instrument": 500,
    "note": 2_000,
    "targets": 50,
    "spec": 4_000,
}
#: The largest value (in absolute terms) an indicator's value, baseline or target may have.
MAX_VALUE = 1e15
#: The years a value, a baseline or a target may have.
YEARS = (1900, 2100)


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite keeps none; every time is written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def clean_text(value: str | None, field: str, *, required: bool = False) -> str:
    """``value`` stripped, checked against its bound in :data:`LIMITS`.

    >>> clean_text("  Jobs in R&D ", "name")
    'Jobs in R&D'
    """
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(
            f"the {field} is empty",
            where=field,
            expected="a text",
            found="''",
            fix=f"give a {field}",
        )
    limit = LIMITS[field]
    if len(text) > limit:
        raise ValidationError(
            f"the {field} is too long",
            where=field,
            expected=f"at most {limit:,} characters",
            found=f"{len(text):,}",
            fix=f"shorten the {field}",
        )
    return text


def clean_year(year: Any, field: str = "year") -> int:
    """A year from 1900 to 2100.

    >>> clean_year("2024")
    2024
    """
    try:
        number = int(str(year).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not YEARS[0] <= number <= YEARS[1]:
        raise ValidationError(
            f"the {field} is not a year",
            where=field,
            expected=f"a whole year from {YEARS[0]} to {YEARS[1]}",
            found=repr(year),
            fix="give the year in four digits",
        )
    return number


def clean_value(value: Any, field: str = "value") -> float:
    """A finite number.

    >>> clean_value(12)
    12.0
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    number_like = not isinstance(value, bool) and math.isfinite(number)
    if not number_like or abs(number) > MAX_VALUE:
        raise ValidationError(
            f"the {field} is out of bounds" if number_like else f"the {field} is not a number",
            where=field,
            expected=f"a finite number of at most {MAX_VALUE:.0e} in absolute value (a decimal "
            "point, no thousands separators)",
            found=repr(value),
            fix=f"enter the {field} as a number",
        )
    return number


def clean_indicator(data: IndicatorIn) -> dict[str, Any]:
    """The checked column values of an indicator (links, targets, version and stamps apart)."""
    if data.kind not in KINDS:
        raise ValidationError(
            "unknown kind of indicator",
            where="kind",
            expected=", ".join(KINDS),
            found=repr(data.kind),
        )
    baseline_year = None if data.baseline_year is None else clean_year(data.baseline_year)
    baseline_value = (
        None if data.baseline_value is None else clean_value(data.baseline_value, "baseline")
    )
    if baseline_value is not None and baseline_year is None:
        raise ValidationError(
            "the baseline value has no year",
            where="baseline_year",
            expected="the year of the baseline value",
            found="none",
            fix="give baseline_year with baseline_value",
        )
    computed = data.computed
    if computed is not None:
        computed = clean_spec(computed)
    key = (data.starter_key or "").strip() or None
    if key is not None and len(key) > 64:
        raise ValidationError(
            "the starter key is too long",
            where="starter_key",
            expected="at most 64 characters",
            found=str(len(key)),
        )
    return {
        "kind": data.kind,
        "name": clean_text(data.name, "name", required=True),
        "definition": clean_text(data.definition, "definition"),
        "unit": clean_text(data.unit, "unit"),
        "source": clean_text(data.source, "source"),
        "higher_is_better": bool(data.higher_is_better),
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "computed": computed,
        "starter_key": key,
    }


def clean_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A computed indicator's spec, checked and normalised by
    :func:`smartspec.domains.monitoring.compute.check_spec` (bounded in size). Whether the
    dataset and the codes exist is checked when the series is computed."""
    from . import compute

    if len(repr(spec)) > LIMITS["spec"]:
        raise ValidationError(
            "the computed indicator's spec is too long",
            where="computed",
            expected=f"at most {LIMITS['spec']:,} characters",
            found=f"{len(repr(spec)):,}",
        )
    return compute.check_spec(spec)


def clean_targets(
    targets: Iterable[TargetIn | tuple[int, float, str] | tuple[int, float]],
) -> list[tuple[int, float, str]]:
    """Milestones and the target, checked: years unique, kinds known, at most one ``target``
    and no milestone after it; by year.

    >>> clean_targets([(2027, 50, "target"), (2024, 30.5, "milestone")])
    [(2024, 30.5, 'milestone'), (2027, 50.0, 'target')]
    """
    out: dict[int, tuple[int, float, str]] = {}
    for item in targets:
        kind: Any
        if isinstance(item, TargetIn):
            year, value, kind = item.year, item.value, item.kind
        else:
            year, value = item[0], item[1]
            kind = item[2] if len(item) > 2 else "milestone"
        y = clean_year(year, "targets.year")
        if y in out:
            raise ValidationError(
                f"two targets for {y}",
                where="targets",
                expected="one milestone or target per year",
                found=str(y),
            )
        if kind not in TARGET_KINDS:
            raise ValidationError(
                "unknown kind of target",
                where="targets.kind",
                expected=" or ".join(TARGET_KINDS),
                found=repr(kind),
            )
        out[y] = (y, clean_value(value, "target value"), str(kind))
    if len(out) > LIMITS["targets"]:
        raise ValidationError(
            "too many milestones",
            where="targets",
            expected=f"at most {LIMITS['targets']}",
            found=str(len(out)),
        )
    finals = [y for y, (_, _, k) in out.items() if k == "target"]
    if len(finals) > 1 or (finals and finals[0] != max(out)):
        raise ValidationError(
            "the target is not the last point",
            where="targets",
            expected="at most one point of kind 'target', in the last year",
            found=", ".join(f"{y} {k}" for y, (_, _, k) in sorted(out.items())),
            fix="make the last year the target and the others milestones",
        )
    return [out[y] for y in sorted(out)]


def trajectory(row: IndicatorRow, targets: Sequence[TargetRow]) -> Trajectory | None:
    """The indicator's trajectory, or ``None`` when it has no baseline or no target.

    Raises
    ------
    ValidationError
        When the baseline and the targets do not make a trajectory (a target before the
        baseline, one that moves the wrong way).
    """
    if row.baseline_year is None or row.baseline_value is None or not targets:
        return None
    return Trajectory(
        baseline=(row.baseline_year, row.baseline_value),
        points={t.year: t.value for t in targets},
        higher_is_better=row.higher_is_better,
    )


def _finite(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its non-finite numbers (an achievement of a change planned as a tiny
    fraction) as ``None``: JSON has no infinity."""
    return {
        k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in data.items()
    }


def progress_of(
    row: IndicatorRow,
    targets: Sequence[TargetRow],
    values: Sequence[ValueRow],
    year: int | None = None,
) -> dict[str, Any] | None:
    """The indicator's progress (:func:`~.progress.assess`) at its latest value (up to ``year``,
    when given); ``None`` when it has no baseline or target. A plan that does not hold (see
    :func:`trajectory`) or no value yet: ``not assessable``, with the ``reason``."""
    try:
        plan = trajectory(row, targets)
    except ValidationError as exc:
        return {
            "year": year,
            "value": None,
            "expected": None,
            "achievement": None,
            "status": "not assessable",
            "rule": "",
            "reason": exc.problem,
        }
    if plan is None:
        return None
    seen = [v for v in values if year is None or v.year <= year]
    if not seen:
        at = year if year is not None else plan.target[0]
        result = _finite(asdict(assess(plan, at, None)))
        return {**result, "reason": "no value" + (f" up to {year}" if year else " yet")}
    latest = max(seen, key=lambda v: v.year)
    result = _finite(asdict(assess(plan, latest.year, latest.value)))
    reason = (
        "the value is from the baseline year or before"
        if result["status"] == "not assessable"
        else ""
    )
    return {**result, "reason": reason}


def indicator_views(
    session: Session, rows: Sequence[IndicatorRow], year: int | None = None
) -> list[IndicatorView]:
    """The views of indicator rows, in their order (targets, values, progress)."""
    ids = [r.id for r in rows]
    targets: dict[int, list[TargetRow]] = {i: [] for i in ids}
    values: dict[int, list[ValueRow]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for t in session.scalars(
            select(TargetRow).where(TargetRow.indicator_id.in_(chunk)).order_by(TargetRow.year)
        ):
            targets[t.indicator_id].append(t)
        for v in session.scalars(
            select(ValueRow).where(ValueRow.indicator_id.in_(chunk)).order_by(ValueRow.year)
        ):
            values[v.indicator_id].append(v)
    out = []
    for row in rows:
        mine = values[row.id]
        latest = mine[-1] if mine else None
        computed = None
        if row.computed is not None:
            computed = {
                **row.computed,
                "data_version": row.computed_version,
                "caveats": list(row.caveats or []),
            }
        out.append(
            IndicatorView(
                id=row.id,
                strategy_id=row.strategy_id,
                region=row.region,
                kind=row.kind,
                name=row.name,
                definition=row.definition,
                unit=row.unit,
                source=row.source,
                higher_is_better=row.higher_is_better,
                baseline={"year": row.baseline_year, "value": row.baseline_value},
                targets=[
                    {"year": t.year, "value": t.value, "kind": t.kind} for t in targets[row.id]
                ],
                values=[
                    {
                        "year": v.year,
                        "value": v.value,
                        "origin": v.origin,
                        "data_version": v.data_version,
                        "note": v.note,
                    }
                    for v in mine
                ],
                computed=computed,
                starter_key=row.starter_key,
                priority_id=row.priority_id,
                objective_id=row.objective_id,
                action_id=row.action_id,
                version=row.version,
                latest=None if latest is None else {"year": latest.year, "value": latest.value},
                progress=progress_of(row, targets[row.id], mine, year),
                updated_at=aware(row.updated_at).isoformat(),
                updated_by=row.updated_by,
            )
        )
    return out


def log(
    session: Session,
    kind: str,
    record_id: int | str,
    version: int,
    actor: str | None,
    action: str,
    changes: dict[str, Any],
) -> None:
    """Record one change in ``monitoring_history``."""
    session.add(
        HistoryRow(
            kind=kind,
            record_id=f"{kind}:{record_id}",
            version=version,
            at=now(),
            actor=actor,
            action=action,
            changes=changes,
        )
    )


def get_meta(session: Session, key: str) -> str | None:
    """A setting of the domain, or ``None``."""
    row = session.get(MonitoringMetaRow, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    """Set a setting of the domain."""
    row = session.get(MonitoringMetaRow, key)
    if row is None:
        session.add(MonitoringMetaRow(key=key, value=value))
    else:
        row.value = value
    session.flush()
