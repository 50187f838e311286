"""Shared fixtures of the review tests: a real app and database (SQLite) without datasets or
example data, real accounts of every role made through the accounts service, and strategies of
the registry (a new one per review, since a strategy has one open review at a time)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.rules import Account
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.registry.views import StrategyIn
from smartspec.domains.review.actions import reviews_of
from smartspec.domains.review.rubric import rubric
from smartspec.domains.review.service import Reviews
from smartspec.domains.review.views import ReviewView

#: The region under review.
REGION = "CZ064"
#: The roles of the tests: name -> (role, regions granted).
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "viewer": ("viewer", ()),
    "reviewer_out": ("reviewer", ("DE1",)),
    "reviewer_in": ("reviewer", ("ES51",)),
    "reviewer_in2": ("reviewer", ("ES52",)),
    "editor_here": ("editor", ("CZ06",)),
    "editor_other": ("editor", ("CZ080",)),
    "admin": ("admin", ()),
    "reviewer_own": ("reviewer", ("CZ0",)),
}


@dataclass
class World:
    """An app, its review service and an account of each test role (``None``: anonymous)."""

    app: SmartSpecApp
    reviews: Reviews
    accounts: dict[str, Account | None]
    counter: Iterator[int]

    def who(self, name: str) -> Account | None:
        """The account of a test role (``"anonymous"``: ``None``)."""
        return None if name == "anonymous" else self.accounts[name]

    def strategy(self, region: str = REGION) -> int:
        """A new strategy of ``region`` (a new period each time)."""
        view = self.app.registry.upsert_strategy(
            CLI_ACCOUNT,
            StrategyIn(region=region, period=f"P{next(self.counter)}", title=f"RIS3 {region}"),
        )
        return view.id

    def review(self, state: str = "draft", *, invite: bool = True, scored: bool = False) -> int:
        """A new review of a new strategy of :data:`REGION`, brought to ``state`` by the
        region's editor (``reviewer_in`` invited unless ``invite`` is false; with ``scored``,
        ``reviewer_in`` scored every criterion 3)."""
        editor = self.who("editor_here")
        view: ReviewView = self.reviews.create(editor, self.strategy())
        if invite:
            self.reviews.invite(editor, view.id, "test-reviewer_in")
        if state == "draft":
            return view.id
        self.reviews.submit(editor, view.id)
        if state == "submitted":
            return view.id
        self.reviews.start(editor, view.id)
        if scored:
            self.reviews.score(self.who("reviewer_in"), view.id, {k: (3, "") for k in KEYS})
        if state == "in review":
            return view.id
        self.reviews.complete(editor, view.id)
        assert state == "completed"
        return view.id


#: Every criterion key of the rubric.
KEYS: tuple[str, ...] = rubric().keys


def make_world(path: str, *, public_read: bool = True, database_url: str | None = None) -> World:
    """A fresh app in ``path`` (on ``database_url``, else SQLite) with the test accounts."""
    app = SmartSpecApp(
        data_dir=path,
        database_url=database_url,
        datasets=[],
        settings={"registry_example": False, "public_read": public_read},
    )
    accounts: dict[str, Account | None] = {}
    for name, (role, regions) in ROLES.items():
        view = app.accounts.add_user(
            CLI_ACCOUNT, f"test-{name}", role, secrets.token_urlsafe(18), regions
        )
        accounts[name] = Account(view.id, view.name, view.role, frozenset(view.regions))
    return World(app, reviews_of(app), accounts, itertools.count(1))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One app per test module (each test makes its own reviews)."""
    made = make_world(str(tmp_path_factory.mktemp("review")))
    yield made
    made.app.close()


@pytest.fixture
def fresh_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., World]]:
    """Make fresh apps (closed after the test)."""
    made: list[World] = []

    def make(**kwargs: Any) -> World:
        w = make_world(str(tmp_path_factory.mktemp("review-fresh")), **kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        w.app.close()
