"""``smartspec report``: the report written to a file in each format and language, its default
name, ``--as-user``, and clear refusals of an unknown dataset, region or language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.services.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def where(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return ["--data-dir", str(tmp_path_factory.mktemp("reports-cli"))]


def test_html_and_xlsx_files(where: list[str], tmp_path: Path) -> None:
    out = tmp_path / "cz06.html"
    code, printed = _run(
        "report", "--region", "CZ06", "--dataset", "eu-nuts2-ardeco", "--lang", "es",
        "--out", str(out), *where,
    )  # fmt: skip
    assert code == 0, printed
    assert printed.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "Informe regional: Jihovýchod (CZ06)" in html
    assert "Perfil de evidencia de la región" in html
    openpyxl = pytest.importorskip("openpyxl")
    book_path = tmp_path / "cz06.xlsx"
    code, printed = _run(
        "report", "--region", "Jihovýchod", "--dataset", "eu-nuts2-ardeco", "--format", "xlsx",
        "--period", "2018", "--out", str(book_path), *where,
    )  # fmt: skip
    assert code == 0, printed
    book = openpyxl.load_workbook(io.BytesIO(book_path.read_bytes()))
    assert book.sheetnames[:2] == ["About the report", "Key figures"]
    figures = {r[0].value: r[1].value for r in book["Key figures"].iter_rows(min_row=2)}
    assert figures["Period of the evidence"] == "2018"


def test_default_file_name(
    where: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, printed = _run("report", "--region", "AT11", "--dataset", "eu-nuts2-ardeco", *where)
    assert code == 0, printed
    name = "smartspec-report-AT11-eu-nuts2-ardeco-2019-en.html"
    assert printed.strip() == name and (tmp_path / name).exists()


def test_refusals(where: list[str], tmp_path: Path) -> None:
    out = str(tmp_path / "x.html")
    code, printed = _run("report", "--region", "CZ06", "--dataset", "nope", "--out", out, *where)
    assert code != 0 and "unknown dataset 'nope'" in printed
    code, printed = _run(
        "report", "--region", "XX99", "--dataset", "eu-nuts2-ardeco", "--out", out, *where
    )
    assert code != 0 and "XX99" in printed
    code, printed = _run(
        "report", "--region", "CZ06", "--dataset", "eu-nuts2-ardeco", "--lang", "fr", *where
    )
    assert code != 0 and "'fr' is not one of 'en', 'es'" in printed
    code, printed = _run(
        "report", "--region", "CZ06", "--dataset", "eu-nuts2-ardeco", "--as-user", "nobody",
        "--out", out, *where,
    )  # fmt: skip
    assert code != 0 and "nobody" in printed
    assert not Path(out).exists()
