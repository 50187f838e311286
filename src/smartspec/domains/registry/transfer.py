"""Importing and exporting declared priorities as spreadsheets (CSV or Excel).

The layout follows the EU S3 Platform's Eye@RIS3 records: **one row per priority**, the region
and its strategy repeated on each row, codes in semicolon-separated cells (``28; 27.1``). The
columns are :data:`LAYOUT_COLUMNS`; only ``region_code``, ``strategy_period`` and
``priority_title`` are required, the others may be left out or empty, and any order is fine.
``docs/registry.md`` describes each column; ``docs/examples/priorities-example.csv`` is an
example.

Reading is bounded and never runs anything:

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
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from xml.etree import ElementTree

from ...core.errors import ValidationError
from ...io._limits import Limits, _check_zip
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
    _cell_text,
    _escape,
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


def _too_large(name: str, expected: str, found: str) -> ValidationError:
    return ValidationError(
        "the file is too large to import",
        where=f"file '{name}'",
        expected=expected,
        found=found,
        fix="split the file into several smaller ones",
    )


def _load(path_or_bytes: str | Path | bytes, filename: str, max_bytes: int) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray):
        data = bytes(path_or_bytes)
    else:
        p = Path(path_or_bytes)
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise ValidationError(
                "the file cannot be read",
                where=f"file '{filename}'",
                expected="a readable file",
                found=f"{type(exc).__name__}: {exc}",
            ) from None
        if size > max_bytes:
            raise _too_large(filename, f"at most {max_bytes:,} bytes", f"{size:,} bytes")
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise _too_large(filename, f"at most {max_bytes:,} bytes", f"{len(data):,} bytes")
    if not data.strip():
        raise ValidationError(
            "the file is empty",
            where=f"file '{filename}'",
            expected=EXPECTED_COLUMNS,
            found="no content",
        )
    return data


def _format(data: bytes, filename: str) -> Literal["csv", "xlsx"]:
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ValidationError(
            "the file is not an Excel workbook (.xlsx)",
            where=f"file '{filename}'",
            expected="an .xlsx workbook or a CSV file",
            found="content that is not a zip archive (an old .xls, or a broken file)",
            fix="save the sheet as .xlsx or as 'CSV UTF-8'",
        )
    return "csv"


def _csv_rows(data: bytes, filename: str) -> list[list[str]]:
    from ...io._csv import _encoding

    encoding = _encoding(data[:65536], Path(filename))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "the file's text cannot be read",
            where=f"file '{filename}'",
            expected="text in UTF-8",
            found=f"bytes that are not {encoding} at byte {exc.start}",
            fix="save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8)",
        ) from None
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[list[str]] = []
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(limit, 4 * MAX_CELL))
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(record)
            if len(rows) > MAX_ROWS + 1:
                raise _too_large(
                    filename, f"at most {MAX_ROWS:,} priority rows", f"more than {MAX_ROWS:,}"
                )
    except csv.Error as exc:
        raise ValidationError(
            "the file cannot be read as CSV",
            where=f"file '{filename}', line {len(rows) + 1}",
            expected=f"fields separated by {delimiter!r}, text with quotes in double quotes",
            found=str(exc),
        ) from None
    finally:
        csv.field_size_limit(limit)
    return [[_cell_text(c) for c in r] for r in rows]


def _xml(part: bytes) -> bytes:
    """An XML part of a workbook, refused when it declares a DOCTYPE (entities: never needed)."""
    if b"<!DOCTYPE" in part[:4096].upper():
        raise ValueError("a workbook part declares a DOCTYPE")
    return part


def _first_sheet_part(book: zipfile.ZipFile) -> str | None:
    """The zip path of a workbook's first sheet (``xl/worksheets/sheet1.xml``), if found."""
    try:
        workbook = ElementTree.fromstring(_xml(book.read("xl/workbook.xml")))
        rels = ElementTree.fromstring(_xml(book.read("xl/_rels/workbook.xml.rels")))
    except (KeyError, ElementTree.ParseError):
        return None
    sheet = next((e for e in workbook.iter() if e.tag.endswith("}sheet")), None)
    if sheet is None:
        return None
    rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
    for rel in rels.iter():
        if rel.get("Id") == rid and rel.get("Target"):
            target = str(rel.get("Target"))
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _formula_cells(data: bytes) -> list[tuple[int, int]]:
    """(row, column) of the first sheet's formula cells, both 1-based.

    The sheet's XML is parsed as a stream (its size already held to the limits by the zip
    check), with Python's expat parser, which expands no external entity; a part declaring a
    DOCTYPE is refused.
    """
    found: list[tuple[int, int]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        part = _first_sheet_part(book)
        if part is None or part not in book.namelist():
            return found
        parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
            events=("start", "end")
        )
        ref = ""
        first = True
        with book.open(part) as fh:
            while chunk := fh.read(1 << 20):
                parser.feed(_xml(chunk) if first else chunk)
                first = False
                for pair in parser.read_events():
                    event, item = pair[0], pair[-1]
                    if not isinstance(item, ElementTree.Element):
                        continue
                    elem = item
                    tag = elem.tag.rsplit("}", 1)[-1]
                    if event == "start" and tag == "c":
                        ref = str(elem.get("r") or "")
                    elif event == "start" and tag == "f":
                        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
                        if m:
                            col = 0
                            for ch in m.group(1):
                                col = col * 26 + ord(ch) - 64
                            found.append((int(m.group(2)), col))
                    elif event == "end" and tag == "row":
                        elem.clear()
        parser.close()
    return found


def _xlsx_rows(data: bytes, filename: str) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """The first sheet's rows as text (from row 1 of the sheet) and its formula cells."""
    import tempfile

    from python_calamine import CalamineWorkbook

    tmp_name = Path(filename).name or "upload.xlsx"
    limits = Limits.of(max_rows=MAX_ROWS, max_cells=MAX_ROWS * 2 * len(LAYOUT_COLUMNS))
    # the project's zip-bomb check reads a path: the bytes go to a private temporary folder
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / tmp_name
        p.write_bytes(data)
        try:
            _check_zip(p, limits)
        except ValidationError as exc:
            raise ValidationError(
                exc.problem,
                where=f"file '{filename}'",
                expected=exc.expected,
                found=exc.found,
                fix=exc.fix,
            ) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise ValueError("the workbook has no sheets")
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        formulas = _formula_cells(data)
    except ValidationError:
        raise
    except Exception as exc:  # calamine and the zip reader raise their own error types
        raise ValidationError(
            "the file cannot be read as an Excel workbook",
            where=f"file '{filename}'",
            expected="a readable .xlsx workbook",
            found=f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}",
            fix="check that the file is complete, or save the sheet as 'CSV UTF-8'",
        ) from None
    return [[_cell_text(c) for c in r] for r in rows], formulas


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
    data = _load(path_or_bytes, filename, max_bytes)
    fmt = _format(data, filename)
    formulas: list[tuple[int, int]] = []
    if fmt == "xlsx":
        rows, formulas = _xlsx_rows(data, filename)
    else:
        rows = _csv_rows(data, filename)
    if len(rows) > MAX_ROWS + 1:
        raise _too_large(filename, f"at most {MAX_ROWS:,} priority rows", f"{len(rows) - 1:,}")
    reader = RowReader(filename, fmt, invalid_codes, language)
    return reader.read(rows, formulas)


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
    if report.problems and not dry_run:
        first = report.problems[0]
        error = ValidationError(
            f"the file has {len(report.problems)} problem(s): nothing was imported",
            where=f"file '{name}', row {first.row}"
            + (f", column {first.column}" if first.column else ""),
            expected=first.expected,
            found=f"{first.found} ({first.message})",
            fix="correct the rows the report lists and import the file again",
            code="invalid.import",
        )
        error.report = report  # type: ignore[attr-defined]
        raise error
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
        rows.append([_escape(values[c]) for c in LAYOUT_COLUMNS])
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
