"""Smart-specialisation framework, entries/exits, backtests and complexity intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from smartspec import ActivityMatrix, SmartSpecWarning, ValidationError
from smartspec.core.dynamics import transitions
from smartspec.core.framework import QUADRANTS, framework
from smartspec.core.uncertainty import complexity_intervals
from smartspec.core.validation import average_precision, backtest, precision_at_k, roc_auc
from smartspec.datasets import load

pytestmark = pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")


def panel() -> ActivityMatrix:
    """Three periods of 0/1 presence, 5 regions x 4 activities, one entry and one exit."""
    base = np.array(
        [[1, 0, 0, 1], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [1, 0, 1, 0]], dtype=float
    )
    p1 = base.copy()
    p1[0, 1] = 1  # region r0 enters a1
    p1[1, 1] = 0  # region r1 exits a1
    p2 = p1.copy()
    return ActivityMatrix.from_dense(
        np.stack([base, p1, p2]),
        regions=[f"r{i}" for i in range(5)],
        activities=[f"a{j}" for j in range(4)],
        periods=[2000, 2005, 2010],
    )


def test_transitions_entries_and_exits():
    m = panel()
    entries = transitions(m, start=2000, end=2005, presence="manual")
    assert set(entries.columns) >= {"region", "activity", "event", "density", "pci", "cog"}
    hit = entries.set_index(["region", "activity"]).event
    assert hit[("r0", "a1")] == 1
    assert hit.sum() == 1
    assert len(entries) == (m.frame(2000).to_numpy() == 0).sum()
    exits = transitions(m, start=2000, end=2005, kind="exit", presence="manual")
    assert exits.set_index(["region", "activity"]).event[("r1", "a1")] == 1


def test_transition_filters():
    m = ActivityMatrix.from_dense(
        np.stack(
            [
                [[5, 1, 1], [1, 5, 1], [1, 1, 5], [3, 3, 3]],
                [[5, 4, 1], [1, 5, 1], [1, 1, 5], [3, 3, 3]],
                [[5, 1, 1], [1, 5, 1], [1, 1, 5], [3, 3, 3]],
            ]
        ).astype(float),
        regions=["r0", "r1", "r2", "r3"],
        activities=["a0", "a1", "a2"],
        periods=[1, 2, 3],
    )
    # r0 had RCA(a1) = (1/7)/(10/30) = 0.43 in period 1, then presence in period 2 only
    entries = transitions(m, start=1, end=2).set_index(["region", "activity"]).event
    assert entries[("r0", "a1")] == 1
    strict = transitions(m, start=1, end=2, max_rca_before=0.4)
    assert ("r0", "a1") not in set(zip(strict.region, strict.activity, strict=True))
    persistent = transitions(m, start=1, end=2, persistence=1)
    assert persistent.set_index(["region", "activity"]).event[("r0", "a1")] == 0
    high_bar = transitions(m, start=1, end=2, min_rca_after=5.0)
    assert high_bar.event.sum() == 0
    m = panel()
    with pytest.raises(ValidationError, match="persistence=2"):
        transitions(m, start=2000, end=2005, persistence=2)
    with pytest.raises(ValidationError, match="after"):
        transitions(m, start=2005, end=2000)
    with pytest.raises(ValidationError, match="kind"):
        transitions(m, start=2000, end=2005, kind="growth")


def test_metric_functions_by_hand():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8])
    assert roc_auc(y, s) == 0.75  # pairs (pos > neg): 0.35>0.1, 0.8>0.1, 0.8>0.4 = 3 of 4
    assert roc_auc(y, np.ones(4)) == 0.5  # ties count one half
    assert np.isnan(roc_auc(np.zeros(4), s))
    # ranking 0.8(+), 0.4(-), 0.35(+), 0.1(-): AP = 1/2 * 1 + 1/2 * 2/3
    assert average_precision(y, s) == pytest.approx(0.5 + 1 / 3)
    assert average_precision(y, np.ones(4)) == pytest.approx(0.5)  # one tie group: base rate
    assert precision_at_k(y, s, 1) == 1.0
    assert precision_at_k(y, s, 2) == 0.5


def test_backtest_on_a_toy_panel_and_errors():
    m = panel()
    bt = backtest(m, base=2000, end=2005, n_boot=30, seed=3, k=(1, 2), presence="manual")
    assert bt.summary["entries"] == 1
    assert bt.metrics.score.tolist() == ["density", "cog", "ubiquity", "random"]
    row = bt.metrics.set_index("score").loc["density"]
    assert row.roc_auc_low <= row.roc_auc <= row.roc_auc_high or np.isnan(row.roc_auc_low)
    again = backtest(m, base=2000, end=2005, n_boot=30, seed=3, k=(1, 2), presence="manual")
    pd.testing.assert_frame_equal(bt.metrics, again.metrics)  # seeded
    with pytest.raises(ValidationError, match="unknown score"):
        backtest(m, scores=("magic",))
    with pytest.raises(ValidationError, match="horizon"):
        backtest(m, base=2010)
    one = m.select(periods=[2000])
    with pytest.raises(ValidationError, match="two periods"):
        backtest(one)


def test_backtest_margins_by_hand():
    """An oracle that scores only the true entry: margins in ROC-AUC and region precision@1."""
    m = panel()

    def oracle(mm, p0, p1, pairs):
        return (pairs["region"].eq("r0") & pairs["activity"].eq("a1")).to_numpy(dtype=float)

    bt = backtest(
        m,
        base=2000,
        end=2005,
        n_boot=30,
        k=(1, 2),
        presence="manual",
        extra={"oracle": oracle},
        margins=[("oracle", ("density",)), ("oracle", ("density", "ubiquity"))],
    )
    met = bt.metrics.set_index("score")
    assert met.loc["oracle", "roc_auc"] == 1.0
    regions = bt.pairs["region"].nunique()
    # region r0 finds its entry first; every other region has none: 1 / regions
    assert met.loc["oracle", "region_precision_at_1"] == pytest.approx(1 / regions)
    mar = bt.margins.set_index(["score", "against", "metric"])
    assert len(mar) == 4  # two references x (ROC-AUC, region precision at the smallest k)
    auc = mar.loc[("oracle", "density", "roc_auc")]
    assert auc["margin"] == pytest.approx(1.0 - met.loc["density", "roc_auc"])
    p1 = mar.loc[("oracle", "max(density, ubiquity)", "region_precision_at_1")]
    best = met.loc[["density", "ubiquity"], "region_precision_at_1"].max()
    assert p1["margin"] == pytest.approx(1 / regions - best)
    assert p1["margin_low"] <= p1["margin"] <= p1["margin_high"]


@pytest.mark.slow
def test_backtest_on_real_panel_beats_random():
    """Relatedness density predicts entries in New Zealand's urban areas (as published)."""
    m = load("nz-urban-industry")
    bt = backtest(m, base=1976, end=2013, n_boot=50, seed=0)
    metrics = bt.metrics.set_index("score")
    assert metrics.loc["density", "roc_auc_low"] > 0.55
    assert abs(metrics.loc["random", "roc_auc"] - 0.5) < 0.05
    assert metrics.loc["density", "pr_auc"] > bt.summary["entry_rate"]


def test_framework_quadrants():
    m = load("us-state-industry")
    fw = framework(m)
    c = fw.candidates
    assert set(c.quadrant) <= set(QUADRANTS)
    hi_d = c.density >= c.density_cutoff
    hi_c = c.complexity >= c.complexity_cutoff
    assert (c.quadrant[hi_d & hi_c] == "high_density_high_complexity").all()
    assert (c.quadrant[~hi_d & ~hi_c] == "low_density_low_complexity").all()
    # per-region cut-off = the region's own mean
    one = c[c.region == c.region.iloc[0]]
    assert one.density_cutoff.iloc[0] == pytest.approx(one.density.mean())
    # every region keeps a row in the region view
    assert len(fw.regions) == m.n_regions
    counts = fw.regions[[f"n_{q}" for q in QUADRANTS]].sum(axis=1)
    assert (counts == fw.regions.candidates).all()
    fixed = framework(m, density_cutoff=0.3, complexity_cutoff=0.0, scope="period")
    assert (fixed.candidates.density_cutoff == 0.3).all()
    with pytest.raises(ValidationError, match="cutoff"):
        framework(m, density_cutoff="mode")
    table = fw.region(c.region.iloc[0])
    assert table.quadrant.iloc[0] in QUADRANTS


def test_complexity_intervals_contain_the_estimate():
    m = load("us-state-industry")
    ci = complexity_intervals(m, n_resamples=30, seed=1)
    r = ci.regions.dropna()
    assert (r.rank_low <= r["rank"] + 1e-9).mean() > 0.9
    assert (r.rank_high >= r["rank"] - 1e-9).mean() > 0.9
    again = complexity_intervals(m, n_resamples=30, seed=1)
    pd.testing.assert_frame_equal(ci.regions, again.regions)
    with pytest.raises(ValidationError, match="n_resamples"):
        complexity_intervals(m, n_resamples=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmartSpecWarning)
        assert len(ci.activities) == m.n_activities


MULTI_PERIOD = [
    "nz-urban-industry",
    "au-sa3-industry",
    "eu-h2020-sdg",
    "mx-tamaulipas",
    "eu-nuts2-ardeco",
    "eu-nuts2-sbs",
]


@pytest.mark.parametrize("name", MULTI_PERIOD)
def test_validate_runs_on_every_bundled_panel(name):
    m = load(name)
    assert m.n_periods > 1
    bt = backtest(m, n_boot=5, seed=0, k=(5,))
    assert bt.summary["at_risk"] > 0
    assert bt.metrics.roc_auc.notna().all()
