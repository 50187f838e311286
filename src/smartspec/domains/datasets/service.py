"""The datasets domain: the catalogue's documents (a dataset's metadata, its periods, its region
and activity names), as plain functions of the app returning JSON-ready dictionaries.

The catalogue itself (bundled datasets, uploads, the store) is :class:`smartspec.app.SmartSpecApp`;
the API (:mod:`.api`) and the dashboard read these documents.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartspec.app import SmartSpecApp
from smartspec.domains.errors import RequestError
from smartspec.io import jsonable
from smartspec.store import DatasetRecord

__all__ = ["dataset_document", "input_frame", "labels_page", "periods"]


def dataset_document(
    app: SmartSpecApp, dataset: str | DatasetRecord, *, detail: bool = False
) -> dict[str, Any]:
    """The catalogue entry of a dataset (with description and mapping when ``detail``)."""
    record = app.dataset(dataset) if isinstance(dataset, str) else dataset
    meta = app.dataset_info(record)
    periods = list(record.periods)
    lo, hi = (periods[0], periods[-1]) if periods else ("", "")
    doc: dict[str, Any] = {
        "id": record.id,
        "title": record.title,
        "kind": record.kind,
        "value_name": record.value_name,
        "n_regions": record.n_regions,
        "n_activities": record.n_activities,
        "periods": periods,
        "period_range": str(lo) if lo == hi else f"{lo}-{hi}",
        "licence": record.licence,
        "source": record.source,
        "created_at": record.created_at,
        "region_level": meta.get("region_level"),
        "activity_classification": meta.get("activity_classification"),
        "map": {"boundaries": meta.get("boundaries"), "region_level": meta.get("region_level")},
    }
    if detail:
        doc.update(
            {
                "description": meta.get("description"),
                "unit": meta.get("unit"),
                "citation": meta.get("citation"),
                "mapping": record.mapping,
                "n_cells": app.matrix(record.id).nnz,
                "n_missing": app.matrix(record.id).n_missing,
                "defaults": app.dataset_defaults(record.id),
            }
        )
    return doc


def periods(app: SmartSpecApp, dataset: str) -> dict[str, Any]:
    """Each period with its total and the regions / activities that have a positive total."""
    m = app.matrix(dataset)
    rt, at = m.region_totals, m.activity_totals
    complete = _coverage(app, dataset)
    items = [
        {
            "period": jsonable(p),
            "total": float(rt[p].sum()),
            "n_regions": int((rt[p] > 0).sum()),
            "n_activities": int((at[p] > 0).sum()),
            "complete": complete[i],
        }
        for i, p in enumerate(m.periods)
    ]
    return {"dataset": dataset, "items": items}


def labels_page(
    app: SmartSpecApp,
    dataset: str,
    axis: str,
    *,
    q: str | None = None,
    parent: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    lang: str = "en",
) -> dict[str, Any]:
    """Regions or activities with names and parents; ``q`` searches codes and names; ``lang``
    is the language of the names (``"es"``: the Spanish name where one is known)."""
    frame = app.labels(dataset, axis, lang)
    mask = np.ones(len(frame), dtype=bool)
    if q:
        needle = q.casefold()
        codes = frame.index.str.casefold().str.contains(needle, regex=False)
        names = frame["name"].fillna("").str.casefold().str.contains(needle, regex=False)
        mask &= (codes | names.to_numpy()).astype(bool)
    if parent:
        mask &= (frame["parent"] == parent).to_numpy()
    selected = frame[mask]
    limit = _limit(app, limit, default=len(selected) or 1)
    page = selected.iloc[offset : offset + limit]
    items = [
        {"code": code, "name": name, "name_lang": name_lang, "parent": parent}
        for code, name, name_lang, parent in zip(
            page.index,
            page["name"].tolist(),
            page["name_lang"].tolist(),
            page["parent"].tolist(),
            strict=True,
        )
    ]
    return {
        "dataset": dataset,
        "items": items,
        "total": len(selected),
        "limit": limit,
        "offset": offset,
    }


def _limit(app: SmartSpecApp, limit: int | None, *, default: int | None = None) -> int:
    largest = int(app.settings["max_page_size"])
    if limit is None:
        return min(default if default is not None else int(app.settings["page_size"]), largest)
    if limit > largest:
        raise RequestError(
            "the page is too large",
            where="query parameter 'limit'",
            expected=f"at most {largest} rows per page",
            found=str(limit),
            fix="ask for the next page with offset=, or download the table with format=csv",
            code="bad_request.page_too_large",
        )
    return limit


def _coverage(app: SmartSpecApp, dataset: str) -> list[bool]:
    """Per period position, whether the period is complete (cached)."""
    return app.cached(
        ("coverage", dataset),
        lambda: app.matrix(dataset).coverage()["complete"].astype(bool).tolist(),
    )


def input_frame(app: SmartSpecApp, dataset: str) -> pd.DataFrame:
    """The dataset's values as a long table ``period, region, activity, <value_name>``."""
    m = app.matrix(dataset)
    return m.to_long().rename(columns={"value": m.value_name})
