"""Who may do what: the roles, an account as the services see it, and the permission rules.

Plain Python without a database or HTTP, so that every domain's service checks permissions the
same way and the rules are tested on their own. The roles:

========== ====================================================================================
role       may
========== ====================================================================================
admin      everything: users and grants, datasets (upload, delete), every region's records
editor     change the records of the regions granted to it (a grant of ``CZ0`` covers every
           region whose code starts with ``CZ0``: the NUTS codes nest by prefix); upload
           datasets
reviewer   read; review strategies (peer review) of regions other than its own
viewer     read only
========== ====================================================================================

Reading is open to anonymous visitors when the ``public_read`` setting is on (a public
registry); on a private platform it needs an account of any role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError

__all__ = [
    "ROLES",
    "Account",
    "can_edit_region",
    "region_covered",
    "require_account",
    "require_reader",
    "require_region",
    "require_role",
]

#: The roles, from most to least powerful.
ROLES: tuple[str, ...] = ("admin", "editor", "reviewer", "viewer")


@dataclass(frozen=True)
class Account:
    """A signed-in account, as the services see it (no password, no token).

    Attributes
    ----------
    id : int
        The user's row id.
    name : str
        The login name.
    role : str
        One of :data:`ROLES`.
    regions : frozenset of str
        The region codes granted (editors; reviewers' own regions).
    via : str
        How it signed in: ``"session"`` (the dashboard), ``"token"`` (a bearer token),
        ``"cli"`` (the command line, acting on the server's own database).
    """

    id: int
    name: str
    role: str
    regions: frozenset[str] = field(default_factory=frozenset)
    via: str = "session"

    @property
    def is_admin(self) -> bool:
        """Whether the account is an administrator."""
        return self.role == "admin"


def region_covered(grants: Iterable[str], region: str) -> bool:
    """Whether a region code is covered by a set of granted codes (equal, or below by prefix).

    Examples
    --------
    >>> region_covered({"CZ0"}, "CZ064"), region_covered({"CZ064"}, "CZ06")
    (True, False)
    """
    code = region.strip().upper()
    return any(code == g.upper() or (g and code.startswith(g.upper())) for g in grants)


def can_edit_region(account: Account | None, region: str) -> bool:
    """Whether ``account`` may change the records of ``region``.

    Examples
    --------
    >>> editor = Account(2, "ana", "editor", frozenset({"CZ064"}))
    >>> can_edit_region(editor, "CZ064"), can_edit_region(editor, "CZ080")
    (True, False)
    >>> can_edit_region(Account(1, "root", "admin"), "MX28"), can_edit_region(None, "CZ064")
    (True, False)
    """
    if account is None:
        return False
    if account.is_admin:
        return True
    return account.role == "editor" and region_covered(account.regions, region)


def require_account(account: Account | None, action: str) -> Account:
    """``account``, or :class:`AuthenticationRequiredError` when nobody is signed in."""
    if account is None:
        raise AuthenticationRequiredError(
            f"{action} needs an account",
            expected="a signed-in session (the dashboard's login page) or an "
            "'Authorization: Bearer <token>' header",
            found="no login and no token (or an expired session, a revoked token)",
            fix="log in, or create a token with `smartspec token create NAME`",
        )
    return account


def require_role(account: Account | None, roles: Iterable[str], action: str) -> Account:
    """``account`` when its role is one of ``roles``; else 401 (nobody) or 403 (another role)."""
    allowed = tuple(roles)
    who = require_account(account, action)
    if who.role not in allowed:
        raise ForbiddenError(
            f"{action} is not allowed to the account {who.name!r}",
            expected=f"an account with the role {' or '.join(allowed)}",
            found=f"role {who.role}",
            fix="ask an administrator for that role (`smartspec user grant`)",
        )
    return who


def require_region(account: Account | None, region: str, action: str) -> Account:
    """``account`` when it may change ``region``'s records; else 401 or 403."""
    who = require_account(account, action)
    if not can_edit_region(who, region):
        granted = ", ".join(sorted(who.regions)) or "none"
        raise ForbiddenError(
            f"{action} for region {region!r} is not allowed to the account {who.name!r}",
            expected="an administrator, or an editor granted this region (or a region above it)",
            found=f"role {who.role}, regions granted: {granted}",
            fix="ask an administrator to grant the region (`smartspec user grant NAME "
            f"--region {region}`)",
        )
    return who


def require_reader(account: Account | None, public_read: bool, action: str = "reading") -> None:
    """Nothing when ``account`` may read (anyone on a public platform); else 401."""
    if not public_read:
        require_account(account, action)
