"""Read long region x activity tables (CSV, TSV, Parquet, Excel) into an :class:`ActivityMatrix`.

Every problem with a file (missing, unreadable, unknown format, missing sheet or column, bad
values) is raised as a :class:`~smartspec.core.errors.ValidationError` that names the file, the
column and the line or row, never as a pandas or pyarrow traceback.

Label columns (region, activity) are read as text, so that codes such as ``"01"`` or ``"NA"``
(Namibia) keep their exact spelling; a period column becomes integers when every period is a
plain integer (``2013``), text otherwise (``"2013Q1"``).

Values are written with a decimal point (``1234.5``) unless ``decimal=","`` is given, for the
decimal comma of Spanish and most European spreadsheets (see :data:`DECIMALS` for the rule).

This module holds the public functions; the pieces they use live in private modules of
:mod:`smartspec.io`: ``_limits`` (how large a file may be, and the streaming checks against
hostile files), ``_csv`` (delimited text: encoding, delimiter), ``_spreadsheet`` (workbooks),
``_values`` (missing-value markers, decimal commas) and ``_labels`` (label and period columns).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import pandas as pd

from ..core._validate import TableCheck
from ..core.errors import ValidationError, format_examples
from ..core.matrix import ActivityMatrix, Duplicates
from ._csv import _read_csv
from ._labels import _as_labels, _as_periods
from ._limits import (
    MAX_CELLS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    Limits,
    _mb,
    _too_large,
    _unreadable,
)
from ._spreadsheet import _read_excel
from ._values import (
    DECIMAL_COMMA_FIX,
    DECIMALS,
    _check_decimal,
    _decimal_comma_values,
    _decimal_hint,
)

__all__ = [
    "DECIMALS",
    "DECIMAL_COMMA_FIX",
    "FORMATS",
    "MAX_CELLS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "Limits",
    "read_population",
    "read_table",
]

Format = Literal["csv", "tsv", "parquet", "excel"]

#: The formats :func:`read_table` understands, and the file name endings that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".txt", ".txt.gz"),
    "tsv": (".tsv", ".tsv.gz", ".tab"),
    "parquet": (".parquet", ".pq", ".parq"),
    "excel": (".xlsx", ".xlsm", ".xls", ".ods"),
}


# ---------------------------------------------------------------------------------------- helpers
def _path(path: str | Path) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        parent = p.parent if str(p.parent) else Path(".")
        close: list[str] = []
        if parent.is_dir():
            close = difflib.get_close_matches(p.name, [c.name for c in parent.iterdir()], n=3)
        raise ValidationError(
            "the file does not exist",
            where=f"file '{p}'",
            expected="the path of an existing CSV, TSV, Parquet or Excel file",
            found=f"no file at '{p}'",
            fix=(f"did you mean {format_examples(close)}? " if close else "")
            + "check the path and the current directory",
        )
    if not p.is_file():
        raise ValidationError(
            "the path is not a file",
            where=f"file '{p}'",
            expected="a CSV, TSV, Parquet or Excel file",
            found="a directory" if p.is_dir() else "not a regular file",
            fix="name the data file itself",
        )
    return p


def _format(p: Path, format: str | None) -> str:
    if format is not None:
        fmt = str(format).lower().lstrip(".")
        aliases = {"xlsx": "excel", "xls": "excel", "ods": "excel", "pq": "parquet", "txt": "csv"}
        fmt = aliases.get(fmt, fmt)
        if fmt not in FORMATS:
            raise ValidationError(
                "unknown file format",
                where=f"file '{p.name}'",
                expected=f"one of {', '.join(FORMATS)}",
                found=repr(format),
            )
        return fmt
    name = p.name.lower()
    for fmt, endings in FORMATS.items():
        if name.endswith(endings):
            return fmt
    known = ", ".join(e for endings in FORMATS.values() for e in endings)
    raise ValidationError(
        "cannot tell the file format from the file name",
        where=f"file '{p.name}'",
        expected=f"a name ending in one of {known}",
        found=f"'{''.join(p.suffixes) or 'no extension'}'",
        fix="rename the file, or give the format explicitly (format='csv', 'tsv', 'parquet' "
        "or 'excel'; --input-format on the command line)",
    )


def _label_columns(region: str | None, activity: str | None, period: str | None) -> list[str]:
    return [c for c in (region, activity, period) if c is not None]


def _read_parquet(p: Path, limits: Limits) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(p).metadata
    except Exception as exc:  # pyarrow raises many unrelated types for a broken file
        raise _unreadable(p, "Parquet", exc) from None
    found = f"{meta.num_rows:,} rows of {meta.num_columns} columns"
    limits.rows(p, found, n_rows=meta.num_rows)
    limits.cells(p, found, n_cells=meta.num_rows * meta.num_columns)
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > limits.max_uncompressed:
        raise _too_large(
            p,
            "the data expand to too many bytes",
            f"at most {_mb(limits.max_uncompressed)} of uncompressed column data",
            f"{_mb(size)} of column data in {_mb(p.stat().st_size)} on disk",
        )
    try:
        return pq.read_table(p).to_pandas()
    except Exception as exc:  # pyarrow raises many unrelated types for a broken file
        raise _unreadable(p, "Parquet", exc) from None


def _load(
    path: str | Path,
    *,
    labels: list[str],
    value: str,
    sheet: str | int | None,
    format: str | None,
    limits: Limits | None = None,
    decimal: str = ".",
) -> tuple[pd.DataFrame, str, int, str]:
    """Read the raw frame; return it with its source name, first data row number and row word.

    ``limits`` (the module's defaults when None) bound the rows, cells and decompressed bytes.
    With ``decimal=","`` a text file's value column is read as text, for
    :func:`_decimal_comma_values` to parse.
    """
    limits = limits or Limits.of()
    decimal = _check_decimal(decimal)
    p = _path(path)
    fmt = _format(p, format)
    if sheet is not None and fmt != "excel":
        raise ValidationError(
            "a sheet was named for a file that has no sheets",
            where=f"file '{p.name}'",
            expected="an Excel or OpenDocument workbook (.xlsx, .xls, .ods) when a sheet is named",
            found=f"a {fmt.upper()} file",
            fix="leave out the sheet",
        )
    if fmt in ("csv", "tsv"):
        frame = _read_csv(p, fmt, labels, value, limits, decimal=decimal)
        source, first_row, row_word = p.name, 2, "line"
    elif fmt == "parquet":
        frame = _read_parquet(p, limits)
        source, first_row, row_word = p.name, 1, "row"
    else:
        frame, sheet_name = _read_excel(p, sheet, labels, value, limits)
        source, first_row, row_word = f"{p.name}[{sheet_name}]", 2, "row"
    frame.columns = [str(c).strip() if isinstance(c, str) else str(c) for c in frame.columns]
    return frame, source, first_row, row_word


# ---------------------------------------------------------------------------------------- public
def read_table(
    path: str | Path,
    *,
    region: str,
    activity: str,
    value: str,
    period: str | None = None,
    duplicates: Duplicates = "error",
    sheet: str | int | None = None,
    format: Format | str | None = None,
    max_rows: int | None = None,
    max_cells: int | None = None,
    max_uncompressed: int | None = None,
    max_ratio: float | None = None,
    decimal: str = ".",
    missing: str = "error",
) -> ActivityMatrix:
    """Read a long table (one row per region, activity and period) from a file.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV (``.csv``, ``.csv.gz``, ``.txt``; comma, semicolon, tab or pipe separated, found
        from the header line), TSV (``.tsv``), Parquet (``.parquet``) or Excel / OpenDocument
        (``.xlsx``, ``.xls``, ``.ods``) file with a header row.
    region, activity, value : str
        Names of the columns that hold the region label, the activity label and the value.
    period : str, optional
        Name of the period column. Without it the whole file is one period, ``"all"``.
    duplicates : {"error", "sum", "mean", "max", "min", "first", "last"}
        What to do with rows that repeat a (region, activity, period) key.
    sheet : str or int, optional
        Sheet name (or 0-based position) of a workbook; the first sheet by default.
    format : {"csv", "tsv", "parquet", "excel"}, optional
        The file format, when the file name does not say it.
    max_rows, max_cells : int, optional
        Most data rows (default :data:`MAX_ROWS`, 5,000,000) and cells, rows x columns (default
        :data:`MAX_CELLS`, 50,000,000), the file may hold.
    max_uncompressed : int, optional
        Most bytes a workbook's parts or a ``.gz`` text may expand to (default
        :data:`MAX_UNCOMPRESSED`, 500 MB).
    max_ratio : float, optional
        Highest expansion ratio of a workbook's large XML parts (default :data:`MAX_RATIO`,
        100). A workbook is checked by the sizes its zip declares, then by streaming its
        worksheets, before any of it is parsed; a text file as it is read.
    decimal : {".", ","}
        The decimal separator of the values: ``"."`` (``1234.5``, the default) or ``","``
        (``1234,5`` or ``1.234,5``, as Spanish and most European spreadsheets write them; a
        point is then only allowed between groups of three digits, so ``1.234`` is 1234 and
        ``1.5`` is refused, see :data:`DECIMALS`). Excel's numeric cells are numbers whatever
        the setting; its text cells follow it.
    missing : {"error", "flag"}
        What an empty value cell means: an error (default), or a value suppressed or
        confidential in the source (``"flag"``), kept as a missing cell, never read as zero
        (see :attr:`smartspec.ActivityMatrix.missing`). Write suppression markers such as
        ``:`` or ``c`` as empty cells first.

    Returns
    -------
    ActivityMatrix
        With ``source`` set to the file name (and sheet, as ``book.xlsx[Sheet]``).

    Raises
    ------
    ValidationError
        For a missing or unreadable file, an unknown format, a file larger than the limits, a
        missing sheet or column, and any bad value; the message names the file, column and
        line (text files, counting the header as line 1) or row (workbooks, as numbered in the
        spreadsheet; Parquet, from 1). Values that are not numbers but look like numbers with a
        decimal comma (``12,5``) get the hint to give ``decimal=","``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "jobs.csv").write_text("nuts;nace;jobs\\nAT11;01;5\\nAT11;02;1\\nAT12;01;7\\n")
    >>> m = read_table(d / "jobs.csv", region="nuts", activity="nace", value="jobs")
    >>> list(m.activities)
    ['01', '02']
    >>> es = "nuts;nace;empleo\\nES30;01;1.234,5\\nES30;02;0,5\\nES51;01;7\\n"
    >>> _ = (d / "es.csv").write_text(es)
    >>> read_table(d / "es.csv", region="nuts", activity="nace", value="empleo",
    ...            decimal=",").to_long()["value"].tolist()
    [1234.5, 0.5, 7.0]
    """
    labels = _label_columns(region, activity, period)
    limits = Limits.of(max_rows, max_cells, max_uncompressed, max_ratio)
    frame, source, first_row, row_word = _load(
        path,
        labels=labels,
        value=value,
        sheet=sheet,
        format=format,
        limits=limits,
        decimal=decimal,
    )
    if decimal == ",":
        _decimal_comma_values(
            frame, value, source=source, first_row=first_row, row_word=row_word, noun="values"
        )
    for col in (region, activity):
        if col in frame.columns:
            frame[col] = _as_labels(frame[col], categorical=True)
    if period is not None and period in frame.columns:
        frame[period] = _as_periods(frame[period], categorical=True)
    try:
        m = ActivityMatrix.from_long(
            frame,
            region=region,
            activity=activity,
            value=value,
            period=period,
            duplicates=duplicates,
            source=source,
            first_row=first_row,
            row_word=row_word,
            missing=missing,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        hinted = _decimal_hint(exc, frame, value) if decimal == "." else None
        if hinted is None:
            raise
        raise hinted from None
    return m


def read_population(
    path: str | Path,
    *,
    region: str,
    value: str,
    period: str | None = None,
    sheet: str | int | None = None,
    format: Format | str | None = None,
    decimal: str = ".",
) -> pd.Series:
    """Read region populations (for population-based presence, ``presence="rpop"``).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV, TSV, Parquet or Excel file, as for :func:`read_table`.
    region, value : str
        Names of the region column and the population column.
    period : str, optional
        Name of the period column, when populations differ by period.
    sheet : str or int, optional
        Sheet of a workbook.
    format : {"csv", "tsv", "parquet", "excel"}, optional
        The file format, when the file name does not say it.
    decimal : {".", ","}
        The decimal separator of the populations, as for :func:`read_table`.

    Returns
    -------
    pandas.Series
        Named ``"population"``, indexed by region (``"region"``), or by a ``(period, region)``
        MultiIndex when ``period`` is given.

    Raises
    ------
    ValidationError
        For a missing or unreadable file, a missing column, missing labels, repeated regions, and
        values that are not positive numbers; the message names the file, column and line.
    """
    labels = _label_columns(region, None, period)
    frame, source, first_row, row_word = _load(
        path, labels=labels, value=value, sheet=sheet, format=format, decimal=decimal
    )
    if decimal == ",":
        _decimal_comma_values(
            frame, value, source=source, first_row=first_row, row_word=row_word, noun="populations"
        )
    check = TableCheck(frame, source=source, first_row=first_row, row_word=row_word)
    roles = {"region": region, "population": value}
    if period is not None:
        roles["period"] = period
    check.columns(roles)
    check.not_empty("one row per region")
    keys: dict[str, pd.Series] = {}
    if period is not None:
        keys["period"] = _as_periods(frame[period])
        check.labels(period, keys["period"])
    keys["region"] = _as_labels(frame[region])
    check.labels(region, keys["region"])
    try:
        values = check.numbers(
            value,
            noun="populations",
            strict=True,
            expected="positive numbers (residents)",
            fix_range="correct the values; leave out regions without residents",
        )
    except ValidationError as exc:
        hinted = _decimal_hint(exc, frame, value) if decimal == "." else None
        if hinted is None:
            raise
        raise hinted from None
    key_frame = pd.DataFrame({k: v.to_numpy() for k, v in keys.items()})
    check.unique_keys(
        key_frame,
        what="a region" + (" of the same period" if period is not None else ""),
        fix="remove the repeated rows"
        + ("" if period is not None else ", or name the period column"),
    )
    if period is not None:
        index = pd.MultiIndex.from_arrays(
            [key_frame["period"], key_frame["region"]], names=["period", "region"]
        )
    else:
        index = pd.Index(key_frame["region"], name="region")
    return pd.Series(values, index=index, name="population")
