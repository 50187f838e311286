"""The benchmark API and CLI: the same views as the service, bounded parameters, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.domains.benchmark import service
from smartspec.services.cli import main


def test_api_neighbours_compare_and_indicators(bench_client: Any, bench_app: Any) -> None:
    r = bench_client.get("/api/v1/benchmark/ES21", params={"top": 4})
    assert r.status_code == 200
    body = r.json()
    assert body == service.similar_regions(bench_app, "ES21", top=4).model_dump(mode="json")
    assert body["measure"] == "structure" and len(body["items"]) == 4
    comb = bench_client.get(
        "/api/v1/benchmark/ES21", params={"measure": "combined", "dataset": "eu-nuts2-sbs"}
    ).json()
    assert comb["measure"] == "combined" and comb["dataset"] == "eu-nuts2-sbs"
    prio = bench_client.get("/api/v1/benchmark/CZ064", params={"measure": "priorities"})
    assert prio.status_code == 200 and prio.json()["items"][0]["region"].startswith("CZ")
    cmp_ = bench_client.get("/api/v1/benchmark/ES21/compare/DE21").json()
    assert cmp_["region"] == "ES21" and cmp_["other"] == "DE21"
    assert len(cmp_["indicators"]) == 18
    meta = bench_client.get("/api/v1/benchmark/indicators").json()
    assert meta["reference_year"] == 2017 and len(meta["regions"]) == 277
    schema = bench_client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/benchmark/{region}/compare/{other}" in schema


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/v1/benchmark/ZZ99", {}, 404, "unknown_region"),
        ("/api/v1/benchmark/HR02", {}, 422, "invalid"),
        ("/api/v1/benchmark/ES21", {"top": 101}, 400, None),
        ("/api/v1/benchmark/ES21", {"top": 0}, 400, None),
        ("/api/v1/benchmark/ES21", {"measure": "size"}, 400, None),
        ("/api/v1/benchmark/ES21", {"measure": "activity", "dataset": "nope"}, 404, None),
        ("/api/v1/benchmark/ES21", {"measure": "priorities"}, 404, "unknown_record"),
        ("/api/v1/benchmark/ES21/compare/ES21", {}, 400, "bad_request"),
    ],
)
def test_api_bad_input(
    bench_client: Any, url: str, params: dict[str, Any], status: int, code: str | None
) -> None:
    r = bench_client.get(url, params=params)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_json_is_the_api_answer(bench_app: Any, bench_client: Any, tmp_path: Path) -> None:
    data = str(tmp_path / "cli")
    result = _cli("benchmark", "--region", "ES21", "--top", "5", "--json", "--data-dir", data)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    api = bench_client.get("/api/v1/benchmark/ES21", params={"top": 5}).json()
    assert printed == api
    assert [i["region"] for i in printed["items"]] == ["DEA4", "ITH5", "ITC1", "ITI1", "DE92"]
    text = _cli("benchmark", "--region", "País Vasco", "--top", "2", "--data-dir", data)
    assert text.exit_code == 0 and "DEA4" in text.output and "structure" in text.output
    act = _cli("benchmark", "--region", "ES21", "--measure", "activity", "--json",
               "--data-dir", data)  # fmt: skip
    assert json.loads(act.output)["measure"] == "activity"


def test_cli_subcommands(bench_client: Any) -> None:
    compared = _cli("benchmark", "compare", "ES21", "DE21", "--json")
    assert compared.exit_code == 0
    assert (
        json.loads(compared.output)
        == bench_client.get("/api/v1/benchmark/ES21/compare/DE21").json()
    )
    text = _cli("benchmark", "compare", "ES21", "DE21")
    assert "alike:" in text.output and "apart:" in text.output
    meta = _cli("benchmark", "indicators", "--json")
    assert json.loads(meta.output) == bench_client.get("/api/v1/benchmark/indicators").json()
    stab = _cli("benchmark", "stability", "--k", "5", "--draws", "2", "--region", "ES21", "--json")
    assert stab.exit_code == 0
    assert set(json.loads(stab.output)["summary"]) == {"indicators", "noise", "both"}


def test_cli_bad_input(tmp_path: Path) -> None:
    data = str(tmp_path / "cli")
    missing = _cli("benchmark", "--data-dir", data)
    assert missing.exit_code == 2 and "--region" in missing.output
    too_many = _cli("benchmark", "--region", "ES21", "--top", "500")
    assert too_many.exit_code == 2 and "500" in too_many.output
    unknown = _cli("benchmark", "--region", "ZZ99", "--data-dir", data)
    assert unknown.exit_code != 0 and "not in the data" in unknown.output
    refused = _cli("benchmark", "compare", "HR02", "ES21")
    assert refused.exit_code != 0 and "too few structural indicators" in refused.output
