"""The dashboard in a real headless Chromium against a real server (uvicorn), fully offline.

Every request the browser makes is routed through a check: anything not addressed to the test
server fails the test (no CDN, no tile server, no font service). A screenshot of each page is
kept under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import UPLOAD_CSV

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        yield b
        b.close()


@contextmanager
def open_page(browser, base: str, locale: str = "en-GB") -> Iterator:
    """A fresh page (own cookies, the browser's ``locale``) whose requests may only go to the
    server at ``base``.

    On leaving, fails on any request that left the server, any script error, any console error
    and any failed static asset.
    """
    host = urlparse(base).netloc
    outside: list[str] = []
    problems: list[str] = []

    def guard(route):
        url = route.request.url
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != host:
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: problems.append(f"console: {m.text}") if (
        m.type == "error" and "Failed to load resource" not in m.text) else 0)  # fmt: skip
    pg.on("response", lambda r: problems.append(f"{r.status} {r.url}") if (
        r.status >= 400 and "/static/" in r.url) else 0)  # fmt: skip
    pg.base = base
    try:
        yield pg
    finally:
        context.close()
    assert not outside, f"requests left the server: {outside}"
    assert not problems, problems


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the test server (see :func:`open_page`)."""
    with open_page(browser, live_server) as pg:
        yield pg


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def drawn(page, chart: str) -> None:
    """Wait until vega-embed has drawn ``chart`` as SVG."""
    page.wait_for_selector(f"#chart-{chart}.drawn svg", timeout=15_000)


def test_home_map_and_datasets(page):
    page.goto(page.base + "/?lang=en")
    drawn(page, "map")
    shot(page, "home")
    shapes = page.locator("#chart-map svg path").count()
    assert shapes > 50  # the 51 states (and DC)
    assert page.locator("table.datasets tbody tr").count() >= 3
    # change the indicator with the picker and see the new map
    page.select_option("#f-indicator", "diversity")
    page.click("form.picker button[type=submit]")
    drawn(page, "map")
    assert "indicator=diversity" in page.url
    assert "Diversity" in page.locator("#cap-map").inner_text()
    shot(page, "home")


def test_pick_region_profile_and_keyboard(page):
    page.goto(page.base + "/datasets/eu-nuts2-ardeco?lang=en")
    drawn(page, "map")
    shot(page, "dataset")
    # sort the regions table by name, by keyboard
    header = page.locator("#regions-table thead th").nth(1)
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    page.select_option("#f-region", "ES61")
    page.get_by_role("button", name="Open region profile").click()
    page.wait_for_url(re.compile(r"/regions/ES61"))
    assert page.locator("h1").inner_text().startswith("Andalucía")
    for chart in ("location", "specialisations", "opportunities", "eci"):
        drawn(page, chart)
    assert page.locator("#spec-table tbody tr").count() >= 1
    shot(page, "region")
    # keyboard only: tab to the opportunity chart's table alternative and open it
    page.locator("#main").focus()
    target = "#table-opportunities > summary"
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{target}')"):
            break
    else:
        pytest.fail("the table alternative of the opportunity chart is not reachable by Tab")
    page.keyboard.press("Enter")
    assert page.locator("#table-opportunities").get_attribute("open") is not None
    assert page.locator("#table-opportunities table").is_visible()


def test_switch_language(page):
    page.goto(page.base + "/datasets/eu-nuts2-ardeco/regions/ES61?period=2019&lang=en")
    drawn(page, "specialisations")
    eci_en = page.locator("#fig-eci").inner_text()
    assert re.fullmatch(r"-?\d+\.\d\d", eci_en)
    page.locator("nav.lang").get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"lang=es"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Perfil de la región" in page.locator(".subnav").inner_text()
    assert page.get_by_role("heading", name="Principales especializaciones").count() == 1
    eci_es = page.locator("#fig-eci").inner_text()
    assert eci_es == eci_en.replace(".", ",")  # decimal comma
    drawn(page, "specialisations")
    ticks = page.locator("#chart-specialisations svg text").all_text_contents()
    assert any(re.fullmatch(r"\d+,\d+", t) for t in ticks), ticks  # the chart axis too
    shot(page, "region-es")
    # the choice is remembered (cookie) on the next page
    page.get_by_role("link", name="Subir datos").click()
    assert page.locator("h1").inner_text() == "Subir datos"


def test_upload_and_analyse(page, tmp_path, smartspec_app, login_cookie):
    name, value = login_cookie(smartspec_app, "editor")  # an editor's browser may upload
    page.context.add_cookies([{"name": name, "value": value, "url": page.base}])
    data = tmp_path / "spain.csv"
    data.write_text(UPLOAD_CSV, encoding="utf-8")
    page.goto(page.base + "/upload?lang=es")
    page.set_input_files("#f-file", str(data))
    page.fill("#f-title", "Prueba navegador")
    page.fill("#f-col-region", "nuts")
    page.fill("#f-col-activity", "sector")
    page.fill("#f-col-value", "jobs")
    page.fill("#f-col-period", "year")
    shot(page, "upload")
    page.get_by_role("button", name="Subir y analizar").click()
    page.wait_for_url(re.compile(r"/datasets/prueba-navegador.*uploaded=1"))
    assert "Su conjunto de datos se ha subido y analizado." in page.inner_text("main")
    assert page.locator("#regions-table tbody tr").count() == 6
    drawn(page, "map")
    shot(page, "uploaded")
    # a wrong column name: the engine's error, explained in Spanish, with the form kept
    page.goto(page.base + "/upload")
    page.set_input_files("#f-file", str(data))
    page.fill("#f-col-region", "región")
    page.get_by_role("button", name="Subir y analizar").click()
    alert = page.get_by_role("alert")
    assert "Se esperaba" in alert.inner_text()
    assert page.input_value("#f-col-region") == "región"
    shot(page, "upload-error")


def test_activity_space_highlights_region(page):
    page.goto(page.base + "/datasets/us-state-industry/space?lang=en")
    drawn(page, "space")
    page.select_option("#f-region", "06")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"region=06"))
    drawn(page, "space")
    # red diamonds: the region's specialisations
    highlighted = page.locator("#chart-space svg path[fill='#b3261e']").count()
    assert highlighted >= 1
    assert "specialisations highlighted" in page.inner_text("main")
    shot(page, "space")


def test_compare_regions(page):
    page.goto(page.base + "/datasets/eu-nuts2-ardeco/compare?regions=ES61,ES30&lang=en")
    drawn(page, "rca")
    drawn(page, "eci")
    header = page.locator("#compare-table thead").inner_text()
    assert "Andalucía" in header and "Comunidad de Madrid" in header
    shot(page, "compare")


def test_regions_without_shapes(page):
    page.goto(page.base + "/datasets/mx-tamaulipas/regions/28032?lang=es")
    assert "no tiene límites" in page.inner_text("main") or "No hay mapa" in page.inner_text("main")
    drawn(page, "specialisations")
    drawn(page, "opportunities")
    shot(page, "region-no-shapes")
