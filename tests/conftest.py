"""Shared helpers of every test folder: acting as an account of a given role.

Uploading and deleting datasets needs an account (``admin`` or ``editor`` to upload, ``admin``
to delete). These fixtures create real accounts through the accounts service of the app under
test (``app.accounts``, as the command line would: :data:`CLI_ACCOUNT`) and hand back what a
client sends:

* ``token_for(app, role="admin", regions=())`` -> a bearer token (``ss_<id>_<secret>``);
* ``as_role(app, role="admin", **client_kwargs)`` -> a ``TestClient`` sending that token;
* ``login_cookie(app, role="admin", regions=())`` -> ``(name, value)`` of a dashboard session
  cookie (for ``client.cookies.set(*login_cookie(app))`` or a browser context's cookies).

Each role (and set of regions) gets one user per app, named ``test-<role>``, with a strong random
password; the user and its token are made once and cached on the app object.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

#: The name of the dashboard's session cookie (``smartspec.services.api.deps.SESSION_COOKIE``).
SESSION_COOKIE = "smartspec_session"


def _user(app: SmartSpecApp, role: str, regions: Iterable[str]) -> dict[str, Any]:
    """The cached test user of ``role`` (and ``regions``) on ``app``, created on first use."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    codes = tuple(sorted(regions))
    cache: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = app.__dict__.setdefault(
        "_test_accounts", {}
    )
    if (role, codes) not in cache:
        name = f"test-{role}" + (f"-{'-'.join(codes).lower()}" if codes else "")
        password = secrets.token_urlsafe(24)
        view = app.accounts.add_user(CLI_ACCOUNT, name, role, password, codes)
        cache[(role, codes)] = {"view": view, "password": password}
    return cache[(role, codes)]


def token_for(app: SmartSpecApp, role: str = "admin", regions: Iterable[str] = ()) -> str:
    """A bearer token of the test user of ``role`` on ``app`` (made once, then cached)."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    user = _user(app, role, regions)
    if "token" not in user:
        _, user["token"] = app.accounts.create_token(CLI_ACCOUNT, user["view"].name, "tests")
    token: str = user["token"]
    return token


def as_role(app: SmartSpecApp, role: str = "admin", **client_kwargs: Any) -> Any:
    """A ``TestClient`` of ``app`` that sends the bearer token of the test user of ``role``."""
    headers = {
        **client_kwargs.pop("headers", {}),
        "Authorization": f"Bearer {token_for(app, role)}",
    }
    return app.client(headers=headers, **client_kwargs)


def login_cookie(
    app: SmartSpecApp, role: str = "admin", regions: Iterable[str] = ()
) -> tuple[str, str]:
    """``(name, value)`` of a new dashboard session of the test user of ``role`` on ``app``."""
    from smartspec.domains.accounts.rules import Account

    view = _user(app, role, regions)["view"]
    account = Account(view.id, view.name, view.role, frozenset(view.regions), "session")
    return SESSION_COOKIE, app.accounts.start_session(account)


@pytest.fixture(name="token_for", scope="session")
def token_for_fixture() -> Callable[..., str]:
    """:func:`token_for`, as a fixture (usable from every test folder)."""
    return token_for


@pytest.fixture(name="as_role", scope="session")
def as_role_fixture() -> Callable[..., Any]:
    """:func:`as_role`, as a fixture."""
    return as_role


@pytest.fixture(name="login_cookie", scope="session")
def login_cookie_fixture() -> Callable[..., tuple[str, str]]:
    """:func:`login_cookie`, as a fixture."""
    return login_cookie
