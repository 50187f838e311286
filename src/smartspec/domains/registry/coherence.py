"""Coherence of declared priorities with the evidence: is each coded priority backed by a
specialisation of the region, an emerging option (related to what the region has), or weakly
grounded?

The rule, for one region, one dataset and one period:

* each NACE code of a priority is mapped to the dataset's activities (:func:`map_code`): the
  same code, else the finer activities inside it (a division against groups), else the
  smallest broader activity containing it (a division against its section, or an A*10 range
  such as ``"G-I"``);
* a code is **specialised** when one of its mapped activities is specialised: by default the
  dataset's presence rule (``RCA > 1`` in the atlas profile; ``RPOP > 1`` for a dataset whose
  default presence is per head), or ``RCA`` above the threshold with ``specialised_by="rca"``;
* a priority is **evidence-backed** when at least one of its mapped codes is specialised
  (the share of its mapped codes specialised is reported too);
* else **emerging** when one of its mapped activities has a relatedness density in the top
  quartile of the region's non-specialised activities: its density percentile (the share of
  the region's non-specialised activities, with a density and no suppressed cell, whose
  density is at most this one's) is at least 0.75;
* else **weakly grounded**;
* a priority whose codes map to no activity of the dataset, or only to suppressed cells, is
  **not assessable** (absence from the data is not weak grounding); a priority without NACE
  codes is counted as uncoded.

Relatedness density follows Hidalgo et al. (2007): ``d_ra = sum_a' M_ra' phi_a'a / sum_a'
phi_a'a``, computed by the evidence domain with the dataset's profile. Its predictive value
is modest (``docs/validation.md``: ROC-AUC 0.66-0.72 for entry, close to the ubiquity
baseline on coarse activity lists), so "emerging" is a feasibility signal, not a forecast.

Regions are mapped across NUTS levels by code prefix (``CZ064`` -> ``CZ06`` -> ``CZ0``); the
view then says that the evidence is for the parent region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from smartspec.core.reliability import rca_bounds
from smartspec.reports.charts import QUADRANT_COLOURS, base_spec

from . import codes

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "CLASSES",
    "CodeEvidence",
    "CodedPriority",
    "CoherenceSummary",
    "CoherenceView",
    "PriorityCoherence",
    "RegionEvidence",
    "Unmapped",
    "coded_priority",
    "coherence",
    "coherence_chart",
    "coherence_for",
    "map_code",
    "map_region",
    "region_evidence",
]

Klass = Literal["evidence-backed", "emerging", "weakly grounded", "not assessable"]
#: The classes, in the order of the summary and the chart legend.
CLASSES: tuple[Klass, ...] = ("evidence-backed", "emerging", "weakly grounded", "not assessable")
#: Density percentile from which a non-specialised activity counts as emerging (top quartile).
EMERGING_PERCENTILE = 0.75
#: Below this many activities, relatedness density is too coarse to read much into.
FEW_ACTIVITIES = 30
_CLASS_COLOURS = dict(zip(CLASSES, QUADRANT_COLOURS, strict=True))
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


# ------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class CodedPriority:
    """A priority as coherence needs it: its id, title and NACE codes."""

    id: str
    title: str
    nace: tuple[str, ...]


def coded_priority(item: Any) -> CodedPriority:
    """A :class:`CodedPriority` from a registry ``PriorityView`` (``id``, ``title``,
    ``codes={"nace": [...]}``), a mapping with the same keys, or a mapping with ``nace``."""
    get = item.get if isinstance(item, Mapping) else lambda k, d=None: getattr(item, k, d)
    found = get("codes") or {}
    nace = found.get("nace", []) if isinstance(found, Mapping) else []
    if not nace:
        nace = get("nace") or []
    return CodedPriority(
        id=str(get("id", "")), title=str(get("title", "") or ""), nace=tuple(map(str, nace))
    )


@dataclass(frozen=True)
class RegionEvidence:
    """One region's evidence in one period of a dataset, as plain arrays over its activities.

    ``specialised`` is what the rule calls specialised (``rule`` says it in words);
    ``missing`` marks suppressed or confidential cells; ``reliable`` is the Poisson check of
    :func:`smartspec.core.reliability.rca_bounds`.
    """

    dataset: str
    period: Any
    region: str
    region_name: str | None
    activities: tuple[str, ...]
    activity_names: tuple[str | None, ...]
    classification: str | None
    value_name: str
    value: np.ndarray
    rca: np.ndarray
    presence: np.ndarray
    specialised: np.ndarray
    density: np.ndarray
    reliable: np.ndarray
    missing: np.ndarray
    rule: str
    caveats: tuple[str, ...] = field(default=())


# -------------------------------------------------------------------------------- views
class CodeEvidence(BaseModel):
    """The evidence for one NACE code of a priority in one activity of the dataset."""

    code: str = Field(description="The priority's NACE code.")
    code_title: str | None = None
    activity: str = Field(description="The dataset's activity the code maps to.")
    activity_name: str | None = None
    relation: Literal["same", "broader", "narrower"] = Field(
        description="same: the same code; broader: the activity contains the code (evidence "
        "for a wider sector); narrower: the activity is inside the code."
    )
    value: float | None = Field(None, description="The region's value (null: suppressed).")
    rca: float | None = None
    presence: bool = Field(description="Presence by the dataset's rule.")
    specialised: bool = Field(description="Specialised by the rule of the view.")
    density: float | None = None
    density_percentile: float | None = Field(
        None,
        description="Share of the region's non-specialised activities with a density at "
        "most this one's (null for a specialised activity).",
    )
    reliable: bool = Field(description="False: a small count whose RCA interval spans 1.")
    missing: bool = Field(description="The cell is suppressed or confidential in the source.")


class Unmapped(BaseModel):
    """Something that could not be compared with the evidence, and why."""

    kind: Literal["region", "priority", "code"]
    priority: str | None = None
    code: str | None = None
    reason: str


class PriorityCoherence(BaseModel):
    """One coded priority, classified with the numbers behind the class."""

    id: str
    title: str
    codes: list[str]
    coherence: Klass
    specialised_share: float | None = Field(
        None, description="Share of the priority's mapped codes that are specialised."
    )
    best_density_percentile: float | None = None
    reason: str
    evidence: list[CodeEvidence]


class CoherenceSummary(BaseModel):
    """Counts over the region's priorities; shares are of the assessed priorities."""

    priorities: int
    coded: int
    uncoded: int
    assessed: int
    counts: dict[str, int]
    shares: dict[str, float | None]


class CoherenceView(BaseModel):
    """How the declared priorities of a region stand against a dataset's evidence."""

    region: str
    evidence_region: str | None
    evidence_region_name: str | None = None
    evidence_level: Literal["same", "parent", "none"]
    dataset: str
    period: int | str | None
    classification: str | None = None
    rule: str
    items: list[PriorityCoherence]
    summary: CoherenceSummary
    caveats: list[str]
    unmapped: list[Unmapped]


# ------------------------------------------------------------------------------ mapping
@dataclass(frozen=True)
class _Nace:
    """A NACE item as sections plus an optional numeric code (division, group or class)."""

    sections: frozenset[str]
    number: str | None

    def contains(self, other: _Nace) -> bool:
        if self.number is None:
            return other.sections <= self.sections
        return other.number is not None and other.number.startswith(self.number)


_SECTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTU"


def _section_of(code: str) -> str | None:
    seen = code
    for _ in range(4):
        if codes.nace_level(seen) == "section":
            return seen
        parent = codes.nace_parent(seen)
        if not parent:
            return None
        seen = parent
    return None


def _parse_activity(code: str) -> _Nace | None:
    """The NACE item a dataset's activity code stands for: ``"C"``, ``"G-I"`` (a range of
    sections), ``"28"``, ``"C28"`` (section letter + division), ``"28.1"``; else ``None``."""
    text = code.strip().upper()
    m = re.fullmatch(r"([A-U])\s*-\s*([A-U])", text)
    if m:
        lo, hi = _SECTION_LETTERS.index(m[1]), _SECTION_LETTERS.index(m[2])
        return _Nace(frozenset(_SECTION_LETTERS[lo : hi + 1]), None) if lo <= hi else None
    if re.fullmatch(r"[A-U]", text):
        return _Nace(frozenset(text), None)
    m = re.fullmatch(r"([A-U])?(\d{2}(?:\.\d{1,2})?)", text)
    if not m or codes.title_of("nace", m[2]) is None:
        return None
    section = _section_of(m[2])
    if section is None or (m[1] and m[1] != section):
        return None
    return _Nace(frozenset(section), m[2])


def _priority_item(code: str) -> _Nace | None:
    if not codes.is_valid("nace", code):
        return None
    level = codes.nace_level(code)
    if level == "section":
        return _Nace(frozenset(code), None)
    section = _section_of(code)
    return None if section is None else _Nace(frozenset(section), code)


def map_code(
    code: str, activities: Sequence[str]
) -> tuple[list[tuple[int, Literal["same", "broader", "narrower"]]], str | None]:
    """Map a NACE code to positions of ``activities`` (a dataset's activity codes).

    The same item when the dataset has it; else every finer activity inside the code; else
    the smallest broader activity containing it.

    Returns
    -------
    list of (position, relation), and the reason when the list is empty.
    """
    target = _priority_item(code)
    if target is None:
        return [], f"{code!r} is not a NACE Rev. 2 code"
    parsed = [_parse_activity(a) for a in activities]
    same = [i for i, p in enumerate(parsed) if p == target]
    if same:
        return [(same[0], "same")], None
    inside = [i for i, p in enumerate(parsed) if p is not None and target.contains(p)]
    if inside:
        return [(i, "narrower") for i in inside], None
    around = [i for i, p in enumerate(parsed) if p is not None and p.contains(target)]
    if around:

        def size(i: int) -> tuple[int, int]:
            p = parsed[i]
            assert p is not None
            return (len(p.sections), -len(p.number or ""))

        return [(min(around, key=size), "broader")], None
    return [], f"the dataset has no activity containing or inside NACE {code}"


def map_region(region: str, regions: Iterable[str]) -> tuple[str | None, str]:
    """The dataset region that holds the evidence for ``region``: the same code, else its
    nearest NUTS ancestor by code prefix (``CZ064`` -> ``CZ06``).

    Returns
    -------
    (code or None, "same" | "parent" | the reason it is not found)
    """
    known = {str(r): str(r) for r in regions}
    upper = {k.upper(): k for k in known}
    code = region.strip().upper()
    if code in upper:
        return upper[code], "same"
    if _NUTS.fullmatch(code):
        for cut in range(len(code) - 1, 1, -1):
            if code[:cut] in upper:
                return upper[code[:cut]], "parent"
        return None, f"neither {code} nor a NUTS region above it is in the dataset"
    return None, f"{code} is not in the dataset (and is not a NUTS code to map up)"


# ----------------------------------------------------------------------------- evidence
def _num(x: Any) -> float | None:
    f = float(x)
    return f + 0.0 if np.isfinite(f) else None


def _period_warnings(warnings: Sequence[str], label: Any) -> list[str]:
    mine = f"period {label}:"
    return [w for w in warnings if not w.startswith("period ") or w.startswith(mine)]


def region_evidence(
    app: SmartSpecApp,
    dataset: str,
    region: str,
    *,
    period: str | None = None,
    options: Mapping[str, Any] | None = None,
    specialised_by: Literal["presence", "rca"] = "presence",
) -> RegionEvidence | tuple[None, str]:
    """The evidence of ``region`` (or its NUTS parent) in ``dataset`` (:class:`RegionEvidence`),
    or ``(None, reason)`` when the dataset has no region for it.

    ``period`` defaults to the latest complete period in which the region has data (the
    dataset's last period may be incomplete).
    """
    from smartspec.domains.datasets.service import _coverage
    from smartspec.domains.evidence.service import view

    v = view(app, dataset, **(options or {}))
    found, how = map_region(region, v.region_codes)
    if found is None:
        return None, how
    r = v.region(found)
    if period in (None, ""):
        complete = _coverage(app, dataset)
        has = [bool(np.nansum(v.value[q, r]) > 0) for q in range(v.shape[0])]
        ok = [q for q in range(v.shape[0]) if has[q] and complete[q]] or [
            q for q in range(v.shape[0]) if has[q]
        ]
        p = ok[-1] if ok else v.shape[0] - 1
    else:
        p = v.period(period)
    ev = v.evidence
    settings = ev.settings
    m = v.matrix
    gone = (
        np.zeros(v.shape[1:], dtype=bool)
        if m.missing is None
        else m.missing[p * v.shape[1] : (p + 1) * v.shape[1]].toarray().astype(bool)
    )
    unit = m.metadata.get("count_unit")
    values = np.nan_to_num(v.value[p], nan=0.0)
    _, _, reliable = rca_bounds(
        values,
        count_unit=None if unit is None else float(unit),
        threshold=float(settings["threshold"]),
        missing=gone,
    )
    threshold, strict = float(settings["threshold"]), bool(settings["strict"])
    op = ">" if strict else ">="
    rca = v.rca[p, r]
    presence = v.presence[p, r].astype(bool)
    if specialised_by == "rca":
        with np.errstate(invalid="ignore"):
            spec = (rca > threshold) if strict else (rca >= threshold)
        rule = f"specialised: RCA {op} {threshold:g} (Balassa location quotient)"
    else:
        spec = presence.copy()
        method = str(settings["presence"])
        what = {
            "rca": f"RCA {op} {threshold:g}",
            "rpop": f"RPOP {op} {threshold:g} (value per head against the average)",
            "either": f"RCA or RPOP {op} {threshold:g}",
            "both": f"RCA and RPOP {op} {threshold:g}",
        }.get(method, method)
        rule = f"specialised: the dataset's presence rule, {what}"
    rule += (
        "; evidence-backed: at least one mapped code specialised; emerging: not backed, and a "
        f"mapped activity's relatedness density at or above the {EMERGING_PERCENTILE:.0%} "
        "percentile of the region's non-specialised activities; weakly grounded: neither"
    )
    meta = app.dataset_info(dataset)
    caveats = _period_warnings(v.warnings, v.period_label(p))
    if not bool(_coverage(app, dataset)[p]):
        caveats.append(f"period {v.period_label(p)} is incomplete (not every region has data)")
    if how == "parent":
        caveats.append(
            f"the evidence is for {found} ({v.region_names.get(found) or 'no name'}), the "
            f"region above {region.upper()} in the NUTS hierarchy: a specialisation of the "
            "larger region may sit in its other parts"
        )
    share = float(gone[r].mean()) if gone.shape[1] else 0.0
    if share > 0:
        caveats.append(
            f"{int(gone[r].sum())} of the region's {gone.shape[1]} activity cells "
            f"({share:.0%}) are suppressed or confidential in the source: no RCA for them"
        )
    if v.shape[2] < FEW_ACTIVITIES:
        caveats.append(
            f"the dataset has only {v.shape[2]} activities: a division is judged by its "
            "broad sector, and relatedness density over so few activities says little "
            "(docs/validation.md: on coarse lists density barely beats ubiquity)"
        )
    caveats.append(
        "relatedness density predicts entry modestly (docs/validation.md: ROC-AUC 0.66-0.72); "
        "'emerging' is a feasibility signal, not a forecast"
    )
    return RegionEvidence(
        dataset=dataset,
        period=v.period_label(p),
        region=found,
        region_name=v.region_names.get(found),
        activities=tuple(v.activity_codes),
        activity_names=tuple(v.activity_names.get(a) for a in v.activity_codes),
        classification=meta.get("activity_classification"),
        value_name=m.value_name,
        value=np.where(gone[r], np.nan, v.value[p, r]),
        rca=np.where(gone[r], np.nan, rca),
        presence=presence & ~gone[r],
        specialised=np.asarray(spec, dtype=bool) & ~gone[r],
        density=v.density[p, r].astype(float),
        reliable=reliable[r].astype(bool),
        missing=gone[r],
        rule=rule,
        caveats=tuple(caveats),
    )


# ---------------------------------------------------------------------------- coherence
def _percentiles(ev: RegionEvidence) -> np.ndarray:
    """Per activity: the share of the region's non-specialised activities (density known,
    cell not suppressed) whose density is at most its own; NaN for the others."""
    pool_mask = ~ev.specialised & ~ev.missing & np.isfinite(ev.density)
    pool = np.sort(ev.density[pool_mask])
    out = np.full(len(ev.activities), np.nan)
    if pool.size:
        idx = np.flatnonzero(pool_mask)
        out[idx] = np.searchsorted(pool, ev.density[idx], side="right") / pool.size
    return out


def _is_nace(ev: RegionEvidence) -> tuple[bool, str]:
    cls = (ev.classification or "").upper()
    parsed = [_parse_activity(a) for a in ev.activities]
    if "NACE" in cls or (not cls and parsed and all(p is not None for p in parsed)):
        return True, ""
    return False, (
        f"the dataset's activities are not NACE Rev. 2 ({ev.classification or 'unknown'})"
    )


def coherence(
    priorities: Sequence[Any],
    region: str,
    evidence: RegionEvidence | None,
    *,
    dataset: str = "",
    region_reason: str = "",
) -> CoherenceView:
    """Classify each coded priority of ``region`` against one region's evidence.

    Parameters
    ----------
    priorities : sequence
        The region's priorities: registry ``PriorityView`` objects or mappings (``id``,
        ``title``, ``codes={"nace": [...]}`` or ``nace=[...]``), see :func:`coded_priority`.
    region : str
        The region's code in the registry (``"CZ064"``).
    evidence : RegionEvidence or None
        The evidence (:func:`region_evidence`); ``None`` when the dataset has no region for
        it (every priority is then not assessable, and ``region_reason`` says why).
    dataset, region_reason : str
        The dataset id and the reason, when ``evidence`` is ``None``.

    Returns
    -------
    CoherenceView
        One item per coded priority (the rule is in ``rule`` and the module docstring),
        the summary, the caveats, and everything left unmapped with the reason.
    """
    items: list[PriorityCoherence] = []
    unmapped: list[Unmapped] = []
    caveats: list[str] = list(evidence.caveats) if evidence is not None else []
    coded = [coded_priority(p) for p in priorities]
    uncoded = [p for p in coded if not p.nace]
    for p in uncoded:
        unmapped.append(Unmapped(kind="priority", priority=p.id, reason="no NACE codes"))
    nace_ok, nace_reason = (False, "") if evidence is None else _is_nace(evidence)
    if evidence is None:
        unmapped.append(Unmapped(kind="region", code=region.upper(), reason=region_reason))
    elif not nace_ok:
        caveats.append(nace_reason)
    pct = _percentiles(evidence) if evidence is not None else np.array([])
    for p in (q for q in coded if q.nace):
        rows: list[CodeEvidence] = []
        mapped_codes: list[str] = []
        for raw in p.nace:
            code = codes.normalise("nace", raw)
            if evidence is None or not nace_ok:
                reason = region_reason if evidence is None else nace_reason
                unmapped.append(Unmapped(kind="code", priority=p.id, code=code, reason=reason))
                continue
            found, why = map_code(code, evidence.activities)
            if not found:
                unmapped.append(
                    Unmapped(kind="code", priority=p.id, code=code, reason=why or "not mapped")
                )
                continue
            if all(evidence.missing[i] for i, _ in found):
                unmapped.append(
                    Unmapped(
                        kind="code",
                        priority=p.id,
                        code=code,
                        reason="the region's cells for it are suppressed in the source",
                    )
                )
            mapped_codes.append(code)
            for i, relation in found:
                rows.append(_code_row(code, i, relation, evidence, pct))
        why_not = sorted({u.reason for u in unmapped if u.priority == p.id and u.kind == "code"})
        items.append(_classify(p, mapped_codes, rows, why_not))
    return CoherenceView(
        region=region.upper(),
        evidence_region=None if evidence is None else evidence.region,
        evidence_region_name=None if evidence is None else evidence.region_name,
        evidence_level="none"
        if evidence is None
        else ("same" if evidence.region.upper() == region.upper() else "parent"),
        dataset=evidence.dataset if evidence is not None else dataset,
        period=None if evidence is None else evidence.period,
        classification=None if evidence is None else evidence.classification,
        rule="" if evidence is None else evidence.rule,
        items=items,
        summary=_summary(len(coded), len(uncoded), items),
        caveats=caveats,
        unmapped=unmapped,
    )


def _code_row(
    code: str, i: int, relation: Any, ev: RegionEvidence, pct: np.ndarray
) -> CodeEvidence:
    return CodeEvidence(
        code=code,
        code_title=codes.title_of("nace", code),
        activity=ev.activities[i],
        activity_name=ev.activity_names[i],
        relation=relation,
        value=_num(ev.value[i]),
        rca=_num(ev.rca[i]),
        presence=bool(ev.presence[i]),
        specialised=bool(ev.specialised[i]),
        density=_num(ev.density[i]),
        density_percentile=_num(pct[i]),
        reliable=bool(ev.reliable[i]),
        missing=bool(ev.missing[i]),
    )


def _classify(
    p: CodedPriority, mapped: list[str], rows: list[CodeEvidence], why_not: list[str]
) -> PriorityCoherence:
    usable = [r for r in rows if not r.missing]
    spec_codes = {r.code for r in usable if r.specialised}
    assessed = sorted({r.code for r in usable}, key=mapped.index)
    pcts = [r.density_percentile for r in usable if r.density_percentile is not None]
    best = max(pcts) if pcts else None
    share = len(spec_codes) / len(assessed) if assessed else None
    klass: Klass
    if not assessed:
        klass = "not assessable"
        reason = "no code maps to an activity with data for the region: " + "; ".join(
            why_not or ["no usable cell"]
        )
    elif spec_codes:
        klass = "evidence-backed"
        reason = (
            f"specialised in {len(spec_codes)} of {len(assessed)} mapped codes "
            f"({', '.join(c for c in assessed if c in spec_codes)})"
        )
    elif best is not None and best >= EMERGING_PERCENTILE:
        klass = "emerging"
        reason = (
            f"not specialised; best relatedness density at the {best:.0%} percentile of the "
            "region's non-specialised activities (top quartile)"
        )
    else:
        klass = "weakly grounded"
        reason = "not specialised, and relatedness density below the top quartile" + (
            f" (best at the {best:.0%} percentile)" if best is not None else ""
        )
    return PriorityCoherence(
        id=p.id,
        title=p.title,
        codes=[codes.normalise("nace", c) for c in p.nace],
        coherence=klass,
        specialised_share=share,
        best_density_percentile=best,
        reason=reason,
        evidence=rows,
    )


def _summary(total: int, uncoded: int, items: list[PriorityCoherence]) -> CoherenceSummary:
    counts: dict[str, int] = {k: sum(1 for i in items if i.coherence == k) for k in CLASSES}
    assessed = total - uncoded - counts["not assessable"]
    shares = {
        k: (counts[k] / assessed if assessed else None)
        for k in ("evidence-backed", "emerging", "weakly grounded")
    }
    return CoherenceSummary(
        priorities=total,
        coded=total - uncoded,
        uncoded=uncoded,
        assessed=assessed,
        counts=counts,
        shares=shares,
    )


def coherence_for(
    app: SmartSpecApp,
    dataset: str,
    region: str,
    priorities: Sequence[Any],
    *,
    period: str | None = None,
    options: Mapping[str, Any] | None = None,
    specialised_by: Literal["presence", "rca"] = "presence",
) -> CoherenceView:
    """:func:`coherence` of ``priorities`` of ``region`` against ``dataset`` of the app (its
    evidence from the evidence domain, with the analysis ``options``)."""
    found = region_evidence(
        app, dataset, region, period=period, options=options, specialised_by=specialised_by
    )
    if isinstance(found, tuple):
        return coherence(priorities, region, None, dataset=dataset, region_reason=found[1])
    return coherence(priorities, region, found)


# ---------------------------------------------------------------------------------- chart
def coherence_chart(view: CoherenceView, *, title: str | None = None) -> dict[str, Any]:
    """A Vega-Lite spec: per priority and mapped activity, RCA as bars coloured by class (with
    the RCA = 1 line) and relatedness density as points on the top axis."""
    rows = [
        {
            "label": f"{item.title[:40]} | {row.code} → {row.activity}",
            "priority": item.title,
            "code": row.code,
            "activity": row.activity,
            "class": item.coherence,
            "rca": row.rca,
            "density": row.density,
            "specialised": row.specialised,
        }
        for item in view.items
        for row in item.evidence
    ]
    text = title or f"Priorities of {view.region} against {view.dataset} ({view.period})"
    y: dict[str, Any] = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 320},
    }
    tooltip = [
        {"field": "priority", "type": "nominal", "title": "Priority"},
        {"field": "code", "type": "nominal", "title": "NACE"},
        {"field": "activity", "type": "nominal", "title": "Activity"},
        {"field": "class", "type": "nominal", "title": "Class"},
        {"field": "rca", "type": "quantitative", "title": "RCA", "format": ",.2f"},
        {"field": "density", "type": "quantitative", "title": "Density", "format": ",.2f"},
    ]
    return base_spec(
        text,
        f"{text}: RCA bars coloured by coherence class, relatedness density as points",
        data={"values": rows},
        height={"step": 20},
        resolve={"scale": {"x": "independent"}},
        layer=[
            {
                "layer": [
                    {
                        "mark": {"type": "bar"},
                        "encoding": {
                            "y": y,
                            "x": {"field": "rca", "type": "quantitative", "title": "RCA"},
                            "color": {
                                "field": "class",
                                "type": "nominal",
                                "title": None,
                                "scale": {
                                    "domain": list(CLASSES),
                                    "range": [_CLASS_COLOURS[k] for k in CLASSES],
                                },
                                "legend": {"orient": "top"},
                            },
                            "tooltip": tooltip,
                        },
                    },
                    {
                        "mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]},
                        "encoding": {"x": {"datum": 1}},
                    },
                ]
            },
            {
                "mark": {"type": "point", "shape": "diamond", "filled": True, "color": "#222"},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "density",
                        "type": "quantitative",
                        "title": "Relatedness density",
                        "scale": {"domain": [0, 1]},
                        "axis": {"orient": "top"},
                    },
                    "tooltip": tooltip,
                },
            },
        ],
    )
