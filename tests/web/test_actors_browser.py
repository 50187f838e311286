"""The actors pages in a real headless Chromium against a real server (uvicorn), offline: the
organisation list and its filters, one organisation with the partners found, the network page
with its search and force-directed chart, an editor editing an organisation of its region, and
the pages in Spanish.

:func:`tests.web.test_browser.open_page` fails the test on any console or script error, any
request leaving the server and any failed static file.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from .test_browser import CHROMIUM, browser, open_page  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)

EDITOR = "marta-editor"
PASSWORD = secrets.token_urlsafe(18)
PARTICIPATIONS = (
    "project,org,name,role,type,country,nuts,start_year,programme,parts,acronym\n"
    "p1,PA,Alfa Universidad,coordinator,HES,MX,,2016,h2020,MSCA,ALFA\n"
    "p1,PB,Beta Logistica SL,participant,PRC,ES,ES51,2016,h2020,MSCA,ALFA\n"
    "p1,PC,Gamma Institut,participant,HES,DE,,2016,h2020,MSCA,ALFA\n"
    "p2,PB,Beta Logistica SL,coordinator,PRC,ES,ES51,2018,h2020,SC3,BETA\n"
    "p2,PD,Delta Ministere,participant,PUB,FR,FR10,2018,h2020,SC3,BETA\n"
)


@pytest.fixture(scope="module")
def actors_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app with a few projects and an editor of Cataluña (ES51)."""
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.actors.actions import import_organisations

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("actors-browser"),
        datasets=[],
        settings={"registry_example": False},
    )
    import_organisations(app, CLI_ACCOUNT, PARTICIPATIONS.encode(), "p.csv", kind="participations")
    app.accounts.add_user(CLI_ACCOUNT, EDITOR, "editor", PASSWORD, ["ES51"])
    yield app
    app.close()


@pytest.fixture(scope="module")
def server(actors_app: Any) -> Iterator[str]:
    from smartspec.services.server import running

    with running(actors_app) as url:
        yield url


def test_list_filters_and_partners(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/actors?lang=en")
        assert "4 of 4 organisations" in page.locator("#result-count").inner_text()
        page.select_option("#f-helix", "business")
        page.click("#search-submit")
        page.wait_for_url(re.compile(r"helix=business"))
        assert page.locator(".organisation-link").all_inner_texts() == ["Beta Logistica SL"]
        page.fill("#f-q", "")
        page.select_option("#f-helix", "")
        page.fill("#f-country", "MX")
        page.click("#search-submit")
        page.wait_for_url(re.compile(r"country=MX"))
        page.click(".organisation-link")
        page.wait_for_url(re.compile(r"/actors/\d+$"))
        assert page.locator("#organisation-name").inner_text() == "Alfa Universidad"
        rows = page.locator("#partners-table tr.network").all_inner_texts()
        assert any("Beta Logistica SL" in r and "worked together" in r for r in rows)
        assert any("Delta Ministere" in r and "via Beta Logistica SL" in r for r in rows)
        assert page.locator("#edit-link").count() == 0  # not signed in


def test_network_search_draws_the_graph(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/actors/network?lang=en")
        page.wait_for_selector("#chart-network.drawn svg, #chart-network.drawn canvas")
        assert "4 nodes, 4 ties" in page.locator("#network-count").inner_text()
        page.fill("#n-q", "delta")
        page.click("#network-submit")
        page.wait_for_url(re.compile(r"q=delta"))
        page.wait_for_selector("#chart-network.drawn svg, #chart-network.drawn canvas")
        rows = page.locator("#nodes-table tbody tr").all_text_contents()  # in a closed <details>
        assert len(rows) == 2 and "Delta Ministere ★" in rows[0] + rows[1]
        assert page.locator("#helix-bridges").count() == 1
        page.select_option("#n-level", "country")
        page.fill("#n-q", "")
        page.click("#network-submit")
        page.wait_for_url(re.compile(r"level=country"))
        assert page.locator("#nodes-table tbody tr").count() == 4


def test_editor_edits_an_organisation_of_its_region(
    browser: Any,  # noqa: F811
    server: str,
    actors_app: Any,
) -> None:
    from smartspec.domains.actors.actions import actors_of

    beta = actors_of(actors_app).search(None, q="beta").items[0]
    delta = actors_of(actors_app).search(None, q="delta").items[0]
    with open_page(browser, server) as page:
        page.goto(f"{server}/actors/{beta.id}/edit")
        page.wait_for_url(re.compile(r"/login"))
        page.fill("#f-name", EDITOR)
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(rf"/actors/{beta.id}/edit$"))
        assert page.locator("input[name=version]").get_attribute("value") == "1"
        page.fill("#f-description", "Logistics software for ports")
        page.click("#save")
        page.wait_for_url(re.compile(r"done=saved"))
        assert page.locator("#organisation-version").inner_text() == "2"
        assert "ports" in page.locator("#organisation-description").inner_text()
        page.goto(f"{server}/actors/{delta.id}")  # Île-de-France: not this editor's region
        assert page.locator("#edit-link").count() == 0
        answer = page.goto(f"{server}/actors/{delta.id}/edit")
        assert answer is not None and answer.status == 403
    assert actors_of(actors_app).get(None, beta.id).updated_by == EDITOR


def test_pages_in_spanish(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server, locale="es-ES") as page:
        page.goto(f"{server}/actors")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").inner_text() == "Actores de la innovación"
        assert "4 de 4 organizaciones" in page.locator("#result-count").inner_text()
        page.goto(f"{server}/actors/network")
        assert page.locator("h1").inner_text() == "Red de colaboración"
        page.wait_for_selector("#chart-network.drawn svg, #chart-network.drawn canvas")
        assert "investigación" in page.locator("#helix-mixing").inner_text()
