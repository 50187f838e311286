"""Reading long tables from files, and the atomic table writer."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix
from smartspec.io import read_population, read_table, write_json, write_tables
from smartspec.io.readers import _load

COLS = {"region": "nuts", "activity": "nace", "value": "jobs"}


@pytest.fixture
def long() -> pd.DataFrame:
    """Two periods, three regions, three activities with leading-zero codes."""
    rows = []
    for year in (2019, 2020):
        for i, region in enumerate(["AT11", "AT12", "NA"]):
            for j, act in enumerate(["01", "02", "10"]):
                rows.append((year, region, act, float(1 + i * 3 + j + (year - 2019) * 0.5)))
    return pd.DataFrame(rows, columns=["year", "nuts", "nace", "jobs"])


def expected_matrix(long: pd.DataFrame) -> ActivityMatrix:
    return ActivityMatrix.from_long(long, **COLS, period="year")


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **kwargs: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_table(path, **{**COLS, **kwargs})  # type: ignore[arg-type]
    return info.value


# ------------------------------------------------------------------------------- round trips
@pytest.mark.parametrize(
    ("name", "sep"), [("t.csv", ","), ("t.csv", ";"), ("t.tsv", "\t"), ("t.txt", "|")]
)
def test_text_round_trip(tmp_path: Path, long: pd.DataFrame, name: str, sep: str) -> None:
    path = tmp_path / name
    long.to_csv(path, sep=sep, index=False)
    m = read_table(path, **COLS, period="year")
    assert m.equals(expected_matrix(long))
    assert m.source == name
    assert list(m.activities) == ["01", "02", "10"]
    assert list(m.periods) == [2019, 2020]
    assert m.periods.dtype.kind == "i"


def test_csv_gz_round_trip(tmp_path: Path, long: pd.DataFrame) -> None:
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        long.to_csv(fh, sep=";", index=False)
    m = read_table(path, **COLS, period="year")
    assert m.equals(expected_matrix(long))


def test_parquet_round_trip(tmp_path: Path, long: pd.DataFrame) -> None:
    path = tmp_path / "t.parquet"
    long.to_parquet(path, index=False)
    m = read_table(path, **COLS, period="year")
    assert m.equals(expected_matrix(long))


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_workbook_round_trip(tmp_path: Path, long: pd.DataFrame, suffix: str) -> None:
    path = tmp_path / f"t{suffix}"
    if suffix == ".ods":
        pytest.importorskip("odf")
    with pd.ExcelWriter(path) as writer:
        long.iloc[[0, 1, 3, 4]].to_excel(writer, sheet_name="Notes", index=False)
        long.to_excel(writer, sheet_name="Employment", index=False)
    m = read_table(path, **COLS, period="year", sheet="Employment")
    assert m.equals(expected_matrix(long))
    assert m.source == f"t{suffix}[Employment]"
    first = read_table(path, **COLS, period="year")  # the first sheet by default
    assert first.source == f"t{suffix}[Notes]"


def test_numeric_codes_in_a_workbook_have_no_decimal_point(tmp_path: Path) -> None:
    df = pd.DataFrame({"nuts": [111, 111, 112, 112], "nace": [1, 2, 1, 2], "jobs": [1, 2, 3, 4]})
    path = tmp_path / "n.xlsx"
    df.to_excel(path, index=False)
    m = read_table(path, **COLS)
    assert list(m.regions) == ["111", "112"]
    assert list(m.activities) == ["1", "2"]


def test_format_given_explicitly(tmp_path: Path, long: pd.DataFrame) -> None:
    path = tmp_path / "export.dat"
    long.to_csv(path, index=False)
    assert read_table(path, **COLS, period="year", format="csv").equals(expected_matrix(long))


def test_leading_zeros_and_na_codes_are_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "z.csv", "nuts,nace,jobs\nNA,01,5\nNA,002,1\n007,01,7\n007,002,2\n")
    m = read_table(path, **COLS)
    assert list(m.regions) == ["007", "NA"]
    assert list(m.activities) == ["002", "01"]
    assert list(m.periods) == ["all"]


def test_text_periods_stay_text(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "q.csv",
        "q,nuts,nace,jobs\n2020Q1,A,x,1\n2020Q1,B,y,2\n2020Q2,A,x,1\n2020Q2,B,y,2\n",
    )
    m = read_table(path, **COLS, period="q")
    assert list(m.periods) == ["2020Q1", "2020Q2"]


def test_bom_and_latin1_files(tmp_path: Path) -> None:
    text = "nuts;nace;jobs\nZürich;01;5\nZürich;02;1\nBern;01;7\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("cp1252"))
    for path in (bom, latin):
        m = read_table(path, **COLS)
        assert list(m.regions) == ["Bern", "Zürich"]


def test_duplicates_sum(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", "nuts,nace,jobs\nA,x,1\nA,x,2\nB,y,3\nA,y,1\n")
    m = read_table(path, **COLS, duplicates="sum")
    assert m.frame().loc["A", "x"] == 3.0


# ------------------------------------------------------------------------------- bad input
def test_missing_column_suggests_a_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "nuts,nace,jobs\nA,x,1\nB,y,2\n")
    err = error_of(path, region="nut")
    assert "c.csv" in str(err)
    assert "'nut'" in str(err)
    assert "did you mean 'nuts'" in str(err)


def test_non_numeric_value_names_file_column_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "v.csv", "nuts,nace,jobs\nA,x,1\nA,y,2\nB,x,12 (e)\nB,y,4\n")
    err = error_of(path)
    assert err.where == "file 'v.csv', column 'jobs', line 4"
    assert "12 (e)" in str(err)


def test_missing_value_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", "nuts,nace,jobs\nA,x,1\nA,y,\nB,x,NA\nB,y,4\n")
    err = error_of(path)
    assert "missing" in err.problem
    assert err.where == "file 'n.csv', column 'jobs', lines 3, 4"


def test_negative_value_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "neg.csv", "nuts,nace,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,-4\n")
    err = error_of(path)
    assert "non-negative" in err.problem
    assert err.where == "file 'neg.csv', column 'jobs', line 5"


def test_missing_label_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", "nuts,nace,jobs\nA,x,1\n,y,2\nB,x,3\nB,y,4\n")
    err = error_of(path)
    assert err.where == "file 'l.csv', column 'nuts', line 3"


def test_duplicates_refused_by_default(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", "nuts,nace,jobs\nA,x,1\nA,y,2\nA,x,2\nB,y,3\n")
    err = error_of(path)
    assert "more than one row" in err.problem
    assert err.where == "file 'd.csv', lines 2, 4"
    assert "duplicates='sum'" in (err.fix or "")


def test_workbook_errors_name_sheet_and_row(tmp_path: Path) -> None:
    df = pd.DataFrame({"nuts": ["A", "A", "B", "B"], "nace": list("xyxy"), "jobs": [1, 2, -3, 4]})
    path = tmp_path / "w.xlsx"
    df.to_excel(path, index=False, sheet_name="Jobs")
    err = error_of(path)
    assert err.where == "file 'w.xlsx[Jobs]', column 'jobs', row 4"


def test_missing_sheet(tmp_path: Path, long: pd.DataFrame) -> None:
    path = tmp_path / "s.xlsx"
    long.to_excel(path, index=False, sheet_name="Employment")
    err = error_of(path, sheet="employment")
    assert "sheet 'employment'" in err.problem
    assert "s.xlsx" in str(err)
    assert "did you mean 'Employment'" in (err.fix or "")


def test_sheet_for_a_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "nuts,nace,jobs\nA,x,1\nB,y,2\n")
    assert "no sheets" in error_of(path, sheet="x").problem


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "e.csv", text)
    err = error_of(path)
    assert err.problem == "the file is empty"
    assert "e.csv" in str(err)


def test_header_only_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "nuts,nace,jobs\n")
    err = error_of(path)
    assert "empty" in err.problem
    assert "h.csv" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "jobs.csv", "nuts,nace,jobs\n")
    err = error_of(tmp_path / "job.csv")
    assert err.problem == "the file does not exist"
    assert "job.csv" in str(err)
    assert "jobs.csv" in (err.fix or "")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert "not a file" in error_of(tmp_path).problem


def test_unknown_extension(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.json", "{}")
    err = error_of(path)
    assert "format" in err.problem
    assert "data.json" in str(err)
    assert ".csv" in (err.expected or "")


def test_unknown_format_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.csv", "nuts,nace,jobs\n")
    assert "unknown file format" in error_of(path, format="json").problem


@pytest.mark.parametrize("name", ["broken.parquet", "broken.xlsx", "broken.csv.gz"])
def test_unreadable_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not what the name says\x00\x01")
    err = error_of(path)
    assert "cannot be read" in err.problem
    assert name in str(err)


def test_ragged_line_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "nuts,nace,jobs\nA,x,1\nA,y,2,3\nB,x,3\n")
    err = error_of(path)
    assert err.where == "file 'r.csv', line 3"


# ------------------------------------------------------------------------------- population
def test_read_population(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pop.csv", "nuts,pop\n01,100\n02,250.5\n")
    pop = read_population(path, region="nuts", value="pop")
    assert pop.name == "population"
    assert pop.index.name == "region"
    assert pop.to_dict() == {"01": 100.0, "02": 250.5}


def test_read_population_by_period(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pop.csv", "y;nuts;pop\n2019;A;1\n2019;B;2\n2020;A;3\n")
    pop = read_population(path, region="nuts", value="pop", period="y")
    assert list(pop.index.names) == ["period", "region"]
    assert pop[(2020, "A")] == 3.0


@pytest.mark.parametrize(
    ("body", "problem", "where"),
    [
        ("A,1\nB,0\n", "positive", "column 'pop', line 3"),
        ("A,1\nB,-2\n", "positive", "column 'pop', line 3"),
        ("A,1\nB,many\n", "numbers", "column 'pop', line 3"),
        ("A,1\nB,\n", "missing", "column 'pop', line 3"),
        ("A,1\nA,2\n", "more than one row", "lines 2, 3"),
    ],
)
def test_population_errors(tmp_path: Path, body: str, problem: str, where: str) -> None:
    path = write_csv(tmp_path / "pop.csv", "nuts,pop\n" + body)
    with pytest.raises(ValidationError) as info:
        read_population(path, region="nuts", value="pop")
    assert problem in info.value.problem
    assert info.value.where == f"file 'pop.csv', {where}"


def test_population_missing_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pop.csv", "nuts,population\nA,1\n")
    with pytest.raises(ValidationError, match="did you mean 'population'"):
        read_population(path, region="nuts", value="populaton")


# ------------------------------------------------------------------------------- writers
def test_write_tables_csv_full_precision(tmp_path: Path) -> None:
    x = 0.1 + 0.2
    frame = pd.DataFrame({"region": ["01", "02"], "eci": [x, np.nan]})
    paths = write_tables({"regions": frame}, tmp_path / "new" / "dir")
    assert [p.name for p in paths] == ["regions.csv"]
    back = pd.read_csv(paths[0], dtype={"region": str}, float_precision="round_trip")
    assert back["eci"].iloc[0] == x
    assert np.isnan(back["eci"].iloc[1])
    assert list(back["region"]) == ["01", "02"]
    assert sorted(os.listdir(tmp_path / "new" / "dir")) == ["regions.csv"]


def test_write_tables_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame({"period": [2019, 2019], "label": [1, "A"], "v": [1.5, 2.5]})
    paths = write_tables({"t": frame, "u": frame.head(1)}, tmp_path, format="parquet")
    assert [p.name for p in paths] == ["t.parquet", "u.parquet"]
    back = pd.read_parquet(paths[0])
    assert list(back["label"]) == ["1", "A"]
    assert back["v"].tolist() == [1.5, 2.5]


class Exploding(pd.DataFrame):
    """A frame that fails half-way through being written."""

    def to_csv(self, path, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        Path(path).write_text("period,region\n2019,")
        raise OSError("disk full")


def test_writer_leaves_nothing_half_written(tmp_path: Path) -> None:
    old = tmp_path / "a.csv"
    old.write_text("old\n")
    good = pd.DataFrame({"x": [1.0]})
    bad = Exploding({"x": [1.0]})
    with pytest.raises(OSError, match="disk full"):
        write_tables({"a": good, "b": bad}, tmp_path)
    # no temporary files, no partial 'b.csv', and 'a.csv' not replaced by this failed call
    assert sorted(os.listdir(tmp_path)) == ["a.csv"]
    assert old.read_text() == "old\n"


def test_writer_refuses_bad_names_and_formats(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1]})
    with pytest.raises(ValidationError):
        write_tables({"../x": frame}, tmp_path)
    with pytest.raises(ValidationError):
        write_tables({"x": frame}, tmp_path, format="xlsx")  # type: ignore[arg-type]
    (tmp_path / "file").write_text("")
    with pytest.raises(ValidationError, match="not a folder"):
        write_tables({"x": frame}, tmp_path / "file")


def test_write_json_is_strict(tmp_path: Path) -> None:
    import json

    path = write_json(
        {"a": np.float64("nan"), "b": np.int64(3), "c": pd.DataFrame({"x": [1.5]})},
        tmp_path / "run.json",
    )
    assert json.loads(path.read_text()) == {"a": None, "b": 3, "c": [{"x": 1.5}]}
    assert os.listdir(tmp_path) == ["run.json"]


def test_csv_values_are_read_exactly(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", "nuts,nace,jobs\nA,x,0.30000000000000004\nB,y,2\n")
    assert read_table(path, **COLS).frame().loc["A", "x"] == 0.1 + 0.2


# ------------------------------------------------- labels factorised once per distinct value
# ``read_table`` cleans each distinct label once (categorical columns by their categories) and
# hands ``from_long`` categorical columns; before, every cell was cleaned into a Python string.
# The reference below is that previous behaviour, kept here to pin the equivalence.
def previous_label(x: object) -> object:
    """One cell as the reader cleaned it before (the row-by-row rule)."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return np.nan
    if isinstance(x, float | np.floating) and float(x).is_integer():
        return str(int(x))
    if isinstance(x, bytes):
        return x.decode("utf-8", errors="replace")
    return str(x).strip()


def previous_labels(col: pd.Series) -> pd.Series:
    out = col.map(previous_label).astype(object)
    return out.where(out.ne(""), np.nan)


def previous_periods(col: pd.Series) -> pd.Series:
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(np.int64) if not col.isna().any() else col
    labels = previous_labels(col)
    present = labels.dropna()
    if len(present) and present.map(lambda s: bool(re.match(r"^[+-]?(0|[1-9][0-9]*)$", s))).all():
        as_int = pd.Series(np.nan, index=labels.index, dtype=object)
        as_int[present.index] = [int(s) for s in present]
        return as_int if labels.isna().any() else as_int.astype(np.int64)
    return labels


def previous_read(path: Path, *, period: str | None = None, duplicates: str = "error") -> object:
    """``read_table`` as it was: the matrix, or the ValidationError it raised."""
    labels = [c for c in (COLS["region"], COLS["activity"], period) if c is not None]
    frame, source, first_row, row_word = _load(
        path, labels=labels, value=COLS["value"], sheet=None, format=None
    )
    for col in (COLS["region"], COLS["activity"]):
        if col in frame.columns:
            frame[col] = previous_labels(frame[col])
    if period is not None and period in frame.columns:
        frame[period] = previous_periods(frame[period])
    try:
        return ActivityMatrix.from_long(
            frame,
            **COLS,
            period=period,
            duplicates=duplicates,  # type: ignore[arg-type]
            source=source,
            first_row=first_row,
            row_word=row_word,
        )
    except ValidationError as exc:
        return exc


def current_read(path: Path, *, period: str | None = None, duplicates: str = "error") -> object:
    try:
        return read_table(path, **COLS, period=period, duplicates=duplicates)  # type: ignore[arg-type]
    except ValidationError as exc:
        return exc


def assert_same_result(new: object, old: object) -> None:
    """Same matrix (labels, their order and dtype, values), or the same error message."""
    if isinstance(old, ValidationError):
        assert isinstance(new, ValidationError), new
        assert str(new) == str(old)
        return
    assert isinstance(new, ActivityMatrix) and isinstance(old, ActivityMatrix)
    assert new.equals(old)
    for axis in ("regions", "activities", "periods"):
        got, want = getattr(new, axis), getattr(old, axis)
        assert list(got) == list(want)
        assert [type(x) for x in got] == [type(x) for x in want]
        assert got.dtype == want.dtype
    assert new.source == old.source


# Labels that look like numbers, that differ only by blanks (" A" and "A" are one label), the
# Namibia code, and an order of appearance that is not the sorted order.
TRICKY_REGIONS = ["1.0", "01", "1", " A", "NA", "A", "10", "B"]
TRICKY_ACTIVITIES = ["x", "01", "1.0", "2"]


def tricky_long(period_values: list[object]) -> pd.DataFrame:
    """One row per (period, region, activity), rows shuffled; " A" and "A" are distinct cells
    only through different activities, so that the table has no repeated key once cleaned."""
    rows = []
    for p in period_values:
        for i, region in enumerate(TRICKY_REGIONS):
            for j, act in enumerate(TRICKY_ACTIVITIES):
                if region.strip() == "A" and (j % 2) != (region == "A"):
                    continue
                rows.append((p, region, act, float(1 + 3 * i + j)))
    frame = pd.DataFrame(rows, columns=["year", "nuts", "nace", "jobs"])
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)


def as_kind(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The table with its label columns categorical, text or object."""
    out = frame.copy()
    for col in ("nuts", "nace"):
        if kind == "categorical":
            out[col] = pd.Categorical(
                out[col].to_numpy(dtype=object), categories=sorted({*out[col].dropna(), "unused"})
            )
        elif kind == "string":
            out[col] = out[col].astype("string")
        else:
            out[col] = out[col].astype(object)
    return out


def write_as(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


KINDS = ["categorical", "string", "object"]
SUFFIXES = [".parquet", ".csv"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(
    "periods", [[2019, 2020], ["2019", "2020"], ["2020Q1", "2020Q2"], ["+7", "7", "08"]]
)
def test_factorised_labels_read_as_before(
    tmp_path: Path, kind: str, suffix: str, periods: list[object]
) -> None:
    frame = tricky_long(periods)
    if kind == "categorical" and isinstance(periods[0], str):
        frame["year"] = frame["year"].astype("category")
    path = write_as(as_kind(frame, kind), tmp_path / f"t{suffix}")
    new = current_read(path, period="year")
    assert_same_result(new, previous_read(path, period="year"))
    assert isinstance(new, ActivityMatrix)
    assert list(new.regions) == ["01", "1", "1.0", "10", "A", "B", "NA"]
    assert list(new.activities) == ["01", "1.0", "2", "x"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_missing_labels_still_refused(
    tmp_path: Path, kind: str, suffix: str, blank: object
) -> None:
    frame = tricky_long([2019, 2020])
    frame.loc[[3, 11], "nuts"] = blank
    path = write_as(as_kind(frame, kind), tmp_path / f"m{suffix}")
    new = current_read(path, period="year")
    assert isinstance(new, ValidationError)
    assert new.problem == "labels are missing"
    row = "line" if suffix == ".csv" else "row"
    first = 2 if suffix == ".csv" else 1
    assert new.where == f"file 'm{suffix}', column 'nuts', {row}s {3 + first}, {11 + first}"
    assert_same_result(new, previous_read(path, period="year"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("duplicates", ["error", "sum"])
def test_labels_merged_by_cleaning_repeat_keys_as_before(
    tmp_path: Path, kind: str, suffix: str, duplicates: str
) -> None:
    # " A" and "A" with the same activity and period are one key once cleaned
    frame = tricky_long([2019])
    extra = frame[frame["nuts"] == "A"].assign(nuts=" A ")
    frame = pd.concat([frame, extra], ignore_index=True)
    path = write_as(as_kind(frame, kind), tmp_path / f"d{suffix}")
    new = current_read(path, period="year", duplicates=duplicates)
    assert_same_result(new, previous_read(path, period="year", duplicates=duplicates))
    assert isinstance(new, ValidationError) == (duplicates == "error")


def test_numeric_label_columns_read_as_before(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "nuts": np.repeat([10, 2, 33], 3),
            "nace": np.tile(np.array([1.0, 2.5, 0.1], dtype=np.float32), 3),
            "year": np.repeat([2019.0, 2019.0, 2020.0], 3),
            "jobs": np.arange(9, dtype=float),
        }
    )
    path = write_as(frame, tmp_path / "n.parquet")
    new = current_read(path, period="year")
    assert_same_result(new, previous_read(path, period="year"))
    assert isinstance(new, ActivityMatrix)
    assert list(new.regions) == ["10", "2", "33"]
    assert list(new.periods) == [2019, 2020]


def labels_case(values: object, dtype: object, factorised: bool, name: str) -> object:
    return pytest.param(pd.Series(values, dtype=dtype), factorised, id=name)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("col", "factorised"),
    [
        labels_case(
            pd.Categorical(
                [" b", "a", None, "b", "", "01"], categories=["zz", " b", "a", "b", "", "01"]
            ),
            None,
            True,
            "categorical",
        ),
        labels_case(pd.Categorical([3.0, 1.5, np.nan, 3.0]), None, True, "categorical-float"),
        labels_case(["01", " 1.0", "", None, "A ", "A", "NA"], "string", True, "string"),
        labels_case(["01", " 1.0", "", None, "A ", "A", np.nan], object, True, "object-text"),
        labels_case([0.1, 1.0, -0.0, np.nan], np.float32, True, "float32"),
        labels_case([1, None, 3], "Int64", True, "Int64"),
        labels_case([True, False, True], bool, True, "bool"),
        labels_case([1, 1.0, True, "x", b"y", None], object, False, "object-mixed"),
        labels_case([], object, True, "empty"),
    ],
)
def test_as_labels_cleans_distinct_values_as_cells(col: pd.Series, factorised: bool) -> None:
    from smartspec.io.readers import _as_labels

    want = previous_labels(col)
    for categorical in (False, True):
        got = _as_labels(col, categorical=categorical)
        assert got.index.equals(want.index)
        values = got.to_numpy(dtype=object)
        # the same cells missing (NaN now; a nullable string column gave pd.NA before) ...
        assert pd.isna(values).tolist() == want.isna().tolist()
        # ... and the same text elsewhere
        assert all(isinstance(x, str) for x in values[~pd.isna(values)])
        assert values[~pd.isna(values)].tolist() == want.dropna().tolist()
        if not categorical:
            assert got.dtype == object
    # factorised (categorical), but for an object column of mixed types (cleaned cell by cell:
    # factorising would merge 1, 1.0 and True)
    kept = _as_labels(col, categorical=True)
    assert isinstance(kept.dtype, pd.CategoricalDtype) == factorised
