"""The arithmetic of the review domain: scores checked, consolidated by criterion and by step.

Pure functions over the rubric (:mod:`.rubric`); the service (:mod:`.service`) reads the rows
and calls these. A score is 1 to 5, or ``None`` for "not applicable", which is left out of
every count ``n``, mean and spread (and counted apart as ``n_na``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from smartspec.core.errors import ValidationError

from .rubric import SCORE_MAX, SCORE_MIN, Rubric

__all__ = [
    "LIMITS",
    "aware",
    "clean_score",
    "clean_text",
    "consolidate",
    "mean",
    "now",
    "step_means",
]

#: Bounds of the texts and lists a client sends.
LIMITS: dict[str, int] = {"comment": 2000, "note": 2000, "regions": 50}


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone (SQLite keeps none; every time is written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def mean(values: Sequence[float]) -> float | None:
    """The mean of ``values``; ``None`` when there are none."""
    return statistics.fmean(values) if values else None


def clean_text(value: object, where: str, limit: int) -> str:
    """``value`` as stripped text, or :class:`ValidationError` when longer than ``limit``."""
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ValidationError(
            f"the {where} is too long",
            where=where,
            expected=f"at most {limit:,} characters",
            found=f"{len(text):,} characters",
            fix="shorten it",
        )
    return text


def clean_score(value: object, where: str) -> int | None:
    """A score 1-5 or ``None`` (not applicable), or :class:`ValidationError`."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (SCORE_MIN <= value <= SCORE_MAX)
    ):
        raise ValidationError(
            "a score is out of the scale",
            where=where,
            expected=f"a whole number {SCORE_MIN} to {SCORE_MAX}, or null for not applicable",
            found=repr(value)[:40],
        )
    return value


def step_means(rb: Rubric, values: Mapping[str, float | None]) -> dict[str, float | None]:
    """The mean by step of values by criterion (``None`` values and missing criteria left out;
    ``None`` for a step without a value).

    >>> from smartspec.domains.review.rubric import rubric
    >>> values = {"context-assets": 4, "context-outward": 2, "vision-shared": None}
    >>> means = step_means(rubric(), values)
    >>> means["context"], means["vision"]
    (3.0, None)
    """
    out: dict[str, float | None] = {}
    for step in rb.steps:
        found = [float(v) for c in step.criteria if (v := values.get(c.key)) is not None]
        out[step.key] = mean(found)
    return out


def consolidate(rb: Rubric, scores: Iterable[tuple[str, str, int | None, str]]) -> dict[str, Any]:
    """Consolidated results of a review from ``(reviewer label, criterion, score, comment)``.

    By criterion: ``n`` (scores given), ``n_na`` (marked not applicable), ``mean``, ``std`` (the
    sample standard deviation, divisor n - 1; ``None`` under two scores), ``min``, ``max`` and
    the comments with their reviewer's label. By step: ``mean``, the mean of its criteria's
    means (each criterion weighs the same, however many reviewers scored it), and ``n`` (its
    criteria with a mean). ``radar``: the steps with their mean, ready for a radar chart.

    Examples
    --------
    >>> from smartspec.domains.review.rubric import rubric
    >>> out = consolidate(rubric(), [("a", "gg-body", 2, ""), ("b", "gg-body", 4, "ok")])
    >>> c = next(c for c in out["criteria"] if c["key"] == "gg-body")
    >>> c["n"], c["mean"], round(c["std"], 4), c["comments"]
    (2, 3.0, 1.4142, [{'reviewer': 'b', 'score': 4, 'text': 'ok'}])
    """
    by_key: dict[str, list[tuple[str, int | None, str]]] = {k: [] for k in rb.keys}
    for label, key, value, comment in scores:
        if key in by_key:
            by_key[key].append((label, value, comment))
    criteria = []
    means: dict[str, float | None] = {}
    for crit in rb.criteria:
        rows = by_key[crit.key]
        values = [float(v) for _, v, _ in rows if v is not None]
        means[crit.key] = mean(values)
        criteria.append(
            {
                "key": crit.key,
                "step": crit.step,
                "title": dict(crit.title),
                "n": len(values),
                "n_na": sum(1 for _, v, _ in rows if v is None),
                "mean": means[crit.key],
                "std": statistics.stdev(values) if len(values) >= 2 else None,
                "min": min(values) if values else None,
                "max": max(values) if values else None,
                "comments": [
                    {"reviewer": label, "score": v, "text": text} for label, v, text in rows if text
                ],
            }
        )
    steps: list[dict[str, Any]] = []
    for step in rb.steps:
        found = [m for c in step.criteria if (m := means[c.key]) is not None]
        steps.append(
            {
                "key": step.key,
                "number": step.number,
                "title": dict(step.title),
                "mean": mean(found),
                "n": len(found),
                "criteria": len(step.criteria),
            }
        )
    radar: list[dict[str, Any]] = [
        {
            "step": s["key"],
            "label_en": s["title"]["en"],
            "label_es": s["title"]["es"],
            "value": s["mean"],
        }
        for s in steps
    ]
    return {"criteria": criteria, "steps": steps, "radar": radar}
