"""Import and export of priorities files (CSV, Excel) on a real registry (SQLite)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any, Literal

import pytest
import xlsxwriter  # type: ignore[import-untyped]

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.registry.service import Registry
from smartspec.domains.registry.transfer import (
    LAYOUT_COLUMNS,
    MAX_CELL,
    MAX_ROWS,
    import_file,
    read_priorities,
    write_priorities,
)

ADMIN = Account(1, "root", "admin")
EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "priorities-example.csv"


def _csv(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    columns = list(dict.fromkeys(c for r in rows for c in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(**kw: str) -> dict[str, str]:
    row = {"region_code": "CZ080", "strategy_period": "2021-2027", "priority_title": "Energetika"}
    row.update(kw)
    return row


def test_the_documented_example_imports_cleanly(registry: Registry) -> None:
    report = import_file(registry, ADMIN, EXAMPLE)
    assert report.problems == [] and report.rows == 4 and report.valid == 4
    assert report.stored == 4
    galicia = registry.region_priorities(ADMIN, "ES11")
    assert sorted(p.title for p in galicia) == [
        "Acuicultura y economía azul",
        "Cadena de valor de la madera",
    ]
    wood = next(p for p in galicia if p.title == "Cadena de valor de la madera")
    assert wood.codes["nace"] == ["16", "31", "02"]
    assert wood.codes["po"] == ["PO1", "PO2"]
    assert wood.description.endswith("\nIncluye la construcción en madera.")
    assert wood.language == "es" and wood.tags == ["bioeconomía"]
    cz = registry.region_priorities(ADMIN, "CZ064")[0]
    assert cz.region_name == "Jihomoravský kraj"  # from the NUTS list: the cell was empty
    assert cz.codes["nace"] == ["28", "27", "26"]  # "C 26" read as division 26


def _tricky_file() -> bytes:
    return _csv(
        [
            _row(
                priority_title="=1+1",
                description='Řádek 1\nřádek 2, "uvozovky"; středník\n=SUM(A1:A2)',
                nace="24; 25; 34",
                sdg="SDG 7",
                tags="vodík; -5; @home",
                language="cs",
                strategy_title="Krajská karta",
                strategy_source="MPO",
                strategy_url="https://example.org/ris3",
            ),
            _row(
                region_code="es11",
                region_name="Galicia",
                priority_title="''=kept quote",  # stored as '=kept quote
                description="+34 teléfono\tcon tabulador",
                ford="2.10; 1.1",
                ipc="h01m",
                cpc="Y02E",
                policy_objectives="op1",
                language="ES",
            ),
            _row(region_code="MX-TAM", region_name="Tamaulipas", country="mx", priority_title="-"),
        ]
    )


def _essence(items: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            p.region,
            getattr(p, "region_name", None),
            p.period,
            p.strategy_title,
            p.title,
            p.description,
            p.language,
            {k: v for k, v in p.codes.items() if v},
            list(p.tags),
            {k: v for k, v in p.set_aside_codes.items() if v},
        )
        for p in items
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_is_lossless(make_registry: Any, fmt: Literal["csv", "xlsx"]) -> None:
    first = make_registry()
    report = import_file(
        first, ADMIN, _tricky_file(), filename="tricky.csv", invalid_codes="set-aside"
    )
    assert report.stored == 3
    assert [(s.row, s.scheme, s.code) for s in report.set_aside] == [(2, "nace", "34")]
    views = [p for r in ("CZ080", "ES11", "MX-TAM") for p in first.region_priorities(ADMIN, r)]
    strategies = {s.id: s for s in first.list_strategies(ADMIN)}
    data = write_priorities(views, fmt, strategies=strategies)
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == list(LAYOUT_COLUMNS)
        titles = {r["priority_title"] for r in rows}
        assert "'=1+1" in titles and "''=kept quote" in titles and "'-" in titles
    drafts, again = read_priorities(data, filename=f"export.{fmt}")
    assert again.problems == [] and again.rows == 3
    assert {d.id for d in drafts} == {v.id for v in views}
    assert _essence(drafts) == _essence(views)
    cz = next(d for d in drafts if d.region == "CZ080")
    assert cz.strategy_source == "MPO" and cz.strategy_url == "https://example.org/ris3"
    assert cz.title == "=1+1" and cz.tags == ["vodík", "-5", "@home"]
    # and stored again: identical priorities
    second = make_registry()
    import_file(second, ADMIN, data, filename=f"export.{fmt}")
    views2 = [p for r in ("CZ080", "ES11", "MX-TAM") for p in second.region_priorities(ADMIN, r)]
    assert _essence(views2) == _essence(views)
    assert {r.code: (r.name, r.country) for r in second.list_regions(ADMIN)} == {
        r.code: (r.name, r.country) for r in first.list_regions(ADMIN)
    }


def test_problems_are_reported_by_row_and_column(registry: Registry) -> None:
    data = _csv(
        [
            _row(nace="28; 34", sdg="18"),
            _row(strategy_period="2027", language="czech"),
            _row(priority_title=""),
            _row(region_code="??", priority_title="Jiné"),
            _row(),  # the same priority as row 2
        ]
    )
    drafts, report = read_priorities(data, filename="bad.csv")
    found = [(p.row, p.column, p.found) for p in report.problems]
    assert found == [
        (2, "nace", "34"),
        (2, "sdg", "18"),
        (3, "strategy_period", "2027"),
        (3, "language", "czech"),
        (4, "priority_title", "an empty cell"),
        (5, "region_code", "??"),
        (6, "priority_title", "Energetika"),
    ]
    nace = report.problems[0]
    assert "no division 34" in nace.message and "33, 35, 32" in nace.message
    assert "division" in nace.expected
    assert report.rows == 5 and report.valid == 0 and drafts == []
    with pytest.raises(ValidationError) as err:
        import_file(registry, ADMIN, data, filename="bad.csv")
    assert err.value.code == "invalid.import"
    assert err.value.report.problems == report.problems  # type: ignore[attr-defined]
    assert "row 2" in err.value.message
    assert registry.list_regions(ADMIN) == []  # nothing stored
    dry = import_file(registry, ADMIN, data, filename="bad.csv", dry_run=True)
    assert dry.dry_run and len(dry.problems) == 7 and dry.stored == 0


def test_one_bad_row_stores_nothing(registry: Registry) -> None:
    data = _csv([_row(), _row(priority_title="Druhá", nace="99.9")])
    with pytest.raises(ValidationError):
        import_file(registry, ADMIN, data, filename="x.csv")
    assert registry.region_priorities(ADMIN, "CZ080") == []
    ok = import_file(registry, ADMIN, data, filename="x.csv", dry_run=True)
    assert ok.valid == 1 and ok.stored == 0


def test_missing_columns_are_reported_once() -> None:
    data = b"region,title,foo\nCZ080,A,1\nCZ064,B,2\n"
    drafts, report = read_priorities(data, filename="cols.csv")
    assert drafts == []
    (problem,) = report.problems
    assert problem.row == 1 and problem.column == "strategy_period"
    assert "strategy_period" in problem.message


def test_semicolons_bom_aliases_and_ignored_columns() -> None:
    data = "\ufeffRegion;Period;Title;NACE;notes\nCZ080;2021 – 2027;Energie;35;x\n".encode()
    (draft,), report = read_priorities(data, filename="semi.csv")
    assert report.problems == [] and report.ignored_columns == ["notes"]
    assert (draft.region, draft.period, draft.codes) == ("CZ080", "2021-2027", {"nace": ["35"]})
    assert draft.region_name == "Moravskoslezský kraj" and draft.level == "NUTS3"


def test_strategy_must_be_one_per_region_and_period() -> None:
    data = _csv([_row(strategy_title="A"), _row(priority_title="Jiná", strategy_title="B")])
    _, report = read_priorities(data, filename="s.csv")
    ((row, column),) = [(p.row, p.column) for p in report.problems]
    assert (row, column) == (3, "strategy_title")


def test_formula_cells_in_excel_are_refused_text_is_text(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("priorities")
    for i, name in enumerate(["region_code", "strategy_period", "priority_title", "nace"]):
        sheet.write_string(0, i, name)
    sheet.write_row(1, 0, ["CZ080", "2021-2027"])
    sheet.write_string(1, 2, "=1+1 as text")  # text (write() would make it a formula)
    sheet.write_string(1, 3, "28")
    sheet.write_row(2, 0, ["CZ080", "2021-2027", "Second"])
    sheet.write_formula(2, 3, "=20+8", None, 28)  # a formula with a cached value 28
    sheet.write_row(3, 0, ["CZ080", "2021-2027", "Third"])
    sheet.write_number(3, 3, 27)  # a number typed in a code column
    book.close()
    drafts, report = read_priorities(path)
    ((row, column, found),) = [(p.row, p.column, p.found) for p in report.problems]
    assert (row, column, found) == (3, "nace", "a formula")
    assert [(d.title, d.codes) for d in drafts] == [
        ("=1+1 as text", {"nace": ["28"]}),
        ("Third", {"nace": ["27"]}),
    ]


def test_limits(tmp_path: Path) -> None:
    data = _csv([_row()])
    with pytest.raises(ValidationError, match="too large"):
        read_priorities(data, filename="big.csv", max_bytes=len(data) - 1)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(ValidationError, match="too large"):
        read_priorities(path, max_bytes=10)
    long = _csv([_row(description="x" * (MAX_CELL + 1))])
    _, report = read_priorities(long, filename="long.csv")
    assert [(p.row, p.column) for p in report.problems] == [(2, "description")]
    header = b"region_code,strategy_period,priority_title\n"
    many = header + b"CZ080,2021-2027,A\n" * (MAX_ROWS + 1)
    with pytest.raises(ValidationError, match="too large"):
        read_priorities(many, filename="many.csv")


def test_zip_bomb_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * (40 * 1024 * 1024))
    with pytest.raises(ValidationError, match="too large"):
        read_priorities(buffer.getvalue(), filename="bomb.xlsx")


def test_unreadable_files() -> None:
    with pytest.raises(ValidationError, match="empty"):
        read_priorities(b"  \n", filename="empty.csv")
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        read_priorities(b"a,b\n", filename="old.xls")
    with pytest.raises(ValidationError, match="cannot be read"):
        read_priorities(b"PK\x03\x04broken", filename="broken.xlsx")
