"""Shared fixtures of the monitoring tests: a real app and database (SQLite) with two strategies
of the registry (CZ080 with two coded priorities, ES51 with one), no example data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.registry.views import PriorityIn


@dataclass(frozen=True)
class Plan:
    """The ids of the fixture's strategies and priorities."""

    cz: int
    es: int
    automotive: int
    software: int
    tourism: int


def make_app(path: str, database_url: str | None = None) -> tuple[SmartSpecApp, Plan]:
    """An app on the SBS and ARDECO datasets (for computed indicators) with the fixture's
    strategies, on SQLite (or the database of ``database_url``)."""
    app = SmartSpecApp(
        data_dir=path,
        database_url=database_url,
        datasets=["eu-nuts2-sbs", "eu-nuts2-ardeco"],
        settings={"registry_example": False},
    )
    reg = app.registry

    def priority(region: str, title: str, nace: list[str]) -> tuple[int, int]:
        view = reg.create_priority(
            CLI_ACCOUNT,
            PriorityIn(region=region, period="2021-2027", title=title, codes={"nace": nace}),
        )
        return view.strategy_id, view.id

    cz, automotive = priority("CZ080", "Automotive", ["29"])
    _, software = priority("CZ080", "Software", ["62", "63"])
    es, tourism = priority("ES51", "Tourism", ["55"])
    return app, Plan(cz=cz, es=es, automotive=automotive, software=software, tourism=tourism)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SmartSpecApp, Plan]]:
    """The fixture's app and ids, shared by a module's tests."""
    app, plan = make_app(str(tmp_path_factory.mktemp("monitoring")))
    yield app, plan
    app.close()


@pytest.fixture(scope="session")
def new_plan() -> Callable[[str], tuple[SmartSpecApp, Plan]]:
    """``new_plan(folder, database_url=None)``: a fresh app with the fixture's strategies
    (close it after)."""
    return make_app
