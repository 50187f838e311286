"""The benchmark pages in a real headless Chromium against a real server (uvicorn), offline:
pick a region, read its neighbours, their map and the indicator chart, in English and Spanish.

:func:`tests.web.test_browser.open_page` fails the test on any console or script error, any
request leaving the server and any failed static file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .test_browser import CHROMIUM, browser, open_page  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from smartspec.app import SmartSpecApp
    from smartspec.services.server import running

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("benchmark-browser"), datasets=["eu-nuts2-ardeco"]
    )
    with running(app) as url:
        yield url
    app.close()


def test_pick_a_region_and_read_its_neighbours(
    browser: Any,  # noqa: F811
    server: str,
) -> None:
    with open_page(browser, server) as page:
        page.goto(f"{server}/?lang=en")
        page.click("#nav-benchmark")
        page.wait_for_url(re.compile(r"/benchmark$"))
        assert page.locator("#indicator-table tbody tr").count() == 18
        page.fill("#f-region", "País Vasco")
        page.click("#benchmark-go")
        page.wait_for_url(re.compile(r"/benchmark/ES21\?"))
        assert "Regions like País Vasco" in page.locator("h1").inner_text()
        assert "Structural conditions" in page.locator("#measure-text").inner_text()
        assert page.locator("#neighbour-table tbody tr").count() == 10
        first = page.locator("#neighbour-table tbody tr").first.inner_text()
        assert "Detmold" in first
        page.wait_for_selector("#chart-neighbours.drawn svg")
        page.wait_for_selector("#chart-indicators.drawn svg")
        assert page.locator("#chart-indicators svg .mark-symbol path").count() >= 30
        assert page.locator("#alike-list li").count() == 5
        assert page.locator("#apart-list li").count() == 5
        assert page.locator("#comparison-table tbody tr").count() == 18
        # another neighbour's comparison
        page.locator("#neighbour-table tbody tr").nth(2).locator("a", has_text="indicators").click()
        page.wait_for_url(re.compile(r"other=ITC1"))
        assert "Piemonte" in page.locator("#compare-heading").inner_text()
        page.wait_for_selector("#chart-indicators.drawn svg")


def test_spanish_pages_and_other_measures(
    browser: Any,  # noqa: F811
    server: str,
) -> None:
    with open_page(browser, server, locale="es-ES") as page:
        page.goto(f"{server}/benchmark/ES21?lang=es&measure=combined")
        assert "Regiones como País Vasco" in page.locator("h1").inner_text()
        assert "Combinación" in page.locator("#measure-text").inner_text()
        assert "Similitud" in page.locator("#neighbour-table thead").inner_text()
        page.wait_for_selector("#chart-neighbours.drawn svg")
        page.wait_for_selector("#chart-indicators.drawn svg")
        assert page.locator("#alike-list li").count() == 5
        page.goto(f"{server}/benchmark?lang=es")
        assert "Indicadores estructurales" in page.locator("#indicators-heading").inner_text()
        assert "Población" in page.locator("#indicator-table").inner_text()
        page.goto(f"{server}/benchmark/ZZ99?lang=es")
        assert "ZZ99" in page.locator("main").inner_text()
