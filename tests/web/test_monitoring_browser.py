"""The monitoring pages in a real headless Chromium against a real server (uvicorn), offline:
the overview's status chart, a strategy page drawing each indicator's progress chart
(baseline, trajectory, recorded values), an editor recording a value through the form and the
status changing, the evaluation page's event-study chart, and the pages in Spanish.

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

EDITOR = "jana-editor"
PASSWORD = secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def monitoring_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Czech example strategies, an indicator of Jihomoravský kraj (CZ064) with a baseline,
    a milestone, a target and one value, and an editor of that region."""
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.monitoring.actions import monitoring_of
    from smartspec.domains.monitoring.views import IndicatorIn, TargetIn
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("monitoring-browser"), datasets=["eu-nuts2-ardeco"]
    )
    load_example_once(app)
    strategy = app.registry.list_strategies(None, "CZ064")[0]
    service = monitoring_of(app)
    view = service.add_indicator(
        CLI_ACCOUNT,
        strategy.id,
        IndicatorIn(
            name="Firms in advanced manufacturing",
            kind="result",
            unit="firms",
            baseline_year=2020,
            baseline_value=100.0,
            targets=[
                TargetIn(year=2023, value=130.0, kind="milestone"),
                TargetIn(year=2027, value=200.0, kind="target"),
            ],
        ),
    )
    # 2025: 150 against the 165 planned (130 + 70 * 2/4): 50 of 65, 77 % -> at risk
    service.record_value(CLI_ACCOUNT, view.id, 2025, 150.0)
    app.accounts.add_user(CLI_ACCOUNT, EDITOR, "editor", PASSWORD, ["CZ064"])
    app.__dict__["_test_ids"] = {"strategy": strategy.id, "indicator": view.id}
    yield app
    app.close()


@pytest.fixture(scope="module")
def server(monitoring_app: Any) -> Iterator[str]:
    from smartspec.services.server import running

    with running(monitoring_app) as url:
        yield url


def ids(app: Any) -> dict[str, int]:
    found: dict[str, int] = app.__dict__["_test_ids"]
    return found


def test_strategy_page_draws_the_progress_chart(
    browser: Any,  # noqa: F811
    server: str,
    monitoring_app: Any,
) -> None:
    known = ids(monitoring_app)
    with open_page(browser, server) as page:
        page.goto(f"{server}/monitoring?lang=en")
        page.wait_for_selector("#chart-status.drawn svg")
        assert "CZ064" in (page.locator("#counts-table").text_content() or "")  # in <details>
        page.click(f"a.strategy-link[href='/monitoring/strategies/{known['strategy']}']")
        page.wait_for_url(re.compile(rf"/monitoring/strategies/{known['strategy']}$"))
        chart = f"#chart-indicator-{known['indicator']}"
        page.wait_for_selector(f"{chart}.drawn svg", timeout=15_000)
        # the dashed trajectory (one line) and four points: baseline, milestone, target,
        # and the recorded value
        assert page.locator(f"{chart} svg path[aria-roledescription='line mark']").count() == 1
        assert page.locator(f"{chart} svg path[aria-roledescription='point']").count() == 4
        row = page.locator(f"#indicator-row-{known['indicator']}").inner_text()
        assert "! at risk" in row and "77%" in row
        assert page.locator("#indicator-form").count() == 0  # not signed in


def test_editor_records_a_value_and_the_status_changes(
    browser: Any,  # noqa: F811
    server: str,
    monitoring_app: Any,
) -> None:
    known = ids(monitoring_app)
    target = f"/monitoring/indicators/{known['indicator']}"
    with open_page(browser, server) as page:
        page.goto(f"{server}/login?next={target}")
        page.fill("#f-name", EDITOR)
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(rf"{target}$"))
        assert "at risk" in page.locator("#indicator-status").inner_text()
        page.wait_for_selector("#chart-progress.drawn svg")
        # 160 in 2025 is 60 of the 65 planned: 92 % -> on track
        page.fill("#v-year", "2025")
        page.fill("#v-value", "160")
        page.fill("#v-note", "survey of 2025")
        page.click("#value-submit")
        page.wait_for_url(re.compile(r"done=value"))
        status = page.locator("#indicator-status").inner_text()
        assert "✓ on track" in status and "92%" in status
        assert "survey of 2025" in page.locator("#values-table").inner_text()
        assert page.locator("#done").inner_text() == "The value is saved."
        page.wait_for_selector("#chart-progress.drawn svg")
    from smartspec.domains.monitoring.actions import monitoring_of

    stored = monitoring_of(monitoring_app).indicator(None, known["indicator"])
    assert [(v["year"], v["value"], v["origin"]) for v in stored.values] == [
        (2025, 160.0, "manual")
    ]


def test_pages_in_spanish(browser: Any, server: str, monitoring_app: Any) -> None:  # noqa: F811
    known = ids(monitoring_app)
    with open_page(browser, server, locale="es-ES") as page:
        page.goto(f"{server}/monitoring")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").inner_text() == "Seguimiento de las estrategias"
        assert page.locator("#nav-monitoring").inner_text() == "Seguimiento"
        page.goto(f"{server}/monitoring/strategies/{known['strategy']}")
        assert page.locator("#tree-heading").inner_text() == "Lógica de intervención"
        page.wait_for_selector(f"#chart-indicator-{known['indicator']}.drawn svg")
        row = page.locator(f"#indicator-row-{known['indicator']}").inner_text()
        assert "resultado" in row and re.search(r"(en camino|en riesgo)", row)
        page.goto(
            f"{server}/monitoring/evaluation?region=CZ08&dataset=eu-nuts2-ardeco"
            "&measure=employment&activities=B-E&start=2014&controls=4"
        )
        assert page.locator("#estimate-heading").inner_text().startswith("Efecto estimado")
        page.wait_for_selector("#chart-event.drawn svg", timeout=20_000)
        assert "Tendencias paralelas" in page.locator("#assumptions").inner_text()
