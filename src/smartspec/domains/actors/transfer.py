"""Importing organisations and project participations from spreadsheets (CSV or Excel).

Two layouts:

* **organisations**: one row per organisation, the columns :data:`ORGANISATION_COLUMNS`
  (``name`` required). A row whose ``source_id`` is stored updates that organisation (when its
  ``version`` cell, if any, is the stored one); the others are added.
* **participations**: one row per participant in a project, CORDIS-style, the contract layout
  of :mod:`smartspec.domains.cooperation.cordis` (:data:`PARTICIPATION_COLUMNS`; ``project``
  and ``org`` required). Organisations are de-duplicated by ``org`` (first non-empty value of
  each field); a new one is added, a stored one is left as it is; the participations are stored
  (those already stored are left as they are).

The file is read by the registry's bounded, formula-safe reader
(:mod:`smartspec.domains.registry.transfer`): a size limit, UTF-8 / UTF-16 / Windows-1252 CSV
with ``,`` or ``;``, the first sheet of an ``.xlsx`` with zip-bomb checks, formula cells
reported as problems and never evaluated, text quoted against formula injection read back as
written. Every problem of every row is reported (row as the spreadsheet numbers it, column,
expected, found), and nothing is stored unless there is none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from smartspec.core.errors import SmartSpecError, ValidationError
from smartspec.domains.registry.layout import MAX_CELL, MAX_ROWS, ImportProblem, refuse_import
from smartspec.io.sheets import read_sheet, unescape_cell

from .helix import PARTICIPATION_COLUMNS
from .repo import clean_organisation, split_topics
from .views import ActorsImportReport, OrganisationIn

if TYPE_CHECKING:
    from smartspec.domains.accounts.rules import Account

    from .service import Actors

__all__ = [
    "MAX_BYTES",
    "ORGANISATION_COLUMNS",
    "PARTICIPATION_COLUMNS",
    "import_file",
    "import_records",
    "read_rows",
]

#: Largest file read by default, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: The columns of an organisations file.
ORGANISATION_COLUMNS: tuple[str, ...] = (
    "source_id",
    "version",
    "name",
    "type",
    "country",
    "region",
    "city",
    "topics",
    "description",
)
_REQUIRED = {"organisations": ("name",), "participations": ("project", "org")}
_ALIASES = {
    "organisations": {
        "pic": "source_id",
        "org": "source_id",
        "id": "source_id",
        "organisation": "name",
        "organization": "name",
        "legal_name": "name",
        "activity_type": "type",
        "country_code": "country",
        "nuts": "region",
        "nuts_code": "region",
        "state": "region",
        "topic": "topics",
        "keywords": "topics",
        "activity_codes": "topics",
    },
    "participations": {
        "rcn": "project",
        "project_id": "project",
        "pic": "org",
        "organisation": "org",
        "organization": "org",
        "legal_name": "name",
        "partner_role": "role",
        "activity_type": "type",
        "legal_entity_type": "type",
        "country_code": "country",
        "nuts_3_code": "nuts",
        "region": "nuts",
        "ec_contribution": "contribution",
        "year": "start_year",
        "programme_parts": "parts",
        "project_acronym": "acronym",
    },
}
_ROLES = ("coordinator", "participant", "partner", "")
_PROJECT = re.compile(r"[\w.:/-]{1,64}")
_PROGRAMME = re.compile(r"[a-z0-9_-]{0,16}")
_NA = {"", "na", "nan", "none", "null", "<na>"}

Kind = Literal["organisations", "participations"]


def _key(name: str, kind: Kind) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return _ALIASES[kind].get(key, key)


def read_rows(
    data: bytes, filename: str, *, max_bytes: int = MAX_BYTES
) -> tuple[Literal["csv", "xlsx"], list[list[str]], list[tuple[int, int]]]:
    """A file's rows as text (the header first), its format and its formula cells
    (:func:`smartspec.io.sheets.read_sheet`, bounded by the registry's import limits).

    Raises
    ------
    ValidationError
        For a file that cannot be read at all: too large, empty, not CSV or ``.xlsx``, a zip
        bomb, more than :data:`~smartspec.domains.registry.layout.MAX_ROWS` rows.
    """
    sheet = read_sheet(
        data,
        filename,
        max_bytes=max_bytes,
        max_rows=MAX_ROWS,
        max_cell=MAX_CELL,
        max_columns=2 * max(len(ORGANISATION_COLUMNS), len(PARTICIPATION_COLUMNS)),
        expected="a header row and one row per organisation or participation",
    )
    return sheet.format, sheet.rows, sheet.formulas


class _Reader:
    """Checks the rows of one file, collecting records and the report."""

    def __init__(self, report: ActorsImportReport) -> None:
        self.report = report

    def problem(self, row: int, column: str | None, expected: str, found: str, msg: str) -> None:
        found = found if len(found) <= 200 else found[:197] + "..."
        self.report.problems.append(
            ImportProblem(row=row, column=column, expected=expected, found=found, message=msg)
        )

    def records(
        self, rows: list[list[str]], formulas: list[tuple[int, int]]
    ) -> list[tuple[int, dict[str, str]]]:
        """``(row number, {column: text})`` of the data rows; header problems reported."""
        kind: Kind = self.report.kind
        layout = ORGANISATION_COLUMNS if kind == "organisations" else PARTICIPATION_COLUMNS
        if not rows:
            self.problem(1, None, "a header row", "no rows", "the file has no header")
            return []
        columns: dict[str, int] = {}
        for i, name in enumerate(rows[0]):
            key = _key(name, kind)
            if not key:
                continue
            if key in columns:
                self.problem(
                    1, name, "each column once", f"two columns {key!r}", "a repeated column"
                )
            elif key in layout:
                columns[key] = i
            else:
                self.report.ignored_columns.append(name.strip())
        missing = [c for c in _REQUIRED[kind] if c not in columns]
        if missing:
            self.problem(
                1,
                ", ".join(missing),
                f"a header row with at least {', '.join(_REQUIRED[kind])}; any of "
                + ", ".join(layout),
                "columns " + (", ".join(c.strip() for c in rows[0] if c.strip()) or "none"),
                "required columns are missing: " + ", ".join(missing),
            )
            return []
        by_index = {i: c for c, i in columns.items()}
        formula_rows: dict[int, list[str]] = {}
        for r, c in formulas:
            if c - 1 in by_index:
                formula_rows.setdefault(r, []).append(by_index[c - 1])
        out = []
        for number, cells in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in cells):
                continue
            self.report.rows += 1
            for column in formula_rows.get(number, []):
                self.problem(
                    number,
                    column,
                    "a value (text or a number), not a formula",
                    "a formula",
                    "a formula cell: formulas are not run, and their last results not taken",
                )
            out.append(
                (
                    number,
                    {
                        c: unescape_cell(cells[i].strip()) if i < len(cells) else ""
                        for c, i in columns.items()
                    },
                )
            )
        return out

    def organisation(self, number: int, cell: Mapping[str, str]) -> dict[str, Any] | None:
        """The checked values of an organisation row, or ``None`` (its problem reported)."""
        try:
            return clean_organisation(
                OrganisationIn(
                    name=cell.get("name", ""),
                    source_id=cell.get("source_id") or None,
                    type=cell.get("type", ""),
                    country=cell.get("country", ""),
                    region=cell.get("region") or cell.get("nuts") or None,
                    city=cell.get("city", ""),
                    topics=split_topics(cell.get("topics", "") or cell.get("parts", "")),
                    description=cell.get("description", ""),
                )
            )
        except SmartSpecError as exc:
            column = (exc.where or "").split(",")[0] or None
            if column == "region" and "region" not in cell:
                column = "nuts"
            if column == "source_id" and self.report.kind == "participations":
                column = "org"
            self.problem(number, column, exc.expected or "", exc.found or "", exc.problem)
            return None

    def participation(self, number: int, cell: Mapping[str, str]) -> dict[str, Any] | None:
        """The checked values of a participation row, or ``None`` (its problems reported)."""
        before = len(self.report.problems)
        project = cell.get("project", "")
        if not _PROJECT.fullmatch(project):
            self.problem(
                number,
                "project",
                "a project id (CORDIS rcn or grant number), 1 to 64 letters, digits or . : / _ -",
                repr(project),
                "a bad project id",
            )
        role = cell.get("role", "").strip().lower()
        if role not in _ROLES:
            self.problem(
                number,
                "role",
                "coordinator, participant, partner or empty",
                repr(role),
                "an unknown role",
            )
        programme = cell.get("programme", "").strip().lower()
        if not _PROGRAMME.fullmatch(programme):
            self.problem(
                number,
                "programme",
                "a short code such as h2020 or fp7 (at most 16 letters, digits, _ or -)",
                repr(programme),
                "a bad programme",
            )
        contribution: float | None = None
        text = cell.get("contribution", "").strip()
        if text.lower() not in _NA:
            try:
                contribution = float(text.replace(",", ".") if "." not in text else text)
                if not math.isfinite(contribution) or contribution < 0:
                    raise ValueError(text)
            except ValueError:
                self.problem(
                    number,
                    "contribution",
                    "an amount in euros (>= 0, a decimal point), or empty / NA",
                    repr(text),
                    "not an amount",
                )
        year: int | None = None
        text = cell.get("start_year", "").strip()
        if text.lower() not in _NA:
            try:
                year = int(float(text))
                if not 1950 <= year <= 2100:
                    raise ValueError
            except ValueError:
                self.problem(
                    number,
                    "start_year",
                    "a year from 1950 to 2100, or empty",
                    repr(text),
                    "not a year",
                )
        extra = {k: cell.get(k, "").strip()[:2000] for k in ("parts", "acronym", "title")}
        if len(self.report.problems) > before:
            return None
        return {
            "project": project,
            "programme": programme,
            "role": role,
            "year": year,
            "contribution": contribution,
            **extra,
        }


def _organisation_rows(
    reader: _Reader, records: list[tuple[int, dict[str, str]]], actors: Actors
) -> list[tuple[dict[str, Any], int | None]]:
    found: list[tuple[int, dict[str, Any], int | None]] = []
    seen: dict[str, int] = {}
    for number, cell in records:
        values = reader.organisation(number, cell)
        version: int | None = None
        text = cell.get("version", "").strip()
        if text:
            if text.isdigit() and int(text) >= 1:
                version = int(text)
            else:
                reader.problem(
                    number, "version", "a whole number >= 1, or empty", repr(text), "a bad version"
                )
                values = None
        if values is None:
            continue
        source = values["source_id"]
        if source and source in seen:
            reader.problem(
                number,
                "source_id",
                "each source id once",
                f"{source!r}, also on row {seen[source]}",
                "a repeated organisation",
            )
            continue
        if source:
            seen[source] = number
        found.append((number, values, version))
    stored = actors.known_sources(list(seen))
    for number, values, version in found:
        at = stored.get(values["source_id"] or "")
        if at is not None and version is not None and version != at[1]:
            reader.problem(
                number,
                "version",
                f"version {at[1]} (the stored one)",
                f"version {version}",
                f"organisation {at[0]} was changed after this file was written: importing it "
                "would overwrite that change",
            )
    return [(values, version) for _, values, version in found]


def _participation_rows(
    reader: _Reader, records: list[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[dict[str, Any], int | None]], list[dict[str, Any]]]:
    organisations: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    links: list[dict[str, Any]] = []
    for number, cell in records:
        org = cell.get("org", "").strip()
        link = reader.participation(number, cell)
        if not org:
            reader.problem(number, "org", "the organisation's id (a PIC)", "''", "no organisation")
            continue
        merged = organisations.setdefault(org, {"source_id": org})
        first_row.setdefault(org, number)
        for key in ("name", "type", "country", "city", "nuts", "parts"):
            value = cell.get(key, "").strip()
            if key == "parts":
                merged[key] = ";".join(
                    dict.fromkeys(split_topics(merged.get(key, "")) + split_topics(value))
                )
            elif value and not merged.get(key):
                merged[key] = value
        if link is not None:
            links.append({**link, "source_id": org})
    checked: list[tuple[dict[str, Any], int | None]] = []
    for org, cell in organisations.items():
        values = reader.organisation(first_row[org], {**cell, "name": cell.get("name") or org})
        if values is not None:
            checked.append((values, None))
    return checked, links


def import_records(
    actors: Actors,
    actor: Account | None,
    rows: list[list[str]],
    *,
    kind: Kind,
    filename: str,
    fmt: Literal["csv", "xlsx"] = "csv",
    formulas: Iterable[tuple[int, int]] = (),
    dry_run: bool = False,
) -> ActorsImportReport:
    """Check rows (header first) and store them all, or nothing.

    Returns
    -------
    ActorsImportReport
        Rows read and valid, every problem, and what was (or, for a dry run, would be) stored.

    Raises
    ------
    ValidationError
        ``code="invalid.import"`` when a row has a problem (not for a dry run); its ``report``
        attribute is the report.
    """
    report = ActorsImportReport(
        file=filename, format=fmt, kind=kind, rows=0, valid=0, dry_run=dry_run
    )
    reader = _Reader(report)
    records = reader.records(rows, list(formulas))
    if kind == "organisations":
        organisations = _organisation_rows(reader, records, actors)
        links: list[dict[str, Any]] = []
    else:
        organisations, links = _participation_rows(reader, records)
    report.valid = max(0, report.rows - len({p.row for p in report.problems if p.row > 1}))
    if not dry_run:
        refuse_import(report, filename)
    known = actors.known_sources([v["source_id"] for v, _ in organisations if v["source_id"]])
    if dry_run:
        new = sum(1 for v, _ in organisations if not v["source_id"] or v["source_id"] not in known)
        report.organisations_new = new
        report.organisations_updated = len(organisations) - new if kind == "organisations" else 0
        report.participations_new = len(links)
        return report
    given = {c for _, cell in records[:1] for c in cell}
    fields = {"region" if c == "nuts" else c for c in given} | (
        {"helix"} if "type" in given else set()
    )
    counts = actors.store_import(
        actor, organisations, links, update_existing=kind == "organisations", fields=fields
    )
    for key, value in counts.items():
        setattr(report, key, value)
    report.stored = (
        counts["organisations_new"] + counts["organisations_updated"] + counts["participations_new"]
    )
    return report


def import_file(
    actors: Actors,
    actor: Account | None,
    data: bytes,
    filename: str,
    *,
    kind: Kind = "organisations",
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
) -> ActorsImportReport:
    """Import an organisations or participations file (CSV or ``.xlsx``): all of it, or nothing
    (:func:`import_records`)."""
    if kind not in _REQUIRED:
        raise ValidationError(
            "unknown kind of import", expected="organisations or participations", found=repr(kind)
        )
    fmt, rows, formulas = read_rows(data, filename, max_bytes=max_bytes)
    return import_records(
        actors,
        actor,
        rows,
        kind=kind,
        filename=filename,
        fmt=fmt,
        formulas=formulas,
        dry_run=dry_run,
    )
