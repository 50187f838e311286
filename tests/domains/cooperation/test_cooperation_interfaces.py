"""``smartspec cooperation ...`` and ``GET /api/v1/cooperation/...``: the same views, the exact
script contract (``summary --country MX --programme h2020|fp7 --json``), bad input answered
with exit code 2 / HTTP 422."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.services.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("programme", "expected"),
    [("h2020", (79, 39, 55, 869_764)), ("fp7", (124, 61, 86, None))],
)
def test_cli_summary_json(programme: str, expected: tuple[Any, ...]) -> None:
    code, out = _run(
        "cooperation", "summary", "--country", "MX", "--programme", programme, "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    money = data["eu_contribution"]
    got = (data["participations"], data["organisations"], data["projects"])
    assert got == expected[:3]
    assert (round(money) if money is not None else None) == expected[3]
    assert {c["code"] for c in data["caveats"]} >= {"titles_missing", "no_horizon_europe"}


@pytest.mark.parametrize(
    "command", ["timeline", "organisations", "states", "partners", "indicators", "network"]
)
def test_cli_subcommands_json(command: str) -> None:
    code, out = _run("cooperation", command, "--programme", "h2020", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["country"] == "MX" and data["programme"] == "h2020"


def test_cli_text_output() -> None:
    code, out = _run("cooperation", "summary")
    assert code == 0 and "participations: 79" in out and "EUR 869,764" in out
    code, out = _run("cooperation", "states", "--programme", "fp7")
    assert code == 0 and "Ciudad de México" in out and "unassigned: 6" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summary", "--programme", "horizon-europe"], "--programme"),
        (["summary", "--country", "XX"], "unknown country"),
        (["states", "--country", "ES"], "Mexico only"),
        (["network", "--top", "0"], "--top"),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    code, out = _run("cooperation", *args)
    assert code == 2, out
    assert message in out


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=Path(tmp_path_factory.mktemp("coop-api")), datasets=[])
    yield app.client(raise_server_exceptions=True)
    app.close()


def test_api_summary_matches_cli(client: Any) -> None:
    answer = client.get("/api/v1/cooperation/summary", params={"country": "MX"})
    assert answer.status_code == 200
    _, out = _run("cooperation", "summary", "--json")
    assert answer.json() == json.loads(out)
    fp7 = client.get("/api/v1/cooperation/summary?country=mx&programme=fp7").json()
    assert (fp7["participations"], fp7["organisations"], fp7["projects"]) == (124, 61, 86)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("timeline", "rows"),
        ("organisations", "rows"),
        ("states", "assignments"),
        ("partners", "countries"),
        ("indicators", "hubs"),
        ("network", "nodes"),
    ],
)
def test_api_views(client: Any, path: str, key: str) -> None:
    answer = client.get(f"/api/v1/cooperation/{path}", params={"programme": "h2020"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body[key] and body["caveats"]


def test_api_network_search(client: Any) -> None:
    body = client.get("/api/v1/cooperation/network", params={"q": "itesm", "top": 20}).json()
    assert body["matches"] == ["999625741"]
    assert len(body["nodes"]) == 20


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("summary", {"programme": "he"}, 422),
        ("summary", {"country": "XX"}, 422),
        ("timeline", {"country": "GB"}, 422),
        ("states", {"country": "ES"}, 422),
        ("network", {"country": "ES"}, 422),
        ("organisations", {"top": 1001}, 400),
        ("network", {"q": "x" * 101}, 400),
    ],
)
def test_api_bad_input(client: Any, path: str, params: dict[str, Any], status: int) -> None:
    answer = client.get(f"/api/v1/cooperation/{path}", params=params)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["expected"] and error["found"]
