"""The output tables of ``smartspec analyse``, with the long ones streamed period by period.

``cells`` (every region x activity x period: 30 million rows for 3,000 regions x 1,000
activities x 10 periods) and ``proximity`` (every activity pair and period) are never formed as
long pandas tables: :func:`analysis_tables` gives them as :class:`smartspec.io.TableStream`
objects whose batches are blocks of whole regions (activity rows) of one period, label columns
as codes into the matrix's labels, so the writer holds one block at a time. The small tables
(``regions``, ``activities``, ``notes``) are DataFrames.

``--cells`` chooses the rows of ``cells`` (see :func:`parse_cells`); the rows kept are always in
the table's order (period, region, activity), with every column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError
from smartspec.io import Coded, TableStream

if TYPE_CHECKING:
    from smartspec.core.evidence import Evidence

__all__ = ["TOP_COLUMNS", "CellSelection", "analysis_tables", "parse_cells"]

#: The columns ``top:K:COLUMN`` may rank by.
TOP_COLUMNS = ("rca", "density", "cog", "value")

#: Rows per batch of a streamed table (Parquet: one row group per batch).
BATCH_ROWS = 1 << 20

_ZERO_ONE = pd.Index([0, 1], dtype=np.int64)


@dataclass(frozen=True)
class CellSelection:
    """Which rows of ``cells`` are written.

    Attributes
    ----------
    mode : {"all", "nonzero", "present", "top"}
    k : int or None
        For ``top``: how many activities per period and region.
    by : str or None
        For ``top``: the column that ranks them (highest first).
    """

    mode: str = "all"
    k: int | None = None
    by: str | None = None

    def __str__(self) -> str:
        if self.mode != "top":
            return self.mode
        return f"top:{self.k}" + ("" if self.by == "rca" else f":{self.by}")

    def keep(self, cols: Mapping[str, np.ndarray]) -> np.ndarray | None:
        """The rows to keep of a block of (regions, activities) columns; None for all."""
        if self.mode == "all":
            return None
        if self.mode == "nonzero":
            return cols["value"] != 0
        if self.mode == "present":
            return cols["presence"] == 1
        return _top_k(cols[str(self.by)], int(self.k or 0))


def parse_cells(text: str) -> CellSelection:
    """Read a ``--cells`` value: ``all``, ``nonzero``, ``present``, ``top:K`` or ``top:K:COL``.

    Parameters
    ----------
    text : str
        The value given.

    Returns
    -------
    CellSelection

    Raises
    ------
    ValidationError
        For anything else (an unknown word, K not a positive whole number, an unknown column).

    Examples
    --------
    >>> str(parse_cells("top:5")), str(parse_cells("top:5:density")), str(parse_cells("all"))
    ('top:5', 'top:5:density', 'all')
    """
    word = str(text).strip().lower()
    if word in ("all", "nonzero", "present"):
        return CellSelection(word)
    parts = word.split(":")
    if parts[0] == "top" and len(parts) in (2, 3):
        by = parts[2] if len(parts) == 3 else "rca"
        if parts[1].isdigit() and int(parts[1]) >= 1 and by in TOP_COLUMNS:
            return CellSelection("top", int(parts[1]), by)
    raise ValidationError(
        f"cannot read --cells {text!r}",
        expected="all, nonzero, present, top:K or top:K:COL (K a positive whole number, COL "
        f"one of {', '.join(TOP_COLUMNS)}), e.g. top:10 or top:10:density",
        found=repr(text),
    )


def _top_k(x: np.ndarray, k: int) -> np.ndarray:
    """Per row of ``x``, the ``k`` largest values (NaN never; ties: the earlier column)."""
    n_cols = x.shape[1]
    valid = ~np.isnan(x)
    if k >= n_cols:
        return valid
    filled = np.where(valid, x, -np.inf)
    kth = np.partition(filled, n_cols - k, axis=1)[:, n_cols - k]  # the k-th largest
    above = filled > kth[:, None]
    tied = filled == kth[:, None]
    room = k - above.sum(axis=1)
    keep = above | (tied & (np.cumsum(tied, axis=1) <= room[:, None]))
    return keep & valid


def _ordered_columns(columns: Sequence[str], contract: Sequence[str]) -> tuple[str, ...]:
    """The contract's columns first (in its order), then the others (as ``_ordered`` does)."""
    first = [c for c in contract if c in columns]
    return (*first, *(c for c in columns if c not in first))


def _cells_batches(
    ev: Evidence, selection: CellSelection, columns: Sequence[str]
) -> Iterator[dict[str, Any]]:
    m = ev.matrix
    n_regions, n_activities = m.n_regions, m.n_activities
    step = max(1, BATCH_ROWS // max(1, n_activities))
    activity_codes = np.arange(n_activities, dtype=np.int32)
    for p in range(m.n_periods):
        for r0 in range(0, n_regions, step):
            r1 = min(n_regions, r0 + step)
            cols = ev.cell_arrays(p, slice(r0, r1))
            keep = selection.keep(cols)
            region = np.repeat(np.arange(r0, r1, dtype=np.int32), n_activities)
            activity = np.tile(activity_codes, r1 - r0)
            flat = {name: arr.reshape(-1) for name, arr in cols.items()}
            if keep is not None:
                rows = keep.reshape(-1)
                region, activity = region[rows], activity[rows]
                flat = {name: arr[rows] for name, arr in flat.items()}
            batch: dict[str, Any] = {
                "period": Coded(np.full(len(region), p, dtype=np.int32), m.periods),
                "region": Coded(region, m.regions),
                "activity": Coded(activity, m.activities),
                **flat,
                # 0/1 as codes into (0, 1): written dictionary-encoded without hashing
                "presence": Coded(flat["presence"], _ZERO_ONE),
            }
            yield {c: batch[c] for c in columns}


def _proximity_batches(ev: Evidence, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    m = ev.matrix
    n = m.n_activities
    step = max(1, BATCH_ROWS // max(1, n))
    to = np.arange(n, dtype=np.int32)
    for p in range(m.n_periods):
        phi = ev.proximity_array(p)
        for a0 in range(0, n, step):
            a1 = min(n, a0 + step)
            rows = (a1 - a0) * n
            batch = {
                "period": Coded(np.full(rows, p, dtype=np.int32), m.periods),
                "activity_from": Coded(
                    np.repeat(np.arange(a0, a1, dtype=np.int32), n), m.activities
                ),
                "activity_to": Coded(np.tile(to, a1 - a0), m.activities),
                "proximity": phi[a0:a1].reshape(-1),
            }
            yield {c: batch[c] for c in columns}


def analysis_tables(
    ev: Evidence,
    order: Mapping[str, Sequence[str]],
    *,
    cells: CellSelection | None = None,
    ordered: Callable[[pd.DataFrame, str], pd.DataFrame],
) -> dict[str, pd.DataFrame | TableStream]:
    """The tables ``analyse`` writes, in ``order``'s order: long ones streamed.

    Parameters
    ----------
    ev : Evidence
        The results (of :func:`smartspec.analyse` or its Dask twin).
    order : mapping of str to sequence of str
        Table name -> its contract's columns, first in this order (others follow).
    cells : CellSelection, optional
        The rows of ``cells`` to write (default: all).
    ordered : callable
        ``ordered(frame, name)``: a small table with its columns in the contract's order.

    Returns
    -------
    dict of str to pandas.DataFrame or smartspec.io.TableStream
        ``cells`` and ``proximity`` as streams (values identical to ``ev.cells`` and
        ``ev.proximity``, in their row order), the others as DataFrames.
    """
    selection = cells or CellSelection()
    tables: dict[str, pd.DataFrame | TableStream] = {}
    for name in order:
        if name == "cells":
            value_cols = list(ev.cell_arrays(0, slice(0, 0)))
            columns = _ordered_columns(["period", "region", "activity", *value_cols], order[name])
            tables[name] = TableStream(
                columns, _cells_batches(ev, selection, columns), dictionary=("value",)
            )
        elif name == "proximity":
            columns = _ordered_columns(
                ["period", "activity_from", "activity_to", "proximity"], order[name]
            )
            tables[name] = TableStream(
                columns, _proximity_batches(ev, columns), dictionary=("proximity",)
            )
        else:
            tables[name] = ordered(getattr(ev, name), name)
    return tables
