"""What the evidence-in-depth endpoints compute: the smart-specialisation framework, backtests
of the recommendations and any indicator of the catalogue, as plain functions of the app.

Like :mod:`.service`, each function takes the :class:`~smartspec.app.SmartSpecApp`, a dataset id
and the request's arguments and returns JSON-ready dictionaries (NaN as ``None``) or, for the
downloads, the whole table. The results are cached by the app (:meth:`SmartSpecApp.framework`,
:meth:`SmartSpecApp.backtest`, :meth:`SmartSpecApp.cached`).
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.app import SmartSpecApp
from smartspec.core.errors import UnknownPeriodError, ValidationError
from smartspec.domains.errors import RequestError, UnknownTableError
from smartspec.io import jsonable
from smartspec.jobs import ComputeBudgetError
from smartspec.services.options import parse_value

from .service import _limit, add_names, view

__all__ = [
    "MAX_BOOT",
    "framework_frame",
    "framework_page",
    "indicator_catalogue",
    "measure_frame",
    "measure_page",
    "parse_cutoff",
    "region_framework",
    "validation",
    "validation_tables",
]

#: Largest number of bootstrap resamples one request may ask for.
MAX_BOOT = 500

#: Options of the catalogue's functions that the API fills itself (not from ``option=``).
_ANALYSIS = ("profile", "threshold", "knn", "proximity")

#: Activity codes shaped like NACE divisions / groups (a section letter, then digits).
_NACE_LIKE = re.compile(r"^[A-U]\d{2}")


# ---------------------------------------------------------------------------------- helpers
def parse_cutoff(value: str | None, name: str) -> str | float:
    """``mean``, ``median`` or a number, from a query parameter (``mean`` when absent)."""
    if value is None or value == "":
        return "mean"
    text = value.strip().lower()
    if text in ("mean", "median"):
        return text
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not np.isfinite(number):
        raise RequestError(
            f"unknown {name} {value!r}",
            where=f"query parameter '{name}'",
            expected="mean, median or a number",
            found=repr(value),
            fix=f"{name}=mean (Balland et al.'s choice), {name}=median or e.g. {name}=0",
        )
    return number


def _clean(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return jsonable(frame)


def _filter_codes(
    v: Any, frame: pd.DataFrame, column: str, codes: Sequence[str], axis: str
) -> pd.DataFrame:
    codes = [c for c in codes if c not in (None, "")]
    if not codes:
        return frame
    find = v.region if axis == "region" else v.activity
    labels = v.matrix.regions if axis == "region" else v.matrix.activities
    wanted = [labels[find(c)] for c in codes]
    return frame[frame[column].isin(wanted)]


def _sort(frame: pd.DataFrame, sort: str | None, order: str, what: str) -> pd.DataFrame:
    if sort:
        if sort not in frame.columns:
            raise RequestError(
                f"cannot sort the {what} by {sort!r}",
                where="query parameter 'sort'",
                expected=f"a column: {', '.join(map(str, frame.columns))}",
                found=repr(sort),
            )
        return frame.sort_values(sort, ascending=order == "asc", na_position="last", kind="stable")
    return frame.iloc[::-1] if order == "desc" else frame


def _period_label(v: Any, period: str | None, *, where: str = "period") -> Any:
    """The period label asked for; a 400 (not a 404) when it is a query's base/end."""
    try:
        return v.matrix.periods[v.period(period)]
    except UnknownPeriodError as err:
        if where == "period":
            raise
        raise RequestError(
            err.problem,
            where=f"query parameter '{where}'",
            expected=err.expected,
            found=err.found,
            fix=err.fix,
        ) from None


# ---------------------------------------------------------------------------------- framework
def _framework(
    app: SmartSpecApp,
    dataset: str,
    cutoffs: Mapping[str, Any],
    options: Mapping[str, Any],
    feasibility: str = "density",
    period: Any = None,
) -> Any:
    """The framework; with ``feasibility="learned"`` the entry model's probability at ``period``
    is its feasibility axis (202 while the model is trained)."""
    return app.framework(
        dataset,
        **cutoffs,
        feasibility=feasibility,
        period=period,
        wait="setting",
        **{k: v for k, v in options.items() if v is not None},
    )


def _framework_period(v: Any, period: str | None, feasibility: str) -> Any:
    """The period a region-level framework is shown for: the one asked for; with the learned
    feasibility and none asked for, the last (the model predicts from one period); else None
    (every period)."""
    if period not in (None, ""):
        return _period_label(v, period)
    return v.matrix.periods[-1] if feasibility == "learned" else None


def framework_frame(
    app: SmartSpecApp,
    dataset: str,
    *,
    period: str | None = None,
    region: Sequence[str] = (),
    sort: str | None = None,
    order: str = "asc",
    cutoffs: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    feasibility: str = "density",
) -> pd.DataFrame:
    """The region-level view of the framework (every period unless ``period``; with the learned
    feasibility, the period of the model), with the cut-offs each region's candidates were
    split at."""
    options = options or {}
    v = view(app, dataset, **options)
    label = _framework_period(v, period, feasibility)
    fw = _framework(app, dataset, cutoffs or {}, options, feasibility, label)
    frame = fw.regions
    cuts = fw.candidates.groupby(["period", "region"], sort=False)[
        ["density_cutoff", "complexity_cutoff"]
    ].first()
    frame = frame.join(cuts, on=["period", "region"])
    if label is not None:
        frame = frame[frame["period"] == label]
    frame = _filter_codes(v, frame, "region", region, "region")
    return _sort(frame, sort, order, "framework table")


def framework_page(
    app: SmartSpecApp,
    dataset: str,
    *,
    limit: int | None = None,
    offset: int = 0,
    options: Mapping[str, Any] | None = None,
    cutoffs: Mapping[str, Any] | None = None,
    feasibility: str = "density",
    **filters: Any,
) -> dict[str, Any]:
    """One page of the region-level view: ``{items, total, limit, offset, columns, settings}``."""
    limit = _limit(app, limit)
    frame = framework_frame(
        app, dataset, cutoffs=cutoffs, options=options, feasibility=feasibility, **filters
    )
    v = view(app, dataset, **(options or {}))
    page = add_names(v, frame.iloc[offset : offset + limit])
    label = _framework_period(v, filters.get("period"), feasibility)
    fw = _framework(app, dataset, cutoffs or {}, options or {}, feasibility, label)
    return {
        "dataset": dataset,
        "table": "framework",
        "settings": jsonable(fw.settings),
        "columns": [str(c) for c in page.columns],
        "items": _clean(page),
        "total": len(frame),
        "limit": limit,
        "offset": offset,
    }


def region_framework(
    app: SmartSpecApp,
    dataset: str,
    code: str,
    *,
    period: str | None = None,
    quadrant: str | None = None,
    cutoffs: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    feasibility: str = "density",
) -> dict[str, Any]:
    """One region's candidates in the framework (most attractive first), with names, the
    cut-offs and the count of each quadrant; with ``feasibility="learned"`` each candidate's
    learned probability of entry is the feasibility axis (``probability``)."""
    from smartspec.core.framework import QUADRANTS

    options = options or {}
    v = view(app, dataset, **options)
    r = v.region(code)
    label = _period_label(v, period)
    if quadrant not in (None, "") and quadrant not in QUADRANTS:
        raise RequestError(
            f"unknown quadrant {quadrant!r}",
            where="query parameter 'quadrant'",
            expected=f"one of {', '.join(QUADRANTS)}",
            found=repr(quadrant),
        )
    fw = _framework(app, dataset, cutoffs or {}, options, feasibility, label)
    table = fw.region(v.matrix.regions[r], label)
    counts = {q: int((table["quadrant"] == q).sum()) for q in QUADRANTS}
    cut_d = float(table["density_cutoff"].iloc[0]) if len(table) else None
    cut_c = float(table["complexity_cutoff"].iloc[0]) if len(table) else None
    if quadrant:
        table = table[table["quadrant"] == quadrant]
    rows = add_names(
        v, table.drop(columns=["period", "region", "density_cutoff", "complexity_cutoff"])
    )
    return {
        "dataset": dataset,
        "region": v.region_codes[r],
        "region_name": v.region_names.get(v.region_codes[r]),
        "period": jsonable(label),
        "settings": jsonable(fw.settings),
        "cutoffs": {"density": jsonable(cut_d), "complexity": jsonable(cut_c)},
        "quadrants": [
            {"quadrant": q, "meaning": meaning, "count": counts[q]}
            for q, meaning in QUADRANTS.items()
        ],
        "counts": counts,
        "total": int(sum(counts.values())),
        "candidates": _clean(rows),
        "warnings": app.framework_warnings(
            dataset,
            **(cutoffs or {}),
            feasibility=feasibility,
            period=label,
            **{k: x for k, x in options.items() if x is not None},
        ),
    }


# ---------------------------------------------------------------------------------- validation
def _backtest(
    app: SmartSpecApp,
    dataset: str,
    *,
    base: str | None = None,
    end: str | None = None,
    horizon: int = 1,
    scores: Sequence[str] = ("density", "cog"),
    k: Sequence[int] = (10,),
    n_boot: int = 200,
    seed: int = 0,
    max_rca_before: float | None = None,
    min_rca_after: float | None = None,
    persistence: int = 0,
    options: Mapping[str, Any] | None = None,
    wait: float | Literal["setting"] | None = "setting",
) -> Any:
    """The backtest the request asks for (checked first); ``wait``: seconds to wait for its
    computation (default: the ``job_wait_s`` setting; ``None``: as long as it takes)."""
    from smartspec.core.validation import SCORES

    options = {k_: x for k_, x in (options or {}).items() if x is not None}
    v = view(app, dataset, **options)
    m = v.matrix
    if m.n_periods < 2:
        raise RequestError(
            "a backtest needs at least two periods",
            where=f"dataset {dataset!r}",
            expected="a panel with a base period and a later one",
            found=f"{m.n_periods} period ({m.periods[0]})",
            fix="backtest a dataset with several periods",
            code="bad_request.too_few_periods",
        )
    if n_boot > MAX_BOOT:
        raise RequestError(
            "too many bootstrap resamples",
            where="query parameter 'n_boot'",
            expected=f"at most {MAX_BOOT}",
            found=str(n_boot),
            fix="use fewer resamples, or run `smartspec validate --n-boot N` for more",
        )
    scores = list(dict.fromkeys(s for s in scores if s)) or ["density", "cog"]
    unknown = [s for s in scores if s not in SCORES]
    if unknown:
        raise RequestError(
            "unknown score",
            where="query parameter 'score'",
            expected=f"scores from {', '.join(SCORES)}",
            found=", ".join(map(repr, unknown)),
        )
    bad_k = [x for x in (k or ()) if x < 1]
    if bad_k:
        raise RequestError(
            "precision@k needs k >= 1",
            where="query parameter 'k'",
            expected="whole numbers >= 1",
            found=", ".join(map(str, bad_k)),
        )
    base_label = None if base in (None, "") else _period_label(v, base, where="base")
    end_label = None if end in (None, "") else _period_label(v, end, where="end")
    p0 = 0 if base_label is None else m.period_position(base_label)
    if end_label is None:
        if p0 + horizon >= m.n_periods:
            raise RequestError(
                f"no period {horizon} step(s) after {jsonable(m.periods[p0])}",
                where="query parameters 'base' and 'horizon'",
                expected=f"horizon <= {m.n_periods - 1 - p0}"
                if p0 < m.n_periods - 1
                else "a base period before the last one",
                found=f"base={jsonable(m.periods[p0])}, horizon={horizon}",
                fix="pick an earlier base, a smaller horizon, or give end=",
            )
        end_label = m.periods[p0 + horizon]
    if m.period_position(end_label) <= p0:
        raise RequestError(
            "the outcome period must come after the base period",
            where="query parameters 'base' and 'end'",
            expected=f"end later than {m.periods[p0]}",
            found=f"base={m.periods[p0]}, end={end_label}",
            fix="pick an earlier base or a later end",
            code="bad_request.period_order",
        )
    try:
        return app.backtest(
            dataset,
            base=m.periods[p0],
            end=end_label,
            horizon=horizon,
            scores=tuple(scores),
            k=tuple(dict.fromkeys(k or (10,))),
            n_boot=n_boot,
            seed=seed,
            max_rca_before=max_rca_before,
            min_rca_after=min_rca_after,
            persistence=persistence,
            wait=wait,
            **options,
        )
    except (RequestError, ComputeBudgetError):
        raise
    except ValidationError as err:  # the engine's message, as a malformed request (400)
        raise RequestError(
            err.problem,
            where=err.where or "query parameters",
            expected=err.expected,
            found=err.found,
            fix=err.fix,
        ) from None


def validation(app: SmartSpecApp, dataset: str, **params: Any) -> dict[str, Any]:
    """Summary, metrics (one row per score and baseline) and ROC / PR curves of a backtest."""
    bt = _backtest(app, dataset, **params)
    return {
        "dataset": dataset,
        "summary": jsonable(bt.summary),
        "columns": [str(c) for c in bt.metrics.columns],
        "metrics": _clean(bt.metrics),
        "curves": _clean(bt.curves),
    }


def validation_tables(app: SmartSpecApp, dataset: str, table: str, **params: Any) -> pd.DataFrame:
    """One table of a backtest as a whole (``metrics``, ``curves`` or ``pairs``, with names)."""
    if table not in ("metrics", "curves", "pairs"):
        raise RequestError(
            f"unknown backtest table {table!r}",
            where="query parameter 'table'",
            expected="metrics, curves or pairs",
            found=repr(table),
        )
    bt = _backtest(app, dataset, **params)
    frame = getattr(bt, table)
    if table == "pairs":
        frame = add_names(view(app, dataset, **(params.get("options") or {})), frame)
    return frame


# ---------------------------------------------------------------------------------- catalogue
def _catalogue() -> dict[str, Any]:
    from smartspec.core import load_all
    from smartspec.core.catalogue import INDICATORS

    load_all()
    return INDICATORS


def _parameters(fn: Any) -> tuple[list[str], list[str], bool]:
    """(required options, optional options, takes **options) of a catalogue function."""
    required: list[str] = []
    optional: list[str] = []
    extra = False
    for i, p in enumerate(inspect.signature(fn).parameters.values()):
        if i == 0 or p.name.startswith("_"):
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            extra = True
        elif p.kind is not inspect.Parameter.VAR_POSITIONAL:
            (required if p.default is inspect.Parameter.empty else optional).append(p.name)
    return required, optional, extra


def indicator_catalogue() -> dict[str, Any]:
    """Every registered indicator: name, level, summary, reference and its options."""
    items = []
    for ind in sorted(_catalogue().values(), key=lambda i: (i.level, i.name)):
        required, optional, _ = _parameters(ind.function)
        items.append(
            {
                "name": ind.name,
                "level": ind.level,
                "summary": ind.summary,
                "reference": ind.reference,
                "required": required,
                "options": optional,
            }
        )
    return {"items": items, "total": len(items)}


def activity_groups(app: SmartSpecApp, dataset: str, spec: str) -> tuple[Any, str]:
    """The activity hierarchy for related / unrelated variety, and how it was chosen.

    ``parent``: the dataset's activity labels (their ``parent`` column); a whole number ``k``:
    the first ``k`` characters of each code; ``auto``: ``parent`` when every activity has one,
    else a prefix of length 1 when the codes look like NACE (a section letter, then digits),
    else a 400 that says why.
    """
    labels = app.labels(dataset, "activity")
    parents = labels["parent"]
    has_parent = bool(len(parents)) and parents.notna().all() and parents.nunique() > 1
    text = (spec or "").strip().lower()
    if text == "auto":
        if has_parent:
            text = "parent"
        elif len(labels) and all(_NACE_LIKE.match(c) for c in labels.index):
            text = "1"
        else:
            raise RequestError(
                "related and unrelated variety need an activity hierarchy, and this dataset has "
                "none",
                where=f"dataset {dataset!r}",
                expected="activity labels with a parent (a coarser group) for every activity, "
                "or NACE-like codes (a section letter, then digits)",
                found="no parent column" if parents.isna().all() else "activities without a parent",
                fix="give groups=K to group by the first K characters of the codes",
            )
    if text == "parent":
        if not has_parent:
            raise RequestError(
                "the dataset's activities have no parent to group them by",
                where="query parameter 'groups'",
                expected="a dataset whose activity labels have a parent for every activity",
                found=f"{int(parents.notna().sum())} of {len(parents)} activities with a parent",
                fix="give groups=K to group by the first K characters of the codes",
            )
        m = app.matrix(dataset)
        mapping = dict(zip(labels.index, parents, strict=True))
        return {a: mapping[str(a)] for a in m.activities}, "parent"
    if text.isdigit() and int(text) >= 1:
        return int(text), text
    raise RequestError(
        f"unknown groups {spec!r}",
        where="query parameter 'groups'",
        expected="parent, auto or a prefix length (a whole number >= 1)",
        found=repr(spec),
    )


def _measure_options(
    app: SmartSpecApp,
    dataset: str,
    name: str,
    *,
    groups: str | None,
    option: Sequence[str],
    options: Mapping[str, Any],
) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """The keyword arguments of the indicator, and a hashable key of them."""
    ind = _catalogue()[name]
    required, optional, extra = _parameters(ind.function)
    known = set(required) | set(optional)
    kwargs: dict[str, Any] = {}
    key: dict[str, Any] = {}
    for item in option:
        k, sep, raw = item.partition("=")
        k = k.strip()
        if k == "method" and "presence" in known:  # the old name, kept one release
            k = "presence"
        if not sep or not k:
            raise RequestError(
                "an option is KEY=VALUE",
                where="query parameter 'option'",
                expected="e.g. option=reference=rest",
                found=repr(item),
            )
        if k in ("population", "groups", *_ANALYSIS):
            raise RequestError(
                f"give {k} as its own query parameter, not as option=",
                where="query parameter 'option'",
                expected=f"{k}=..." if k != "population" else "no population",
                found=repr(item),
            )
        if k not in known and not extra:
            raise RequestError(
                f"the indicator {name!r} has no option {k!r}",
                where="query parameter 'option'",
                expected="one of " + (", ".join(sorted(known)) or "no options"),
                found=repr(item),
            )
        kwargs[k] = key[k] = parse_value(raw.strip())
    for k, x in options.items():
        if x is None:
            continue
        if k not in known and not extra:
            raise RequestError(
                f"the indicator {name!r} does not take {k}=",
                where=f"query parameter '{k}'",
                expected="its options: " + (", ".join(sorted(known)) or "none"),
                found=f"{k}={x}",
            )
        kwargs[k] = key[k] = x
    if "profile" in known and "profile" not in kwargs:
        kwargs["profile"] = key["profile"] = app.settings["default_profile"]
    if "groups" in known:
        if groups in (None, ""):
            raise RequestError(
                f"the indicator {name!r} needs an activity hierarchy",
                where="query parameter 'groups'",
                expected="groups=parent (the dataset's activity parents), groups=auto (parents, "
                "else a one-character prefix for NACE-like codes) or groups=K (the first K "
                "characters of the codes)",
                found="no groups",
            )
        kwargs["groups"], key["groups"] = activity_groups(app, dataset, groups)
    elif groups not in (None, ""):
        raise RequestError(
            f"the indicator {name!r} does not take groups=",
            where="query parameter 'groups'",
            expected="groups= with related_variety and unrelated_variety only",
            found=f"groups={groups}",
        )
    missing = [p for p in required if p not in kwargs]
    if missing:
        what = ", ".join(f"{p}=" for p in missing)
        raise RequestError(
            f"the indicator {name!r} needs {what} which a query cannot give",
            where=f"indicator {name!r}",
            expected=f"{what} "
            + (
                "(a population per region and period)"
                if "population" in missing
                else "(see the indicator's documentation)"
            ),
            found="nothing for " + ", ".join(missing),
            fix="compute it with the library: smartspec.core.catalogue.compute("
            f"{name!r}, m, {missing[0]}=...)",
        )
    return kwargs, tuple(sorted((k, x) for k, x in key.items()))


def measure_frame(
    app: SmartSpecApp,
    dataset: str,
    name: str,
    *,
    period: str | None = None,
    region: Sequence[str] = (),
    activity: Sequence[str] = (),
    groups: str | None = None,
    option: Sequence[str] = (),
    options: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A catalogue indicator as a long table (filtered), and the options it was computed with."""
    catalogue = _catalogue()
    if name not in catalogue:
        close = difflib.get_close_matches(str(name), list(catalogue), n=3)
        raise UnknownTableError(
            f"unknown indicator {name!r}",
            expected=f"one of the {len(catalogue)} indicators of GET /api/v1/indicators",
            found=repr(name),
            fix=(f"did you mean {' or '.join(map(repr, close))}? " if close else "")
            + "GET /api/v1/indicators lists them",
        )
    options = options or {}
    v = view(app, dataset)
    kwargs, key = _measure_options(
        app, dataset, name, groups=groups, option=option, options=options
    )
    m = app.matrix(dataset)

    def compute() -> pd.DataFrame:
        from smartspec.core.catalogue import compute as compute_indicator

        return compute_indicator(name, m, **kwargs)

    try:
        frame, _ = app.cached_with_warnings(("measure", dataset, name, key), compute)
    except ValidationError as err:
        if err.problem.startswith("bad options"):
            raise RequestError(
                err.problem,
                where="query parameters",
                expected=err.expected,
                found=err.found,
                fix="GET /api/v1/indicators lists each indicator's options",
            ) from None
        raise
    if period not in (None, ""):
        frame = frame[frame["period"] == _period_label(v, period)]
    level = catalogue[name].level
    for axis, codes in (("region", region), ("activity", activity)):
        codes = [c for c in codes if c not in (None, "")]
        if not codes:
            continue
        column = next((c for c in (axis, f"{axis}_from") if c in frame.columns), None)
        if column is None:
            raise RequestError(
                f"the indicator {name!r} ({level} level) cannot be filtered by {axis}",
                where=f"query parameter '{axis}'",
                expected="filters of this indicator: period"
                + "".join(
                    f", {a}"
                    for a in ("region", "activity")
                    if any(c in frame.columns for c in (a, f"{a}_from"))
                ),
                found=f"{axis}={','.join(codes)}",
            )
        frame = _filter_codes(v, frame, column, codes, axis)
    used = {k: x for k, x in key}
    if "groups" in used and isinstance(used["groups"], str) and used["groups"].isdigit():
        used["groups"] = f"prefix {used['groups']}"
    return frame, used


def measure_page(
    app: SmartSpecApp,
    dataset: str,
    name: str,
    *,
    limit: int | None = None,
    offset: int = 0,
    **kwargs: Any,
) -> dict[str, Any]:
    """One page of a catalogue indicator's long table, with names."""
    limit = _limit(app, limit)
    frame, used = measure_frame(app, dataset, name, **kwargs)
    ind = _catalogue()[name]
    page = add_names(view(app, dataset), frame.iloc[offset : offset + limit])
    for col in ("region_from", "region_to"):
        if col in page.columns:
            names = view(app, dataset).region_names
            if any(n is not None for n in names.values()):
                page.insert(
                    page.columns.get_loc(col) + 1, f"{col}_name", page[col].astype(str).map(names)
                )
    return {
        "dataset": dataset,
        "indicator": name,
        "level": ind.level,
        "summary": ind.summary,
        "reference": ind.reference,
        "options": jsonable(used),
        "columns": [str(c) for c in page.columns],
        "items": _clean(page),
        "total": len(frame),
        "limit": limit,
        "offset": offset,
    }
