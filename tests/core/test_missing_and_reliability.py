"""Missing (suppressed) cells, regions without data, small-count reliability and the income
sign anchor: hand-computed cases and the bundled datasets."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from smartspec import ActivityMatrix, ValidationError, analyse
from smartspec.core.reliability import rca_bounds, rca_reliability
from smartspec.datasets import info, load


def _toy(missing: bool = True) -> ActivityMatrix:
    rows = [
        ("A", "x", 10.0),
        ("A", "y", 5.0),
        ("A", "z", np.nan if missing else 0.0),
        ("B", "x", 2.0),
        ("B", "y", 8.0),
        ("B", "z", 6.0),
        ("C", "x", 4.0),
        ("C", "y", 1.0),
        ("C", "z", 9.0),
    ]
    df = pd.DataFrame(rows, columns=["r", "a", "v"])
    return ActivityMatrix.from_long(df, region="r", activity="a", value="v", missing="flag")


def test_empty_values_are_refused_unless_flagged() -> None:
    df = pd.DataFrame(
        {"r": ["A", "A", "B", "B"], "a": ["x", "y", "x", "y"], "v": [1.0, None, 3.0, 2.0]}
    )
    with pytest.raises(ValidationError, match="missing"):
        ActivityMatrix.from_long(df, region="r", activity="a", value="v")
    m = ActivityMatrix.from_long(df, region="r", activity="a", value="v", missing="flag")
    assert m.n_missing == 1 and m.nnz == 3
    assert m.missing_cells().to_dict("records") == [
        {"period": "all", "region": "A", "activity": "y"}
    ]
    with pytest.raises(ValidationError, match="'error' or 'flag'"):
        ActivityMatrix.from_long(df, region="r", activity="a", value="v", missing="zero")


def test_a_cell_cannot_be_both_valued_and_missing() -> None:
    m = _toy()
    with pytest.raises(ValidationError, match="both hold a value and be missing"):
        ActivityMatrix(m.data, m.regions, m.activities, m.periods, missing=m.data != 0)


def test_missing_cells_survive_select_aggregate_and_parquet(tmp_path) -> None:
    m = _toy()
    assert m.select(regions=["A", "B"]).n_missing == 1
    assert m.select(regions=["B", "C"]).n_missing == 0
    # A's z is missing, but merged with B's z (6) the parent cell has a value (a lower bound)
    merged = m.aggregate(region={"A": "AB", "B": "AB", "C": "C"})
    assert merged.n_missing == 0 and merged.frame().loc["AB", "z"] == 6.0
    m.to_parquet(tmp_path / "m.parquet")
    back = ActivityMatrix.read_parquet(tmp_path / "m.parquet")
    assert back.equals(m) and back.n_missing == 1
    assert not back.equals(_toy(missing=False))


def test_rca_is_nan_at_missing_cells_and_the_rest_is_computed_without_them() -> None:
    m = _toy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cells = analyse(m).cells.set_index(["region", "activity"])
    assert cells.loc[("A", "z"), "missing"] and np.isnan(cells.loc[("A", "z"), "rca"])
    assert np.isnan(cells.loc[("A", "z"), "value"]) and cells.loc[("A", "z"), "presence"] == 0
    # by hand: total 45, A has 15, x has 16: RCA(A, x) = (10 / 15) / (16 / 45)
    assert cells.loc[("A", "x"), "rca"] == pytest.approx((10 / 15) / (16 / 45))
    assert not cells.loc[("B", "z"), "missing"]


def test_missing_cells_are_never_opportunities() -> None:
    m = _toy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prof = analyse(m).region_profile("A", reliable_only=False)
    assert "z" not in set(prof.opportunities["activity"])
    assert prof.missing_share == pytest.approx(1 / 3)
    assert any("suppressed" in n for n in prof.notices)


def test_a_region_without_data_gets_no_recommendations() -> None:
    values = np.array([[[5, 3, 0], [1, 4, 6], [2, 2, 2]], [[0, 0, 0], [1, 4, 6], [2, 2, 3]]])
    m = ActivityMatrix.from_dense(
        values, regions=["A", "B", "C"], activities=["x", "y", "z"], periods=[2020, 2021]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = analyse(m)
    prof = ev.region_profile("A", period=2021, reliable_only=False)
    assert not prof.has_data
    assert prof.specialisations.empty and prof.opportunities.empty
    assert prof.notices[0].startswith("no data for region A in period 2021")
    assert ev.region_profile("A", period=2020, reliable_only=False).has_data
    assert m.coverage()["complete"].tolist() == [True, False]


def test_rca_bounds_by_hand() -> None:
    # one region of 300 with 3 units of an activity of 1,000 out of 250,000
    x = np.array([[3.0, 297.0], [997.0, 248703.0]])
    low, high, ok = rca_bounds(x)
    scale = 250000 / (300 * 1000)
    # exact Poisson (Garwood) 95% interval for 3 counts: [0.6187, 8.7673]
    assert low[0, 0] == pytest.approx(0.61867 * scale, rel=1e-4)
    assert high[0, 0] == pytest.approx(8.76727 * scale, rel=1e-4)
    assert not ok[0, 0]
    assert ok[1, 1]  # a large count
    # thousands of persons: 3.0 thousand is 3,000 persons, reliable
    assert rca_bounds(x, count_unit=1000)[2][0, 0]
    # values that are not counts: no interval, every cell with data reliable
    low, high, ok = rca_bounds(x, count_unit=None)
    assert np.isnan(low).all() and ok.all()
    with pytest.raises(ValidationError, match="count_unit"):
        rca_bounds(x, count_unit=0)


def test_rca_reliability_marks_missing_cells_unreliable() -> None:
    table = rca_reliability(_toy()).set_index(["region", "activity"])
    assert not table.loc[("A", "z"), "reliable"]
    assert np.isnan(table.loc[("A", "z"), "rca_low"])


def test_unreliable_cells_are_hidden_by_default_and_counted() -> None:
    m = load("eu-h2020-sdg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = analyse(m)
    region = m.regions[0]
    shown = ev.region_profile(region, top=100)
    every = ev.region_profile(region, top=100, reliable_only=False)
    assert shown.specialisations["reliable"].all() and shown.opportunities["reliable"].all()
    assert len(every.specialisations) + len(every.opportunities) == (
        len(shown.specialisations) + len(shown.opportunities) + shown.hidden
    )


def test_bundled_suppressed_cells_are_missing_not_zero() -> None:
    mx = load("mx-tamaulipas")
    assert mx.n_missing == info("mx-tamaulipas").n_missing == 933
    sbs = load("eu-nuts2-sbs")
    assert sbs.n_missing == info("eu-nuts2-sbs").n_missing > 10_000
    cov = sbs.coverage().set_index("period")
    assert not cov.loc[2015, "complete"] and cov.loc[2014, "complete"]


def test_income_sign_anchor_makes_eci_follow_income() -> None:
    m = load("eu-nuts2-ardeco", periods=[2015])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = analyse(m)
        # a synthetic "income" that is minus the diversity-rule ECI: the anchor must flip
        eci = plain.regions.set_index("region")["eci"].dropna()
        income = pd.Series(100.0 - eci.to_numpy(), index=eci.index)
        anchored = analyse(m, sign="income", income=income)
    a = anchored.regions.set_index("region")["eci"].dropna()
    assert np.allclose(a.to_numpy(), -eci.reindex(a.index).to_numpy())
    diag = anchored.diagnostics.iloc[0]
    assert diag["sign_rule"] == "income" and diag["income_correlation"] > 0.99
    assert anchored.settings["sign"] == "income"
    with pytest.raises(ValidationError, match="needs an income series"):
        analyse(m, sign="income")
    with pytest.raises(ValidationError, match="unknown sign rule"):
        analyse(m, sign="gdp")
