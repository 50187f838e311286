"""Hostile and unusual files: workbooks that expand to millions of rows, compressed bombs,
files over the row and cell limits, UTF-16 text, and the budget of the reading process.

Issue 14, finding 2 (a small Excel file exhausted the machine) and finding 10 (UTF-16 files;
the duplicate-key hint of the command line).
"""

from __future__ import annotations

import gzip
import pickle
import time
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.core.errors import ValidationError
from smartspec.io import read_table
from smartspec.io.worker import read_upload, run_limited
from smartspec.services.cli import main

COLS = {"region": "geo", "activity": "sector", "value": "jobs"}
ROWS = [("A", "x", 1.0), ("A", "y", 2.0), ("B", "x", 3.0), ("B", "y", 4.5)]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def _cell(ref: str, value: object) -> bytes:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()
    return f'<c r="{ref}"><v>{value}</v></c>'.encode()


def _write_xlsx(path: Path, sheet_xml: bytes) -> Path:
    """A workbook of one sheet whose XML is ``sheet_xml``, written by hand (deflated)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _table_xlsx(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    """A small valid workbook: header geo, sector, jobs, then ``rows``."""
    body = [
        b'<row r="1">'
        + _cell("A1", "geo")
        + _cell("B1", "sector")
        + _cell("C1", "jobs")
        + b"</row>"
    ]
    for i, (g, s, v) in enumerate(rows, start=2):
        body.append(
            f'<row r="{i}">'.encode()
            + _cell(f"A{i}", g)
            + _cell(f"B{i}", s)
            + _cell(f"C{i}", v)
            + b"</row>"
        )
    return _write_xlsx(path, _SHEET_HEAD + b"".join(body) + _SHEET_TAIL)


def _bomb_xlsx(path: Path, n_rows: int = 3_000_000) -> Path:
    """A small workbook whose one sheet expands to ``n_rows`` rows of one number."""
    row = b'<row><c t="n"><v>1</v></c></row>'
    return _write_xlsx(path, _SHEET_HEAD + row * n_rows + _SHEET_TAIL)


def _refused(call, *words: str) -> tuple[ValidationError, float, int]:
    """Run ``call``; return its ValidationError, the seconds and the peak traced bytes."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as info:
            call()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = info.value
    for word in words:
        assert word in err.message, err.message
    assert err.fix and "CSV" in err.fix and "split" in err.fix
    return err, elapsed, peak


# ------------------------------------------------------------------------------ workbook bombs
def test_a_small_workbook_expanding_to_millions_of_rows_is_refused_unread(tmp_path: Path) -> None:
    bomb = _bomb_xlsx(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2 * 1024 * 1024  # small on disk, ~100 MB once expanded
    err, elapsed, peak = _refused(lambda: read_table(bomb, **COLS), "too large", "expands too much")
    assert "sheet1.xml" in (err.found or "") and ":1" in (err.found or "")
    assert elapsed < 10
    assert peak < 20 * 1024 * 1024  # decided from the zip's directory, not by parsing the sheet


def test_a_sheet_over_the_row_limit_is_refused_while_streaming(tmp_path: Path) -> None:
    bomb = _bomb_xlsx(tmp_path / "bomb.xlsx")
    # past the ratio check: the rows are counted as the sheet is decompressed, in small chunks
    err, elapsed, peak = _refused(
        lambda: read_table(bomb, **COLS, max_ratio=1e9, max_rows=1_000_000),
        "too many rows",
    )
    assert "1,000,000" in (err.expected or "")
    assert elapsed < 10
    assert peak < 20 * 1024 * 1024


def test_declared_uncompressed_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = _bomb_xlsx(tmp_path / "bomb.xlsx", n_rows=200_000)
    err, _, _ = _refused(
        lambda: read_table(bomb, **COLS, max_uncompressed=1024 * 1024), "too many bytes"
    )
    assert "MB" in (err.expected or "") and "MB" in (err.found or "")


def test_a_workbook_within_the_limits_reads_and_over_them_is_refused(tmp_path: Path) -> None:
    book = _table_xlsx(tmp_path / "ok.xlsx", ROWS)
    m = read_table(book, **COLS)
    assert list(m.regions) == ["A", "B"] and m.to_long()["value"].sum() == 10.5
    _refused(lambda: read_table(book, **COLS, max_rows=3), "too many rows")
    _refused(lambda: read_table(book, **COLS, max_cells=12), "too many cells")
    assert read_table(book, **COLS, max_rows=4, max_cells=15).n_regions == 2


# ------------------------------------------------------------------------- text and Parquet
def test_a_gzip_bomb_is_refused_while_decompressing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"geo,sector,jobs\n")
        for _ in range(40):
            fh.write(b"A,x,1\n" * 100_000)
    _, elapsed, peak = _refused(
        lambda: read_table(path, **COLS, max_uncompressed=4 * 1024 * 1024), "too many bytes"
    )
    assert elapsed < 10 and peak < 20 * 1024 * 1024
    _refused(lambda: read_table(path, **COLS, max_rows=1000), "too many rows")


def test_text_and_parquet_over_the_row_or_cell_limit_are_refused(tmp_path: Path) -> None:
    frame = pd.DataFrame(ROWS, columns=["geo", "sector", "jobs"])
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        _refused(lambda n=name: read_table(tmp_path / n, **COLS, max_rows=3), "too many rows")
        _refused(lambda n=name: read_table(tmp_path / n, **COLS, max_cells=9), "too many cells")
        assert read_table(tmp_path / name, **COLS, max_rows=4, max_cells=12).n_regions == 2


# --------------------------------------------------------------------------------- encodings
CSV_TEXT = "geo,sector,jobs\nZürich,café,1\nZürich,thé,2\nGenève,café,3.5\n"


@pytest.mark.parametrize(
    ("encoding", "bom", "ending", "sep"),
    [
        ("utf-16-le", b"\xff\xfe", ".csv", ","),
        ("utf-16-be", b"\xfe\xff", ".csv", ","),
        ("utf-16-le", b"", ".csv", ","),
        ("utf-16-be", b"", ".csv", ","),
        ("utf-16-le", b"\xff\xfe", ".tsv", "\t"),
        ("utf-16-le", b"", ".tsv", "\t"),
    ],
)
def test_utf16_and_bom_text_reads_as_utf8(
    tmp_path: Path, encoding: str, bom: bytes, ending: str, sep: str
) -> None:
    text = CSV_TEXT.replace(",", sep)
    plain = tmp_path / f"plain{ending}"
    plain.write_bytes(text.encode("utf-8"))
    other = tmp_path / f"other{ending}"
    other.write_bytes(bom + text.encode(encoding))
    expected = read_table(plain, **COLS).to_long()
    got = read_table(other, **COLS).to_long()
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["region"]) == {"Zürich", "Genève"}


def test_an_unreadable_encoding_says_so(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"geo,sector,jobs\n\x00\x00\x00\x01\x02\x00\x00\x00\x00\x07" * 50)
    with pytest.raises(ValidationError) as info:
        read_table(path, **COLS)
    err = info.value
    assert "encoding" in err.problem and "UTF-16" in (err.expected or "")
    assert "UTF-8" in (err.fix or "")
    assert "column" not in err.message


# ----------------------------------------------------------------------- the reading process
def test_errors_from_the_worker_come_back_with_their_fields(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    pd.DataFrame(ROWS, columns=["geo", "nace", "jobs"]).to_csv(path, index=False)
    with pytest.raises(ValidationError) as info:
        read_upload(path, COLS, {})
    err = info.value
    assert type(err) is ValidationError and "sector" in err.message
    assert err.where and err.expected and err.found
    again = pickle.loads(pickle.dumps(err))
    assert again.to_dict() == err.to_dict()


def test_the_worker_reads_a_file_and_its_names(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    frame = pd.DataFrame(ROWS, columns=["geo", "sector", "jobs"]).assign(
        name=lambda f: "Region " + f["geo"]
    )
    frame.to_csv(path, index=False)
    m, names = read_upload(path, COLS, {"region": "name"})
    assert list(m.regions) == ["A", "B"]
    assert names == {"region": {"A": "Region A", "B": "Region B"}}


def test_a_worker_over_its_time_is_killed_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        run_limited(time.sleep, (60,), timeout=0.5, what="file 'slow.xlsx'")
    assert time.perf_counter() - start < 10
    assert "too long" in info.value.problem and info.value.where == "file 'slow.xlsx'"


def test_a_worker_over_its_memory_is_stopped() -> None:
    with pytest.raises(ValidationError) as info:
        run_limited(bytearray, (8 * 1024**3,), memory=1024**3)
    assert "memory" in info.value.problem and "1 GB" in (info.value.expected or "")


# ------------------------------------------------------------------------- duplicate-key hint
def test_duplicate_key_hint_names_the_option_of_each_interface(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("geo,sector,jobs\nA,x,1\nA,x,2\nB,y,3\n")
    with pytest.raises(ValidationError) as info:
        read_table(path, **COLS)
    assert "duplicates='sum'" in (info.value.fix or "")
    result = CliRunner().invoke(
        main,
        [
            "analyse",
            str(path),
            "--region",
            "geo",
            "--activity",
            "sector",
            "--value",
            "jobs",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code != 0
    assert "--duplicates sum|" in result.output and "duplicates='sum'" not in result.output
