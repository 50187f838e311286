"""The evidence-in-depth pages in a real headless Chromium against a real server (uvicorn):
the validation page (run a backtest, switch to Spanish) and the framework on the region page.

Uses the browser, guarded page (no request may leave the test server) and screenshot helpers of
:mod:`.test_browser`; screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re

import pytest

from .test_browser import CHROMIUM, SHOTS, browser, drawn, page, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)

ARDECO = "/datasets/eu-nuts2-ardeco"


def test_validation_run_a_backtest_then_spanish(page):  # noqa: F811
    page.goto(page.base + f"{ARDECO}?lang=en")
    page.locator("nav.subnav").get_by_role("link", name="Validation").click()
    page.wait_for_url(re.compile(r"/validation"))
    drawn(page, "curves")  # the default backtest: first period to last
    # choose the periods and one more score, and run it from the keyboard
    page.select_option("#f-base", "2005")
    page.select_option("#f-end", "2015")
    page.locator("#f-score-pci").check()
    page.locator("form.picker button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"base=2005.*end=2015"))
    drawn(page, "curves")
    assert "Backtest from 2005 to 2015" in page.inner_text("main")
    rows = page.locator("#metrics-table tbody tr")
    assert rows.count() == 5  # density, COG, PCI and the two baselines
    assert page.locator("#metrics-table tbody tr.baseline").count() == 2
    assert page.locator("#chart-curves svg path").count() > 4  # the curves are drawn
    assert page.locator("#f-score-pci").is_checked()
    shot(page, "validation")
    page.locator("#curves-heading").locator("..").screenshot(
        path=str(SHOTS / "validation-chart.png")
    )
    # the same backtest in Spanish: labels, numbers and the chart axes
    page.locator("nav.lang").get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"lang=es"))
    assert page.locator("h1").inner_text().startswith("Validación")
    assert "Prueba retrospectiva de 2005 a 2015" in page.inner_text("main")
    head = page.locator("#metrics-table thead").inner_text()
    assert "AUC-ROC" in head and "AUC-PR" in head
    drawn(page, "curves")
    ticks = page.locator("#chart-curves svg text").all_text_contents()
    assert any(re.fullmatch(r"0,\d", t) for t in ticks), ticks
    assert "Curva ROC" in ticks
    shot(page, "validation-es")


def test_region_framework_chart_and_quadrant_tables(page):  # noqa: F811
    page.goto(page.base + f"{ARDECO}/regions/ES61?period=2019&lang=en")
    drawn(page, "opportunities")
    texts = page.locator("#chart-opportunities svg text").all_text_contents()
    assert "Most attractive" in texts and "Related and complex: best bets" in texts
    tables = page.locator(".quadrants table")
    assert tables.count() == 4
    # median cut-offs, chosen with the picker
    page.select_option("#f-cutoff", "median")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"cutoff=median"))
    drawn(page, "opportunities")
    assert "medians of the region's candidates" in page.inner_text("#opp-heading + p")
    # keyboard: sort a quadrant table
    header = page.locator(".quadrants table").first.locator("thead th").nth(1)
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    page.locator("#opp-heading").scroll_into_view_if_needed()
    shot(page, "region-framework")
    page.locator("#opp-heading").locator("..").screenshot(
        path=str(SHOTS / "region-framework-chart.png")
    )
