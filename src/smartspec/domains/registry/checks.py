"""The checks of what clients send to the registry: bounds, region codes, periods, languages,
classification codes (against the bundled code lists of :mod:`.codes`), tags.

Each failed check raises :class:`smartspec.core.errors.ValidationError` naming the field
(``where``), what is expected and what was found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account

from .views import PriorityIn

__all__ = [
    "LIMITS",
    "DraftLike",
    "bounded_text",
    "check_codes_by_scheme",
    "clean_priority",
    "fold",
    "period_text",
    "region_code",
    "set_aside_codes",
]


#: The bounds of what the registry accepts.
LIMITS: dict[str, int] = {
    "title": 500,
    "description": 20_000,
    "tags": 50,
    "tag": 100,
    "codes": 200,
    "region": 16,
    "period": 32,
    "q": 500,
    "limit": 500,
    "compare": 20,
    "similar": 100,
}
_REGION = re.compile(r"^[A-Z0-9._-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class DraftLike(Protocol):
    """What :meth:`Registry.store_drafts` reads of an import's draft
    (:class:`smartspec.domains.registry.layout.PriorityDraft`); read-only."""

    @property
    def row(self) -> int: ...
    @property
    def id(self) -> int | None: ...
    @property
    def version(self) -> int | None: ...
    @property
    def region(self) -> str: ...
    @property
    def region_name(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def level(self) -> str | None: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def period(self) -> str: ...
    @property
    def strategy_title(self) -> str | None: ...
    @property
    def strategy_source(self) -> str | None: ...
    @property
    def strategy_url(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def codes(self) -> Mapping[str, list[str]]: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def set_aside_codes(self) -> Any: ...


@dataclass(frozen=True)
class CleanPriority:
    """A checked priority's fields."""

    title: str
    description: str
    language: str
    codes: dict[str, list[str]]
    tags: list[str]


def invalid(
    problem: str,
    *,
    where: str,
    expected: str,
    found: str,
    fix: str = "",
    code: str | None = None,
) -> ValidationError:
    return ValidationError(problem, expected=expected, found=found, where=where, fix=fix, code=code)


def region_code(code: str | None, where: str = "region") -> str:
    """A region code, upper-case, checked: 1-16 characters of ``A-Z 0-9 . _ -``.

    >>> region_code(" cz064 ")
    'CZ064'
    """
    value = (code or "").strip().upper()
    if not value or len(value) > LIMITS["region"] or not _REGION.match(value):
        raise invalid(
            f"the region code {code!r} is not valid",
            where=where,
            expected=f"1 to {LIMITS['region']} letters, digits, '.', '_' or '-' (a NUTS code "
            "such as CZ064, or any other region code)",
            found=repr(code),
        )
    return value


def period_text(period: str | None) -> str:
    value = (period or "").strip()
    if not value or len(value) > LIMITS["period"]:
        raise invalid(
            f"the period {period!r} is not valid",
            where="period",
            expected=f"a programming period of 1 to {LIMITS['period']} characters, e.g. 2021-2027",
            found=repr(period),
        )
    return value


def bounded_text(value: str, field: str, limit: int, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid(f"the {field} is empty", where=field, expected="a text", found="''")
    if len(text) > limit:
        raise invalid(
            f"the {field} is too long",
            where=field,
            expected=f"at most {limit:,} characters",
            found=f"{len(text):,} characters",
            fix=f"shorten the {field}",
        )
    return text


def check_codes_by_scheme(codes: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The codes, normalised and checked against the bundled code lists (scheme ``"tag"`` is
    left to the tags); :class:`ValidationError` (``code="invalid.code"``) names the first unknown
    code, its scheme and the closest valid codes."""
    from .codes import SCHEMES, check_codes

    clean: dict[str, list[str]] = {}
    for raw_scheme, values in codes.items():
        scheme = str(raw_scheme).strip().lower()
        given = [str(v) for v in values]
        if scheme == "tag":
            continue
        if scheme not in SCHEMES:
            raise ValidationError(
                f"the code scheme {raw_scheme!r} is not known",
                code="invalid.code",
                where="codes",
                expected="one of " + ", ".join(SCHEMES),
                found=repr(raw_scheme),
            )
        if len(given) > LIMITS["codes"]:
            raise invalid(
                f"too many {scheme} codes",
                where=f"codes.{scheme}",
                expected=f"at most {LIMITS['codes']}",
                found=str(len(given)),
            )
        valid, problems = check_codes(scheme, given)
        if problems:
            first = problems[0]
            suggestions = list(getattr(first, "suggestions", []) or [])[:5]
            raise ValidationError(
                f"the {scheme} code {first.code!r} is not in the {scheme} code list"
                + (f" ({first.message})" if getattr(first, "message", "") else ""),
                code="invalid.code",
                where=f"codes.{scheme}",
                expected=str(getattr(first, "expected", f"a {scheme} code")),
                found=repr(first.code),
                fix=(
                    "closest valid codes: " + ", ".join(suggestions)
                    if suggestions
                    else f"see the {scheme} code list"
                ),
            )
        if valid:
            clean[scheme] = list(dict.fromkeys(valid))
    return clean


def _tags(tags: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    found = list(dict.fromkeys(t.strip() for t in [*tags, *extra] if t and t.strip()))
    if len(found) > LIMITS["tags"]:
        raise invalid(
            "too many tags",
            where="tags",
            expected=f"at most {LIMITS['tags']}",
            found=str(len(found)),
        )
    for tag in found:
        if len(tag) > LIMITS["tag"]:
            raise invalid(
                f"the tag {tag[:40]!r}... is too long",
                where="tags",
                expected=f"at most {LIMITS['tag']} characters",
                found=f"{len(tag)} characters",
            )
    return found


def clean_priority(data: PriorityIn) -> CleanPriority:
    language = (data.language or "").strip().lower()
    if not _LANGUAGE.match(language):
        raise invalid(
            f"the language {data.language!r} is not valid",
            where="language",
            expected='an ISO 639-1 code such as "en", "cs", "es"',
            found=repr(data.language),
        )
    return CleanPriority(
        title=bounded_text(data.title, "title", LIMITS["title"], required=True),
        description=bounded_text(
            data.description, "description", LIMITS["description"], required=False
        ),
        language=language,
        codes=check_codes_by_scheme(data.codes),
        tags=_tags(data.tags, data.codes.get("tag", [])),
    )


def set_aside_codes(value: Any) -> dict[str, list[str]]:
    """Set-aside codes as ``{scheme: [code, ...]}`` (from a mapping, or from a list of
    ``{"scheme", "code"}`` items)."""
    found: dict[str, list[str]] = {}
    if isinstance(value, Mapping):
        items = [(str(k), str(c)) for k, codes in value.items() for c in codes]
    else:
        items = [
            (str(i["scheme"]), str(i["code"])) if isinstance(i, Mapping) else (i.scheme, i.code)
            for i in value or []
        ]
    for scheme, code in items:
        found.setdefault(scheme, [])
        if code not in found[scheme]:
            found[scheme].append(code)
    return found


def actor_name(actor: Account | None) -> str | None:
    return None if actor is None else actor.name


#: Letters that Unicode does not decompose into a base letter and an accent.
_EXTRA = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Lower-cased text without accents (the form that is indexed and searched).

    Examples
    --------
    >>> fold("Energía Inovace ŁÓDŹ Straße")
    'energia inovace lodz strasse'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(_EXTRA)
