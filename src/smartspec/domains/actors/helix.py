"""The quadruple helix: CORDIS organisation types mapped to the four helices, in one place.

CORDIS gives every participant an *activity type*: ``HES`` (higher or secondary education),
``REC`` (research organisation), ``PRC`` (private for-profit company), ``PUB`` (public body) and
``OTH`` (other). The quadruple-helix model of innovation (Carayannis & Campbell, 2009,
"'Mode 3' and 'Quadruple Helix': toward a 21st century fractal innovation ecosystem",
*International Journal of Technology Management* 46(3/4)) groups actors into research (university
and research institutes), business, government and civil society. The mapping here is the
one issue 18 states: HES and REC are research, PRC business, PUB government, OTH civil society.
"""

from __future__ import annotations

__all__ = ["HELICES", "HELIX", "PARTICIPATION_COLUMNS", "TYPES", "UNKNOWN", "helix_of"]

#: CORDIS activity type -> helix.
HELIX: dict[str, str] = {
    "HES": "research",
    "REC": "research",
    "PRC": "business",
    "PUB": "government",
    "OTH": "civil society",
}

#: The helix of an organisation whose type is unknown or empty.
UNKNOWN = "unknown"

#: The CORDIS activity types, in the order they are listed.
TYPES: tuple[str, ...] = tuple(HELIX)

#: The columns of a participation table, CORDIS-style (one row per participant in a project),
#: in order: what :mod:`smartspec.domains.cooperation.cordis` loads and what the organisation
#: registry imports (``docs/actors.md``).
PARTICIPATION_COLUMNS: tuple[str, ...] = (
    "project",
    "org",
    "name",
    "role",
    "type",
    "country",
    "city",
    "nuts",
    "contribution",
    "start_year",
    "programme",
    "parts",
    "acronym",
    "title",
)

#: The four helices, in the order they are listed.
HELICES: tuple[str, ...] = ("research", "business", "government", "civil society")


def helix_of(type_: str | None) -> str:
    """The helix of a CORDIS activity type (case and surrounding spaces ignored).

    Parameters
    ----------
    type_ : str or None
        ``HES``, ``REC``, ``PRC``, ``PUB`` or ``OTH``; anything else (``""``, ``None``, an
        unknown code) is ``"unknown"``.

    Returns
    -------
    str
        ``"research"``, ``"business"``, ``"government"``, ``"civil society"`` or ``"unknown"``.

    Examples
    --------
    >>> helix_of("HES"), helix_of("prc "), helix_of(""), helix_of(None)
    ('research', 'business', 'unknown', 'unknown')
    """
    if not type_:
        return UNKNOWN
    return HELIX.get(str(type_).strip().upper(), UNKNOWN)
