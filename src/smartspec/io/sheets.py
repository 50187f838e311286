"""Spreadsheets a person uploads (CSV or Excel ``.xlsx``), read as rows of text, bounded and
never run; and cell text written back with formula injection neutralised.

What the import forms and commands of the platform's registries share (priorities,
organisations): :func:`read_sheet` gives a file's rows as text, the header first, with its
formula cells, and refuses a file that cannot be read at all with a clear error:

- size: at most ``max_bytes`` bytes, ``max_rows`` data rows, ``max_cell`` characters a CSV
  field; a workbook whose parts expand too much (a zip bomb) is refused before it is parsed,
  as :func:`smartspec.io.read_table` does;
- CSV: UTF-8 (a byte-order mark is fine; UTF-16 and Windows-1252 are recognised too), the
  delimiter ``,`` or ``;`` found from the header line;
- Excel (``.xlsx``): the first sheet, read with calamine. Formula cells are *reported*
  (row, column), never evaluated; the caller decides (the registries refuse them: a formula's
  cached result could differ from what it would give now). XML parts declaring a DOCTYPE are
  refused.

Writing: :func:`escape_cell` puts a ``'`` in front of text that starts with ``= + - @``, a tab or
a carriage return, reversibly (:func:`unescape_cell` takes it off again; text that already
starts with ``'`` followed by one of those or by another ``'`` gets one more), so that an export
imports back exactly.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

from ..core.errors import ValidationError
from ._limits import Limits, _check_zip
from ._safe_text import FORMULA_PREFIXES

__all__ = ["Sheet", "cell_text", "escape_cell", "read_sheet", "too_large", "unescape_cell"]


@dataclass(frozen=True)
class Sheet:
    """A file's rows as text (the header first), its format and its formula cells
    (``(row, column)``, 1-based, as the spreadsheet shows them)."""

    format: Literal["csv", "xlsx"]
    rows: list[list[str]]
    formulas: list[tuple[int, int]]


def read_sheet(
    source: str | Path | bytes,
    filename: str,
    *,
    max_bytes: int,
    max_rows: int,
    max_cell: int,
    max_columns: int,
    expected: str,
) -> Sheet:
    """Read an uploaded CSV or ``.xlsx`` file as rows of text, bounded (see the module).

    Parameters
    ----------
    source : str, Path or bytes
        The file, or its content.
    filename : str
        Its name, for the format and the messages.
    max_bytes, max_rows, max_cell, max_columns : int
        The bounds: file size, data rows, characters of a CSV field, columns a row may hold
        (with ``max_rows``, the cells a workbook may declare).
    expected : str
        What the file should hold, said when it is empty.

    Raises
    ------
    ValidationError
        A file that cannot be read at all: too large, empty, not CSV or ``.xlsx``, a zip bomb,
        more than ``max_rows`` rows, text that is not UTF-8.

    Examples
    --------
    >>> sheet = read_sheet(b"name;city\\nUNAM;=1+1\\n", "orgs.csv", max_bytes=1000,
    ...                    max_rows=10, max_cell=100, max_columns=5, expected="a header")
    >>> sheet.format, sheet.rows
    ('csv', [['name', 'city'], ['UNAM', '=1+1']])
    """
    data = _load(source, filename, max_bytes, expected)
    fmt = _format(data, filename)
    formulas: list[tuple[int, int]] = []
    if fmt == "xlsx":
        rows, formulas = _xlsx_rows(data, filename, max_rows, max_columns)
    else:
        rows = _csv_rows(data, filename, max_rows, max_cell)
    if len(rows) > max_rows + 1:
        raise too_large(filename, f"at most {max_rows:,} rows", f"{len(rows) - 1:,}")
    return Sheet(fmt, rows, formulas)


def escape_cell(text: str) -> str:
    """Text as written to a file: formula-like text quoted, reversibly (see the module)."""
    if text.startswith(FORMULA_PREFIXES) or (
        text.startswith("'") and text[1:].startswith((*FORMULA_PREFIXES, "'"))
    ):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The reverse of :func:`escape_cell`."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_PREFIXES, "'")):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A cell's value as text: whole numbers without ``.0``, newlines as ``\\n``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def too_large(name: str, expected: str, found: str) -> ValidationError:
    """The refusal of a file over one of the bounds."""
    return ValidationError(
        "the file is too large to import",
        where=f"file '{name}'",
        expected=expected,
        found=found,
        fix="split the file into several smaller ones",
    )


def _load(path_or_bytes: str | Path | bytes, filename: str, max_bytes: int, expected: str) -> bytes:
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
            raise too_large(filename, f"at most {max_bytes:,} bytes", f"{size:,} bytes")
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise too_large(filename, f"at most {max_bytes:,} bytes", f"{len(data):,} bytes")
    if not data.strip():
        raise ValidationError(
            "the file is empty",
            where=f"file '{filename}'",
            expected=expected,
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


def _csv_rows(data: bytes, filename: str, max_rows: int, max_cell: int) -> list[list[str]]:
    from ._csv import _encoding

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
        csv.field_size_limit(max(limit, 4 * max_cell))
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(record)
            if len(rows) > max_rows + 1:
                raise too_large(filename, f"at most {max_rows:,} rows", f"more than {max_rows:,}")
    except csv.Error as exc:
        raise ValidationError(
            "the file cannot be read as CSV",
            where=f"file '{filename}', line {len(rows) + 1}",
            expected=f"fields separated by {delimiter!r}, text with quotes in double quotes",
            found=str(exc),
        ) from None
    finally:
        csv.field_size_limit(limit)
    return [[cell_text(c) for c in r] for r in rows]


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


def _xlsx_rows(
    data: bytes, filename: str, max_rows: int, max_columns: int
) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """The first sheet's rows as text (from row 1 of the sheet) and its formula cells."""
    import tempfile

    from python_calamine import CalamineWorkbook

    tmp_name = Path(filename).name or "upload.xlsx"
    limits = Limits.of(max_rows=max_rows, max_cells=max_rows * max_columns)
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
    return [[cell_text(c) for c in r] for r in rows], formulas
