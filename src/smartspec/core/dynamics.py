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

__all__ = ["DEFINITIONS", "transitions", "window_sets"]

#: Named entry definitions. ``loose``: any pair without presence at the start is at risk and
#: any presence at the end is an entry. ``strict``: at risk only with a start RCA below 0.5 and
#: no presence in any earlier period of the panel (no re-entry); the entry must persist one
#: more period when the panel has one (exits: the end RCA falls below 0.5 and stays below 1).
DEFINITIONS = ("loose", "strict")
#: The RCA bounds of the strict definition.
STRICT_RCA = 0.5


def window_sets(
    presence: np.ndarray,
    rca: np.ndarray,
    p0: int,
    p1: int,
    *,
    kind: Literal["entry", "exit"] = "entry",
    max_rca_before: float | None = None,
    min_rca_after: float | None = None,
    no_reentry: bool = False,
    persistence: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The at-risk pairs of a window and the pairs whose transition happened.

    Parameters
    ----------
    presence, rca : numpy.ndarray
        ``(periods, regions, activities)``; RCA is NaN at missing (suppressed) cells.
    p0, p1 : int
        Positions of the start and end periods.
    kind, max_rca_before, min_rca_after, persistence
        As in :func:`transitions`; the periods ``p1 + 1 .. p1 + persistence`` must exist.
    no_reentry : bool
        Entries: at risk only if the pair had no presence in any period up to ``p0``
        (exits: only if it was present in every period up to ``p0``).

    Returns
    -------
    at_risk, event : numpy.ndarray of bool, ``(regions, activities)``
        A pair with a missing cell at either end is never at risk.
    """
    M, later = presence, list(range(p1, p1 + int(persistence) + 1))
    if kind == "entry":
        at_risk = M[p0] == 0
        if max_rca_before is not None:
            at_risk &= np.nan_to_num(rca[p0], nan=0.0) < max_rca_before
        if no_reentry:
            at_risk &= ~np.any(M[: p0 + 1] == 1, axis=0)
        event = np.all(M[later] == 1, axis=0)
        if min_rca_after is not None:
            event &= np.all(np.nan_to_num(rca[later], nan=0.0) >= min_rca_after, axis=0)
    else:
        at_risk = M[p0] == 1
        if max_rca_before is not None:
            at_risk &= np.nan_to_num(rca[p0], nan=0.0) > max_rca_before
        if no_reentry:
            at_risk &= np.all(M[: p0 + 1] == 1, axis=0)
        event = np.all(M[later] == 0, axis=0)
        if min_rca_after is not None:
            event &= np.all(np.nan_to_num(rca[later], nan=np.inf) < min_rca_after, axis=0)
    # a region or activity with no data at either end cannot enter or exit anything
    at_risk &= np.isfinite(rca[p0]) & np.isfinite(rca[p1])
    return at_risk, event


def strict_options(kind: str, p1: int, last: int) -> dict[str, object]:
    """The filters of the ``strict`` definition for a window ending at position ``p1`` when
    ``last`` is the last period whose data may be read."""
    bound = "max_rca_before" if kind == "entry" else "min_rca_after"
    return {bound: STRICT_RCA, "no_reentry": kind == "entry", "persistence": min(1, last - p1)}


def transitions(
    m: ActivityMatrix,
    *,
    start: Hashable,
    end: Hashable,
    kind: Literal["entry", "exit"] = "entry",
    definition: str = "loose",
    max_rca_before: float | None = None,
    min_rca_after: float | None = None,
    persistence: int = 0,
    no_reentry: bool = False,
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
    definition : {"loose", "strict"}
        ``strict`` (see :data:`DEFINITIONS`) sets the filters below: for entries a start RCA
        below 0.5, no re-entry and persistence for one more period where the panel has one.
    max_rca_before : float, optional
        For entries, at risk only if the start RCA is below this (e.g. 0.5: excludes pairs
        hovering just under the threshold). For exits, at risk only if the start RCA is above it.
    min_rca_after : float, optional
        For entries, an entry only if the end RCA reaches this (above the threshold); for exits,
        an exit only if the end RCA falls below it.
    persistence : int
        The new state must also hold in this many periods after ``end`` (pairs whose later
        periods are not in the data are dropped).
    no_reentry : bool
        For entries, at risk only without presence in any period up to ``start``.
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
    if definition not in DEFINITIONS:
        raise ValidationError(
            f"unknown entry definition {definition!r}",
            expected=" or ".join(map(repr, DEFINITIONS)),
            found=repr(definition),
        )
    p0, p1 = m.period_position(start), m.period_position(end)
    if definition == "strict" and p1 > p0:
        strict = strict_options(kind, p1, m.n_periods - 1)
        max_rca_before = strict.get("max_rca_before", max_rca_before)  # type: ignore[assignment]
        min_rca_after = strict.get("min_rca_after", min_rca_after)  # type: ignore[assignment]
        no_reentry = bool(strict["no_reentry"])
        persistence = int(strict["persistence"])  # type: ignore[call-overload]
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
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        population=population,
        knn=knn,
        proximity=proximity,
    )
    rca = steps.rca
    at_risk, event = window_sets(
        steps.presence,
        rca,
        p0,
        p1,
        kind=kind,
        max_rca_before=max_rca_before,
        min_rca_after=min_rca_after,
        no_reentry=no_reentry,
        persistence=persistence,
    )
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
