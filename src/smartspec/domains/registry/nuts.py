"""The NUTS regions the registry knows by code: names, levels, parents and countries.

A bundled list (``data/nuts/nuts.csv``, see its ``SOURCE.md``) of the codes valid in NUTS 2016
or NUTS 2021. The registry accepts region codes of any scheme (a US state, a Mexican
municipality); when a code is a NUTS code, its level, parent and country are filled in from
this list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "NutsRegion",
    "iso_country",
    "nuts_ancestor",
    "nuts_parent",
    "nuts_regions",
    "region_info",
]

#: NUTS country codes that differ from ISO 3166-1 alpha-2.
_ISO = {"EL": "GR", "UK": "GB"}


@dataclass(frozen=True)
class NutsRegion:
    """One NUTS region of the bundled list.

    Attributes
    ----------
    code : str
        The NUTS code (``"CZ064"``).
    name : str
        The name, in Latin script (``"Jihomoravský kraj"``).
    level : int
        0 (country) to 3.
    parent : str or None
        The code one level up (``"CZ06"``); ``None`` for a country.
    country : str
        The ISO 3166-1 alpha-2 code of the country (``"GR"`` for NUTS ``"EL"``).
    versions : tuple of str
        The NUTS versions in which the code is valid (``("2016", "2021")``).
    """

    code: str
    name: str
    level: int
    parent: str | None
    country: str
    versions: tuple[str, ...]

    @property
    def level_name(self) -> str:
        """``"NUTS0"`` to ``"NUTS3"``."""
        return f"NUTS{self.level}"


def iso_country(nuts_country: str) -> str:
    """The ISO 3166-1 alpha-2 code of a NUTS country code.

    >>> iso_country("EL"), iso_country("CZ")
    ('GR', 'CZ')
    """
    code = nuts_country.strip().upper()
    return _ISO.get(code, code)


@lru_cache(maxsize=1)
def nuts_regions() -> dict[str, NutsRegion]:
    """Every bundled NUTS region, by code (read once)."""
    text = (
        resources.files("smartspec.domains.registry")
        .joinpath("data/nuts/nuts.csv")
        .read_text(encoding="utf-8")
    )
    found: dict[str, NutsRegion] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["code"]
        found[code] = NutsRegion(
            code=code,
            name=row["name"],
            level=int(row["level"]),
            parent=row["parent"] or None,
            country=iso_country(code[:2]),
            versions=tuple(row["versions"].split()),
        )
    return found


def region_info(code: str) -> NutsRegion | None:
    """The bundled NUTS region of a code (any case), or ``None`` when it is not a NUTS code.

    >>> region_info("cz064").name, region_info("CZ064").parent, region_info("MX28") is None
    ('Jihomoravský kraj', 'CZ06', True)
    """
    return nuts_regions().get(code.strip().upper())


def nuts_parent(code: str) -> str | None:
    """The code one NUTS level up (``None`` for a country or a code not in the list).

    >>> nuts_parent("CZ064"), nuts_parent("CZ")
    ('CZ06', None)
    """
    info = region_info(code)
    return None if info is None else info.parent


def nuts_ancestor(code: str, level: int) -> str | None:
    """The region at NUTS ``level`` (0-3) that contains ``code`` (itself at its own level);
    ``None`` when the code is not a NUTS code or is above that level.

    >>> nuts_ancestor("CZ064", 2), nuts_ancestor("CZ064", 0), nuts_ancestor("CZ06", 3)
    ('CZ06', 'CZ', None)
    """
    info = region_info(code)
    if info is None or level > info.level or level < 0:
        return None
    return info.code[: 2 + level]
