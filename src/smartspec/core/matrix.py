"""The canonical region x activity (x period) table: :class:`ActivityMatrix`.

One immutable, validated object holds the non-negative values of every (period, region, activity)
cell, stored sparse, with its labels. It is checked once, when built; every indicator takes it as
given. Built from long tables by naming the columns, as analysts hold their data (one row per
region, activity and period).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._matrix_io import (
    DEFAULT_PERIOD,
    as_index,
    checked_missing,
    coded_keys,
    flag_array,
    frame_codes,
    n_differ,
    read_parquet,
    sorted_index,
    write_parquet,
)
from ._validate import TableCheck
from .errors import (
    UnknownActivityError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
    format_examples,
)

__all__ = ["DEFAULT_PERIOD", "ActivityMatrix"]

#: The fix named for repeated keys (the library's option; the command line names its flag).
DUPLICATES_FIX = (
    "aggregate them with duplicates='sum' (or 'mean', 'max', 'first'...) or remove the "
    "repeated rows"
)

Duplicates = Literal["error", "sum", "mean", "max", "min", "first", "last"]
_DUPLICATE_RULES = ("error", "sum", "mean", "max", "min", "first", "last")


@dataclass(frozen=True, eq=False, repr=False)
class ActivityMatrix:
    """Non-negative values of region x activity cells for one or more periods, stored sparse.

    Build it with :meth:`from_long` (a long table), :meth:`from_dense` or :meth:`from_frame`
    (wide tables); never change it in place: every operation returns a new object.

    Parameters
    ----------
    data : scipy.sparse.csr_array
        Shape ``(n_periods * n_regions, n_activities)``; row ``p * n_regions + r`` holds region
        ``r`` in period ``p``.
    regions, activities, periods : pandas.Index
        Unique labels, in the order of the rows / columns / period blocks.
    value_name : str
        What the values measure (``"employment"``, ``"exports"``...).
    source : str, optional
        Where the data came from, used in messages.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"r": ["A", "A", "B", "B"], "a": ["x", "y", "x", "y"],
    ...                    "v": [1.0, 2.0, 3.0, 0.0]})
    >>> m = ActivityMatrix.from_long(df, region="r", activity="a", value="v")
    >>> m
    ActivityMatrix(2 regions x 2 activities x 1 period, 3 non-zero cells, value='v')
    >>> m.frame()
    activity    x    y
    region
    A         1.0  2.0
    B         3.0  0.0

    A negative value is refused with the row it stands in:

    >>> ActivityMatrix.from_long(df.assign(v=[1, -2, 3, 0]), region="r", activity="a", value="v")
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: values must be non-negative; where: column 'v', ...
    """

    data: sp.csr_array
    regions: pd.Index
    activities: pd.Index
    periods: pd.Index
    value_name: str = "value"
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    missing: sp.csr_array | None = None

    def __post_init__(self) -> None:
        data = sp.csr_array(self.data, dtype=np.float64)
        regions = as_index(self.regions, "region")
        activities = as_index(self.activities, "activity")
        periods = as_index(self.periods, "period")
        expected = (len(periods) * len(regions), len(activities))
        if data.shape != expected:
            raise ValidationError(
                "data does not fit the labels",
                expected=f"shape {expected} (periods x regions, activities)",
                found=f"shape {data.shape}",
            )
        values = data.data
        if not np.all(np.isfinite(values)):
            raise ValidationError("values must be finite", found="NaN or infinite values")
        if np.any(values < 0):
            raise ValidationError("values must be non-negative", found="negative values")
        data.sum_duplicates()
        data.eliminate_zeros()
        data.sort_indices()
        missing = checked_missing(self.missing, data)
        for name, value in (
            ("data", data),
            ("missing", missing),
            ("regions", regions),
            ("activities", activities),
            ("periods", periods),
            ("metadata", dict(self.metadata)),
        ):
            object.__setattr__(self, name, value)
        if len(regions) < 2 or len(activities) < 2:
            raise ValidationError(
                "a region x activity matrix needs at least two regions and two activities",
                expected="2 or more regions and 2 or more activities",
                found=f"{len(regions)} region(s) and {len(activities)} activit(y/ies)"
                + (f" in {self.source}" if self.source else ""),
                fix="check the region and activity columns, or add the other regions / "
                "activities of the comparison (specialisation is relative to a whole)",
            )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_long(
        cls,
        data: pd.DataFrame,
        *,
        region: str,
        activity: str,
        value: str,
        period: str | None = None,
        duplicates: Duplicates = "error",
        source: str | None = None,
        first_row: int = 1,
        row_word: str = "row",
        missing: Literal["error", "flag"] = "error",
    ) -> ActivityMatrix:
        """Build from a long table with one row per (region, activity[, period]).

        Parameters
        ----------
        data : pandas.DataFrame
            The long table.
        region, activity, value : str
            Names of the columns that hold the region label, the activity label and the value.
        period : str, optional
            Name of the period column. Without it, all rows belong to one period labelled
            ``"all"``.
        duplicates : {"error", "sum", "mean", "max", "min", "first", "last"}
            What to do with rows that repeat a (region, activity, period) key: refuse them
            (default) or aggregate them with the named rule.
        source : str, optional
            Name of the file the table came from, for messages.
        first_row : int
            Number of the table's first row in messages (2 for a file with a header line).
        row_word : str
            Word for a row in messages (``"line"`` for text files).
        missing : {"error", "flag"}
            What an empty value means: an error (default), or a suppressed / confidential /
            unknown cell (``"flag"``), kept as *missing* (:attr:`missing`), never read as 0.

        Returns
        -------
        ActivityMatrix

        Raises
        ------
        ValidationError
            For a missing column, an empty table, non-numeric, missing (unless flagged), infinite
            or negative
            values, missing labels, repeated keys (with ``duplicates="error"``), or fewer than two
            regions or activities. The message names the file, column and rows.
        """
        if not isinstance(data, pd.DataFrame):
            raise ValidationError(
                "a long table is needed",
                expected="a pandas DataFrame",
                found=type(data).__name__,
            )
        if duplicates not in _DUPLICATE_RULES:
            raise ValidationError(
                "unknown rule for repeated keys",
                expected=f"one of {', '.join(_DUPLICATE_RULES)}",
                found=repr(duplicates),
            )
        if missing not in ("error", "flag"):
            raise ValidationError(
                "unknown rule for empty values",
                expected="'error' or 'flag'",
                found=repr(missing),
            )
        columns = {"region": region, "activity": activity, "value": value}
        if period is not None:
            columns["period"] = period
        check = TableCheck(data, source=source, first_row=first_row, row_word=row_word)
        check.columns(columns)
        check.not_empty("at least one row per region and activity")
        key_cols = [columns[k] for k in ("period", "region", "activity") if k in columns]
        for col in key_cols:
            check.labels(col)
        values = check.numbers(value, allow_missing=missing == "flag")

        coded = coded_keys(data, region, activity, period)
        if coded is None:  # repeated keys (or labels that do not factorise): the general path
            keys = pd.DataFrame({c: data[c].to_numpy() for c in key_cols})
            dup = check.unique_keys(
                keys,
                what="the same (region, activity"
                + (", period" if period is not None else "")
                + ") key",
                fix=DUPLICATES_FIX if duplicates == "error" else "",
            )
            frame = keys.assign(__value=values)
            if dup.any():
                # a key with any empty part stays missing: its total is unknown
                frame = frame.groupby(key_cols, sort=False, dropna=False)["__value"].agg(
                    lambda v: np.nan if v.isna().any() else v.agg(duplicates)
                )
                frame = frame.reset_index()
            coded = frame_codes(frame, region, activity, period)
            values = frame["__value"].to_numpy(dtype=np.float64)
        (p_codes, r_codes, a_codes), (period_idx, region_idx, activity_idx) = coded
        n_r = len(region_idx)
        shape = (len(period_idx) * n_r, len(activity_idx))
        unknown = np.isnan(values)
        rows = p_codes * n_r + r_codes
        mat = sp.coo_array((np.where(unknown, 0.0, values), (rows, a_codes)), shape=shape).tocsr()
        return cls(
            mat,
            region_idx,
            activity_idx,
            period_idx,
            value_name=str(value),
            source=source,
            missing=flag_array(rows[unknown], a_codes[unknown], shape),
        )

    @classmethod
    def from_dense(
        cls,
        values: np.ndarray,
        *,
        regions: Sequence[Hashable] | pd.Index,
        activities: Sequence[Hashable] | pd.Index,
        periods: Sequence[Hashable] | pd.Index | None = None,
        value_name: str = "value",
    ) -> ActivityMatrix:
        """Build from a dense array of shape ``(regions, activities)`` or
        ``(periods, regions, activities)``.

        Examples
        --------
        >>> ActivityMatrix.from_dense(np.eye(3), regions=list("abc"), activities=list("xyz"))
        ActivityMatrix(3 regions x 3 activities x 1 period, 3 non-zero cells, value='value')
        """
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim == 2:
            arr = arr[None]
        if arr.ndim != 3:
            raise ValidationError(
                "a dense matrix must have 2 or 3 dimensions",
                expected="(regions, activities) or (periods, regions, activities)",
                found=f"{arr.ndim} dimensions",
            )
        if periods is None:
            periods = [DEFAULT_PERIOD] if arr.shape[0] == 1 else list(range(arr.shape[0]))
        if np.isnan(arr).any():
            raise ValidationError(
                "values are missing", expected="no NaN", found=f"{int(np.isnan(arr).sum())} NaN"
            )
        if (arr < 0).any():
            raise ValidationError(
                "values must be non-negative",
                expected="values >= 0",
                found=f"{int((arr < 0).sum())} negative value(s)",
            )
        p, r, a = arr.shape
        if (len(regions), len(activities), len(periods)) != (r, a, p):
            raise ValidationError(
                "labels do not fit the array",
                expected=f"{p} periods, {r} regions, {a} activities",
                found=f"{len(periods)} periods, {len(regions)} regions, "
                f"{len(activities)} activities",
            )
        return cls(
            sp.csr_array(arr.reshape(p * r, a)),
            pd.Index(regions),
            pd.Index(activities),
            pd.Index(periods),
            value_name=value_name,
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, value_name: str = "value") -> ActivityMatrix:
        """Build from a wide DataFrame: regions as the index, activities as the columns.

        Examples
        --------
        >>> ActivityMatrix.from_frame(pd.DataFrame({"x": [1, 0], "y": [2, 5]}, index=["A", "B"]))
        ActivityMatrix(2 regions x 2 activities x 1 period, 3 non-zero cells, value='value')
        """
        return cls.from_dense(
            frame.to_numpy(dtype=np.float64),
            regions=frame.index,
            activities=frame.columns,
            value_name=value_name,
        )

    # ------------------------------------------------------------------ views
    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return len(self.regions)

    @property
    def n_activities(self) -> int:
        """Number of activities."""
        return len(self.activities)

    @property
    def n_periods(self) -> int:
        """Number of periods."""
        return len(self.periods)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_periods, n_regions, n_activities)``."""
        return (self.n_periods, self.n_regions, self.n_activities)

    @property
    def nnz(self) -> int:
        """Number of non-zero cells over all periods."""
        return int(self.data.nnz)

    @property
    def n_missing(self) -> int:
        """Number of missing (suppressed, confidential or unknown) cells over all periods."""
        return 0 if self.missing is None else int(self.missing.nnz)

    def __repr__(self) -> str:
        p = self.n_periods
        gone = f", {self.n_missing} missing cells" if self.n_missing else ""
        return (
            f"ActivityMatrix({self.n_regions} regions x {self.n_activities} activities x "
            f"{p} period{'s' if p != 1 else ''}, {self.nnz} non-zero cells{gone}, "
            f"value={self.value_name!r})"
        )

    def period_position(self, period: Hashable | None = None) -> int:
        """Position of a period label (the only period when ``None`` and there is one)."""
        if period is None:
            if self.n_periods == 1:
                return 0
            raise UnknownPeriodError(
                "this matrix has several periods: name one",
                expected=f"one of {format_examples(list(self.periods))}",
                found="no period",
            )
        pos = self.periods.get_indexer([period])[0]
        if pos < 0:
            # accept '2013' for 2013 and the reverse, as typed on a command line
            as_text = [str(x) for x in self.periods]
            if str(period) in as_text:
                return as_text.index(str(period))
            raise UnknownPeriodError(
                f"period {period!r} is not in the data",
                expected=f"one of {format_examples(list(self.periods), limit=10)}",
                found=repr(period),
            )
        return int(pos)

    def sparse(self, period: Hashable | None = None) -> sp.csr_array:
        """The region x activity CSR array of one period."""
        p = self.period_position(period)
        r = self.n_regions
        return self.data[p * r : (p + 1) * r]

    def to_dense(self) -> np.ndarray:
        """All values as a dense ``(periods, regions, activities)`` float64 array (missing cells
        hold 0 here: see :meth:`missing_mask`)."""
        return self.data.toarray().reshape(self.shape)

    def missing_mask(self) -> np.ndarray:
        """Missing cells as a dense boolean ``(periods, regions, activities)`` array.

        A missing cell is one whose value is suppressed, confidential or unknown in the source
        (built with ``missing="flag"``). Its value is stored as 0 but it is not evidence of
        absence: indicators report NaN there (see ``docs/indicators.md``).
        """
        if self.missing is None:
            return np.zeros(self.shape, dtype=bool)
        return self.missing.toarray().reshape(self.shape)

    def missing_cells(self) -> pd.DataFrame:
        """The missing cells: columns ``period, region, activity`` (empty when there are none).

        Examples
        --------
        >>> df = pd.DataFrame({"r": ["A", "A", "B", "B"], "a": ["x", "y", "x", "y"],
        ...                    "v": [1.0, None, 3.0, 0.0]})
        >>> m = ActivityMatrix.from_long(df, region="r", activity="a", value="v", missing="flag")
        >>> m
        ActivityMatrix(2 regions x 2 activities x 1 period, 2 non-zero cells, 1 missing cells, \
value='v')
        >>> m.missing_cells()
          period region activity
        0    all      A        y
        """
        if self.missing is None:
            rows = cols = np.zeros(0, dtype=np.int64)
        else:
            coo = self.missing.tocoo()
            order = np.lexsort((coo.col, coo.row))
            rows, cols = coo.row[order], coo.col[order]
        p_idx, r_idx = np.divmod(rows, self.n_regions)
        return pd.DataFrame(
            {
                "period": self.periods.take(p_idx),
                "region": self.regions.take(r_idx),
                "activity": self.activities.take(cols),
            }
        )

    def missing_share(self) -> pd.DataFrame:
        """Share of each region's activity cells that are missing (rows regions, columns
        periods), 0 where none is."""
        if self.missing is None:
            share = np.zeros((self.n_periods, self.n_regions))
        else:
            counts = np.asarray(self.missing.sum(axis=1)).reshape(self.n_periods, self.n_regions)
            share = counts / self.n_activities
        return pd.DataFrame(share.T, index=self.regions, columns=self.periods)

    def coverage(self, *, complete_share: float = 0.9) -> pd.DataFrame:
        """How complete each period is: which regions and activities have data.

        Parameters
        ----------
        complete_share : float
            A period is *complete* when at least this share of the regions that have data in
            the best-covered period have data in it.

        Returns
        -------
        pandas.DataFrame
            One row per period: ``period, regions_with_data, activities_with_data,
            missing_cells, complete``.

        Examples
        --------
        >>> m = ActivityMatrix.from_dense([[[1, 2], [3, 4], [5, 6]], [[1, 2], [0, 0], [0, 0]]],
        ...                               regions=["A", "B", "C"], activities=["x", "y"],
        ...                               periods=[2020, 2021])
        >>> m.coverage()
           period  regions_with_data  activities_with_data  missing_cells  complete
        0    2020                  3                     2              0      True
        1    2021                  1                     2              0     False
        """
        rt, at = self.region_totals, self.activity_totals
        regions_with = (rt > 0).sum(axis=0).to_numpy()
        if self.missing is None:
            n_missing = np.zeros(self.n_periods, dtype=np.int64)
        else:
            per_row = np.asarray(self.missing.sum(axis=1)).reshape(self.n_periods, -1)
            n_missing = per_row.sum(axis=1).astype(np.int64)
        best = max(int(regions_with.max()), 1)
        return pd.DataFrame(
            {
                "period": self.periods,
                "regions_with_data": regions_with.astype(np.int64),
                "activities_with_data": (at > 0).sum(axis=0).to_numpy().astype(np.int64),
                "missing_cells": n_missing,
                "complete": regions_with >= complete_share * best,
            }
        )

    def frame(self, period: Hashable | None = None) -> pd.DataFrame:
        """One period as a wide DataFrame (regions x activities)."""
        return pd.DataFrame(
            self.sparse(period).toarray(), index=self.regions, columns=self.activities
        )

    def to_long(self, *, zeros: bool = False) -> pd.DataFrame:
        """The long form: columns ``period, region, activity, value``.

        Parameters
        ----------
        zeros : bool
            Include the zero cells (the full grid) instead of the non-zero ones only.
        """
        r = self.n_regions
        if zeros:
            dense = self.to_dense()
            p_idx, r_idx, a_idx = np.indices(self.shape).reshape(3, -1)
            vals = dense.ravel()
        else:
            coo = self.data.tocoo()
            order = np.lexsort((coo.col, coo.row))
            rows, a_idx, vals = coo.row[order], coo.col[order], coo.data[order]
            p_idx, r_idx = np.divmod(rows, r)
        return pd.DataFrame(
            {
                "period": self.periods.take(p_idx),
                "region": self.regions.take(r_idx),
                "activity": self.activities.take(a_idx),
                "value": vals,
            }
        )

    @cached_property
    def region_totals(self) -> pd.DataFrame:
        """Total value of each region (rows) in each period (columns)."""
        tot = np.asarray(self.data.sum(axis=1)).reshape(self.n_periods, self.n_regions)
        return pd.DataFrame(tot.T, index=self.regions, columns=self.periods)

    @cached_property
    def activity_totals(self) -> pd.DataFrame:
        """Total value of each activity (rows) in each period (columns)."""
        tot = np.stack(
            [np.asarray(self.sparse(p).sum(axis=0)).ravel() for p in self.periods], axis=1
        )
        return pd.DataFrame(tot, index=self.activities, columns=self.periods)

    def empty_cells(self) -> pd.DataFrame:
        """Regions and activities whose total is zero in a period (they get NaN indicators).

        Returns
        -------
        pandas.DataFrame
            Columns ``period, level ("region" or "activity"), label, reason``.
        """
        out = []
        for level, totals in (("region", self.region_totals), ("activity", self.activity_totals)):
            stacked = totals.stack()
            zero = stacked[stacked == 0]
            for label, period in zero.index:
                out.append((period, level, label, f"{level} has a zero total in this period"))
        return pd.DataFrame(out, columns=["period", "level", "label", "reason"])

    # ------------------------------------------------------------------ derived matrices
    def _replace(self, **changes: Any) -> ActivityMatrix:
        fields = {
            "data": self.data,
            "regions": self.regions,
            "activities": self.activities,
            "periods": self.periods,
            "value_name": self.value_name,
            "source": self.source,
            "metadata": self.metadata,
            "missing": self.missing,
        }
        fields.update(changes)
        return ActivityMatrix(**fields)

    def select(
        self,
        *,
        periods: Iterable[Hashable] | None = None,
        regions: Iterable[Hashable] | None = None,
        activities: Iterable[Hashable] | None = None,
    ) -> ActivityMatrix:
        """A new matrix with only the named periods, regions and/or activities (in that order)."""
        dense_rows = np.arange(self.n_periods * self.n_regions).reshape(
            self.n_periods, self.n_regions
        )
        p_pos = np.arange(self.n_periods)
        r_pos = np.arange(self.n_regions)
        a_pos = np.arange(self.n_activities)
        if periods is not None:
            p_pos = np.array([self.period_position(p) for p in periods], dtype=np.int64)
        if regions is not None:
            r_pos = self._positions(self.regions, regions, UnknownRegionError, "region")
        if activities is not None:
            a_pos = self._positions(self.activities, activities, UnknownActivityError, "activity")
        rows = dense_rows[np.ix_(p_pos, r_pos)].ravel()
        return self._replace(
            data=self.data[rows][:, a_pos],
            missing=None if self.missing is None else self.missing[rows][:, a_pos],
            regions=self.regions.take(r_pos),
            activities=self.activities.take(a_pos),
            periods=self.periods.take(p_pos),
        )

    @staticmethod
    def _positions(index: pd.Index, labels: Iterable[Hashable], error: type, word: str):
        labels = list(labels)
        pos = index.get_indexer(labels)
        if (pos < 0).any():
            missing = [lab for lab, q in zip(labels, pos, strict=True) if q < 0]
            raise error(
                f"unknown {word}(s) {format_examples(missing)}",
                expected=f"labels of the matrix, e.g. {format_examples(list(index[:5]))}",
                found=format_examples(missing),
            )
        return pos

    def aggregate(
        self,
        *,
        region: Mapping[Hashable, Hashable]
        | pd.Series
        | Callable[[Any], Hashable]
        | int
        | None = None,
        activity: Mapping[Hashable, Hashable]
        | pd.Series
        | Callable[[Any], Hashable]
        | int
        | None = None,
        unmapped: Literal["error", "keep", "drop"] = "error",
    ) -> ActivityMatrix:
        """Sum values up a classification hierarchy (NACE division -> section, NUTS3 -> NUTS2).

        Parameters
        ----------
        region, activity : mapping, Series, callable or int, optional
            How to map each label to its parent: a ``{child: parent}`` mapping or Series (a code
            list), a function of the label, or an integer ``k`` meaning "the first ``k``
            characters of the code" (a prefix: IPC class -> subclass, NUTS3 -> NUTS2).
        unmapped : {"error", "keep", "drop"}
            What to do with labels the mapping does not cover.

        Returns
        -------
        ActivityMatrix
            Values summed within each parent, for every period. A parent cell is missing only
            when every one of its parts is missing; otherwise it holds the sum of the parts with
            data (a lower bound when some part is missing).

        Examples
        --------
        >>> m = ActivityMatrix.from_dense([[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        ...                               regions=["AT11", "AT12", "AT21"],
        ...                               activities=["C10", "C11", "F41"])
        >>> m.aggregate(activity=1, region=3).frame()
        activity     C    F
        region
        AT1       12.0  9.0
        AT2       15.0  9.0
        """
        out = self
        if region is not None:
            out = out._aggregate_axis("region", region, unmapped)
        if activity is not None:
            out = out._aggregate_axis("activity", activity, unmapped)
        return out

    def _aggregate_axis(self, axis: str, mapping: Any, unmapped: str) -> ActivityMatrix:
        labels = self.regions if axis == "region" else self.activities
        if isinstance(mapping, int) and not isinstance(mapping, bool):
            k = mapping
            if k < 1:
                raise ValidationError(
                    "a code prefix length must be positive", expected=">= 1", found=str(k)
                )
            parents = pd.Series([str(x)[:k] for x in labels], index=labels)
        elif callable(mapping):
            parents = pd.Series([mapping(x) for x in labels], index=labels)
        else:
            lookup = pd.Series(mapping) if not isinstance(mapping, pd.Series) else mapping
            parents = pd.Series(labels.map(lookup.to_dict()), index=labels)
        missing = parents.isna()
        if missing.any():
            if unmapped == "error":
                raise ValidationError(
                    f"the {axis} mapping does not cover every {axis}",
                    expected=f"a parent for each {axis}",
                    found=f"no parent for {format_examples(list(labels[missing.to_numpy()]))}",
                    fix="extend the code list, or pass unmapped='keep' (keep them as they are) "
                    "or unmapped='drop'",
                )
            if unmapped == "keep":
                parents[missing] = labels[missing.to_numpy()]
        keep = parents.notna().to_numpy()
        new_labels = sorted_index(parents[keep], axis)
        codes = new_labels.get_indexer(parents[keep])
        group = sp.csr_array(
            (np.ones(int(keep.sum())), (np.flatnonzero(keep), codes)),
            shape=(len(labels), len(new_labels)),
        )
        if axis == "activity":
            data = sp.csr_array(self.data @ group)
            return self._replace(
                data=data, activities=new_labels, missing=self._all_missing(data, group, axis)
            )
        blocks = sp.block_diag([group.T] * self.n_periods, format="csr")
        data = sp.csr_array(blocks @ self.data)
        return self._replace(
            data=data, regions=new_labels, missing=self._all_missing(data, blocks, axis)
        )

    def _all_missing(
        self, data: sp.csr_array, group: sp.csr_array, axis: str
    ) -> sp.csr_array | None:
        """Aggregated cells every part of which is missing (and so hold no value)."""
        if self.missing is None:
            return None
        flags = sp.csr_array(self.missing, dtype=np.float64)
        if axis == "activity":
            parts = sp.csr_array(sp.csr_array(self.data != 0, dtype=np.float64) @ group)
            gone = sp.csr_array(flags @ group)
        else:
            parts = sp.csr_array(group @ sp.csr_array(self.data != 0, dtype=np.float64))
            gone = sp.csr_array(group @ flags)
        # missing where some part is missing and no part has a value
        has_value = sp.csr_array(parts > 0) + sp.csr_array(data != 0)
        out = sp.csr_array(gone > 0).astype(bool)
        return sp.csr_array(out > sp.csr_array(has_value > 0))

    # ------------------------------------------------------------------ storage
    def equals(self, other: object) -> bool:
        """True when labels, value name and every value are identical."""
        return (
            isinstance(other, ActivityMatrix)
            and self.regions.equals(other.regions)
            and self.activities.equals(other.activities)
            and self.periods.equals(other.periods)
            and self.value_name == other.value_name
            and n_differ(self.data, other.data) == 0
            and self.n_missing == other.n_missing
            and (self.n_missing == 0 or n_differ(self.missing, other.missing) == 0)
        )

    def to_parquet(self, path: str | Path) -> None:
        """Write losslessly to Parquet, with labels and settings in the file metadata."""
        write_parquet(self, path)

    @classmethod
    def read_parquet(cls, path: str | Path) -> ActivityMatrix:
        """Read a file written by :meth:`to_parquet` (all labels kept, zeros included)."""
        return cls(**read_parquet(path))
