"""The benchmark domain's service: the regions most like a region, and why.

:func:`similar_regions` ranks regions by one of four stated measures; :func:`explain` shows
which indicators make two regions alike and which set them apart; :func:`indicators` describes
the bundled table; :func:`stability_check` measures how stable the neighbour sets are. Method
and formulas: :mod:`smartspec.domains.benchmark.similarity` and ``docs/benchmark.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smartspec.core.errors import UnknownDatasetError, UnknownRegionError, ValidationError
from smartspec.core.lookup import resolve
from smartspec.domains.errors import RequestError, UnknownRecordError

from . import similarity as sim
from .indicators import DIMENSIONS, INDICATORS, REFERENCE_YEAR, coverage, indicator_table
from .views import (
    BenchmarkView,
    ComparisonView,
    IndicatorComparison,
    IndicatorInfo,
    IndicatorsView,
    Neighbour,
    RegionCoverage,
    StabilityView,
)

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account

__all__ = [
    "DEFAULT_DATASET",
    "MAX_TOP",
    "MEASURES",
    "explain",
    "indicators",
    "resolve_region",
    "similar_regions",
    "stability_check",
]

MEASURES: tuple[str, ...] = ("structure", "activity", "priorities", "combined")
#: The most neighbours one answer lists.
MAX_TOP = 100
#: The activity dataset used when none is named.
DEFAULT_DATASET = "eu-nuts2-ardeco"
#: Indicators listed as making two regions alike / setting them apart.
EXPLAIN_COUNT = 5
_LISTING = "GET /api/v1/benchmark/indicators (or smartspec benchmark indicators)"

DESCRIPTIONS = {
    "structure": (
        "structural similarity 1/(1+d): d is the weighted Euclidean distance of z-scores of "
        f"{len(INDICATORS)} structural indicators ({REFERENCE_YEAR}), each of the "
        f"{len(DIMENSIONS)} dimensions ({', '.join(DIMENSIONS)}) weighted 1/{len(DIMENSIONS)} "
        "and split equally among its indicators; indicators one region lacks are left out and "
        "the weights renormalised (JRC/Orkestra regional benchmarking, Navarro et al. 2014)"
    ),
    "activity": (
        "cosine similarity of activity profiles: revealed symmetric comparative advantage "
        "(RCA-1)/(RCA+1) per activity, in the dataset's latest period"
    ),
    "priorities": (
        "similarity of declared priorities in the registry: Jaccard similarity of the sets "
        "of declared NACE divisions"
    ),
    "combined": (
        "mean of the rank-normalised scores 1-(rank-1)/(n-1) of the measures combined, over "
        "the regions every combined measure ranks"
    ),
}


@dataclass(frozen=True)
class Model:
    """The standardised table and the distances between all its regions."""

    table: pd.DataFrame
    z: pd.DataFrame
    weights: pd.Series
    distance: pd.DataFrame
    coverage: pd.DataFrame
    region_coverage: pd.Series
    names: dict[str, str]
    aliases: dict[str, str]


def _dims() -> dict[str, str]:
    return {i.key: i.dimension for i in INDICATORS}


def _transforms() -> dict[str, str]:
    return {i.key: i.transform for i in INDICATORS}


@lru_cache(maxsize=1)
def model() -> Model:
    """The structural model of the bundled table (computed once per process)."""
    from smartspec.datasets import labels

    table = indicator_table()
    keys = [i.key for i in INDICATORS]
    z = sim.standardise(table[keys], _transforms())
    weights = sim.indicator_weights(_dims())
    distance, cover = sim.distance_matrix(z, weights)
    names = labels(DEFAULT_DATASET, "region")["name"].reindex(table.index)
    aliases = {
        str(n): str(r) for r, n in table["nuts2016"].items() if isinstance(n, str) and n != r
    }
    return Model(
        table=table,
        z=z,
        weights=weights,
        distance=distance,
        coverage=cover,
        region_coverage=sim.region_coverage(z, weights),
        names={str(r): str(n) if isinstance(n, str) else str(r) for r, n in names.items()},
        aliases=aliases,
    )


def resolve_region(text: str) -> str:
    """The region of the indicator table ``text`` means: its code (NUTS 2016 or 2021, any case),
    its name, or a word of its name.

    Raises :class:`~smartspec.UnknownRegionError` (close matches named) otherwise.
    """
    m = model()
    code = str(text).strip()
    code = m.aliases.get(code.upper(), code)
    return resolve(
        code,
        m.names,
        axis="region",
        where="the benchmark indicators (EU NUTS 2 regions)",
        listing=_LISTING,
    )


def _compared(region: str) -> None:
    """Refuse a region whose indicators carry too little of the weight."""
    m = model()
    share = float(m.region_coverage[region])
    if share < sim.MIN_COVERAGE:
        missing = [k for k in m.z.columns if pd.isna(m.z.at[region, k])]
        raise ValidationError(
            f"region {region} has too few structural indicators to be compared",
            where=f"region {region!r}",
            expected=f"indicators carrying at least {sim.MIN_COVERAGE:.0%} of the weight",
            found=f"{share:.0%} (missing: {', '.join(missing)})",
            fix="compare it by activity profile (measure=activity) instead",
        )


def _check_top(top: int) -> None:
    if not 1 <= top <= MAX_TOP:
        raise RequestError(
            "top out of bounds", where="top", expected=f"1 to {MAX_TOP}", found=str(top)
        )


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise RequestError(
            f"unknown measure {measure!r}",
            where="measure",
            expected=", ".join(MEASURES),
            found=repr(measure),
        )


def _structure(region: str) -> pd.DataFrame:
    m = model()
    _compared(region)
    return sim.top_neighbours(m.distance, m.coverage, region)


def _activity(
    app: SmartSpecApp, region: str, dataset: str
) -> tuple[pd.Series, dict[str, str], str]:
    """Cosine similarity of RSCA profiles to ``region`` in the dataset's latest period, the
    dataset's region names, and the region's code in the dataset."""
    from smartspec.core.specialisation import rca

    def build() -> pd.DataFrame:
        matrix = app.matrix(dataset)
        table = rca(matrix)
        last = table.index.get_level_values("period")[-1]
        return sim.rsca(table.xs(last, level="period"))

    profiles: pd.DataFrame = app.cached(("benchmark-rsca", dataset), build)
    labels = app.labels(dataset, "region")["name"]
    names = {str(c): str(n) if isinstance(n, str) else str(c) for c, n in labels.items()}
    code = resolve(
        model().aliases.get(region.upper(), region),
        names,
        axis="region",
        where=f"dataset {dataset!r}",
        listing=f"GET /api/v1/datasets/{dataset}/regions",
    )
    profiles = profiles.set_axis(profiles.index.map(str))
    return sim.cosine_to(profiles, code).dropna(), names, code


def _priorities(
    app: SmartSpecApp, actor: Account | None, region: str
) -> tuple[pd.Series, dict[str, str], str]:
    """The registry's Jaccard similarity of declared NACE divisions to ``region``, the names of
    the regions ranked, and the region's registry code."""
    view = app.registry.similar_regions(actor, region, by="codes", limit=MAX_TOP)
    scores = pd.Series({i.region: i.score for i in view.items}, dtype=float)
    return scores, {i.region: i.name for i in view.items}, view.region


def _item(rank: int, region: str, name: str, score: float, **extra: Any) -> Neighbour:
    return Neighbour(
        rank=rank, region=region, name=name, country=region[:2], score=round(score, 6), **extra
    )


def similar_regions(
    app: SmartSpecApp,
    region: str,
    *,
    top: int = 10,
    measure: str = "structure",
    dataset: str | None = None,
    actor: Account | None = None,
) -> BenchmarkView:
    """The ``top`` regions most similar to ``region`` by one stated measure, best first.

    Parameters
    ----------
    app : SmartSpecApp
        The platform (its catalogue for ``activity``, its registry for ``priorities``).
    region : str
        A region code (NUTS 2016 or 2021), or name; for ``priorities`` a registry region code.
    top : int
        1 to :data:`MAX_TOP`.
    measure : {"structure", "activity", "priorities", "combined"}
        ``structure``: ``1 / (1 + d)`` of the weighted Euclidean distance of standardised
        structural indicators (:func:`~.similarity.distance_matrix`). ``activity``: cosine of
        the regions' RSCA profiles in ``dataset`` (default ``eu-nuts2-ardeco``, latest period).
        ``priorities``: Jaccard similarity of declared NACE divisions (the registry's
        ``similar_regions``). ``combined``: the mean of the rank-normalised scores of the
        measures that know the region, over the regions all of them rank.
    dataset : str, optional
        The activity dataset (``activity`` and ``combined``).
    actor : Account, optional
        Who asks (the registry's read rule applies to ``priorities``).

    Raises
    ------
    RequestError
        ``top`` out of bounds, or an unknown measure.
    UnknownRegionError
        A region not in the table or dataset (close matches named).
    ValidationError
        A region with too few structural indicators (``structure``).
    UnknownRecordError
        ``priorities`` for a region without declared priorities in the registry.
    """
    _check_top(top)
    _check_measure(measure)
    notes: list[str] = []
    if measure == "priorities":
        scores, names, code = _priorities(app, actor, region)
        own = app.registry.get_region(actor, code).name or code
        items = [
            _item(i, r, names[r], float(s))
            for i, (r, s) in enumerate(scores.items(), 1)  # the registry's order
        ]
        return BenchmarkView(
            region=code,
            name=own,
            measure="priorities",
            description=DESCRIPTIONS[measure],
            compared=len(items),
            items=items[:top],
        )
    named = dataset is not None
    dataset = dataset or DEFAULT_DATASET
    if measure == "activity":
        scores, names, own = _activity(app, region, dataset)
        order = scores.to_frame("s").assign(c=scores.index)
        order = order.sort_values(["s", "c"], ascending=[False, True])
        items = [
            _item(i, str(r), names.get(str(r), str(r)), float(s))
            for i, (r, s) in enumerate(order["s"].items(), 1)
        ]
        return BenchmarkView(
            region=own,
            name=names.get(own, own),
            measure="activity",
            dataset=dataset,
            description=DESCRIPTIONS[measure],
            compared=len(items),
            items=items[:top],
        )
    code = resolve_region(region)
    m = model()
    near = _structure(code)
    if measure == "structure":
        items = [
            _item(
                int(row["rank"]),
                str(r),
                m.names[str(r)],
                float(row["similarity"]),
                distance=round(float(row["distance"]), 6),
                coverage=round(float(row["coverage"]), 4),
            )
            for r, row in near.head(top).iterrows()
        ]
        notes += _structure_notes(code)
        return BenchmarkView(
            region=code,
            name=m.names[code],
            measure="structure",
            description=DESCRIPTIONS[measure],
            compared=len(near),
            items=items,
            notes=notes,
        )
    parts: dict[str, pd.Series] = {"structure": near["similarity"]}
    try:
        parts["activity"] = _activity(app, code, dataset)[0]
    except UnknownRegionError:
        notes.append(f"activity left out: {code} is not in dataset {dataset}")
    except UnknownDatasetError:
        if not named:  # the default dataset is not in this platform's catalogue
            notes.append(f"activity left out: dataset {dataset} is not in the catalogue")
        else:
            raise
    try:
        prio = _priorities(app, actor, code)[0]
        if len(prio.index.intersection(near.index)):
            parts["priorities"] = prio
        else:
            notes.append(
                "priorities left out: no region with declared priorities in the "
                "registry is among the regions the other measures rank"
            )
    except UnknownRecordError:
        notes.append(f"priorities left out: {code} has no declared priorities in the registry")
    combined = sim.combine_ranks(parts)
    items = [
        _item(
            i,
            str(r),
            m.names.get(str(r), str(r)),
            float(row["score"]),
            distance=_maybe(near, r),
            parts={k: round(float(row[k]), 6) for k in parts},
        )
        for i, (r, row) in enumerate(combined.head(top).iterrows(), 1)
    ]
    return BenchmarkView(
        region=code,
        name=m.names[code],
        measure="combined",
        dataset=dataset,
        description=DESCRIPTIONS[measure],
        combined=list(parts),
        compared=len(combined),
        items=items,
        notes=notes,
    )


def _maybe(near: pd.DataFrame, region: Any) -> float | None:
    return round(float(near.at[region, "distance"]), 6) if region in near.index else None


def _structure_notes(code: str) -> list[str]:
    m = model()
    notes = []
    missing = [k for k in m.z.columns if pd.isna(m.z.at[code, k])]
    if missing:
        notes.append(
            f"{code} lacks {', '.join(missing)}: left out of its distances, the other weights "
            "renormalised"
        )
    year = m.table.at[code, "rd_year"]
    if pd.notna(year) and int(year) != REFERENCE_YEAR:
        notes.append(f"R&D values of {code} are from {int(year)}, not {REFERENCE_YEAR}")
    return notes


def _value(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 6)


def explain(app: SmartSpecApp | None, region: str, other: str) -> ComparisonView:
    """Which indicators make ``region`` and ``other`` alike and which set them apart.

    Each indicator's contribution ``c_i = w_i/W · (z_i − z'_i)²`` sums to the squared distance
    (:func:`~.similarity.contributions`). ``alike``: the :data:`EXPLAIN_COUNT` indicators with
    the smallest ``|z − z'|``; ``apart``: the :data:`EXPLAIN_COUNT` with the largest
    contributions (only those that add to the distance).
    """
    m = model()
    a, b = resolve_region(region), resolve_region(other)
    if a == b:
        raise RequestError(
            "a region compared with itself",
            where="other",
            expected="another region",
            found=b,
        )
    _compared(a)
    _compared(b)
    pair_cover = float(m.coverage.at[a, b])
    if pair_cover < sim.MIN_COVERAGE:
        raise ValidationError(
            f"{a} and {b} share too few indicators to be compared",
            where=f"{a}, {b}",
            expected=f"shared indicators carrying {sim.MIN_COVERAGE:.0%} of the weight",
            found=f"{pair_cover:.0%}",
        )
    parts = sim.contributions(m.z, m.weights, a, b)
    rows = []
    meta = {i.key: i for i in INDICATORS}
    for key, row in parts.iterrows():
        i = meta[str(key)]
        rows.append(
            IndicatorComparison(
                key=i.key,
                label=i.label,
                label_es=i.label_es,
                dimension=i.dimension,
                unit=i.unit,
                value=_value(m.table.at[a, i.key]),
                other_value=_value(m.table.at[b, i.key]),
                z=_value(row["z_a"]),
                other_z=_value(row["z_b"]),
                weight=_value(row["weight"]),
                contribution=_value(row["contribution"]),
                share=_value(row["share"]),
            )
        )
    present = parts.dropna(subset=["contribution"])
    gap = (present["z_a"] - present["z_b"]).abs()
    alike = gap.sort_values(kind="stable").head(EXPLAIN_COUNT).index.tolist()
    apart = present[present["contribution"] > 0].head(EXPLAIN_COUNT).index.tolist()
    near = sim.top_neighbours(m.distance, m.coverage, a)
    distance = float(np.sqrt(present["contribution"].sum()))
    return ComparisonView(
        region=a,
        name=m.names[a],
        other=b,
        other_name=m.names[b],
        distance=round(distance, 6),
        similarity=round(1 / (1 + distance), 6),
        coverage=round(pair_cover, 4),
        rank=int(near.at[b, "rank"]) if b in near.index else None,
        description=DESCRIPTIONS["structure"],
        indicators=rows,
        alike=[str(k) for k in alike],
        apart=[str(k) for k in apart],
        missing=[str(k) for k in parts.index[parts["contribution"].isna()]],
    )


def indicators() -> IndicatorsView:
    """The indicator table's metadata: indicators with weights and coverage, the regions with
    their share of the weight, the distance."""
    m = model()
    report = coverage()
    return IndicatorsView(
        reference_year=REFERENCE_YEAR,
        dimensions=list(DIMENSIONS),
        distance=DESCRIPTIONS["structure"],
        min_coverage=sim.MIN_COVERAGE,
        indicators=[
            IndicatorInfo(
                key=i.key,
                label=i.label,
                label_es=i.label_es,
                dimension=i.dimension,
                transform=i.transform,
                unit=i.unit,
                source=i.source,
                year=i.year,
                weight=round(float(m.weights[i.key]), 6),
                regions=int(m.table[i.key].notna().sum()),
            )
            for i in INDICATORS
        ],
        regions=[
            RegionCoverage(
                region=str(r),
                name=m.names[str(r)],
                coverage=round(float(c), 4),
                compared=bool(c >= sim.MIN_COVERAGE),
            )
            for r, c in m.region_coverage.items()
        ],
        rd_years={str(k): int(v) for k, v in report.get("rd_years", {}).items()},
    )


def stability_check(
    *,
    k: int = 10,
    draws: int = 50,
    noise: float = 0.1,
    seed: int = 0,
    regions: list[str] | None = None,
) -> StabilityView:
    """Stability of the structural top-``k`` neighbour sets (see
    :func:`~.similarity.stability`), over all comparable regions or the ones named."""
    if not 1 <= k <= MAX_TOP:
        raise RequestError("k out of bounds", where="k", expected=f"1 to {MAX_TOP}", found=str(k))
    if not 1 <= draws <= 1000:
        raise RequestError(
            "draws out of bounds", where="draws", expected="1 to 1000", found=str(draws)
        )
    if not 0 <= noise <= 1:
        raise RequestError(
            "noise out of bounds", where="noise", expected="0 to 1", found=str(noise)
        )
    codes = [resolve_region(r) for r in regions] if regions else None
    table = indicator_table()[[i.key for i in INDICATORS]]
    result = sim.stability(
        table, _dims(), _transforms(), regions=codes, k=k, draws=draws, noise=noise, seed=seed
    )
    return StabilityView(
        k=k,
        draws=draws,
        noise=noise,
        summary={m: round(v, 4) for m, v in result.summary.items()},
        regions={
            str(r): {m: round(float(v), 4) for m, v in row.items()}
            for r, row in result.per_region.iterrows()
        },
    )
