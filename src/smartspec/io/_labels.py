"""Label columns (regions, activities, periods) as text labels, each distinct value cleaned once."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

_INT_RE = re.compile(r"^[+-]?(0|[1-9][0-9]*)$")


def _clean_label(x: Any) -> Any:
    """One label as text (whole numbers without '.0', surrounding blanks removed), or NaN."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return np.nan
    if isinstance(x, float | np.floating) and float(x).is_integer():
        return str(int(x))
    if isinstance(x, bytes):
        return x.decode("utf-8", errors="replace")
    return str(x).strip()


def _as_labels_by_row(col: pd.Series) -> pd.Series:
    """Text labels cleaned one cell at a time (object Series, missing cells as NaN)."""
    out = col.map(_clean_label).astype(object)
    return out.where(out.ne(""), np.nan)


def _distinct_first(col: pd.Series) -> bool:
    """Whether cleaning each distinct value of ``col`` once gives what cleaning each cell gives.

    True for categorical, text (string dtype, or object holding only ``str``), boolean and
    numeric columns. Object columns of other or mixed types (bytes, ``1`` beside ``True``...)
    are cleaned cell by cell: :func:`pandas.factorize` treats values that compare equal as one
    (``1``, ``1.0`` and ``True``), though they are cleaned to different labels (``"1"`` and
    ``"True"``).
    """
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype):
        return True
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return not pd.api.types.is_complex_dtype(dtype)
    if pd.api.types.is_object_dtype(dtype):
        return pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    return False


def _factorised_labels(col: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Integer codes (-1: missing) of a label column into its distinct cleaned labels.

    Each distinct value (a categorical column's used categories; otherwise found by
    :func:`pandas.factorize`) is cleaned once, as :func:`_clean_label` cleans a cell; values
    that clean to the same text (``" A"`` and ``"A"``) share a code, and values that clean to
    nothing (empty text) are missing. None where cleaning distinct values could differ from
    cleaning cells (see :func:`_distinct_first`).
    """
    if not _distinct_first(col):
        return None
    if isinstance(col.dtype, pd.CategoricalDtype):
        raw = col.cat.codes.to_numpy()
        categories = col.cat.categories
        seen = np.zeros(len(categories) + 1, dtype=bool)
        seen[raw] = True  # a missing cell (code -1) marks the last entry
        used = seen[:-1]
        if used.all():
            distinct: Any = categories
        else:  # only the categories in use, as mapping the cells would see them
            keep = np.flatnonzero(used)
            renumber = np.full(len(categories) + 1, -1, dtype=np.int64)
            renumber[keep] = np.arange(len(keep))
            raw = renumber[raw]
            distinct = categories[keep]
    else:
        raw, distinct = pd.factorize(col, use_na_sentinel=True)
    # as Series.map passes them: each distinct value as a Python object
    values = np.asarray(distinct, dtype=object) if len(distinct) else np.empty(0, dtype=object)
    cleaned = np.empty(len(values), dtype=object)
    cleaned[:] = [_clean_label(x) for x in values]
    blank = np.array([isinstance(x, str) and x == "" for x in cleaned], dtype=bool)
    cleaned[blank] = np.nan
    merged, labels = pd.factorize(cleaned, use_na_sentinel=True)
    if np.array_equal(merged, np.arange(len(merged))):  # nothing merged or blanked
        return raw, pd.Index(labels, dtype=object)
    lookup = np.append(merged, -1)  # a missing cell (code -1) picks the last entry: -1
    return lookup[raw], pd.Index(labels, dtype=object)


def _labelled(codes: np.ndarray, labels: pd.Index, like: pd.Series, categorical: bool) -> pd.Series:
    """The Series (index and name of ``like``) of ``labels[codes]``, -1 missing."""
    if categorical:
        return pd.Series(
            pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(labels)),
            index=like.index,
            name=like.name,
        )
    table = np.empty(len(labels) + 1, dtype=object)
    table[:-1] = labels.to_numpy(dtype=object)
    table[-1] = np.nan  # code -1 picks the last entry
    return pd.Series(table[codes], index=like.index, name=like.name, dtype=object)


def _as_labels(col: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Text labels, missing cells kept as NaN (whole numbers written without '.0').

    A categorical column (Parquet's dictionary-encoded columns), a text column or a numeric one
    is factorised and each distinct value cleaned once; other columns are cleaned cell by cell.
    Either way the labels, and which cells are missing, are the same. The result is an object
    Series of ``str`` and NaN, or, with ``categorical=True`` (where the column could be
    factorised), a categorical Series whose categories are the cleaned labels: no Python string
    is then made per cell, and :meth:`ActivityMatrix.from_long` keys the column by its codes.
    """
    factorised = _factorised_labels(col)
    if factorised is None:
        return _as_labels_by_row(col)
    codes, labels = factorised
    return _labelled(codes, labels, col, categorical)


def _as_periods(col: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Integer periods when every period is a plain integer, text labels otherwise.

    Text periods are returned as :func:`_as_labels` returns labels (``categorical`` alike);
    with a missing period, integer periods are an object Series of ``int`` and NaN.
    """
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(np.int64) if not col.isna().any() else col
    factorised = _factorised_labels(col)
    if factorised is None:
        labels = _as_labels_by_row(col)
        present = labels.dropna()
        if len(present) and present.map(lambda s: bool(_INT_RE.match(s))).all():
            as_int = pd.Series(np.nan, index=labels.index, dtype=object)
            as_int[present.index] = [int(s) for s in present]
            return as_int if labels.isna().any() else as_int.astype(np.int64)
        return labels
    codes, distinct = factorised
    if len(distinct) and all(_INT_RE.match(s) for s in distinct):
        numbers = [int(s) for s in distinct]
        if not (codes < 0).any():
            return pd.Series(
                np.asarray(numbers, dtype=np.int64)[codes], index=col.index, name=col.name
            )
        return _labelled(codes, pd.Index(numbers, dtype=object), col, categorical=False)
    return _labelled(codes, distinct, col, categorical)
