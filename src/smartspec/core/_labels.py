"""Private helpers that put labels on period-stacked arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .matrix import ActivityMatrix


def cells(m: ActivityMatrix, arr: np.ndarray) -> pd.DataFrame:
    """(P, R, A) -> DataFrame indexed by (period, region), one column per activity."""
    index = pd.MultiIndex.from_product([m.periods, m.regions], names=["period", "region"])
    return pd.DataFrame(arr.reshape(-1, m.n_activities), index=index, columns=m.activities)


def by_region(m: ActivityMatrix, arr: np.ndarray, name: str) -> pd.Series:
    """(P, R) -> Series indexed by (period, region)."""
    index = pd.MultiIndex.from_product([m.periods, m.regions], names=["period", "region"])
    return pd.Series(arr.reshape(-1), index=index, name=name)


def by_activity(m: ActivityMatrix, arr: np.ndarray, name: str) -> pd.Series:
    """(P, A) -> Series indexed by (period, activity)."""
    index = pd.MultiIndex.from_product([m.periods, m.activities], names=["period", "activity"])
    return pd.Series(arr.reshape(-1), index=index, name=name)


def pairs(m: ActivityMatrix, arr: np.ndarray) -> pd.DataFrame:
    """(P, A, A) -> DataFrame indexed by (period, activity_from), columns activity_to."""
    index = pd.MultiIndex.from_product([m.periods, m.activities], names=["period", "activity_from"])
    cols = m.activities.copy()
    cols.name = "activity_to"
    return pd.DataFrame(arr.reshape(-1, m.n_activities), index=index, columns=cols)


def long_cells(m: ActivityMatrix, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long table period, region, activity, <columns...> from (P, R, A) arrays."""
    P, R, A = m.shape
    p_idx = np.repeat(np.arange(P), R * A)
    r_idx = np.tile(np.repeat(np.arange(R), A), P)
    a_idx = np.tile(np.arange(A), P * R)
    out = {
        "period": m.periods.take(p_idx),
        "region": m.regions.take(r_idx),
        "activity": m.activities.take(a_idx),
    }
    out.update({k: v.reshape(-1) for k, v in columns.items()})
    return pd.DataFrame(out)


def text_or_none(values: pd.Series) -> pd.Series:
    """Label text as an object Series with ``None`` where missing or blank.

    Missing values arrive as ``NaN``, ``None`` or ``pd.NA`` depending on the pandas version and
    the column's dtype (pandas 3 reads text as ``str`` dtype, whose ``where(..., None)`` gives
    ``NaN`` back); every one of them, and the empty string, becomes ``None`` here so that JSON
    shows ``null`` and pages show a blank.
    """
    out = [None if _missing(v) else str(v) for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=object, name=values.name)


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or (isinstance(v, str) and not v.strip()):
        return True
    return isinstance(v, float) and v != v
