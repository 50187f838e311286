"""Private helpers of :mod:`smartspec.core.matrix`: label indexes, the integer coding of a long
table's keys, missing-cell flags and the Parquet file format."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ValidationError, format_examples

if TYPE_CHECKING:
    from .matrix import ActivityMatrix

#: The period label given to a table that has no period column.
DEFAULT_PERIOD = "all"


def sorted_index(values: Iterable[Hashable], name: str) -> pd.Index:
    """Unique labels in sorted order (appearance order where the labels cannot be compared)."""
    idx = pd.Index(pd.unique(pd.Series(list(values), dtype=object)), name=name)
    try:
        idx = idx.sort_values()
    except TypeError:
        pass
    return idx.infer_objects() if idx.dtype == object else idx


def factorized(column: pd.Series, name: str) -> tuple[np.ndarray, pd.Index] | None:
    """Integer codes of a key column into its :func:`sorted_index` labels (None: fall back)."""
    if isinstance(column.dtype, pd.CategoricalDtype) or (
        pd.api.types.is_integer_dtype(column.dtype) and len(column)
    ):
        if isinstance(column.dtype, pd.CategoricalDtype):
            raw = column.cat.codes.to_numpy()
            base, values = 0, column.cat.categories
        else:
            raw = column.to_numpy()
            base = int(raw.min())
            if int(raw.max()) - base >= 2**24:
                raw = None
            values = None
        if raw is not None:  # codes from the (small) range of values: no hashing
            offset = raw - base if base else raw
            present = np.bincount(offset) > 0
            used = np.flatnonzero(present)
            labels = list(values[used]) if values is not None else list(used + base)
            idx = pd.Index(pd.unique(pd.Series(labels, dtype=object)), name=name)
            try:
                idx = idx.sort_values()
            except TypeError:
                idx = None  # appearance order needed: the general path below
            if idx is not None and len(idx) == len(labels):
                idx = idx.infer_objects() if idx.dtype == object else idx
                perm = idx.get_indexer(pd.Index(labels, dtype=object))
                if not (perm < 0).any():
                    lookup = np.full(len(present), -1, dtype=np.int64)
                    lookup[used] = perm
                    return lookup[offset], idx
    codes, uniques = pd.factorize(column, sort=False)
    labels = list(uniques)  # appearance order, as pd.unique gives it
    idx = sorted_index(labels, name)
    if len(idx) != len(labels):
        return None
    perm = idx.get_indexer(pd.Index(labels, dtype=object))
    if (perm < 0).any():
        return None
    return perm[codes].astype(np.int64, copy=False), idx


def coded_keys(
    data: pd.DataFrame, region: str, activity: str, period: str | None
) -> tuple[tuple[np.ndarray, ...], tuple[pd.Index, ...]] | None:
    """Period, region and activity codes and labels of a long table whose keys are all distinct.

    Factorising each column (categorical columns by their codes) and testing the combined
    integer key is much faster than hashing rows of labels; None when a key repeats (or labels
    do not factorise cleanly), and the caller takes the general path that reports or aggregates.
    """
    parts = []
    for col, name in ((region, "region"), (activity, "activity")):
        f = factorized(data[col], name)
        if f is None:
            return None
        parts.append(f)
    if period is None:
        p_codes = np.zeros(len(data), dtype=np.int64)
        period_idx = pd.Index([DEFAULT_PERIOD], name="period")
    else:
        f = factorized(data[period], "period")
        if f is None:
            return None
        p_codes, period_idx = f
    (r_codes, region_idx), (a_codes, activity_idx) = parts
    n_p, n_r, n_a = len(period_idx), len(region_idx), len(activity_idx)
    grid = n_p * n_r * n_a
    if grid >= 2**62:
        return None
    key = (p_codes * n_r + r_codes) * n_a + a_codes
    if grid <= max(8 * len(key), 2**24):  # a bitmap of the grid: one pass, no sort
        seen = np.zeros(grid, dtype=bool)
        seen[key] = True
        repeated = int(np.count_nonzero(seen)) != len(key)
    else:
        ordered = np.sort(key)
        repeated = bool((ordered[1:] == ordered[:-1]).any())
    if repeated:
        return None
    return (p_codes, r_codes, a_codes), (period_idx, region_idx, activity_idx)


def frame_codes(
    frame: pd.DataFrame, region: str, activity: str, period: str | None
) -> tuple[tuple[np.ndarray, ...], tuple[pd.Index, ...]]:
    """Period, region and activity codes and labels of a long table whose keys are unique (the
    general path of :func:`coded_keys`, by label lookup)."""
    region_idx = sorted_index(frame[region], "region")
    activity_idx = sorted_index(frame[activity], "activity")
    if period is None:
        period_idx = pd.Index([DEFAULT_PERIOD], name="period")
        p_codes = np.zeros(len(frame), dtype=np.int64)
    else:
        period_idx = sorted_index(frame[period], "period")
        p_codes = period_idx.get_indexer(frame[period])
    r_codes = region_idx.get_indexer(frame[region])
    a_codes = activity_idx.get_indexer(frame[activity])
    return (p_codes, r_codes, a_codes), (period_idx, region_idx, activity_idx)


def as_index(labels: Iterable[Hashable] | pd.Index, name: str) -> pd.Index:
    idx = labels.copy() if isinstance(labels, pd.Index) else pd.Index(list(labels))
    idx.name = name
    if idx.has_duplicates:
        dup = idx[idx.duplicated()].unique()
        raise ValidationError(
            f"{name} labels must be unique",
            expected=f"one label per {name}",
            found=f"repeated labels {format_examples(dup)}",
            fix=f"merge the repeated {name}s first, or relabel them",
        )
    return idx


def flag_array(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_array | None:
    """A boolean CSR array true at the given cells (None when there are none)."""
    if not len(rows):
        return None
    return sp.csr_array(
        sp.coo_array((np.ones(len(rows), dtype=bool), (rows, cols)), shape=shape).tocsr()
    )


def checked_missing(missing: Any, data: sp.csr_array) -> sp.csr_array | None:
    """Validate the missing-cell flags against the values: a boolean CSR array of the same
    shape, false wherever a value is stored (None when no cell is missing)."""
    if missing is None:
        return None
    flags = sp.csr_array(missing, dtype=bool)
    if flags.shape != data.shape:
        raise ValidationError(
            "the missing-cell flags do not fit the data",
            expected=f"shape {data.shape}",
            found=f"shape {flags.shape}",
        )
    flags.eliminate_zeros()
    if flags.nnz == 0:
        return None
    clash = flags.multiply(data != 0)
    if clash.nnz:
        raise ValidationError(
            "a cell cannot both hold a value and be missing",
            expected="missing cells with no value",
            found=f"{int(clash.nnz)} cell(s) with a value flagged missing",
        )
    flags.sort_indices()
    return flags


def n_differ(a: sp.csr_array, b: sp.csr_array) -> int:
    """Number of cells where two sparse arrays of the same shape differ."""
    diff: sp.csr_array = a != b  # element-wise for scipy arrays, never a bool
    return int(diff.nnz)


def write_parquet(m: ActivityMatrix, path: str | Path) -> None:
    """:meth:`ActivityMatrix.to_parquet`: the long table, with labels and settings in the file
    metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from smartspec import __version__

    long = m.to_long()
    if m.n_missing:  # missing cells travel as rows with an empty value
        long = pd.concat([long, m.missing_cells().assign(value=np.nan)], ignore_index=True)
    table = pa.Table.from_pandas(long, preserve_index=False)
    meta = {
        "smartspec_version": __version__,
        "value_name": m.value_name,
        "regions": [str(x) for x in m.regions],
        "activities": [str(x) for x in m.activities],
        "periods": [_json_label(x) for x in m.periods],
        "metadata": {k: str(v) for k, v in m.metadata.items()},
    }
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"smartspec": json.dumps(meta).encode()}
    )
    pq.write_table(table, path)


def read_parquet(path: str | Path) -> dict[str, Any]:
    """The :class:`ActivityMatrix` arguments stored in a file written by :func:`write_parquet`."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    raw = (table.schema.metadata or {}).get(b"smartspec")
    if raw is None:
        raise ValidationError(
            "not a smartspec matrix file",
            where=str(path),
            expected="a Parquet file written by ActivityMatrix.to_parquet",
            found="no 'smartspec' metadata",
            fix="read a plain long table with smartspec.io.read_table instead",
        )
    meta = json.loads(raw)
    long = table.to_pandas()
    regions = _restore(meta["regions"], long["region"])
    activities = _restore(meta["activities"], long["activity"])
    periods = _restore(meta["periods"], long["period"])
    n_r = len(regions)
    rows = periods.get_indexer(long["period"]) * n_r + regions.get_indexer(long["region"])
    cols = activities.get_indexer(long["activity"])
    vals = long["value"].to_numpy(dtype=np.float64)
    unknown = np.isnan(vals)
    shape = (len(periods) * n_r, len(activities))
    mat = sp.coo_array((np.where(unknown, 0.0, vals), (rows, cols)), shape=shape).tocsr()
    return {
        "data": mat,
        "regions": regions,
        "activities": activities,
        "periods": periods,
        "value_name": meta["value_name"],
        "source": str(path),
        "metadata": meta.get("metadata", {}),
        "missing": flag_array(rows[unknown], cols[unknown], shape),
    }


def _json_label(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _restore(labels: list[Any], column: pd.Series) -> pd.Index:
    """Labels from file metadata, in the dtype the long column has."""
    idx = pd.Index(labels)
    if len(column) and not pd.api.types.is_object_dtype(column.dtype):
        idx = idx.astype(column.dtype)
    elif len(column):
        lookup = {str(v): v for v in pd.unique(column)}
        idx = pd.Index([lookup.get(str(x), x) for x in labels])
    return idx
