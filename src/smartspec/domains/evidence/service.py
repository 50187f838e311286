"""The evidence domain's views: what a region, an activity, the activity space, a comparison
and the indicator tables show, as plain functions of the app (usable without HTTP).

Each function takes the :class:`~smartspec.app.SmartSpecApp`, a dataset id and the request's
arguments, and returns JSON-ready dictionaries (NaN as ``None``). The per-dataset arrays they
share are built once per dataset and analysis options by :func:`view` and kept in the app's LRU
cache.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.app import SmartSpecApp
from smartspec.core.lookup import resolve
from smartspec.domains.datasets.service import _limit
from smartspec.domains.errors import RequestError, UnknownTableError
from smartspec.io import jsonable
from smartspec.jobs import layout_job

__all__ = [
    "TABLES",
    "View",
    "activity_profile",
    "compare",
    "indicator_table",
    "network",
    "view",
]

#: The indicator tables, as written by ``smartspec analyse``.
TABLES = ("cells", "regions", "activities", "proximity", "notes")


def _num(x: Any) -> float | None:
    if x is None:
        return None
    f = float(x)
    return f + 0.0 if np.isfinite(f) else None  # + 0.0: no "-0.0" in JSON


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 for the largest of each row, NaN stays NaN (ties share the best rank)."""
    out = np.full(values.shape, np.nan)
    for i, row in enumerate(values):
        ok = ~np.isnan(row)
        if ok.any():
            vals = row[ok]
            order = np.sort(vals)[::-1]
            # rank = 1 + number of strictly larger values
            out[i, ok] = np.searchsorted(-order, -vals, side="left") + 1
    return out


@dataclass
class View:
    """A dataset analysed with some options, as (period, region, activity) arrays and names."""

    app: SmartSpecApp
    dataset: str
    options: tuple[tuple[str, Any], ...]

    @cached_property
    def matrix(self) -> Any:
        return self.app.matrix(self.dataset)

    @property
    def evidence(self) -> Any:
        """The evidence (from the app's cache: not held here, so the cache bounds memory)."""
        return self.app.evidence(self.dataset, **dict(self.options))

    @cached_property
    def warnings(self) -> list[str]:
        return self.app.evidence_warnings(self.dataset, **dict(self.options))

    @cached_property
    def shape(self) -> tuple[int, int, int]:
        return self.matrix.shape

    @property
    def arrays(self) -> Any:
        """The evidence's labelled arrays (:class:`smartspec.core.evidence.EvidenceArrays`)."""
        return self.evidence.arrays

    @cached_property
    def value(self) -> np.ndarray:
        return self.arrays.value

    @cached_property
    def rca(self) -> np.ndarray:
        return self.arrays.rca

    @cached_property
    def presence(self) -> np.ndarray:
        return self.arrays.presence

    @cached_property
    def density(self) -> np.ndarray:
        return self.arrays.density

    @cached_property
    def eci(self) -> np.ndarray:
        return self.arrays.eci

    @cached_property
    def eci_rank(self) -> np.ndarray:
        return _ranks(self.eci)

    @cached_property
    def diversity(self) -> np.ndarray:
        return self.arrays.diversity

    @cached_property
    def coi(self) -> np.ndarray:
        return self.arrays.coi

    @cached_property
    def pci(self) -> np.ndarray:
        return self.arrays.pci

    @cached_property
    def pci_rank(self) -> np.ndarray:
        return _ranks(self.pci)

    @cached_property
    def ubiquity(self) -> np.ndarray:
        return self.arrays.ubiquity

    @cached_property
    def phi(self) -> np.ndarray:
        return self.arrays.proximity

    @cached_property
    def region_totals(self) -> np.ndarray:
        return self.value.sum(axis=2)

    @cached_property
    def activity_totals(self) -> np.ndarray:
        return self.value.sum(axis=1)

    @cached_property
    def region_codes(self) -> list[str]:
        return [str(r) for r in self.matrix.regions]

    @cached_property
    def activity_codes(self) -> list[str]:
        return [str(a) for a in self.matrix.activities]

    @cached_property
    def region_labels(self) -> pd.DataFrame:
        return self.app.labels(self.dataset, "region")

    @cached_property
    def activity_labels(self) -> pd.DataFrame:
        return self.app.labels(self.dataset, "activity")

    @cached_property
    def region_names(self) -> dict[str, str | None]:
        return dict(zip(self.region_labels.index, self.region_labels["name"], strict=True))

    @cached_property
    def activity_names(self) -> dict[str, str | None]:
        return dict(zip(self.activity_labels.index, self.activity_labels["name"], strict=True))

    @cached_property
    def _region_pos(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.region_codes)}

    @cached_property
    def _activity_pos(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.activity_codes)}

    def period(self, period: str | None) -> int:
        """Position of a period given as text (the latest when ``None``)."""
        if period is None or period == "":
            return self.matrix.n_periods - 1
        return self.matrix.period_position(period)

    def period_label(self, p: int) -> Any:
        return jsonable(self.matrix.periods[p])

    def region(self, code: str) -> int:
        """Position of a region code (exact; else unique by case or name)."""
        return self._find(code, "region")

    def activity(self, code: str) -> int:
        """Position of an activity code (exact; else unique by case or name)."""
        return self._find(code, "activity")

    def _find(self, code: str, axis: str) -> int:
        """Position of the label ``code`` means (:func:`smartspec.core.lookup.resolve`: the
        same answer as the CLI and the dashboard)."""
        pos = self._region_pos if axis == "region" else self._activity_pos
        names = self.region_names if axis == "region" else self.activity_names
        plural = "regions" if axis == "region" else "activities"
        found = resolve(
            code,
            {c: names.get(c) for c in pos},
            axis=axis,
            where=f"dataset {self.dataset!r}",
            listing=f"GET /api/v1/datasets/{self.dataset}/{plural}",
        )
        return pos[found]


def view(app: SmartSpecApp, dataset: str, **options: Any) -> View:
    """The cached :class:`View` of a dataset analysed with ``options``."""
    app.dataset(dataset)  # an unknown id fails here, before anything is cached
    key = app.options_key(options, dataset)
    return app.cached(("view", dataset, key), lambda: View(app, dataset, key))


# ---------------------------------------------------------------------------------- profiles
def _activity_rows(v: View, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        code = str(row["activity"])
        clean = {k: (_num(x) if k != "activity" else code) for k, x in row.items()}
        clean["activity_name"] = v.activity_names.get(code)
        out.append(clean)
    return out


def complexity_report(
    app: SmartSpecApp, dataset: str, *, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Whether the dataset's complexity ranking means what it says, per period: the sign rule
    and its correlation, the relative spectral gap, the ECI-income correlation with its
    interval (where an income series exists), and the failed checks by code."""

    v = view(app, dataset, **(options or {}))
    return app.cached(("complexity", dataset, v.options), lambda: _complexity_report(app, v))


def _complexity_report(app: SmartSpecApp, v: View) -> dict[str, Any]:
    from ...core.complexity import PROBLEMS, check_complexity

    dataset = v.dataset
    ev = v.evidence
    income = app.income(dataset)
    checks = check_complexity(ev, None if income is None else income[0])
    periods = []
    for row in checks.to_dict("records"):
        periods.append(
            {
                "period": jsonable(row["period"]),
                "sign_rule": row["sign_rule"],
                "sign_correlation": _num(row["sign_correlation"]),
                "income_correlation": _num(row["income_correlation"]),
                "relative_gap": _num(row["relative_gap"]),
                "income": None
                if income is None
                else {
                    "n": None if not np.isfinite(row["income_n"]) else int(row["income_n"]),
                    "rho": _num(row["income_rho"]),
                    "low": _num(row["income_low"]),
                    "high": _num(row["income_high"]),
                },
                "problems": list(row["problems"]),
                "meaningful": bool(row["meaningful"]),
            }
        )
    return {
        "dataset": dataset,
        "measure": "ECI (eigenvector)",
        "presence": ev.settings["presence"],
        "sign": dict(v.options).get("sign", ev.profile.sign),
        "income_series": None if income is None else income[1],
        "periods": periods,
        "problems": dict(PROBLEMS),
        "warnings": v.warnings,
    }


def activity_profile(
    app: SmartSpecApp,
    dataset: str,
    code: str,
    *,
    period: str | None = None,
    top: int = 20,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An activity's profile: regions specialised in it, PCI and rank, related activities."""
    v = view(app, dataset, **(options or {}))
    a = v.activity(code)
    p = v.period(period)
    total = float(v.activity_totals[p, a])
    present = np.flatnonzero(v.presence[p, :, a])
    order = present[np.argsort(-np.nan_to_num(v.rca[p, present, a], nan=-1.0), kind="stable")]
    regions = [
        {
            "region": v.region_codes[r],
            "region_name": v.region_names.get(v.region_codes[r]),
            "value": float(v.value[p, r, a]),
            "rca": _num(v.rca[p, r, a]),
            "share": _num(v.value[p, r, a] / total) if total > 0 else None,
        }
        for r in order[:top]
    ]
    phi = v.phi[p, a].copy()
    phi[a] = np.nan
    related_idx = [
        i
        for i in np.argsort(-np.nan_to_num(phi, nan=-1.0), kind="stable")
        if np.isfinite(phi[i]) and phi[i] > 0
    ][:top]
    related = [
        {
            "activity": v.activity_codes[i],
            "activity_name": v.activity_names.get(v.activity_codes[i]),
            "proximity": _num(phi[i]),
            "pci": _num(v.pci[p, i]),
        }
        for i in related_idx
    ]
    labels = v.activity_labels.iloc[a]
    return {
        "dataset": dataset,
        "activity": v.activity_codes[a],
        "activity_name": labels["name"],
        "parent": labels["parent"],
        "period": v.period_label(p),
        "value_name": v.matrix.value_name,
        "total": total,
        "pci": _num(v.pci[p, a]),
        "pci_rank": None if np.isnan(v.pci_rank[p, a]) else int(v.pci_rank[p, a]),
        "n_ranked": int((~np.isnan(v.pci[p])).sum()),
        "ubiquity": int(v.ubiquity[p, a]),
        "regions": regions,
        "related": related,
        "history": [
            {
                "period": v.period_label(q),
                "pci": _num(v.pci[q, a]),
                "ubiquity": int(v.ubiquity[q, a]),
                "total": float(v.activity_totals[q, a]),
            }
            for q in range(v.matrix.n_periods)
        ],
    }


# ---------------------------------------------------------------------------------- network
def network(
    app: SmartSpecApp,
    dataset: str,
    *,
    period: str | None = None,
    region: str | None = None,
    extra: int | None = None,
    options: Mapping[str, Any] | None = None,
    wait: float | Literal["setting"] | None = "setting",
) -> dict[str, Any]:
    """The activity space: activities as nodes (with layout positions), the maximum spanning
    tree of proximity plus the strongest other links as edges; with ``region``, which
    activities the region has. ``wait``: seconds to wait for the layout when it must be
    computed (default: the ``job_wait_s`` setting; ``None``: as long as it takes)."""
    v = view(app, dataset, **(options or {}))
    p = v.period(period)
    n_extra = v.shape[2] if extra is None else extra

    edges, pos = app.heavy(
        ("network", dataset, v.options, p, n_extra),
        layout_job,
        (np.ascontiguousarray(v.phi[p]), n_extra),
        wait=wait,
    ).value
    r = v.region(region) if region else None
    labels = v.activity_labels
    nodes = []
    for a, code in enumerate(v.activity_codes):
        node: dict[str, Any] = {
            "id": code,
            "name": labels["name"].iat[a],
            "parent": labels["parent"].iat[a],
            "pci": _num(v.pci[p, a]),
            "ubiquity": int(v.ubiquity[p, a]),
            "total": float(v.activity_totals[p, a]),
            "x": round(float(pos[a, 0]), 5),
            "y": round(float(pos[a, 1]), 5),
        }
        if r is not None:
            node["present"] = bool(v.presence[p, r, a])
            node["rca"] = _num(v.rca[p, r, a])
            node["density"] = _num(v.density[p, r, a])
        nodes.append(node)
    return {
        "dataset": dataset,
        "period": v.period_label(p),
        "region": v.region_codes[r] if r is not None else None,
        "region_name": v.region_names.get(v.region_codes[r]) if r is not None else None,
        "nodes": nodes,
        "edges": [
            {
                "source": v.activity_codes[i],
                "target": v.activity_codes[j],
                "proximity": round(w, 6),
                "kind": kind,
            }
            for i, j, w, kind in edges
        ],
    }


# ---------------------------------------------------------------------------------- compare
def compare(
    app: SmartSpecApp,
    dataset: str,
    regions: Sequence[str],
    *,
    period: str | None = None,
    top: int = 10,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Several regions side by side: complexity, top specialisations, RCA in the union of their
    specialisations, and the overlap of each pair."""
    if not regions:
        raise RequestError(
            "name the regions to compare",
            where="query parameter 'regions'",
            expected="two or more region codes, e.g. regions=A,B (or region=A&region=B)",
            found="no region",
        )
    if len(regions) > 25:
        raise RequestError(
            "too many regions to compare",
            where="query parameter 'regions'",
            expected="at most 25 regions",
            found=f"{len(regions)} regions",
        )
    v = view(app, dataset, **(options or {}))
    p = v.period(period)
    pos = list(dict.fromkeys(v.region(c) for c in regions))
    out_regions: list[dict[str, Any]] = []
    union: list[int] = []
    for r in pos:
        present = np.flatnonzero(v.presence[p, r])
        order = present[np.argsort(-np.nan_to_num(v.rca[p, r, present], nan=-1.0), kind="stable")][
            :top
        ]
        union.extend(int(a) for a in order)
        out_regions.append(
            {
                "region": v.region_codes[r],
                "region_name": v.region_names.get(v.region_codes[r]),
                "eci": _num(v.eci[p, r]),
                "eci_rank": None if np.isnan(v.eci_rank[p, r]) else int(v.eci_rank[p, r]),
                "n_ranked": int((~np.isnan(v.eci[p])).sum()),
                "diversity": int(v.diversity[p, r]),
                "coi": _num(v.coi[p, r]),
                "total": float(v.region_totals[p, r]),
                "specialisations": [
                    {
                        "activity": v.activity_codes[a],
                        "activity_name": v.activity_names.get(v.activity_codes[a]),
                        "value": float(v.value[p, r, a]),
                        "rca": _num(v.rca[p, r, a]),
                        "pci": _num(v.pci[p, a]),
                    }
                    for a in order
                ],
            }
        )
    activities = [
        {
            "activity": v.activity_codes[a],
            "activity_name": v.activity_names.get(v.activity_codes[a]),
            "pci": _num(v.pci[p, a]),
            "rca": {v.region_codes[r]: _num(v.rca[p, r, a]) for r in pos},
            "present": {v.region_codes[r]: bool(v.presence[p, r, a]) for r in pos},
        }
        for a in dict.fromkeys(union)
    ]
    overlap = []
    for i, ra in enumerate(pos):
        for rb in pos[i + 1 :]:
            a_set, b_set = v.presence[p, ra], v.presence[p, rb]
            shared = int((a_set & b_set).sum())
            either = int((a_set | b_set).sum())
            overlap.append(
                {
                    "a": v.region_codes[ra],
                    "b": v.region_codes[rb],
                    "shared": shared,
                    "jaccard": shared / either if either else None,
                }
            )
    return {
        "dataset": dataset,
        "period": v.period_label(p),
        "regions": out_regions,
        "activities": activities,
        "overlap": overlap,
    }


# ---------------------------------------------------------------------------------- tables
_FILTERS = {
    "cells": {"region": "region", "activity": "activity"},
    "regions": {"region": "region"},
    "activities": {"activity": "activity"},
    "proximity": {"activity": "activity_from", "activity_to": "activity_to"},
    "notes": {},
}


def _table_frame(v: View, table: str) -> pd.DataFrame:
    if table not in TABLES:
        close = difflib.get_close_matches(str(table), TABLES, n=1)
        raise UnknownTableError(
            f"unknown indicator table {table!r}",
            expected=f"one of {', '.join(TABLES)}",
            found=repr(table),
            fix=f"did you mean {close[0]!r}?" if close else "pick one of the tables",
        )
    return getattr(v.evidence, table)


def indicator_frame(
    app: SmartSpecApp,
    dataset: str,
    table: str,
    *,
    period: str | None = None,
    region: Sequence[str] = (),
    activity: Sequence[str] = (),
    activity_to: Sequence[str] = (),
    presence: int | None = None,
    sort: str | None = None,
    order: str = "asc",
    options: Mapping[str, Any] | None = None,
    names: bool = True,
) -> pd.DataFrame:
    """An indicator table, filtered and sorted (the whole result, before pagination)."""
    v = view(app, dataset, **(options or {}))
    frame = _table_frame(v, table)
    filters = {"region": region, "activity": activity, "activity_to": activity_to}
    mask = np.ones(len(frame), dtype=bool)
    if period not in (None, ""):
        label = v.matrix.periods[v.period(period)]
        mask &= (frame["period"] == label).to_numpy()
    for name, codes in filters.items():
        codes = [c for c in codes if c not in (None, "")]
        if not codes:
            continue
        column = _FILTERS[table].get(name)
        if column is None:
            raise RequestError(
                f"the {table} table cannot be filtered by {name}",
                where=f"query parameter '{name}'",
                expected="filters of this table: "
                + (", ".join(["period", *_FILTERS[table]]) if table != "notes" else "period"),
                found=f"{name}={','.join(codes)}",
            )
        find = v.region if name == "region" else v.activity
        labels = v.matrix.regions if name == "region" else v.matrix.activities
        wanted = [labels[find(c)] for c in codes]
        mask &= frame[column].isin(wanted).to_numpy()
    if presence is not None:
        if "presence" not in frame.columns:
            raise RequestError(
                f"the {table} table has no presence column",
                where="query parameter 'presence'",
                expected="presence= with the cells table only",
                found=f"presence={presence}",
            )
        mask &= (frame["presence"] == presence).to_numpy()
    out = frame[mask] if not mask.all() else frame
    if sort:
        if sort not in out.columns:
            raise RequestError(
                f"cannot sort the {table} table by {sort!r}",
                where="query parameter 'sort'",
                expected=f"a column of the table: {', '.join(map(str, out.columns))}",
                found=repr(sort),
            )
        out = out.sort_values(sort, ascending=order == "asc", na_position="last", kind="stable")
    elif order == "desc":
        out = out.iloc[::-1]
    return out


def add_names(v: View, frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``region_name`` / ``activity_name`` (``activity_from_name``...) next to the codes."""
    frame = frame.copy()
    for column, names in (
        ("region", v.region_names),
        ("activity", v.activity_names),
        ("activity_from", v.activity_names),
        ("activity_to", v.activity_names),
    ):
        if column in frame.columns and any(n is not None for n in names.values()):
            frame.insert(
                frame.columns.get_loc(column) + 1,
                f"{column}_name",
                frame[column].astype(str).map(names),
            )
    return frame


def indicator_table(
    app: SmartSpecApp,
    dataset: str,
    table: str,
    *,
    limit: int | None = None,
    offset: int = 0,
    options: Mapping[str, Any] | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """One page of an indicator table: ``{items, total, limit, offset, columns}``."""
    limit = _limit(app, limit)
    frame = indicator_frame(app, dataset, table, options=options, **filters)
    v = view(app, dataset, **(options or {}))
    page = add_names(v, frame.iloc[offset : offset + limit])
    return {
        "dataset": dataset,
        "table": table,
        "columns": [str(c) for c in page.columns],
        "items": jsonable(page),
        "total": len(frame),
        "limit": limit,
        "offset": offset,
    }
