"""The starter set: indicators a region can adopt for a priority, by type of priority.

``data/starter.json`` holds, for each type of priority (research and innovation capacity,
industrial modernisation, digitalisation, skills, internationalisation and cooperation, and the
context of the region), 3 to 6 indicators:

* **output** and **result** indicators from the common indicators of the ERDF 2021-2027
  (Regulation (EU) 2021/1058, Annex I: ``RCO`` outputs, ``RCR`` results), entered by the
  monitoring committee;
* **context** indicators computed from the platform's data (:mod:`.compute`): the employment,
  share, specialisation (RCA) and relatedness density of the priority's activities, R&D
  intensity and patents per head.

This follows the S3 Platform's guidance (Gianelle & Kleibrink 2015, S3 Policy Brief 13/2015;
the RIS3 Guide, Foray et al. 2012, step 6): result indicators that capture the change each
priority aims at, output indicators of the policy that should bring it about, and context
indicators of the region's development that many other factors also move. Where every entry
comes from is stated in ``data/SOURCES.md``.

A context indicator marked ``activities_from_priority`` measures the activities the priority is
coded with: :func:`computed_for` fills them in when the indicator is adopted.
"""

from __future__ import annotations

import json
from copy import deepcopy
from functools import lru_cache
from importlib import resources
from typing import Any

from smartspec.core.errors import ValidationError

from .compute import MEASURES, check_spec

__all__ = ["KINDS", "computed_for", "load", "priority_types", "starter_item", "starter_set"]

#: The kinds of indicator (the monitoring domain's).
KINDS = ("output", "result", "context")

_FIELDS = (
    "key",
    "priority_type",
    "kind",
    "name",
    "definition",
    "unit",
    "source",
    "higher_is_better",
    "computed",
    "activities_from_priority",
    "reference",
)


def _problem(key: str, what: str) -> ValidationError:
    return ValidationError(
        "the starter set is malformed",
        where=f"data/starter.json, indicator {key!r}",
        expected=what,
        found="something else",
        fix="correct the file (tests/domains/monitoring/test_starter_monitoring.py checks it)",
    )


def validate(doc: dict[str, Any]) -> dict[str, Any]:
    """Check a starter document: unique keys, known priority types and kinds, both languages,
    and computed specs that :func:`~.compute.check_spec` accepts with known measures.

    Returns
    -------
    dict
        The document, unchanged.

    Raises
    ------
    ValidationError
        The first problem found.
    """
    types = [t["key"] for t in doc.get("priority_types", [])]
    if len(set(types)) != len(types):
        raise _problem("priority_types", "unique priority type keys")
    seen: set[str] = set()
    for item in doc.get("indicators", []):
        key = str(item.get("key"))
        missing = [f for f in _FIELDS if f not in item]
        if missing:
            raise _problem(key, f"the fields {', '.join(missing)}")
        if key in seen:
            raise _problem(key, "a key used once")
        seen.add(key)
        if item["priority_type"] not in types:
            raise _problem(key, f"a priority type among {', '.join(types)}")
        if item["kind"] not in KINDS:
            raise _problem(key, f"a kind among {', '.join(KINDS)}")
        for text in ("name", "definition"):
            if not all(str(item[text].get(lang) or "").strip() for lang in ("en", "es")):
                raise _problem(key, f"a {text} in English and Spanish")
        computed = item["computed"]
        if (computed is None) != (item["kind"] != "context"):
            raise _problem(key, "a computed spec for a context indicator, none for the others")
        if computed is not None:
            if computed.get("measure") not in MEASURES:
                raise _problem(key, f"a measure among {', '.join(MEASURES)}")
            check_spec(computed_for(item, ["A"]) if item["activities_from_priority"] else computed)
    counts = {t: sum(i["priority_type"] == t for i in doc["indicators"]) for t in types}
    thin = [t for t, n in counts.items() if not 3 <= n <= 6]
    if thin:
        raise _problem(", ".join(thin), "3 to 6 indicators per priority type")
    return doc


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The bundled ``data/starter.json``, validated (cached)."""
    path = resources.files(__package__) / "data" / "starter.json"
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return validate(doc)


def starter_set() -> list[dict[str, Any]]:
    """Every starter indicator (a copy): ``key, priority_type, kind, name {en, es},
    definition {en, es}, unit, source, higher_is_better, computed, activities_from_priority,
    reference``."""
    return deepcopy(load()["indicators"])


def priority_types() -> list[dict[str, Any]]:
    """The types of priority: ``key, name {en, es}, description {en, es}``."""
    return deepcopy(load()["priority_types"])


def starter_item(key: str) -> dict[str, Any]:
    """One starter indicator by key (a copy).

    Raises
    ------
    ValidationError
        For an unknown key (close matches named).
    """
    for item in load()["indicators"]:
        if item["key"] == key:
            return deepcopy(item)
    import difflib

    keys = [i["key"] for i in load()["indicators"]]
    close = difflib.get_close_matches(str(key), keys, n=3, cutoff=0.5)
    raise ValidationError(
        f"unknown starter indicator {key!r}",
        expected="a key of the starter set",
        found=repr(key),
        fix=(f"did you mean {' or '.join(map(repr, close))}? " if close else "")
        + "GET /api/v1/monitoring/starter lists them",
    )


def computed_for(
    item: dict[str, Any], activities: list[str] | None = None
) -> dict[str, Any] | None:
    """The computed spec of a starter indicator, with the priority's activities filled in where
    the indicator measures them (``activities_from_priority``).

    Parameters
    ----------
    item : dict
        A starter indicator (:func:`starter_set`).
    activities : list of str, optional
        The priority's activity codes (NACE codes are mapped to the dataset's activities by
        :func:`~.compute.compute_series`).

    Raises
    ------
    ValidationError
        When the indicator needs the priority's activities and none are given.
    """
    computed = item.get("computed")
    if computed is None:
        return None
    spec = dict(computed)
    if item.get("activities_from_priority"):
        codes = [str(a).strip() for a in (activities or []) if str(a).strip()]
        if not codes:
            raise ValidationError(
                f"the starter indicator {item.get('key')!r} measures the priority's activities",
                expected="the activity codes of the priority (its NACE codes)",
                found="none",
                fix="code the priority with NACE codes in the registry, or give the activities",
            )
        spec["activities"] = codes
    return spec
