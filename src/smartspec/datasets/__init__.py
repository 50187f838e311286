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
import json
from collections.abc import Hashable, Iterable
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import ValidationError
from ..core.matrix import ActivityMatrix
from ._registry import (
    RECOMMENDER_REASONS,
    RECOMMENDERS,
    DatasetInfo,
    data_file,
    dataset_names,
    get_info,
    registry,
    unknown,
)

__all__ = [
    "INCOME_SERIES",
    "RECOMMENDERS",
    "RECOMMENDER_REASONS",
    "DatasetInfo",
    "context",
    "income",
    "info",
    "labels",
    "list_datasets",
    "load",
    "population",
    "toy",
]

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
    """The bundled long table of a dataset: ``period, region, activity, value``; an empty
    value (NaN) is a cell suppressed or confidential in the source."""
    if name not in registry():
        raise unknown(name)
    with data_file(f"{name}.csv.gz").open("rb") as fh:
        frame = pd.read_csv(
            fh,
            compression="gzip",
            dtype={"period": np.int64, "region": str, "activity": str, "value": np.float64},
            keep_default_na=False,
            na_values={"value": [""]},
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
        missing="flag",
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
        "count_unit": meta.count_unit,
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


def labels(name: str, axis: Axis, lang: str = "en") -> pd.DataFrame:
    """Names (and parents, where known) of a dataset's region or activity codes.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.
    axis : {"region", "activity"}
        Which labels.
    lang : {"en", "es"}
        Language of the names. ``"es"`` gives the official Spanish name where the label file
        has one (its ``name_es`` column: SCIAN, CNAE-2009, UN SDG titles, CLDR country names;
        see ``data/SOURCES.md``) and the English (or the region's own) name elsewhere.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` (text), with a ``name`` column, a ``name_lang`` column (``"es"``
        where ``name`` is a Spanish name, ``"en"`` otherwise: English, or a place's own name)
        and, where the classification has a hierarchy, a ``parent`` column (e.g. NUTS 1 for
        NUTS 2 regions).

    Raises
    ------
    smartspec.UnknownDatasetError
        For a name that is not registered.
    smartspec.ValidationError
        For an unknown axis or language.

    Examples
    --------
    >>> labels("eu-nuts2-ardeco", "region").loc["FR10", ["name", "parent"]].tolist()
    ['Île de France', 'FR1']
    >>> labels("us-state-industry", "activity").loc["31-33", "name"]
    'Manufacturing'
    >>> labels("us-state-industry", "activity", lang="es").loc["31-33", "name"]
    'Industrias manufactureras'
    >>> sbs = labels("eu-nuts2-sbs", "activity", lang="es")
    >>> sbs.loc["C21", ["name", "name_lang"]].tolist()
    ['Fabricación de productos farmacéuticos', 'es']
    >>> nz = labels("nz-urban-industry", "activity", lang="es")  # no Spanish source: English
    >>> nz.loc["AA111", ["name", "name_lang"]].tolist()
    ['Horticulture and fruit growing', 'en']
    >>> labels("mx-tamaulipas", "activity").loc["21", ["name", "name_lang"]].tolist()
    ['Minería', 'es']
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
    if lang not in ("en", "es"):
        raise ValidationError("unknown label language", expected="'en' or 'es'", found=repr(lang))
    with data_file(f"{name}.{file_axis}.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
    spanish = frame.pop("name_es") if "name_es" in frame.columns else pd.Series("", frame.index)
    # a label file whose name is its Spanish name (SCIAN) has no other: Spanish in every language
    is_es = (spanish != "") & ((spanish == frame["name"]) | (lang == "es"))
    frame["name"] = frame["name"].where(~is_es, spanish)
    frame.insert(frame.columns.get_loc("name") + 1, "name_lang", np.where(is_es, "es", "en"))
    return frame.set_index("code")


@lru_cache(maxsize=1)
def _context_meta() -> dict[str, Any]:
    """``data/context.json``: per dataset, the context columns (unit, source) and the matching."""
    path = data_file("context.json")
    if not path.is_file():
        return {}
    with path.open("r", encoding="utf-8") as fh:
        return json.load(fh)


def context(name: str) -> pd.DataFrame | None:
    """Income and productivity series for the regions and periods of a bundled dataset.

    Built by ``tools/build_context.py`` from the real sources in ``shared/data`` (see
    ``data/SOURCES.md``, section "Context series"): Eurostat regional GDP, population and
    household income for the EU NUTS 2 datasets, GDP per head for ``world-trade``, payroll per
    employee for ``us-state-industry``, value added per person employed for ``mx-tamaulipas``
    (see ``docs/validation.md``, "Complexity validity", for their use as an external check).
    Only the dataset's own region codes and periods appear, and only values that exist in the
    source: a NUTS code is matched to the source's NUTS 2016 code when it is the same code or a
    pure recode (same territory); a code whose territory changed, or a year the source does not
    cover, gets no value. Nothing is interpolated.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame or None
        ``None`` when the dataset has no context series (``nz-urban-industry``,
        ``au-sa3-industry``). Otherwise one row per (period, region) with at least one value,
        columns ``period, region, gdp, population, gdp_per_head`` (NaN where the source has no
        such series) followed by the dataset's other series. ``attrs["units"]`` and
        ``attrs["sources"]`` give each column's unit and source; ``attrs["matching"]`` the
        number of the dataset's regions matched per period.

        ========================  ======================================================
        column                    unit
        ========================  ======================================================
        gdp                       million EUR, current prices (EU NUTS 2 datasets)
        population                persons on 1 January (EU NUTS 2 datasets)
        gdp_per_head              EUR per inhabitant (EU), US dollars (``world-trade``)
        household_income_pps      disposable household income, PPS per inhabitant (EU)
        employment                persons employed, all sectors (ARDECO; EU, not UK)
        nuts2016                  NUTS 2016 code whose values were used (EU)
        gva, gva_per_worker       million EUR; EUR per person employed (ARDECO only)
        payroll_per_employee      US dollars per employee (``us-state-industry``)
        value_added               million pesos (``mx-tamaulipas``)
        va_per_worker             pesos per person employed (``mx-tamaulipas``)
        ========================  ======================================================

    Raises
    ------
    smartspec.UnknownDatasetError
        For a name that is not registered.

    Examples
    --------
    >>> ctx = context("eu-nuts2-sbs")
    >>> list(ctx.columns[:5])
    ['period', 'region', 'gdp', 'population', 'gdp_per_head']
    >>> row = ctx.set_index(["period", "region"]).loc[(2014, "DE21")]
    >>> round(row["gdp"]), int(row["population"]), round(row["gdp_per_head"])
    (231279, 4469342, 51748)
    >>> ctx.attrs["units"]["gdp_per_head"]
    'EUR per inhabitant, current prices'
    >>> float(context("world-trade").set_index("region").loc["CHE", "gdp_per_head"])
    46086.0
    >>> context("nz-urban-industry") is None
    True
    """
    if name not in registry():
        raise unknown(name)
    meta = _context_meta().get(name)
    if meta is None:
        return None
    with data_file(f"{name}.context.csv.gz").open("rb") as fh:
        frame = pd.read_csv(fh, compression="gzip", dtype={"region": str, "nuts2016": str})
    frame["period"] = frame["period"].astype(np.int64)
    for column in frame.columns.drop(["period", "region", "nuts2016"], errors="ignore"):
        frame[column] = frame[column].astype(np.float64)
    columns = meta["columns"]
    frame.attrs["units"] = {c: columns[c]["unit"] for c in columns}
    frame.attrs["sources"] = {c: columns[c]["source"] for c in columns}
    frame.attrs["matching"] = meta["matching"]
    return frame


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


#: Context columns tried, in order, as a dataset's income series (see :func:`income`).
INCOME_SERIES = ("gdp_per_head", "gva_per_worker", "va_per_worker", "payroll_per_employee")


def income(name: str) -> tuple[pd.Series, dict[str, str]] | None:
    """The income or productivity series of a bundled dataset, to check complexity against.

    The first :func:`context` column with values, in the order of :data:`INCOME_SERIES`:
    GDP per head, gross value added per worker, value added per worker, payroll per employee.

    Parameters
    ----------
    name : str
        A dataset name from :func:`list_datasets`.

    Returns
    -------
    tuple or None
        The positive values by ``(period, region)`` and ``{"name", "unit", "source"}``; None
        when the dataset has no such series.

    Examples
    --------
    >>> series, about = income("eu-nuts2-sbs")
    >>> about["name"], series.index.names
    ('gdp_per_head', FrozenList(['period', 'region']))
    >>> income("nz-urban-industry") is None
    True
    """
    ctx = context(name)
    for column in INCOME_SERIES:
        if ctx is not None and column in ctx and ctx[column].notna().sum() >= 4:
            series = ctx.set_index(["period", "region"])[column].dropna()
            about = {
                "name": column,
                "unit": str(ctx.attrs.get("units", {}).get(column, "")),
                "source": str(ctx.attrs.get("sources", {}).get(column, "")),
            }
            return series[series > 0], about
    return None


def population(name: str) -> pd.Series | None:
    """The population of a bundled dataset's regions by ``(period, region)`` (its context
    data), for presence by RPOP; None when there is none.

    Examples
    --------
    >>> int(population("eu-nuts2-sbs").loc[(2014, "DE21")])
    4469342
    >>> population("world-trade") is None
    True
    """
    ctx = context(name)
    if ctx is None or "population" not in ctx or ctx["population"].notna().sum() < 4:
        return None
    series = ctx.set_index(["period", "region"])["population"]
    return series[series > 0]
