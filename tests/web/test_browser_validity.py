"""Evidence a policy officer can act on, in a real headless Chromium against a real server: a
region without data gets no recommendations, complexity rankings that fail their checks carry
a caveat, the profile opens with a summary in English and Spanish whose numbers link to their
tables, and pickers default to a complete period and a region with data.

Serves the EU SBS flagship (presence by RPOP by default, 2015 incomplete, suppressed cells) and
Tamaulipas (its complexity fails the checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from .conftest import serving
from .test_browser import CHROMIUM, browser, open_page, shot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)

SBS = "/datasets/eu-nuts2-sbs"
MX = "/datasets/mx-tamaulipas"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("validity"), datasets=["eu-nuts2-sbs", "mx-tamaulipas"]
    )
    with serving(app) as url:
        yield url
    app.close()


@pytest.fixture
def page(browser, server):  # noqa: F811
    with open_page(browser, server) as pg:
        yield pg


def test_a_region_without_data_gets_no_recommendations(page) -> None:
    page.goto(page.base + f"{SBS}/regions/ITF1?period=2015&lang=en")
    brief = page.locator("section.brief").inner_text()
    assert "Abruzzo has no data in 2015" in brief
    assert "no recommendations" in brief
    assert page.locator("#opp-table tbody tr").count() == 1  # the "no opportunity" row
    assert "No opportunity" in page.locator("#opp-table").inner_text()
    assert page.locator("#chart-opportunities").count() == 0
    for table in page.locator("table[id^=quadrant-]").all():
        assert "No activity in this quadrant" in table.inner_text()
    shot(page, "region-no-data")
    page.goto(page.base + f"{SBS}/regions/ITF1?period=2015&lang=es")
    assert "Abruzzo no tiene datos en 2015" in page.locator("section.brief").inner_text()


def test_the_caveat_appears_when_the_checks_fail(page) -> None:
    page.goto(page.base + f"{MX}?lang=en")
    caveat = page.locator(".caveat")
    assert caveat.is_visible()
    assert "Caveat: the complexity ranking may mislead here." in caveat.inner_text()
    page.goto(page.base + f"{MX}/regions/28032?lang=es")
    caveat = page.locator(".caveat").first
    assert caveat.is_visible()
    assert "Advertencia" in caveat.inner_text()
    assert "Lea las cifras de complejidad con cautela" in page.locator("section.brief").inner_text()
    # EU SBS with its default (presence by RPOP) passes: no caveat, the checks table says why
    page.goto(page.base + f"{SBS}/regions/ES30?period=2014&lang=en")
    assert page.locator(".caveat").count() == 0
    checks = page.locator("#complexity-checks").inner_text()
    assert "Spearman correlation of ECI with GDP per head" in checks
    assert "RPOP" in page.locator("main").inner_text()


def test_the_summary_reads_correctly_in_both_languages(page) -> None:
    page.goto(page.base + f"{SBS}/regions/ES51?period=2014&lang=en")
    brief = page.locator("section.brief")
    text = brief.inner_text()
    assert re.search(
        r"Cataluña is specialised in \d+ activities in 2014; the strongest are "
        r".+ \(RCA \d\.\d\d\)",
        text,
    ), text
    assert re.search(r"By economic complexity it ranks \d+ of \d+ \(ECI -?\d\.\d\d\)", text)
    assert "The ranking passes its checks: across" in text
    assert "The most promising related moves are" in text
    assert "suppressed or confidential" in text
    # every number is a link to its table; following one lands on the table
    links = brief.locator("a")
    assert links.count() >= 8
    targets = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert targets <= {"#spec-table", "#opp-table", "#figures-heading", "#complexity-checks"}
    for target in targets:
        assert page.locator(target).count() == 1
    brief.locator("a[href='#opp-table']").first.click()
    page.wait_for_url(re.compile("#opp-table$"))
    shot(page, "region-summary")
    page.goto(page.base + f"{SBS}/regions/ES51?period=2014&lang=es")
    text = page.locator("section.brief").inner_text()
    assert page.locator("#brief-heading").inner_text() == "En resumen"
    assert re.search(
        r"Cataluña está especializada en \d+ actividades en 2014; las más fuertes "
        r"son .+ \(VCR \d,\d\d\)",
        text,
    ), text
    assert "Por complejidad económica ocupa el puesto" in text
    assert "Los pasos relacionados más prometedores son" in text
    # no English left in the Spanish summary (activity names are CNAE-2009's Spanish titles)
    for word in ("Manufacture", "activities", "specialised", "ranks", "moves"):
        assert word not in text, word
    shot(page, "region-summary-es")


def test_pickers_default_to_a_complete_period_and_a_region_with_data(page) -> None:
    page.goto(page.base + f"{SBS}?lang=en")
    assert page.locator("#f-period").input_value() == "2014"
    options = page.locator("#f-period option").all_inner_texts()
    assert "2015 (incomplete)" in options and "2014" in options
    region = page.locator("#f-region").input_value()
    page.goto(page.base + f"{SBS}/regions/{region}?period=2014&lang=en")
    assert "has no data" not in page.locator("section.brief").inner_text()
    assert page.locator("#opp-table tbody tr").count() > 1
