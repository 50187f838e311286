"""Computed monitoring indicators: yearly series of a region computed from the platform's data.

A computed indicator carries a **spec** instead of typed-in values::

    {"measure": "share", "dataset": "eu-nuts2-ardeco", "activities": ["B-E"],
     "period_from": 2010}

and :func:`compute_series` turns it into the region's values by year, with the version of the
data they were computed from (:func:`data_version`: it changes when the data change, so that
stored values can be refreshed), the unit and the caveats a reader needs.

The measures (:data:`MEASURES`), for a region *r*, the group *g* of activities in the spec and
a year:

==================  ==========================================================================
``employment``      :math:`x_{rg} = \\sum_{a \\in g} x_{ra}`, the dataset's value (employment,
                    exports...) in the activities, in the dataset's unit
``share``           :math:`100 \\, x_{rg} / x_r`, the activities' share of the region's total
``rca``             Balassa's (1965) revealed comparative advantage of the group, summed
                    first: :math:`(x_{rg} / x_r) / (x_g / x)`; above 1 the region is
                    specialised in the group
``density``         the mean relatedness density (Hidalgo et al. 2007) of the activities in the
                    region, as the evidence domain computes it (the dataset's default profile)
``rd_intensity``    gross domestic expenditure on R&D (GERD) as % of GDP (Eurostat
                    rd_e_gerdreg, the benchmark domain's bundled indicators)
``patents_per_head`` EPO patent applications per million inhabitants (Eurostat tgs00040, the
                    benchmark domain's bundled indicators)
==================  ==========================================================================

The last two are **context** series of EU NUTS 2 regions with one reference year only (the
bundled table holds one value per region): they give a baseline, not a trend.

A region of the strategy that is finer than the dataset's (a NUTS 3 ``CZ064`` against NUTS 2
data) is measured by its nearest NUTS ancestor (``CZ06``), and a NACE code of a priority that
the dataset does not list (``C28`` against the A*10 sections) by the dataset's activities that
contain it (``B-E``): both are said in the caveats (the mapping of
:mod:`smartspec.domains.registry.coherence`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from smartspec.core.errors import ValidationError
from smartspec.core.lookup import resolve

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "CONTEXT_MEASURES",
    "MEASURES",
    "ComputedSeries",
    "check_spec",
    "compute_series",
    "data_version",
]

#: The measures a computed indicator can use: label, unit, whether it needs activities.
MEASURES: dict[str, dict[str, Any]] = {
    "employment": {
        "label_en": "Value in the activities (employment, exports...)",
        "label_es": "Valor en las actividades (empleo, exportaciones...)",
        "unit": "the dataset's unit",
        "needs_activities": True,
        "description": "Sum of the region's values in the activities of the spec, per year.",
    },
    "share": {
        "label_en": "Share of the region's total in the activities",
        "label_es": "Peso de las actividades en el total de la región",
        "unit": "% of the region's total",
        "needs_activities": True,
        "description": "The activities' sum as a percentage of the region's total, per year.",
    },
    "rca": {
        "label_en": "Revealed comparative advantage of the activities",
        "label_es": "Ventaja comparativa revelada de las actividades",
        "unit": "index (1 = the dataset's average)",
        "needs_activities": True,
        "description": "Balassa RCA of the activity group, summed first: "
        "(x_rg / x_r) / (x_g / x) (Balassa 1965).",
    },
    "density": {
        "label_en": "Relatedness density of the activities",
        "label_es": "Densidad de relación de las actividades",
        "unit": "relatedness density (0 to 1)",
        "needs_activities": True,
        "description": "Mean relatedness density of the activities in the region, as the "
        "evidence domain computes it (Hidalgo et al. 2007).",
    },
    "rd_intensity": {
        "label_en": "R&D expenditure (GERD), % of GDP",
        "label_es": "Gasto en I+D (GERD), % del PIB",
        "unit": "% of GDP",
        "needs_activities": False,
        "description": "Gross domestic expenditure on R&D as % of GDP (Eurostat rd_e_gerdreg, "
        "one reference year: the benchmark domain's bundled indicators).",
    },
    "patents_per_head": {
        "label_en": "EPO patent applications per million inhabitants",
        "label_es": "Solicitudes de patente EPO por millón de habitantes",
        "unit": "applications per million inhabitants",
        "needs_activities": False,
        "description": "EPO patent applications by inventor region per million inhabitants "
        "(Eurostat tgs00040, mean of 2011 and 2012: the benchmark domain's bundled "
        "indicators).",
    },
}

#: Measures read from the benchmark domain's bundled context table (one reference year).
CONTEXT_MEASURES: dict[str, str] = {
    "rd_intensity": "gerd_pc_gdp",
    "patents_per_head": "patents_per_million",
}

_KEYS = ("measure", "dataset", "activities", "period_from")
_LISTING = "GET /api/v1/monitoring/measures (or smartspec monitoring starter)"


@dataclass(frozen=True)
class ComputedSeries:
    """A computed indicator's values for one region.

    Attributes
    ----------
    values : dict of int to float
        The value by year (years without a value are left out).
    data_version : str
        What the values were computed from (:func:`data_version`).
    unit : str
        The unit of the values.
    caveats : list of str
        What a reader must know (mapped region or activities, years left out, sources).
    """

    values: dict[int, float]
    data_version: str
    unit: str
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, the values as a list of ``{"year", "value"}`` in year order (JSON object
        keys would be text)."""
        out = asdict(self)
        out["values"] = [{"year": y, "value": v} for y, v in sorted(self.values.items())]
        return out


# ------------------------------------------------------------------------------ the spec
def check_spec(spec: Any) -> dict[str, Any]:
    """The spec, checked and normalised: a known measure, a dataset and activities where the
    measure needs them, ``period_from`` a year.

    Raises
    ------
    ValidationError
        For anything else, with what is expected.
    """
    if not isinstance(spec, dict):
        raise ValidationError(
            "a computed indicator needs a spec",
            expected='an object such as {"measure": "share", "dataset": "eu-nuts2-ardeco", '
            '"activities": ["B-E"]}',
            found=type(spec).__name__,
        )
    unknown = sorted(set(spec) - set(_KEYS))
    if unknown:
        raise ValidationError(
            "unknown keys in the computed indicator's spec",
            expected=", ".join(_KEYS),
            found=", ".join(unknown),
            fix="remove them",
        )
    measure = spec.get("measure")
    if measure not in MEASURES:
        import difflib

        close = difflib.get_close_matches(str(measure), list(MEASURES), n=1, cutoff=0.5)
        raise ValidationError(
            f"unknown measure {measure!r}",
            where="computed.measure",
            expected=f"one of {', '.join(MEASURES)}",
            found=repr(measure),
            fix=(f"did you mean {close[0]!r}? " if close else "") + f"{_LISTING} lists them",
        )
    out: dict[str, Any] = {"measure": measure}
    needs = bool(MEASURES[measure]["needs_activities"])
    dataset = spec.get("dataset")
    if needs or dataset not in (None, ""):
        if not isinstance(dataset, str) or not dataset.strip():
            raise ValidationError(
                f"the measure {measure!r} needs a dataset",
                where="computed.dataset",
                expected="the id of a dataset of the catalogue (e.g. 'eu-nuts2-ardeco')",
                found=repr(dataset),
                fix="GET /api/v1/datasets lists them",
            )
        out["dataset"] = dataset.strip()
    if needs:
        acts = spec.get("activities")
        if isinstance(acts, str):
            acts = [a for a in (p.strip() for p in acts.split(",")) if a]
        if not isinstance(acts, list | tuple) or not acts:
            raise ValidationError(
                f"the measure {measure!r} needs the activities of the priority",
                where="computed.activities",
                expected="a list of the dataset's activity codes (or NACE codes inside them)",
                found=repr(acts),
                fix=f"GET /api/v1/datasets/{out['dataset']}/activities lists them",
            )
        out["activities"] = list(dict.fromkeys(str(a).strip() for a in acts if str(a).strip()))
    frm = spec.get("period_from")
    if frm not in (None, ""):
        try:
            out["period_from"] = int(frm)
        except (TypeError, ValueError):
            raise ValidationError(
                "period_from is not a year",
                where="computed.period_from",
                expected="a year such as 2010",
                found=repr(frm),
            ) from None
    return out


# ------------------------------------------------------------------------------ versions
def _file_stamp(path: Path | None) -> tuple[Any, ...]:
    if path is None or not path.is_file():
        return ()
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def _bundled_file(name: str) -> Path | None:
    from smartspec.datasets._registry import data_file

    found = data_file(f"{name}.csv.gz")
    return Path(str(found)) if found.is_file() else None


def _context_file() -> Path:
    from importlib import resources

    return Path(str(resources.files("smartspec.domains.benchmark") / "data" / "indicators.csv"))


def data_version(app: SmartSpecApp, spec: dict[str, Any]) -> str:
    """What a computed indicator's values depend on, as a short text; it changes when the data
    change.

    For a dataset: the catalogue's identity of its content (the same key the evidence domain's
    result cache uses: version, id, kind, file, creation time, periods, shape, mapping) plus
    the size and modification time of its file; for ``density`` also the analysis options. For
    the context measures: the platform version and the bundled indicator file.

    Returns
    -------
    str
        ``"<dataset or context>@<16 hex digits>"``.
    """
    from smartspec import __version__

    spec = check_spec(spec)
    measure = spec["measure"]
    if measure in CONTEXT_MEASURES:
        parts: tuple[Any, ...] = (__version__, "context", *_file_stamp(_context_file()))
        label = "context"
    else:
        dataset = spec["dataset"]
        record = app.dataset(dataset)  # unknown dataset: the catalogue's error
        path = _bundled_file(record.id) if record.kind == "bundled" else app.file_of(record)
        parts = (*app._dataset_version(record.id), *_file_stamp(path))
        if measure == "density":
            parts += (app.options_key({}, record.id),)
        label = record.id
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return f"{label}@{digest}"


# ------------------------------------------------------------------------------ lookups
def _year(period: Any) -> int:
    try:
        year = int(str(period).strip())
    except ValueError:
        year = -1
    if not 1000 <= year <= 9999:
        raise ValidationError(
            "the dataset's periods are not years",
            expected="periods that are years (2014, '2015')",
            found=repr(period),
            fix="use a dataset with yearly periods for a computed indicator",
        )
    return year


def _region_in(
    app: SmartSpecApp, dataset: str, region: str, codes: list[str]
) -> tuple[str, list[str]]:
    """The dataset's code for ``region``: the code or name (the shared resolver), else its
    nearest NUTS ancestor in the dataset."""
    from smartspec.domains.registry.coherence import map_region

    text = str(region).strip()
    found, how = map_region(text, codes)
    if found is not None:
        note = (
            [f"region {text} is measured by its NUTS parent {found} (the dataset's level)"]
            if how == "parent"
            else []
        )
        return found, note
    labels = app.labels(dataset, "region")["name"]
    names = {str(c): (n if isinstance(n, str) else None) for c, n in labels.items()}
    return resolve(
        text,
        names,
        axis="region",
        where=f"dataset {dataset!r}",
        listing=f"GET /api/v1/datasets/{dataset}/regions",
    ), []


def _activities_in(
    app: SmartSpecApp, dataset: str, wanted: list[str], codes: list[str]
) -> tuple[list[int], list[str]]:
    """Positions of the activities ``wanted`` names, in this order of trial: a code of the
    dataset (any case); a NACE code mapped to the dataset's activities inside it or containing
    it (:func:`smartspec.domains.registry.coherence.map_code`); a name (the shared resolver,
    which raises with close matches). A valid NACE code outside the dataset's scope (health
    against business statistics) is left out with a caveat, unless nothing else is left."""
    from smartspec.domains.registry.coherence import map_code

    upper = {c.upper(): i for i, c in enumerate(codes)}
    chosen: list[int] = []
    notes: list[str] = []
    outside: list[str] = []
    names: dict[str, str | None] | None = None
    for text in wanted:
        if text.upper() in upper:
            chosen.append(upper[text.upper()])
            continue
        mapped, reason = map_code(text.upper(), codes)
        if mapped:
            targets = [codes[i] for i, _ in mapped]
            if mapped[0][1] != "same":  # "28" for "C28" needs no word
                notes.append(
                    f"NACE {text} is measured by the dataset's "
                    f"{'activity' if len(targets) == 1 else 'activities'} "
                    f"{', '.join(targets)} ({mapped[0][1]})"
                )
            chosen += [i for i, _ in mapped]
            continue
        if reason and "is not a NACE" not in reason:
            outside.append(f"NACE {text} left out: {reason}")
            continue
        if names is None:
            labels = app.labels(dataset, "activity")["name"]
            names = {str(c): (n if isinstance(n, str) else None) for c, n in labels.items()}
        found = resolve(  # raises, with close matches or the ambiguity
            text,
            names,
            axis="activity",
            where=f"dataset {dataset!r}",
            listing=f"GET /api/v1/datasets/{dataset}/activities",
        )
        chosen.append(upper[found.upper()])
    if not chosen:
        from smartspec.core.errors import UnknownActivityError

        raise UnknownActivityError(
            "none of the activities is in the dataset",
            where=f"dataset {dataset!r}",
            expected="activity codes of the dataset, or NACE codes inside or around them",
            found="; ".join(outside),
            fix=f"GET /api/v1/datasets/{dataset}/activities lists them; choose a dataset "
            "that covers these activities",
        )
    notes += outside
    unique = list(dict.fromkeys(chosen))
    if len(unique) < len(chosen):
        notes.append("activities named twice (or mapped to the same one) are counted once")
    return unique, notes


# ------------------------------------------------------------------------------ compute
def compute_series(app: SmartSpecApp, spec: dict[str, Any], region: str) -> ComputedSeries:
    """The yearly values of a computed indicator for ``region`` (see the module for the
    measures and their formulas).

    Parameters
    ----------
    app : SmartSpecApp
        The platform (its catalogue and evidence).
    spec : dict
        ``{"measure", "dataset", "activities", "period_from"}`` (:func:`check_spec`).
    region : str
        The region's code (or name) in the dataset, or a finer NUTS code.

    Returns
    -------
    ComputedSeries

    Raises
    ------
    ValidationError
        A malformed spec, or a dataset whose periods are not years.
    smartspec.UnknownDatasetError, smartspec.UnknownRegionError, smartspec.UnknownActivityError
        Unknown codes, with the closest matches.
    """
    return _compute(app, spec, region)[0]


def _compute(app: SmartSpecApp, spec: dict[str, Any], region: str) -> tuple[ComputedSeries, str]:
    """:func:`compute_series`, and the region's code in the data."""
    spec = check_spec(spec)
    measure = spec["measure"]
    version = data_version(app, spec)
    if measure in CONTEXT_MEASURES:
        values, unit, caveats, code = _context(measure, region)
    else:
        values, unit, caveats, code = _activity_measure(app, spec, region)
    frm = spec.get("period_from")
    if frm is not None:
        values = {y: v for y, v in values.items() if y >= frm}
    if not values:
        caveats.append("no year has a value for this region and measure")
    return ComputedSeries(dict(sorted(values.items())), version, unit, caveats), code


def _context(measure: str, region: str) -> tuple[dict[int, float], str, list[str], str]:
    from smartspec.domains.benchmark.indicators import INDICATORS, indicator_table
    from smartspec.domains.benchmark.service import resolve_region
    from smartspec.domains.registry.coherence import map_region

    table = indicator_table()
    column = CONTEXT_MEASURES[measure]
    found, how = map_region(str(region), [str(c) for c in table.index])
    caveats: list[str] = []
    if found is None:
        found = resolve_region(str(region))
    elif how == "parent":
        caveats.append(f"region {region} is measured by its NUTS 2 parent {found}")
    about = next(i for i in INDICATORS if i.key == column)
    value = table.at[found, column]
    if column == "gerd_pc_gdp":
        year_value = table.at[found, "rd_year"]
        year = None if year_value is None or bool(np.isnan(float(year_value))) else int(year_value)
        caveats.append(
            "one reference year only (2017, or the nearest of 2013-2019 where missing): a "
            "baseline, not a trend"
        )
    else:
        year = 2012
        caveats.append(
            "one value only, the mean of 2011 and 2012, stored under 2012: a baseline, not a trend"
        )
    caveats.append(f"source: {about.source}")
    values: dict[int, float] = {}
    if year is not None and value is not None and math.isfinite(float(value)):
        values[year] = float(value)
    return values, str(MEASURES[measure]["unit"]), caveats, found


def _activity_measure(
    app: SmartSpecApp, spec: dict[str, Any], region: str
) -> tuple[dict[int, float], str, list[str], str]:
    measure = spec["measure"]
    dataset = spec["dataset"]
    m = app.matrix(dataset)
    region_codes = [str(r) for r in m.regions]
    code, caveats = _region_in(app, dataset, region, region_codes)
    r = region_codes.index(code)
    cols, notes = _activities_in(app, dataset, spec["activities"], [str(a) for a in m.activities])
    caveats += notes
    years = [_year(p) for p in m.periods]
    n_r = m.n_regions
    rows = [p * n_r + r for p in range(m.n_periods)]
    own = m.data[rows].toarray()  # (periods, activities) of the region
    missing: np.ndarray = np.zeros(own.shape, dtype=bool)
    if m.missing is not None:
        missing = np.asarray(m.missing[rows].toarray(), dtype=bool)
    group = own[:, cols].sum(axis=1)
    gaps: list[bool] = [bool(x) for x in np.any(missing[:, cols], axis=1).ravel()]
    values: dict[int, float] = {}
    if measure == "density":
        density = app.evidence(dataset).arrays.density[:, r, :][:, cols]
        means = _nanmean_rows(density)
        values = {
            y: float(v)
            for y, v, g in zip(years, means, gaps, strict=True)
            if not g and math.isfinite(float(v))
        }
        opts = ", ".join(f"{k}={v}" for k, v in app.options_key({}, dataset))
        caveats.append(
            f"relatedness density of the evidence domain ({opts}; Hidalgo et al. 2007): a "
            "feasibility signal, not a forecast"
        )
        unit = str(MEASURES[measure]["unit"])
    else:
        totals = own.sum(axis=1)
        if measure == "employment":
            series = group
            unit = str(app.dataset_info(dataset).get("unit") or m.value_name)
        elif measure == "share":
            with np.errstate(invalid="ignore", divide="ignore"):
                series = 100.0 * group / totals
            unit = str(MEASURES[measure]["unit"])
        else:  # rca: (x_rg / x_r) / (x_g / x), the group summed first
            blocks = [m.data[p * n_r : (p + 1) * n_r] for p in range(m.n_periods)]
            x_g = np.array([float(b[:, cols].sum()) for b in blocks])
            x = np.array([float(b.sum()) for b in blocks])
            with np.errstate(invalid="ignore", divide="ignore"):
                series = (group / totals) / (x_g / x)
            unit = str(MEASURES[measure]["unit"])
            caveats.append("Balassa (1965) RCA of the activities taken as one group")
            if m.n_missing:
                caveats.append(
                    "the totals of all regions exclude the cells suppressed in the source "
                    f"({m.n_missing} cells)"
                )
        values = {
            y: float(v)
            for y, v, g in zip(years, series, gaps, strict=True)
            if not g and math.isfinite(float(v))
        }
        if measure != "employment" and missing.any():
            caveats.append(
                "the region's total excludes suppressed cells in "
                + ", ".join(str(y) for y, row in zip(years, missing, strict=True) if row.any())
            )
    skipped = [y for y, g in zip(years, gaps, strict=True) if g]
    if skipped:
        caveats.append(
            "no value where a cell of the activities is suppressed in the source: "
            + ", ".join(map(str, skipped))
        )
    return values, unit, caveats, code


def _nanmean_rows(values: np.ndarray) -> np.ndarray:
    """The mean of each row over its finite entries (NaN for a row with none)."""
    ok = np.isfinite(values)
    counts = ok.sum(axis=1)
    sums = np.where(ok, values, 0.0).sum(axis=1)
    out = np.full(len(values), np.nan)
    np.divide(sums, counts, out=out, where=counts > 0)
    return out
