"""Typed views of the evidence domain: one function per resource, returning a typed result.

The API serialises the result as it is (it is the route's ``response_model``), the dashboard
renders it by direct call, and ``smartspec profile --json`` prints it: a field added here (and
shown in a template) reaches every interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from smartspec.domains.datasets.service import _coverage

from .service import _activity_rows, _num, view

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "ChangeItem",
    "Changes",
    "HistoryPoint",
    "MapInfo",
    "ProfileActivity",
    "RegionProfile",
    "Specialisation",
    "region_profile",
]

Period = int | str
Number = float | None
RankBy = Literal["density", "cog", "pci"]


class MapInfo(BaseModel):
    """How the regions can be mapped."""

    boundaries: str | None = Field(
        None, description="Boundary set of the regions (nuts2021-2, us-states, world) or null."
    )
    region_level: str | None = None


class Specialisation(BaseModel):
    """An activity where a region has presence."""

    activity: str
    activity_name: str | None = None
    value: float
    rca: Number
    pci: Number
    rca_low: Number = Field(
        None, description="Poisson 95% interval of the RCA (null when the values are not counts)."
    )
    rca_high: Number = None
    reliable: bool = Field(
        True, description="The count is large, or the RCA interval excludes the presence threshold."
    )


class ProfileActivity(BaseModel):
    """A diversification opportunity of a region: an activity it lacks, that other regions
    have, whose cell is not suppressed."""

    activity: str
    activity_name: str | None = None
    value: Number = None
    rca: Number = None
    density: Number = None
    pci: Number = None
    cog: Number = None
    reliable: bool = True


class HistoryPoint(BaseModel):
    """A region's complexity in one period."""

    period: Period
    eci: Number
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: Number
    total: float


class ChangeItem(BaseModel):
    """An activity whose presence changed."""

    activity: str
    activity_name: str | None = None
    rca: Number = None
    rca_before: Number = None


class Changes(BaseModel):
    """Activities gained and lost since the previous period."""

    since: Period
    gained: list[ChangeItem]
    lost: list[ChangeItem]


class RegionProfile(BaseModel):
    """A region's evidence profile: what the API answers, the dashboard's region page shows and
    ``smartspec profile --json`` prints (``RegionProfile.to_dict()`` of the core, with names,
    history over every period, changes since the previous period and map information)."""

    dataset: str
    region: str
    region_name: str | None = None
    parent: str | None = None
    period: Period
    value_name: str
    total: float = Field(description="The region's total value in the period.")
    share_of_total: Number = Field(
        None,
        description="The region's share of the dataset's total value in the period "
        "(null when the total is zero or unknown).",
    )
    eci: Number
    eci_rank: int | None
    n_ranked: int
    diversity: int
    coi: Number
    rank_by: str
    specialisations: list[Specialisation]
    opportunities: list[ProfileActivity]
    history: list[HistoryPoint]
    changes: Changes | None = Field(description="Null for a dataset with one period.")
    map: MapInfo
    has_data: bool = Field(
        True,
        description="False: no data for the region in the period, "
        "so no specialisations and no recommendations.",
    )
    missing_share: Number = Field(
        0.0,
        description="Share of the region's activity cells "
        "suppressed or confidential in the source.",
    )
    hidden: int = Field(
        0,
        description="Cells left out of the lists: counts too small to tell "
        "(show_unreliable=true lists them).",
    )
    notices: list[str] = Field(
        default_factory=list, description="What the reader must know to read the lists."
    )
    complete_period: bool = True
    settings: dict[str, Any] = Field(
        default_factory=dict, description="The sign rule and profile the complexity figures use."
    )
    warnings: list[str] = Field(default_factory=list)


def region_profile(
    app: SmartSpecApp,
    dataset: str,
    code: str,
    *,
    period: str | None = None,
    top: int = 10,
    rank_by: RankBy = "density",
    options: Mapping[str, Any] | None = None,
    show_unreliable: bool = False,
) -> RegionProfile:
    """A region's profile (:class:`RegionProfile`): the core's
    :meth:`~smartspec.core.evidence.Evidence.region_profile` with names, history over every
    period, activities gained and lost since the previous period, and map information.

    A region without data in the period gets empty lists and a notice; cells on counts too
    small to tell are left out unless ``show_unreliable``.

    Parameters
    ----------
    app : SmartSpecApp
        The platform.
    dataset : str
        A dataset of its catalogue.
    code : str
        The region: code or name, as :func:`smartspec.core.lookup.resolve` reads it.
    period : str, optional
        Default: the latest.
    top : int
        Rows in each list.
    rank_by : {"density", "cog", "pci"}
        Order of the opportunities.
    options : mapping, optional
        Analysis options (``profile``, ``presence``, ``sign``...; the dataset's defaults fill
        the others).
    show_unreliable : bool
        Also list cells whose counts are too small to tell.
    """
    v = view(app, dataset, **(options or {}))
    r = v.region(code)
    p = v.period(period)
    m = v.matrix
    rp = v.evidence.region_profile(
        m.regions[r],
        period=m.periods[p],
        top=top,
        rank_by=rank_by,
        reliable_only=not show_unreliable,
    )
    doc = rp.to_dict()
    labels = v.region_labels.iloc[r]
    meta = app.dataset_info(dataset)
    history = [
        {
            "period": v.period_label(q),
            "eci": _num(v.eci[q, r]),
            "eci_rank": None if np.isnan(v.eci_rank[q, r]) else int(v.eci_rank[q, r]),
            "n_ranked": int((~np.isnan(v.eci[q])).sum()),
            "diversity": int(v.diversity[q, r]),
            "coi": _num(v.coi[q, r]),
            "total": float(v.region_totals[q, r]),
        }
        for q in range(m.n_periods)
    ]
    changes = None
    if p > 0:
        now, before = v.presence[p, r], v.presence[p - 1, r]

        def items(mask: np.ndarray) -> list[dict[str, Any]]:
            idx = np.flatnonzero(mask)
            idx = idx[np.argsort(-np.nan_to_num(v.rca[p, r, idx], nan=-1.0), kind="stable")]
            return [
                {
                    "activity": v.activity_codes[a],
                    "activity_name": v.activity_names.get(v.activity_codes[a]),
                    "rca": _num(v.rca[p, r, a]),
                    "rca_before": _num(v.rca[p - 1, r, a]),
                }
                for a in idx
            ]

        changes = {
            "since": v.period_label(p - 1),
            "gained": items(now & ~before),
            "lost": items(before & ~now),
        }
    doc.update(
        {
            "dataset": dataset,
            "region": v.region_codes[r],
            "region_name": labels["name"],
            "parent": labels["parent"],
            "period": v.period_label(p),
            "value_name": m.value_name,
            "total": float(v.region_totals[p, r]),
            "share_of_total": _num(v.region_totals[p, r] / np.nansum(v.region_totals[p]))
            if np.nansum(v.region_totals[p]) > 0
            else None,
            "specialisations": _activity_rows(v, doc["specialisations"]),
            "opportunities": _activity_rows(v, doc["opportunities"]),
            "history": history,
            "changes": changes,
            "map": {"boundaries": meta.get("boundaries"), "region_level": meta.get("region_level")},
            "complete_period": bool(_coverage(app, dataset)[p]),
            "settings": {
                "sign": dict(v.options).get("sign", "diversity"),
                "profile": dict(v.options).get("profile"),
            },
            "warnings": v.warnings + list(rp.notices),
        }
    )
    return RegionProfile.model_validate(doc)
