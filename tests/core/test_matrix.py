"""ActivityMatrix: construction, validation messages, views, aggregation, storage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec import ActivityMatrix, UnknownPeriodError, UnknownRegionError, ValidationError


@pytest.fixture
def long() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nuts": ["AT11", "AT11", "AT12", "AT12", "AT21", "AT21"] * 2,
            "nace": ["C10", "F41", "C10", "F41", "C10", "F41"] * 2,
            "year": [2014] * 6 + [2015] * 6,
            "emp": [10.0, 5.0, 0.0, 7.0, 3.0, 3.0, 11.0, 4.0, 1.0, 8.0, 2.0, 2.0],
        }
    )


def build(df: pd.DataFrame, **kw) -> ActivityMatrix:
    args = {"region": "nuts", "activity": "nace", "value": "emp", "period": "year"}
    args.update(kw)
    return ActivityMatrix.from_long(df, **args)


def test_from_long_labels_and_values(long):
    m = build(long)
    assert m.shape == (2, 3, 2)
    assert list(m.regions) == ["AT11", "AT12", "AT21"]
    assert list(m.activities) == ["C10", "F41"]
    assert list(m.periods) == [2014, 2015]
    assert m.value_name == "emp"
    assert m.frame(2015).loc["AT12", "F41"] == 8.0
    assert m.nnz == 11  # the explicit zero is not stored
    np.testing.assert_array_equal(m.to_dense()[0], [[10, 5], [0, 7], [3, 3]])


def test_without_period_all_rows_are_one_period(long):
    m = build(long[long.year == 2014], period=None)
    assert list(m.periods) == ["all"]
    assert m.sparse().shape == (3, 2)


def test_long_round_trip(long):
    m = build(long)
    back = m.to_long()
    nonzero = long[long.emp > 0].rename(
        columns={"year": "period", "nuts": "region", "nace": "activity", "emp": "value"}
    )
    pd.testing.assert_frame_equal(
        back.reset_index(drop=True),
        nonzero[["period", "region", "activity", "value"]].reset_index(drop=True),
    )
    assert len(m.to_long(zeros=True)) == 12


def test_immutable(long):
    m = build(long)
    with pytest.raises(AttributeError):
        m.regions = pd.Index(["x"])  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "kwargs", "words"),
    [
        (lambda d: d.drop(columns="emp"), {}, ["value column 'emp'", "columns"]),
        (lambda d: d.rename(columns={"emp": "empl"}), {}, ["did you mean 'empl'"]),
        (lambda d: d.iloc[:0], {}, ["empty", "0 rows"]),
        (
            lambda d: d.assign(emp=d.emp.astype(object).where(d.index != 3, "n/a")),
            {},
            ["numbers", "row 4", "'n/a'"],
        ),
        (lambda d: d.assign(emp=d.emp.where(d.index != 2)), {}, ["missing", "row 3"]),
        (lambda d: d.assign(emp=d.emp.where(d.index != 5, np.inf)), {}, ["finite", "row 6"]),
        (lambda d: d.assign(emp=d.emp.where(d.index != 1, -1.0)), {}, ["non-negative", "row 2"]),
        (lambda d: d.assign(nuts=d.nuts.where(d.index != 0)), {}, ["labels are missing", "row 1"]),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, ["more than one row", "duplicates='sum'"]),
        (lambda d: d[d.nuts == "AT11"], {}, ["at least two regions", "1 region"]),
        (lambda d: d[d.nace == "C10"], {}, ["two activities"]),
    ],
    ids=[
        "missing-column",
        "misnamed",
        "empty",
        "non-numeric",
        "nan",
        "inf",
        "negative",
        "missing-label",
        "duplicates",
        "one-region",
        "one-activity",
    ],
)
def test_bad_input_messages(long, change, kwargs, words):
    with pytest.raises(ValidationError) as err:
        build(change(long), **kwargs)
    msg = str(err.value)
    for w in words:
        assert w in msg, msg
    assert "expected" in msg and "found" in msg


def test_error_names_file_and_line(long):
    bad = long.assign(emp=long.emp.where(long.index != 4, -3.0))
    with pytest.raises(ValidationError, match=r"file 'emp\.csv', column 'emp', line 6"):
        build(bad, source="emp.csv", first_row=2, row_word="line")


def test_duplicates_can_be_aggregated(long):
    doubled = pd.concat([long, long.iloc[[0]]])
    assert build(doubled, duplicates="sum").frame(2014).loc["AT11", "C10"] == 20.0
    assert build(doubled, duplicates="mean").frame(2014).loc["AT11", "C10"] == 10.0
    with pytest.raises(ValidationError, match="unknown rule"):
        build(doubled, duplicates="median")


def test_same_column_for_two_roles(long):
    with pytest.raises(ValidationError, match="two roles"):
        build(long, activity="nuts")


def test_zero_rows_and_columns_are_kept_and_reported():
    m = ActivityMatrix.from_dense(
        [[1, 0, 2], [0, 0, 0], [3, 0, 1]], regions=["A", "B", "C"], activities=["x", "y", "z"]
    )
    assert m.n_regions == 3 and m.n_activities == 3
    empty = m.empty_cells()
    assert set(zip(empty.level, empty.label, strict=True)) == {("region", "B"), ("activity", "y")}


def test_select_and_unknown_labels(long):
    m = build(long)
    sub = m.select(periods=[2015], regions=["AT21", "AT11"])
    assert list(sub.regions) == ["AT21", "AT11"]
    assert sub.frame().loc["AT21", "C10"] == 2.0
    with pytest.raises(UnknownRegionError, match="ZZ99"):
        m.select(regions=["ZZ99"])
    with pytest.raises(UnknownPeriodError, match="1999"):
        m.sparse(1999)
    with pytest.raises(UnknownPeriodError, match="several periods"):
        m.frame()
    assert m.period_position("2015") == 1  # as typed on a command line


def test_aggregate_by_prefix_mapping_and_callable(long):
    m = build(long)
    by_prefix = m.aggregate(region=3)
    assert list(by_prefix.regions) == ["AT1", "AT2"]
    assert by_prefix.frame(2014).loc["AT1", "C10"] == 10.0
    sections = {"C10": "C", "F41": "F"}
    assert list(m.aggregate(activity=sections).activities) == ["C", "F"]
    assert m.aggregate(activity=lambda code: code[0]).equals(m.aggregate(activity=sections))
    # totals are preserved
    assert by_prefix.data.sum() == pytest.approx(m.data.sum())
    with pytest.raises(ValidationError, match="1 region"):
        m.aggregate(region=2)  # everything in one country: nothing to compare


def test_aggregate_unmapped(long):
    m = build(long)
    with pytest.raises(ValidationError, match="F41"):
        m.aggregate(activity={"C10": "C"})
    kept = m.aggregate(activity={"C10": "C"}, unmapped="keep")
    assert list(kept.activities) == ["C", "F41"]


def test_parquet_round_trip(tmp_path, long):
    m = build(long)
    path = tmp_path / "m.parquet"
    m.to_parquet(path)
    back = ActivityMatrix.read_parquet(path)
    assert back.equals(m)
    assert back.periods.tolist() == [2014, 2015]


def test_read_parquet_refuses_foreign_files(tmp_path, long):
    path = tmp_path / "plain.parquet"
    long.to_parquet(path)
    with pytest.raises(ValidationError, match="not a smartspec matrix"):
        ActivityMatrix.read_parquet(path)


def test_from_dense_checks():
    with pytest.raises(ValidationError, match="negative"):
        ActivityMatrix.from_dense([[1, -1], [1, 1]], regions=["a", "b"], activities=["x", "y"])
    with pytest.raises(ValidationError, match="labels do not fit"):
        ActivityMatrix.from_dense([[1, 1], [1, 1]], regions=["a"], activities=["x", "y"])
    with pytest.raises(ValidationError, match="unique"):
        ActivityMatrix.from_dense([[1, 1], [1, 1]], regions=["a", "a"], activities=["x", "y"])
