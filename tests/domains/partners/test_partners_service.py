"""The partners service on the bundled data: the example chains, the combined EU-US-Mexico
panel with its caveats, the similarity of declared priorities (the Czech registry example),
and the refusals of bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from smartspec.core.errors import (
    UnknownActivityError,
    UnknownDatasetError,
    UnknownRegionError,
    ValidationError,
)
from smartspec.domains.errors import RequestError, UnknownRecordError
from smartspec.domains.partners import panels, service
from smartspec.domains.partners.chains import Stage, ValueChain

DATASETS = ["eu-nuts2-sbs", "eu-nuts2-ardeco", "us-state-industry", "mx-tamaulipas"]
COMBINED = "eu-nuts2-ardeco+us-state-industry+mx-tamaulipas"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("partners"), datasets=[*DATASETS, "nz-urban-industry"]
    )
    load_example_once(app)
    yield app
    app.close()


@pytest.fixture(scope="module")
def automotive(app: Any) -> Any:
    return service.evaluate(app, service.example("automotive"), top=50)


def test_examples_are_valid_and_documented() -> None:
    found = {e.id: e for e in service.examples()}
    assert set(found) == {"automotive", "agrifood", "industry-services"}
    for e in found.values():
        assert e.description and 2 <= e.stages <= 10 and e.dataset
    assert found["industry-services"].dataset == COMBINED
    with pytest.raises(UnknownRecordError, match="no example chain"):
        service.example("steel")


def test_stage_rca_recomputed_from_the_matrix(app: Any, automotive: Any) -> None:
    """The stage RCA of the view is the Balassa RCA of summed employment, recomputed here
    from the raw matrix of the period used."""
    m = app.matrix("eu-nuts2-sbs")
    period = automotive.periods["eu-nuts2-sbs"]
    assert period == 2014  # the latest complete period (2015 is incomplete)
    frame = m.frame(period).fillna(0.0)
    frame = frame[frame.sum(axis=1) > 0]
    stage = automotive.ranking.stages[2]  # vehicle assembly: C29
    assert [a.code for a in stage.activities] == ["C29"]
    x = frame["C29"]
    rca = (x / frame.sum(axis=1)) / (x.sum() / frame.to_numpy().sum())
    top = rca.sort_values(ascending=False).index[0]
    assert stage.strongest[0].region == top
    assert stage.strongest[0].rca == pytest.approx(float(rca[top]))
    assert stage.strongest[0].share == pytest.approx(float(x[top] / x.sum()))
    assert stage.covering == int((rca >= 1).sum())
    assert stage.total == pytest.approx(float(x.sum()))


def test_potential_is_the_evidence_engines_density(app: Any, automotive: Any) -> None:
    from smartspec.domains.evidence.service import view

    v = view(app, "eu-nuts2-sbs")
    p = v.period("2014")
    stage = automotive.ranking.stages[1]  # components: C25-C28
    cols = [v.activity(a.code) for a in stage.activities]
    for r in stage.potential[:3]:
        expected = np.nanmean(v.density[p, v.region(r.region), cols])
        assert r.density == pytest.approx(float(expected))
        assert not r.covered
    densities = [r.density for r in stage.potential]
    assert densities == sorted(densities, reverse=True)


def test_caveats_say_what_density_and_the_data_cannot(automotive: Any) -> None:
    text = " ".join(automotive.caveats)
    assert "ROC-AUC 0.66-0.72" in text and "not a forecast" in text
    assert "suppressed or confidential" in text
    assert "RPOP" in automotive.presence_rule
    assert automotive.ranking.caveats == automotive.matrix.caveats == automotive.caveats


def test_partner_sets_cover_the_chain(automotive: Any) -> None:
    sets = automotive.partner_sets
    assert sets.sets and sets.sets[0].n_covered == 5 and not sets.sets[0].uncovered
    assert "exact enumeration" in sets.method and sets.evaluated > 0
    scores = [(-s.n_covered, -s.score) for s in sets.sets]
    assert scores == sorted(scores)
    members = {m.region for s in sets.sets for m in s.members}
    assert members <= set(sets.pool)
    rows = {r.region for r in automotive.matrix.rows}
    assert members <= rows
    row = automotive.matrix.rows[0]
    assert [c.stage for c in row.cells] == automotive.matrix.stages
    assert row.covered == sum(c.covered for c in row.cells)


def test_priority_similarity_from_the_registry(app: Any) -> None:
    from smartspec.domains.registry.search import jaccard

    view = service.evaluate(app, service.example("automotive"), region="cz06", top=50)
    sets = view.partner_sets
    assert sets.anchor == "CZ06"
    assert all(s.members[0].region == "CZ06" for s in sets.sets)
    assert "CZ02" in sets.similarity_note and "CZ06" in sets.similarity_note

    def divisions(codes: list[str]) -> set[str]:
        return {d for side in app.registry.compare(None, codes).regions for d in side.divisions}

    expected = jaccard(divisions(["CZ063", "CZ064"]), divisions(["CZ020"]))
    with_cz02 = [s for s in sets.sets if "CZ02" in {m.region for m in s.members}]
    assert with_cz02, "a set with CZ02 is among the 50 proposed"
    assert with_cz02[0].similarity == pytest.approx(expected)
    assert "similarity of declared priorities" in sets.ranking


def test_one_region_with_priorities_gives_no_similarity(app: Any) -> None:
    view = service.evaluate(app, service.example("industry-services"), top=5)
    assert "1 of the" in view.partner_sets.similarity_note  # CZ05 only: no pair to compare
    assert all(s.similarity is None for s in view.partner_sets.sets)
    assert "priorities" not in view.partner_sets.ranking


# ------------------------------------------------------------------------- across countries
def test_combined_panel_on_shared_groups(app: Any) -> None:
    panel = panels.load_panel(app, COMBINED)
    assert panel.periods == {
        "eu-nuts2-ardeco": 2019,
        "us-state-industry": 2021,
        "mx-tamaulipas": 2018,
    }
    assert list(panel.values.columns) == ["B-E", "F", "G-I", "J", "K", "L", "M-N", "R-U"]
    assert "MX-28" in panel.values.index and panel.region_names["MX-28"] == "Tamaulipas"
    assert "US-48" in panel.values.index and panel.region_names["US-48"] == "Texas"
    # Tamaulipas: the sum of its municipalities, sectors mapped by the concordance
    m = app.matrix("mx-tamaulipas").frame(2018).fillna(0.0)
    assert panel.values.loc["MX-28", "B-E"] == pytest.approx(m[["21", "22", "31-33"]].sum().sum())
    # ARDECO thousands become persons
    eu = app.matrix("eu-nuts2-ardeco").frame(2019)
    assert panel.values.loc["AT13", "F"] == pytest.approx(eu.loc["AT13", "F"] * 1000)
    text = " ".join(panel.caveats)
    for said in (
        "reference year 2019",
        "mx-tamaulipas 2018",
        "group A left out",
        "group O-Q left out",
        "measures of employment differ",
        "coarse",
        "pooled",
        "understated",
        "99",
    ):
        assert said in text, said


def test_combined_example_evaluates(app: Any) -> None:
    view = service.evaluate(app, service.example("industry-services"), region="MX-28", size=2)
    assert view.datasets == COMBINED.split("+")
    assert view.classification == "NACE Rev.2 A*10"
    assert all(s.members[0].region == "MX-28" for s in view.partner_sets.sets)
    tam = next(r for r in view.matrix.rows if r.region == "MX-28")
    assert tam.cells[0].covered  # Tamaulipas is industrial: production RCA > 1
    assert any("reference year" in c for c in view.caveats)


def test_classifications_without_concordance_are_refused(app: Any) -> None:
    with pytest.raises(ValidationError, match="no concordance") as info:
        panels.load_panel(app, "eu-nuts2-sbs+nz-urban-industry")
    assert info.value.code == "invalid.classifications"
    assert "NZSIOC" in (info.value.found or "")


def test_codes_of_another_classification_are_explained(app: Any) -> None:
    chain = ValueChain(
        name="x",
        stages=[Stage(name="a", activities=["C29"]), Stage(name="b", activities=["31-33"])],
    )
    with pytest.raises(UnknownActivityError, match="mixes classifications") as info:
        service.evaluate(app, chain, dataset="eu-nuts2-sbs")
    assert "NAICS" in (info.value.fix or "") and "B-E" in (info.value.fix or "")
    with pytest.raises(UnknownActivityError, match="mixes classifications") as info:
        service.evaluate(app, chain, dataset=COMBINED)
    assert "C29" in (info.value.found or "")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"dataset": "nope"}, UnknownDatasetError, "unknown dataset"),
        ({"region": "ZZ99"}, UnknownRegionError, "ZZ99"),
        ({"size": 6}, RequestError, "size"),
        ({"top": 0}, RequestError, "top"),
        ({"threshold": 0}, RequestError, "threshold"),
        ({"dataset": COMBINED, "period": "2019"}, ValidationError, "chooses each"),
    ],
)
def test_bad_parameters(app: Any, kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        service.evaluate(app, service.example("automotive"), **kwargs)


def test_every_region_covering_leaves_no_potential_list(app: Any) -> None:
    chain = ValueChain(
        name="x",
        stages=[Stage(name="a", activities=["11"]), Stage(name="b", activities=["21", "22"])],
    )
    view = service.evaluate(app, chain, dataset="us-state-industry", threshold=1e-6, top=3)
    for s in view.ranking.stages:
        assert len(s.potential) == min(3, 51 - s.covering)
        assert not any(r.covered for r in s.potential)
    assert view.ranking.stages[1].covering == 51  # every state has utilities or mining
    assert view.partner_sets.sets[0].n_covered == 2


def test_chain_files_json_and_yaml(tmp_path: Any) -> None:
    good = tmp_path / "c.yaml"
    good.write_text(
        "name: y\nstages:\n  - {name: a, activities: [C10]}\n  - {name: b, activities: [G46]}\n"
    )
    assert service.load_chain(good).stages[1].activities == ["G46"]
    bad = tmp_path / "c.json"
    bad.write_text('{"name": "x", "stages": [')
    with pytest.raises(ValidationError, match="not valid JSON"):
        service.load_chain(bad)


def test_coverage_chart(automotive: Any) -> None:
    spec = service.coverage_chart(automotive.matrix, title="t")
    values = spec["data"]["values"]
    assert len(values) == len(automotive.matrix.rows) * 5
    assert spec["encoding"]["x"]["sort"] == automotive.matrix.stages
    assert {v["covered"] for v in values} == {"●", ""}
