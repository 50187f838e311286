"""The accounts pages in a real headless Chromium against a real server (uvicorn), offline.

Log in through the form (coming from the upload page, which sends the browser back there),
see the account in the header, create an API token and use it, log out; and the login page in
Spanish. Every request must stay on the test server, and no page may log a script error or a
Content-Security-Policy violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import serving
from .test_browser import CHROMIUM, browser, open_page  # noqa: F401 (the browser fixture)

NAME = "browser-editor"
PASSWORD = "Browser-Editor-Long-Pass-8"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("argon2")
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("accounts-browser"), datasets=["us-state-industry"]
    )
    app.accounts.add_user(CLI_ACCOUNT, NAME, "editor", PASSWORD, ["CZ064"])
    yield app
    app.close()


@pytest.fixture(scope="module")
def base(accounts_app: Any) -> Iterator[str]:
    with serving(accounts_app) as url:
        yield url


def test_log_in_create_a_token_log_out(
    browser: Any,  # noqa: F811
    base: str,
    accounts_app: Any,
) -> None:
    with open_page(browser, base) as page:
        page.goto(base + "/upload?lang=en")
        assert page.locator("#f-file").count() == 0
        page.click("#login-to-upload a")
        page.wait_for_url(re.compile(r"/login\?next=%2Fupload|/login\?next=/upload"))
        # a wrong password first: the form again, with a message and an empty password field
        page.fill("#f-name", NAME)
        page.fill("#f-password", "Not-The-Right-One-11")
        page.click("#login-form button[type=submit]")
        assert page.locator("#login-error").is_visible()
        assert page.input_value("#f-name") == NAME and page.input_value("#f-password") == ""
        page.fill("#f-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(re.compile(r"/upload$"))
        assert page.locator("#nav-account").inner_text().strip().endswith(NAME)
        assert page.locator("#f-file").count() == 1  # an editor may upload
        assert page.locator("#nav-users").count() == 0  # not an administrator
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["smartspec_session"]["httpOnly"] is True
        assert cookies["smartspec_session"]["sameSite"] == "Lax"

        page.click("#nav-account")
        page.wait_for_url(re.compile(r"/account$"))
        assert page.locator("#account-name").inner_text() == NAME
        assert page.locator("#account-regions").inner_text() == "CZ064"
        page.fill("#f-label", "browser test")
        page.click("#token-form button[type=submit]")
        secret = page.locator("#token-secret").inner_text().strip()
        assert re.fullmatch(r"ss_[0-9a-f]{12}_[A-Za-z0-9_-]{20,100}", secret)
        assert page.locator("#token-warning").is_visible()
        assert accounts_app.accounts.token_account(secret).name == NAME
        page.click("a[href='/account#tokens']")
        assert "browser test" in page.locator("#token-list").inner_text()
        assert secret not in page.content()

        page.click("#logout")
        page.wait_for_url(re.compile(r"/$"))
        assert page.locator("#nav-login").is_visible()
        assert "smartspec_session" not in {c["name"] for c in page.context.cookies()}
        page.goto(base + "/account")
        page.wait_for_url(re.compile(r"/login\?next="))


def test_login_page_in_spanish(
    browser: Any,  # noqa: F811
    base: str,
) -> None:
    with open_page(browser, base, locale="es-ES") as page:
        page.goto(base + "/login?lang=es")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").inner_text() == "Iniciar sesión"
        assert page.locator("label[for=f-password]").inner_text() == "Contraseña"
        assert page.locator("label[for=f-name]").inner_text() == "Nombre de usuario"
        page.fill("#f-name", NAME)
        page.fill("#f-password", "Contraseña-equivocada-1")
        page.click("#login-form button[type=submit]")
        assert (
            "Nombre de usuario o contraseña incorrectos"
            in page.locator("#login-error").inner_text()
        )
