"""Browsers get HTML error pages in their language, with a way back; the API keeps JSON."""

from __future__ import annotations

import pytest

from smartspec.services.web.i18n import COOKIE


@pytest.fixture(scope="module")
def failing_client(tmp_path_factory: pytest.TempPathFactory):
    """The real platform plus one page route that fails the way a bug would."""
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("errors"), datasets=["us-state-industry"])
    api = app.asgi()

    async def broken_page() -> None:
        raise RuntimeError("a bug in a page handler")

    api.add_api_route("/datasets/us-state-industry/broken", broken_page, include_in_schema=False)
    yield app.client(raise_server_exceptions=False)
    app.close()


HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("en", "Page not found", "There is no page at /no/such/page."),
        ("es", "Página no encontrada", "No hay ninguna página en /no/such/page."),
    ],
)
def test_unknown_url_is_an_html_page_in_the_language(failing_client, lang, title, message):
    r = failing_client.get("/no/such/page", headers={**HTML, "cookie": f"{COOKIE}={lang}"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}"' in r.text
    assert title in r.text and message in r.text
    assert 'href="/"' in r.text  # the way back


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Something went wrong on our side"), ("es", "Algo ha fallado por nuestra parte")],
)
def test_a_failing_page_is_an_html_page_in_the_language(failing_client, lang, title):
    r = failing_client.get(
        "/datasets/us-state-industry/broken", headers={**HTML, "cookie": f"{COOKIE}={lang}"}
    )
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert title in r.text and 'href="/"' in r.text
    assert "RuntimeError" not in r.text and "Traceback" not in r.text


def test_wrong_method_on_a_page_is_an_html_page(failing_client):
    r = failing_client.delete("/datasets/us-state-industry", headers=HTML)
    assert r.status_code == 405
    assert r.headers["content-type"].startswith("text/html")
    assert "This page cannot be used that way" in r.text


def test_the_api_keeps_json_errors_even_for_browsers(failing_client):
    r = failing_client.get("/api/v1/no/such/endpoint", headers=HTML)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["type"] == "NotFound"
    r = failing_client.get("/no/such/page")  # no Accept: text/html, e.g. curl
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
