"""The monitoring API: permissions by token (401, 403 for viewers, reviewers and editors of
another region), versions (If-Match, 409 with both), values, targets, imports, progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartspec.app import SmartSpecApp


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, new_plan: Any) -> Iterator[tuple[Any, Any]]:
    app, ids = new_plan(str(tmp_path_factory.mktemp("monitoring-api")))
    with app.client() as client:
        yield app, ids, client
    app.close()


def _auth(app: SmartSpecApp, token_for: Any, role: str, regions: tuple[str, ...] = ()) -> dict:
    return {"Authorization": f"Bearer {token_for(app, role, regions)}"}


JOBS = {
    "kind": "result",
    "name": "Jobs in R&D",
    "unit": "persons",
    "baseline_year": 2020,
    "baseline_value": 100,
    "targets": [{"year": 2023, "value": 130}, {"year": 2027, "value": 200, "kind": "target"}],
}


def test_write_permissions(api: Any, token_for: Any) -> None:
    app, ids, client = api
    url = f"/api/v1/monitoring/strategies/{ids.cz}/indicators"
    assert client.post(url, json=JOBS).status_code == 401
    for role, regions in (("viewer", ()), ("reviewer", ()), ("editor", ("ES51",))):
        answer = client.post(url, json=JOBS, headers=_auth(app, token_for, role, regions))
        assert answer.status_code == 403, (role, answer.json())
        assert answer.json()["error"]["code"] == "forbidden"
    mine = client.post(url, json=JOBS, headers=_auth(app, token_for, "editor", ("CZ080",)))
    assert mine.status_code == 201 and mine.headers["ETag"] == '"1"'
    assert mine.json()["region"] == "CZ080"
    admin = client.post(url, json=JOBS, headers=_auth(app, token_for, "admin"))
    assert admin.status_code == 201
    objective = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/objectives",
        json={"title": "More R&D jobs", "priority_id": ids.automotive},
    )
    assert objective.status_code == 401
    objective = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/objectives",
        json={"title": "More R&D jobs", "priority_id": ids.automotive},
        headers=_auth(app, token_for, "editor", ("CZ080",)),
    )
    assert objective.status_code == 201
    action = client.post(
        f"/api/v1/monitoring/objectives/{objective.json()['id']}/actions",
        json={"title": "Vouchers", "instrument": "grant", "budget": 250000},
        headers=_auth(app, token_for, "editor", ("ES51",)),
    )
    assert action.status_code == 403
    action = client.post(
        f"/api/v1/monitoring/objectives/{objective.json()['id']}/actions",
        json={"title": "Vouchers", "instrument": "grant", "budget": 250000},
        headers=_auth(app, token_for, "admin"),
    )
    assert action.status_code == 201 and action.json()["budget"] == 250000
    plan = client.get(f"/api/v1/monitoring/strategies/{ids.cz}").json()
    automotive = next(p for p in plan["priorities"] if p["id"] == ids.automotive)
    assert automotive["objectives"][0]["actions"][0]["title"] == "Vouchers"
    assert client.get("/api/v1/monitoring/strategies/999999").status_code == 404


def test_edit_versions_values_and_progress(api: Any, token_for: Any) -> None:
    app, ids, client = api
    editor = _auth(app, token_for, "editor", ("CZ080",))
    made = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/indicators", json=JOBS, headers=editor
    ).json()
    url = f"/api/v1/monitoring/indicators/{made['id']}"
    got = client.get(url)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    assert got.headers["Cache-Control"] == "no-store"
    no_version = client.put(url, json={**JOBS, "unit": "FTE"}, headers=editor)
    assert no_version.status_code == 400
    changed = client.put(url, json={**JOBS, "unit": "FTE"}, headers={**editor, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.put(url, json={**JOBS, "unit": "heads", "version": 1}, headers=editor)
    assert stale.status_code == 409
    body = stale.json()["error"]
    assert body["code"] == "edit_conflict"
    assert body["details"]["current"]["unit"] == "FTE"
    assert body["details"]["yours"]["unit"] == "heads"
    # values: 2025 planned 165, 150 is 50 of 65 = 77 %: at risk
    value = client.put(f"{url}/values/2025", json={"value": 150, "note": "office"}, headers=editor)
    assert value.status_code == 200
    assert value.json()["progress"]["status"] == "at risk"
    assert value.json()["progress"]["expected"] == 165.0
    other = _auth(app, token_for, "editor", ("ES51",))
    assert client.put(f"{url}/values/2025", json={"value": 1}, headers=other).status_code == 403
    assert client.put(f"{url}/values/1800", json={"value": 1}, headers=editor).status_code == 400
    targets = client.put(
        f"{url}/targets",
        json={"targets": [{"year": 2027, "value": 160, "kind": "target"}]},
        headers=editor,
    )
    # planned for 2025: 100 + 60 * 5/7 = 142.9; 150 is above it: on track
    assert targets.status_code == 200 and targets.json()["progress"]["status"] == "on track"
    wrong = client.put(
        f"{url}/targets",
        json={"targets": [{"year": 2027, "value": 50, "kind": "target"}]},
        headers=editor,
    )
    assert wrong.status_code == 422 and "wrong way" in wrong.json()["error"]["message"]
    progress = client.get(f"/api/v1/monitoring/strategies/{ids.cz}/progress").json()
    assert progress["counts"]["on track"] >= 1
    assert client.get("/api/v1/monitoring/progress").json()["counts"]["CZ080"]
    region = client.get("/api/v1/monitoring/regions/CZ080").json()
    assert region["strategies"][0]["strategy"]["id"] == ids.cz
    history = client.get(f"{url}/history").json()
    assert [h["action"] for h in history] == ["create", "update", "value", "targets"]
    deleted = client.delete(f"{url}/values/2025", headers=editor)
    assert deleted.status_code == 200 and deleted.json()["values"] == []
    version = client.get(url).json()["version"]
    assert client.delete(url, headers={**editor, "If-Match": '"1"'}).status_code == 409
    assert client.delete(url, headers={**other, "If-Match": f'"{version}"'}).status_code == 403
    assert client.delete(url, headers={**editor, "If-Match": f'"{version}"'}).status_code == 204
    assert client.get(url).status_code == 404


def test_import_and_listings(api: Any, token_for: Any) -> None:
    app, ids, client = api
    editor = _auth(app, token_for, "editor", ("CZ080",))
    made = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/indicators", json=JOBS, headers=editor
    ).json()
    good = {"file": ("v.csv", f"indicator_id,year,value\n{made['id']},2024,140\n", "text/csv")}
    bad = {"file": ("b.csv", f"indicator_id,year,value\n{made['id']},2024,x\n", "text/csv")}
    assert client.post("/api/v1/monitoring/values/import", files=good).status_code == 401
    refused = client.post("/api/v1/monitoring/values/import", files=bad, headers=editor)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid.import"
    dry = client.post(
        "/api/v1/monitoring/values/import", files=bad, data={"dry_run": "true"}, headers=editor
    )
    assert dry.status_code == 200 and [p["row"] for p in dry.json()["problems"]] == [2]
    assert client.get(f"/api/v1/monitoring/indicators/{made['id']}").json()["values"] == []
    stored = client.post("/api/v1/monitoring/values/import", files=good, headers=editor)
    assert stored.status_code == 200 and stored.json()["stored"] == 1
    values = client.get(f"/api/v1/monitoring/indicators/{made['id']}").json()["values"]
    assert [(v["year"], v["value"], v["origin"]) for v in values] == [(2024, 140.0, "import")]
    measures = client.get("/api/v1/monitoring/measures").json()
    assert measures["share"]["needs_activities"] is True
    computed = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/indicators",
        json={
            "name": "Automotive share",
            "computed": {"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["29"]},
        },
        headers=editor,
    )
    assert computed.status_code == 201
    assert {v["origin"] for v in computed.json()["values"]} == {"computed"}
    refresh = client.post(
        f"/api/v1/monitoring/indicators/{computed.json()['id']}/refresh", headers=editor
    )
    assert refresh.status_code == 200
    assert refresh.json()["values"] == computed.json()["values"]
    manual = client.put(
        f"/api/v1/monitoring/indicators/{computed.json()['id']}/values/2020",
        json={"value": 1},
        headers=editor,
    )
    assert manual.status_code == 409


def test_objective_and_action_edits(api: Any, token_for: Any) -> None:
    app, ids, client = api
    editor = _auth(app, token_for, "editor", ("CZ080",))
    objective = client.post(
        f"/api/v1/monitoring/strategies/{ids.cz}/objectives", json={"title": "A"}, headers=editor
    ).json()
    url = f"/api/v1/monitoring/objectives/{objective['id']}"
    assert client.put(url, json={"title": "B", "version": 1}).status_code == 401
    assert client.put(url, json={"title": "B"}, headers=editor).status_code == 400  # no version
    changed = client.put(url, json={"title": "B"}, headers={**editor, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    assert client.put(url, json={"title": "C", "version": 1}, headers=editor).status_code == 409
    action = client.post(f"{url}/actions", json={"title": "Grant"}, headers=editor).json()
    action_url = f"/api/v1/monitoring/actions/{action['id']}"
    edited = client.put(action_url, json={"title": "Loan", "version": 1}, headers=editor)
    assert edited.status_code == 200 and edited.json()["title"] == "Loan"
    assert client.delete(url, params={"version": 2}, headers=editor).status_code == 409
    assert client.delete(action_url, params={"version": 2}, headers=editor).status_code == 204
    assert client.delete(url, params={"version": 2}, headers=editor).status_code == 204
