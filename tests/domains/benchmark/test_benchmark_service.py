"""The benchmark service on the bundled indicators (real data)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from smartspec.core.errors import UnknownRegionError, ValidationError
from smartspec.domains.benchmark import service
from smartspec.domains.benchmark.indicators import INDICATORS, coverage, indicator_table
from smartspec.domains.errors import RequestError, UnknownRecordError


def test_the_bundled_table() -> None:
    t = indicator_table()
    assert len(t) == 277
    assert set(i.key for i in INDICATORS) <= set(t.columns)
    # checks against the sources: Vienna's density, Oberbayern's GDP per head and R&D
    assert t.at["AT13", "density"] == pytest.approx(4406, rel=0.02)
    assert t.at["DE21", "gerd_pc_gdp"] == pytest.approx(3.98)
    assert int(t.at["DE21", "rd_year"]) == 2017
    shares = t[[i.key for i in INDICATORS if i.key.startswith("emp_")]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0, abs=1e-4)
    report = coverage()
    assert report["reference_year"] == 2017
    assert "PL12" in report["rd_codes_not_mapped"]  # split into PL91/PL92: not mapped


def test_structural_neighbours_are_plausible() -> None:
    view = service.similar_regions(None, "DE11", top=10)  # type: ignore[arg-type]
    assert view.measure == "structure"
    assert "weighted Euclidean distance" in view.description
    codes = [i.region for i in view.items]
    assert len(codes) == 10 and "DE11" not in codes
    assert sum(c.startswith("DE") for c in codes) >= 5  # Stuttgart is most like Germany
    assert [i.rank for i in view.items] == list(range(1, 11))
    scores = [i.score for i in view.items]
    assert scores == sorted(scores, reverse=True)
    assert all(i.score == pytest.approx(1 / (1 + i.distance), abs=1e-6) for i in view.items)
    czech = service.similar_regions(None, "Jihovýchod", top=10)  # type: ignore[arg-type]
    assert czech.region == "CZ06"
    assert sum(i.country in ("CZ", "PL", "SK", "HU") for i in czech.items) >= 5
    assert view.compared == 273  # 277 less the three Croatian regions and the region itself


def test_explanation_sums_to_the_distance() -> None:
    view = service.similar_regions(None, "ES21", top=3)  # type: ignore[arg-type]
    first = view.items[0]
    exp = service.explain(None, "ES21", first.region)
    total = sum(r.contribution for r in exp.indicators if r.contribution is not None)
    assert math.sqrt(total) == pytest.approx(exp.distance, abs=1e-5)
    assert exp.distance == pytest.approx(first.distance, abs=1e-5)
    assert exp.rank == 1
    assert sum(r.weight for r in exp.indicators if r.weight is not None) == pytest.approx(
        1.0, abs=1e-5
    )
    assert len(exp.alike) == 5 and len(exp.apart) == 5
    assert not set(exp.alike) & set(exp.apart[:2])
    by_key = {r.key: r for r in exp.indicators}
    assert by_key["population"].value == indicator_table().at["ES21", "population"]
    gaps = {k: abs(by_key[k].z - by_key[k].other_z) for k in exp.alike}  # type: ignore[operator]
    rest = [abs(r.z - r.other_z) for r in exp.indicators if r.key not in exp.alike]  # type: ignore[operator]
    assert max(gaps.values()) <= min(rest)


def test_missing_indicators_are_left_out_and_said() -> None:
    exp = service.explain(None, "NL33", "BE10")  # no R&D values for the Netherlands
    assert set(exp.missing) == {"gerd_pc_gdp", "berd_share", "rd_personnel_per_1000"}
    assert exp.coverage == pytest.approx(0.75)
    assert sum(r.weight or 0 for r in exp.indicators) == pytest.approx(1.0, abs=1e-5)
    view = service.similar_regions(None, "NL33", top=3)  # type: ignore[arg-type]
    assert any("renormalised" in n for n in view.notes)
    fr = service.similar_regions(None, "FR10", top=3)  # type: ignore[arg-type]
    assert any("from 2013" in n for n in fr.notes)


def test_bad_input() -> None:
    with pytest.raises(UnknownRegionError, match="close matches") as err:
        service.similar_regions(None, "ES2l", top=3)  # type: ignore[arg-type]
    assert "'ES24'" in str(err.value)  # a close match named
    with pytest.raises(ValidationError, match="too few structural indicators"):
        service.similar_regions(None, "HR02")  # type: ignore[arg-type]
    for top in (0, 101):
        with pytest.raises(RequestError, match="top out of bounds"):
            service.similar_regions(None, "ES21", top=top)  # type: ignore[arg-type]
    with pytest.raises(RequestError, match="unknown measure"):
        service.similar_regions(None, "ES21", measure="size")  # type: ignore[arg-type]
    with pytest.raises(RequestError, match="itself"):
        service.explain(None, "ES21", "es21")
    with pytest.raises(RequestError, match="k out of bounds"):
        service.stability_check(k=0)


def test_activity_priorities_and_combined(bench_app: Any) -> None:
    act = service.similar_regions(bench_app, "ES21", top=5, measure="activity")
    assert act.measure == "activity" and act.dataset == "eu-nuts2-ardeco"
    assert "cosine" in act.description
    assert len(act.items) == 5 and all(-1 <= i.score <= 1 for i in act.items)
    assert act.compared == 276
    sbs = service.similar_regions(
        bench_app, "ES21", top=5, measure="activity", dataset="eu-nuts2-sbs"
    )
    assert sbs.dataset == "eu-nuts2-sbs" and sbs.items[0].region != "ES21"
    prio = service.similar_regions(bench_app, "CZ064", top=5, measure="priorities")
    assert prio.measure == "priorities" and "Jaccard" in prio.description
    direct = bench_app.registry.similar_regions(None, "CZ064", by="codes", limit=5)
    assert [(i.region, i.score) for i in prio.items] == [(i.region, i.score) for i in direct.items]
    with pytest.raises(UnknownRecordError):
        service.similar_regions(bench_app, "ES21", measure="priorities")
    comb = service.similar_regions(bench_app, "ES21", top=10, measure="combined")
    assert comb.combined == ["structure", "activity"]
    assert any("priorities left out" in n for n in comb.notes)
    structure = service.similar_regions(bench_app, "ES21", top=1)
    assert comb.compared == structure.compared  # every comparable region has both measures
    first = comb.items[0]
    assert first.score == pytest.approx(sum(first.parts.values()) / 2, abs=1e-6)
    assert set(first.parts) == {"structure", "activity"}
    scores = [i.score for i in comb.items]
    assert scores == sorted(scores, reverse=True)


def test_stability_check_runs_and_is_bounded() -> None:
    view = service.stability_check(k=5, draws=3, regions=["ES21", "DE11"])
    assert set(view.regions) == {"ES21", "DE11"}
    for mode in ("indicators", "noise", "both"):
        assert 0.0 <= view.summary[mode] <= 1.0
    # no noise and no resampling of values: the noise mode reproduces the sets exactly
    exact = service.stability_check(k=5, draws=2, noise=0.0, regions=["ES21"])
    assert exact.regions["ES21"]["noise"] == 1.0


def test_indicators_view() -> None:
    meta = service.indicators()
    assert meta.reference_year == 2017
    assert len(meta.indicators) == len(INDICATORS) == 18
    assert sum(i.weight for i in meta.indicators) == pytest.approx(1.0, abs=1e-5)
    refused = [r.region for r in meta.regions if not r.compared]
    assert refused == ["HR02", "HR05", "HR06"]
    assert pd.Series([r.coverage for r in meta.regions]).between(0, 1).all()


def test_combined_with_declared_priorities(tmp_path: Any) -> None:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.registry.views import PriorityIn

    app = SmartSpecApp(data_dir=tmp_path, datasets=["eu-nuts2-ardeco"])
    try:
        declared = {"ES21": ["28", "29"], "DEA4": ["28", "29"], "ITH5": ["28"], "FR10": ["62"]}
        for region, nace in declared.items():
            app.registry.create_priority(
                CLI_ACCOUNT,
                PriorityIn(region=region, period="2021-2027", title="Machinery",
                           codes={"nace": nace}),
            )  # fmt: skip
        prio = service.similar_regions(app, "ES21", measure="priorities")
        assert [(i.region, i.score) for i in prio.items] == [
            ("DEA4", 1.0), ("ITH5", 0.5), ("FR10", 0.0),
        ]  # fmt: skip
        comb = service.similar_regions(app, "ES21", measure="combined")
        assert comb.combined == ["structure", "activity", "priorities"]
        assert comb.compared == 3  # the regions every measure ranks
        assert comb.notes == []
        for item in comb.items:
            assert set(item.parts) == {"structure", "activity", "priorities"}
            assert item.score == pytest.approx(sum(item.parts.values()) / 3, abs=1e-6)
        by_region = {i.region: i.parts["priorities"] for i in comb.items}
        assert by_region == {"DEA4": 1.0, "ITH5": 0.5, "FR10": 0.0}
    finally:
        app.close()
