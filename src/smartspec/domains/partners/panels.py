"""The table a value chain is evaluated on: one dataset's period, or several datasets combined
on a shared classification.

**One dataset**: its values in one period (the latest complete period by default), with the
relatedness density the evidence engine computes for it (:func:`smartspec.domains.evidence.
service.view`, the dataset's own presence rule), and the engine's validity caveats.

**Several datasets** (ids joined by ``+``): each dataset's activities are mapped to the NACE
Rev.2 A*10 groups by the bundled concordance (``data/concordance.csv``: NAICS 2017 and SCIAN
sectors by code, NACE divisions by their section; the rules and notes of each row are in the
file) and summed; values given in thousands are turned into persons (``data/panels.json``,
``to_persons``); Mexican municipalities are summed to their state (``aggregate: parent``) and
region codes get a country prefix (``US-01``, ``MX-28``) so that no two panels share a code.
Each dataset takes the period nearest to the **reference year**, the earliest of the
datasets' latest periods (ties: the later period). Only the groups every panel has are kept,
and the groups a source does not cover comparably (``not_comparable`` in ``panels.json``:
agriculture and the public services for the US and Mexican business statistics) are left
out. RCA is then computed on the pooled table, so a region's specialisation is against the
pooled economy of every panel; relatedness density is computed on it too (presence
``RCA > 1``, the atlas profile). Datasets whose classifications have no concordance are
refused.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = ["DENSITY_CAVEAT", "Panel", "combinations", "concordance", "load_panel", "rules"]

#: Most datasets combined in one panel.
MAX_DATASETS = 4
#: Below this many activities, relatedness density says little (as the registry's coherence).
FEW_ACTIVITIES = 30
#: What the evidence domain says of relatedness density's predictive value.
DENSITY_CAVEAT = (
    "relatedness density predicts entry modestly (docs/validation.md: ROC-AUC 0.66-0.72 on "
    "New Zealand and Australian regions, close to the ubiquity baseline on coarse activity "
    "lists): potential is a feasibility signal, not a forecast"
)


@dataclass(frozen=True)
class Panel:
    """Values of regions x activities in one period each, ready for :mod:`.chains`."""

    dataset: str
    datasets: tuple[str, ...]
    classification: str | None
    values: pd.DataFrame
    density: pd.DataFrame | None
    region_names: dict[str, str]
    activity_names: dict[str, str]
    periods: dict[str, Any]
    value_name: str
    unit: str
    presence_rule: str
    caveats: tuple[str, ...] = field(default=())
    hints: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)


def _data(name: str) -> Any:
    return files("smartspec.domains.partners").joinpath("data", name)


@cache
def rules() -> dict[str, Any]:
    """The combination rules (``data/panels.json``)."""
    loaded: dict[str, Any] = json.loads(_data("panels.json").read_text(encoding="utf-8"))
    return loaded


@cache
def concordance() -> tuple[dict[str, str], ...]:
    """The rows of ``data/concordance.csv``: ``classification, code, name, group, rule,
    note`` (``group`` empty: the code is left out)."""
    with _data("concordance.csv").open(encoding="utf-8") as f:
        return tuple(dict(row) for row in csv.DictReader(f))


def combinations() -> list[dict[str, Any]]:
    """The bundled combinations (``id`` = the dataset ids joined by ``+``, ``title``)."""
    return [
        {"id": "+".join(c["datasets"]), "title": c["title"], "datasets": list(c["datasets"])}
        for c in rules()["combinations"]
    ]


def foreign_codes(classification: str | None) -> dict[str, str]:
    """What the codes of the concordance's other classifications are (upper-case code ->
    sentence), to explain a code from another classification in a chain."""
    out: dict[str, str] = {}
    for row in concordance():
        if row["classification"] != classification and row["group"]:
            out.setdefault(
                row["code"].upper(),
                f"{row['code']} is a {row['classification']} code ({row['name']}), NACE A*10 "
                f"group {row['group']}",
            )
    return out


def _latest_complete(app: SmartSpecApp, dataset: str) -> int:
    from smartspec.domains.datasets.service import _coverage

    complete = _coverage(app, dataset)
    done = [p for p, ok in enumerate(complete) if ok]
    return done[-1] if done else len(complete) - 1


def _names(app: SmartSpecApp, dataset: str, axis: str, lang: str) -> dict[str, str]:
    labels = app.labels(dataset, axis, lang=lang)
    return {
        str(c): str(n) if isinstance(n, str) and n else str(c) for c, n in labels["name"].items()
    }


def load_panel(
    app: SmartSpecApp, dataset: str, *, period: str | None = None, lang: str = "en"
) -> Panel:
    """The panel of ``dataset`` (one id, or ids joined by ``+``), see the module's notes;
    kept in the app's cache (read it, never change it).

    Raises
    ------
    smartspec.UnknownDatasetError
        For an id not in the catalogue.
    smartspec.ValidationError
        For datasets whose classifications cannot be combined (code
        ``invalid.classifications``), or more than :data:`MAX_DATASETS`.
    """
    key = ("partners-panel", dataset, period or None, lang, app.generation)
    found: Panel = app.cached(key, lambda: _load(app, dataset, period, lang))
    return found


def _load(app: SmartSpecApp, dataset: str, period: str | None, lang: str) -> Panel:
    ids = [d.strip() for d in dataset.split("+") if d.strip()]
    if not ids:
        raise ValidationError("no dataset given", where="dataset", expected="a dataset id")
    if len(ids) == 1:
        return _single(app, ids[0], period, lang)
    if len(ids) > MAX_DATASETS or len(set(ids)) != len(ids):
        raise ValidationError(
            "a combined panel takes 2 to 4 different datasets",
            where="dataset",
            expected=f"2 to {MAX_DATASETS} different ids joined by '+'",
            found=dataset,
        )
    if period not in (None, ""):
        raise ValidationError(
            "a combined panel chooses each dataset's period itself",
            where="period",
            expected="no period (each dataset takes the period nearest to the reference year)",
            found=str(period),
        )
    return _combined(app, ids, lang)


def _single(app: SmartSpecApp, dataset: str, period: str | None, lang: str) -> Panel:
    from smartspec.domains.evidence.service import view

    app.dataset(dataset)
    v = view(app, dataset)
    p = _latest_complete(app, dataset) if period in (None, "") else v.period(period)
    m = v.matrix
    regions = [str(r) for r in m.regions]
    activities = [str(a) for a in m.activities]
    values = np.asarray(v.value[p], dtype=float).copy()
    if m.missing is not None:
        gone = m.missing[p * len(regions) : (p + 1) * len(regions)].toarray().astype(bool)
        values[gone] = np.nan
    frame = pd.DataFrame(values, index=regions, columns=activities)
    has = np.nan_to_num(frame.to_numpy()).sum(axis=1) > 0
    frame = frame[has]
    density = pd.DataFrame(np.asarray(v.density[p], dtype=float), index=regions, columns=activities)
    density = density[has]
    info = app.dataset_info(dataset)
    settings = v.evidence.settings
    op = ">" if settings["strict"] else ">="
    presence = str(settings["presence"]).upper()
    rule = f"presence {presence} {op} {float(settings['threshold']):g}"
    mine = f"period {v.period_label(p)}:"
    caveats = [w for w in v.warnings if not w.startswith("period ") or w.startswith(mine)]
    if not _coverage_ok(app, dataset, p):
        caveats.append(f"period {v.period_label(p)} is incomplete (not every region has data)")
    n_missing = int(np.isnan(frame.to_numpy()).sum())
    if n_missing:
        caveats.append(
            f"{n_missing} of the {frame.size} region x activity cells are suppressed or "
            "confidential in the source: they count as 0 in the stage sums (see each cell's "
            "'missing')"
        )
    if len(activities) < FEW_ACTIVITIES:
        caveats.append(
            f"the dataset has only {len(activities)} activities: a stage is judged by broad "
            "sectors, and relatedness density over so few activities says little"
        )
    caveats.append(f"{DENSITY_CAVEAT}; density here uses the dataset's {rule}")
    return Panel(
        dataset=dataset,
        datasets=(dataset,),
        classification=info.get("activity_classification"),
        values=frame,
        density=density,
        region_names=_names(app, dataset, "region", lang),
        activity_names=_names(app, dataset, "activity", lang),
        periods={dataset: v.period_label(p)},
        value_name=m.value_name,
        unit=str(info.get("unit") or m.value_name),
        presence_rule=rule,
        caveats=tuple(caveats),
        hints=foreign_codes(info.get("activity_classification")),
    )


def _coverage_ok(app: SmartSpecApp, dataset: str, p: int) -> bool:
    from smartspec.domains.datasets.service import _coverage

    return bool(_coverage(app, dataset)[p])


def _group_map(app: SmartSpecApp, dataset: str, classification: str) -> dict[str, str]:
    """Each activity of ``dataset`` -> its NACE A*10 group ('' when left out)."""
    source = rules()["sources"][classification]
    codes = [str(a) for a in app.matrix(dataset).activities]
    if source["via"] == "same":
        return {c: c for c in codes}
    table = {r["code"]: r["group"] for r in concordance() if r["classification"] == source["table"]}
    if source["via"] == "parent section":
        parents = app.labels(dataset, "activity")["parent"]
        return {c: table.get(str(parents.get(c) or ""), "") for c in codes}
    return {c: table.get(c, "") for c in codes}


def _refuse(found: dict[str, str | None]) -> ValidationError:
    known = ", ".join(sorted(rules()["sources"]))
    return ValidationError(
        "these datasets are classified differently and smartspec has no concordance between "
        "their classifications: their activities cannot be put on one list",
        where="dataset",
        expected=f"datasets classified by one of: {known} (mapped to NACE Rev.2 A*10 groups)",
        found="; ".join(f"{d}: {c or 'no classification'}" for d, c in found.items()),
        fix="evaluate the chain on each dataset alone, or combine datasets whose "
        "classifications the concordance covers (smartspec partners examples)",
        code="invalid.classifications",
    )


def _combined(app: SmartSpecApp, ids: list[str], lang: str) -> Panel:
    from smartspec.core.matrix import ActivityMatrix
    from smartspec.core.relatedness import relatedness_density

    spec = rules()
    classes = {d: app.dataset_info(d).get("activity_classification") for d in ids}
    for d in ids:
        app.dataset(d)
    if any(c not in spec["sources"] for c in classes.values()):
        raise _refuse(classes)
    matrices = {d: app.matrix(d) for d in ids}
    latest = {d: int(max(matrices[d].periods)) for d in ids}
    reference = min(latest.values())
    chosen: dict[str, Any] = {}
    frames = []
    hints: dict[str, str] = {}
    countries: dict[str, str] = {}
    region_names: dict[str, str] = {}
    caveats: list[str] = []
    dropped: dict[str, str] = {}
    for d in ids:
        m = matrices[d]
        years = [int(p) for p in m.periods]
        year = min(years, key=lambda y: (abs(y - reference), -y))
        chosen[d] = year
        p = m.period_position(year)
        n = len(m.regions)
        values = m.sparse(year).toarray().astype(float)
        gone = (
            m.missing[p * n : (p + 1) * n].toarray().astype(bool)
            if m.missing is not None
            else np.zeros(values.shape, dtype=bool)
        )
        info = app.dataset_info(d)
        scale = float(spec["to_persons"].get(str(info.get("unit") or ""), 1))
        frame = pd.DataFrame(values * scale, index=[str(r) for r in m.regions])
        frame.columns = [str(a) for a in m.activities]
        groups = _group_map(app, d, str(classes[d]))
        for code, group in groups.items():
            if group and code.upper() != group.upper():
                hints.setdefault(
                    code.upper(), f"{code} ({classes[d]}, {d}) is in the NACE A*10 group {group}"
                )
        left = sorted(a for a, g in groups.items() if not g)
        if left:
            caveats.append(f"{d}: activities without a NACE group left out: {', '.join(left)}")
        frame = frame.T.groupby(pd.Series(groups)).sum().T.drop(columns="", errors="ignore")
        names = _names(app, d, "region", lang)
        how = spec["regions"].get(d, {})
        if how.get("aggregate") == "parent":
            parents = app.labels(d, "region")["parent"]
            up = {r: str(parents.get(r) or r) for r in frame.index}
            frame = frame.groupby(frame.index.map(up)).sum()
            names = {k: str(v) for k, v in how.get("names", {}).items()}
            if gone.any():
                caveats.append(
                    f"{d} {year}: {int(gone.sum())} of {gone.size} municipal cells are "
                    "suppressed in the source; the state's sums leave them out, so its sectors "
                    "with suppressed cells are understated"
                )
        elif gone.any():
            caveats.append(f"{d} {year}: {int(gone.sum())} suppressed cells count as 0")
        prefix = str(how.get("prefix", ""))
        frame.index = [f"{prefix}{r}" for r in frame.index]
        frame = frame[frame.sum(axis=1) > 0]
        for r in frame.index:
            code = r[len(prefix) :]
            region_names[r] = names.get(code, code)
            countries[r] = str(how.get("country") or r[:2])
        for group, why in spec["not_comparable"].get(str(classes[d]), {}).items():
            dropped.setdefault(group, why)
        frames.append(frame)
    shared = sorted(set.intersection(*(set(f.columns) for f in frames)) - set(dropped))
    if len(shared) < 2:
        raise _refuse(classes)
    values = pd.concat([f[shared] for f in frames])
    caveats.insert(
        0,
        f"combined panel on NACE Rev.2 A*10 groups: reference year {reference} (the earliest "
        "of the datasets' latest periods), each dataset at its nearest period: "
        + ", ".join(f"{d} {y}" for d, y in chosen.items()),
    )
    for group, why in sorted(dropped.items()):
        caveats.append(f"group {group} left out: {why}")
    caveats += [
        "the measures of employment differ: ARDECO counts employment by workplace in the "
        "national-accounts concept (thousands of persons, turned into persons), US SUSB counts "
        "paid employees in mid-March, the Mexican economic census counts persons employed in "
        "establishments; RCA compares shares within each region, which softens but does not "
        "remove the difference",
        "the shared classification is coarse (NACE A*10 groups, mapped from NAICS and SCIAN "
        "sectors by the bundled concordance, data/concordance.csv; several mappings are "
        "approximate): a stage is a broad sector, not an activity",
        "RCA is against the pooled economy of every panel, so each panel's own structure "
        "weighs on the others' specialisations (the US states hold most of the employment)",
        f"relatedness density is computed on the pooled panel (presence RCA > 1) over "
        f"{len(shared)} groups: over so few activities it says little",
        DENSITY_CAVEAT,
    ]
    matrix = ActivityMatrix.from_frame(values.fillna(0.0), value_name="employment")
    density = relatedness_density(matrix, presence="rca").droplevel(0)
    density.index = density.index.astype(str)
    density.columns = density.columns.astype(str)
    group_names = spec["target"]["groups"]
    return Panel(
        dataset="+".join(ids),
        datasets=tuple(ids),
        classification=spec["target"]["classification"],
        values=values,
        density=density.reindex(index=values.index, columns=shared),
        region_names=region_names,
        activity_names={g: group_names.get(g, g) for g in shared},
        periods=chosen,
        value_name="employment",
        unit="persons",
        presence_rule="presence RCA > 1 (pooled panel)",
        caveats=tuple(caveats),
        hints=hints,
        countries=countries,
    )
