"""The standard pipeline in one call: :func:`analyse` returns every indicator as an
:class:`Evidence` object, and :meth:`Evidence.region_profile` summarises one region.

RCA -> presence -> diversity / ubiquity -> proximity -> relatedness density -> ECI / PCI ->
COI / COG, for all periods at once, computed once and labelled.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _labels as labels
from ._steps import POPULATION_METHODS, PresenceMethod, Progress, Steps
from .complexity import warn_left_out
from .errors import UnknownRegionError, ValidationError, format_examples
from .matrix import ActivityMatrix
from .profiles import Profile
from .reliability import rca_bounds

__all__ = ["Evidence", "EvidenceArrays", "RegionProfile", "analyse"]


def analyse(
    m: ActivityMatrix,
    *,
    profile: str | Profile = "atlas",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    proximity: str | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    progress: Progress | None = None,
    sign: str | None = None,
    income: pd.Series | None = None,
) -> Evidence:
    """Compute the standard evidence pipeline for every period.

    Parameters
    ----------
    m : ActivityMatrix
        Region x activity (x period) values.
    profile : str or Profile
        Named conventions (``"atlas"`` reproduces the Growth Lab Stata package); see
        :mod:`smartspec.core.profiles`.
    presence : {"rca", "rpop", "either", "both", "manual"}
        How presence is decided: RCA, RPOP (needs ``population``), ``either`` test passing
        (RCA or RPOP: Stata ``ecomplexity`` given both ``rca()`` and ``rpop()``), ``both``
        tests passing (RCA and RPOP), or ``m`` already 0/1. See ``docs/conventions.md``.
    threshold, strict : optional
        Override the profile's presence threshold and its strictness (``>`` vs ``>=``).
    population : pandas.Series, optional
        Population by region or by ``(period, region)``, for RPOP.
    proximity : {"min_conditional", "asymmetric"}, optional
        Override the profile's proximity measure: ``min_conditional``
        :math:`\\phi_{a'a} = C_{a'a} / \\max(k_{a'}, k_a)`, or ``asymmetric``
        :math:`\\phi_{a'a} = C_{a'a} / k_a = P(M_{ra'} = 1 \\mid M_{ra} = 1)` (Stata's
        ``asym``; ``a`` is the target of the density and COG, ``activity_to`` in the proximity
        table).
    diagonal : str, optional
        Override the profile's diagonal rule.
    knn : int, optional
        kNN relatedness density (weights kept): each activity's neighbours are the activities
        whose proximity to it is at least its ``knn``-th largest, ties included (Stata's rule;
        never a choice by position).
    progress : callable, optional
        ``progress(step, done, total)`` is called as each step finishes.
    sign : {"diversity", "ubiquity", "income"}, optional
        Override the profile's sign rule. ``"income"`` anchors the sign on ``income``: in each
        period ECI correlates positively (Spearman) with it.
    income : pandas.Series, optional
        An income or productivity series (GDP per head...) by region or by ``(period,
        region)``, for ``sign="income"`` (``smartspec.datasets.context`` has them for the
        bundled datasets).

    Returns
    -------
    Evidence

    Examples
    --------
    >>> from smartspec.datasets import toy
    >>> ev = analyse(toy())
    >>> list(ev.cells.columns)
    ['period', 'region', 'activity', 'value', 'rca', 'presence', 'density', 'cog']
    >>> list(ev.regions.columns)
    ['period', 'region', 'diversity', 'eci', 'coi']
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        proximity=proximity,
        diagonal=diagonal,
        knn=knn,
        progress=progress,
        sign=sign,
        income=income,
    )
    # compute every step now, so errors surface here and progress is reported in order
    _ = steps.cog, steps.coi
    warn_left_out(m, steps)
    settings = {
        "profile": steps.profile.name,
        "presence": presence,
        "threshold": steps.profile.threshold,
        "strict": steps.profile.strict,
        "proximity": steps.profile.proximity,
        "diagonal": steps.profile.diagonal,
        "knn": knn,
        "sign": steps.profile.sign,
        "conventions": steps.profile.to_dict(),
    }
    steps.step("tables")
    return Evidence(matrix=m, settings=settings, _steps=steps)


@dataclass(frozen=True)
class RegionProfile:
    """A region's evidence profile for one period.

    Attributes
    ----------
    region, period : labels
    eci : float
        ECI (NaN when undefined).
    eci_rank : int or None
        1 for the most complex region of the period.
    n_ranked : int
        Number of regions with an ECI in the period.
    diversity : int
    coi : float
    specialisations : pandas.DataFrame
        Activities with presence, by descending RCA: ``activity, value, rca, pci, rca_low,
        rca_high, reliable``.
    opportunities : pandas.DataFrame
        Real candidates without presence, by the ``rank_by`` column: ``activity, value, rca,
        density, pci, cog, reliable``.
    rank_by : str
        The column that orders the opportunities.
    has_data : bool
        False when the region has no value in the period: then it gets no specialisations and
        no opportunities, only a notice.
    missing_share : float
        Share of the region's activity cells that are missing (suppressed or confidential).
    hidden : int
        Cells left out of the two lists because their counts are too small to tell
        (``reliable`` False; see :func:`smartspec.core.reliability.rca_bounds`).
    notices : tuple of str
        What the reader must know to read the lists (no data, suppressed cells, hidden cells).
    """

    region: Hashable
    period: Hashable
    eci: float
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: float
    specialisations: pd.DataFrame
    opportunities: pd.DataFrame
    rank_by: str = "density"
    has_data: bool = True
    missing_share: float = 0.0
    hidden: int = 0
    notices: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (NaN as None)."""

        def clean(x: Any) -> Any:
            if isinstance(x, float | np.floating):
                return None if np.isnan(x) else float(x)
            if isinstance(x, np.integer):
                return int(x)
            return x

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: clean(v) for k, v in row.items()} for row in df.to_dict("records")]

        return {
            "region": clean(self.region),
            "period": clean(self.period),
            "eci": clean(self.eci),
            "eci_rank": self.eci_rank,
            "n_ranked": self.n_ranked,
            "diversity": self.diversity,
            "coi": clean(self.coi),
            "rank_by": self.rank_by,
            "has_data": self.has_data,
            "missing_share": clean(self.missing_share),
            "hidden": self.hidden,
            "notices": list(self.notices),
            "specialisations": records(self.specialisations),
            "opportunities": records(self.opportunities),
        }


class EvidenceArrays:
    """The indicators of an :class:`Evidence` as dense arrays on its labelled axes.

    Every array is indexed by positions on :attr:`periods`, :attr:`regions` and
    :attr:`activities` (in that order), the same labels and values as the long tables of
    :class:`Evidence`, without building or reshaping them. Each array is computed once (by the
    pipeline) and shared: treat them as read-only.

    Attributes
    ----------
    periods, regions, activities : pandas.Index
        The axes.
    value, rca, density, cog : numpy.ndarray
        Shape (P, R, A); ``value`` is NaN where a cell is missing (suppressed or confidential).
    presence : numpy.ndarray
        Shape (P, R, A), bool.
    diversity, eci, coi : numpy.ndarray
        Shape (P, R).
    ubiquity, pci : numpy.ndarray
        Shape (P, A).
    proximity : numpy.ndarray
        Shape (P, A, A), rows ``activity_from``.

    Examples
    --------
    >>> from smartspec import ActivityMatrix, analyse
    >>> m = ActivityMatrix.from_dense([[[4, 1, 0], [1, 3, 2], [0, 2, 5]]],
    ...     periods=[2020], regions=["A", "B", "C"], activities=["x", "y", "z"])
    >>> a = analyse(m).arrays
    >>> a.rca.shape, list(a.regions)
    ((1, 3, 3), ['A', 'B', 'C'])
    >>> a.presence[0, 0].tolist()
    [True, False, False]
    """

    def __init__(self, evidence: Evidence) -> None:
        self._steps = evidence._steps
        m = evidence.matrix
        self.periods: pd.Index = m.periods
        self.regions: pd.Index = m.regions
        self.activities: pd.Index = m.activities

    def __repr__(self) -> str:
        P, R, A = len(self.periods), len(self.regions), len(self.activities)
        return f"EvidenceArrays({P} periods x {R} regions x {A} activities)"

    @cached_property
    def value(self) -> np.ndarray:
        s = self._steps
        return s._unknown_as_nan(s.values.astype(np.float64, copy=True))

    @property
    def rca(self) -> np.ndarray:
        return self._steps.rca

    @property
    def presence(self) -> np.ndarray:
        return self._steps.mask.astype(bool, copy=False)

    @property
    def density(self) -> np.ndarray:
        return self._steps.density

    @property
    def cog(self) -> np.ndarray:
        return self._steps.cog

    @property
    def diversity(self) -> np.ndarray:
        return self._steps.diversity

    @property
    def eci(self) -> np.ndarray:
        return self._steps.eci

    @property
    def coi(self) -> np.ndarray:
        return self._steps.coi

    @property
    def ubiquity(self) -> np.ndarray:
        return self._steps.ubiquity

    @property
    def pci(self) -> np.ndarray:
        return self._steps.pci

    @property
    def proximity(self) -> np.ndarray:
        return self._steps.phi


@dataclass(frozen=True)
class Evidence:
    """Every indicator of the standard pipeline, for every period, as labelled long tables.

    Attributes
    ----------
    matrix : ActivityMatrix
        The input.
    settings : dict
        The resolved options and profile conventions.
    cells : pandas.DataFrame
        ``period, region, activity, value, rca, presence, density, cog`` (plus ``rpop`` when
        computed, and ``missing`` when the matrix has missing cells: their value and RCA are
        NaN and their presence 0), every cell of the grid.
    regions : pandas.DataFrame
        ``period, region, diversity, eci, coi``.
    activities : pandas.DataFrame
        ``period, activity, ubiquity, pci``.
    proximity : pandas.DataFrame
        ``period, activity_from, activity_to, proximity``.
    notes : pandas.DataFrame
        ``period, level, label, reason``: why some results are NaN.
    diagnostics : pandas.DataFrame
        One row per period (eigenvalues, spectral gap, counts).
    """

    matrix: ActivityMatrix
    settings: dict[str, Any]
    _steps: Steps = field(repr=False)

    @cached_property
    def arrays(self) -> EvidenceArrays:
        """The indicators as dense labelled arrays (:class:`EvidenceArrays`)."""
        return EvidenceArrays(self)

    @cached_property
    def cells(self) -> pd.DataFrame:
        s = self._steps
        values = s.values
        if self.matrix.missing is not None:
            values = s._unknown_as_nan(values.copy())
        cols = {"value": values, "rca": s.rca}
        if s.presence_method in POPULATION_METHODS:
            cols["rpop"] = s.rpop
        cols.update({"presence": s.presence.astype(np.int64), "density": s.density, "cog": s.cog})
        if self.matrix.missing is not None:
            cols["missing"] = self.matrix.missing_mask()
        return labels.long_cells(self.matrix, cols)

    @cached_property
    def regions(self) -> pd.DataFrame:
        s, m = self._steps, self.matrix
        return pd.DataFrame(
            {
                "period": np.repeat(m.periods.to_numpy(), m.n_regions),
                "region": np.tile(m.regions.to_numpy(), m.n_periods),
                "diversity": s.diversity.reshape(-1).astype(np.int64),
                "eci": s.eci.reshape(-1),
                "coi": s.coi.reshape(-1),
            }
        )

    @cached_property
    def activities(self) -> pd.DataFrame:
        s, m = self._steps, self.matrix
        return pd.DataFrame(
            {
                "period": np.repeat(m.periods.to_numpy(), m.n_activities),
                "activity": np.tile(m.activities.to_numpy(), m.n_periods),
                "ubiquity": s.ubiquity.reshape(-1).astype(np.int64),
                "pci": s.pci.reshape(-1),
            }
        )

    @cached_property
    def proximity(self) -> pd.DataFrame:
        m, A = self.matrix, self.matrix.n_activities
        return pd.DataFrame(
            {
                "period": np.repeat(m.periods.to_numpy(), A * A),
                "activity_from": np.tile(np.repeat(m.activities.to_numpy(), A), m.n_periods),
                "activity_to": np.tile(m.activities.to_numpy(), A * m.n_periods),
                "proximity": self._steps.phi.reshape(-1),
            }
        )

    @cached_property
    def notes(self) -> pd.DataFrame:
        return self._steps.notes()

    @cached_property
    def diagnostics(self) -> pd.DataFrame:
        return self._steps.diagnostics()

    @property
    def profile(self) -> Profile:
        """The conventions used."""
        return self._steps.profile

    def tables(self) -> dict[str, pd.DataFrame]:
        """The output tables by file name: cells, regions, activities, proximity, notes."""
        return {
            "cells": self.cells,
            "regions": self.regions,
            "activities": self.activities,
            "proximity": self.proximity,
            "notes": self.notes,
        }

    def cell_arrays(self, period: int, regions: slice | None = None) -> dict[str, np.ndarray]:
        """The value columns of :attr:`cells` for one period, as (regions, activities) arrays.

        The same values as the long table, without forming it (for writers that stream it):
        ``value, rca, [rpop,] presence, density, cog``.

        Parameters
        ----------
        period : int
            The period's position (0 for the first).
        regions : slice, optional
            A range of region positions (step 1); default all.

        Returns
        -------
        dict of str to numpy.ndarray
            Column name -> array of shape (regions in the range, activities); ``presence`` as
            int64 0/1.
        """
        s, m = self._steps, self.matrix
        r0, r1, _ = (regions or slice(None)).indices(m.n_regions)
        if s.computed("values"):
            values = s.values[period, r0:r1]
        else:  # from the sparse matrix: no dense copy of every period's values
            first = period * m.n_regions
            values = m.data[first + r0 : first + r1].toarray()
        cols = {"value": values, "rca": s.rca[period, r0:r1]}
        if s.presence_method in POPULATION_METHODS:
            cols["rpop"] = s.rpop[period, r0:r1]
        cols["presence"] = s.mask[period, r0:r1].astype(np.int64)
        cols["density"] = s.density[period, r0:r1]
        cols["cog"] = s.cog[period, r0:r1]
        if m.missing is not None:
            first = period * m.n_regions
            gone = m.missing[first + r0 : first + r1].toarray()
            cols["value"] = np.where(gone, np.nan, values)
            cols["missing"] = gone
        return cols

    def proximity_array(self, period: int) -> np.ndarray:
        """The values of :attr:`proximity` for one period (position), as an (A, A) array
        (rows ``activity_from``), without forming every period's."""
        return self._steps._phi_period(period)

    def region_profile(
        self,
        region: Hashable,
        *,
        period: Hashable | None = None,
        top: int = 10,
        rank_by: Literal["density", "cog", "pci"] = "density",
        reliable_only: bool = True,
        count_unit: float | Literal["metadata"] | None = "metadata",
    ) -> RegionProfile:
        """A region's evidence profile: top specialisations, ECI and rank, best opportunities.

        Only evidence is listed. A region without data in the period gets no lists, only a
        notice. An opportunity is a real candidate: an activity the region lacks, that other
        regions have, and whose cell is not missing (suppressed) for this region. With
        ``reliable_only``, cells whose counts are too small to tell presence from absence are
        left out of both lists (counted in ``hidden``).

        Parameters
        ----------
        region : label
            The region (its code as in the matrix).
        period : label, optional
            Defaults to the latest period.
        top : int
            How many specialisations and opportunities to list.
        rank_by : {"density", "cog", "pci"}
            Order of the opportunities: relatedness density (default: what the region is
            closest to), complexity outlook gain, or complexity.
        reliable_only : bool
            Leave out cells whose RCA interval straddles the presence threshold on a small
            count (:func:`smartspec.core.reliability.rca_bounds`).
        count_unit : float, None or "metadata"
            Counted units per unit of value (1 for persons, 1000 for thousands); ``None``: the
            values are not counts and every cell with data is reliable; ``"metadata"``
            (default): the matrix's ``metadata["count_unit"]`` (None when absent).

        Returns
        -------
        RegionProfile

        Examples
        --------
        >>> from smartspec.datasets import toy
        >>> prof = analyse(toy()).region_profile("R1", top=3)
        >>> list(prof.opportunities.columns)
        ['activity', 'value', 'rca', 'density', 'pci', 'cog', 'reliable']
        """
        m, s = self.matrix, self._steps
        if rank_by not in ("density", "cog", "pci"):
            raise ValidationError(
                f"cannot rank opportunities by {rank_by!r}",
                expected="density, cog or pci",
                found=repr(rank_by),
            )
        r = m.regions.get_indexer([region])[0]
        if r < 0:
            as_text = [str(x) for x in m.regions]
            if str(region) in as_text:
                r = as_text.index(str(region))
            else:
                raise UnknownRegionError(
                    f"region {region!r} is not in the data",
                    expected=f"a region code such as {format_examples(list(m.regions[:5]))}",
                    found=repr(region),
                )
        p = m.n_periods - 1 if period is None else m.period_position(period)
        eci_p = s.eci[p]
        eci = float(eci_p[r])
        valid = ~np.isnan(eci_p)
        rank = int((eci_p[valid] > eci).sum() + 1) if np.isfinite(eci) else None
        values = m.sparse(m.periods[p]).toarray()
        R = m.n_regions
        gone = (
            np.zeros(values.shape, dtype=bool)
            if m.missing is None
            else m.missing[p * R : (p + 1) * R].toarray()
        )
        unit = m.metadata.get("count_unit") if count_unit == "metadata" else count_unit
        low, high, reliable = rca_bounds(
            values,
            count_unit=None if unit is None else float(unit),
            threshold=s.profile.threshold,
            missing=gone,
        )
        has_data = bool(values[r].sum() > 0)
        no_population = (
            has_data and s.presence_method in POPULATION_METHODS and not np.isfinite(s.pop[p, r])
        )
        has_data = has_data and not no_population
        table = pd.DataFrame(
            {
                "activity": m.activities,
                "value": np.where(gone[r], np.nan, values[r]),
                "rca": s.rca[p, r],
                "presence": s.presence[p, r],
                "density": s.density[p, r],
                "pci": s.pci[p],
                "cog": s.cog[p, r],
                "rca_low": low[r],
                "rca_high": high[r],
                "reliable": reliable[r],
            }
        )
        keep = table.reliable if reliable_only else np.ones(len(table), dtype=bool)
        is_spec = (table.presence == 1).to_numpy() & has_data
        is_cand = s.candidates[p, r] & table[rank_by].notna().to_numpy()
        hidden = int(((is_spec | is_cand) & ~keep).sum())
        spec = (
            table[is_spec & keep]
            .sort_values(["rca", "value"], ascending=False)
            .head(top)[["activity", "value", "rca", "pci", "rca_low", "rca_high", "reliable"]]
            .reset_index(drop=True)
        )
        opp = (
            table[is_cand & keep]
            .sort_values([rank_by, "pci"], ascending=False)
            .head(top)[["activity", "value", "rca", "density", "pci", "cog", "reliable"]]
            .reset_index(drop=True)
        )
        share = float(gone[r].mean())
        notices = []
        if no_population:
            notices.append(
                f"no population for region {m.regions[r]} in period {m.periods[p]}: presence "
                f"by {s.presence_method.upper()} is undefined, so it gets no specialisations and "
                "no recommendations"
            )
        elif not has_data:
            notices.append(
                f"no data for region {m.regions[r]} in period {m.periods[p]}: it gets no "
                "specialisations and no recommendations"
            )
        if share > 0:
            notices.append(
                f"{share:.0%} of the region's activity cells are suppressed or confidential in "
                "the source: they are left out, not read as zero"
            )
        if hidden:
            notices.append(
                f"{hidden} activit(y/ies) rest on counts too small to tell presence from absence "
                "and are not listed (reliable_only=False shows them)"
            )
        return RegionProfile(
            region=m.regions[r],
            period=m.periods[p],
            eci=eci,
            eci_rank=rank,
            n_ranked=int(valid.sum()),
            diversity=int(s.diversity[p, r]),
            coi=float(s.coi[p, r]),
            specialisations=spec,
            opportunities=opp,
            rank_by=rank_by,
            has_data=has_data,
            missing_share=share,
            hidden=hidden,
            notices=tuple(notices),
        )
