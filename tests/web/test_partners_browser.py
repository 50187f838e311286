"""The value-chain builder in a real headless Chromium against a real server (uvicorn),
offline: build a chain in the form (stage names, activities picked in the selects), send it,
and read the partner sets, the coverage matrix (table and drawn heatmap) and the caveats; in
English and in Spanish.

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
        data_dir=tmp_path_factory.mktemp("partners-browser"),
        datasets=["eu-nuts2-sbs", "eu-nuts2-ardeco", "us-state-industry", "mx-tamaulipas"],
    )
    with running(app) as url:
        yield url
    app.close()


def test_build_a_chain_and_see_the_matrix(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/partners")
        assert page.locator("h1").inner_text() == "Value-chain partners"
        assert page.locator("#f-dataset").input_value() == "eu-nuts2-sbs"
        page.fill("#f-name", "Furniture")
        page.fill("#f-stage1", "Wood")
        page.select_option("#f-codes1", ["C16"])
        page.fill("#f-stage2", "Making")
        page.select_option("#f-codes2", ["C31"])
        page.fill("#f-stage3", "Selling")
        page.fill("#f-typed3", "G47, G46")
        page.fill("#f-region", "PL32")
        page.select_option("#f-size", "2")
        page.fill("#f-top", "5")
        page.click("#evaluate")
        page.wait_for_url(re.compile(r"/partners\?"))
        assert page.locator("#result-heading").inner_text() == "Furniture"
        first = page.locator("#set-1").inner_text()
        assert "PL32" in first
        header = page.locator("#matrix-table thead").text_content() or ""
        assert "Wood" in header and "Making" in header and "Selling" in header
        assert page.locator("#matrix-table tbody tr").count() >= 5
        assert "ROC-AUC" in page.locator("#caveats").inner_text()
        # the heatmap is drawn (vega-embed replaces the loading note with an svg/canvas)
        page.wait_for_selector("#chart-coverage svg, #chart-coverage canvas", timeout=20_000)
        # the form keeps what was sent
        assert page.locator("#f-codes2").evaluate(
            "s => [...s.selectedOptions].map(o => o.value)"
        ) == ["C31"]


def test_spanish_example_on_the_combined_panel(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server, locale="es-ES") as page:
        page.goto(f"{server}/partners?lang=es")
        assert page.locator("h1").inner_text() == "Socios en cadenas de valor"
        page.click("#example-industry-services")
        page.wait_for_url(re.compile(r"example=industry-services"))
        assert page.locator("#sets-heading").inner_text() == "Conjuntos de socios propuestos"
        assert page.locator("#matrix-heading").inner_text() == "Matriz de cobertura"
        caveats = page.locator("#caveats").inner_text()
        assert "reference year 2019" in caveats and "group O-Q left out" in caveats
        page.wait_for_selector("#chart-coverage svg, #chart-coverage canvas", timeout=20_000)


def test_unknown_code_is_said_on_the_page(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/partners?dataset=eu-nuts2-sbs&stage1=a&codes1=C10&stage2=b&typed2=C99")
        error = page.locator("#chain-error").inner_text()
        assert "C99" in error and "C29" in error
