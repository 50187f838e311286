"""Difference-in-differences: a 2x2 case by hand, a known effect recovered, diverging
pre-trends flagged, the placebo p-value, refusals; evaluate() on the bundled ARDECO data with
controls from the benchmark; the API router and the CLI command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.core.errors import ValidationError
from smartspec.domains.monitoring.evaluation import ASSUMPTIONS, did, evaluate

ARDECO = "eu-nuts2-ardeco"
SPEC = {"measure": "share", "dataset": ARDECO, "activities": ["B-E"]}


def _panel(values: dict[str, list[float]], first: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"region": r, "year": first + i, "value": v}
            for r, vs in values.items()
            for i, v in enumerate(vs)
        ]
    )


def _synthetic(effect: float, trend: float = 0.0, noise: float = 0.0) -> pd.DataFrame:
    """y = region effect + year effect (+ effect for T from 2014) (+ trend x year for T)."""
    rng = np.random.default_rng(7)
    years = list(range(2005, 2020))
    alpha = {f"R{i}": float(rng.normal(10, 3)) for i in range(10)}
    alpha["T"] = 12.0
    lam = {y: float(rng.normal(0, 1)) for y in years}
    rows = []
    for r, a in alpha.items():
        for y in years:
            v = a + lam[y] + (noise * float(rng.normal()) if noise else 0.0)
            if r == "T":
                v += (effect if y >= 2014 else 0.0) + trend * (y - 2005)
            rows.append({"region": r, "year": y, "value": v})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ did()
def test_two_by_two_by_hand() -> None:
    panel = _panel({"T": [10, 12, 20], "C1": [5, 6, 8], "C2": [7, 8, 12]}, 2010)
    r = did(panel, "T", 2012)
    # treated 11 -> 20, controls' mean 6.5 -> 10: (20 - 11) - (10 - 6.5) = 5.5
    assert r.att == pytest.approx(5.5)
    assert r.twfe == pytest.approx(5.5)
    assert r.means == pytest.approx(
        {"treated_pre": 11.0, "treated_post": 20.0, "controls_pre": 6.5, "controls_post": 10.0}
    )
    assert r.pre_years == [2010, 2011] and r.post_years == [2012] and r.controls == ["C1", "C2"]
    # only 2 pre years: the slope is given, the test is not
    assert r.pretrend["se"] is None and r.pretrend["p_value"] is None
    assert r.pretrend["slope"] == pytest.approx((12 - 7) - (10 - 6))  # gap 4 -> 5 -> ...: 1/year
    assert any("2 pre years" in c for c in r.caveats)
    # event study relative to 2011 (gap 5): 2010 gap 4 -> -1; 2012 gap 10 -> +5
    assert [e["vs_last_pre"] for e in r.event_study] == pytest.approx([-1.0, 0.0, 5.0])
    assert [e["relative"] for e in r.event_study] == [-2, -1, 0]
    d = r.to_dict()
    assert d["assumptions"] == list(ASSUMPTIONS) and json.dumps(d)


def test_known_effect_recovered_exactly() -> None:
    r = did(_synthetic(2.0), "T", 2014)
    assert r.att == pytest.approx(2.0, abs=1e-9)
    assert r.twfe == pytest.approx(2.0, abs=1e-9)
    assert r.pretrend["slope"] == pytest.approx(0.0, abs=1e-9)
    assert not r.pretrend["flagged"]
    assert all(abs(e["vs_last_pre"]) < 1e-9 for e in r.event_study if e["year"] < 2014)
    assert all(e["vs_last_pre"] == pytest.approx(2.0) for e in r.event_study if e["year"] >= 2014)
    # every placebo is 0: the real effect ranks first, p = 1 / (1 + 10)
    assert r.placebo["rank"] == 1 and r.placebo["n"] == 10
    assert r.placebo["p_value"] == pytest.approx(1 / 11)


def test_twfe_equals_the_two_by_two_in_a_balanced_panel() -> None:
    r = did(_synthetic(1.5, noise=0.8), "T", 2014)
    assert r.twfe == pytest.approx(r.att, abs=1e-9)
    assert r.att != pytest.approx(1.5, abs=1e-6)  # the noise moves it: not a fixed number


def test_diverging_pre_trends_are_flagged() -> None:
    r = did(_synthetic(0.0, trend=0.5), "T", 2014)
    assert r.pretrend["flagged"] and r.pretrend["p_value"] < 0.05
    assert r.pretrend["slope"] == pytest.approx(0.5)
    assert r.att > 2  # the trend alone looks like an effect
    assert any("parallel trends are doubtful" in c for c in r.caveats)
    noisy = did(_synthetic(0.0, trend=0.5, noise=0.3), "T", 2014)
    assert noisy.pretrend["flagged"] and noisy.pretrend["se"] > 0


def test_placebo_p_value_by_hand() -> None:
    panel = _panel({"T": [1, 1, 4], "A": [1, 2, 3], "B": [2, 2, 2], "C": [0, 1, 8]}, 2000)
    r = did(panel, "T", 2002)
    # treated: 1 -> 4 (+3); controls' mean 1, 5/3, 13/3: pre 4/3, post 13/3 (+3): ATT = 0
    assert r.att == pytest.approx(0.0, abs=1e-12)

    def att(t: str, cs: list[str]) -> float:
        w = panel.pivot(index="year", columns="region", values="value")
        c = w[cs].mean(axis=1)
        return float((w[t][2002] - w[t].loc[:2001].mean()) - (c[2002] - c.loc[:2001].mean()))

    placebos = {p: att(p, [q for q in "ABC" if q != p]) for p in "ABC"}
    assert {e["region"]: e["att"] for e in r.placebo["estimates"]} == pytest.approx(placebos)
    at_least = sum(abs(v) >= 0 for v in placebos.values())
    assert r.placebo["p_value"] == pytest.approx((1 + at_least) / (1 + 3))  # = 1: no effect
    assert r.placebo["rank"] == 1 + sum(abs(v) > 0 for v in placebos.values())


@pytest.mark.parametrize(
    ("start", "controls", "change", "message"),
    [
        (2001, None, None, "too few years"),  # 1 pre year
        (2003, None, None, "too few years"),  # no post year
        (2002, ["A"], None, "at least 2 control"),
        (2002, ["A", "T"], None, "also a control"),
        (2002, ["A", "ZZ"], None, "not in the panel"),
        (2002, None, "hole", "missing values"),
        (2002, None, "twice", "two values"),
    ],
)
def test_refusals(start: int, controls: list[str] | None, change: str | None, message: str) -> None:
    panel = _panel({"T": [1, 1, 4], "A": [1, 2, 3], "B": [2, 2, 2]}, 2000)
    if change == "hole":
        panel.loc[4, "value"] = np.nan
    if change == "twice":
        panel = pd.concat([panel, panel.iloc[[0]]])
    with pytest.raises(ValidationError, match=message):
        did(panel, "T", start, controls)


# ------------------------------------------------------------------------------ evaluate()
@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    made = SmartSpecApp(data_dir=tmp_path_factory.mktemp("evaluation"), datasets=[ARDECO])
    load_example_once(made)  # the registry's Czech regions, for similarity by priorities
    yield made
    made.close()


def test_evaluate_on_ardeco_with_benchmark_controls(app: Any) -> None:
    from smartspec.domains.benchmark.service import similar_regions
    from smartspec.domains.monitoring.compute import compute_series

    out = evaluate(app, None, "CZ06", spec=SPEC, start=2014)
    near = [i.region for i in similar_regions(app, "CZ06", top=15).items]
    assert [c["region"] for c in out["controls"]] == near[:10]
    d = out["did"]
    for key in ("att", "twfe"):
        assert np.isfinite(d[key])
    assert d["att"] == pytest.approx(d["twfe"], abs=1e-9)
    assert d["pre_years"] == list(range(2000, 2014)) and d["post_years"] == list(range(2014, 2020))
    assert 0 < d["placebo"]["p_value"] <= 1 and d["placebo"]["n"] == 10
    assert np.isfinite(d["pretrend"]["slope"]) and d["pretrend"]["p_value"] is not None
    # the treated series is the computed indicator's
    own = compute_series(app, SPEC, "CZ06").values
    assert out["series"]["CZ06"] == [{"year": y, "value": v} for y, v in sorted(own.items())]
    assert out["unit"] == "% of the region's total" and out["data_version"].startswith(ARDECO)
    assert any("2017" in n for n in out["notes"]) and any("ex-ante" in n for n in out["notes"])
    json.dumps(out)


def test_evaluate_with_named_controls_and_nuts3(app: Any) -> None:
    out = evaluate(app, None, "CZ064", spec=SPEC, start=2014, controls=["CZ02", "CZ03", "PL21"])
    assert out["region"] == "CZ06" and [c["region"] for c in out["controls"]] == [
        "CZ02",
        "CZ03",
        "PL21",
    ]
    assert any("same country" in n for n in out["notes"])
    with pytest.raises(ValidationError, match="at least 2 control"):
        evaluate(app, None, "CZ06", spec=SPEC, start=2014, controls=["CZ02", "ZZ99"])
    with pytest.raises(ValidationError, match="too few years"):
        evaluate(app, None, "CZ06", spec={"measure": "rd_intensity"}, start=2014)


def test_evaluate_with_controls_by_declared_priorities(app: Any) -> None:
    """The registry's regions are NUTS 3: each control is measured by its NUTS 2 parent, once,
    and never by the treated region's own."""
    out = evaluate(app, None, "CZ064", spec=SPEC, start=2014, controls=4, measure="priorities")
    codes = [c["region"] for c in out["controls"]]
    assert out["region"] == "CZ06" and out["similarity"] == "priorities"
    assert len(codes) == len(set(codes)) == 4 and "CZ06" not in codes
    assert all(len(c) == 4 and c.startswith("CZ") for c in codes)
    assert np.isfinite(out["did"]["att"])


def test_evaluate_needs_an_account_on_a_private_platform(tmp_path: Path) -> None:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.errors import AuthenticationRequiredError

    private = SmartSpecApp(data_dir=tmp_path, datasets=[ARDECO], settings={"public_read": False})
    try:
        with pytest.raises(AuthenticationRequiredError):
            evaluate(private, None, "CZ06", spec=SPEC, start=2014)
    finally:
        private.close()


# ------------------------------------------------------------------------------ API and CLI
@pytest.fixture(scope="module")
def client(app: Any) -> Any:
    import warnings

    from fastapi import FastAPI

    from smartspec.domains.monitoring.api_evaluation import router
    from smartspec.services.api import API_PREFIX
    from smartspec.services.api.errors import install_error_handlers

    api = FastAPI()
    api.state.smartspec = app
    install_error_handlers(api)
    api.include_router(router, prefix=API_PREFIX)
    with warnings.catch_warnings():  # as SmartSpecApp.client: httpx works the same here
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient

        return TestClient(api, base_url="http://localhost")


def test_api_is_the_service(client: Any, app: Any) -> None:
    params = {"region": "CZ06", "dataset": ARDECO, "measure": "share", "activities": "B-E",
              "start": 2014, "controls": "6"}  # fmt: skip
    r = client.get("/api/v1/monitoring/evaluation", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    expected = evaluate(app, None, "CZ06", spec=SPEC, start=2014, controls=6)
    assert r.json() == json.loads(json.dumps(expected))
    named = client.get(
        "/api/v1/monitoring/evaluation", params={**params, "controls": "CZ02,CZ03"}
    ).json()
    assert [c["region"] for c in named["controls"]] == ["CZ02", "CZ03"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"controls": "1"}, 400),
        ({"controls": "CZ02"}, 400),
        ({"measure": "gdp"}, 422),
        ({"region": "ZZ99"}, 404),
        ({"activities": "Q99x"}, 404),
        ({"start": 2001}, 422),
        ({"similarity": "size"}, 400),
    ],
)
def test_api_refusals(client: Any, change: dict[str, Any], status: int) -> None:
    params = {"region": "CZ06", "dataset": ARDECO, "activities": "B-E", "start": 2014, **change}
    r = client.get("/api/v1/monitoring/evaluation", params=params)
    assert r.status_code == status, r.text


def test_cli_command(tmp_path: Path, app: Any) -> None:
    from smartspec.domains.monitoring.cli_evaluation import evaluate as command

    base = ["--region", "CZ06", "--dataset", ARDECO, "--measure", "share", "--activities",
            "B-E", "--start", "2014", "--controls", "5", "--data-dir", str(tmp_path)]  # fmt: skip
    result = CliRunner().invoke(command, [*base, "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    expected = evaluate(app, None, "CZ06", spec=SPEC, start=2014, controls=5)
    assert printed["did"]["att"] == pytest.approx(expected["did"]["att"])
    assert printed["controls"] == expected["controls"]
    text = CliRunner().invoke(command, base)
    assert text.exit_code == 0, text.output
    assert "ATT" in text.output and "placebo p-value" in text.output and "CZ06" in text.output
    bad = CliRunner().invoke(command, [*base[:-2], "--controls", "1", "--data-dir", str(tmp_path)])
    assert bad.exit_code != 0
