"""The review rubric: the six steps of the RIS3 Guide and the good-governance criteria of the
2021-2027 enabling condition, each with criteria and guiding questions in English and Spanish.

The rubric lives in ``data/rubric.json`` (its sources in ``data/SOURCES.md``):

* steps 1 to 6 follow Foray et al. (2012), *Guide to Research and Innovation Strategies for
  Smart Specialisation (RIS 3)*, chapter 3 (doi:10.2776/65746), two to four criteria each;
* step ``governance-2021`` holds the seven fulfilment criteria of thematic enabling condition
  1.1 "Good governance of national or regional smart specialisation strategy", Regulation (EU)
  2021/1060, Annex IV.

Scores run from 1 to 5; ``None`` means "not applicable" and is left out of every mean.
:func:`rubric` loads the file once and checks it (:func:`validate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from smartspec.core.errors import ValidationError

__all__ = [
    "GOVERNANCE_2021",
    "RIS3_STEPS",
    "SCORE_MAX",
    "SCORE_MIN",
    "Criterion",
    "Rubric",
    "Step",
    "load_rubric",
    "rubric",
    "validate",
]

#: The keys of the six RIS3 Guide steps, in order.
RIS3_STEPS: tuple[str, ...] = (
    "context",
    "governance",
    "vision",
    "priorities",
    "policy-mix",
    "monitoring",
)
#: The key of the block of the seven fulfilment criteria of enabling condition 1.1.
GOVERNANCE_2021 = "governance-2021"
#: The lowest and highest score.
SCORE_MIN, SCORE_MAX = 1, 5
_LANGS = ("en", "es")


@dataclass(frozen=True)
class Criterion:
    """One criterion: its key, its step's key, and title and question by language."""

    key: str
    step: str
    title: dict[str, str]
    question: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "step": self.step,
            "title": dict(self.title),
            "question": dict(self.question),
        }


@dataclass(frozen=True)
class Step:
    """One block of the rubric: a RIS3 step (number 1-6) or the 2021 governance criteria."""

    key: str
    number: int
    title: dict[str, str]
    source: str
    criteria: tuple[Criterion, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "number": self.number,
            "title": dict(self.title),
            "source": self.source,
            "criteria": [c.to_dict() for c in self.criteria],
        }


@dataclass(frozen=True)
class Rubric:
    """The whole rubric: scale, method and steps."""

    version: int
    scale: dict[str, Any]
    method: dict[str, str]
    steps: tuple[Step, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, in the order of the steps."""
        return tuple(c for s in self.steps for c in s.criteria)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every criterion's key."""
        return tuple(c.key for c in self.criteria)

    def criterion(self, key: str) -> Criterion:
        """The criterion ``key`` (:class:`ValidationError` listing some keys when unknown)."""
        for c in self.criteria:
            if c.key == key:
                return c
        raise ValidationError(
            f"unknown rubric criterion {key!r}",
            where="criterion",
            expected=f"one of the {len(self.keys)} keys of the rubric, such as "
            f"{', '.join(self.keys[:4])} (GET /api/v1/reviews/rubric lists them)",
            found=repr(key)[:80],
        )

    def step(self, key: str) -> Step:
        """The step ``key`` (:class:`ValidationError` when unknown)."""
        for s in self.steps:
            if s.key == key:
                return s
        raise ValidationError(
            f"unknown rubric step {key!r}",
            where="step",
            expected=", ".join(s.key for s in self.steps),
            found=repr(key)[:80],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (what ``GET /api/v1/reviews/rubric`` returns)."""
        return {
            "version": self.version,
            "scale": self.scale,
            "method": self.method,
            "steps": [s.to_dict() for s in self.steps],
        }


def _bad(problem: str, where: str, expected: str, found: object) -> ValidationError:
    return ValidationError(
        f"the review rubric is not valid: {problem}",
        where=where,
        expected=expected,
        found=repr(found)[:120],
        fix="correct src/smartspec/domains/review/data/rubric.json",
    )


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip() for lang in _LANGS
    ):
        raise _bad("a text is missing a language", where, "non-empty 'en' and 'es' texts", value)
    return {lang: value[lang].strip() for lang in _LANGS}


def validate(data: Any) -> Rubric:
    """The checked :class:`Rubric` of a parsed ``rubric.json``.

    Checks: the six RIS3 steps in order (Foray et al. 2012) with 2 to 4 criteria each, then the
    ``governance-2021`` block with exactly the seven fulfilment criteria of Regulation (EU)
    2021/1060, Annex IV, enabling condition 1.1; every step with a source; every criterion with
    a unique key, its step's key, and an English and a Spanish title and question.

    Raises
    ------
    ValidationError
        Naming the first problem found.

    Examples
    --------
    >>> validate({"version": 1, "scale": {}, "method": {}, "steps": []})
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: the review rubric is not valid: the steps ...
    """
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise _bad("no steps", "steps", "an object with a list 'steps'", type(data).__name__)
    raw_steps = data["steps"]
    keys = [s.get("key") if isinstance(s, dict) else None for s in raw_steps]
    if keys != [*RIS3_STEPS, GOVERNANCE_2021]:
        raise _bad(
            "the steps are not the six RIS3 steps and the 2021 governance block",
            "steps",
            ", ".join((*RIS3_STEPS, GOVERNANCE_2021)),
            keys,
        )
    seen: set[str] = set()
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        key = str(raw["key"])
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            raise _bad("a step has no source", f"steps.{key}.source", "a citation", source)
        criteria = raw.get("criteria")
        bounds = (7, 7) if key == GOVERNANCE_2021 else (2, 4)
        if not isinstance(criteria, list) or not bounds[0] <= len(criteria) <= bounds[1]:
            raise _bad(
                "a step has a wrong number of criteria",
                f"steps.{key}.criteria",
                f"{bounds[0]} to {bounds[1]} criteria",
                len(criteria) if isinstance(criteria, list) else criteria,
            )
        items = []
        for raw_c in criteria:
            ckey = raw_c.get("key") if isinstance(raw_c, dict) else None
            if not isinstance(ckey, str) or not ckey or ckey in seen:
                raise _bad("a criterion key is missing or repeated", f"steps.{key}", "unique", ckey)
            if raw_c.get("step") != key:
                raise _bad("a criterion names another step", f"criteria.{ckey}", key, raw_c)
            seen.add(ckey)
            items.append(
                Criterion(
                    key=ckey,
                    step=key,
                    title=_texts(raw_c.get("title"), f"criteria.{ckey}.title"),
                    question=_texts(raw_c.get("question"), f"criteria.{ckey}.question"),
                )
            )
        steps.append(
            Step(
                key=key,
                number=int(raw.get("number", number)),
                title=_texts(raw.get("title"), f"steps.{key}.title"),
                source=source.strip(),
                criteria=tuple(items),
            )
        )
    scale = data.get("scale") or {}
    if scale.get("min") != SCORE_MIN or scale.get("max") != SCORE_MAX:
        raise _bad("the scale is not 1 to 5", "scale", "min 1, max 5", scale)
    return Rubric(
        version=int(data.get("version", 1)),
        scale=dict(scale),
        method=dict(data.get("method") or {}),
        steps=tuple(steps),
    )


def load_rubric(text: str) -> Rubric:
    """The checked rubric of a JSON text (:func:`validate`)."""
    return validate(json.loads(text))


@lru_cache(maxsize=1)
def rubric() -> Rubric:
    """The bundled rubric (``data/rubric.json``), loaded and checked once.

    >>> r = rubric()
    >>> [s.key for s in r.steps][:2], len(r.step("governance-2021").criteria)
    (['context', 'governance'], 7)
    """
    text = resources.files(__package__).joinpath("data", "rubric.json").read_text("utf-8")
    return load_rubric(text)
