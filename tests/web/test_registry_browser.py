"""The registry's pages in a real headless Chromium against a real server (uvicorn), offline:
an editor logs in through the login form, edits a priority of its region, reads the change in
the history and restores version 1; the region's strategy page draws its coherence chart.

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
def registry_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app with the Czech example and an editor of Jihomoravský kraj (CZ064)."""
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("registry-browser"), datasets=["eu-nuts2-ardeco"]
    )
    load_example_once(app)
    app.accounts.add_user(CLI_ACCOUNT, EDITOR, "editor", PASSWORD, ["CZ064"])
    yield app
    app.close()


@pytest.fixture(scope="module")
def server(registry_app: Any) -> Iterator[str]:
    from smartspec.services.server import running

    with running(registry_app) as url:
        yield url


def test_edit_history_and_restore(
    browser: Any,  # noqa: F811
    server: str,
    registry_app: Any,
) -> None:
    target = registry_app.registry.region_priorities(None, "CZ064")[0]
    original = target.title
    with open_page(browser, server) as page:
        page.goto(f"{server}/priorities/{target.id}")
        assert page.locator("#edit-link").count() == 0  # not signed in
        page.click("#nav-login")
        page.fill("#f-name", EDITOR)
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(rf"/priorities/{target.id}$"))
        assert page.locator("#priority-title").inner_text() == original

        page.click("#edit-link")
        page.wait_for_url(re.compile(r"/edit$"))
        assert page.locator("input[name=version]").get_attribute("value") == "1"
        page.fill("#f-title", "Software and IT services")
        page.click("#save")
        page.wait_for_url(re.compile(r"done=saved"))
        assert page.locator("#priority-title").inner_text() == "Software and IT services"
        assert page.locator("#priority-version").inner_text() == "2"

        page.click("#history-link")
        page.wait_for_url(re.compile(r"/history$"))
        change = page.locator("#version-2").inner_text()
        assert "title" in change and original in change and "Software and IT services" in change
        page.click("#restore-1")
        page.wait_for_url(re.compile(r"done=restored"))
        assert page.locator("#done").is_visible()
        assert "restored a version" in page.locator("#version-3").inner_text()

        page.goto(f"{server}/priorities/{target.id}")
        assert page.locator("#priority-title").inner_text() == original
        assert page.locator("#priority-version").inner_text() == "3"
    assert registry_app.registry.get_priority(None, target.id).title == original


def test_strategy_page_draws_the_coherence_chart(
    browser: Any,  # noqa: F811
    server: str,
) -> None:
    with open_page(browser, server) as page:
        page.goto(f"{server}/regions/CZ064/strategy?lang=en")
        page.wait_for_selector("#chart-coherence.drawn svg, #chart-coherence.drawn canvas")
        assert page.locator("#chart-coherence svg").count() >= 1
        assert page.locator("#coherence-table tbody tr").count() == 6
        page.click("#nav-priorities")
        page.wait_for_url(re.compile(r"/priorities$"))
        page.fill("#f-q", "inovace")
        page.click("#search-form button[type=submit]")
        page.wait_for_url(re.compile(r"q=inovace"))
        assert "priorities found" in page.locator("#result-count").inner_text()
        assert page.locator(".priority-link").count() >= 1
