"""The registry through the API: every write endpoint × every role and anonymous, the lost
update answered 409 with both versions, history and restore, search, compare, similar, codes,
coherence, import (all or nothing) and export (round trip)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.registry.actions import load_example_once
from smartspec.domains.registry.views import PriorityIn

PRIORITY = {
    "region": "CZ064",
    "period": "2021-2027",
    "title": "Inovace v energetice",
    "description": "Obnovitelné zdroje energie a akumulace.",
    "language": "cs",
    "codes": {"nace": ["35", "27"], "sdg": ["7"]},
    "tags": ["energy"],
}

#: Who asks: a role with its region grants, or nobody.
ACTORS: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anonymous": None,
    "viewer": ("viewer", ()),
    "reviewer": ("reviewer", ("CZ064",)),
    "editor-other": ("editor", ("CZ080",)),
    "editor": ("editor", ("CZ064",)),
    "admin": ("admin", ()),
}
ALLOWED = {"editor", "admin"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmartSpecApp]:
    made = SmartSpecApp(data_dir=tmp_path_factory.mktemp("registry-api"), datasets=["eu-nuts2-sbs"])
    load_example_once(made)
    yield made
    made.close()


def _headers(app: SmartSpecApp, token_for: Any, who: str) -> dict[str, str]:
    actor = ACTORS[who]
    if actor is None:
        return {}
    role, regions = actor
    return {"Authorization": f"Bearer {token_for(app, role, regions)}"}


def _new(app: SmartSpecApp, token_for: Any, **extra: Any) -> dict[str, Any]:
    answer = app.client().post(
        "/api/v1/priorities", json={**PRIORITY, **extra}, headers=_headers(app, token_for, "admin")
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _csv(rows: list[str]) -> bytes:
    header = "region_code,strategy_period,priority_title,description,language,nace"
    return ("\n".join([header, *rows]) + "\n").encode()


def _write(app: SmartSpecApp, token_for: Any, action: str, headers: dict[str, str]) -> Any:
    """One write request of the matrix (each on its own fresh record where it needs one)."""
    client = app.client()
    if action == "create":
        return client.post("/api/v1/priorities", json=PRIORITY, headers=headers)
    if action == "import":
        files = {"file": ("p.csv", _csv(["CZ064,2021-2027,Nová priorita,,cs,28"]), "text/csv")}
        return client.post("/api/v1/priorities/import", files=files, headers=headers)
    if action in ("region", "strategy"):
        body = (
            {"code": "CZ064", "name": "Jihomoravský kraj"}
            if action == "region"
            else {"region": "CZ064", "period": "2021-2027", "title": "RIS3 JMK"}
        )
        return client.put(
            f"/api/v1/registry/{action.replace('y', 'ie')}s", json=body, headers=headers
        )
    made = _new(app, token_for)
    path = f"/api/v1/priorities/{made['id']}"
    if action == "update":
        return client.put(path, json={**PRIORITY, "title": "Nový", "version": 1}, headers=headers)
    if action == "delete":
        return client.delete(path, params={"version": 1}, headers=headers)
    assert action == "restore"
    return client.post(f"{path}/restore", json={"version": 1}, headers=headers)


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize(
    "action", ["create", "update", "delete", "restore", "import", "region", "strategy"]
)
def test_write_permissions(app: SmartSpecApp, token_for: Any, who: str, action: str) -> None:
    headers = _headers(app, token_for, who)
    before = app.client().get("/api/v1/priorities", params={"limit": 1}).json()["total"]
    answer = _write(app, token_for, action, headers)
    if who in ALLOWED:
        assert answer.status_code in (200, 201, 204), answer.text
        return
    expected = 401 if who == "anonymous" else 403
    assert answer.status_code == expected, answer.text
    error = answer.json()["error"]
    assert error["code"] == ("unauthenticated" if expected == 401 else "forbidden")
    assert error["message"] and error["fix"]
    after = app.client().get("/api/v1/priorities", params={"limit": 1}).json()["total"]
    # the record a refused update/delete/restore was aimed at was made by the admin
    assert after - before == (1 if action in ("update", "delete", "restore") else 0)


def test_the_lost_update_is_refused_with_both_versions(app: SmartSpecApp, token_for: Any) -> None:
    made = _new(app, token_for)
    path = f"/api/v1/priorities/{made['id']}"
    ana = _headers(app, token_for, "editor")
    root = _headers(app, token_for, "admin")
    client = app.client()
    first = client.put(path, json={**PRIORITY, "title": "Ana's title", "version": 1}, headers=ana)
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.put(
        path, json={**PRIORITY, "title": "Root's title"}, headers={**root, "If-Match": '"1"'}
    )
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["details"]["current"]["title"] == "Ana's title"
    assert error["details"]["current"]["version"] == 2
    assert error["details"]["yours"]["title"] == "Root's title"
    assert client.get(path).json()["title"] == "Ana's title"
    no_version = client.put(path, json={**PRIORITY, "title": "x"}, headers=root)
    assert no_version.status_code == 400


def test_history_and_restore(app: SmartSpecApp, token_for: Any) -> None:
    made = _new(app, token_for, title="První")
    path = f"/api/v1/priorities/{made['id']}"
    ana = _headers(app, token_for, "editor")
    client = app.client()
    client.put(path, json={**PRIORITY, "title": "Druhý", "version": 1}, headers=ana)
    history = client.get(f"{path}/history").json()
    assert [h["action"] for h in history][-2:] in (["create", "update"], ["update", "create"])
    update = next(h for h in history if h["action"] == "update")
    title = next(c for c in update["changes"] if c["field"] == "title")
    assert (title["old"], title["new"]) == ("První", "Druhý")
    assert update["actor"] == "test-editor-cz064"
    restored = client.post(f"{path}/restore", json={"version": 1}, headers=ana)
    assert restored.json()["title"] == "První" and restored.json()["version"] == 3
    gone = client.delete(path, params={"version": 3}, headers=ana)
    assert gone.status_code == 204 and client.get(path).status_code == 404
    back = client.post(f"{path}/restore", json={"version": 3}, headers=ana)
    assert back.status_code == 200 and back.json()["title"] == "První"


def test_search_is_accent_and_case_insensitive(app: SmartSpecApp) -> None:
    client = app.client()
    plain = client.get("/api/v1/priorities", params={"q": "inovace"}).json()
    assert plain["total"] >= 1
    assert all("inovac" in (p["title"] + p["description"]).lower() for p in plain["items"])
    folded = client.get("/api/v1/priorities", params={"q": "prumysl"}).json()["total"]
    accented = client.get("/api/v1/priorities", params={"q": "Průmysl"}).json()["total"]
    assert folded == accented > 0
    by_code = client.get("/api/v1/priorities", params={"code": "nace:28", "region": "CZ0"})
    assert by_code.json()["total"] >= 10
    assert all("28" in p["codes"]["nace"] for p in by_code.json()["items"])
    hostile = client.get("/api/v1/priorities", params={"q": '"*(NEAR OR'})
    assert hostile.status_code == 200
    too_long = client.get("/api/v1/priorities", params={"q": "x" * 501})
    assert too_long.status_code == 400


def test_unknown_codes_are_refused_and_nothing_stored(app: SmartSpecApp, token_for: Any) -> None:
    client = app.client()
    before = client.get("/api/v1/priorities", params={"limit": 1}).json()["total"]
    bad = {**PRIORITY, "codes": {"nace": ["34"]}}
    answer = client.post("/api/v1/priorities", json=bad, headers=_headers(app, token_for, "admin"))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid.code"
    assert "34" in answer.json()["error"]["message"]
    assert client.get("/api/v1/priorities", params={"limit": 1}).json()["total"] == before


def test_a_malformed_import_stores_nothing_and_reports_every_problem(
    app: SmartSpecApp, token_for: Any
) -> None:
    client = app.client()
    headers = _headers(app, token_for, "admin")
    before = client.get("/api/v1/priorities", params={"limit": 1}).json()["total"]
    data = _csv(
        [
            "CZ064,2021-2027,Good row,,cs,28",
            "CZ064,2021-2027,,,cs,28",
            "CZ064,2021-2027,Bad code,,cs,34;99",
        ]
    )
    answer = client.post(
        "/api/v1/priorities/import", files={"file": ("p.csv", data, "text/csv")}, headers=headers
    )
    assert answer.status_code == 422
    assert client.get("/api/v1/priorities", params={"limit": 1}).json()["total"] == before
    dry = client.post(
        "/api/v1/priorities/import",
        files={"file": ("p.csv", data, "text/csv")},
        data={"dry_run": "true"},
        headers=headers,
    )
    report = dry.json()
    assert dry.status_code == 200 and report["dry_run"] and report["stored"] == 0
    rows = sorted((p["row"], p["column"]) for p in report["problems"])
    assert (3, "priority_title") in rows and any(r == 4 and c == "nace" for r, c in rows)


def test_export_then_import_gives_the_same_priorities(
    app: SmartSpecApp, token_for: Any, tmp_path: Path
) -> None:
    client = app.client()
    exported = client.get("/api/v1/priorities/export", params={"region": "CZ080"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    other = SmartSpecApp(data_dir=tmp_path, datasets=["us-state-industry"])
    try:
        headers = {"Authorization": f"Bearer {token_for(other, 'admin')}"}
        answer = other.client().post(
            "/api/v1/priorities/import",
            files={"file": ("p.csv", exported.content, "text/csv")},
            data={"invalid_codes": "set-aside"},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        again = other.client().get("/api/v1/priorities/export", params={"region": "CZ080"})
    finally:
        other.close()

    def strip_ids(data: bytes) -> list[list[str]]:
        import csv

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return sorted(r[1:] for r in rows[1:])

    assert strip_ids(again.content) == strip_ids(exported.content)
    xlsx = client.get("/api/v1/priorities/export", params={"format": "xlsx", "region": "CZ080"})
    assert xlsx.content[:2] == b"PK"
    # both answers are of a media type the OpenAPI document names (a client can rely on it)
    doc = client.get("/api/openapi.json").json()
    named = doc["paths"]["/api/v1/priorities/export"]["get"]["responses"]["200"]["content"]
    for answer in (exported, xlsx):
        assert answer.headers["content-type"].split(";")[0] in named


def test_compare_similar_suggest_and_coherence(app: SmartSpecApp) -> None:
    client = app.client()
    compared = client.get("/api/v1/priorities/compare", params={"regions": "CZ064,CZ080"})
    assert compared.status_code == 200
    assert "28" in compared.json()["shared"]["nace"]
    assert client.get("/api/v1/priorities/compare", params={"regions": "CZ064"}).status_code == 400
    similar = client.get("/api/v1/regions/CZ064/priorities/similar", params={"by": "codes"})
    assert "Jaccard" in similar.json()["measure"]
    suggested = client.post(
        "/api/v1/priorities/suggest-codes", json={"text": "manufacture of motor vehicles"}
    ).json()
    assert suggested[0]["code"] == "29"
    coherence = client.get(
        "/api/v1/regions/CZ064/priorities/coherence", params={"dataset": "eu-nuts2-sbs"}
    )
    assert coherence.status_code == 200
    view = coherence.json()
    assert view["evidence_region"] == "CZ06" and view["evidence_level"] == "parent"
    declared = client.get("/api/v1/regions/CZ064/priorities").json()["priorities"]
    coded = [p for p in declared if p["codes"].get("nace")]
    assert view["summary"]["priorities"] == len(declared) >= 6
    assert view["summary"]["coded"] == len(coded) and view["rule"]
    classes = {i["coherence"] for i in view["items"]}
    assert classes <= {"evidence-backed", "emerging", "weakly grounded", "not assessable"}
    unknown = client.get("/api/v1/regions/CZ064/priorities/coherence", params={"dataset": "nope"})
    assert unknown.status_code == 404


def test_registry_answers_are_never_cached(app: SmartSpecApp, token_for: Any) -> None:
    client = app.client()
    assert client.get("/api/v1/priorities").headers["cache-control"] == "no-store"
    made = _new(app, token_for, title="Cache check")
    path = f"/api/v1/priorities/{made['id']}"
    assert client.get(path).json()["title"] == "Cache check"
    changed = PriorityIn(**{**PRIORITY, "title": "Changed elsewhere"})
    app.registry.update_priority(CLI_ACCOUNT, made["id"], changed, version=1)
    assert client.get(path).json()["title"] == "Changed elsewhere"


def test_an_exported_file_edited_and_imported_again_updates_in_place(
    app: SmartSpecApp, token_for: Any
) -> None:
    import csv

    client = app.client()
    headers = _headers(app, token_for, "admin")
    made = _new(app, token_for, title="Před úpravou", region="CZ052")
    exported = client.get("/api/v1/priorities/export", params={"region": "CZ052"}).content
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    mine = next(r for r in rows if r["id"] == str(made["id"]))
    assert mine["version"] == "1"
    mine["priority_title"] = "Po úpravě"

    def as_file(records: list[dict[str, str]]) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue().encode()

    total = client.get("/api/v1/priorities", params={"limit": 1}).json()["total"]
    answer = client.post(
        "/api/v1/priorities/import",
        files={"file": ("edited.csv", as_file(rows), "text/csv")},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert client.get("/api/v1/priorities", params={"limit": 1}).json()["total"] == total
    now = client.get(f"/api/v1/priorities/{made['id']}").json()
    assert (now["title"], now["version"]) == ("Po úpravě", 2)
    last = client.get(f"/api/v1/priorities/{made['id']}/history").json()[-1]
    assert (last["action"], last["source"]) == ("import", "edited.csv")
    # the same file again: it names version 1, the stored one is 2 -> refused, nothing changed
    stale = client.post(
        "/api/v1/priorities/import",
        files={"file": ("edited.csv", as_file(rows), "text/csv")},
        headers=headers,
    )
    assert stale.status_code == 422
    assert "version" in stale.json()["error"]["where"]
    # an id of another region's priority is refused too
    other = _new(app, token_for, title="Jinde", region="CZ080")
    mine["id"], mine["version"] = str(other["id"]), "1"
    wrong = client.post(
        "/api/v1/priorities/import",
        files={"file": ("wrong.csv", as_file([mine]), "text/csv")},
        data={"dry_run": "true"},
        headers=headers,
    )
    problems = wrong.json()["problems"]
    assert [(p["column"], p["message"]) for p in problems] == [
        ("id", "the id names another region's priority")
    ]
    assert client.get(f"/api/v1/priorities/{other['id']}").json()["title"] == "Jinde"
