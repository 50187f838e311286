"""``smartspec monitoring``: add-indicator, record, plan, progress, import (dry run, all or
nothing), starter, refresh, ``--json``, and ``--as-user`` applying an account's grants."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.services.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def where(tmp_path_factory: pytest.TempPathFactory, new_plan: Any) -> tuple[list[str], Any]:
    folder = tmp_path_factory.mktemp("monitoring-cli")
    app, ids = new_plan(str(folder))
    try:
        app.accounts.add_user(CLI_ACCOUNT, "vera", "viewer", secrets.token_urlsafe(18), ())
        app.accounts.add_user(CLI_ACCOUNT, "eva", "editor", secrets.token_urlsafe(18), ("ES51",))
    finally:
        app.close()
    return ["--data-dir", str(folder)], ids


def test_add_record_plan_progress(where: tuple[list[str], Any]) -> None:
    opts, ids = where
    code, out = _run(
        "monitoring",
        "add-indicator",
        str(ids.cz),
        "--name",
        "Jobs in R&D",
        "--baseline",
        "2020",
        "100",
        "--milestone",
        "2023",
        "130",
        "--target",
        "2027",
        "200",
        "--priority",
        str(ids.automotive),
        "--json",
        *opts,
    )
    assert code == 0, out
    made = json.loads(out)
    assert made["targets"] == [
        {"year": 2023, "value": 130.0, "kind": "milestone"},
        {"year": 2027, "value": 200.0, "kind": "target"},
    ]
    code, out = _run("monitoring", "record", str(made["id"]), "2025", "150", *opts)
    assert code == 0, out
    assert "status at risk" in out  # 50 of the 65 planned by 2025: 77 %
    code, out = _run("monitoring", "plan", str(ids.cz), *opts)
    assert code == 0 and "Jobs in R&D" in out and "150 (2025)" in out
    code, out = _run("monitoring", "progress", "--strategy", str(ids.cz), "--json", *opts)
    assert json.loads(out)["counts"]["at risk"] == 1
    code, out = _run("monitoring", "progress", "--region", "CZ080", "--json", *opts)
    assert json.loads(out)["strategies"][0]["strategy"]["id"] == ids.cz
    code, out = _run("monitoring", "progress", *opts)
    assert code == 0 and "CZ080" in out and "at risk" in out
    # --as-user: a viewer and an editor of another region may not record
    for user in ("vera", "eva"):
        code, out = _run(
            "monitoring", "record", str(made["id"]), "2026", "1", "--as-user", user, *opts
        )
        assert code != 0 and "not allowed" in out, out


def test_import_all_or_nothing(where: tuple[list[str], Any], tmp_path: Path) -> None:
    opts, ids = where
    code, out = _run(
        "monitoring",
        "add-indicator",
        str(ids.cz),
        "--name",
        "Firms",
        "--kind",
        "output",
        "--json",
        *opts,
    )
    firms = json.loads(out)["id"]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"indicator_id,year,value\n{firms},2023,5\n{firms},2024,five\n")
    code, out = _run("monitoring", "import", str(bad), *opts)
    assert code != 0 and "row 3, column value" in out
    code, out = _run("monitoring", "import", str(bad), "--dry-run", "--json", *opts)
    assert code == 0 and json.loads(out)["problems"][0]["row"] == 3
    code, out = _run("monitoring", "plan", str(ids.cz), "--json", *opts)
    stored = next(i for i in json.loads(out)["indicators"] if i["id"] == firms)
    assert stored["values"] == []
    good = tmp_path / "good.csv"
    good.write_text(f"indicator_id,year,value\n{firms},2023,5\n{firms},2024,6\n")
    code, out = _run("monitoring", "import", str(good), *opts)
    assert code == 0 and "values 2 new" in out


def test_computed_and_measures(where: tuple[list[str], Any]) -> None:
    opts, ids = where
    spec = json.dumps({"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["62", "63"]})
    code, out = _run(
        "monitoring",
        "add-indicator",
        str(ids.cz),
        "--name",
        "Software share",
        "--computed",
        spec,
        "--json",
        *opts,
    )
    assert code == 0, out
    made = json.loads(out)
    assert made["values"] and made["computed"]["measure"] == "share"
    code, out = _run("monitoring", "refresh", str(made["id"]), *opts)
    assert code == 0 and f"{len(made['values'])} value(s) from eu-nuts2-sbs@" in out
    code, out = _run(
        "monitoring", "add-indicator", str(ids.cz), "--name", "x", "--computed", "{", *opts
    )
    assert code != 0 and "not JSON" in out
    code, out = _run("monitoring", "starter", "--measures", *opts)
    assert code == 0 and "share" in out and "rd_intensity" in out
