"""The peer-review pages in a real headless Chromium against a real server (uvicorn), offline:
an editor creates and submits a review of its region's strategy, an administrator invites a
reviewer from another region and starts it, the reviewer scores the rubric, the region
completes it and sees the consolidated results drawn; a self-assessment saved in Spanish and
its radar chart drawn.

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

EDITOR, ADMIN, REVIEWER = "ana-editor", "olga-admin", "rui-reviewer"
PASSWORD = secrets.token_urlsafe(18)
REGION = "CZ064"


@pytest.fixture(scope="module")
def review_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app with the Czech strategies, an editor of CZ064, an administrator and a reviewer
    of Cataluña (ES51)."""
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("review-browser"), datasets=[])
    load_example_once(app)
    app.accounts.add_user(CLI_ACCOUNT, EDITOR, "editor", PASSWORD, [REGION])
    app.accounts.add_user(CLI_ACCOUNT, ADMIN, "admin", PASSWORD, [])
    app.accounts.add_user(CLI_ACCOUNT, REVIEWER, "reviewer", PASSWORD, ["ES51"])
    yield app
    app.close()


@pytest.fixture(scope="module")
def server(review_app: Any) -> Iterator[str]:
    from smartspec.services.server import running

    with running(review_app) as url:
        yield url


def log_in(page: Any, server: str, name: str, target: str) -> None:
    """Sign in on the login page, coming back to ``target``."""
    page.goto(f"{server}/login?next={target}")
    page.fill("#f-name", name)
    page.fill("#f-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(target) + r"$"))


def drawn(page: Any, chart: str) -> None:
    page.wait_for_selector(f"#chart-{chart}.drawn svg", timeout=15_000)


def test_a_peer_review_from_draft_to_results(
    browser: Any,  # noqa: F811
    server: str,
    review_app: Any,
) -> None:
    from smartspec.domains.review.rubric import rubric

    with (
        open_page(browser, server) as editor,
        open_page(browser, server) as admin,
        open_page(browser, server) as reviewer,
    ):
        log_in(editor, server, EDITOR, "/reviews")
        assert editor.locator("#f-strategy option").count() == 1  # its region's strategy only
        editor.click("#create-review")
        editor.wait_for_url(re.compile(r"/reviews/\d+\?done=created$"))
        review = re.search(r"/reviews/(\d+)", editor.url)[1]  # type: ignore[index]
        assert editor.locator("#workflow-draft").get_attribute("aria-current") == "step"
        editor.click("#do-submit")
        editor.wait_for_url(re.compile(r"done=submit$"))
        assert editor.locator("#review-state").inner_text() == "submitted for review"
        assert editor.locator("#do-start").count() == 1  # no reviewer yet: the service refuses

        log_in(admin, server, ADMIN, f"/reviews/{review}")
        labels = admin.locator("#f-reviewer option").all_inner_texts()
        assert any(REVIEWER in text for text in labels)
        assert not any(EDITOR in text for text in labels)  # of the region: not a peer
        admin.select_option("#f-reviewer", label=next(t for t in labels if REVIEWER in t))
        admin.click("#do-invite")
        admin.wait_for_url(re.compile(r"done=invite$"))
        assert REVIEWER in admin.locator("#invitees").inner_text()
        admin.click("#do-start")
        admin.wait_for_url(re.compile(r"done=start$"))
        assert admin.locator("#review-state").inner_text() == "under review"

        log_in(reviewer, server, REVIEWER, f"/reviews/{review}")
        assert reviewer.locator("#review-actions").count() == 0  # no state buttons for them
        keys = rubric().keys
        for n, key in enumerate(keys):
            value = "na" if key == "gg-cooperation" else str(2 + n % 3)
            reviewer.check(f'input[name="score-{key}"][value="{value}"]')
        reviewer.fill("#comment-priorities-focus", "Too many priorities for the budget")
        reviewer.click("#save-scores")
        reviewer.wait_for_url(re.compile(r"done=score#rubric-section$"))
        assert reviewer.locator('input[name="score-context-assets"][value="2"]').is_checked()

        editor.goto(f"{server}/reviews/{review}")
        assert "1 of 1 invited reviewers" in editor.locator("#results-lead").inner_text()
        editor.click("#do-complete")
        editor.wait_for_url(re.compile(r"done=complete$"))
        assert editor.locator("#review-state").inner_text() == "review completed"
        assert editor.locator("#results-provisional").count() == 0
        drawn(editor, "radar")
        drawn(editor, "spread")
        assert editor.locator("#chart-radar svg path").count() > 0
        row = editor.locator("#result-priorities-focus").inner_text()
        assert "Too many priorities for the budget" in row
        audit = editor.locator("#audit-table tbody tr").count()
        assert audit >= 5  # created, submitted, invited, started, scored, completed


def test_self_assessment_in_spanish_draws_the_radar(
    browser: Any,  # noqa: F811
    server: str,
) -> None:
    from smartspec.domains.review.rubric import rubric

    with open_page(browser, server, locale="es-ES") as page:
        log_in(page, server, EDITOR, "/self-assessment")
        assert page.locator("h1").inner_text() == "Autoevaluación de una estrategia"
        assert (
            "Análisis del contexto regional"
            in page.locator("#step-context legend").first.inner_text()
        )
        for n, step in enumerate(rubric().steps):
            for c in step.criteria:
                page.check(f'input[name="score-{c.key}"][value="{1 + n % 5}"]')
        page.fill("#f-year", "2025")
        page.click("#save-self-assessment")
        page.wait_for_url(re.compile(r"done=saved$"))
        assert page.locator("#done").inner_text() == "La autoevaluación está guardada."
        drawn(page, "radar")
        labels = page.locator("#chart-radar svg text").all_text_contents()
        assert any("Análisis" in text for text in labels)  # the first spoke, in Spanish
        assert f"{REGION} 2025" in " ".join(labels)  # the legend
        assert page.locator("#radar-table tbody tr").count() == 7
