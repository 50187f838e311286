"""Repeated GET answers come from memory, and never survive a change of the catalogue."""

from __future__ import annotations

import pytest

from smartspec.app import SmartSpecApp

CSV = b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n"
FORM = {"region": "geo", "activity": "sector", "value": "jobs"}


@pytest.fixture
def app(tmp_path):
    app = SmartSpecApp(data_dir=tmp_path, datasets=["us-state-industry"])
    yield app
    app.close()


def test_a_repeated_answer_is_not_computed_again(app, monkeypatch):
    client = app.client()
    url = "/api/v1/datasets/us-state-industry/regions/06/profile"
    first = client.get(url)
    calls = []
    from smartspec.domains.evidence import views as queries

    real = queries.region_profile
    monkeypatch.setattr(queries, "region_profile", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert calls == []  # served from memory
    client.get(url + "?top=3")
    assert calls == [1]  # another query is another answer


def test_an_upload_or_a_delete_is_seen_at_once(app, as_role):
    client = app.client()  # an anonymous reader: its answers are the ones kept in memory
    before = client.get("/api/v1/datasets").json()["items"]
    editor = as_role(app, "editor")
    r = editor.post("/api/v1/datasets", files={"file": ("j.csv", CSV)}, data={**FORM, "title": "J"})
    assert r.status_code == 201
    after = client.get("/api/v1/datasets").json()["items"]
    assert len(after) == len(before) + 1
    app.delete_dataset("j")  # a change outside HTTP (library, CLI): seen as well
    assert len(client.get("/api/v1/datasets").json()["items"]) == len(before)


def test_answers_do_not_cross_languages_or_visitors(app):
    client = app.client()
    en = client.get("/datasets/us-state-industry", headers={"cookie": "smartspec_lang=en"})
    es = client.get("/datasets/us-state-industry", headers={"cookie": "smartspec_lang=es"})
    assert '<html lang="en"' in en.text and '<html lang="es"' in es.text
    html = client.get("/datasets/us-state-industry", headers={"accept": "text/html"})
    js = client.get("/api/v1/datasets/us-state-industry")
    assert html.headers["content-type"] != js.headers["content-type"]


def test_memory_is_bounded_and_can_be_turned_off(tmp_path):
    app = SmartSpecApp(
        data_dir=tmp_path, datasets=["us-state-industry"], settings={"response_cache_mb": 0.05}
    )
    client = app.client()
    for top in range(1, 40):
        assert (
            client.get(
                f"/api/v1/datasets/us-state-industry/regions/06/profile?top={top}"
            ).status_code
            == 200
        )
    cache = _response_cache(app)
    assert cache.entries.nbytes <= 0.05 * 2**20
    app.close()
    off = SmartSpecApp(
        data_dir=tmp_path / "off", datasets=["us-state-industry"], settings={"response_cache_mb": 0}
    )
    off.client().get("/api/v1/datasets")
    assert len(_response_cache(off).entries) == 0
    off.close()


def _response_cache(app):
    from smartspec.services.api.response_cache import ResponseCache

    asgi = app.asgi()
    asgi.build_middleware_stack() if asgi.middleware_stack is None else None
    node = asgi.middleware_stack
    while node is not None and not isinstance(node, ResponseCache):
        node = getattr(node, "app", None)
    assert node is not None
    return node
