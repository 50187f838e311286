"""``smartspec review``: rubric, the whole workflow from the command line (as the command line's
administrator, and a reviewer with ``--as-user``), refusals with a non-zero exit, results and
self-assessment."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.registry.views import StrategyIn
from smartspec.domains.review.rubric import rubric
from smartspec.services.cli import main

KEYS = rubric().keys


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def where(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("review-cli")
    app = SmartSpecApp(data_dir=str(folder), datasets=[], settings={"registry_example": False})
    try:
        app.registry.upsert_strategy(
            CLI_ACCOUNT, StrategyIn(region="ES51", period="2021-2027", title="RIS3CAT")
        )
        app.accounts.add_user(CLI_ACCOUNT, "rev-cz", "reviewer", secrets.token_urlsafe(18), ["CZ"])
        app.accounts.add_user(CLI_ACCOUNT, "rev-es", "reviewer", secrets.token_urlsafe(18), ["ES"])
    finally:
        app.close()
    return ["--data-dir", str(folder)]


def test_rubric_command() -> None:
    code, out = _run("review", "rubric", "--lang", "es")
    assert code == 0, out
    assert "1. Análisis del contexto regional" in out and "gg-cooperation" in out
    code, out = _run("review", "rubric", "--json")
    assert json.loads(out)["steps"][0]["key"] == "context"


def test_workflow_from_the_command_line(where: list[str], tmp_path: Path) -> None:
    code, out = _run("review", "create", "1", "--note", "priority 3", "--json", *where)
    assert code == 0, out
    rid = str(json.loads(out)["id"])
    code, out = _run("review", "start", rid, *where)
    assert code != 0 and "'draft'" in out and "submit" in out
    code, out = _run("review", "invite", rid, "rev-es", *where)
    assert code != 0 and "own region" in out
    code, out = _run("review", "invite", rid, "rev-cz", *where)
    assert code == 0 and "reviewer rev-cz\t0/25 scored" in out
    assert _run("review", "submit", rid, *where)[0] == 0
    code, out = _run("review", "start", rid, *where)
    assert code == 0 and "in review" in out
    code, out = _run("review", "score", rid, "--set", "gg-body=4", *where)
    assert code != 0 and "invited" in out  # the command line's administrator is not invited
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({k: 3 for k in KEYS}))
    code, out = _run(
        "review", "score", rid, "--as-user", "rev-cz", "--file", str(scores),
        "--set", "gg-body=5", "--set", "gg-transition=na", "--comment", "gg-body=strong agency",
        *where,
    )  # fmt: skip
    assert code == 0, out
    code, out = _run("review", "score", rid, "--as-user", "rev-cz", "--set", "gg-body=x", *where)
    assert code != 0
    code, out = _run("review", "complete", rid, *where)
    assert code == 0 and "completed" in out
    code, out = _run("review", "results", rid, "--json", *where)
    res = json.loads(out)
    by_key = {c["key"]: c for c in res["criteria"]}
    assert by_key["gg-body"]["mean"] == 5.0 and by_key["gg-transition"]["n_na"] == 1
    assert by_key["gg-body"]["comments"][0]["text"] == "strong agency"
    # governance-2021: (3 * 5 criteria + 5) / 6 criteria with a mean = 20 / 6
    gov = next(s for s in res["steps"] if s["key"] == "governance-2021")
    assert abs(gov["mean"] - 20 / 6) < 1e-12
    code, out = _run("review", "results", rid, *where)
    assert code == 0 and "gg-body\tn=1\tmean 5.00" in out
    code, out = _run("review", "list", "--state", "completed", *where)
    assert code == 0 and f"{rid}\tcompleted\tES51" in out
    code, out = _run("review", "show", rid, *where)
    assert code == 0 and "in review -> completed" in out


def test_self_assess_command(where: list[str]) -> None:
    code, out = _run(
        "review", "self-assess", "ES51", "--year", "2024", "--answer", "context-assets=4",
        "--answer", "context-outward=2", "--comment", "context-assets=good data", *where,
    )  # fmt: skip
    assert code == 0, out
    assert "ES51\t2024\t3.00" in out
    _run("review", "self-assess", "ES51", "--year", "2025", "--answer", "context-assets=5", *where)
    code, out = _run("review", "self-assess", "ES51", "--json", *where)
    assert [d["year"] for d in json.loads(out)] == [2025, 2024]
    code, out = _run("review", "self-assess", "ES51", "--compare", "CZ064", "--json", *where)
    rows = json.loads(out)["regions"]
    assert rows[0]["steps"]["context"] == 5.0 and rows[1]["year"] is None
    code, out = _run("review", "self-assess", "ES51", "--answer", "context-assets=9", *where)
    assert code != 0
