"""``/api/v1/partners/...`` and ``smartspec partners``: examples, evaluation, bounds, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.services.cli import main

CHAIN = {
    "name": "Food",
    "stages": [
        {"name": "Processing", "activities": ["C10", "C11"]},
        {"name": "Packaging", "activities": ["C17", "C22"]},
        {"name": "Retail", "activities": ["G47"]},
    ],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("partners-api")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=data_dir,
        datasets=["eu-nuts2-sbs", "eu-nuts2-ardeco", "us-state-industry", "mx-tamaulipas"],
    )
    yield app.client()
    app.close()


def test_list_examples(client: Any) -> None:
    r = client.get("/api/v1/partners/chains")
    assert r.status_code == 200
    assert {e["id"] for e in r.json()} == {"automotive", "agrifood", "industry-services"}


def test_evaluate_example_and_body_agree(client: Any) -> None:
    r = client.get("/api/v1/partners/chains/agrifood", params={"top": 5, "size": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dataset"] == "eu-nuts2-sbs" and body["periods"] == {"eu-nuts2-sbs": 2014}
    assert len(body["ranking"]["stages"]) == 5
    assert all(len(s["members"]) == 2 for s in body["partner_sets"]["sets"])
    assert body["matrix"]["stages"] == [s["name"] for s in body["chain"]["stages"]]
    assert any("ROC-AUC" in c for c in body["caveats"])
    assert "no candidate region has declared priorities" in body["partner_sets"]["similarity_note"]
    chain = body["chain"]
    again = client.post(
        "/api/v1/partners/chains/evaluate", json={"chain": chain, "top": 5, "size": 2}
    )
    assert again.status_code == 200
    assert again.json()["partner_sets"] == body["partner_sets"]


def test_evaluate_posted_chain_in_spanish(client: Any) -> None:
    r = client.post(
        "/api/v1/partners/chains/evaluate",
        params={"lang": "es"},
        json={"chain": CHAIN, "dataset": "eu-nuts2-sbs", "region": "ES51", "top": 3},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["partner_sets"]["anchor"] == "ES51"
    names = [a["name"] for a in body["ranking"]["stages"][0]["activities"]]
    assert names == ["Industria de la alimentación", "Fabricación de bebidas"]


@pytest.mark.parametrize(
    ("body", "status", "code", "said"),
    [
        ({"chain": CHAIN, "dataset": "eu-nuts2-sbs", "top": 51}, 400, "bad_request", "top"),
        (
            {"chain": {**CHAIN, "stages": CHAIN["stages"] * 4}, "dataset": "eu-nuts2-sbs"},
            400,
            "bad_request",
            "at most 10",
        ),
        (
            {
                "chain": {"name": "x", "stages": [{"name": "a", "activities": ["C10"] * 51}]},
                "dataset": "eu-nuts2-sbs",
            },
            400,
            "bad_request",
            "at most 50",
        ),
        (
            {"chain": {**CHAIN, "stages": CHAIN["stages"][:1]}, "dataset": "eu-nuts2-sbs"},
            422,
            "invalid.value_chain",
            "2 to 10 stages",
        ),
        (
            {
                "chain": {**CHAIN, "stages": [*CHAIN["stages"], {"name": "x", "activities": []}]},
                "dataset": "eu-nuts2-sbs",
            },
            422,
            "invalid.value_chain",
            "has no activity",
        ),
        ({"chain": CHAIN, "dataset": "eu-nuts2-ardeco"}, 404, "unknown_activity", "C10"),
        ({"chain": CHAIN}, 400, "bad_request", "no dataset"),
        (
            {"chain": CHAIN, "dataset": "eu-nuts2-sbs+nz-urban-industry"},
            404,
            "unknown_dataset",
            "nz-urban-industry",
        ),
    ],
)
def test_bad_requests_answer_clearly(
    client: Any, body: dict[str, Any], status: int, code: str, said: str
) -> None:
    r = client.post("/api/v1/partners/chains/evaluate", json=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"].startswith(code)
    assert said in error["message"]


def test_unknown_example_is_404(client: Any) -> None:
    r = client.get("/api/v1/partners/chains/steel")
    assert r.status_code == 404 and "automotive" in r.json()["error"]["expected"]


# ------------------------------------------------------------------------------------ CLI
def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_examples(data_dir: Path) -> None:
    code, out, _ = _run("partners", "examples", "--json")
    assert code == 0
    assert [e["id"] for e in json.loads(out)] == ["agrifood", "automotive", "industry-services"]


def test_cli_chain_json_matches_the_api(client: Any, data_dir: Path) -> None:
    where = ["--data-dir", str(data_dir)]
    code, out, _ = _run(
        "partners", "chain", "--example", "automotive", "--top", "3", "--json", *where
    )
    assert code == 0, out
    body = json.loads(out)
    api = client.get("/api/v1/partners/chains/automotive", params={"top": 3}).json()
    assert body["partner_sets"] == api["partner_sets"]
    assert body["matrix"]["rows"] == api["matrix"]["rows"]


def test_cli_chain_file_text_and_matrix_csv(data_dir: Path, tmp_path: Path) -> None:
    where = ["--data-dir", str(data_dir)]
    path = tmp_path / "food.json"
    path.write_text(json.dumps(CHAIN))
    code, out, err = _run(
        "partners", "chain", str(path), "--dataset", "eu-nuts2-sbs", "--top", "2", *where
    )
    assert code == 0, out + err
    assert "stage 1: Processing [C10, C11]" in out and "partner sets" in out
    assert "caveat: relatedness density predicts entry modestly" in err
    code, out, _ = _run(
        "partners", "matrix", str(path), "--dataset", "eu-nuts2-sbs", "--top", "2", "--csv", *where
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "region,name,stage,value,share,rca,density,covered"
    assert len(lines) > 3 and all(line.count(",") >= 7 for line in lines[1:])


def test_cli_refuses_clearly(data_dir: Path, tmp_path: Path) -> None:
    where = ["--data-dir", str(data_dir)]
    code, out, err = _run("partners", "chain", *where)
    assert code != 0 and "FILE or --example" in out + err
    path = tmp_path / "mixed.json"
    path.write_text(
        json.dumps(
            {
                "name": "x",
                "stages": [
                    {"name": "a", "activities": ["C10"]},
                    {"name": "b", "activities": ["31-33"]},
                ],
            }
        )
    )
    code, out, err = _run("partners", "chain", str(path), "--dataset", "eu-nuts2-sbs", *where)
    assert code != 0 and "mixes classifications" in out + err
