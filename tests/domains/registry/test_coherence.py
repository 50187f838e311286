"""Coherence of priorities with the evidence: a hand-computed toy dataset, the Czech
priorities of Jihomoravský kraj against the bundled SBS (divisions) and ARDECO (A*10 sectors)
datasets, and the chart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.evidence.service import view
from smartspec.domains.registry.coherence import (
    CLASSES,
    CoherenceView,
    coherence_chart,
    coherence_for,
    map_code,
    map_region,
)
from smartspec.reports.charts import render

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "s3-priorities"
BUNDLED = Path(__file__).resolve().parents[3] / "src/smartspec/domains/registry/data/cz-ris3"

# 4 regions x 5 activities, one period: values chosen so that region XA01 is specialised in
# two activities and has three non-specialised ones with distinct densities.
ACTS = ["C27", "C28", "C29", "J62", "M72"]
REGS = ["XA01", "XA02", "XB01", "XB02"]
X = np.array(
    [
        [20, 30, 50, 30, 10],
        [40, 10, 40, 90, 80],
        [20, 30, 40, 20, 30],
        [80, 80, 30, 90, 20],
    ],
    dtype=float,
)


def _hand() -> tuple[np.ndarray, np.ndarray]:
    """RCA (Balassa) and relatedness density (min-conditional proximity, zero diagonal,
    presence RCA > 1) written out by hand for the toy matrix."""
    rca = (X / X.sum(1, keepdims=True)) / (X.sum(0) / X.sum())
    m = (rca > 1).astype(float)
    k = m.sum(0)
    phi = (m.T @ m) / np.maximum.outer(k, k)
    np.fill_diagonal(phi, 0.0)
    return rca, (m @ phi) / phi.sum(0)


@pytest.fixture(scope="module")
def toy_app(tmp_path_factory: pytest.TempPathFactory) -> SmartSpecApp:
    folder = tmp_path_factory.mktemp("toy")
    path = folder / "toy.csv"
    lines = ["period,region,activity,value"]
    lines += [f"2020,{r},{a},{X[i, j]:g}" for i, r in enumerate(REGS) for j, a in enumerate(ACTS)]
    path.write_text("\n".join(lines) + "\n")
    other = folder / "plain.csv"
    other.write_text("period,region,activity,value\n2020,XA01,x,5\n2020,XA01,y,3\n2020,XB01,x,2\n")
    return SmartSpecApp(data_dir=folder / "d", datasets=[], files=[(path, {}), (other, {})])


TOY_PRIORITIES = [
    {"id": "p1", "title": "Vehicles", "codes": {"nace": ["29"]}},
    {"id": "p2", "title": "Electrical and machinery", "codes": {"nace": ["27", "28"]}},
    {"id": "p3", "title": "Research", "codes": {"nace": ["72"]}},
    {"id": "p4", "title": "Software and electrical", "codes": {"nace": ["62", "27"]}},
    {"id": "p5", "title": "Culture", "codes": {}},
    {"id": "p6", "title": "Farming", "nace": ["01"]},
    {"id": "p7", "title": "All manufacturing", "codes": {"nace": ["C"]}},
]


def test_toy_numbers_and_classes_by_hand(toy_app: SmartSpecApp) -> None:
    rca, density = _hand()
    # by hand: XA01 has RCA 0.75, 1.2, 1.875, 0.783, 0.429 -> specialised in C28 and C29;
    # densities of its non-specialised C27, J62, M72: 0.4, 0.25, 0.625 -> percentiles 2/3,
    # 1/3 and 1 among those three
    assert np.round(rca[0], 3).tolist() == [0.75, 1.2, 1.875, 0.783, 0.429]
    assert np.round(density[0], 3).tolist() == [0.4, 0.4, 0.571, 0.25, 0.625]

    v = coherence_for(toy_app, "toy", "XA011", TOY_PRIORITIES)
    assert isinstance(v, CoherenceView)
    assert (v.evidence_region, v.evidence_level, v.period) == ("XA01", "parent", 2020)
    got = {i.id: i for i in v.items}
    assert {k: i.coherence for k, i in got.items()} == {
        "p1": "evidence-backed",
        "p2": "evidence-backed",
        "p3": "emerging",
        "p4": "weakly grounded",
        "p6": "not assessable",
        "p7": "evidence-backed",
    }
    assert got["p2"].specialised_share == pytest.approx(0.5)
    assert got["p3"].best_density_percentile == pytest.approx(1.0)
    assert got["p4"].best_density_percentile == pytest.approx(2 / 3)
    for item in v.items:
        for row in item.evidence:
            a = ACTS.index(row.activity)
            assert row.rca == pytest.approx(rca[0, a])
            assert row.density == pytest.approx(density[0, a])
            assert row.specialised == (rca[0, a] > 1)
    # a section maps down to its divisions
    assert [(r.activity, r.relation) for r in got["p7"].evidence] == [
        ("C27", "narrower"),
        ("C28", "narrower"),
        ("C29", "narrower"),
    ]
    assert v.summary.model_dump() == {
        "priorities": 7,
        "coded": 6,
        "uncoded": 1,
        "assessed": 5,
        "counts": {
            "evidence-backed": 3,
            "emerging": 1,
            "weakly grounded": 1,
            "not assessable": 1,
        },
        "shares": {"evidence-backed": 0.6, "emerging": 0.2, "weakly grounded": 0.2},
    }
    reasons = {(u.kind, u.priority, u.code): u.reason for u in v.unmapped}
    assert reasons[("priority", "p5", None)] == "no NACE codes"
    assert "no activity containing or inside NACE 01" in reasons[("code", "p6", "01")]
    assert any("XA01" in c and "NUTS" in c for c in v.caveats)
    assert any("only 5 activities" in c for c in v.caveats)
    assert "RCA > 1" in v.rule


def test_unknown_region_and_non_nace_activities_are_reported(toy_app: SmartSpecApp) -> None:
    v = coherence_for(toy_app, "toy", "ZZ123", TOY_PRIORITIES[:2])
    assert v.evidence_region is None and v.evidence_level == "none"
    assert [u.kind for u in v.unmapped].count("region") == 1
    assert {i.coherence for i in v.items} == {"not assessable"}
    assert "ZZ123" in v.items[0].reason
    plain = coherence_for(toy_app, "plain", "XA01", TOY_PRIORITIES[:1])
    assert plain.evidence_level == "same"
    assert plain.items[0].coherence == "not assessable"
    assert "not NACE" in plain.unmapped[0].reason


def test_mapping_rules() -> None:
    acts = ["A", "B-E", "F", "G-I", "J", "C28", "C29", "28.1"]
    assert map_code("28", acts) == ([(5, "same")], None)
    assert map_code("47", acts) == ([(3, "broader")], None)  # G-I contains G
    assert map_code("35", acts) == ([(1, "broader")], None)  # B-E contains D
    assert map_code("28.1", acts) == ([(7, "same")], None)
    assert map_code("28.2", acts) == ([(5, "broader")], None)  # the division, not B-E
    assert map_code("C", acts) == ([(5, "narrower"), (6, "narrower"), (7, "narrower")], None)
    found, why = map_code("34", acts)  # no such division: reported, not raised
    assert found == [] and why and "not a NACE Rev. 2 code" in why
    found, why = map_code("64", acts)
    assert found == [] and why and "64" in why
    assert map_region("CZ064", ["CZ06", "CZ0"]) == ("CZ06", "parent")
    assert map_region("cz06", ["CZ06"]) == ("CZ06", "same")
    assert map_region("Texas", ["CZ06"])[0] is None


# ---------------------------------------------------------------------------- real data
def _jhm() -> list[dict[str, object]]:
    folder = BUNDLED if BUNDLED.is_dir() else SHARED
    if not folder.is_dir():
        pytest.skip("no Czech RIS3 data (bundled copy or ../shared)")
    texts = json.loads((folder / "cz_domeny_plne_texty.json").read_text(encoding="utf-8"))
    return [
        {"id": f"CZ064-{k}", "title": d["nazev"], "codes": {"nace": d["nace"]}}
        for k, d in texts["Jihomoravský kraj"].items()
    ]


@pytest.fixture(scope="module")
def eu_app(tmp_path_factory: pytest.TempPathFactory) -> SmartSpecApp:
    return SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("eu"), datasets=["eu-nuts2-sbs", "eu-nuts2-ardeco"]
    )


def _consistent(v: CoherenceView) -> None:
    """Every class follows from the numbers shown, by the stated rule."""
    for item in v.items:
        usable = [r for r in item.evidence if not r.missing]
        backed = any(r.specialised for r in usable)
        pcts = [r.density_percentile for r in usable if r.density_percentile is not None]
        if not usable:
            assert item.coherence == "not assessable"
        elif backed:
            assert item.coherence == "evidence-backed"
        elif pcts and max(pcts) >= 0.75:
            assert item.coherence == "emerging"
        else:
            assert item.coherence == "weakly grounded"
        for r in usable:
            assert (r.density_percentile is None) == r.specialised


def test_jihomoravsky_kraj_against_sbs_divisions(eu_app: SmartSpecApp) -> None:
    priorities = _jhm()
    v = coherence_for(eu_app, "eu-nuts2-sbs", "CZ064", priorities)
    assert (v.evidence_region, v.evidence_level) == ("CZ06", "parent")
    assert v.period == 2014  # 2015 is incomplete: the latest complete period is used
    assert "RPOP" in v.rule  # the dataset's own presence rule
    assert len(v.items) == 6 and v.summary.uncoded == 0
    for item in v.items:
        for r in item.evidence:
            assert r.relation == "same" and r.activity[1:] == r.code
    _consistent(v)
    # the numbers are the evidence domain's, for CZ06 in 2014
    ev = view(eu_app, "eu-nuts2-sbs")
    p, reg = ev.period("2014"), ev.region("CZ06")
    for item in v.items:
        for r in item.evidence:
            a = ev.activity(r.activity)
            want = ev.rca[p, reg, a]
            assert (r.rca is None) if np.isnan(want) else r.rca == pytest.approx(want)
            assert r.density == pytest.approx(ev.density[p, reg, a])
    # C33 (repair of machinery) is suppressed for CZ06: reported, never read as zero
    suppressed = [u for u in v.unmapped if u.code == "33"]
    assert suppressed and "suppressed" in suppressed[0].reason
    assert any("suppressed" in c for c in v.caveats)
    assert any("CZ06" in c for c in v.caveats)
    # judged by RCA instead of the presence rule, aerospace (RCA 0.81) is no longer backed
    by_rca = coherence_for(eu_app, "eu-nuts2-sbs", "CZ064", priorities, specialised_by="rca")
    aero = next(i for i in by_rca.items if i.title == "Aerospace")
    assert aero.evidence[0].rca is not None and aero.evidence[0].rca < 1
    assert aero.coherence != "evidence-backed"
    _consistent(by_rca)


def test_jihomoravsky_kraj_against_ardeco_sectors(eu_app: SmartSpecApp) -> None:
    v = coherence_for(eu_app, "eu-nuts2-ardeco", "CZ064", _jhm(), period="2019")
    assert (v.evidence_region, v.period) == ("CZ06", 2019)
    sectors = {r.code: (r.activity, r.relation) for i in v.items for r in i.evidence}
    assert sectors["28"] == ("B-E", "broader")
    assert sectors["62"] == ("J", "broader")
    assert sectors["58"] == ("J", "broader")
    assert any("only 10 activities" in c for c in v.caveats)
    _consistent(v)
    counts = v.summary.counts
    assert sum(counts.values()) == v.summary.coded == 6


def test_chart_spec(eu_app: SmartSpecApp) -> None:
    v = coherence_for(eu_app, "eu-nuts2-ardeco", "CZ064", _jhm())
    spec = coherence_chart(v)
    rows = spec["data"]["values"]
    assert len(rows) == sum(len(i.evidence) for i in v.items)
    colour = spec["layer"][0]["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == list(CLASSES)
    svg = render({**spec, "width": 400})
    assert isinstance(svg, str) and svg.startswith("<svg")
