"""Mexican state of an organisation, derived from its city, address, postcode or name.

CORDIS codes no Mexican state or municipality. This module reads the free text an organisation
record carries and assigns an INEGI state (2-digit code) by the first rule that gives one
answer, in this order, and records the rule:

1. ``alias``: the city field (or the city part of the address) is or contains a form in
   :data:`ALIASES` (``D.F.``, ``CDMX``, ``Mexico City``, ``Distrito Federal`` -> 09;
   ``Estado de México`` forms -> 15; spelling variants seen in the data, e.g. ``CALIFRONIA``).
2. ``city: state name``: the city (or address city) names exactly one state (``MONTERREY NUEVO
   LEON`` -> 19). The bare word ``México`` is never read as the state (it is the country).
3. ``city: municipality``: the city (or address city), after removing a state name, is the name
   of an INEGI municipality. A name that exists in one state gives that state; a name that exists
   in several states (``Juárez``, ``Cuauhtémoc``) is assigned only when one of those states is
   named in the record, and stays unassigned otherwise.
4. ``postcode``: a 4- or 5-digit Mexican postcode (zero-padded) by its first two digits, following
   the SEPOMEX ranges (01-16 Ciudad de México, 20 Aguascalientes ... 98-99 Zacatecas).
5. ``seat of the institution``: a national institution named in :data:`SEATS` (UNAM, IPN,
   CINVESTAV ...) is put in the state of its seat, although it has units elsewhere.
6. ``name``: the place after the last ``de`` of the name (legal suffixes removed) is a state
   or a municipality of one state (``UNIVERSIDAD DE GUADALAJARA`` -> 14).

Anything else stays unassigned (rule ``unassigned``, with why). Matching is on accent- and
case-folded text with punctuation as spaces. Places: INEGI Marco Geoestadistico catalogue (May
2015) via github.com/cid-harvard/classifications.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .cordis import mexico_places

__all__ = [
    "ALIASES",
    "SEATS",
    "Assignment",
    "StateIndex",
    "assign_state",
    "fold",
    "postcode_state",
    "state_index",
]

#: Forms of a state name that are not the INEGI name (folded text -> state code).
ALIASES: dict[str, str] = {
    "ciudad de mexico": "09",
    "mexico city": "09",
    "cdmx": "09",
    "distrito federal": "09",
    "mexico d f": "09",
    "mexico df": "09",
    "d f": "09",
    "df": "09",
    "estado de mexico": "15",
    "edo de mexico": "15",
    "edo mex": "15",
    "edomex": "15",
    "state of mexico": "15",
    "baja califronia": "02",  # spelling in the FP7 file (TIJUANA BAJA CALIFRONIA)
    "vera cruz": "30",  # CORDOBA, VERA CRUZ
    "st cristobal de las casas": "07",  # abbreviation of San Cristobal de las Casas
    "leon de los aldamas": "11",  # full name of the city of Leon, Guanajuato
}

#: National institutions put in the state of their seat (folded name pattern -> state code).
SEATS: dict[str, str] = {
    "universidad nacional autonoma de mexico": "09",
    "centro de investigacion y de estudios avanzados": "09",
    "cinvestav": "09",
    "instituto politecnico nacional": "09",
    "universidad autonoma metropolitana": "09",
    "consejo nacional de ciencia y tecnologia": "09",
    "instituto nacional de astrofisica": "21",
    "universidad autonoma de chapingo": "15",
}

#: SEPOMEX postcode ranges: first two digits (inclusive range) -> state code.
POSTCODE_RANGES: tuple[tuple[int, int, str], ...] = (
    (1, 16, "09"),
    (20, 20, "01"),
    (21, 22, "02"),
    (23, 23, "03"),
    (24, 24, "04"),
    (25, 27, "05"),
    (28, 28, "06"),
    (29, 30, "07"),
    (31, 33, "08"),
    (34, 35, "10"),
    (36, 38, "11"),
    (39, 41, "12"),
    (42, 43, "13"),
    (44, 49, "14"),
    (50, 57, "15"),
    (58, 61, "16"),
    (62, 62, "17"),
    (63, 63, "18"),
    (64, 67, "19"),
    (68, 71, "20"),
    (72, 75, "21"),
    (76, 76, "22"),
    (77, 77, "23"),
    (78, 79, "24"),
    (80, 82, "25"),
    (83, 85, "26"),
    (86, 86, "27"),
    (87, 89, "28"),
    (90, 90, "29"),
    (91, 96, "30"),
    (97, 97, "31"),
    (98, 99, "32"),
)

_LEGAL = re.compile(
    r"\b(s ?a de c ?v|s de r ?l de c ?v|s ?a|s ?c|a ?c|int|asociacion civil|sede mexico)\s*$"
)
_NONWORD = re.compile(r"[^0-9a-z]+")
_POSTCODE = re.compile(r"(?:^|\D)(\d{4,5})\s*\.?\s*$")


def fold(text: str) -> str:
    """Accent- and case-folded text, punctuation as single spaces.

    >>> fold("México, D.F.")
    'mexico d f'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _NONWORD.sub(" ", plain).strip()


def _contains(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


@dataclass(frozen=True)
class Assignment:
    """The state of one organisation and how it was found."""

    state: str  #: INEGI 2-digit code, or "" when unassigned
    rule: str  #: alias, city: state name, city: municipality, postcode, seat..., name, unassigned
    evidence: str  #: the text the rule matched (or why unassigned)


@dataclass(frozen=True)
class StateIndex:
    """Folded state and municipality names of the INEGI catalogue."""

    names: dict[str, str]  #: state code -> display name
    states: dict[str, str]  #: folded state name -> code ("mexico" left out)
    municipalities: dict[str, frozenset[str]]  #: folded municipality name -> state codes


@lru_cache(maxsize=1)
def state_index() -> StateIndex:
    """The INEGI states and municipalities, folded for matching (cached)."""
    places = mexico_places()
    st = places[places["level"] == "state"]
    names = dict(zip(st["code"], st["name"], strict=True))
    names["09"] = "Ciudad de México"
    states = {
        fold(n): c for c, n in zip(st["code"], st["name"], strict=True) if fold(n) != "mexico"
    }
    states["ciudad de mexico"] = "09"
    mun: dict[str, set[str]] = {}
    muni = places[places["level"] == "municipality"]
    for state, name in zip(muni["state"], muni["name"], strict=True):
        mun.setdefault(fold(name), set()).add(state)
    return StateIndex(names, states, {k: frozenset(v) for k, v in mun.items()})


def postcode_state(text: str) -> str:
    """The state of a Mexican postcode by its first two digits (SEPOMEX), or "".

    >>> postcode_state("6140"), postcode_state("64849"), postcode_state("17")
    ('09', '19', '')
    """
    digits = str(text).strip()
    if not re.fullmatch(r"\d{4,5}", digits):
        return ""
    head = int(digits.zfill(5)[:2])
    for low, high, state in POSTCODE_RANGES:
        if low <= head <= high:
            return state
    return ""


def _states_named(text: str, index: StateIndex) -> tuple[set[str], str]:
    """The states whose names occur in ``text`` (longest names first), and the text without them."""
    found: set[str] = set()
    rest = f" {text} "
    for name in sorted(index.states, key=len, reverse=True):
        if f" {name} " in rest:
            found.add(index.states[name])
            rest = rest.replace(f" {name} ", " ")
    return found, " ".join(rest.split())


def _address_parts(address: str) -> tuple[str, str]:
    """(city, postcode) from an address written ``street, city, postcode`` (GB1609 layout)."""
    parts = [p.strip().strip('"').strip() for p in str(address).split(",")]
    parts = [p for p in parts if p and p != "."]
    postcode = ""
    if parts and re.fullmatch(r"\d{4,5}", parts[-1]):
        postcode = parts.pop()
    city = parts[-1] if len(parts) >= 2 else ""
    return city, postcode


def _from_city(city: str, named: set[str], index: StateIndex) -> Assignment | None:
    """Rules 1-3 on one city text; None when they give nothing."""
    text = fold(city)
    if not text:
        return None
    for alias in sorted(ALIASES, key=len, reverse=True):
        if _contains(text, alias):
            return Assignment(ALIASES[alias], "alias", city)
    states, rest = _states_named(text, index)
    if len(states) == 1:
        return Assignment(next(iter(states)), "city: state name", city)
    for candidate in (text, rest):
        found = index.municipalities.get(candidate)
        if not found:
            continue
        if len(found) == 1:
            return Assignment(next(iter(found)), "city: municipality", city)
        both = found & (states | named)
        if len(both) == 1:
            return Assignment(next(iter(both)), "city: municipality + named state", city)
        return Assignment(
            "", "unassigned", f"{city}: municipality name in {len(found)} states, none named"
        )
    return None


def _from_name(name: str, index: StateIndex) -> Assignment | None:
    """Rules 5-6 on an organisation name."""
    text = fold(name)
    for pattern, state in SEATS.items():
        if _contains(text, pattern):
            return Assignment(state, "seat of the institution", pattern)
    if " de " not in f" {text} ":
        return None
    tail = f" {text} ".rsplit(" de ", 1)[1].strip()
    tail = _LEGAL.sub("", tail).strip()
    if tail in ALIASES:
        return Assignment(ALIASES[tail], "name", name)
    if tail in index.states:
        return Assignment(index.states[tail], "name", name)
    found = index.municipalities.get(tail, frozenset())
    if len(found) == 1:
        return Assignment(next(iter(found)), "name", name)
    return None


def assign_state(
    *, city: str = "", address: str = "", postcode: str = "", name: str = ""
) -> Assignment:
    """The Mexican state of one organisation record, with the rule used (see module docstring).

    >>> assign_state(city="MEXICO D.F.").state
    '09'
    >>> assign_state(city="JUAREZ").rule
    'unassigned'
    >>> assign_state(city="MONTERREY NUEVO LEON").state
    '19'
    """
    index = state_index()
    address_city, address_postcode = _address_parts(address)
    named, _ = _states_named(fold(f"{city} {address_city}"), index)
    ambiguous: Assignment | None = None
    for text in (city, address_city):
        found = _from_city(text, named, index)
        if found is not None and found.state:
            return found
        ambiguous = ambiguous or found
    for code in (postcode, address_postcode):
        state = postcode_state(code)
        if state:
            return Assignment(state, "postcode", code)
    found = _from_name(name, index) if name else None
    if found is not None:
        return found
    if ambiguous is not None:
        return ambiguous
    if not (city or address or postcode or name):
        return Assignment("", "unassigned", "no name, city or address in the data")
    return Assignment("", "unassigned", "no state, municipality or alias found")


def assign_states(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`assign_state` for each row of ``frame`` (columns city, address, postcode, name).

    Returns the frame's index with columns ``state``, ``state_name``, ``rule``, ``evidence``.
    """
    index = state_index()
    rows = []
    for rec in frame.itertuples(index=False):
        got = assign_state(
            city=str(getattr(rec, "city", "") or ""),
            address=str(getattr(rec, "address", "") or ""),
            postcode=str(getattr(rec, "postcode", "") or ""),
            name=str(getattr(rec, "name", "") or ""),
        )
        rows.append((got.state, index.names.get(got.state, ""), got.rule, got.evidence))
    return pd.DataFrame(
        rows, columns=["state", "state_name", "rule", "evidence"], index=frame.index
    )
