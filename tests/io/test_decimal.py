"""Values written with a decimal comma (``decimal=","``), as Spanish and most European
spreadsheets write them, and the hint towards it when it was not given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.io import read_population, read_table
from smartspec.io.readers import DECIMAL_COMMA_FIX

COLS = {"region": "nuts", "activity": "nace", "value": "empleo"}

#: A Spanish export: ';' between fields, ',' before the decimals, '.' between thousands.
SPANISH_CSV = (
    "nuts;nace;empleo;año\n"
    "ES30;C;1.234,5;2020\n"
    "ES30;J;0,5;2020\n"
    "ES51;C;12;2020\n"
    "ES51;J;1.234.567,25;2020\n"
    "ES30;C;+3,0;2021\n"
    "ES30;J;7,125;2021\n"
    "ES51;C;1.000;2021\n"
    "ES51;J;2,5E3;2021\n"
)
EXPECTED = {
    (2020, "ES30", "C"): 1234.5,
    (2020, "ES30", "J"): 0.5,
    (2020, "ES51", "C"): 12.0,
    (2020, "ES51", "J"): 1234567.25,
    (2021, "ES30", "C"): 3.0,
    (2021, "ES30", "J"): 7.125,
    (2021, "ES51", "C"): 1000.0,
    (2021, "ES51", "J"): 2500.0,
}


def _values(m) -> dict[tuple, float]:
    long = m.to_long()
    return {
        (int(p), str(r), str(a)): float(v)
        for p, r, a, v in zip(
            long["period"], long["region"], long["activity"], long["value"], strict=True
        )
    }


def _error(path: Path, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_table(path, **{**COLS, **kwargs})
    return info.value


def test_spanish_csv_with_thousands_points(tmp_path: Path) -> None:
    path = tmp_path / "empleo.csv"
    path.write_text(SPANISH_CSV, encoding="utf-8")
    m = read_table(path, **COLS, period="año", decimal=",")
    assert _values(m) == EXPECTED


def test_spanish_csv_in_windows_1252_and_gzip(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "empleo.csv.gz"
    path.write_bytes(gzip.compress(SPANISH_CSV.encode("cp1252")))
    m = read_table(path, **COLS, period="año", decimal=",")
    assert _values(m) == EXPECTED


def test_tsv_and_spaces_between_thousands(tmp_path: Path) -> None:
    path = tmp_path / "e.tsv"
    path.write_text(
        "nuts\tnace\templeo\nFR10\tC\t1 234,5\nFR10\tJ\t1\u00a0234\u00a0567\nFR20\tC\t"
        "2\u202f000,75\nFR20\tJ\t,5\n",
        encoding="utf-8",
    )
    m = read_table(path, **COLS, decimal=",")
    assert sorted(m.to_long()["value"]) == [0.5, 1234.5, 2000.75, 1234567.0]


def test_missing_markers_stay_missing(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("nuts;nace;empleo\nES30;C;1,5\nES30;J;NA\n", encoding="utf-8")
    err = _error(path, decimal=",")
    assert err.problem == "values are missing"
    assert err.where == "file 'm.csv', column 'empleo', line 3"


@pytest.mark.parametrize(
    ("cell", "pointed"),
    [
        ("1.5", True),
        ("1234.5", True),
        ("1.23", True),
        ("1.2345", True),
        ("12 kg", False),
        ("1,2,3", False),
        ("1.234.56", False),
        ("1.234 567,5", False),
    ],
)
def test_refused_numbers_name_the_line(tmp_path: Path, cell: str, pointed: bool) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"nuts;nace;empleo\nES30;C;1,5\nES30;J;{cell}\n", encoding="utf-8")
    err = _error(path, decimal=",")
    assert err.problem == "values must be numbers written with a decimal comma"
    assert err.where == "file 'bad.csv', column 'empleo', line 3"
    assert repr(cell) in (err.found or "")
    assert ("decimal separator '.'" in (err.fix or "")) is pointed


def test_without_the_option_the_error_suggests_it(tmp_path: Path) -> None:
    path = tmp_path / "empleo.csv"
    path.write_text(SPANISH_CSV, encoding="utf-8")
    err = _error(path, period="año")
    assert err.problem == "values must be numbers"
    assert err.where.startswith("file 'empleo.csv', column 'empleo', lines 2, 3, 5")
    assert err.fix == DECIMAL_COMMA_FIX
    assert "--decimal ," in err.fix


@pytest.mark.parametrize("cell", ["12,5", "1.234,5", "0,75"])
def test_one_decimal_comma_is_enough_for_the_hint(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(f"nuts;nace;empleo\nES30;C;1\nES30;J;{cell}\n", encoding="utf-8")
    assert _error(path).fix == DECIMAL_COMMA_FIX


@pytest.mark.parametrize("cell", ["1,234", "n.d.", "12 kg"])
def test_no_hint_for_values_that_are_not_decimal_commas(tmp_path: Path, cell: str) -> None:
    # "1,234" is as much an English thousands separator as a decimal comma: no sure hint
    path = tmp_path / "e.csv"
    path.write_text(f'nuts,nace,empleo\nES30,C,1\nES30,J,"{cell}"\n', encoding="utf-8")
    err = _error(path)
    assert err.problem == "values must be numbers"
    assert err.fix != DECIMAL_COMMA_FIX


def test_decimal_points_are_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "nuts,nace,empleo\nES30,C,1234.5\nES30,J,0.5\nES51,C,2\nES51,J,3\n", encoding="utf-8"
    )
    m = read_table(path, **COLS, decimal=".")
    assert sorted(m.to_long()["value"]) == [0.5, 2.0, 3.0, 1234.5]
    assert read_table(path, **COLS).equals(m)


@pytest.mark.parametrize("decimal", [";", "", " ", "comma", None, 1])
def test_other_separators_are_refused(tmp_path: Path, decimal) -> None:
    path = tmp_path / "p.csv"
    path.write_text("nuts,nace,empleo\nES30,C,1\n", encoding="utf-8")
    err = _error(path, decimal=decimal)
    assert err.problem == "unknown decimal separator"
    assert err.expected == "'.' (1234.5, the default) or ',' (1234,5 or 1.234,5)"
    assert err.found == repr(decimal)


def test_a_comma_separated_file_with_unquoted_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("nuts,nace,empleo\nES30,C,2\nES30,J,1,5\n", encoding="utf-8")
    err = _error(path, decimal=",")
    assert err.problem == "a line has more fields than the header"
    assert err.where == "file 'c.csv', line 3"
    assert "separated by ';'" in (err.fix or "")
    quoted = tmp_path / "q.csv"
    quoted.write_text(
        'nuts,nace,empleo\nES30,C,"1,5"\nES30,J,"1.000"\nES51,C,2\nES51,J,3\n', encoding="utf-8"
    )
    values = read_table(quoted, **COLS, decimal=",").to_long()["value"]
    assert sorted(values) == [1.5, 2.0, 3.0, 1000.0]


def _workbook(path: Path) -> Path:
    """Numbers as numeric cells and as text cells written with a decimal comma."""
    frame = pd.DataFrame(
        {
            "nuts": ["ES30", "ES30", "ES51", "ES51"],
            "nace": ["C", "J", "C", "J"],
            "empleo": [2.25, "1,5", "1.234,5", 7],
        }
    )
    frame.to_excel(path, index=False, sheet_name="Empleo")
    return path


def test_excel_text_cells_follow_the_option(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "empleo.xlsx")
    m = read_table(path, **COLS, decimal=",")
    assert sorted(m.to_long()["value"]) == [1.5, 2.25, 7.0, 1234.5]  # numeric cells kept
    err = _error(path)
    assert err.problem == "values must be numbers"
    assert err.where == "file 'empleo.xlsx[Empleo]', column 'empleo', rows 3, 4"
    assert err.fix == DECIMAL_COMMA_FIX


def test_excel_text_with_a_decimal_point_is_refused_with_the_option(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    pd.DataFrame({"nuts": ["A", "B"], "nace": ["x", "y"], "empleo": ["1,5", "2.5"]}).to_excel(
        path, index=False
    )
    err = _error(path, decimal=",")
    assert err.where == "file 'p.xlsx[Sheet1]', column 'empleo', row 3"
    assert "decimal separator '.'" in (err.fix or "")


def test_parquet_text_column(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pd.DataFrame(
        {"nuts": ["A", "A", "B"], "nace": ["x", "y", "x"], "empleo": ["1.234,5", None, "3"]}
    ).to_parquet(path)
    err = _error(path, decimal=",")
    assert err.problem == "values are missing"  # None stays missing
    pd.DataFrame(
        {"nuts": ["A", "A", "B"], "nace": ["x", "y", "x"], "empleo": np.array([1.5, 2.0, 3.0])}
    ).to_parquet(path)  # numbers: kept
    assert sorted(read_table(path, **COLS, decimal=",").to_long()["value"]) == [1.5, 2.0, 3.0]


def test_population_with_a_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "pob.csv"
    path.write_text("nuts;habitantes\nES30;6.751.251\nES51;7.763,5\n", encoding="utf-8")
    pop = read_population(path, region="nuts", value="habitantes", decimal=",")
    assert pop.to_dict() == {"ES30": 6751251.0, "ES51": 7763.5}
    with pytest.raises(ValidationError) as info:
        read_population(path, region="nuts", value="habitantes")
    assert info.value.fix == DECIMAL_COMMA_FIX
