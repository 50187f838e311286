"""``smartspec actors``: import (dry run, all or nothing), list, show, add, partners, network,
``--json``, and ``--as-user`` applying an account's role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.services.cli import main


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def where(tmp_path_factory: pytest.TempPathFactory, participations_csv: bytes) -> list[str]:
    folder = tmp_path_factory.mktemp("actors-cli")
    (folder / "small.csv").write_bytes(participations_csv)
    return ["--data-dir", str(folder)]


def test_import_list_show_partners_network(where: list[str]) -> None:
    small = str(Path(where[1]) / "small.csv")
    code, out = _run("actors", "import", small, "--participations", "--dry-run", *where)
    assert code == 0, out
    assert "dry run" in out and "organisations 6 new" in out and "participations 7 new" in out
    code, out = _run("actors", "list", "--json", *where)
    assert json.loads(out)["total"] == 0
    code, out = _run("actors", "import", small, "--participations", "--json", *where)
    assert code == 0, out
    assert json.loads(out)["stored"] == 13
    code, out = _run("actors", "list", "--country", "ES", "--json", *where)
    (beta,) = json.loads(out)["items"]
    assert beta["name"] == "Beta Logistica SL" and beta["projects"] == 2
    code, out = _run("actors", "show", str(beta["id"]), "--json", *where)
    assert [p["project"] for p in json.loads(out)["participations"]] == ["p2", "p1"]
    code, out = _run(
        "actors", "partners", "--region", "MX", "--measure", "network", "--json", *where
    )
    assert code == 0, out
    found = json.loads(out)
    assert [i["organisation"]["source_id"] for i in found["items"]] == ["PB", "PC", "PD"]
    code, out = _run("actors", "network", "--level", "country", "--json", *where)
    assert {n["id"] for n in json.loads(out)["nodes"]} == {"MX", "ES", "DE", "FR", "IT"}
    code, out = _run("actors", "network", "--q", "beta", *where)
    assert code == 0 and "*Beta Logistica SL" in out


def test_add_bad_file_and_roles(where: list[str], tmp_path: Path) -> None:
    code, out = _run(
        "actors",
        "add",
        "--name",
        "Nuevo Centro",
        "--type",
        "REC",
        "--country",
        "MX",
        "--region",
        "MX09",
        "--topic",
        "agrifood",
        *where,
    )
    assert code == 0, out
    assert "research" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("source_id,name,type\nB1,Bad,XYZ\n")
    code, out = _run("actors", "import", str(bad), *where)
    assert code != 0 and "row 2, column type" in out
    code, out = _run(
        "user",
        "add",
        "vic",
        "--role",
        "viewer",
        "--password-stdin",
        *where,
        stdin="a-long-password-1\n",
    )
    assert code == 0, out
    code, out = _run("actors", "add", "--name", "Nope", "--as-user", "vic", *where)
    assert code != 0 and "not allowed" in out
