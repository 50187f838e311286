"""The review API: the whole workflow over HTTP with bearer tokens, the status codes of the
refusals (401, 403, 409, 422) and their error bodies, results, rubric and self-assessments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.registry.views import StrategyIn
from smartspec.domains.review.rubric import rubric

KEYS = rubric().keys


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmartSpecApp]:
    app = SmartSpecApp(
        data_dir=str(tmp_path_factory.mktemp("review-api")),
        datasets=[],
        settings={"registry_example": False},
    )
    yield app
    app.close()


def _client(app: SmartSpecApp, token_for: Callable[..., str], role: str, *regions: str) -> Any:
    if role == "anonymous":
        return app.client()
    return app.client(headers={"Authorization": f"Bearer {token_for(app, role, regions)}"})


def test_workflow_over_http(api_app: SmartSpecApp, token_for: Callable[..., str]) -> None:
    strategy = api_app.registry.upsert_strategy(
        CLI_ACCOUNT, StrategyIn(region="MX28", period="2021-2027", title="Tamaulipas RIS3")
    ).id
    editor = _client(api_app, token_for, "editor", "MX28")
    reviewer = _client(api_app, token_for, "reviewer", "ES51")
    viewer = _client(api_app, token_for, "viewer")
    anonymous = _client(api_app, token_for, "anonymous")

    assert anonymous.post("/api/v1/reviews", json={"strategy_id": strategy}).status_code == 401
    refused = viewer.post("/api/v1/reviews", json={"strategy_id": strategy})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    made = editor.post("/api/v1/reviews", json={"strategy_id": strategy, "note": "priority 2"})
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert made.json()["state"] == "draft" and made.json()["allowed"] == ["submit", "invite"]

    early = editor.post(f"/api/v1/reviews/{rid}/start")
    assert early.status_code == 409
    error = early.json()["error"]
    assert error["code"] == "conflict" and "'draft'" in error["message"]
    assert "submit" in error["fix"]

    assert editor.post(f"/api/v1/reviews/{rid}/submit").json()["state"] == "submitted"
    assert editor.post(f"/api/v1/reviews/{rid}/withdraw").json()["state"] == "draft"
    assert editor.post(f"/api/v1/reviews/{rid}/submit").json()["state"] == "submitted"
    assert [c["name"] for c in editor.get(f"/api/v1/reviews/{rid}/candidates").json()] == [
        "test-reviewer-es51"
    ]
    invited = editor.post(f"/api/v1/reviews/{rid}/invite", json={"reviewer": "test-reviewer-es51"})
    assert invited.status_code == 200 and invited.json()["n_reviewers"] == 1
    own = _client(api_app, token_for, "reviewer", "MX")
    assert own.get("/api/v1/reviews").status_code == 200
    mine = editor.post(f"/api/v1/reviews/{rid}/invite", json={"reviewer": "test-reviewer-mx"})
    assert mine.status_code == 422 and "own region" in mine.json()["error"]["message"]

    hidden = viewer.get(f"/api/v1/reviews/{rid}")
    assert hidden.status_code == 403
    assert viewer.get(f"/api/v1/reviews/{rid}/results").status_code == 403
    assert rid not in [r["id"] for r in viewer.get("/api/v1/reviews").json()]

    assert editor.post(f"/api/v1/reviews/{rid}/start").json()["state"] == "in review"
    body = {"scores": {k: {"score": 4, "comment": ""} for k in KEYS}}
    body["scores"][KEYS[0]] = {"score": None, "comment": "n/a here"}
    assert viewer.post(f"/api/v1/reviews/{rid}/score", json=body).status_code == 403
    bad = reviewer.post(f"/api/v1/reviews/{rid}/score", json={"scores": {KEYS[1]: {"score": 9}}})
    assert bad.status_code == 422
    scored = reviewer.post(f"/api/v1/reviews/{rid}/score", json=body)
    assert scored.status_code == 200, scored.text
    assert scored.json()["my_scores"][KEYS[0]]["comment"] == "n/a here"
    assert reviewer.post(f"/api/v1/reviews/{rid}/complete").status_code == 403
    done = editor.post(f"/api/v1/reviews/{rid}/complete")
    assert done.json()["state"] == "completed"
    assert [e["to_state"] for e in done.json()["events"]][-1] == "completed"

    results = anonymous.get(f"/api/v1/reviews/{rid}/results")
    assert results.status_code == 200 and results.headers["cache-control"] == "no-store"
    out = results.json()
    criterion = next(c for c in out["criteria"] if c["key"] == KEYS[0])
    assert (criterion["n"], criterion["n_na"], criterion["mean"]) == (0, 1, None)
    assert criterion["comments"] == [{"reviewer": "reviewer 1", "score": None, "text": "n/a here"}]
    assert next(s for s in out["steps"] if s["key"] == "governance-2021")["mean"] == 4.0
    assert rid in [r["id"] for r in anonymous.get("/api/v1/reviews?state=completed").json()]
    assert anonymous.get(f"/api/v1/reviews/{rid}").json()["invitees"] == []
    assert anonymous.get("/api/v1/reviews/987654").status_code == 404
    assert anonymous.get("/api/v1/reviews?state=nope").status_code == 400


def test_rubric_and_self_assessments(api_app: SmartSpecApp, token_for: Callable[..., str]) -> None:
    anonymous = _client(api_app, token_for, "anonymous")
    rub = anonymous.get("/api/v1/reviews/rubric").json()
    assert [s["key"] for s in rub["steps"]][-1] == "governance-2021"
    assert rub["steps"][0]["criteria"][0]["question"]["es"]
    editor = _client(api_app, token_for, "editor", "MX28")
    body = {"region": "MX28", "year": 2024, "answers": {"gg-body": 4, "gg-edp": 2}}
    assert anonymous.post("/api/v1/self-assessments", json=body).status_code == 401
    saved = editor.post("/api/v1/self-assessments", json=body)
    assert saved.status_code == 201, saved.text
    assert saved.json()["steps"]["governance-2021"] == 3.0
    other = editor.post("/api/v1/self-assessments", json={**body, "region": "MX09"})
    assert other.status_code == 403
    listed = anonymous.get("/api/v1/self-assessments?region=MX28").json()
    assert [d["year"] for d in listed] == [2024]
    compared = anonymous.get("/api/v1/self-assessments/compare?regions=MX28&regions=MX09").json()
    assert [r["region"] for r in compared["regions"]] == ["MX28", "MX09"]
    assert compared["regions"][0]["overall"] == 3.0
    assert anonymous.get("/api/v1/self-assessments/compare").status_code == 400
