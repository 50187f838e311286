"""Real region x activity datasets bundled with smartspec, loaded offline.

Each dataset is a compact tidy file (``period,region,activity,value``) converted from public
data by ``tools/build_datasets.py``, with label files for region and activity codes and a
registry entry stating what the values are, the source and the licence (see
``data/SOURCES.md``). :func:`toy` gives a small synthetic matrix for examples and tests.

Examples
--------
>>> from smartspec.datasets import list_datasets, load
>>> list_datasets()["name"].tolist()  # doctest: +NORMALIZE_WHITESPACE
['nz-urban-industry', 'au-sa3-industry', 'us-state-industry', 'world-trade', 'eu-h2020-sdg',
 'mx-tamaulipas', 'eu-nuts2-ardeco', 'eu-nuts2-sbs']
>>> load("us-state-industry")
ActivityMatrix(51 regions x 20 activities x 1 period, 1018 non-zero cells, value='employment')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import ValidationError
from ..core.matrix import ActivityMatrix
from ._registry import DatasetInfo, data_file, dataset_names, get_info, registry, unknown

__all__ = ["DatasetInfo", "info", "labels", "list_datasets", "load", "toy"]

Axis = Literal["region", "activity"]


def list_datasets() -> pd.DataFrame:
    """The bundled datasets, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, title, regions, activities, periods, value_name, licence``: the number
        of regions and activities, and the periods as text (``"1976-2013"``, ``"2021"``).

    Examples
    --------
    >>> table = list_datasets().set_index("name")
    >>> row = table.loc["nz-urban-industry"]
    >>> int(row["regions"]), int(row["activities"]), row["periods"], row["value_name"]
    (143, 65, '1976-2013', 'employment')
    """
    rows = []
    for name in dataset_names():
        meta = get_info(name)
        rows.append(
            {
                "name": meta.name,
                "title": meta.title,
                "regions": meta.n_regions,
                "activities": meta.n_activities,
                "periods": meta.period_range,
                "value_name": meta.value_name,
                "licence": meta.licence,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["name", "title", "regions", "activities", "periods", "value_name", "licence"],
    )


def info(name: str) -> DatasetInfo:
    """Everything the registry says about one dataset.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.

    Returns
    -------
    DatasetInfo
        Frozen record: title, description, classifications, periods, source, licence,
        citation, boundary hint and sizes.

    Raises
    ------
    smartspec.UnknownDatasetError
        For a name that is not registered; the message lists the available names.

    Examples
    --------
    >>> meta = info("eu-nuts2-ardeco")
    >>> meta.region_level, meta.activity_classification, meta.periods[0], meta.periods[-1]
    ('NUTS2', 'NACE Rev.2 A*10', 2000, 2019)
    >>> info("eu-ardeco")
    Traceback (most recent call last):
    ...
    smartspec.core.errors.UnknownDatasetError: unknown dataset 'eu-ardeco'; ...
    """
    return get_info(name)


def _long(name: str) -> pd.DataFrame:
    """The bundled long table of a dataset: ``period, region, activity, value``."""
    if name not in registry():
        raise unknown(name)
    with data_file(f"{name}.csv.gz").open("rb") as fh:
        frame = pd.read_csv(
            fh,
            compression="gzip",
            dtype={"period": np.int64, "region": str, "activity": str, "value": np.float64},
            keep_default_na=False,
            na_filter=False,
        )
    return frame


@lru_cache(maxsize=16)
def _matrix(name: str) -> ActivityMatrix:
    """The whole dataset as an (immutable, so cached) :class:`ActivityMatrix`."""
    meta = get_info(name)
    frame = _long(name).rename(columns={"value": meta.value_name})
    matrix = ActivityMatrix.from_long(
        frame,
        region="region",
        activity="activity",
        value=meta.value_name,
        period="period",
        source=name,
    )
    metadata = {
        "name": meta.name,
        "title": meta.title,
        "licence": meta.licence,
        "source": meta.source,
        "citation": meta.citation,
        "unit": meta.unit,
        "region_level": meta.region_level,
        "activity_classification": meta.activity_classification,
    }
    return dataclasses.replace(matrix, metadata=metadata)


def load(name: str, *, periods: Iterable[Hashable] | Hashable | None = None) -> ActivityMatrix:
    """Load a bundled dataset as an :class:`~smartspec.ActivityMatrix`, offline.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.
    periods : int or iterable of int, optional
        Keep only these periods (years), in this order. All periods by default.

    Returns
    -------
    ActivityMatrix
        Regions and activities labelled with their codes (see :func:`labels` for names);
        ``value_name`` is the dataset's (``"employment"``, ``"exports"``...) and ``metadata``
        holds its name, title, licence, source and citation.

    Raises
    ------
    smartspec.UnknownDatasetError
        For a name that is not registered.
    smartspec.UnknownPeriodError
        For a period that is not in the dataset.

    Examples
    --------
    >>> m = load("nz-urban-industry", periods=[2013])
    >>> m
    ActivityMatrix(143 regions x 65 activities x 1 period, 7877 non-zero cells, value='employment')
    >>> m.metadata["licence"][:3]
    'MIT'
    """
    matrix = _matrix(name)
    if periods is None:
        return matrix
    if isinstance(periods, str) or not isinstance(periods, Iterable):
        periods = [periods]
    return matrix.select(periods=list(periods))


def labels(name: str, axis: Axis) -> pd.DataFrame:
    """Names (and parents, where known) of a dataset's region or activity codes.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.
    axis : {"region", "activity"}
        Which labels.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` (text), with a ``name`` column and, where the classification has a
        hierarchy, a ``parent`` column (e.g. NUTS 1 for NUTS 2 regions).

    Examples
    --------
    >>> labels("eu-nuts2-ardeco", "region").loc["FR10"].tolist()
    ['Île de France', 'FR1']
    >>> labels("us-state-industry", "activity").loc["31-33", "name"]
    'Manufacturing'
    """
    if name not in registry():
        raise unknown(name)
    file_axis = {
        "region": "regions",
        "regions": "regions",
        "activity": "activities",
        "activities": "activities",
    }.get(axis)
    if file_axis is None:
        raise ValidationError(
            "unknown label axis",
            expected="'region' or 'activity'",
            found=repr(axis),
        )
    with data_file(f"{name}.{file_axis}.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
    return frame.set_index("code")


def toy() -> ActivityMatrix:
    """A small synthetic matrix for documentation and tests: 6 regions x 5 activities x 2 periods.

    The values are **synthetic** (not real data): employment-like integer counts drawn with
    ``numpy.random.default_rng(42)``, so the result is the same on every call and machine.
    Regions are ``R1`` ... ``R6``, activities ``agriculture, manufacturing, construction,
    services, ict``, periods 2020 and 2021; every region and activity has a positive total in
    each period.

    Returns
    -------
    ActivityMatrix
        ``value_name="employment"``, ``source="toy"``, metadata marking it synthetic.

    Examples
    --------
    >>> m = toy()
    >>> m
    ActivityMatrix(6 regions x 5 activities x 2 periods, ... non-zero cells, value='employment')
    >>> m.equals(toy())
    True
    """
    rng = np.random.default_rng(42)
    regions = [f"R{i}" for i in range(1, 7)]
    activities = ["agriculture", "manufacturing", "construction", "services", "ict"]
    periods = [2020, 2021]
    scale = np.array([40.0, 120.0, 60.0, 300.0, 30.0])
    values = rng.poisson(scale * rng.uniform(0.2, 1.8, size=(len(periods), 6, 5)))
    values = np.where(rng.random(values.shape) < 0.15, 0, values)
    p, r, a = np.indices(values.shape).reshape(3, -1)
    frame = pd.DataFrame(
        {
            "period": np.asarray(periods)[p],
            "region": np.asarray(regions)[r],
            "activity": np.asarray(activities)[a],
            "employment": values.ravel().astype(np.float64),
        }
    )
    matrix = ActivityMatrix.from_long(
        frame,
        region="region",
        activity="activity",
        value="employment",
        period="period",
        source="toy",
    )
    return dataclasses.replace(
        matrix,
        metadata={
            "name": "toy",
            "title": "Synthetic toy matrix (not real data)",
            "licence": "CC0-1.0 (synthetic)",
        },
    )
