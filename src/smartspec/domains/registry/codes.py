"""The classification code lists of the priorities registry, bundled, and the checks on codes.

Every code a priority carries is checked here against a bundled list (``registry/data/``, origin
and licence in its ``SOURCE.md``), in one of the schemes of :data:`SCHEMES`:

=========  ======================================================  ================================
scheme     list                                                    canonical codes
=========  ======================================================  ================================
``nace``   NACE Rev. 2 (Eurostat): 21 sections, 88 divisions,      ``C``, ``28``, ``28.1``,
           272 groups, 615 classes, with the explanatory notes     ``28.11``
``ford``   Fields of Research and Development (OECD Frascati        ``1`` .. ``6``, ``1.1`` ..
           Manual 2015, Table 2.2): 6 broad fields, 42 fields      ``6.5``
``ipc``    International Patent Classification (WIPO): sections    ``H``, ``H01``, ``H01M``
           A-H, their classes; subclasses by their form
``cpc``    Cooperative Patent Classification: the IPC sections     ``Y``, ``Y02``, ``Y02E``
           and classes, and section Y (Y02, Y04, Y10)
``sdg``    UN Sustainable Development Goals                        ``1`` .. ``17``
``po``     EU cohesion policy objectives 2021-2027                 ``PO1`` .. ``PO5``
           (Regulation (EU) 2021/1060, Art. 5(1))
``tag``    free text tags, not checked against a list              the text, spaces collapsed
=========  ======================================================  ================================

What :func:`normalise` accepts (case and spaces never matter; a comma may stand for the dot):

- ``nace``: a section letter ``"c"`` -> ``"C"``; a division ``"28"``, ``" 28 "`` -> ``"28"``, a
  one-digit division ``"1"`` -> ``"01"``; a group ``"28.1"``, a class ``"28.11"`` (also written
  ``"281"``, ``"2811"``); the section letter in front, as Eurostat's tables and the bundled
  datasets write activities, ``"C28"``, ``"C 28"``, ``"C.28"``, ``"C28.11"`` -> ``"28"``,
  ``"28.11"`` (:func:`check_codes` refuses a letter that is not the code's section, ``"A28"``).
- ``ford``: ``"2.1"``, ``"FORD 2.1"`` -> ``"2.1"`` (``"2.10"`` and ``"2.1"`` are two fields).
- ``ipc``/``cpc``: ``"h 01 m"`` -> ``"H01M"``; a one-digit class ``"H1"`` -> ``"H01"``.
- ``sdg``: ``"7"``, ``"07"``, ``"SDG 7"``, ``"SDG07"``, ``"Goal 7"``, ``"ODS 7"`` -> ``"7"``.
- ``po``: ``"PO1"``, ``"po 1"``, ``"1"``, the Spanish ``"OP1"`` -> ``"PO1"``.
- ``tag``: the text with its spaces collapsed, case kept.

>>> from smartspec.domains.registry.codes import check_codes, normalise
>>> normalise("nace", "C 28")
'28'
>>> valid, problems = check_codes("nace", ["24", "25", "34"])
>>> valid, problems[0].suggestions
(['24', '25'], ['33', '35', '32'])
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from ...core.errors import ValidationError

#: The code schemes, in the order they are shown (names used everywhere in the registry).
SCHEMES: tuple[str, ...] = ("nace", "ford", "ipc", "cpc", "sdg", "po", "tag")

#: What each scheme is, for messages and pages.
SCHEME_TITLES: dict[str, str] = {
    "nace": "NACE Rev. 2 economic activity",
    "ford": "Frascati Manual 2015 field of research and development (FORD)",
    "ipc": "International Patent Classification (IPC)",
    "cpc": "Cooperative Patent Classification (CPC)",
    "sdg": "UN Sustainable Development Goal",
    "po": "EU cohesion policy objective 2021-2027",
    "tag": "free tag",
}

#: Longest free tag, in characters.
TAG_MAX_LENGTH = 100

#: Most suggestions a :class:`CodeProblem` carries.
MAX_SUGGESTIONS = 3

_DATA = Path(__file__).parent / "data"

_EXPECTED: dict[str, str] = {
    "nace": "a NACE Rev. 2 section (A to U), division (e.g. 28), group (28.1) or class (28.11)",
    "ford": "a FORD broad field (1 to 6) or field (e.g. 2.3) of the Frascati Manual 2015",
    "ipc": "an IPC section (A to H), class (e.g. H01) or subclass (e.g. H01M)",
    "cpc": "a CPC section (A to H, Y), class (e.g. Y02) or subclass (e.g. Y02E)",
    "sdg": "a Sustainable Development Goal number from 1 to 17",
    "po": "a cohesion policy objective PO1 to PO5",
    "tag": f"a free tag of 1 to {TAG_MAX_LENGTH} characters",
}

_NACE_LEVELS = ("section", "division", "group", "class")


@dataclass(frozen=True)
class CodeProblem:
    """A code that is not in its scheme's list (or not of its scheme's form).

    Attributes
    ----------
    scheme : str
        The scheme (a name of :data:`SCHEMES`).
    code : str
        The code as it was given.
    expected : str
        What a valid code of the scheme looks like.
    message : str
        One sentence saying what is wrong (``"NACE Rev. 2 has no division 34"``).
    suggestions : list of str
        Up to :data:`MAX_SUGGESTIONS` valid codes close to it (canonical form).
    """

    scheme: str
    code: str
    expected: str
    message: str
    suggestions: list[str] = field(default_factory=list)

    def to_error(self, where: str | None = None) -> ValidationError:
        """The problem as a :class:`ValidationError` with ``code="invalid.code"``."""
        fix = (
            f"use one of the codes {', '.join(self.suggestions)}, or another code of the list"
            if self.suggestions
            else "use a code of the list (see the registry's code lists)"
        )
        return ValidationError(
            self.message,
            expected=self.expected,
            found=f"{self.scheme} code {self.code!r}",
            where=where,
            fix=fix,
            code="invalid.code",
        )


def _check_scheme(scheme: str) -> str:
    key = str(scheme).strip().lower()
    if key not in SCHEMES:
        close = difflib.get_close_matches(key, SCHEMES, n=1, cutoff=0.5)
        raise ValidationError(
            f"the code scheme {scheme!r} is not known",
            expected=f"one of {', '.join(SCHEMES)}",
            found=repr(scheme),
            fix=f"did you mean '{close[0]}'?" if close else "name one of the schemes",
            code="invalid.code",
        )
    return key


@cache
def _table(scheme: str) -> pd.DataFrame:
    """The bundled list of ``scheme`` (read once), codes as the index."""
    if scheme == "nace":
        frame = pd.read_csv(
            _DATA / "nace_rev2.csv.gz", dtype=str, keep_default_na=False, compression="gzip"
        )
    elif scheme in ("ipc", "cpc"):
        frame = pd.read_csv(_DATA / "patent_classes.csv", dtype=str, keep_default_na=False)
        frame = frame[frame["schemes"].str.split().map(lambda s: scheme in s)]
        frame = frame.drop(columns="schemes")
    else:
        frame = pd.read_csv(_DATA / f"{scheme}.csv", dtype=str, keep_default_na=False)
    first = ["code", "title", "level", "parent"]
    frame = frame[first + [c for c in frame.columns if c not in first]].reset_index(drop=True)
    frame.index = pd.Index(frame["code"], name=None)
    return frame


def code_list(scheme: str) -> pd.DataFrame:
    """The bundled list of a scheme's codes.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES` except ``"tag"`` (tags have no list).

    Returns
    -------
    pandas.DataFrame
        A copy, one row per code in the list's order, with the columns ``code``, ``title``,
        ``level`` and ``parent`` (empty text for a top level). ``nace`` has also ``title_es``
        (Spanish titles of the divisions from the bundled SBS dataset, of five sections from
        the ARDECO dataset; empty elsewhere) and the Eurostat explanatory notes ``includes``,
        ``also_includes`` and ``excludes``; ``sdg`` has ``title_es``. IPC and CPC list their
        sections and classes only: a subclass is checked by its form (see ``SOURCE.md``).

    Raises
    ------
    ValidationError
        For an unknown scheme or ``"tag"`` (``code="invalid.code"``).

    Examples
    --------
    >>> code_list("nace").query("code == '28'")[["code", "level", "parent"]].values.tolist()
    [['28', 'division', 'C']]
    """
    key = _check_scheme(scheme)
    if key == "tag":
        raise ValidationError(
            "free tags have no code list",
            expected=f"one of {', '.join(s for s in SCHEMES if s != 'tag')}",
            found="'tag'",
            code="invalid.code",
        )
    return _table(key).reset_index(drop=True).copy()


_SPACES = re.compile(r"\s+")
_NACE = re.compile(r"(?:(?P<letter>[A-Z])\.?)?(?P<digits>\d{1,4})(?:\.(?P<rest>\d{1,2}))?")
_PATENT = re.compile(r"(?P<section>[A-Z])(?:(?P<cls>\d{1,2})(?P<sub>[A-Z])?)?")
_PREFIXES = {
    "ford": ("FORD",),
    "sdg": ("SDG", "GOAL", "ODS", "OBJETIVO", "CÍL", "CIL"),
    "po": ("PO", "OP"),
}


def _compact(code: object) -> str:
    return _SPACES.sub("", str(code)).upper().replace(",", ".")


def _nace_parts(code: object) -> tuple[str, str | None]:
    """The canonical NACE code and the section letter written in front of it (if any)."""
    text = _compact(code)
    if re.fullmatch(r"[A-Z]", text):
        return text, None
    m = _NACE.fullmatch(text)
    if m is None:
        return text, None
    digits, rest = m.group("digits"), m.group("rest")
    if rest is None and len(digits) > 2:  # 281 -> 28.1, 2811 -> 28.11
        digits, rest = digits[:2], digits[2:]
    elif rest is not None and len(digits) > 2:
        return text, m.group("letter")
    digits = digits.zfill(2)
    return (f"{digits}.{rest}" if rest else digits), m.group("letter")


def normalise(scheme: str, code: object) -> str:
    """The canonical form of a code (not yet checked against the list: see :func:`check_codes`).

    The forms accepted for each scheme are listed in the module's description; text that
    matches none of them is returned compacted (no spaces, upper case), so that
    :func:`check_codes` can report it.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    code : object
        The code as written (text; a number is taken as its text).

    Returns
    -------
    str
        The canonical code.

    Examples
    --------
    >>> [normalise("nace", c) for c in [" 28 ", "c28", "C 28.11", "2811", "c", "1"]]
    ['28', '28', '28.11', '28.11', 'C', '01']
    >>> normalise("sdg", "SDG 07"), normalise("po", "op 2"), normalise("ipc", "h 01 m")
    ('7', 'PO2', 'H01M')
    """
    key = _check_scheme(scheme)
    if key == "tag":
        return _SPACES.sub(" ", str(code)).strip()
    if key == "nace":
        return _nace_parts(code)[0]
    text = _compact(code)
    for prefix in _PREFIXES.get(key, ()):
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :].lstrip(".:-")
            break
    if key == "sdg":
        return text.lstrip("0") if text.isdigit() else text
    if key == "po":
        return f"PO{int(text)}" if text.isdigit() else text
    if key in ("ipc", "cpc"):
        m = _PATENT.fullmatch(text)
        if m and m.group("cls"):
            return m.group("section") + m.group("cls").zfill(2) + (m.group("sub") or "")
    return text


def _number(code: str) -> float | None:
    """A code's digits as a number for nearness (``"28.1"`` -> 28.1), None without digits."""
    digits = re.sub(r"[^0-9.]", "", code)
    try:
        return float(digits) if digits else None
    except ValueError:
        return None


def _neighbours(candidates: list[str], code: str) -> list[str]:
    """Up to :data:`MAX_SUGGESTIONS` of ``candidates`` nearest ``code`` by number, else text."""
    if not candidates:
        return []
    target = _number(code)
    if target is not None:
        scored = [(abs(n - target), c) for c in candidates if (n := _number(c)) is not None]
        if scored:
            return [c for _, c in sorted(scored)[:MAX_SUGGESTIONS]]
    return difflib.get_close_matches(code, candidates, n=MAX_SUGGESTIONS, cutoff=0.0)


def _by_title(table: pd.DataFrame, text: str) -> list[str]:
    """Codes whose title is closest to ``text`` (for a name written where a code belongs)."""
    titles = {str(t).lower(): str(c) for c, t in zip(table["code"], table["title"], strict=True)}
    close = difflib.get_close_matches(text.lower(), list(titles), n=MAX_SUGGESTIONS, cutoff=0.5)
    return [titles[t] for t in close]


def _nace_problem(given: str) -> CodeProblem | tuple[str, None]:
    table = _table("nace")
    code, letter = _nace_parts(given)
    expected = _EXPECTED["nace"]
    if code in table.index:
        section = _nace_section(code)
        if letter is not None and letter != section:
            return CodeProblem(
                "nace",
                given,
                expected,
                f"NACE Rev. 2 division {code[:2]} is in section {section}, not {letter}",
                [code],
            )
        return code, None
    level = _form_level(code)
    if level is None:
        return CodeProblem(
            "nace",
            given,
            expected,
            f"{given!r} is not a NACE Rev. 2 code",
            _by_title(table, given.strip()),
        )
    same = table[table["level"] == level]
    if level in ("group", "class") and code[:2] in table.index:
        inside = same[same["code"].str.startswith(code[:3])]
        same = inside if len(inside) else same
    return CodeProblem(
        "nace",
        given,
        expected,
        f"NACE Rev. 2 has no {level} {code}",
        _neighbours(same["code"].tolist(), code),
    )


def _form_level(code: str) -> str | None:
    """The NACE level a code's form says (``"34"``: division), None for another form."""
    if re.fullmatch(r"[A-Z]", code):
        return "section"
    if re.fullmatch(r"\d\d", code):
        return "division"
    if re.fullmatch(r"\d\d\.\d", code):
        return "group"
    if re.fullmatch(r"\d\d\.\d\d", code):
        return "class"
    return None


def _patent_problem(scheme: str, given: str) -> CodeProblem | tuple[str, None]:
    table = _table(scheme)
    code = normalise(scheme, given)
    expected = _EXPECTED[scheme]
    name = scheme.upper()
    m = _PATENT.fullmatch(code)
    if m is None:
        return CodeProblem(
            scheme,
            given,
            expected,
            f"{given!r} is not of the form of an {name} section, class or subclass",
            _by_title(table, given.strip()),
        )
    section, cls = m.group("section"), code[:3]
    if section not in table.index:
        sections = table[table["level"] == "section"]["code"].tolist()
        return CodeProblem(
            scheme,
            given,
            expected,
            f"{name} has no section {section}",
            difflib.get_close_matches(section, sections),
        )
    if len(code) == 1:
        return code, None
    if cls not in table.index:
        classes = table[(table["level"] == "class") & (table["parent"] == section)]
        return CodeProblem(
            scheme,
            given,
            expected,
            f"{name} has no class {cls}",
            _neighbours(classes["code"].tolist(), cls),
        )
    return code, None


def _listed_problem(scheme: str, given: str) -> CodeProblem | tuple[str, None]:
    table = _table(scheme)
    code = normalise(scheme, given)
    if code in table.index:
        return code, None
    candidates = table["code"].tolist()
    suggestions = _neighbours(candidates, code) if _number(code) is not None else []
    if not suggestions:
        suggestions = _by_title(table, given.strip())
    label = {"ford": "FORD", "sdg": "the SDGs", "po": "the policy objectives 2021-2027"}[scheme]
    return CodeProblem(
        scheme, given, _EXPECTED[scheme], f"{label} have no code {code}", suggestions
    )


def _tag_problem(given: str) -> CodeProblem | tuple[str, None]:
    tag = normalise("tag", given)
    if len(tag) > TAG_MAX_LENGTH:
        return CodeProblem(
            "tag",
            given[:40] + "...",
            _EXPECTED["tag"],
            f"the tag is {len(tag)} characters long, more than {TAG_MAX_LENGTH}",
        )
    return tag, None


def check_codes(scheme: str, codes: list[str]) -> tuple[list[str], list[CodeProblem]]:
    """The valid codes of a list (canonical, in order, each once) and a problem for each other.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    codes : list of str
        The codes as written; empty ones are skipped.

    Returns
    -------
    valid : list of str
        The codes that are in the scheme's list, in :func:`normalise`'s canonical form.
    problems : list of CodeProblem
        One per code that is not, with what was expected and the closest valid codes: NACE
        suggests the neighbours of the same level (``"34"``: ``33``, ``35``, ``32``, with the
        message "NACE Rev. 2 has no division 34"), a name written instead of a code the codes
        of the closest titles.

    Examples
    --------
    >>> check_codes("sdg", ["SDG 7", "18"])[1][0].message
    'the SDGs have no code 18'
    """
    key = _check_scheme(scheme)
    valid: list[str] = []
    problems: list[CodeProblem] = []
    for raw in codes:
        given = str(raw)
        if not given.strip():
            continue
        if key == "nace":
            result = _nace_problem(given)
        elif key in ("ipc", "cpc"):
            result = _patent_problem(key, given)
        elif key == "tag":
            result = _tag_problem(given)
        else:
            result = _listed_problem(key, given)
        if isinstance(result, CodeProblem):
            problems.append(result)
        elif result[0] not in valid:
            valid.append(result[0])
    return valid, problems


def is_valid(scheme: str, code: str) -> bool:
    """Whether ``code`` (any accepted form) is a valid code of ``scheme``."""
    return not check_codes(scheme, [code])[1] and bool(str(code).strip())


def title_of(scheme: str, code: str) -> str | None:
    """The title of a code (any accepted form); None when it is not in the list.

    A patent subclass has its class's title (subclass titles are not bundled); a tag is its
    own title.

    Examples
    --------
    >>> title_of("nace", "C28")
    'Manufacture of machinery and equipment n.e.c.'
    >>> title_of("po", "po1")[:37]
    'A more competitive and smarter Europe'
    """
    key = _check_scheme(scheme)
    if key == "tag":
        return normalise("tag", code) or None
    valid, _ = check_codes(key, [code])
    if not valid:
        return None
    canonical = valid[0][:3] if key in ("ipc", "cpc") else valid[0]
    return str(_table(key).at[canonical, "title"])


def _nace_known(code: str) -> str:
    valid, problems = check_codes("nace", [code])
    if problems or not valid:
        if problems:
            raise problems[0].to_error()
        raise ValidationError(
            "the NACE code is empty", expected=_EXPECTED["nace"], found="''", code="invalid.code"
        )
    return valid[0]


def _nace_section(code: str) -> str:
    table = _table("nace")
    while table.at[code, "level"] != "section":
        code = str(table.at[code, "parent"])
    return code


def nace_level(code: str) -> str:
    """The level of a NACE Rev. 2 code: ``"section"``, ``"division"``, ``"group"`` or ``"class"``.

    Raises
    ------
    ValidationError
        For a code not in NACE Rev. 2 (``code="invalid.code"``).

    Examples
    --------
    >>> [nace_level(c) for c in ["C", "28", "28.1", "28.11"]]
    ['section', 'division', 'group', 'class']
    """
    return str(_table("nace").at[_nace_known(code), "level"])


def nace_parent(code: str) -> str | None:
    """The code one level up (a class's group, a group's division, a division's section);
    None for a section.

    Examples
    --------
    >>> nace_parent("28.11"), nace_parent("28.1"), nace_parent("28"), nace_parent("C")
    ('28.1', '28', 'C', None)
    """
    parent = str(_table("nace").at[_nace_known(code), "parent"])
    return parent or None


def nace_division_of(code: str) -> str | None:
    """The division a NACE code belongs to (itself for a division); None for a section.

    Examples
    --------
    >>> nace_division_of("28.11"), nace_division_of("C28"), nace_division_of("C")
    ('28', '28', None)
    """
    known = _nace_known(code)
    return None if nace_level(known) == "section" else known[:2]


def nace_section_of(code: str) -> str:
    """The section letter of a NACE code (itself for a section).

    Examples
    --------
    >>> nace_section_of("28.11"), nace_section_of("62")
    ('C', 'J')
    """
    return _nace_section(_nace_known(code))


def nace_children(code: str) -> list[str]:
    """The codes one level below a NACE code (a section's divisions...), in list order."""
    known = _nace_known(code)
    table = _table("nace")
    return table[table["parent"] == known]["code"].tolist()


def nace_notes(code: str) -> dict[str, str]:
    """Eurostat's explanatory notes of a NACE code: ``includes``, ``also_includes``,
    ``excludes`` (empty text where the note has none)."""
    row = _table("nace").loc[_nace_known(code)]
    return {k: str(row[k]) for k in ("includes", "also_includes", "excludes")}
