"""Reading workbooks (Excel ``.xlsx``/``.xls``, OpenDocument ``.ods``) with calamine: the sheet
found by name or position, its size checked before pandas reads it."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ValidationError, format_examples
from ._limits import Limits, _check_zip, _unreadable
from ._values import _NA_VALUES


def _read_excel(
    p: Path, sheet: str | int | None, labels: list[str], value: str, limits: Limits
) -> tuple[pd.DataFrame, str]:
    _check_zip(p, limits)
    try:
        book = pd.ExcelFile(p, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for a broken workbook
        raise _unreadable(p, "a spreadsheet", exc) from None
    with book:
        names = [str(s) for s in book.sheet_names]
        if not names:
            raise ValidationError(
                "the workbook has no sheets", where=f"file '{p.name}'", found="no sheets"
            )
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ValidationError(
                    "the sheet is not in the workbook",
                    where=f"file '{p.name}'",
                    expected=f"a sheet number from 0 to {len(names) - 1}",
                    found=str(sheet),
                    fix=f"name one of the sheets {format_examples(names, limit=10)}",
                )
            sheet_name = names[sheet]
        elif str(sheet) in names:
            sheet_name = str(sheet)
        else:
            by_case = [n for n in names if n.lower() == str(sheet).lower()]
            close = by_case or difflib.get_close_matches(str(sheet), names, n=1, cutoff=0.5)
            raise ValidationError(
                f"the sheet '{sheet}' is not in the workbook",
                where=f"file '{p.name}'",
                expected=f"one of the sheets {format_examples(names, limit=10)}",
                found=repr(str(sheet)),
                fix=(f"did you mean '{close[0]}'? " if close else "")
                + "name a sheet that exists (sheet names are case-sensitive)",
            )
        _check_sheet(p, book, sheet_name, limits)
        try:
            head = book.parse(sheet_name, nrows=0)
            header = [str(c) for c in head.columns]
            present = [c for c in labels if c in header]
            na_values: dict[str, list[str]] = {c: [""] for c in present}
            if value in header and value not in present:
                na_values[value] = _NA_VALUES
            frame = book.parse(
                sheet_name,
                dtype=dict.fromkeys(present, str),
                keep_default_na=False,
                na_values=na_values,
            )
        except Exception as exc:
            raise _unreadable(p, f"a spreadsheet (sheet '{sheet_name}')", exc) from None
    return frame, sheet_name


def _check_sheet(p: Path, book: pd.ExcelFile, sheet_name: str, limits: Limits) -> None:
    """Refuse a sheet larger than the limits once calamine has loaded it, before pandas reads it.

    The loaded sheet is kept for pandas' reads of the same book, so that it is loaded once.
    """
    reader = getattr(book, "_reader", None)
    try:
        loaded = book.book.get_sheet_by_name(sheet_name)
    except Exception as exc:
        raise _unreadable(p, f"a spreadsheet (sheet '{sheet_name}')", exc) from None
    end = loaded.end
    if end is not None:
        n_rows, n_cols = end[0] + 1, end[1] + 1
        found = f"sheet '{sheet_name}': {n_rows:,} rows of {n_cols:,} columns"
        limits.rows(p, found, n_rows=n_rows - 1)
        limits.cells(p, found, n_cells=n_rows * n_cols)
    if reader is not None and hasattr(reader, "get_sheet_by_name"):
        load = reader.get_sheet_by_name

        def cached(name: str) -> Any:
            return loaded if name == sheet_name else load(name)

        reader.get_sheet_by_name = cached
