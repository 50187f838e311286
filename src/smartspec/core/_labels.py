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
    index = pd.MultiIndex.from_product(
        [m.periods, m.activities], names=["period", "activity_from"]
    )
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
