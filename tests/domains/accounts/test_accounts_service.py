"""The accounts service on a real database: argon2 hashes, roles and grants, sessions, tokens
stored hashed and revocable, the login rate limit, the first administrator, the account log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.models import SessionRow, TokenRow, UserRow
from smartspec.domains.accounts.rules import Account
from smartspec.domains.accounts.service import CLI_ACCOUNT, Accounts
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ConflictError,
    ForbiddenError,
    TooManyAttemptsError,
    UnknownRecordError,
)
from smartspec.store import Store, sqlite_url

PASSWORD = "a long enough passphrase"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    store = Store(sqlite_url(tmp_path / "a.db"))
    return Accounts(store, max_failures=3, window_s=60)


def test_passwords_are_stored_as_argon2id_hashes_only(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "editor", PASSWORD, ["cz064"])
    with accounts.store.session() as s:
        row = s.scalar(select(UserRow))
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash
        dump = "\n".join(str(r) for r in s.execute(text("SELECT * FROM users")).all())
    assert PASSWORD not in dump
    who = accounts.authenticate("ana", PASSWORD)
    assert (who.name, who.role, who.regions) == ("ana", "editor", frozenset({"CZ064"}))


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("ana", "editor", "tiny", "at least 12"),
        ("ana", "boss", PASSWORD, "unknown role"),
        ("a b", "editor", PASSWORD, "not a valid user name"),
        ("ana", "editor", "ANA", "too short"),
        ("longname1234", "editor", "longname1234", "user name"),
    ],
)
def test_bad_accounts_are_refused_without_echoing_the_password(
    accounts: Accounts, name: str, role: str, password: str, says: str
) -> None:
    with pytest.raises(ValidationError) as info:
        accounts.add_user(CLI_ACCOUNT, name, role, password)
    assert says in info.value.message
    if len(password) > 4:
        assert password not in info.value.message
    assert not accounts.has_users()


def test_only_administrators_manage_users(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "root", "admin", PASSWORD)
    editor = Account(2, "ed", "editor", frozenset({"CZ064"}))
    with pytest.raises(ForbiddenError):
        accounts.add_user(editor, "eve", "admin", PASSWORD)
    with pytest.raises(AuthenticationRequiredError):
        accounts.list_users(None)
    with pytest.raises(ConflictError):
        accounts.add_user(CLI_ACCOUNT, "root", "viewer", PASSWORD)


def test_grants_revokes_and_the_last_administrator(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "root", "admin", PASSWORD)
    accounts.add_user(CLI_ACCOUNT, "ed", "editor", PASSWORD, ["CZ064"])
    view = accounts.grant(CLI_ACCOUNT, "ed", regions=["cz080", "CZ064"])
    assert view.regions == ["CZ064", "CZ080"]
    view = accounts.revoke(CLI_ACCOUNT, "ed", regions=["CZ064"])
    assert view.regions == ["CZ080"]
    with pytest.raises(ConflictError, match="without an administrator"):
        accounts.grant(CLI_ACCOUNT, "root", role="viewer")
    with pytest.raises(ConflictError):
        accounts.revoke(CLI_ACCOUNT, "root", deactivate=True)
    with pytest.raises(UnknownRecordError):
        accounts.grant(CLI_ACCOUNT, "nobody", role="viewer")
    actions = [e.action for e in accounts.events(CLI_ACCOUNT)]
    assert actions[:3] == ["user.revoke", "user.grant", "user.add"]


def test_sessions_are_stored_hashed_and_end(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "viewer", PASSWORD)
    who = accounts.authenticate("ana", PASSWORD)
    cookie = accounts.start_session(who)
    assert accounts.session_account(cookie) == who
    with accounts.store.session() as s:
        stored = s.scalar(select(SessionRow.id_hash))
    assert stored != cookie and cookie not in str(stored)
    accounts.end_session(cookie)
    assert accounts.session_account(cookie) is None
    assert accounts.session_account("made-up") is None


def test_an_expired_session_is_refused(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "viewer", PASSWORD)
    cookie = accounts.start_session(accounts.authenticate("ana", PASSWORD))
    with accounts.store.session() as s:
        row = s.scalar(select(SessionRow))
        assert row is not None
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert accounts.session_account(cookie) is None


def test_tokens_are_shown_once_stored_hashed_and_revocable(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "editor", PASSWORD, ["CZ064"])
    view, secret = accounts.create_token(CLI_ACCOUNT, "ana", "nightly")
    assert secret.startswith(f"ss_{view.id}_")
    who = accounts.token_account(secret)
    assert who is not None
    assert (who.name, who.role, who.regions, who.via) == (
        "ana",
        "editor",
        frozenset({"CZ064"}),
        "token",
    )
    with accounts.store.session() as s:
        row = s.get(TokenRow, view.id)
        assert row is not None and secret.split("_", 2)[2] not in row.secret_hash
    assert accounts.token_account(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert accounts.list_tokens(CLI_ACCOUNT, "ana")[0].last_used_at is not None
    accounts.revoke_token(CLI_ACCOUNT, view.id)
    assert accounts.token_account(secret) is None
    assert "secret" not in accounts.list_tokens(CLI_ACCOUNT)[0].model_dump()


def test_a_deactivated_user_loses_sessions_and_tokens(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "root", "admin", PASSWORD)
    accounts.add_user(CLI_ACCOUNT, "ana", "editor", PASSWORD)
    cookie = accounts.start_session(accounts.authenticate("ana", PASSWORD))
    _view, secret = accounts.create_token(CLI_ACCOUNT, "ana")
    accounts.revoke(CLI_ACCOUNT, "ana", deactivate=True)
    assert accounts.session_account(cookie) is None
    assert accounts.token_account(secret) is None
    with pytest.raises(AuthenticationRequiredError):
        accounts.authenticate("ana", PASSWORD)


def test_users_manage_only_their_own_tokens(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "editor", PASSWORD)
    accounts.add_user(CLI_ACCOUNT, "bob", "viewer", PASSWORD)
    ana = accounts.authenticate("ana", PASSWORD)
    bob = accounts.authenticate("bob", PASSWORD)
    view, _secret = accounts.create_token(ana, "ana")
    with pytest.raises(ForbiddenError):
        accounts.create_token(bob, "ana")
    with pytest.raises(ForbiddenError):
        accounts.revoke_token(bob, view.id)
    with pytest.raises(ForbiddenError):
        accounts.list_tokens(bob, "ana")
    assert [t.id for t in accounts.list_tokens(ana, "ana")] == [view.id]


def test_logins_are_rate_limited_per_name(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "viewer", PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationRequiredError) as info:
            accounts.authenticate("ana", "wrong password!", address="10.0.0.1")
        assert "wrong password" not in info.value.message
    with pytest.raises(TooManyAttemptsError) as limited:
        accounts.authenticate("ana", PASSWORD, address="10.0.0.2")  # even the right one
    assert limited.value.retry_after == 60
    other = Accounts(accounts.store, max_failures=3, window_s=0.0)  # the window has passed
    assert other.authenticate("ana", PASSWORD).name == "ana"


def test_unknown_users_fail_like_wrong_passwords(accounts: Accounts) -> None:
    with pytest.raises(AuthenticationRequiredError) as info:
        accounts.authenticate("ghost", PASSWORD)
    assert info.value.message.startswith("wrong user name or password")


def test_password_change_needs_the_current_one_and_ends_sessions(accounts: Accounts) -> None:
    accounts.add_user(CLI_ACCOUNT, "ana", "viewer", PASSWORD)
    ana = accounts.authenticate("ana", PASSWORD)
    cookie = accounts.start_session(ana)
    with pytest.raises(AuthenticationRequiredError):
        accounts.set_password(ana, "ana", "another long passphrase", current="not it at all")
    accounts.set_password(ana, "ana", "another long passphrase", current=PASSWORD)
    assert accounts.session_account(cookie) is None
    assert accounts.authenticate("ana", "another long passphrase").name == "ana"


def test_the_first_administrator_comes_from_the_environment_never_by_default(
    accounts: Accounts,
) -> None:
    assert accounts.ensure_admin({}) is None
    assert accounts.ensure_admin({"SMARTSPEC_ADMIN_USER": "root"}) is None
    assert not accounts.has_users()
    made = accounts.ensure_admin(
        {"SMARTSPEC_ADMIN_USER": "root", "SMARTSPEC_ADMIN_PASSWORD": PASSWORD}
    )
    assert made is not None and made.role == "admin"
    again = {"SMARTSPEC_ADMIN_USER": "other", "SMARTSPEC_ADMIN_PASSWORD": PASSWORD}
    assert accounts.ensure_admin(again) is None  # only when no account exists
