"""Text cells made safe for the files they are written to.

Two rules, one place: :func:`neutralise_formulas` quotes text a spreadsheet would run as a
formula (every CSV and Excel file smartspec writes), and :func:`mixed_types_as_text` spells as
text the object columns that mix value types (``1`` beside ``"A"``), which Arrow (Parquet) and
Excel need (the result tables and the API's downloads).
"""

from __future__ import annotations

import csv
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

_T = TypeVar("_T")
_Labels = TypeVar("_Labels", pd.DataFrame, pd.Series, pd.Index)
_Table = TypeVar("_Table", pd.DataFrame, pd.Index)

#: The first characters that make a spreadsheet read a text cell as a formula (OWASP, "CSV
#: Injection"): equals, plus, minus, at, tab and carriage return.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: _T) -> _T:
    """``value`` with a single quote in front when it is text a spreadsheet would run.

    Parameters
    ----------
    value : Any
        A cell or a name. Only text (:class:`str`) that starts with one of
        :data:`FORMULA_PREFIXES` is changed; numbers (``-5``), missing values and anything else
        are returned as they are.

    Returns
    -------
    Any
        ``"'" + value`` for such text, else ``value`` itself.

    Examples
    --------
    >>> neutralise_text("=cmd|' /C calc'!A0"), neutralise_text("-5"), neutralise_text(-5)
    ("'=cmd|' /C calc'!A0", "'-5", -5)
    >>> neutralise_text("Île de France")
    'Île de France'
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value  # type: ignore[return-value]
    return value


def _neutralise_values(values: pd.Series | pd.Index) -> pd.Series | pd.Index:
    """A text Series or Index with its formula-like text quoted; ``values`` itself if none is.

    Vectorised (``.str.startswith``); a categorical has its categories neutralised, never its
    rows; a column without text (numbers, dates, booleans) is returned untouched.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.categories if isinstance(values, pd.Index) else values.cat.categories
        safe = _neutralise_values(categories)
        if safe is categories:
            return values
        if not safe.has_duplicates:  # "=x" and "'=x" both present: spelled out below
            if isinstance(values, pd.Index):
                return values.rename_categories(safe)
            return values.cat.rename_categories(safe)
        values = values.astype(object)
    if values.dtype.kind not in "OUS" and not pd.api.types.is_string_dtype(values.dtype):
        return values
    try:
        risky = np.asarray(values.str.startswith(FORMULA_PREFIXES, na=False), dtype=bool)
    except AttributeError:  # an object column without any text (all numbers, all missing)
        return values
    if not risky.any():
        return values
    cells = values.to_numpy(dtype=object, copy=True)
    cells[risky] = ["'" + v for v in cells[risky]]
    if isinstance(values, pd.Index):
        return pd.Index(cells, dtype=values.dtype, name=values.name)
    return pd.Series(cells, index=values.index, name=values.name, dtype=values.dtype)


def _has_carriage_return(values: pd.Series | pd.Index) -> bool:
    """Whether a text cell of ``values`` holds a carriage return (categorical: a category)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.categories if isinstance(values, pd.Index) else values.cat.categories
    if values.dtype.kind not in "OUS" and not pd.api.types.is_string_dtype(values.dtype):
        return False
    try:
        return bool(np.asarray(values.str.contains("\r", regex=False, na=False)).any())
    except AttributeError:  # no text at all
        return False


def csv_quoting(table: pd.DataFrame) -> int:
    """The :mod:`csv` quoting that keeps every row of ``table`` one row in a spreadsheet.

    Python's CSV writer (with ``"\n"`` line ends) leaves a field holding a lone carriage
    return unquoted, and spreadsheets start a new row there: the text after it would be a
    cell of its own, the first of a row, read as a formula. Such a table (rare: a text cell or a
    column name with a carriage return) is written with every text field quoted
    (:data:`csv.QUOTE_NONNUMERIC`); any other with the usual minimal quoting, byte for byte
    as before.

    Parameters
    ----------
    table : pandas.DataFrame
        The table about to be written (after :func:`neutralise_formulas`).

    Returns
    -------
    int
        :data:`csv.QUOTE_MINIMAL` or :data:`csv.QUOTE_NONNUMERIC`, for ``to_csv(quoting=)``.

    Examples
    --------
    >>> csv_quoting(pd.DataFrame({"a": ["x", "y"]})) == csv.QUOTE_MINIMAL
    True
    >>> csv_quoting(pd.DataFrame({"a": ["x", "'\\r=1+1"]})) == csv.QUOTE_NONNUMERIC
    True
    """
    names = [c for c in table.columns if isinstance(c, str)]
    if any("\r" in c for c in names) or any(
        _has_carriage_return(table.iloc[:, i]) for i in range(table.shape[1])
    ):
        return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


def neutralise_formulas(table: _Labels) -> _Labels:
    """``table`` with every text cell a spreadsheet would run as a formula quoted.

    Following OWASP's advice against CSV (formula) injection, text that starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return (:data:`FORMULA_PREFIXES`) gets a single
    quote ``'`` in front: ``=cmd|' /C calc'!A0`` is written ``'=cmd|' /C calc'!A0`` and shown
    as text. Only text is touched: numbers (a negative number stays a number), dates, booleans
    and missing values are kept; text that merely looks like a number (a code ``"-5"``) is text
    and is quoted. Used by every CSV and Excel file smartspec writes (the ``analyse`` tables,
    the API's downloads); Parquet and JSON keep the values exactly.

    Parameters
    ----------
    table : pandas.DataFrame, pandas.Series or pandas.Index
        A DataFrame has its cells and its column names neutralised (not its index, which the
        writers leave out); a Series or an Index its values. Text columns are checked
        vectorised, a categorical column through its categories only.

    Returns
    -------
    pandas.DataFrame, pandas.Series or pandas.Index
        The same type; ``table`` itself (not a copy) when nothing needed quoting, so ordinary
        tables are written byte for byte as before.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["=1+2", "R2", "-5"], "value": [-1.5, 2.0, 3.0]})
    >>> neutralise_formulas(frame)
      region  value
    0  '=1+2   -1.5
    1     R2    2.0
    2    '-5    3.0
    """
    if not isinstance(table, pd.DataFrame):
        return cast(_Labels, _neutralise_values(table))
    out = table
    for i in range(table.shape[1]):
        column = table.iloc[:, i]
        safe = _neutralise_values(column)
        if safe is not column:
            if out is table:
                out = table.copy(deep=False)
            out.isetitem(i, safe)
    names = table.columns
    if not isinstance(names, pd.MultiIndex) and any(
        isinstance(c, str) and c.startswith(FORMULA_PREFIXES) for c in names
    ):
        if out is table:
            out = table.copy(deep=False)
        out.columns = pd.Index([neutralise_text(c) for c in names], name=names.name)
    return out


def _as_text(x: Any) -> Any:
    """``str(x)``, a missing value (None, NaN, NaT) kept as it is."""
    return x if x is None or x != x else str(x)


def _mixes_types(values: pd.Series | pd.Index) -> bool:
    """Whether an object column holds values of more than one type, missing values aside."""
    return bool(values.dtype == object) and len({type(x) for x in values.dropna()}) > 1


def mixed_types_as_text(table: _Table) -> _Table:
    """``table`` with each object column that mixes value types (``1`` and ``"A"``) as text.

    Arrow, and so Parquet, needs one type per column, and Excel one kind per cell: such a
    column has its values written as text (``str``), missing values kept. Columns of one type
    (text, numbers, categories) are kept as they are.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Index
        A DataFrame has its columns made safe and its column names made text; an Index (the
        labels of a :class:`~smartspec.io.Coded` column) its values.

    Returns
    -------
    pandas.DataFrame or pandas.Index
        A DataFrame is always a new (shallow) copy, ``table`` itself is never changed; an Index
        is ``table`` itself when none of its values needed changing.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": [1, "A", "B"], "value": [1.0, 2.0, 3.0]})
    >>> mixed_types_as_text(frame)["region"].tolist()
    ['1', 'A', 'B']
    >>> list(mixed_types_as_text(pd.Index([1, "A"])))
    ['1', 'A']
    """
    if isinstance(table, pd.Index):
        if not _mixes_types(table):
            return table
        return cast(_Table, pd.Index([_as_text(x) for x in table], dtype=object))
    out = table.copy(deep=False)
    for i in range(table.shape[1]):
        column = table.iloc[:, i]
        if _mixes_types(column):
            out.isetitem(i, column.map(_as_text))
    out.columns = [str(c) for c in table.columns]
    return cast(_Table, out)
