"""Importing and exporting declared priorities as spreadsheets (CSV or Excel).

The layout follows the EU S3 Platform's Eye@RIS3 records: **one row per priority**, the region
and its strategy repeated on each row, codes in semicolon-separated cells (``28; 27.1``). The
columns are :data:`LAYOUT_COLUMNS`; only ``region_code``, ``strategy_period`` and
``priority_title`` are required, the others may be left out or empty, and any order is fine.
``docs/registry.md`` describes each column; ``docs/examples/priorities-example.csv`` is an
example.

Reading is bounded and never runs anything (:func:`smartspec.io.sheets.read_sheet`):

- size: at most ``max_bytes`` bytes (default :data:`MAX_BYTES`), :data:`MAX_ROWS` data rows,
  :data:`MAX_CELL` characters a cell; a workbook whose parts expand too much (a zip bomb) is
  refused before it is parsed, as :func:`smartspec.io.read_table` does;
- CSV: UTF-8 (a byte-order mark is fine; UTF-16 and Windows-1252 are recognised too), the
  delimiter ``,`` or ``;`` found from the header line;
- Excel (``.xlsx``): the first sheet, read with calamine. **A formula cell is a problem**: its
  formula is never evaluated and its cached result is not taken (it could differ from what the
  formula would give now); the report names the cell and asks for the value itself. Text that
  merely looks like a formula (``=1+1`` typed as text) is text, stored as written.

Every problem of every row is reported at once (:class:`ImportReport`): its row as the
spreadsheet shows it (the header is row 1, the first priority row 2), the column, what was
expected and what was found. An import stores nothing unless there is no problem at all.

Writing neutralises formula injection as every CSV and Excel file of smartspec does: text that
starts with ``= + - @``, a tab or a carriage return gets a ``'`` in front. To keep the round trip
exact, the reader takes such a quote off again (text written with a leading ``'`` that is
followed by one of those characters or by another ``'`` gets one more ``'`` on writing).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ...core.errors import ValidationError
from ...io.sheets import escape_cell, read_sheet
from .layout import (
    CODE_COLUMNS,
    EXPECTED_COLUMNS,
    LAYOUT_COLUMNS,
    MAX_BYTES,
    MAX_CELL,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportProblem,
    ImportReport,
    PriorityDraft,
    RowReader,
    SetAside,
    refuse_import,
)
from .nuts import region_info

if TYPE_CHECKING:
    from ..accounts.rules import Account

__all__ = [
    "CODE_COLUMNS",
    "LAYOUT_COLUMNS",
    "MAX_BYTES",
    "MAX_CELL",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "ImportProblem",
    "ImportReport",
    "PriorityDraft",
    "SetAside",
    "import_file",
    "read_priorities",
    "write_priorities",
]


class _Views(Protocol):
    """What :func:`write_priorities` reads of a priority (a ``PriorityView``)."""

    id: int
    version: int
    region: str
    region_name: str
    country: str | None
    period: str
    strategy_title: str
    title: str
    description: str
    language: str
    codes: dict[str, list[str]]
    tags: list[str]
    set_aside_codes: dict[str, list[str]]


# ---------------------------------------------------------------------------------- reading


def read_priorities(
    path_or_bytes: str | Path | bytes,
    *,
    filename: str | None = None,
    invalid_codes: Literal["refuse", "set-aside"] = "refuse",
    language: str = "en",
    max_bytes: int = MAX_BYTES,
) -> tuple[list[PriorityDraft], ImportReport]:
    """Read and check a priorities file (CSV or Excel) in the layout of :data:`LAYOUT_COLUMNS`.

    Parameters
    ----------
    path_or_bytes : str, Path or bytes
        The file, or its content.
    filename : str, optional
        The name shown in the report and used to tell the format (``.xlsx``; else the
        content: a zip is a workbook, anything else CSV). Defaults to the path's name.
    invalid_codes : {"refuse", "set-aside"}
        What an unknown code is: a problem of its row (``"refuse"``), or kept aside on the
        priority (``set_aside_codes``) and listed in the report's ``set_aside``.
    language : str
        The ISO 639-1 code given to rows whose ``language`` cell is empty.
    max_bytes : int
        Largest file accepted, in bytes.

    Returns
    -------
    drafts : list of PriorityDraft
        The rows without a problem, in file order.
    report : ImportReport
        Rows read and valid, every problem (row, column, expected, found), codes set aside.

    Raises
    ------
    ValidationError
        For a file that cannot be read at all: too large, empty, not CSV or ``.xlsx``, a zip
        bomb, more than :data:`MAX_ROWS` rows.
    """
    if filename is None:
        filename = "upload" if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).name
    sheet = read_sheet(
        path_or_bytes,
        filename,
        max_bytes=max_bytes,
        max_rows=MAX_ROWS,
        max_cell=MAX_CELL,
        max_columns=2 * len(LAYOUT_COLUMNS),
        expected=EXPECTED_COLUMNS,
    )
    reader = RowReader(filename, sheet.format, invalid_codes, language)
    return reader.read(sheet.rows, sheet.formulas)


# ---------------------------------------------------------------------------------- importing


def import_file(
    registry: Any,
    actor: Account | None,
    path: str | Path | bytes,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    invalid_codes: Literal["refuse", "set-aside"] = "refuse",
    max_bytes: int = MAX_BYTES,
) -> ImportReport:
    """Import a priorities file: all of it, or nothing.

    The file is read and checked (:func:`read_priorities`). With no problem, its priorities are
    stored in one transaction by ``registry.store_drafts(actor, drafts, source=filename)``,
    which also checks that ``actor`` may edit each region. A dry run stores nothing.

    Parameters
    ----------
    registry : Registry
        The registry service (:class:`smartspec.domains.registry.service.Registry`).
    actor : Account or None
        Who imports.
    path : str, Path or bytes
        The file, or its content (then give ``filename``).
    filename : str, optional
        The name recorded as the import's source and shown in the report.
    dry_run : bool
        Check only, and return the report, problems or not.
    invalid_codes : {"refuse", "set-aside"}
        See :func:`read_priorities`.
    max_bytes : int
        Largest file accepted.

    Returns
    -------
    ImportReport
        With ``stored`` the number of priorities stored (0 for a dry run).

    Raises
    ------
    ValidationError
        ``code="invalid.import"`` when the file has problems (not for a dry run); its
        ``report`` attribute is the :class:`ImportReport`. Also for an unreadable file.
    """
    name = filename or ("upload" if isinstance(path, bytes) else Path(path).name)
    drafts, report = read_priorities(
        path, filename=name, invalid_codes=invalid_codes, max_bytes=max_bytes
    )
    report.dry_run = dry_run
    for problem in registry.check_drafts(drafts):  # rows naming stored priorities
        report.problems.append(ImportProblem(**problem))
    report.valid = max(0, report.rows - len({p.row for p in report.problems if p.row > 1}))
    if not dry_run:
        refuse_import(report, name)
    if dry_run or not drafts:
        return report
    stored = registry.store_drafts(actor, drafts, source=name)
    report.stored = len(stored)
    return report


# ---------------------------------------------------------------------------------- writing


def _region_value(regions: Mapping[str, Any] | None, code: str, attr: str) -> str:
    region = regions.get(code) if regions else None
    if region is None:
        info = region_info(code)
        if info is None:
            return ""
        value: Any = info.level_name if attr == "level" else getattr(info, attr)
    else:
        value = getattr(region, attr, None)
    return "" if value is None else str(value)


def _strategy_value(strategies: Mapping[int, Any] | None, sid: Any, attr: str) -> str:
    strategy = strategies.get(sid) if strategies and sid is not None else None
    value = getattr(strategy, attr, None) if strategy is not None else None
    return "" if value is None else str(value)


def write_priorities(
    items: Sequence[_Views],
    format: Literal["csv", "xlsx"] = "csv",
    *,
    strategies: Mapping[int, Any] | None = None,
    regions: Mapping[str, Any] | None = None,
) -> bytes:
    """Priorities as a file in the import layout (:data:`LAYOUT_COLUMNS`), one row each.

    Parameters
    ----------
    items : sequence of PriorityView
        The priorities.
    format : {"csv", "xlsx"}
        CSV: UTF-8 with a byte-order mark (so that Excel reads the accents), ``,``-separated,
        ``\\n`` line ends. Excel: one sheet ``priorities``, every cell text.
    strategies : mapping of int to StrategyView, optional
        By strategy id, for the ``strategy_source`` and ``strategy_url`` columns (empty
        without).
    regions : mapping of str to RegionView, optional
        By region code, for ``region_level`` and ``region_parent``; without, NUTS regions get
        them from the bundled NUTS list.

    Returns
    -------
    bytes
        The file. Formula-like text is quoted (see the module); reading the file back with
        :func:`read_priorities` gives the same priorities.
    """
    rows: list[list[str]] = []
    for p in items:
        sid = getattr(p, "strategy_id", None)
        aside = "; ".join(
            f"{scheme}:{code}" for scheme, codes in p.set_aside_codes.items() for code in codes
        )
        values = {
            "id": str(p.id),
            "version": str(p.version),
            "region_code": p.region,
            "region_name": p.region_name,
            "country": p.country or "",
            "region_level": _region_value(regions, p.region, "level"),
            "region_parent": _region_value(regions, p.region, "parent"),
            "strategy_period": p.period,
            "strategy_title": p.strategy_title,
            "strategy_source": _strategy_value(strategies, sid, "source"),
            "strategy_url": _strategy_value(strategies, sid, "url"),
            "priority_title": p.title,
            "description": p.description,
            "language": p.language,
            "tags": "; ".join(p.tags),
            "set_aside_codes": aside,
        }
        for column, scheme in CODE_COLUMNS.items():
            if scheme != "tag":
                values[column] = "; ".join(p.codes.get(scheme, []))
        rows.append([escape_cell(values[c]) for c in LAYOUT_COLUMNS])
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(LAYOUT_COLUMNS)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if format == "xlsx":
        import pandas as pd

        from ...io._xlsx import xlsx_bytes

        frame = pd.DataFrame(rows, columns=list(LAYOUT_COLUMNS), dtype=object)
        return xlsx_bytes(frame, sheet="priorities")
    raise ValidationError(
        "the export format is not known",
        expected="csv or xlsx",
        found=repr(format),
        code="invalid",
    )
