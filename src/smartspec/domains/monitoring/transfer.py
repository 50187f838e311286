"""Importing indicator values from a spreadsheet (CSV or Excel): all rows, or none.

One row per indicator and year, the columns:

================  ==========================================================================
``indicator_id``  the indicator's id (as the plan shows it); or, instead,
``indicator``     its name (any case) with ``strategy_id``: the indicator of that strategy
``year``          the year of the value (1900 to 2100)
``value``         the value (a number; a decimal point, or a comma when there is no point)
``note``          optional: where the value comes from
================  ==========================================================================

The file is read by :func:`smartspec.io.sheets.read_sheet`, bounded (the ``max_upload_mb``
setting, the registry's row and cell limits), UTF-8 / UTF-16 / Windows-1252 CSV with ``,`` or
``;``, or the first sheet of an ``.xlsx`` with zip-bomb checks. Formula cells are reported as
problems and never evaluated (a cached result may not be what the formula gives now); a CSV
value that starts with ``=`` is not a number and is refused the same way; text quoted against
formula injection (``'=...``) is read back as written. Every problem of every row is reported
(row as the spreadsheet numbers it, column, expected, found): an unknown indicator, a computed
one (its values come from its dataset), one of a region the account may not edit, a year or
value that is not one, the same indicator and year twice. Nothing is stored unless there is no
problem; a value already stored for the indicator and year is replaced (origin ``import``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.rules import can_edit_region
from smartspec.domains.registry.layout import MAX_CELL, MAX_ROWS, refuse_import
from smartspec.io.sheets import read_sheet, unescape_cell

from . import repo
from .views import ImportProblem, ImportReport

if TYPE_CHECKING:
    from smartspec.domains.accounts.rules import Account

    from .service import Monitoring

__all__ = ["COLUMNS", "MAX_BYTES", "import_rows", "import_values"]

#: Largest file read by default, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: The columns of a values file.
COLUMNS: tuple[str, ...] = ("indicator_id", "indicator", "strategy_id", "year", "value", "note")
_ALIASES = {
    "id": "indicator_id",
    "indicator_name": "indicator",
    "name": "indicator",
    "strategy": "strategy_id",
    "period": "year",
    "comment": "note",
    "notes": "note",
}
_FORMULA = ("=", "+", "@")


def _key(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return _ALIASES.get(key, key)


class _Reader:
    def __init__(self, report: ImportReport) -> None:
        self.report = report

    def problem(self, row: int, column: str | None, expected: str, found: str, msg: str) -> None:
        found = found if len(found) <= 200 else found[:197] + "..."
        self.report.problems.append(
            ImportProblem(row=row, column=column, expected=expected, found=found, message=msg)
        )

    def header(self, rows: list[list[str]]) -> dict[str, int] | None:
        if not rows:
            self.problem(1, None, "a header row", "no rows", "the file has no header")
            return None
        columns: dict[str, int] = {}
        for i, name in enumerate(rows[0]):
            key = _key(name)
            if not key:
                continue
            if key in columns:
                self.problem(
                    1, name, "each column once", f"two columns {key!r}", "a repeated column"
                )
            elif key in COLUMNS:
                columns[key] = i
            else:
                self.report.ignored_columns.append(name.strip())
        has_indicator = "indicator_id" in columns or {"indicator", "strategy_id"} <= set(columns)
        missing = [c for c in ("year", "value") if c not in columns]
        if not has_indicator:
            missing.insert(0, "indicator_id (or indicator and strategy_id)")
        if missing:
            self.problem(
                1,
                ", ".join(missing),
                "a header row with indicator_id (or indicator and strategy_id), year, value and "
                "optionally note",
                "columns " + (", ".join(c.strip() for c in rows[0] if c.strip()) or "none"),
                "required columns are missing: " + ", ".join(missing),
            )
            return None
        return columns


def _number(text: str) -> float:
    clean = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in clean and "." not in clean:
        clean = clean.replace(",", ".")
    return repo.clean_value(clean if clean else None)


def import_rows(
    service: Monitoring,
    actor: Account | None,
    rows: list[list[str]],
    *,
    filename: str,
    fmt: Literal["csv", "xlsx"] = "csv",
    formulas: list[tuple[int, int]] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check rows (header first) and store them all, or nothing (see the module).

    Returns
    -------
    ImportReport
        Rows read and valid, every problem, and what was (or, for a dry run, would be) stored.

    Raises
    ------
    ValidationError
        ``code="invalid.import"`` when a row has a problem (not for a dry run); its ``report``
        attribute is the report.
    """
    report = ImportReport(file=filename, format=fmt, dry_run=dry_run)
    reader = _Reader(report)
    columns = reader.header(rows)
    records: list[tuple[int, dict[str, str], set[str]]] = []
    if columns is not None:
        by_index = {i: c for c, i in columns.items()}
        formula_cells: dict[int, set[str]] = {}
        for r, c in formulas or []:
            if c - 1 in by_index:
                formula_cells.setdefault(r, set()).add(by_index[c - 1])
        for number, cells in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            cell = {c: cells[i].strip() if i < len(cells) else "" for c, i in columns.items()}
            records.append((number, cell, formula_cells.get(number, set())))
    checked = _check(service, actor, reader, records)
    report.valid = max(0, report.rows - len({p.row for p in report.problems if p.row > 1}))
    known = service.known_values({i for i, _, _, _ in checked})
    report.updated = sum(1 for i, y, _, _ in checked if (i, y) in known)
    report.new = len(checked) - report.updated
    if not dry_run:
        refuse_import(report, filename)
    if dry_run:
        return report
    report.new, report.updated = service.store_values(actor, checked)
    report.stored = report.new + report.updated
    return report


def _check(
    service: Monitoring,
    actor: Account | None,
    reader: _Reader,
    records: list[tuple[int, dict[str, str], set[str]]],
) -> list[tuple[int, int, float, str]]:
    """The checked ``(indicator_id, year, value, note)`` of the rows; problems reported."""
    ids = {int(c["indicator_id"]) for _, c, _ in records if c.get("indicator_id", "").isdigit()}
    known: dict[int, tuple[str, int, bool]] = service.lookup(i for i in ids if i < 2**31)
    names: dict[tuple[int, str], list[int]] = {}
    out: list[tuple[int, int, float, str]] = []
    seen: dict[tuple[int, int], int] = {}
    for number, cell, formula in records:
        before = len(reader.report.problems)
        for column in sorted(formula):
            reader.problem(
                number,
                column,
                "a value (text or a number), not a formula",
                "a formula",
                "a formula cell: formulas are not run, and their last results not taken",
            )
        indicator = _indicator(service, reader, number, cell, known, names)
        if indicator is not None:
            region, _, computed = known[indicator]
            if computed:
                reader.problem(
                    number,
                    "indicator_id",
                    "an indicator whose values are entered",
                    str(indicator),
                    "a computed indicator: its values come from its dataset",
                )
            elif not can_edit_region(actor, region):
                reader.problem(
                    number,
                    "indicator_id",
                    "an indicator of a region the account may edit",
                    f"indicator {indicator} of region {region}",
                    "not allowed: ask an administrator to grant the region",
                )
        year = value = None
        if "year" not in formula:
            try:
                year = repo.clean_year(cell.get("year", ""))
            except SmartSpecError as exc:
                reader.problem(
                    number, "year", exc.expected or "", cell.get("year", ""), exc.problem
                )
        if "value" not in formula:
            text = cell.get("value", "")
            try:
                value = _number(text)
            except SmartSpecError as exc:
                formula_text = text.startswith(_FORMULA)
                reader.problem(
                    number,
                    "value",
                    exc.expected or "",
                    repr(text),
                    "a formula: formulas are not run" if formula_text else exc.problem,
                )
        note = unescape_cell(cell.get("note", ""))
        if len(note) > repo.LIMITS["note"] and "note" not in formula:
            reader.problem(
                number,
                "note",
                f"at most {repo.LIMITS['note']:,} characters",
                f"{len(note):,}",
                "the note is too long",
            )
        if indicator is not None and year is not None:
            if (indicator, year) in seen:
                reader.problem(
                    number,
                    "year",
                    "each indicator and year once",
                    f"indicator {indicator}, {year}: also on row {seen[(indicator, year)]}",
                    "a repeated value",
                )
            else:
                seen[(indicator, year)] = number
        if len(reader.report.problems) == before and indicator is not None:
            assert year is not None and value is not None
            out.append((indicator, year, value, note))
    return out


def _indicator(
    service: Monitoring,
    reader: _Reader,
    number: int,
    cell: dict[str, str],
    known: dict[int, tuple[str, int, bool]],
    names: dict[tuple[int, str], list[int]],
) -> int | None:
    text = cell.get("indicator_id", "")
    if text:
        if not text.isdigit() or int(text) not in known:
            reader.problem(
                number,
                "indicator_id",
                "the id of a stored indicator",
                repr(text),
                "an unknown indicator",
            )
            return None
        return int(text)
    name, strategy = cell.get("indicator", ""), cell.get("strategy_id", "")
    if not name or not strategy.isdigit() or int(strategy) >= 2**31:
        reader.problem(
            number,
            "indicator_id",
            "an indicator_id, or an indicator name with its strategy_id",
            repr(name or text),
            "no indicator",
        )
        return None
    key = (int(strategy), name.casefold())
    if key not in names:
        names[key] = service.find_by_name(int(strategy), name)
    found = names[key]
    if len(found) != 1:
        reader.problem(
            number,
            "indicator",
            f"the name of one indicator of strategy {strategy}",
            repr(name),
            "an unknown indicator" if not found else f"{len(found)} indicators have this name",
        )
        return None
    known.update(service.lookup(found))
    return found[0]


def import_values(
    service: Monitoring,
    actor: Account | None,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
) -> ImportReport:
    """Import a values file (CSV or ``.xlsx``): all of it, or nothing (:func:`import_rows`).

    Raises
    ------
    ValidationError
        A file that cannot be read at all (too large, empty, not CSV or ``.xlsx``, a zip
        bomb, too many rows), or one with problems (``invalid.import``, with its report).
    """
    sheet = read_sheet(
        data,
        filename,
        max_bytes=max_bytes,
        max_rows=MAX_ROWS,
        max_cell=MAX_CELL,
        max_columns=4 * len(COLUMNS),
        expected="a header row (indicator_id, year, value, note) and one row per value",
    )
    return import_rows(
        service,
        actor,
        sheet.rows,
        filename=filename,
        fmt=sheet.format,
        formulas=sheet.formulas,
        dry_run=dry_run,
    )
