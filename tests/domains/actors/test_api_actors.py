"""The actors API: every write endpoint for every role and anonymous (editing organisations
needs the editor role), the lost update answered 409 with both versions, import (all or
nothing), partners and networks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartspec.app import SmartSpecApp

#: Who asks: a role with its region grants, or nobody.
WHO: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anonymous": None,
    "viewer": ("viewer", ()),
    "reviewer": ("reviewer", ("ES51",)),
    "editor-other": ("editor", ("MX09",)),
    "editor": ("editor", ("ES51",)),
    "admin": ("admin", ()),
}
EXPECTED = {"anonymous": 401, "viewer": 403, "reviewer": 403, "editor-other": 403}
BODY = {"name": "Catalan Cluster", "type": "OTH", "country": "ES", "region": "ES51"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, new_app: Any) -> Iterator[SmartSpecApp]:
    made = new_app(str(tmp_path_factory.mktemp("actors-api")))
    yield made
    made.close()


def _headers(app: SmartSpecApp, token_for: Any, who: str) -> dict[str, str]:
    actor = WHO[who]
    if actor is None:
        return {}
    role, regions = actor
    return {"Authorization": f"Bearer {token_for(app, role, regions)}"}


def _new(app: SmartSpecApp, token_for: Any) -> dict[str, Any]:
    answer = app.client().post(
        "/api/v1/organisations", json=BODY, headers=_headers(app, token_for, "admin")
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("action", ["create", "update", "delete", "import"])
def test_write_permissions(app: SmartSpecApp, token_for: Any, who: str, action: str) -> None:
    client = app.client()
    headers = _headers(app, token_for, who)
    if action == "create":
        answer = client.post("/api/v1/organisations", json=BODY, headers=headers)
    elif action == "import":
        files = {"file": ("o.csv", b"name,region\nImported,ES51\n", "text/csv")}
        answer = client.post("/api/v1/organisations/import", files=files, headers=headers)
    else:
        target = _new(app, token_for)
        url = f"/api/v1/organisations/{target['id']}"
        if action == "update":
            answer = client.put(
                url, json={**BODY, "name": "Renamed", "version": 1}, headers=headers
            )
        else:
            answer = client.delete(url, params={"version": 1}, headers=headers)
    expected = EXPECTED.get(who, {"create": 201, "delete": 204}.get(action, 200))
    assert answer.status_code == expected, answer.text
    if expected in (401, 403):
        assert answer.json()["error"]["code"] == (
            "unauthenticated" if expected == 401 else "forbidden"
        )


def test_read_update_conflict(app: SmartSpecApp, token_for: Any) -> None:
    client = app.client()
    made = _new(app, token_for)
    url = f"/api/v1/organisations/{made['id']}"
    answer = client.get(url)
    assert answer.status_code == 200 and answer.headers["ETag"] == '"1"'
    assert answer.json()["helix"] == "civil society"
    headers = _headers(app, token_for, "editor")
    first = client.put(url, json={**BODY, "name": "First"}, headers={**headers, "If-Match": '"1"'})
    assert first.status_code == 200 and first.json()["version"] == 2
    late = client.put(url, json={**BODY, "name": "Late", "version": 1}, headers=headers)
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "edit_conflict"
    assert (
        error["details"]["current"]["name"] == "First"
        and error["details"]["yours"]["name"] == "Late"
    )
    missing = client.put(url, json=BODY, headers=headers)
    assert missing.status_code == 400  # no version named
    assert client.get("/api/v1/organisations/999999").status_code == 404
    bad = client.post("/api/v1/organisations", json={**BODY, "type": "XYZ"}, headers=headers)
    assert bad.status_code == 422


def test_import_all_or_nothing(app: SmartSpecApp, token_for: Any) -> None:
    client = app.client()
    headers = _headers(app, token_for, "admin")
    before = client.get("/api/v1/organisations", params={"limit": 1}).json()["total"]
    files = {"file": ("b.csv", b"name,type\nGood,PRC\nBad,XYZ\n", "text/csv")}
    answer = client.post("/api/v1/organisations/import", files=files, headers=headers)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid.import"
    dry = client.post(
        "/api/v1/organisations/import", files=files, data={"dry_run": "true"}, headers=headers
    )
    assert dry.status_code == 200 and len(dry.json()["problems"]) == 1
    assert client.get("/api/v1/organisations", params={"limit": 1}).json()["total"] == before


def test_partners_and_network(app: SmartSpecApp, org_id: Any) -> None:
    client = app.client()
    a = org_id(app, "PA")
    answer = client.get(f"/api/v1/organisations/{a}/partners", params={"measure": "network"})
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["organisation"]["source_id"] for i in items] == ["PB", "PC", "PD"]
    assert items[2]["via"] == ["Beta Logistica SL"] and items[2]["distance"] == 2
    region = client.get("/api/v1/actors/partners", params={"region": "MX", "helix": "research"})
    assert region.status_code == 200 and region.json()["filters"] == {"helix": "research"}
    assert client.get("/api/v1/actors/partners", params={"region": "JP"}).status_code == 404
    assert client.get(f"/api/v1/organisations/{a}/partners", params={"top": 500}).status_code == 400
    projects = client.get(f"/api/v1/organisations/{a}/participations").json()
    assert [(p["project"], p["role"], p["year"]) for p in projects] == [("p1", "coordinator", 2016)]
    net = client.get("/api/v1/actors/network", params={"level": "org", "q": "alfa"}).json()
    assert [n["label"] for n in net["nodes"] if n["focus"]] == ["Alfa Universidad"]
    assert net["nodes_total"] >= 6 and net["helix_bridges"]
    countries = client.get("/api/v1/actors/network", params={"level": "country"}).json()
    assert countries["country_bridges"] == [] and countries["nodes_total"] == 5
    assert client.get("/api/v1/actors/network", params={"level": "x"}).status_code == 400
