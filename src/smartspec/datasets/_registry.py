"""The registry of bundled datasets: ``data/registry.json`` read into :class:`DatasetInfo`.

``registry.json`` is written by ``tools/build_datasets.py`` together with the data files, so the
counts (regions, activities, periods, non-zero cells) always describe the bundled files.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from ..core.errors import UnknownDatasetError, format_examples

__all__ = [
    "RECOMMENDERS",
    "RECOMMENDER_REASONS",
    "DatasetInfo",
    "data_file",
    "dataset_names",
    "get_info",
    "registry",
]

#: Package that holds the ``data/`` folder.
_PACKAGE = "smartspec.datasets"


#: Why a dataset's next specialisations are ranked by relatedness density rather than by the
#: learned entry model (:mod:`smartspec.learn`), by reason code.
RECOMMENDER_REASONS: dict[str, str] = {
    "one_period": "the dataset has a single period: there is no earlier window to learn from",
    "small_panel": "too few regions, activities or entries for the learned model to beat the "
    "baselines",
    "not_validated": "the learned model has not yet been backtested against density here",
}

#: The score each bundled dataset ranks its next specialisations by: ``learned`` where the
#: strict-entry backtests show the learned model beating density and ubiquity (ROC-AUC +0.05 to
#: +0.14), else ``density`` with a code of :data:`RECOMMENDER_REASONS`. A dataset missing here
#: gets density, ``not_validated`` (``one_period`` when it has a single period).
RECOMMENDERS: dict[str, dict[str, str]] = {
    "nz-urban-industry": {"recommender": "learned"},
    "au-sa3-industry": {"recommender": "learned"},
    "us-state-industry": {"recommender": "density", "recommender_reason": "one_period"},
    "world-trade": {"recommender": "density", "recommender_reason": "one_period"},
    "eu-h2020-sdg": {"recommender": "density", "recommender_reason": "small_panel"},
    "mx-tamaulipas": {"recommender": "density", "recommender_reason": "small_panel"},
    "eu-nuts2-ardeco": {"recommender": "density", "recommender_reason": "small_panel"},
    "eu-nuts2-sbs": {"recommender": "density", "recommender_reason": "small_panel"},
}


def data_file(filename: str) -> Traversable:
    """A file of the bundled ``data/`` folder (works from a source tree and from a wheel)."""
    return files(_PACKAGE).joinpath("data", filename)


@lru_cache(maxsize=1)
def registry() -> Mapping[str, Mapping[str, Any]]:
    """The parsed ``registry.json``: dataset name -> registry entry, in build order."""
    with data_file("registry.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def dataset_names() -> list[str]:
    """Names of the bundled datasets, in registry order."""
    return list(registry())


@dataclass(frozen=True)
class DatasetInfo:
    """Everything known about one bundled dataset (its registry entry).

    Attributes
    ----------
    name, title, description : str
        Registry name, one-line title and a paragraph on what the values are, their unit and what
        was dropped in the conversion, and why.
    region_level : str
        Kind of region (``"NUTS2"``, ``"SA3"``, ``"state"``, ``"country"``...).
    activity_classification : str
        Classification of the activities (``"NACE Rev.2 A*10"``, ``"SITC Rev.2 4-digit"``...).
    value_name, unit : str
        What the values measure (``"employment"``, ``"exports"``...) and in which unit.
    periods : list of int
        The periods (years) in the data.
    source, licence, citation : str
        Publisher and origin, licence of the data, and how to cite it.
    boundaries : str or None
        Name of the boundary set that maps the regions (``"nuts2021-2"``, ``"us-states"``,
        ``"world"``), or ``None`` when there is none.
    n_regions, n_activities, n_cells : int
        Regions, activities and non-zero (period, region, activity) cells in the bundled file.
    totals : dict
        Sum of the values per period (period as text -> total), as built.
    bytes : int
        Size of the bundled, gzipped long table.
    count_unit : float or None
        Counted units (persons, projects) per unit of value, for the small-count reliability
        mark of RCA (1 for persons, 1000 for thousand persons); None when the values are not
        counts (trade in dollars).
    n_missing : int
        Cells suppressed or confidential in the source, kept as missing (not as zeros).
    defaults : dict
        Analysis options the platform shows the dataset with (e.g. ``{"sign": "income"}``),
        chosen in docs/validation.md ("Complexity validity").
    recommender : dict
        The score the next specialisations are ranked by, ``{"recommender": "learned"}`` or
        ``{"recommender": "density", "recommender_reason": code}`` (:data:`RECOMMENDERS`).
    """

    name: str
    title: str
    description: str
    region_level: str
    activity_classification: str
    value_name: str
    unit: str
    periods: list[int]
    source: str
    licence: str
    citation: str
    boundaries: str | None
    n_regions: int
    n_activities: int
    n_cells: int
    totals: dict[str, float] = field(default_factory=dict)
    bytes: int = 0
    count_unit: float | None = None
    n_missing: int = 0
    defaults: dict[str, Any] = field(default_factory=dict)
    recommender: dict[str, str] = field(default_factory=dict)

    @property
    def period_range(self) -> str:
        """The periods as text: ``"1976-2013"``, or ``"2021"`` for a single period."""
        lo, hi = min(self.periods), max(self.periods)
        return str(lo) if lo == hi else f"{lo}-{hi}"


def unknown(name: object) -> UnknownDatasetError:
    """The error for a name that is not registered, listing the available ones."""
    names = dataset_names()
    close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return UnknownDatasetError(
        f"unknown dataset {name!r}",
        where="smartspec.datasets",
        expected=f"one of {format_examples(names, limit=len(names))}",
        found=repr(name),
        fix=f"{hint}see smartspec.datasets.list_datasets()",
    )


def get_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of a registered dataset (raises for an unknown name)."""
    entry = registry().get(name) if isinstance(name, str) else None
    if entry is None:
        raise unknown(name)
    known = set(DatasetInfo.__dataclass_fields__)
    fields = {k: v for k, v in entry.items() if k in known}
    fields["periods"] = [int(p) for p in entry["periods"]]
    fields["totals"] = dict(entry.get("totals", {}))
    fields["recommender"] = dict(
        RECOMMENDERS.get(name)
        or {
            "recommender": "density",
            "recommender_reason": "one_period" if len(fields["periods"]) < 2 else "not_validated",
        }
    )
    return DatasetInfo(**fields)
