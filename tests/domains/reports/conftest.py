"""One app for the report tests: the ARDECO dataset (and Tamaulipas, without map shapes), the
registry's Czech example, a monitoring plan for Jihomoravský kraj (CZ064) with two indicators
whose statuses are known, a completed peer review of its strategy by two reviewers, and a
self-assessment."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

#: The region of the reports (NUTS 2 Jihovýchod) and the registry region within it.
REGION = "CZ06"
REGISTRY_REGION = "CZ064"
DATASET = "eu-nuts2-ardeco"


def _reviewer(app: Any, name: str) -> Any:
    from smartspec.domains.accounts.rules import Account
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    view = app.accounts.add_user(CLI_ACCOUNT, name, "reviewer", secrets.token_urlsafe(18), [])
    return Account(view.id, view.name, view.role, frozenset(), "cli")


def _plan(app: Any) -> dict[str, Any]:
    """Two indicators of CZ064's strategy: baseline 1.0 (2020), target 2.0 (2027), values of
    2024 at 1.5 (on track) and 1.2 (off track)."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.monitoring.actions import monitoring_of
    from smartspec.domains.monitoring.views import IndicatorIn, TargetIn

    strategy = app.registry.list_strategies(None, REGISTRY_REGION)[0]
    mon = monitoring_of(app)
    out = {"strategy": strategy}
    for name, value in (("Business R&D spending", 1.5), ("Firms innovating", 1.2)):
        ind = mon.add_indicator(
            CLI_ACCOUNT,
            strategy.id,
            IndicatorIn(
                kind="result",
                name=name,
                unit="% of GDP",
                baseline_year=2020,
                baseline_value=1.0,
                targets=[TargetIn(year=2027, value=2.0, kind="target")],
            ),
        )
        mon.record_value(CLI_ACCOUNT, ind.id, 2024, value)
    return out


def _review(app: Any, strategy_id: int) -> None:
    """A completed review: reviewer A scores every criterion 4, reviewer B 2 (mean 3)."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.review.actions import reviews_of

    reviews = reviews_of(app)
    review = reviews.create(CLI_ACCOUNT, strategy_id)
    reviews.submit(CLI_ACCOUNT, review.id)
    first, second = _reviewer(app, "report-rev-a"), _reviewer(app, "report-rev-b")
    reviews.invite(CLI_ACCOUNT, review.id, first.name)
    reviews.invite(CLI_ACCOUNT, review.id, second.name)
    reviews.start(CLI_ACCOUNT, review.id)
    keys = reviews.rubric.keys
    reviews.score(first, review.id, {k: 4 for k in keys})
    reviews.score(second, review.id, {k: 2 for k in keys})
    reviews.complete(CLI_ACCOUNT, review.id)
    reviews.save_self_assessment(CLI_ACCOUNT, REGISTRY_REGION, {k: 5 for k in keys}, year=2025)


@pytest.fixture(scope="package")
def report_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("reports"), datasets=[DATASET, "mx-tamaulipas"]
    )
    load_example_once(app)
    plan = _plan(app)
    _review(app, plan["strategy"].id)
    yield app
    app.close()


@pytest.fixture(scope="package")
def report_client(report_app: Any) -> Any:
    return report_app.client(raise_server_exceptions=True)
