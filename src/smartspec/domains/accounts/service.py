"""The accounts service: users, region grants, passwords, sessions, API tokens and the login
rate limit, on the platform's :class:`~smartspec.store.Store`.

Passwords are hashed with argon2id (``argon2-cffi``, RFC 9106 parameters of the library), never
stored or logged. Session cookies and API tokens are random (:mod:`secrets`, 256 bits) and stored
only as their SHA-256: whoever reads the database cannot log in with what is there. A token looks
like ``ss_<id>_<secret>``; the id names it in lists and revocations, the secret is shown once.

Every change to an account is recorded in ``account_events`` (who, when, what). The command line
acts as :data:`CLI_ACCOUNT`: whoever can run ``smartspec`` on the server's data folder owns it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from smartspec.core.errors import ValidationError, format_examples
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ConflictError,
    TooManyAttemptsError,
    UnknownRecordError,
)
from smartspec.store import Store

from .models import AccountEventRow, LoginFailureRow, SessionRow, TokenRow, UserRegionRow, UserRow
from .rules import ROLES, Account, require_account, require_role

__all__ = [
    "CLI_ACCOUNT",
    "MIN_PASSWORD",
    "SYSTEM_ACCOUNT",
    "Accounts",
    "EventView",
    "TokenView",
    "UserView",
]

#: The account the command line acts as (full rights over its own data folder).
CLI_ACCOUNT = Account(0, "cli", "admin", via="cli")
#: The account the platform itself acts as (loading the bundled example set on first start).
SYSTEM_ACCOUNT = Account(0, "smartspec", "admin", via="system")

#: Shortest password accepted.
MIN_PASSWORD = 12
#: Longest password accepted (argon2 takes any length; a bound keeps hashing cheap).
MAX_PASSWORD = 1024

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
_REGION_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,15}$")
_TOKEN_RE = re.compile(r"^ss_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


class UserView(BaseModel):
    """An account as shown to administrators (never its password)."""

    id: int
    name: str
    role: str = Field(description="admin, editor, reviewer or viewer.")
    regions: list[str] = Field(description="Region codes granted (editors, reviewers).")
    active: bool
    created_at: datetime


class TokenView(BaseModel):
    """An API token as listed (never its secret)."""

    id: str = Field(description="The token's public id (the part after 'ss_').")
    user: str
    label: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class EventView(BaseModel):
    """One recorded change to accounts."""

    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_name(name: str) -> str:
    """A valid login name, or a :class:`ValidationError` saying what one looks like."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValidationError(
            "not a valid user name",
            expected="2-80 characters: letters, digits and . _ @ -, starting with a letter or "
            "digit",
            found=repr(name)[:100],
        )
    return name


def check_role(role: str) -> str:
    """A valid role, or a :class:`ValidationError` listing them."""
    if role not in ROLES:
        raise ValidationError(
            "unknown role", expected=f"one of {', '.join(ROLES)}", found=repr(role)[:50]
        )
    return role


def check_regions(regions: Iterable[str]) -> list[str]:
    """Region codes, upper-cased, checked (letters, digits, ``.``, ``_``, ``-``; at most 16)."""
    out = []
    for region in regions:
        code = str(region).strip().upper()
        if not _REGION_RE.match(code):
            raise ValidationError(
                "not a valid region code",
                expected="1-16 letters, digits, '.', '_' or '-' (e.g. CZ064, MX28)",
                found=repr(region)[:50],
            )
        out.append(code)
    return sorted(set(out))


def check_password(password: str, name: str = "") -> str:
    """A password long enough (and not the user's name), or a :class:`ValidationError`.

    The message never contains the password.
    """
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError(
            "the password is too short",
            expected=f"at least {MIN_PASSWORD} characters",
            found=f"{len(password) if isinstance(password, str) else 0} characters",
            fix="choose a longer passphrase",
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(
            "the password is too long",
            expected=f"at most {MAX_PASSWORD} characters",
            found=f"{len(password)} characters",
        )
    if name and password.strip().lower() == name.strip().lower():
        raise ValidationError(
            "the password is the user name", expected="a password other than the user name"
        )
    return password


class Accounts:
    """Users, grants, sessions, tokens and the login rate limit.

    Parameters
    ----------
    store : Store
        The platform database (migrated: the accounts tables exist).
    session_hours : float
        How long a dashboard session lasts.
    max_failures : int
        Failed logins allowed per user name within ``window_s`` (20 times that per address)
        before logins are refused with :class:`TooManyAttemptsError`.
    window_s : float
        The rate limit's window, in seconds.
    """

    def __init__(
        self,
        store: Store,
        *,
        session_hours: float = 12.0,
        max_failures: int = 5,
        window_s: float = 300.0,
    ) -> None:
        self.store = store
        self.session_hours = float(session_hours)
        self.max_failures = int(max_failures)
        self.window_s = float(window_s)
        self._dummy_hash: str | None = None

    # ------------------------------------------------------------------ helpers
    def _user(self, s: Session, name: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            known = list(s.scalars(select(UserRow.name).order_by(UserRow.name).limit(20)))
            raise UnknownRecordError(
                f"there is no user {name!r}",
                expected=f"one of {format_examples(known)}" if known else "an existing user",
                found=repr(name)[:100],
                fix="`smartspec user list` shows the users",
            )
        return row

    @staticmethod
    def _regions(s: Session, user_id: int) -> list[str]:
        query = select(UserRegionRow.region).where(UserRegionRow.user_id == user_id)
        return sorted(s.scalars(query))

    def _view(self, s: Session, row: UserRow) -> UserView:
        return UserView(
            id=row.id,
            name=row.name,
            role=row.role,
            regions=self._regions(s, row.id),
            active=row.active,
            created_at=_aware(row.created_at) or _now(),
        )

    def _account(self, s: Session, row: UserRow, via: str) -> Account:
        return Account(row.id, row.name, row.role, frozenset(self._regions(s, row.id)), via)

    @staticmethod
    def _event(s: Session, actor: Account, action: str, target: str, **detail: Any) -> None:
        s.add(AccountEventRow(actor=actor.name, action=action, target=target, detail=detail))

    # ------------------------------------------------------------------ users
    def has_users(self) -> bool:
        """Whether any account exists."""
        with self.store.session() as s:
            return bool(s.scalar(select(func.count()).select_from(UserRow)))

    def add_user(
        self,
        actor: Account | None,
        name: str,
        role: str,
        password: str,
        regions: Iterable[str] = (),
    ) -> UserView:
        """Create an account (administrators only). The password is hashed with argon2id."""
        who = require_role(actor, ["admin"], "adding a user")
        check_name(name)
        check_role(role)
        codes = check_regions(regions)
        check_password(password, name)
        digest = _hasher().hash(password)
        with self.store.session() as s:
            if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise ConflictError(
                    f"a user {name!r} exists already",
                    expected="a new user name",
                    found=repr(name),
                    fix="choose another name, or change this user with `smartspec user grant`",
                )
            row = UserRow(name=name, role=role, password_hash=digest, active=True)
            s.add(row)
            s.flush()
            for code in codes:
                s.add(UserRegionRow(user_id=row.id, region=code))
            self._event(s, who, "user.add", name, role=role, regions=codes)
            s.flush()
            return self._view(s, row)

    def list_users(self, actor: Account | None) -> list[UserView]:
        """Every account (administrators only)."""
        require_role(actor, ["admin"], "listing users")
        with self.store.session() as s:
            return [self._view(s, r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    def get_user(self, actor: Account | None, name: str) -> UserView:
        """One account: administrators see any, others only their own."""
        who = require_account(actor, "reading an account")
        if not who.is_admin and who.name != name:
            require_role(who, ["admin"], "reading another user's account")
        with self.store.session() as s:
            return self._view(s, self._user(s, name))

    def grant(
        self,
        actor: Account | None,
        name: str,
        *,
        role: str | None = None,
        regions: Iterable[str] = (),
    ) -> UserView:
        """Change a user's role and/or add regions to its grants (administrators only)."""
        who = require_role(actor, ["admin"], "granting roles or regions")
        codes = check_regions(regions)
        if role is not None:
            check_role(role)
        with self.store.session() as s:
            row = self._user(s, name)
            if role is not None and role != row.role:
                self._guard_last_admin(s, row, f"changing {name!r} to {role}")
                self._event(s, who, "user.role", name, old=row.role, new=role)
                row.role = role
            have = set(self._regions(s, row.id))
            for code in codes:
                if code not in have:
                    s.add(UserRegionRow(user_id=row.id, region=code))
            if set(codes) - have:
                self._event(s, who, "user.grant", name, regions=sorted(set(codes) - have))
            row.updated_at = _now()
            s.flush()
            return self._view(s, row)

    def revoke(
        self,
        actor: Account | None,
        name: str,
        *,
        regions: Iterable[str] = (),
        deactivate: bool = False,
    ) -> UserView:
        """Take regions from a user's grants, or deactivate the account (its sessions and
        tokens stop working at once). Administrators only."""
        who = require_role(actor, ["admin"], "revoking grants")
        codes = check_regions(regions)
        with self.store.session() as s:
            row = self._user(s, name)
            if codes:
                s.execute(
                    delete(UserRegionRow).where(
                        UserRegionRow.user_id == row.id, UserRegionRow.region.in_(codes)
                    )
                )
                self._event(s, who, "user.revoke", name, regions=codes)
            if deactivate and row.active:
                self._guard_last_admin(s, row, f"deactivating {name!r}")
                row.active = False
                s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
                self._event(s, who, "user.deactivate", name)
            row.updated_at = _now()
            s.flush()
            return self._view(s, row)

    @staticmethod
    def _guard_last_admin(s: Session, row: UserRow, action: str) -> None:
        if row.role != "admin" or not row.active:
            return
        admins = s.scalar(
            select(func.count()).where(UserRow.role == "admin", UserRow.active.is_(True))
        )
        if (admins or 0) <= 1:
            raise ConflictError(
                f"{action} would leave the platform without an administrator",
                expected="another active administrator first",
                found=f"{row.name!r} is the only one",
                fix="add another administrator (`smartspec user add NAME --role admin`)",
            )

    def set_password(
        self,
        actor: Account | None,
        name: str,
        password: str,
        *,
        current: str | None = None,
    ) -> None:
        """Set a user's password: its owner (giving the current one) or an administrator.
        Every session of the user ends."""
        who = require_account(actor, "changing a password")
        if not who.is_admin and who.name != name:
            require_role(who, ["admin"], "changing another user's password")
        check_password(password, name)
        with self.store.session() as s:
            row = self._user(s, name)
            if not who.is_admin and not self._verify(row.password_hash, current or ""):
                raise AuthenticationRequiredError(
                    "the current password is wrong",
                    expected="the account's current password",
                    found="another password",
                )
            row.password_hash = _hasher().hash(password)
            row.updated_at = _now()
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            self._event(s, who, "user.password", name)

    def events(self, actor: Account | None, limit: int = 200) -> list[EventView]:
        """The latest account changes (administrators only), newest first."""
        require_role(actor, ["admin"], "reading the account log")
        query = select(AccountEventRow).order_by(AccountEventRow.id.desc()).limit(min(limit, 1000))
        with self.store.session() as s:
            return [
                EventView(
                    at=_aware(r.at) or _now(),
                    actor=r.actor,
                    action=r.action,
                    target=r.target,
                    detail=dict(r.detail or {}),
                )
                for r in s.scalars(query)
            ]

    # ------------------------------------------------------------------ login
    @staticmethod
    def _verify(digest: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(_hasher().verify(digest, password))
        except (VerificationError, InvalidHashError):
            return False

    def authenticate(self, name: str, password: str, *, address: str = "-") -> Account:
        """The account of a name and password, or :class:`AuthenticationRequiredError`.

        Failed attempts are counted per name and per address; beyond the limit every attempt
        (right or wrong) is refused with :class:`TooManyAttemptsError` until the window passes.
        """
        name = str(name)[:80]
        address = str(address)[:64]
        since = _now() - timedelta(seconds=self.window_s)
        with self.store.session() as s:
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.at < since))
            by_name = s.scalar(
                select(func.count()).where(
                    LoginFailureRow.name == name, LoginFailureRow.at >= since
                )
            )
            by_address = s.scalar(
                select(func.count()).where(
                    LoginFailureRow.address == address, LoginFailureRow.at >= since
                )
            )
        if (by_name or 0) >= self.max_failures or (by_address or 0) >= 20 * self.max_failures:
            raise TooManyAttemptsError(
                "too many failed logins",
                expected=f"at most {self.max_failures} failed logins in {self.window_s:g} s",
                found=f"{max(by_name or 0, by_address or 0)} failures",
                fix=f"wait {self.window_s:g} seconds and try again",
                retry_after=self.window_s,
            )
        with self.store.session() as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                self._verify(self._dummy(), password)  # the same time as a wrong password
                ok = False
            else:
                ok = row.active and self._verify(row.password_hash, password)
            if not ok:
                s.add(LoginFailureRow(name=name, address=address))
            else:
                assert row is not None
                s.execute(delete(LoginFailureRow).where(LoginFailureRow.name == name))
                hasher = _hasher()
                if hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = hasher.hash(password)
                return self._account(s, row, "session")
        raise AuthenticationRequiredError(
            "wrong user name or password",
            expected="the name and password of an active account",
            found="no match",
            fix="check both; an administrator can set a new password",
        )

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = _hasher().hash(secrets.token_hex(16))
        return self._dummy_hash

    # ------------------------------------------------------------------ sessions
    def start_session(self, account: Account) -> str:
        """A new session of ``account``: the cookie value (stored only as its SHA-256)."""
        value = secrets.token_urlsafe(32)
        with self.store.session() as s:
            s.execute(delete(SessionRow).where(SessionRow.expires_at < _now()))
            s.add(
                SessionRow(
                    id_hash=_sha256(value),
                    user_id=account.id,
                    expires_at=_now() + timedelta(hours=self.session_hours),
                )
            )
        return value

    def session_account(self, value: str | None) -> Account | None:
        """The account of a session cookie, or ``None`` (unknown, expired, inactive user)."""
        if not value or len(value) > 200:
            return None
        with self.store.session() as s:
            row = s.get(SessionRow, _sha256(value))
            if row is None:
                return None
            if (_aware(row.expires_at) or _now()) < _now():
                s.delete(row)
                return None
            user = s.get(UserRow, row.user_id)
            if user is None or not user.active:
                return None
            return self._account(s, user, "session")

    def end_session(self, value: str | None) -> None:
        """End a session (logout); nothing when it is not there."""
        if value and len(value) <= 200:
            with self.store.session() as s:
                s.execute(delete(SessionRow).where(SessionRow.id_hash == _sha256(value)))

    # ------------------------------------------------------------------ tokens
    def create_token(
        self, actor: Account | None, name: str, label: str = ""
    ) -> tuple[TokenView, str]:
        """A new API token for user ``name``: its listing and the secret (shown once).

        Users create their own tokens; administrators anyone's.
        """
        who = require_account(actor, "creating a token")
        if not who.is_admin and who.name != name:
            require_role(who, ["admin"], "creating a token for another user")
        label = (label or "token").strip()[:200] or "token"
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        with self.store.session() as s:
            user = self._user(s, name)
            row = TokenRow(id=token_id, user_id=user.id, label=label, secret_hash=_sha256(secret))
            s.add(row)
            self._event(s, who, "token.create", name, token=token_id, label=label)
            s.flush()
            view = self._token_view(row, name)
        return view, f"ss_{token_id}_{secret}"

    @staticmethod
    def _token_view(row: TokenRow, user: str) -> TokenView:
        return TokenView(
            id=row.id,
            user=user,
            label=row.label,
            created_at=_aware(row.created_at) or _now(),
            last_used_at=_aware(row.last_used_at),
            revoked_at=_aware(row.revoked_at),
        )

    def token_account(self, token: str | None) -> Account | None:
        """The account of a bearer token, or ``None`` (malformed, unknown, revoked, inactive)."""
        match = _TOKEN_RE.match(token or "")
        if match is None:
            return None
        token_id, secret = match.groups()
        with self.store.session() as s:
            row = s.get(TokenRow, token_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.secret_hash, _sha256(secret)):
                return None
            user = s.get(UserRow, row.user_id)
            if user is None or not user.active:
                return None
            row.last_used_at = _now()
            return self._account(s, user, "token")

    def list_tokens(self, actor: Account | None, name: str | None = None) -> list[TokenView]:
        """Tokens of one user (its own, or anyone's for administrators); all for ``None``."""
        who = require_account(actor, "listing tokens")
        if name is None or name != who.name:
            require_role(who, ["admin"], "listing other users' tokens")
        query = select(TokenRow, UserRow.name).join(UserRow, UserRow.id == TokenRow.user_id)
        if name is not None:
            query = query.where(UserRow.name == name)
        with self.store.session() as s:
            rows = s.execute(query.order_by(TokenRow.created_at, TokenRow.id)).all()
            return [self._token_view(t, u) for t, u in rows]

    def revoke_token(self, actor: Account | None, token_id: str) -> TokenView:
        """Revoke a token (its owner or an administrator); it stops working at once."""
        who = require_account(actor, "revoking a token")
        token_id = token_id.removeprefix("ss_").split("_", 1)[0]
        with self.store.session() as s:
            row = s.get(TokenRow, token_id)
            user = s.get(UserRow, row.user_id) if row is not None else None
            if row is None or user is None:
                raise UnknownRecordError(
                    f"there is no token {token_id!r}",
                    expected="a token id from `smartspec token list`",
                    found=repr(token_id)[:40],
                )
            if not who.is_admin and who.name != user.name:
                require_role(who, ["admin"], "revoking another user's token")
            if row.revoked_at is None:
                row.revoked_at = _now()
                self._event(s, who, "token.revoke", user.name, token=token_id)
            s.flush()
            return self._token_view(row, user.name)

    # ------------------------------------------------------------------ first administrator
    def ensure_admin(self, environ: Mapping[str, str]) -> UserView | None:
        """Create the first administrator from ``SMARTSPEC_ADMIN_USER`` and
        ``SMARTSPEC_ADMIN_PASSWORD`` when no account exists yet; ``None`` when nothing was done.

        There is never a default password: without both variables, no account is made.
        """
        name = environ.get("SMARTSPEC_ADMIN_USER", "").strip()
        password = environ.get("SMARTSPEC_ADMIN_PASSWORD", "")
        if not name or not password or self.has_users():
            return None
        return self.add_user(CLI_ACCOUNT, name, "admin", password)
