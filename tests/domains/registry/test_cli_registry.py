"""``smartspec priorities``: import (all or nothing, dry run), export, list, suggest-codes,
coherence, history and restore, and ``--as-user`` applying an account's grants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.services.cli import main

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "priorities-example.csv"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


@pytest.fixture
def where(tmp_path: Path) -> list[str]:
    return ["--data-dir", str(tmp_path)]


def test_import_list_export_round_trip(where: list[str], tmp_path: Path) -> None:
    code, out = _run("priorities", "import", str(EXAMPLE), "--dry-run", *where)
    assert code == 0, out
    assert "(dry run)" in out and "0 stored" in out
    code, out = _run("priorities", "list", "--json", *where)
    assert json.loads(out)["total"] == 0
    code, out = _run("priorities", "import", str(EXAMPLE), *where)
    assert code == 0, out
    stored = int(out.split(" stored")[0].rsplit(" ", 1)[-1])
    assert stored > 0
    code, out = _run("priorities", "list", "--json", *where)
    assert json.loads(out)["total"] == stored
    target = tmp_path / "out.xlsx"
    code, out = _run("priorities", "export", "--format", "xlsx", "--out", str(target), *where)
    assert code == 0 and target.read_bytes()[:2] == b"PK"
    other = ["--data-dir", str(tmp_path / "other")]
    code, out = _run("priorities", "import", str(target), *other)
    assert code == 0, out
    first = json.loads(_run("priorities", "list", "--json", *where)[1])["items"]
    second = json.loads(_run("priorities", "list", "--json", *other)[1])["items"]
    keys = ("region", "period", "title", "description", "language", "codes", "tags")
    assert sorted(tuple(str(p[k]) for k in keys) for p in first) == sorted(
        tuple(str(p[k]) for k in keys) for p in second
    )


def test_a_file_with_problems_stores_nothing(where: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "region_code,strategy_period,priority_title,nace\n"
        "CZ064,2021-2027,Fine,28\n"
        "CZ064,2021-2027,Wrong code,34\n",
        encoding="utf-8",
    )
    code, out = _run("priorities", "import", str(bad), *where)
    assert code == 2
    assert "row 3, column nace" in out and "34" in out
    assert json.loads(_run("priorities", "list", "--json", *where)[1])["total"] == 0
    code, out = _run("priorities", "import", str(bad), "--invalid-codes", "set-aside", *where)
    assert code == 0 and "set aside" in out


def test_as_user_applies_the_account_grants(where: list[str]) -> None:
    _run(
        "user",
        "add",
        "ed",
        "--role",
        "editor",
        "--region",
        "CZ080",
        "--password-stdin",
        *where,
        stdin="a long enough passphrase\n",
    )
    code, out = _run("priorities", "import", str(EXAMPLE), "--as-user", "ed", *where)
    assert code == 1 and "not allowed" in out
    assert json.loads(_run("priorities", "list", "--json", *where)[1])["total"] == 0


def test_suggest_codes_coherence_history_restore(where: list[str]) -> None:
    code, out = _run("priorities", "suggest-codes", "manufacture of motor vehicles", "--json")
    assert code == 0 and json.loads(out)[0]["code"] == "29"
    code, out = _run("priorities", "import", str(EXAMPLE), *where)
    assert code == 0, out
    items = json.loads(_run("priorities", "list", "--json", *where)[1])["items"]
    first = items[0]
    code, out = _run("priorities", "history", str(first["id"]), "--json", *where)
    assert code == 0 and json.loads(out)[0]["action"] == "import"
    code, out = _run("priorities", "restore", str(first["id"]), "--version", "1", *where)
    assert code == 0 and "version 2" in out
    region = first["region"]
    code, out = _run(
        "priorities",
        "coherence",
        "--region",
        region,
        "--dataset",
        "eu-nuts2-sbs",
        "--json",
        *where,
    )
    assert code == 0, out
    view = json.loads(out[: out.rindex("}") + 1])
    assert view["region"] == region and view["rule"]
    chart = Path(where[1]) / "coherence.svg"
    code, out = _run(
        "priorities",
        "coherence",
        "--region",
        region,
        "--dataset",
        "eu-nuts2-sbs",
        "--chart",
        str(chart),
        *where,
    )
    assert code == 0 and "evidence of" in out and chart.read_text().startswith("<svg")
    code, out = _run("priorities", "coherence", "--region", region, "--dataset", "nope", *where)
    assert code == 2 and "nope" in out
