"""The partners service: a value chain evaluated on a dataset of the app (or a combined
panel), as typed views (:mod:`.views`); the example chains; the coverage heatmap.

The method is :mod:`.chains` (pure); the table it runs on is :mod:`.panels`; the similarity of
declared priorities comes from the registry (:meth:`smartspec.domains.registry.service.
Registry.compare`: the NACE divisions each region declares, compared by Jaccard similarity as
:meth:`~smartspec.domains.registry.service.Registry.similar_regions` does).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smartspec.core.errors import SmartSpecError, UnknownRegionError, ValidationError
from smartspec.core.lookup import resolve
from smartspec.domains.errors import RequestError, UnknownRecordError

from . import chains, panels
from .chains import ValueChain
from .views import (
    ActivityRef,
    ChainEvaluation,
    ChainExample,
    ChainRanking,
    CoverageCell,
    CoverageMatrix,
    CoverageRow,
    Lead,
    Member,
    PartnerSet,
    PartnerSets,
    RegionStage,
    StageRanking,
)

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account

__all__ = [
    "METHOD",
    "RANKING",
    "coverage_chart",
    "evaluate",
    "example",
    "examples",
    "load_chain",
]

METHOD = (
    "exact enumeration of every set of 2 to {size} regions{anchor} drawn from a pool of "
    "candidates: the {per_stage} regions with the highest stage RCA among those covering each "
    "stage ({evaluated} sets scored; the pool shrinks until at most {bound} sets are scored)"
)
RANKING = (
    "by stages covered, then by score: the mean of the strength score (the best member's "
    "stage RCA over the best of any region, averaged over stages), the complementarity (share "
    "of the covered stages covered by exactly one member){similarity}; then fewer members, "
    "then region codes"
)
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")


# ------------------------------------------------------------------------------- examples
def _folder() -> Any:
    return files("smartspec.domains.partners").joinpath("data", "chains")


@cache
def _examples() -> dict[str, ValueChain]:
    out = {}
    for item in sorted(_folder().iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            out[item.name[: -len(".json")]] = chains.parse_chain(data, where=item.name)
    return out


def examples() -> list[ChainExample]:
    """The bundled example chains (``data/chains/*.json``), by id."""
    return [
        ChainExample(
            id=key,
            name=c.name,
            description=c.description,
            dataset=c.dataset,
            stages=len(c.stages),
            chain=c,
        )
        for key, c in _examples().items()
    ]


def example(name: str) -> ValueChain:
    """One example chain by id (``automotive``...), or a clear error naming the others."""
    found = _examples().get(name.strip().lower())
    if found is None:
        raise UnknownRecordError(
            f"there is no example chain {name!r}",
            where="example",
            expected=f"one of {', '.join(_examples())}",
            found=name,
            fix="smartspec partners examples, or GET /api/v1/partners/chains",
        )
    return found


def load_chain(path: str | Path) -> ValueChain:
    """A chain from a JSON or YAML file (YAML needs PyYAML), checked (:func:`.chains.
    parse_chain`)."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML is installed with the test tools
            raise ValidationError(
                "reading YAML needs PyYAML",
                where=str(p),
                expected="a .json file, or PyYAML installed",
                found="no yaml module",
                fix="pip install pyyaml, or write the chain as JSON",
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValidationError(
                "the file is not valid YAML", where=str(p), found=str(exc)[:200]
            ) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                "the file is not valid JSON",
                where=f"{p}, line {exc.lineno}",
                expected="a JSON object (or a .yaml file)",
                found=exc.msg,
            ) from None
    return chains.parse_chain(data, where=str(p))


# ----------------------------------------------------------------------------- similarity
def _similarity(
    app: SmartSpecApp, actor: Account | None, regions: list[str]
) -> tuple[Callable[[str, str], float | None] | None, str]:
    """Jaccard similarity of the NACE divisions the regions declare in the registry (a
    dataset region holds its own record and those of the NUTS regions below it), and a note
    saying which regions have priorities."""
    from smartspec.domains.registry.search import jaccard

    try:
        stored = [r.code for r in app.registry.list_regions(actor)]
    except SmartSpecError as exc:
        return None, f"declared priorities not used: {exc.problem}"
    divisions: dict[str, set[str]] = {}
    for region in regions:
        code = region.upper()
        mine = [s for s in stored if s == code or (_NUTS.match(code) and s.startswith(code))][:20]
        if not mine:
            continue
        try:
            sides = app.registry.compare(actor, mine).regions
        except SmartSpecError:
            continue
        found = {d for side in sides for d in side.divisions}
        if found:
            divisions[region] = found
    if not divisions:
        return None, (
            "no candidate region has declared priorities (NACE-coded) in the registry: sets "
            "are ranked without priority similarity"
        )
    note = (
        f"{len(divisions)} of the {len(regions)} candidate regions have declared priorities "
        f"({', '.join(sorted(divisions)[:10])}{'...' if len(divisions) > 10 else ''}); a set "
        "with fewer than two of them has no similarity (0 in the score)"
    )

    def similarity(a: str, b: str) -> float | None:
        if a in divisions and b in divisions:
            return jaccard(divisions[a], divisions[b])
        return None

    return similarity, note


# ------------------------------------------------------------------------------- evaluate
def _num(x: Any) -> float | None:
    f = float(x)
    return f + 0.0 if np.isfinite(f) else None


def _bounded(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise RequestError(
            f"{name} out of bounds",
            where=name,
            expected=f"{low:g} to {high:g}",
            found=f"{value:g}",
        )


def _anchor(panel: panels.Panel, region: str) -> str:
    codes = {str(r): panel.region_names.get(str(r)) for r in panel.values.index}
    upper = {c.upper(): c for c in codes}
    if region.strip().upper() in upper:
        return upper[region.strip().upper()]
    try:
        return resolve(region, codes, axis="region", where=f"dataset {panel.dataset!r}")
    except UnknownRegionError as exc:
        raise UnknownRegionError(
            exc.problem,
            where="region",
            expected=exc.expected,
            found=exc.found,
            fix=exc.fix or "a region of the dataset with data in the period",
        ) from None


def evaluate(
    app: SmartSpecApp,
    chain: ValueChain,
    *,
    dataset: str | None = None,
    region: str | None = None,
    size: int = 3,
    top: int = 10,
    threshold: float = 1.0,
    period: str | None = None,
    actor: Account | None = None,
    lang: str = "en",
) -> ChainEvaluation:
    """Evaluate ``chain`` on ``dataset`` (or the chain's own dataset): per-stage rankings,
    partner sets and the coverage matrix (see :mod:`.chains` for the method).

    Parameters
    ----------
    app : SmartSpecApp
    chain : ValueChain
        Its codes must be activities of the dataset (of the shared NACE A*10 groups for a
        combined panel).
    dataset : str, optional
        A dataset id, or ids joined by ``+`` (:mod:`.panels`).
    region : str, optional
        An anchor region: every partner set contains it.
    size : int
        Most members of a partner set (2 to 5).
    top : int
        Regions per stage and sets proposed (1 to 50).
    threshold : float
        Coverage: stage RCA at least this (default 1).
    period : str, optional
        The period of a single dataset (default: its latest complete period).
    actor : Account, optional
        Who reads the registry's priorities.
    lang : {"en", "es"}
        The language of region and activity names.
    """
    chain = chains.check_chain(chain)
    _bounded("size", size, 2, chains.MAX_SIZE)
    _bounded("top", top, 1, 50)
    _bounded("threshold", threshold, 1e-9, 100)
    target = (dataset or chain.dataset or "").strip()
    if not target:
        raise RequestError(
            "no dataset to evaluate the chain on",
            where="dataset",
            expected="a dataset id (or ids joined by '+')",
            found="none given, and the chain names none",
        )
    panel = panels.load_panel(app, target, period=period, lang=lang)
    where = f"dataset {panel.dataset!r} ({panel.classification or 'no classification'})"
    chain = chains.resolve_codes(chain, panel.activity_names, where=where, hints=panel.hints)
    anchor = _anchor(panel, region) if region else None
    table = chains.stage_table(
        panel.values, chain.stages, density=panel.density, threshold=threshold
    )
    names = panel.region_names
    stage_names = [s.name for s in chain.stages]
    caveats = list(panel.caveats)

    def region_stage(row: Mapping[str, Any]) -> RegionStage:
        return RegionStage(
            region=row["region"],
            name=names.get(row["region"], row["region"]),
            value=float(row["value"]),
            share=_num(row["share"]),
            rca=_num(row["rca"]),
            density=_num(row["density"]),
            missing=int(row["missing"]),
            covered=bool(row["covered"]),
        )

    rankings = []
    for s, stage in enumerate(chain.stages):
        rows = table[table["stage"] == s]
        ranked = chains._rank(rows)
        strongest = [region_stage(r) for r in ranked.head(top).to_dict("records")]
        open_ = rows[~rows["covered"]]
        open_ = open_.assign(_d=open_["density"].fillna(-np.inf))
        open_ = open_.sort_values(["_d", "rca", "region"], ascending=[False, False, True])
        rankings.append(
            StageRanking(
                position=s + 1,
                name=stage.name,
                activities=[
                    ActivityRef(code=a, name=panel.activity_names.get(a, a))
                    for a in stage.activities
                ],
                total=float(rows["value"].sum()),
                covering=int(rows["covered"].sum()),
                strongest=strongest,
                potential=[region_stage(r) for r in open_.head(top).to_dict("records")],
            )
        )
        if not rows["covered"].any():
            caveats.append(f"no region covers stage {s + 1} ({stage.name}) at RCA >= {threshold:g}")
    pool_guess = chains.candidate_pool(table, len(chain.stages), chains.MAX_PER_STAGE)
    similarity, note = _similarity(app, actor, sorted({*pool_guess, *([anchor] if anchor else [])}))
    found = chains.partner_sets(
        table, len(chain.stages), size=size, top=top, anchor=anchor, similarity=similarity
    )
    sets = []
    for i, item in enumerate(found["sets"], 1):
        covered = set(item["covered"])
        sets.append(
            PartnerSet(
                rank=i,
                members=[Member(region=m, name=names.get(m, m)) for m in item["members"]],
                covered=[stage_names[s] for s in sorted(covered)],
                uncovered=[n for s, n in enumerate(stage_names) if s not in covered],
                n_covered=item["n_covered"],
                n_stages=len(stage_names),
                strength=item["strength"],
                strength_score=item["strength_score"],
                complementarity=item["complementarity"],
                similarity=item["similarity"],
                score=item["score"],
                leads=[
                    Lead(
                        stage=stage_names[lead["stage"]],
                        region=lead["region"],
                        name=names.get(lead["region"], lead["region"]),
                        rca=lead["rca"],
                        covered=lead["covered"],
                        members_covering=lead["members_covering"],
                    )
                    for lead in item["leads"]
                ],
            )
        )
    if sets and sets[0].n_covered < len(stage_names):
        caveats.append(
            f"no set of at most {size} regions from the candidate pool covers every stage: the "
            f"best covers {sets[0].n_covered} of {len(stage_names)}"
        )
    if not sets:
        caveats.append("no partner set: no region covers any stage (besides the anchor)")
    caveats.append(
        "the RCA of a small region is volatile (a few hundred jobs can give RCA > 3): read it "
        "with the region's size (value, share of the stage)"
    )
    method = METHOD.format(
        size=size,
        anchor=f" including {anchor}" if anchor else "",
        per_stage=found["per_stage"],
        evaluated=found["evaluated"],
        bound=chains.MAX_SETS,
    )
    ranking_text = RANKING.format(
        similarity=", and the similarity of declared priorities" if found["with_similarity"] else ""
    )
    partner = PartnerSets(
        chain=chain.name,
        dataset=panel.dataset,
        anchor=anchor,
        size=size,
        per_stage=found["per_stage"],
        pool=found["pool"],
        evaluated=found["evaluated"],
        method=method,
        ranking=ranking_text,
        similarity_note=note,
        sets=sets,
        caveats=caveats,
    )
    matrix = _matrix(chain, panel, table, top, anchor, sets, caveats, threshold)
    rule = (
        f"a region covers a stage when its stage RCA >= {threshold:g}; stage RCA = (x_rs / X_r)"
        " / (X_s / X), x_rs the region's summed value in the stage's activities (Balassa "
        "1965); potential = mean relatedness density of the stage's activities (Hidalgo et al."
        " 2007)"
    )
    return ChainEvaluation(
        chain=chain,
        dataset=panel.dataset,
        datasets=list(panel.datasets),
        classification=panel.classification,
        periods=panel.periods,
        value_name=panel.value_name,
        unit=panel.unit,
        threshold=threshold,
        rule=rule,
        presence_rule=panel.presence_rule,
        ranking=ChainRanking(
            chain=chain.name,
            dataset=panel.dataset,
            threshold=threshold,
            stages=rankings,
            caveats=caveats,
        ),
        partner_sets=partner,
        matrix=matrix,
        caveats=caveats,
    )


def _matrix(
    chain: ValueChain,
    panel: panels.Panel,
    table: pd.DataFrame,
    top: int,
    anchor: str | None,
    sets: list[PartnerSet],
    caveats: list[str],
    threshold: float,
) -> CoverageMatrix:
    """The coverage matrix of the anchor, the members of the proposed sets and the ``top``
    strongest regions of each stage; rows by stages covered, then mean stage RCA."""
    wanted: list[str] = [anchor] if anchor else []
    for item in sets:
        wanted += [m.region for m in item.members]
    for s in range(len(chain.stages)):
        wanted += list(chains._rank(table[table["stage"] == s]).head(top)["region"])
    wanted = list(dict.fromkeys(wanted))
    sub = table[table["region"].isin(wanted)]
    order = (
        sub.groupby("region")
        .agg(covered=("covered", "sum"), mean=("rca", "mean"))
        .reset_index()
        .sort_values(["covered", "mean", "region"], ascending=[False, False, True])
    )
    rows = []
    by_region = {r: g.sort_values("stage") for r, g in sub.groupby("region")}
    for r in order["region"]:
        g = by_region[r]
        cells = [
            CoverageCell(
                stage=chain.stages[int(c["stage"])].name,
                value=float(c["value"]),
                share=_num(c["share"]),
                rca=_num(c["rca"]),
                density=_num(c["density"]),
                covered=bool(c["covered"]),
            )
            for c in g.to_dict("records")
        ]
        rows.append(
            CoverageRow(
                region=r,
                name=panel.region_names.get(r, r),
                covered=sum(c.covered for c in cells),
                cells=cells,
            )
        )
    return CoverageMatrix(
        chain=chain.name,
        dataset=panel.dataset,
        stages=[s.name for s in chain.stages],
        threshold=threshold,
        rows=rows,
        caveats=caveats,
    )


# --------------------------------------------------------------------------------- chart
def coverage_chart(
    matrix: CoverageMatrix | Mapping[str, Any],
    *,
    title: str,
    rca_label: str = "Stage RCA",
    stage_label: str = "Stage",
    region_label: str = "Region",
    covered_label: str = "Covered",
    density_label: str = "Relatedness density",
) -> dict[str, Any]:
    """A Vega-Lite heatmap of the coverage matrix: regions x stages coloured by stage RCA
    (capped at 3), a dot where the region covers the stage.

    >>> m = CoverageMatrix(chain="c", dataset="d", stages=["a"], threshold=1.0, caveats=[],
    ...     rows=[CoverageRow(region="R", name="R", covered=1, cells=[CoverageCell(
    ...     stage="a", value=1.0, share=1.0, rca=2.0, density=None, covered=True)])])
    >>> coverage_chart(m, title="t")["layer"][0]["mark"]["type"]
    'rect'
    """
    from smartspec.reports.charts import base_spec

    data = matrix.model_dump() if isinstance(matrix, CoverageMatrix) else dict(matrix)
    stages = list(data["stages"])
    values = []
    for row in data["rows"]:
        for cell in row["cells"]:
            rca = cell.get("rca")
            values.append(
                {
                    "region": f"{row['name']} ({row['region']})",
                    "stage": cell["stage"],
                    "rca": rca,
                    "shown": None if rca is None else min(float(rca), 3.0),
                    "density": cell.get("density"),
                    "covered": "●" if cell.get("covered") else "",
                }
            )
    y = {"field": "region", "type": "nominal", "title": None, "sort": None}
    x = {
        "field": "stage",
        "type": "nominal",
        "title": None,
        "sort": stages,
        "axis": {"labelAngle": -30, "labelLimit": 160},
    }
    tooltip = [
        {"field": "region", "type": "nominal", "title": region_label},
        {"field": "stage", "type": "nominal", "title": stage_label},
        {"field": "rca", "type": "quantitative", "title": rca_label, "format": ",.2f"},
        {"field": "density", "type": "quantitative", "title": density_label, "format": ",.2f"},
        {"field": "covered", "type": "nominal", "title": covered_label},
    ]
    return base_spec(
        title,
        title,
        data={"values": values},
        height={"step": 18},
        encoding={"x": x, "y": y},
        layer=[
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "color": {
                        "field": "shown",
                        "type": "quantitative",
                        "title": rca_label,
                        "scale": {"scheme": "blues", "domain": [0, 3]},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "fontSize": 11},
                "encoding": {
                    "text": {"field": "covered", "type": "nominal"},
                    "color": {
                        "condition": {"test": "datum.shown > 1.8", "value": "#fff"},
                        "value": "#111",
                    },
                },
            },
        ],
    )
