"""The import and export layout of declared priorities: its columns, the rows as drafts, the
report of an import, and the checks of each row (used by :mod:`.transfer`).

One row per priority (the EU S3 Platform's Eye@RIS3 shape): the region and its strategy repeated
on each row, codes in semicolon-separated cells. :data:`LAYOUT_COLUMNS` lists the columns;
``docs/registry.md`` describes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from ...core.errors import ValidationError
from ...io.sheets import unescape_cell
from .codes import check_codes
from .nuts import region_info
from .views import PriorityIn

#: The columns of the layout, in the order they are written.
LAYOUT_COLUMNS: tuple[str, ...] = (
    "id",
    "version",
    "region_code",
    "region_name",
    "country",
    "region_level",
    "region_parent",
    "strategy_period",
    "strategy_title",
    "strategy_source",
    "strategy_url",
    "priority_title",
    "description",
    "language",
    "nace",
    "ford",
    "ipc",
    "cpc",
    "sdg",
    "policy_objectives",
    "tags",
    "set_aside_codes",
)
#: The columns a file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("region_code", "strategy_period", "priority_title")
#: The code columns and the scheme of each (:data:`smartspec.domains.registry.codes.SCHEMES`).
CODE_COLUMNS: dict[str, str] = {
    "nace": "nace",
    "ford": "ford",
    "ipc": "ipc",
    "cpc": "cpc",
    "sdg": "sdg",
    "policy_objectives": "po",
    "tags": "tag",
}
#: Other names accepted for the columns (compared in lower case, spaces as underscores).
COLUMN_ALIASES: dict[str, str] = {
    "region": "region_code",
    "nuts": "region_code",
    "nuts_code": "region_code",
    "period": "strategy_period",
    "title": "priority_title",
    "priority": "priority_title",
    "lang": "language",
    "po": "policy_objectives",
    "policy_objective": "policy_objectives",
    "sdgs": "sdg",
    "tag": "tags",
    "set_aside": "set_aside_codes",
}

#: Largest file read by default, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: Most priority rows in a file.
MAX_ROWS = 100_000
#: Most characters in a cell.
MAX_CELL = 20_000
#: Longest priority title, in characters.
MAX_TITLE = 500

_PERIOD = re.compile(r"(\d{4})\s*[-\u2013\u2014/]\s*(\d{4})")
_REGION = re.compile(r"[A-Z0-9][A-Z0-9_.-]{0,19}")
_SPLIT = re.compile(r"[;\n]")
EXPECTED_COLUMNS = (
    f"a header row naming the columns, at least {', '.join(REQUIRED_COLUMNS)}; "
    f"any of {', '.join(LAYOUT_COLUMNS)}"
)


@dataclass
class PriorityDraft:
    """One valid row of an import: a priority and its region and strategy, ready to store.

    Codes are canonical (:func:`~smartspec.domains.registry.codes.normalise`) and in the code
    lists; ``set_aside_codes`` holds, by scheme, the codes that are not, kept aside when the
    import was asked to (``invalid_codes="set-aside"``) or carried over from the file's
    ``set_aside_codes`` column. ``id`` and ``version`` are the file's cells of an exported
    record, else None: importing a row with the id of a stored priority of the same region
    updates it, when it is still at that version (:meth:`Registry.store_drafts`).
    """

    row: int
    region: str
    region_name: str
    period: str
    title: str
    description: str = ""
    language: str = "en"
    country: str | None = None
    level: str | None = None
    parent: str | None = None
    strategy_title: str | None = None
    strategy_source: str | None = None
    strategy_url: str | None = None
    codes: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    set_aside_codes: dict[str, list[str]] = field(default_factory=dict)
    id: int | None = None
    version: int | None = None

    def as_priority_in(self) -> PriorityIn:
        """The priority as a client would send it (strategy by region and period)."""
        return PriorityIn(
            region=self.region,
            period=self.period,
            title=self.title,
            description=self.description,
            language=self.language,
            codes={k: list(v) for k, v in self.codes.items()},
            tags=list(self.tags),
        )


class ImportProblem(BaseModel):
    """One problem of an import file."""

    row: int = Field(description="The row as the spreadsheet shows it (the header is row 1)")
    column: str | None = Field(default=None, description="The column; None for the whole row")
    expected: str
    found: str
    message: str


def refuse_import(report: Any, filename: str) -> None:
    """Refuse a whole import file when its ``report`` lists problems (all or nothing): the
    :class:`~smartspec.core.errors.ValidationError` (``invalid.import``) names the first
    problem, counts them all and carries the report (``error.report``) for the answer to show;
    nothing when there is none. The registry's, the organisations' and the monitoring values'
    imports refuse alike."""
    if not report.problems:
        return
    first = report.problems[0]
    error = ValidationError(
        f"the file has {len(report.problems)} problem(s): nothing was imported",
        where=f"file '{filename}', row {first.row}"
        + (f", column {first.column}" if first.column else ""),
        expected=first.expected,
        found=f"{first.found} ({first.message})",
        fix="correct the rows the report lists and import the file again",
        code="invalid.import",
    )
    error.report = report  # type: ignore[attr-defined]
    raise error


class SetAside(BaseModel):
    """A code kept aside at import: stored on the priority, not used as a code."""

    row: int
    scheme: str
    code: str
    reason: str


class ImportReport(BaseModel):
    """What an import read, found wrong, set aside and stored."""

    file: str
    format: Literal["csv", "xlsx"]
    rows: int = Field(description="Priority rows read (empty rows not counted)")
    valid: int = Field(description="Rows without a problem")
    problems: list[ImportProblem] = Field(default_factory=list)
    set_aside: list[SetAside] = Field(default_factory=list)
    ignored_columns: list[str] = Field(
        default_factory=list, description="Columns of the file that are not in the layout"
    )
    stored: int = Field(default=0, description="Priorities stored (0 for a dry run)")
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file has no problem."""
        return not self.problems


# ---------------------------------------------------------------------------------- columns


def _column_key(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())
    return COLUMN_ALIASES.get(key, key)


class RowReader:
    """Checks the rows of one file, collecting drafts and the report."""

    def __init__(self, filename: str, fmt: Literal["csv", "xlsx"], invalid: str, lang: str):
        if invalid not in ("refuse", "set-aside"):
            raise ValidationError(
                "invalid_codes must be 'refuse' or 'set-aside'",
                expected="'refuse' or 'set-aside'",
                found=repr(invalid),
            )
        self.report = ImportReport(file=filename, format=fmt, rows=0, valid=0)
        self.set_aside = invalid == "set-aside"
        self.language = lang
        self.problems = self.report.problems

    def problem(self, row: int, column: str | None, expected: str, found: str, msg: str) -> None:
        found = found if len(found) <= 200 else found[:197] + "..."
        self.problems.append(
            ImportProblem(row=row, column=column, expected=expected, found=found, message=msg)
        )

    def header(self, cells: list[str]) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        for i, name in enumerate(cells):
            key = _column_key(name)
            if not key:
                continue
            if key in columns:
                self.problem(
                    1, name, "each column once", f"two columns named {key!r}", "a repeated column"
                )
            elif key in LAYOUT_COLUMNS:
                columns[key] = i
            else:
                self.report.ignored_columns.append(name.strip())
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            self.problem(
                1,
                ", ".join(missing),
                EXPECTED_COLUMNS,
                "columns " + (", ".join(c.strip() for c in cells if c.strip()) or "none"),
                "required columns are missing: " + ", ".join(missing),
            )
            return None
        return columns if not self.problems else None

    def read(
        self, rows: list[list[str]], formulas: list[tuple[int, int]]
    ) -> tuple[list[PriorityDraft], ImportReport]:
        columns = self.header(rows[0]) if rows else None
        if columns is None:
            if not rows:
                self.problem(1, None, EXPECTED_COLUMNS, "no rows", "the file has no header")
            return [], self.report
        by_index = {i: c for c, i in columns.items()}
        formula_rows: dict[int, list[str]] = {}
        for r, c in formulas:
            if c - 1 in by_index:
                formula_rows.setdefault(r, []).append(by_index[c - 1])
        drafts: list[PriorityDraft] = []
        seen: dict[tuple[str, str, str], int] = {}
        strategies: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
        for number, cells in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in cells):
                continue
            self.report.rows += 1
            before = len(self.problems)
            for column in formula_rows.get(number, []):
                self.problem(
                    number,
                    column,
                    "a value (text or a number), not a formula",
                    "a formula",
                    "a formula cell: formulas are not run, and their last results not taken",
                )
            cell = {
                c: unescape_cell(cells[i].strip()) if i < len(cells) else ""
                for c, i in columns.items()
            }
            draft = self.row(number, cell)
            if draft is not None:
                key = (draft.region, draft.period, draft.title.casefold())
                if key in seen:
                    self.problem(
                        number,
                        "priority_title",
                        "each priority once per region and period",
                        draft.title,
                        f"the same priority as row {seen[key]}",
                    )
                seen.setdefault(key, number)
                self.strategy(number, draft, strategies)
            if draft is not None and len(self.problems) == before:
                drafts.append(draft)
                self.report.valid += 1
        if self.problems:
            keep = {p.row for p in self.problems}
            valid = [d for d in drafts if d.row not in keep]
            self.report.valid = len(valid)
            return valid, self.report
        return drafts, self.report

    def strategy(
        self,
        number: int,
        draft: PriorityDraft,
        strategies: dict[tuple[str, str], tuple[int, dict[str, str]]],
    ) -> None:
        values = {
            "strategy_title": draft.strategy_title or "",
            "strategy_source": draft.strategy_source or "",
            "strategy_url": draft.strategy_url or "",
        }
        key = (draft.region, draft.period)
        if key not in strategies:
            strategies[key] = (number, values)
            return
        first, known = strategies[key]
        for column, value in values.items():
            if value and known[column] and value != known[column]:
                self.problem(
                    number,
                    column,
                    f"the same {column.replace('_', ' ')} as row {first} "
                    f"(one strategy per region and period)",
                    value,
                    f"row {first} gives {known[column]!r}",
                )
            elif value and not known[column]:
                known[column] = value

    def row(self, n: int, cell: dict[str, str]) -> PriorityDraft | None:
        for column, value in cell.items():
            if len(value) > MAX_CELL:
                self.problem(
                    n,
                    column,
                    f"at most {MAX_CELL:,} characters",
                    f"{len(value):,} characters",
                    "the cell is too long",
                )
                cell[column] = ""
        region = cell.get("region_code", "").upper()
        period = cell.get("strategy_period", "")
        title = " ".join(cell.get("priority_title", "").split())
        if not _REGION.fullmatch(region):
            self.problem(
                n,
                "region_code",
                "a region code: a NUTS code such as CZ080, or another code of letters and "
                "digits (up to 20)",
                region or "an empty cell",
                "the region code is missing" if not region else "the region code is not valid",
            )
        m = _PERIOD.fullmatch(period)
        if m is None or int(m.group(1)) > int(m.group(2)):
            self.problem(
                n,
                "strategy_period",
                "a period of two years such as 2021-2027",
                period or "an empty cell",
                "the strategy period is not valid" if period else "the period is missing",
            )
        else:
            period = f"{m.group(1)}-{m.group(2)}"
        if not title or len(title) > MAX_TITLE:
            self.problem(
                n,
                "priority_title",
                f"a title of 1 to {MAX_TITLE} characters",
                f"{len(title)} characters" if title else "an empty cell",
                "the title is too long" if title else "the priority has no title",
            )
        info = region_info(region) if _REGION.fullmatch(region) else None
        name = " ".join(cell.get("region_name", "").split()) or (info.name if info else "")
        if not name and _REGION.fullmatch(region):
            self.problem(
                n,
                "region_name",
                "the region's name (it may be left empty for a NUTS code)",
                "an empty cell",
                f"{region} is not a NUTS code, so its name is needed",
            )
        country = cell.get("country", "").upper() or (info.country if info else "")
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            self.problem(
                n, "country", "an ISO 3166-1 alpha-2 code such as CZ", country, "not a country code"
            )
        language = cell.get("language", "").lower() or self.language
        if not re.fullmatch(r"[a-z]{2}", language):
            self.problem(
                n,
                "language",
                "an ISO 639-1 language code such as cs, en, es",
                language,
                "not a language code",
            )
        identifier: int | None = None
        if cell.get("id"):
            if re.fullmatch(r"[1-9]\d{0,17}", cell["id"]):
                identifier = int(cell["id"])
            else:
                self.problem(
                    n,
                    "id",
                    "empty, or a record id (a positive whole number)",
                    cell["id"],
                    "not an id",
                )
        version: int | None = None
        if cell.get("version"):
            if re.fullmatch(r"[1-9]\d{0,8}", cell["version"]) and identifier is not None:
                version = int(cell["version"])
            else:
                self.problem(
                    n,
                    "version",
                    "empty, or the version of the record named by the id (a positive whole number)",
                    cell["version"],
                    "not a version" if identifier is not None else "a version without an id",
                )
        codes, tags, aside = self.codes(n, cell)
        return PriorityDraft(
            row=n,
            region=region,
            region_name=name,
            period=period,
            title=title,
            description=cell.get("description", "").replace("\r\n", "\n"),
            language=language,
            country=country or None,
            level=cell.get("region_level") or (info.level_name if info else None),
            parent=(cell.get("region_parent") or "").upper() or (info.parent if info else None),
            strategy_title=cell.get("strategy_title") or None,
            strategy_source=cell.get("strategy_source") or None,
            strategy_url=cell.get("strategy_url") or None,
            codes=codes,
            tags=tags,
            set_aside_codes=aside,
            id=identifier,
            version=version,
        )

    def codes(
        self, n: int, cell: dict[str, str]
    ) -> tuple[dict[str, list[str]], list[str], dict[str, list[str]]]:
        codes: dict[str, list[str]] = {}
        tags: list[str] = []
        aside: dict[str, list[str]] = {}
        for column, scheme in CODE_COLUMNS.items():
            given = [c.strip() for c in _SPLIT.split(cell.get(column, "")) if c.strip()]
            valid, problems = check_codes(scheme, given)
            for p in problems:
                if self.set_aside and scheme != "tag":
                    aside.setdefault(scheme, []).append(p.code)
                    self.report.set_aside.append(
                        SetAside(row=n, scheme=scheme, code=p.code, reason=p.message)
                    )
                    continue
                hint = f" (did you mean {', '.join(p.suggestions)}?)" if p.suggestions else ""
                self.problem(n, column, p.expected, p.code, p.message + hint)
            if scheme == "tag":
                tags = valid
            elif valid:
                codes[scheme] = valid
        for item in (c.strip() for c in _SPLIT.split(cell.get("set_aside_codes", ""))):
            if not item:
                continue
            scheme, sep, code = item.partition(":")
            scheme = scheme.strip().lower()
            if (
                not sep
                or not code.strip()
                or scheme not in CODE_COLUMNS.values()
                or scheme == "tag"
            ):
                self.problem(
                    n,
                    "set_aside_codes",
                    "scheme:code items separated by ';', such as nace:34",
                    item,
                    "not a set-aside code",
                )
                continue
            if code.strip() not in aside.get(scheme, []):
                aside.setdefault(scheme, []).append(code.strip())
                self.report.set_aside.append(
                    SetAside(
                        row=n, scheme=scheme, code=code.strip(), reason="set aside in the file"
                    )
                )
        return codes, tags, aside
