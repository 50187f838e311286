"""The region report page in a real headless Chromium against a real server, offline: the form
in English and in Spanish, submitted, gives the report as a web page with its five sections,
its charts and maps drawn (SVG images, no script), in the language chosen.

:func:`tests.web.test_browser.open_page` fails the test on any console or script error and any
request leaving the server.
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

SECTIONS = ["evidence", "priorities", "monitoring", "benchmark", "review"]


@pytest.fixture(scope="module")
def report_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """ARDECO and the registry's Czech example on a real server."""
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once
    from smartspec.services.server import running

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("report-browser"), datasets=["eu-nuts2-ardeco"]
    )
    load_example_once(app)
    with running(app) as url:
        yield url
    app.close()


@pytest.mark.parametrize(
    ("lang", "heading", "title", "evidence"),
    [
        ("en", "Region report", "Region report: Jihovýchod (CZ06)", "Evidence profile"),
        ("es", "Informe regional", "Informe regional: Jihovýchod (CZ06)", "Perfil de evidencia"),
    ],
)
def test_form_gives_the_report(
    browser: Any,  # noqa: F811
    report_server: str,
    lang: str,
    heading: str,
    title: str,
    evidence: str,
) -> None:
    with open_page(browser, report_server) as page:
        page.goto(f"{report_server}/report?lang={lang}")
        assert page.locator("#report-heading").inner_text() == heading
        assert page.locator("#nav-report").get_attribute("aria-current") == "page"
        assert page.locator("#report-sections li").count() == len(SECTIONS)
        assert page.locator("#f-lang").input_value() == lang
        page.fill("#f-region", "CZ06")
        page.select_option("#f-dataset", "eu-nuts2-ardeco")
        page.select_option("#f-format", "html")
        page.click("#report-go")
        page.wait_for_url(re.compile(r"/report\?build=1"))
        page.wait_for_selector("#report-title")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("#report-title").inner_text() == title
        assert [s.get_attribute("id") for s in page.locator("section.report-section").all()] == [
            f"section-{k}" for k in SECTIONS
        ]
        assert evidence in page.locator("#heading-evidence").inner_text()
        assert page.locator("#table-specialisations tbody tr").count() >= 1
        assert page.locator("#table-coherence tbody tr").count() >= 1
        # every chart and map is an image that the browser decoded
        page.wait_for_function(
            "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert page.locator("#chart-top_map img").count() == 1
        assert page.locator("#chart-benchmark_map img").count() == 1
        assert page.locator("#empty-monitoring").count() == 1


def test_region_page_links_the_report_form(browser: Any, report_server: str) -> None:  # noqa: F811
    with open_page(browser, report_server) as page:
        page.goto(f"{report_server}/datasets/eu-nuts2-ardeco/regions/CZ06?lang=en")
        page.click("#region-report-link")
        page.wait_for_url(re.compile(r"/report\?region=CZ06"))
        assert page.locator("#f-region").input_value() == "CZ06"
        assert page.locator("#f-dataset").input_value() == "eu-nuts2-ardeco"
        assert page.locator("#f-period").input_value() == "2019"
        page.select_option("#f-lang", "es")
        page.click("#report-go")
        page.wait_for_selector("#report-title")
        assert page.locator("#report-title").inner_text() == "Informe regional: Jihovýchod (CZ06)"
        assert page.locator("#heading-review").inner_text() == (
            "5. Resultados de la revisión por pares"
        )
