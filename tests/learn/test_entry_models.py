"""The learned entry model: strict entry definitions, tie-robust precision, no leakage from
the future, reproducibility, explanations, and the backtest targets on New Zealand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.core.dynamics import window_sets
from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix
from smartspec.core.validation import _region_precision_at_k, precision_at_k
from smartspec.datasets import load
from smartspec.learn import backtest, explain, fit_entry_model, recommend
from smartspec.learn.features import learned_relatedness


@pytest.fixture(scope="module")
def nz() -> ActivityMatrix:
    return load("nz-urban-industry")


def test_precision_at_k_does_not_depend_on_row_order_with_ties() -> None:
    y = np.array([1, 0, 0, 1, 0, 1])
    s = np.array([0.9, 0.5, 0.5, 0.5, 0.5, 0.1])
    # top 3: the 0.9 (an entry) and 2 of the four tied 0.5s (one entry among four): 1 + 2/4
    assert precision_at_k(y, s, 3) == pytest.approx(1.5 / 3)
    rng = np.random.default_rng(0)
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    first = _region_precision_at_k(y, s, groups, 2)
    for _ in range(5):
        p = rng.permutation(len(y))
        assert _region_precision_at_k(y[p], s[p], groups[p], 2) == pytest.approx(first)
    # region a: 0.9 (entry) + one of two tied 0.5s (no entry) -> 1/2; region b: 0.5, 0.5 tie
    # (one entry of two) then 0.1 -> 1/2
    assert first == pytest.approx(0.5)


def test_strict_windows_drop_reentries_and_need_persistence() -> None:
    # one region, four activities, four periods
    presence = np.array(
        [
            [[1, 0, 0, 0]],
            [[0, 0, 0, 0]],
            [[1, 1, 1, 0]],
            [[1, 1, 0, 0]],
        ],
        dtype=float,
    )
    rca = np.where(presence == 1, 2.0, 0.1)
    rca[1, 0, 3] = 0.8  # above the strict bound at the base
    at_risk, event = window_sets(
        presence, rca, 1, 2, max_rca_before=0.5, no_reentry=True, persistence=1
    )
    # activity 0 was specialised in period 0: a re-entry, not at risk; 3 starts at RCA 0.8
    assert at_risk.tolist() == [[False, True, True, False]]
    # activity 2 enters but does not persist into period 3
    assert event[at_risk].tolist() == [True, False]


def test_learned_relatedness_by_hand() -> None:
    # two activities; regions with activity 0 at the start enter activity 1 more often
    presence = np.array([[[1, 0], [1, 0], [0, 0], [0, 0]]], dtype=float)
    at_risk = np.array([[False, True], [False, True], [True, True], [True, True]])
    event = np.array([[False, True], [False, True], [False, False], [False, False]])
    w = learned_relatedness(presence, [(0, at_risk, event)], prior=1.0)
    # q_1 = (2 + 1 * 2/6) / (4 + 1) = 0.4667; E_01 = 2, N_01 = 2
    q1 = (2 + 2 / 6) / 5
    assert w[0, 1] == pytest.approx(np.log(((2 + q1) / 3) / q1))
    assert w[0, 1] > 0


def test_the_model_never_reads_periods_after_its_base(nz: ActivityMatrix) -> None:
    """Scrambling every period after the base leaves the model's predictions unchanged."""
    base = nz.periods[3]
    model = fit_entry_model(nz, base=base, seed=1)
    long = nz.to_long()
    later = long["period"] > base
    rng = np.random.default_rng(0)
    long.loc[later, "value"] = rng.permutation(long.loc[later, "value"].to_numpy())
    scrambled = ActivityMatrix.from_long(
        long, region="region", activity="activity", value="value", period="period"
    )
    again = fit_entry_model(scrambled, base=base, seed=1)
    np.testing.assert_allclose(model.grid(), again.grid())
    assert model.training["windows"][-1][1] == base
    assert model.params == again.params


def test_seeded_and_reproducible_and_calibrated_shape(nz: ActivityMatrix) -> None:
    a = fit_entry_model(nz, base=1991, seed=3)
    b = fit_entry_model(nz, base=1991, seed=3)
    np.testing.assert_array_equal(a.grid(), b.grid())
    p = a.grid()
    assert np.all((p > 0) & (p < 1))
    assert len(a.selection) == 4 and a.selection["scheme"].iloc[0] == "last earlier window"


def test_no_window_to_learn_from_is_a_clear_error(nz: ActivityMatrix) -> None:
    with pytest.raises(ValidationError) as err:
        fit_entry_model(nz, base=nz.periods[0])
    assert "choose a later base period" in str(err.value.fix)


def test_strict_backtest_learned_beats_the_baselines_on_new_zealand(nz: ActivityMatrix) -> None:
    bt = backtest(
        nz, base=2006, end=2013, scores=("density", "learned", "logistic"), k=(5,), n_boot=50
    )
    auc = bt.metrics.set_index("score")["roc_auc"]
    assert auc["learned"] >= max(auc["density"], auc["ubiquity"]) + 0.05
    margins = bt.margins.set_index(["score", "against", "metric"])
    assert margins.loc[("learned", "logistic", "roc_auc"), "margin_low"] > 0
    assert margins.loc[("learned", "max(density, ubiquity)", "roc_auc"), "margin"] == pytest.approx(
        auc["learned"] - max(auc["density"], auc["ubiquity"])
    )
    # the region precision@5 margin is the difference of the metrics, with a paired interval
    p5 = bt.metrics.set_index("score")["region_precision_at_5"]
    row = margins.loc[("learned", "density", "region_precision_at_5")]
    assert row["margin"] == pytest.approx(p5["learned"] - p5["density"])
    assert row["margin_low"] <= row["margin"] <= row["margin_high"]
    assert bt.summary["definition"] == "strict"
    assert set(bt.calibration["score"]) == {"learned", "logistic"}
    assert bt.summary["models"]["learned"]["windows"][-1] == [2001, 2006]


def test_recommendations_explain_themselves(nz: ActivityMatrix) -> None:
    region = nz.regions[0]
    out = recommend(nz, region=region, top=5)
    assert len(out) == 5 and out["rank"].tolist() == [1, 2, 3, 4, 5]
    assert out["probability"].is_monotonic_decreasing
    t = nz.period_position(nz.periods[-1])
    model = fit_entry_model(nz)
    mask = model.steps.mask[t][nz.regions.get_loc(region)]
    for row in out.to_dict("records"):
        assert not mask[nz.activities.get_loc(row["activity"])]  # not yet specialised
        assert all(f["contribution"] > 0 for f in row["factors"])
        assert all(mask[nz.activities.get_loc(a)] for a in row["related"])
        assert row["explanation"]
    again = explain(model, pd.DataFrame({"region": [region], "activity": [out["activity"][0]]}))
    assert again["probability"][0] == pytest.approx(out["probability"][0])


def test_validate_command_writes_one_row_per_score(tmp_path) -> None:
    from smartspec.services.cli import main

    out = tmp_path / "v"
    result = CliRunner().invoke(
        main,
        [
            "validate",
            "--dataset",
            "nz-urban-industry",
            "--base",
            "1981",
            "--end",
            "1986",
            "--score",
            "learned",
            "--score",
            "logistic",
            "--strict",
            "--n-boot",
            "20",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = pd.read_csv(out / "metrics.csv")
    assert metrics["score"].tolist() == ["learned", "logistic", "ubiquity", "random"]
    assert {"learned", "logistic"} <= set(pd.read_csv(out / "calibration.csv")["score"])
    assert "strict definition" in result.output
    margins = pd.read_csv(out / "margins.csv").set_index(["score", "against", "metric"])
    k = min(int(c.rsplit("_", 1)[1]) for c in metrics if c.startswith("region_precision_at_"))
    for against in ("logistic", "density", "max(density, ubiquity)"):
        for metric in ("roc_auc", f"region_precision_at_{k}"):
            assert ("learned", against, metric) in margins.index
    assert f"region precision at {k} margin of learned over density" in result.output


def test_learned_probability_as_the_framework_feasibility_axis(nz: ActivityMatrix) -> None:
    from smartspec.core.framework import framework
    from smartspec.learn import feasibility

    grid = feasibility(nz)
    fw = framework(nz, feasibility=grid)
    assert set(fw.candidates["period"]) == {nz.periods[-1]}
    assert fw.settings["feasibility"] == "learned probability"
    c = fw.candidates
    high = c["quadrant"].str.startswith("high_density")
    assert (c.loc[high, "probability"] >= c.loc[high, "density_cutoff"]).all()
    assert (c.loc[~high, "probability"] < c.loc[~high, "density_cutoff"]).all()
    with pytest.raises(ValidationError, match="one value per period"):
        framework(nz, feasibility=grid[:1])


def test_exit_backtest_turns_the_evidence_around(nz: ActivityMatrix) -> None:
    bt = backtest(
        nz, base=2006, end=2013, kind="exit", scores=("density", "learned"), k=(5,), n_boot=20
    )
    auc = bt.metrics.set_index("score")["roc_auc"]
    # specialisations with little related around them are the ones lost (Neffke et al. 2011)
    assert auc["density"] > 0.55
    assert auc["learned"] > auc["density"]
    assert bt.summary["kind"] == "exit"
