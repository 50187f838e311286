"""Importing indicator values from CSV and Excel: all rows or none, every problem with its row,
formula cells refused, formula-like text kept as text, size bounds, permissions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.domains.monitoring.actions import monitoring_of
from smartspec.domains.monitoring.service import Monitoring
from smartspec.domains.monitoring.transfer import import_values
from smartspec.domains.monitoring.views import IndicatorIn, TargetIn

ADMIN = Account(1, "root", "admin")
EDITOR_CZ = Account(2, "ana", "editor", frozenset({"CZ080"}))
VIEWER = Account(5, "vera", "viewer")


@pytest.fixture(scope="module")
def setup(planned: tuple[SmartSpecApp, Any]) -> Iterator[tuple[Monitoring, dict[str, int]]]:
    app, ids = planned
    mon = monitoring_of(app)
    plan = {"strategy": ids.cz, "es_strategy": ids.es}
    jobs = mon.add_indicator(
        ADMIN,
        ids.cz,
        IndicatorIn(
            name="Jobs in R&D",
            baseline_year=2020,
            baseline_value=100,
            targets=[TargetIn(year=2027, value=200, kind="target")],
        ),
    )
    firms = mon.add_indicator(ADMIN, ids.cz, IndicatorIn(kind="output", name="Firms supported"))
    hotels = mon.add_indicator(ADMIN, ids.es, IndicatorIn(kind="output", name="Hotels renewed"))
    computed = mon.add_indicator(
        ADMIN,
        ids.cz,
        IndicatorIn(
            name="Automotive share",
            computed={"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["29"]},
        ),
    )
    plan.update(jobs=jobs.id, firms=firms.id, hotels=hotels.id, computed=computed.id)
    yield mon, plan


def _values(mon: Monitoring, indicator: int) -> list[tuple[int, float, str, str]]:
    view = mon.indicator(None, indicator)
    return [(v["year"], v["value"], v["origin"], v["note"]) for v in view.values]


def test_a_good_file_is_stored(setup: tuple[Monitoring, dict[str, int]]) -> None:
    mon, ids = setup
    data = (
        "indicator_id;year;value;note;extra\n"
        f"{ids['jobs']};2022;120;office\n"
        f"{ids['jobs']};2024;150,5;\n"  # a decimal comma
        f";;;;\n"  # an empty row: not counted
    ).encode()
    report = mon.import_values(EDITOR_CZ, data, "values.csv")
    assert (report.rows, report.valid, report.new, report.updated, report.stored) == (
        2,
        2,
        2,
        0,
        2,
    )
    assert report.ignored_columns == ["extra"]
    assert _values(mon, ids["jobs"]) == [
        (2022, 120.0, "import", "office"),
        (2024, 150.5, "import", ""),
    ]
    # by name and strategy; a stored value replaced
    again = f"indicator,strategy_id,year,value\njobs in r&d,{ids['strategy']},2024,151\n"
    report = mon.import_values(EDITOR_CZ, again.encode(), "again.csv")
    assert (report.new, report.updated) == (0, 1)
    assert _values(mon, ids["jobs"])[-1][:2] == (2024, 151.0)
    view = mon.indicator(None, ids["jobs"])
    # planned for 2024: 100 + 100 * 4 / 7 = 157.14; 151 is 51 of 57.14 = 89 %: on track
    assert view.progress is not None and view.progress["status"] == "on track"
    assert view.progress["achievement"] == pytest.approx(51 / (100 * 4 / 7))
    history = mon.history(None, ids["jobs"])
    assert history[-1]["changes"]["value"] == [150.5, 151.0]


def test_bad_rows_store_nothing(setup: tuple[Monitoring, dict[str, int]]) -> None:
    mon, ids = setup
    before = _values(mon, ids["firms"])
    data = (
        "indicator_id,year,value,note\n"
        f"{ids['firms']},2023,10,ok\n"  # good, but the file has problems: not stored
        f"{ids['firms']},20x3,11,\n"  # row 3: year
        f"{ids['firms']},2024,=A1*2,\n"  # row 4: formula-like value
        "999999,2024,5,\n"  # row 5: unknown indicator
        f"{ids['computed']},2024,5,\n"  # row 6: computed
        f"{ids['hotels']},2024,5,\n"  # row 7: another region
        f"{ids['firms']},2023,12,\n"  # row 8: repeated
        f"{ids['firms']},2025,,\n"  # row 9: no value
    ).encode()
    with pytest.raises(ValidationError) as caught:
        mon.import_values(EDITOR_CZ, data, "bad.csv")
    assert caught.value.code == "invalid.import"
    report = caught.value.report  # type: ignore[attr-defined]
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "year"),
        (4, "value"),
        (5, "indicator_id"),
        (6, "indicator_id"),
        (7, "indicator_id"),
        (8, "year"),
        (9, "value"),
    ]
    assert "formula" in report.problems[1].message
    assert "computed" in report.problems[3].message
    assert "region ES51" in report.problems[4].found
    assert (report.rows, report.valid) == (8, 1)
    assert _values(mon, ids["firms"]) == before  # nothing stored
    dry = mon.import_values(EDITOR_CZ, data, "bad.csv", dry_run=True)
    assert dry.dry_run and len(dry.problems) == 7 and dry.stored == 0
    assert _values(mon, ids["firms"]) == before


def test_header_problems(setup: tuple[Monitoring, dict[str, int]]) -> None:
    mon, _ = setup
    with pytest.raises(ValidationError) as caught:
        mon.import_values(ADMIN, b"indicator,year\nx,2020\n", "h.csv")
    problem = caught.value.report.problems[0]  # type: ignore[attr-defined]
    assert problem.row == 1 and "value" in problem.message
    assert "indicator_id (or indicator and strategy_id)" in problem.message


def test_permissions(setup: tuple[Monitoring, dict[str, int]]) -> None:
    mon, ids = setup
    data = f"indicator_id,year,value\n{ids['firms']},2020,1\n".encode()
    with pytest.raises(AuthenticationRequiredError):
        mon.import_values(None, data, "p.csv", dry_run=True)
    with pytest.raises(ForbiddenError):
        mon.import_values(VIEWER, data, "p.csv", dry_run=True)
    report = mon.import_values(ADMIN, data, "p.csv", dry_run=True)
    assert report.ok and report.new == 1 and report.stored == 0


def test_excel_formula_cells_and_quoted_text(
    setup: tuple[Monitoring, dict[str, int]], tmp_path: Path
) -> None:
    import openpyxl

    mon, ids = setup
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator_id", "year", "value", "note"])
    sheet.append([ids["firms"], 2021, "=1+1", ""])  # a formula cell
    sheet.append([ids["firms"], 2022, 7, "'=not a formula"])
    path = tmp_path / "v.xlsx"
    book.save(path)
    report = mon.import_values(ADMIN, path.read_bytes(), "v.xlsx", dry_run=True)
    assert report.format == "xlsx"
    assert [(p.row, p.column, p.found) for p in report.problems] == [(2, "value", "a formula")]
    sheet.delete_rows(2)
    book.save(path)
    stored = mon.import_values(ADMIN, path.read_bytes(), "v.xlsx")
    assert stored.stored == 1
    assert (2022, 7.0, "import", "=not a formula") in _values(mon, ids["firms"])


def test_too_large_and_unreadable(setup: tuple[Monitoring, dict[str, int]]) -> None:
    mon, ids = setup
    data = f"indicator_id,year,value\n{ids['firms']},2020,1\n".encode() * 10
    with pytest.raises(ValidationError, match=r"too large|larger"):
        import_values(mon, ADMIN, data, "big.csv", max_bytes=100)
    with pytest.raises(ValidationError):
        mon.import_values(ADMIN, b"", "empty.csv")
    with pytest.raises(ValidationError):
        mon.import_values(ADMIN, b"\x00\x01PK", "x.pdf")
