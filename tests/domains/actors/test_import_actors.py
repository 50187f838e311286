"""Imports of organisations and participations: all or nothing, every bad row reported, dry
runs, formula cells, re-imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.actors.actions import actors_of, import_organisations
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, new_app: Any) -> Iterator[SmartSpecApp]:
    made = new_app(str(tmp_path_factory.mktemp("actors-import")))
    yield made
    made.close()


def _counts(app: SmartSpecApp) -> dict[str, int]:
    return actors_of(app).counts(None)


def test_small_set_was_deduplicated(app: SmartSpecApp) -> None:
    # 7 participant rows, 6 organisations (B twice); descriptions updated 5 of them
    assert _counts(app) == {"organisations": 6, "participations": 7}
    b = actors_of(app).search(None, q="PB").items[0]
    assert (b.region, b.type, b.description, b.version) == ("ES51", "PRC", "logistics software", 2)
    assert b.topics == ["MSCA", "SC3"]


def test_bad_organisation_rows_store_nothing(app: SmartSpecApp) -> None:
    before = _counts(app)
    data = (
        b"source_id,name,type,country,version\n"
        b"N1,Nueva SA,PRC,ES,\n"  # fine
        b",,HES,ES,\n"  # no name
        b"N3,Tercera,UNI,ES,\n"  # unknown type
        b"N4,Cuarta,PRC,ESP,\n"  # bad country
        b"PA,Alfa Universidad,HES,MX,1\n"  # stored at version 2 since the descriptions
        b"N1,Again,PRC,ES,\n"  # repeated source id
    )
    with pytest.raises(ValidationError) as caught:
        import_organisations(app, CLI_ACCOUNT, data, "bad.csv")
    assert caught.value.code == "invalid.import"
    report = caught.value.report  # type: ignore[attr-defined]
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "name"),
        (4, "type"),
        (5, "country"),
        (7, "source_id"),
        (6, "version"),
    ]
    assert (report.rows, report.valid) == (6, 1)
    assert _counts(app) == before
    dry = import_organisations(app, CLI_ACCOUNT, data, "bad.csv", dry_run=True)
    assert dry.dry_run and len(dry.problems) == 5 and dry.stored == 0
    assert _counts(app) == before


def test_missing_column_and_empty_file(app: SmartSpecApp) -> None:
    with pytest.raises(ValidationError) as caught:
        import_organisations(app, CLI_ACCOUNT, b"pic,country\n1,ES\n", "x.csv")
    assert caught.value.report.problems[0].column == "name"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="empty"):
        import_organisations(app, CLI_ACCOUNT, b"  \n", "x.csv")
    with pytest.raises(ValidationError, match="missing"):
        import_organisations(app, CLI_ACCOUNT, b"org,name\n1,x\n", "x.csv", kind="participations")


def test_bad_participation_rows(app: SmartSpecApp) -> None:
    before = _counts(app)
    data = (
        b"project,org,role,contribution,start_year,programme,type\n"
        b"q1,Z1,participant,100,2020,h2020,HES\n"
        b"q1,Z2,boss,100,2020,h2020,HES\n"
        b"q1,Z3,partner,lots,2020,h2020,HES\n"
        b"q1,Z4,partner,,3020,h2020,HES\n"
        b"q1,,partner,,2020,h2020,HES\n"
        b"q 2,Z5,partner,,2020,h2020,XXX\n"
    )
    with pytest.raises(ValidationError) as caught:
        import_organisations(app, CLI_ACCOUNT, data, "p.csv", kind="participations")
    problems = [(p.row, p.column) for p in caught.value.report.problems]  # type: ignore[attr-defined]
    assert problems == [
        (3, "role"),
        (4, "contribution"),
        (5, "start_year"),
        (6, "org"),
        (7, "project"),
        (7, "type"),
    ]
    assert _counts(app) == before


def test_reimport_adds_nothing_and_keeps_organisations(
    app: SmartSpecApp, participations_csv: bytes
) -> None:
    before = _counts(app)
    report = import_organisations(
        app, CLI_ACCOUNT, participations_csv, "again.csv", kind="participations"
    )
    assert (report.organisations_new, report.participations_new) == (0, 0)
    assert report.participations_known == 7 and report.stored == 0
    assert _counts(app) == before
    # the descriptions given later are kept (a participations file never overwrites)
    assert actors_of(app).search(None, q="PE").items[0].description == "solar batteries research"


def test_import_needs_an_editor(app: SmartSpecApp, participations_csv: bytes) -> None:
    data = b"name,region\nNueva,ES51\n"
    with pytest.raises(AuthenticationRequiredError):
        import_organisations(app, None, data, "x.csv")
    with pytest.raises(ForbiddenError):
        import_organisations(app, Account(9, "v", "viewer"), data, "x.csv", dry_run=True)
    with pytest.raises(ForbiddenError):  # an editor of another region
        import_organisations(app, Account(8, "e", "editor", frozenset({"MX09"})), data, "x.csv")
    report = import_organisations(app, Account(7, "f", "editor", frozenset({"ES5"})), data, "x.csv")
    assert report.organisations_new == 1 and report.stored == 1


def test_excel_formula_cells_are_problems(app: SmartSpecApp, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["source_id", "name", "description"])
    sheet.append(["X1", "Formula Corp", "=1+1"])  # a formula cell
    sheet.append(["X2", "Text Corp", "plain"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    report = import_organisations(app, CLI_ACCOUNT, path.read_bytes(), "f.xlsx", dry_run=True)
    assert report.format == "xlsx"
    assert [(p.row, p.column, p.found) for p in report.problems] == [
        (2, "description", "a formula")
    ]


def test_formula_like_text_in_csv_is_text(app: SmartSpecApp) -> None:
    data = b"source_id,name,description\nT1,'=HYPERLINK(1),=cmd|' /C calc'!A0\n"
    import_organisations(app, CLI_ACCOUNT, data, "t.csv")
    stored = actors_of(app).search(None, q="T1").items[0]
    assert stored.name == "=HYPERLINK(1)" and stored.description == "=cmd|' /C calc'!A0"
