"""Tables as downloadable files: CSV, Excel (xlsx) and Parquet.

CSV and Excel files are neutralised against formula injection: text cells and column names
that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a single quote in front
(:func:`smartspec.io.writers.neutralise_formulas`, the rule of every CSV smartspec writes), and
Excel cells are written as the strings they are (never read as formulas, links or numbers).
Numbers are untouched. Parquet is a data format: it keeps every value exactly.
"""

from __future__ import annotations

import io

import pandas as pd
from fastapi.responses import Response

from smartspec.core.errors import ValidationError
from smartspec.io.writers import (
    FORMULA_PREFIXES,
    csv_quoting,
    mixed_types_as_text,
    neutralise_formulas,
    xlsx_bytes,
)

__all__ = ["FORMATS", "attachment", "download", "to_bytes"]

#: Download format -> (media type, file ending).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}

_EXCEL_ROWS = 1_048_575

#: Characters Excel refuses in a sheet name.
_SHEET_FORBIDDEN = frozenset("[]:*?/\\")


def _sheet_name(sheet: str) -> str:
    """``sheet`` as an Excel sheet name: at most 31 characters, none Excel refuses, and not
    starting with a formula character (:data:`FORMULA_PREFIXES`) or a quote (Excel refuses a
    leading ``'``, so such a first character becomes ``_``); ``data`` when nothing is left."""
    name = "".join("_" if c in _SHEET_FORBIDDEN or not c.isprintable() else c for c in sheet)
    if name.startswith((*FORMULA_PREFIXES, "'")):
        name = "_" + name[1:]
    name = name[:31]
    if name.endswith("'"):
        name = name[:-1] + "_"
    return name or "data"


def to_bytes(frame: pd.DataFrame, fmt: str, *, sheet: str = "data") -> bytes:
    """The table as a file in ``fmt`` (``csv``, ``xlsx`` or ``parquet``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is left out.
    fmt : {"csv", "xlsx", "parquet"}
        The file format. CSV and Excel have formula-like text quoted
        (:func:`smartspec.io.writers.neutralise_formulas`); Parquet keeps the values exactly.
    sheet : str
        The Excel sheet's name (made a valid, inert sheet name).

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    ValidationError
        For an Excel file of more rows than a sheet holds.
    """
    frame = mixed_types_as_text(frame.reset_index(drop=True))  # as Arrow and Excel need
    if fmt in ("csv", "xlsx"):
        frame = neutralise_formulas(frame)
    if fmt == "csv":
        text = frame.to_csv(index=False, lineterminator="\n", quoting=csv_quoting(frame))
        return text.encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "xlsx":
        if len(frame) > _EXCEL_ROWS:
            raise ValidationError(
                "the table is too long for an Excel sheet",
                expected=f"at most {_EXCEL_ROWS:,} rows",
                found=f"{len(frame):,} rows",
                fix="filter it (period=, region=, activity=) or download csv or parquet",
            )
        # written directly, whole columns at a time (pandas' to_excel: ten times slower)
        return xlsx_bytes(frame, sheet=_sheet_name(sheet))
    else:
        frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def download(frame: pd.DataFrame, fmt: str, filename: str, *, sheet: str = "data") -> Response:
    """A file response with ``Content-Disposition: attachment``."""
    return attachment(to_bytes(frame, fmt, sheet=sheet), fmt, filename)


def attachment(content: bytes, fmt: str, filename: str) -> Response:
    """The file ``content`` (in ``fmt``) as a response with ``Content-Disposition:
    attachment`` and ``filename`` made safe."""
    media, ending = FORMATS[fmt]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{safe}.{ending}"'},
    )
