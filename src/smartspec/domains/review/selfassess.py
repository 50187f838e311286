"""Self-assessment of a region's strategy against the review rubric (:mod:`.rubric`), and the
base of the review service (:class:`SelfAssessments`: its store, registry and reading rule).

A region's administrators and editors answer every criterion of the rubric with a score 1-5 (or
``None``, not applicable) once a year; the answers are compared over time and across regions by
the mean of each step (:func:`.scoring.step_means`: the mean of the step's answered criteria).
A self-assessment is the region's own view: the peer review (:mod:`.service`) is the outside one
(Midtkandal and Rakhmatullin 2014, S3 Working Paper 02/2014).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account, require_reader, require_region
from smartspec.domains.accounts.service import Accounts, UserView
from smartspec.domains.registry.checks import region_code
from smartspec.domains.registry.service import Registry
from smartspec.domains.registry.views import StrategyView
from smartspec.store import Store

from .models import SelfAssessmentRow
from .rubric import Rubric, rubric
from .scoring import LIMITS, aware, clean_score, clean_text, mean, now, step_means

__all__ = ["SelfAssessments"]

_YEARS = (1990, 2100)


class SelfAssessments:
    """Self-assessments (and what the peer reviews share) on a :class:`~smartspec.store.Store`.

    Parameters
    ----------
    store : Store
        The platform database (its migrations create the domain's tables).
    registry : Registry
        The priorities registry: the strategies under review.
    accounts : Accounts
        The accounts service: the reviewers who may be invited.
    public_read : bool
        Whether anonymous visitors may read (completed reviews, self-assessments).
    """

    def __init__(
        self, store: Store, registry: Registry, accounts: Accounts, *, public_read: bool = True
    ) -> None:
        self.store = store
        self.registry = registry
        self.accounts = accounts
        self.public_read = public_read

    @property
    def rubric(self) -> Rubric:
        """The review rubric (:func:`.rubric.rubric`)."""
        return rubric()

    def _strategy(self, strategy_id: int) -> StrategyView:
        from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

        return self.registry.get_strategy(SYSTEM_ACCOUNT, strategy_id)

    def _users(self) -> list[UserView]:
        """Every account (for invitations), read through the accounts service."""
        from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

        return self.accounts.list_users(SYSTEM_ACCOUNT)

    # ------------------------------------------------------------------ self-assessment
    def _sa_dict(self, row: SelfAssessmentRow) -> dict[str, Any]:
        answers = {k: v for k, v in (row.answers or {}).items()}
        return {
            "id": row.id,
            "region": row.region,
            "year": row.year,
            "strategy_id": row.strategy_id,
            "answers": answers,
            "comments": dict(row.comments or {}),
            "answered": sum(1 for v in answers.values() if v is not None),
            "criteria_total": len(self.rubric.keys),
            "steps": step_means(self.rubric, answers),
            "version": row.version,
            "saved_at": aware(row.saved_at).isoformat(),
            "saved_by": row.saved_by,
        }

    def save_self_assessment(
        self,
        actor: Account | None,
        region: str,
        answers: Mapping[str, int | None],
        comments: Mapping[str, str] | None = None,
        strategy_id: int | None = None,
        year: int | None = None,
    ) -> dict[str, Any]:
        """Save a region's self-assessment of ``year`` (default: this year) against the rubric:
        a score 1-5 (or ``None``, not applicable) by criterion key, and comments. One per region
        and year: saving again replaces it (``version`` + 1). Administrators and the region's
        editors."""
        code = region_code(region)
        who = require_region(actor, code, "saving a self-assessment")
        rb = self.rubric
        if not isinstance(answers, Mapping) or not answers:
            raise ValidationError(
                "the self-assessment has no answers",
                where="answers",
                expected="a score 1-5 (or null) by criterion key",
                found=repr(answers)[:80],
            )
        clean: dict[str, int | None] = {}
        for key, value in answers.items():
            rb.criterion(key)
            clean[key] = clean_score(value, f"answers.{key}")
        notes: dict[str, str] = {}
        for key, text in (comments or {}).items():
            rb.criterion(key)
            if note := clean_text(text, f"comment of {key}", LIMITS["comment"]):
                notes[key] = note
        when = now().year if year is None else year
        if (
            isinstance(when, bool)
            or not isinstance(when, int)
            or not (_YEARS[0] <= when <= _YEARS[1])
        ):
            raise ValidationError(
                "the year is not valid",
                where="year",
                expected=f"a year {_YEARS[0]} to {_YEARS[1]}",
                found=repr(year),
            )
        if strategy_id is not None:
            strategy = self._strategy(strategy_id)
            if strategy.region != code:
                raise ValidationError(
                    f"strategy {strategy_id} is of region {strategy.region}, not {code}",
                    where="strategy_id",
                    expected=f"a strategy of region {code}",
                    found=strategy.region,
                )
        with self.store.session() as s:
            row = s.scalar(
                select(SelfAssessmentRow).where(
                    SelfAssessmentRow.region == code, SelfAssessmentRow.year == when
                )
            )
            if row is None:
                row = SelfAssessmentRow(region=code, year=when, version=1)
                s.add(row)
            else:
                row.version += 1
            row.answers, row.comments, row.strategy_id = clean, notes, strategy_id
            row.saved_at, row.saved_by = now(), who.name
            s.flush()
            return self._sa_dict(row)

    def self_assessments(
        self, actor: Account | None, region: str | None = None
    ) -> list[dict[str, Any]]:
        """The self-assessments (of a region), by region then newest year first (readers)."""
        require_reader(actor, self.public_read, "reading self-assessments")
        query = select(SelfAssessmentRow).order_by(
            SelfAssessmentRow.region, SelfAssessmentRow.year.desc()
        )
        if region:
            query = query.where(SelfAssessmentRow.region == region_code(region))
        with self.store.session() as s:
            return [self._sa_dict(r) for r in s.scalars(query)]

    def compare_self_assessments(
        self, actor: Account | None, regions: Sequence[str], year: int | None = None
    ) -> dict[str, Any]:
        """Self-assessments side by side: per region, the step means of its assessment of
        ``year`` (default: its latest) and their mean (``overall``); ``over_time``: each
        region's step means by year (readers)."""
        require_reader(actor, self.public_read, "comparing self-assessments")
        codes = list(dict.fromkeys(region_code(r) for r in regions))
        if not codes or len(codes) > LIMITS["regions"]:
            raise ValidationError(
                "the regions to compare are not valid",
                where="regions",
                expected=f"1 to {LIMITS['regions']} region codes",
                found=f"{len(codes)} regions",
            )
        by_region: dict[str, list[dict[str, Any]]] = {
            c: sorted(self.self_assessments(actor, c), key=lambda d: d["year"]) for c in codes
        }
        rows = []
        for code, items in by_region.items():
            chosen = [d for d in items if year is None or d["year"] == year]
            latest = chosen[-1] if chosen else None
            steps = latest["steps"] if latest else {s.key: None for s in self.rubric.steps}
            found = [v for v in steps.values() if v is not None]
            rows.append(
                {
                    "region": code,
                    "year": latest["year"] if latest else None,
                    "steps": steps,
                    "overall": mean(found),
                }
            )
        return {
            "year": year,
            "steps": [
                {"key": s.key, "number": s.number, "title": dict(s.title)}
                for s in self.rubric.steps
            ],
            "regions": rows,
            "over_time": {
                code: [{"year": d["year"], "steps": d["steps"]} for d in items]
                for code, items in by_region.items()
            },
        }
