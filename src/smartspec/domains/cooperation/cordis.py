"""The bundled CORDIS participation tables (FP7, Horizon 2020), in one shared layout.

One row per participant in a project, CORDIS-style. Built by ``tools/build_cooperation_data.py``
from the extracts in ``shared/data/eu-mx-participation`` (see ``data/SOURCES.md``): CORDIS - EU
research projects under FP7 / Horizon 2020, (c) European Union, CC BY 4.0; extracts vendored by
github.com/zambujo/eunets, zambujo/swissparticipation, spaghetti-open-data (MIT).

Columns of :func:`participations` and :func:`consortia` (text columns use ``""`` for unknown,
never NaN; the country code ``"NA"`` is Namibia):

``project`` (CORDIS rcn), ``org`` (PIC or source id), ``name``, ``role``
(coordinator / participant / partner / ""), ``type`` (HES / PRC / REC / PUB / OTH / ""),
``country`` (CORDIS code: UK, EL ...), ``city``, ``nuts`` (NUTS-3 code or ""), ``contribution``
(EUR, NaN when none), ``start_year`` (Int64, <NA> when unknown), ``programme`` ("h2020" / "fp7"),
``parts`` (";"-joined programme parts), ``acronym``, ``title``; :func:`consortia` adds ``is_mx``.

FP7 rows have no role, type, contribution, start year or programme part: the source has only
project-organisation links.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal, get_args

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError
from smartspec.domains.actors.helix import PARTICIPATION_COLUMNS

__all__ = [
    "COLUMNS",
    "PROGRAMMES",
    "Programme",
    "check_programme",
    "consortia",
    "countries",
    "mexico_places",
    "organisations",
    "participations",
]

Programme = Literal["h2020", "fp7"]
PROGRAMMES: tuple[str, ...] = get_args(Programme)

#: The shared column order of :func:`participations` (``consortia`` adds ``is_mx``).
COLUMNS = list(PARTICIPATION_COLUMNS)
_TEXT = ["project", "org", "name", "role", "type", "country", "city", "nuts", "parts", "acronym"]


def check_programme(programme: str) -> Programme:
    """``programme`` as a :data:`Programme`, or a clear error.

    >>> check_programme("H2020")
    'h2020'
    """
    value = str(programme).strip().lower()
    if value not in PROGRAMMES:
        raise ValidationError(
            "unknown framework programme",
            expected="one of " + ", ".join(PROGRAMMES),
            found=repr(programme),
            fix="use h2020 (Horizon 2020) or fp7 (FP7); Horizon Europe is not in the bundled data",
        )
    return value  # type: ignore[return-value]


def _read(name: str) -> pd.DataFrame:
    """A bundled Parquet table."""
    path = resources.files("smartspec.domains.cooperation") / "data" / name
    with resources.as_file(path) as file:
        return pd.read_parquet(file)


def _finish(frame: pd.DataFrame, programme: Programme, extra: list[str]) -> pd.DataFrame:
    """Fill the shared layout: missing text columns as "", types, column order."""
    for column in [*_TEXT, "title"]:
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    if "contribution" not in frame:
        frame["contribution"] = np.nan
    frame["contribution"] = frame["contribution"].astype(float)
    if "start_year" not in frame:
        frame["start_year"] = pd.NA
    frame["start_year"] = frame["start_year"].astype("Int64")
    frame["programme"] = programme
    return frame[COLUMNS + extra].reset_index(drop=True)


@lru_cache(maxsize=4)
def _projects() -> pd.DataFrame:
    """Acronym and title per H2020 rcn, where an exact link exists."""
    projects = _read("h2020_projects.parquet")
    projects["project"] = projects["project"].astype(str)
    return projects.set_index("project")


@lru_cache(maxsize=4)
def _participations(programme: Programme) -> pd.DataFrame:
    if programme == "h2020":
        frame = _read("h2020_participations.parquet")
        orgs = _read("h2020_orgs.parquet").set_index("org")
        frame = frame.join(orgs[["name", "city", "nuts"]], on="org")
        frame["project"] = frame["project"].astype(str)
        frame["org"] = frame["org"].astype(str)
        projects = _projects()
        frame = frame.join(projects[["acronym", "title"]], on="project")
        for column in ("role", "type", "country", "parts"):
            frame[column] = frame[column].astype(str)
    else:
        links = _read("fp7_links.parquet")
        orgs = _read("fp7_orgs.parquet")
        frame = orgs.iloc[links["org"].to_numpy()].reset_index(drop=True)
        frame.insert(0, "project", links["project"].astype(str).to_numpy())
    return _finish(frame, programme, [])


def participations(programme: Programme) -> pd.DataFrame:
    """Every bundled participation of ``programme`` ("h2020": 144,726 rows; "fp7": 135,667).

    Returns a copy of a cached table, in the layout of :data:`COLUMNS`.
    """
    return _participations(check_programme(programme)).copy()


@lru_cache(maxsize=4)
def _consortia(programme: Programme) -> pd.DataFrame:
    if programme == "h2020":
        frame = _read("mx_h2020_consortia.parquet")
        frame["project"] = frame["project"].astype(str)
        frame = frame.join(_projects()[["title"]], on="project")
    else:
        frame = _read("mx_fp7_consortia.parquet")
        frame["project"] = frame["project"].astype(str)
    frame["is_mx"] = frame["is_mx"].astype(bool)
    return _finish(frame, programme, ["is_mx"])


def consortia(programme: Programme) -> pd.DataFrame:
    """The full consortia of the projects with a Mexican participant (``is_mx`` marks MX rows).

    H2020: 837 rows in 55 projects (names from other vintages, see SOURCES.md); FP7: 1,281 rows
    in 86 projects.
    """
    return _consortia(check_programme(programme)).copy()


@lru_cache(maxsize=4)
def _organisations(programme: Programme) -> pd.DataFrame:
    if programme == "h2020":
        orgs = _read("h2020_orgs.parquet")
        orgs["org"] = orgs["org"].astype(str)
        orgs["postcode"] = ""
    else:
        orgs = _read("fp7_mx_orgs.parquet")
    columns = ["org", "name", "city", "nuts", "address", "postcode"]
    return orgs[columns].fillna("").astype(str).set_index("org")


def organisations(programme: Programme) -> pd.DataFrame:
    """Organisation attributes by ``org``: name, city, nuts, address, postcode.

    For H2020 every PIC with a known name (address only for Mexican PICs, from the GB1609 FP7
    table); for FP7 the Mexican organisations with their street address and postcode.
    """
    return _organisations(check_programme(programme)).copy()


@lru_cache(maxsize=1)
def mexico_places() -> pd.DataFrame:
    """INEGI states (32) and municipalities (2,457): level, state, code, name, state_name.

    From the INEGI Marco Geoestadistico catalogue (May 2015) as published by the Harvard Growth Lab
    (github.com/cid-harvard/classifications).
    """
    return _read("mexico_places.parquet").fillna("").astype(str)


@lru_cache(maxsize=1)
def countries() -> pd.DataFrame:
    """CORDIS country codes (UK, EL ...) with ISO3 code and English / Spanish short names.

    Index ``country``; columns ``iso3``, ``name_en``, ``name_es`` (from the Harvard Growth Lab
    Atlas country list; ``NA`` is Namibia).
    """
    return _read("countries.parquet").fillna("").astype(str).set_index("country")
