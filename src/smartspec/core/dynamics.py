"""Dynamics: entries into and exits from activities between two periods.

An *entry* is a region gaining presence in an activity it was *at risk* of entering (no
presence at the start); an *exit* is the reverse. Presence flickers around the threshold, so two
noise filters are offered, as in the regional-diversification literature: an entry counts only if
the start RCA was well below the threshold (``max_rca_before``) and the presence *persists* in
the following periods (``persistence``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np
import pandas as pd

from ._steps import PresenceMethod, Steps
from .errors import ValidationError
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = ["transitions"]


def transitions(
    m: ActivityMatrix,
    *,
    start: Hashable,
    end: Hashable,
    kind: Literal["entry", "exit"] = "entry",
    max_rca_before: float | None = None,
    min_rca_after: float | None = None,
    persistence: int = 0,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    proximity: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Every (region, activity) at risk of an entry (or exit) between two periods, and whether
    it happened, with the start-period evidence that could have predicted it.

    Parameters
    ----------
    m : ActivityMatrix
    start, end : period labels
        The window; ``end`` after ``start``.
    kind : {"entry", "exit"}
        Entries (at risk: no presence at ``start``) or exits (at risk: presence at ``start``).
    max_rca_before : float, optional
        For entries, at risk only if the start RCA is below this (e.g. 0.5: excludes pairs
        hovering just under the threshold). For exits, at risk only if the start RCA is above it.
    min_rca_after : float, optional
        For entries, an entry only if the end RCA reaches this (above the threshold); for exits,
        an exit only if the end RCA falls below it.
    persistence : int
        The new state must also hold in this many periods after ``end`` (pairs whose later
        periods are not in the data are dropped).
    presence, threshold, population, knn, proximity, profile
        As in :func:`smartspec.analyse`; evidence is computed per period.

    Returns
    -------
    pandas.DataFrame
        ``region, activity, start, end, event, rca_start, rca_end, density, pci, cog,
        ubiquity`` for every at-risk pair (``event`` is 0/1); ``density``, ``pci``, ``cog`` and
        ``ubiquity`` are the start-period values.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). Science, 317(5837).
    Neffke, F., Henning, M., & Boschma, R. (2011). How do regions diversify over time? Economic
    Geography, 87(3), 237-265. doi:10.1111/j.1944-8287.2011.01121.x

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> t = transitions(toy(), start=toy().periods[0], end=toy().periods[1])
    >>> sorted(t["event"].unique().tolist()) in ([0], [1], [0, 1])
    True
    """
    if kind not in ("entry", "exit"):
        raise ValidationError(
            f"unknown transition kind {kind!r}", expected="'entry' or 'exit'", found=repr(kind)
        )
    if int(persistence) != persistence or persistence < 0:
        raise ValidationError(
            "persistence must be a whole number >= 0", expected="e.g. 1", found=repr(persistence)
        )
    p0, p1 = m.period_position(start), m.period_position(end)
    if p1 <= p0:
        raise ValidationError(
            "the end period must come after the start period",
            expected=f"end after {m.periods[p0]!r}",
            found=repr(m.periods[p1]),
        )
    if p1 + persistence >= m.n_periods:  # checked before any list is built from it
        raise ValidationError(
            f"persistence={persistence} needs {persistence} period(s) after {m.periods[p1]!r}",
            expected=f"at most {m.n_periods - 1 - p1} for this end period",
            found=str(persistence),
            fix="choose an earlier end period or a smaller persistence",
        )
    later = list(range(p1, p1 + int(persistence) + 1))
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        population=population,
        knn=knn,
        proximity=proximity,
    )
    M, rca = steps.presence, steps.rca
    if kind == "entry":
        at_risk = M[p0] == 0
        if max_rca_before is not None:
            at_risk &= np.nan_to_num(rca[p0], nan=0.0) < max_rca_before
        event = np.all(M[later] == 1, axis=0)
        if min_rca_after is not None:
            event &= np.all(np.nan_to_num(rca[later], nan=0.0) >= min_rca_after, axis=0)
    else:
        at_risk = M[p0] == 1
        if max_rca_before is not None:
            at_risk &= np.nan_to_num(rca[p0], nan=0.0) > max_rca_before
        event = np.all(M[later] == 0, axis=0)
        if min_rca_after is not None:
            event &= np.all(np.nan_to_num(rca[later], nan=np.inf) < min_rca_after, axis=0)
    # a region or activity with no data at either end cannot enter or exit anything
    defined = np.isfinite(rca[p0]) & np.isfinite(rca[p1])
    at_risk &= defined
    r_idx, a_idx = np.nonzero(at_risk)
    R = m.n_regions
    return pd.DataFrame(
        {
            "region": m.regions.take(r_idx),
            "activity": m.activities.take(a_idx),
            "start": m.periods[p0],
            "end": m.periods[p1],
            "event": event[r_idx, a_idx].astype(np.int64),
            "rca_start": rca[p0, r_idx, a_idx],
            "rca_end": rca[p1, r_idx, a_idx],
            "density": steps.density[p0, r_idx, a_idx],
            "pci": steps.pci[p0, a_idx],
            "cog": steps.cog[p0, r_idx, a_idx],
            "ubiquity": steps.ubiquity[p0, a_idx],
            "diversity": steps.diversity[p0, r_idx] if R else np.array([]),
        }
    )
