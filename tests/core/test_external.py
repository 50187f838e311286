"""external_validity / correlation_interval: hand-computed toys, scipy's values, period
matching, edge cases, and the coverage of the interval in a seeded simulation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from smartspec import ValidationError
from smartspec.core.external import correlation_interval, external_validity


def by_period(values: dict[int, list[float]], regions: str = "ABCDEFGH") -> pd.Series:
    rows = [(p, r, v) for p, vs in values.items() for r, v in zip(regions, vs, strict=False)]
    frame = pd.DataFrame(rows, columns=["period", "region", "value"])
    return frame.set_index(["period", "region"])["value"]


def test_hand_computed_spearman_and_interval():
    # ranks differ by 1 in four places: rho = 1 - 6 * 4 / (5 * 24) = 0.8
    n, rho, low, high, p, reason = correlation_interval([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert (n, reason) == (5, "")
    assert rho == pytest.approx(0.8, abs=1e-12)
    # Fisher z with the Bonett-Wright standard error, written out
    z, se, q = math.atanh(0.8), math.sqrt((1 + 0.8**2 / 2) / (5 - 3)), 1.959963984540054
    assert low == pytest.approx(math.tanh(z - q * se), abs=1e-12)
    assert high == pytest.approx(math.tanh(z + q * se), abs=1e-12)
    assert (round(low, 4), round(high, 4)) == (-0.4571, 0.9908)
    # t = 0.8 sqrt(3 / 0.36) = 2.3094, two-sided with 3 df
    assert p == pytest.approx(2 * stats.t.sf(0.8 * math.sqrt(3 / 0.36), 3), abs=1e-12)
    assert p == pytest.approx(0.1041, abs=1e-4)


def test_hand_computed_pearson_interval():
    x, y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]
    n, r, low, high, _, _ = correlation_interval(x, y, method="pearson", level=0.9)
    assert r == pytest.approx(np.corrcoef(x, y)[0, 1])
    z, se, q = math.atanh(r), 1 / math.sqrt(n - 3), stats.norm.ppf(0.95)
    assert (low, high) == pytest.approx((math.tanh(z - q * se), math.tanh(z + q * se)))


def test_against_scipy_with_ties():
    rng = np.random.default_rng(7)
    for size in (8, 30, 200):
        x = rng.integers(0, 6, size).astype(float)  # many ties
        y = x + rng.normal(0, 2, size).round()
        n, rho, _, _, p, _ = correlation_interval(x, y)
        ref = stats.spearmanr(x, y)
        assert n == size
        assert rho == pytest.approx(ref.statistic, abs=1e-12)
        assert p == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)
        _, r, _, _, pp, _ = correlation_interval(x, y, method="pearson")
        ref = stats.pearsonr(x, y)
        assert r == pytest.approx(ref.statistic, abs=1e-12)
        assert pp == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300)


def test_nan_small_and_constant_samples():
    n, rho, low, high, p, reason = correlation_interval(
        [1, 2, np.nan, 4, 5], [1, 2, 3, np.nan, np.inf]
    )
    assert n == 2 and reason == "fewer than 4 regions with both values (2)"
    assert all(math.isnan(v) for v in (rho, low, high, p))
    *_, reason = correlation_interval([1, 1, 1, 1, 1], [1, 2, 3, 4, 5])
    assert reason == "no variation in the score or the series"
    # a perfect correlation: the interval collapses, p = 0
    _, rho, low, high, p, _ = correlation_interval([1, 2, 3, 4], [10, 20, 30, 40])
    assert (rho, low, high, p) == (1.0, 1.0, 1.0, 0.0)


def test_per_period_with_nan_scores_and_nearest_series_year():
    scores = by_period({2010: [3, 1, 2, np.nan, 5, 4], 2012: [1, 2, 3, 4, 5, 6]})
    series = by_period({2009: [30, 10, 20, 99, 50, 40], 2013: [6, 5, 4, 3, 2, 1]})
    out = external_validity(scores, series)
    assert list(out.columns) == [
        "period",
        "series_period",
        "n",
        "rho",
        "low",
        "high",
        "p_value",
        "reason",
    ]
    first, second = out.to_dict("records")
    # 2010: 2009 is nearer than 2013; region D has no ECI and is left out
    assert (first["period"], first["series_period"], first["n"]) == (2010, 2009, 5)
    assert first["rho"] == pytest.approx(1.0)
    # 2012: 2013 is nearer
    assert (second["series_period"], second["n"], second["rho"]) == (2013, 6, pytest.approx(-1))


def test_equal_distance_takes_the_earlier_year_and_max_gap():
    scores = by_period({2010: [1, 2, 3, 4, 5]})
    series = by_period({2008: [1, 2, 3, 4, 5], 2012: [5, 4, 3, 2, 1]})
    out = external_validity(scores, series)
    assert out.loc[0, "series_period"] == 2008 and out.loc[0, "rho"] == pytest.approx(1)
    out = external_validity(scores, series, max_gap=1)
    assert out.loc[0, "series_period"] is None and math.isnan(out.loc[0, "rho"])
    assert out.loc[0, "n"] == 0 and "more than 1 away" in out.loc[0, "reason"]


def test_tables_and_series_without_periods():
    regions = pd.DataFrame(
        {
            "period": [2020] * 5,
            "region": list("ABCDE"),
            "diversity": [1, 2, 3, 4, 5],
            "eci": [0.5, -0.2, 0.1, 0.9, -1.0],
        }
    )
    income = pd.Series([5.0, 2.0, 3.0, 9.0, 1.0], index=list("ABCDE"))
    out = external_validity(regions, income, score_column="eci")
    assert out.loc[0, "series_period"] is None and out.loc[0, "rho"] == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="which column"):
        external_validity(regions, income)
    with pytest.raises(ValidationError, match="not in the score table"):
        external_validity(regions, income, score_column="ECI")
    with pytest.raises(ValidationError, match="unknown correlation method"):
        external_validity(regions, income, score_column="eci", method="kendall")
    with pytest.raises(ValidationError, match="strictly between 0 and 1"):
        external_validity(regions, income, score_column="eci", level=95)


def test_repeated_keys_are_rejected():
    scores = pd.Series([1.0, 2.0], index=pd.MultiIndex.from_tuples([(1, "A"), (1, "A")]))
    with pytest.raises(ValidationError, match="repeated keys"):
        external_validity(scores, scores)


def test_interval_covers_the_true_rank_correlation():
    # bivariate normal with Pearson rho 0.5: Spearman's population value is 6/pi asin(rho/2)
    rng = np.random.default_rng(2024)
    true = 6 / math.pi * math.asin(0.5 / 2)
    cov = [[1, 0.5], [0.5, 1]]
    hits = 0
    reps = 1000
    for _ in range(reps):
        x, y = rng.multivariate_normal([0, 0], cov, size=60).T
        _, _, low, high, _, _ = correlation_interval(x, y)
        hits += low <= true <= high
    assert 0.93 <= hits / reps <= 0.975


def test_eci_of_ardeco_ranks_like_gdp_per_head():
    import smartspec as ss
    from smartspec.datasets import context, load

    m = load("eu-nuts2-ardeco", periods=[2015])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regions = ss.analyse(m).regions
    out = external_validity(
        regions, context("eu-nuts2-ardeco"), score_column="eci", series_column="gdp_per_head"
    )
    row = out.iloc[0]
    assert row["series_period"] == 2015 and row["n"] == 270
    assert 0.5 < row["low"] < row["rho"] < row["high"]
