"""The cooperation monitor in a real headless Chromium against a real server (uvicorn), offline:
the page in English and Spanish with its summary cards, timeline chart, partner map and network,
the programme switch, and the network search.

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

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("cooperation-browser"), datasets=[])
    with running(app) as url:
        yield url
    app.close()


def _drawn(page: Any, chart: str) -> None:
    page.wait_for_selector(f"#chart-{chart}.drawn svg", timeout=20_000)


def test_monitor_in_english(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/cooperation?lang=en")
        assert page.locator("h1").inner_text() == "EU–Mexico cooperation monitor"
        assert page.locator("#fig-participations").inner_text() == "79"
        assert page.locator("#fig-organisations").inner_text() == "39"
        assert page.locator("#fig-projects").inner_text() == "55"
        assert page.locator("#fig-contribution").inner_text() == "869,764"
        box = page.locator("#cannot-say").inner_text()
        assert "42 of 55" in box and "Horizon Europe" in box and "different years" in box
        for chart in ("timeline", "partners", "network"):
            _drawn(page, chart)
        assert page.locator("#chart-partners svg path").count() > 100  # the world's countries
        assert page.locator("#chart-timeline svg .mark-rect path").count() >= 7
        assert page.locator("#chart-network svg g.nodes path").count() == 120
        assert (
            page.locator("#states-table tbody tr").first.inner_text().startswith("Ciudad de México")
        )
        assert "24 of 39" in page.locator("#states-share").inner_text()
        assert page.locator("#partner-countries tbody tr").count() == 84
        assert page.locator("#hubs-table tbody tr").count() >= 10


def test_programme_switch_and_network_search(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(f"{server}/cooperation?lang=en")
        _drawn(page, "timeline")
        page.select_option("#f-measure", "eu_contribution")
        page.locator("#f-measure").locator("xpath=..").locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"measure=eu_contribution"))
        _drawn(page, "timeline")
        assert "EU contribution (EUR)" in page.locator("#chart-timeline svg").text_content()
        page.locator("#programme-switch a", has_text="FP7").click()
        page.wait_for_url(re.compile(r"programme=fp7"))
        assert page.locator("#fig-participations").inner_text() == "124"
        assert page.locator("#no-years").is_visible()  # FP7 has no start years
        assert "not in the source" in page.locator("#fig-contribution").inner_text()
        _drawn(page, "partners")
        page.fill("#f-q", "Politécnico")
        page.click("#network-search button[type=submit]")
        page.wait_for_url(re.compile(r"q=Polit"))
        status = page.locator("#network-status").inner_text()
        assert re.match(r"\d+ organisations match", status), status
        marked = page.locator("#network-nodes tbody tr.match")
        assert marked.count() >= 2
        assert "POLITECNICO" in marked.first.inner_text().upper()
        _drawn(page, "network")


def test_monitor_in_spanish(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server, locale="es-MX") as page:
        page.goto(f"{server}/cooperation?lang=es")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").inner_text() == "Monitor de la cooperación UE–México"
        assert (
            page.locator("#cannot-say-heading").inner_text() == "Lo que los datos no pueden decir"
        )
        assert "42 de 55" in page.locator("#cannot-say").inner_text()
        assert page.locator("#fig-contribution").inner_text() == "869.764"
        for chart in ("timeline", "partners", "network"):
            _drawn(page, chart)
        assert "Participación por año de inicio" in page.locator("#cap-timeline").inner_text()


def test_bad_country_page(browser: Any, server: str) -> None:  # noqa: F811
    with open_page(browser, server) as page:
        answer = page.goto(f"{server}/cooperation?country=XX&lang=en")
        assert answer is not None and answer.status == 422
        assert "unknown country" in page.locator("main").inner_text()
