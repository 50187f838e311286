"""The accounts API: the signed-in account and its tokens, and user administration.

Scripts authenticate with ``Authorization: Bearer <token>`` (tokens from ``smartspec token
create`` or the account page); the dashboard with its login session. Passwords go only into
``POST /users`` and are never answered back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response
from pydantic import BaseModel, Field

from smartspec.domains.accounts.rules import ROLES, require_account
from smartspec.domains.accounts.service import EventView, TokenView, UserView
from smartspec.services.api.deps import AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES, ErrorResponse

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No valid login or token."},
    403: {"model": ErrorResponse, "description": "The account's role does not allow it."},
}


class NewToken(BaseModel):
    """A token to create."""

    label: str = Field(default="token", max_length=200, description="What the token is for.")


class CreatedToken(TokenView):
    """A new token with its secret, shown this once."""

    token: str = Field(description="The secret: send it as 'Authorization: Bearer <token>'.")


class NewUser(BaseModel):
    """An account to create (administrators)."""

    name: str = Field(min_length=2, max_length=80)
    role: str = Field(description=f"One of {', '.join(ROLES)}.")
    password: str = Field(min_length=1, max_length=1024, description="At least 12 characters.")
    regions: list[str] = Field(default_factory=list, max_length=500)


class UserChange(BaseModel):
    """A change to an account (administrators): a role, regions added or taken, deactivation."""

    role: str | None = None
    add_regions: list[str] = Field(default_factory=list, max_length=500)
    remove_regions: list[str] = Field(default_factory=list, max_length=500)
    active: bool | None = Field(None, description="false deactivates the account.")


@router.get("/account", response_model=UserView, summary="The signed-in account", responses=_AUTH)
def me(app: AppDep, account: AccountDep) -> UserView:
    """Who the request is signed in as: name, role, regions."""
    who = require_account(account, "reading your account")
    return app.accounts.get_user(who, who.name)


@router.get(
    "/account/tokens", response_model=list[TokenView], summary="Your tokens", responses=_AUTH
)
def my_tokens(app: AppDep, account: AccountDep) -> list[TokenView]:
    """The signed-in account's API tokens (never their secrets)."""
    who = require_account(account, "listing your tokens")
    return app.accounts.list_tokens(who, who.name)


@router.post(
    "/account/tokens",
    response_model=CreatedToken,
    status_code=201,
    summary="Create a token",
    responses=_AUTH,
)
def create_token(
    app: AppDep, account: AccountDep, body: Annotated[NewToken, Body()] | None = None
) -> CreatedToken:
    """A new API token for the signed-in account; the secret is in this answer only."""
    who = require_account(account, "creating a token")
    view, secret = app.accounts.create_token(who, who.name, (body or NewToken()).label)
    return CreatedToken(**view.model_dump(), token=secret)


@router.delete(
    "/account/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    summary="Revoke a token",
    responses=_AUTH,
)
def revoke_token(
    app: AppDep,
    account: AccountDep,
    token_id: Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9_-]+$")],
) -> Response:
    """Revoke one of your tokens (administrators: anyone's); it stops working at once."""
    app.accounts.revoke_token(account, token_id)
    return Response(status_code=204)


@router.get("/users", response_model=list[UserView], summary="Accounts", responses=_AUTH)
def list_users(app: AppDep, account: AccountDep) -> list[UserView]:
    """Every account with its role and regions (administrators)."""
    return app.accounts.list_users(account)


@router.post(
    "/users", response_model=UserView, status_code=201, summary="Add an account", responses=_AUTH
)
def add_user(app: AppDep, account: AccountDep, body: NewUser) -> UserView:
    """Add an account (administrators); 409 when the name is taken."""
    return app.accounts.add_user(account, body.name, body.role, body.password, body.regions)


@router.patch(
    "/users/{name}", response_model=UserView, summary="Change an account", responses=_AUTH
)
def change_user(
    app: AppDep,
    account: AccountDep,
    name: Annotated[str, Path(max_length=80)],
    body: UserChange,
) -> UserView:
    """Change an account's role, add or take regions, deactivate it (administrators)."""
    view = app.accounts.grant(account, name, role=body.role, regions=body.add_regions)
    if body.remove_regions or body.active is False:
        view = app.accounts.revoke(
            account, name, regions=body.remove_regions, deactivate=body.active is False
        )
    return view


@router.get("/users/events", response_model=list[EventView], summary="Account log")
def events(app: AppDep, account: AccountDep) -> list[EventView]:
    """The latest changes to accounts: who did what to whom, when (administrators)."""
    return app.accounts.events(account)
