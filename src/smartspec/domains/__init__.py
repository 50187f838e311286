"""The platform's domains: each one a package over the core and the store, registered here.

A domain brings what one area of the platform needs: its service functions and typed views
(plain Python, no HTTP), and the thin adapters that expose them: API routers, dashboard pages,
CLI commands, and its tables (an Alembic migration folder). The application composes the
registered domains: :func:`smartspec.services.api.create_api` mounts every domain's routers,
the dashboard adds every domain's pages, and the ``smartspec`` command adds every domain's
commands. Adding a domain is one new package under ``smartspec/domains/`` and one line in
:data:`DOMAINS` (see ``docs/architecture.md``).

Adapters are named by import path (``"package.module:attribute"``) and imported only when an
interface is built, so that the library and the CLI never import FastAPI, and no module imports
the adapters of another layer at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

__all__ = ["DOMAINS", "Domain", "load"]


def load(ref: str) -> Any:
    """The object an import path ``"package.module:attribute"`` names.

    >>> load("smartspec.domains:Domain") is Domain
    True
    """
    module, _, attribute = ref.partition(":")
    obj: Any = import_module(module)
    for part in attribute.split(".") if attribute else ():
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class Domain:
    """One domain of the platform and its adapters.

    Parameters
    ----------
    name : str
        One word (``"datasets"``, ``"evidence"``, ``"registry"``...): the package's name.
    summary : str
        One line for the documentation.
    routers : tuple of str
        FastAPI ``APIRouter`` objects, mounted under ``/api/v1`` in this order.
    pages : str, optional
        A function ``pages(api, dashboard) -> None`` that adds the domain's dashboard pages.
    commands : tuple of str
        Click commands or groups added to the ``smartspec`` command.
    migrations : str, optional
        The package holding the domain's Alembic migration scripts (its tables).
    start : str, optional
        A function ``start(app) -> None`` run when the platform starts serving (``smartspec
        serve``): first-start work such as loading the domain's example data.
    """

    name: str
    summary: str
    routers: tuple[str, ...] = ()
    pages: str | None = None
    commands: tuple[str, ...] = ()
    migrations: str | None = None
    start: str | None = None

    def load_routers(self) -> list[Any]:
        """The domain's API routers, imported."""
        return [load(ref) for ref in self.routers]

    def load_commands(self) -> list[Any]:
        """The domain's CLI commands, imported."""
        return [load(ref) for ref in self.commands]


_EVIDENCE_API = "smartspec.domains.evidence.api"

#: The registered domains, in the order their routes are mounted and documented.
DOMAINS: tuple[Domain, ...] = (
    Domain(
        name="datasets",
        summary="The catalogue: bundled datasets, uploads, periods, region and activity names.",
        routers=("smartspec.domains.datasets.api:router",),
    ),
    Domain(
        name="evidence",
        summary="Specialisation, relatedness, complexity, opportunities, framework, backtests.",
        routers=tuple(
            f"{_EVIDENCE_API}.{name}:router"
            for name in (
                "regions",
                "activities",
                "indicators",
                "complexity",
                "network",
                "compare",
                "downloads",
                "framework",
                "recommendations",
                "validation",
                "measures",
            )
        ),
    ),
    Domain(
        name="accounts",
        summary="Users, roles and region grants, logins, sessions and API tokens.",
        routers=("smartspec.domains.accounts.api:router",),
        pages="smartspec.domains.accounts.pages:attach",
        commands=("smartspec.domains.accounts.cli:user", "smartspec.domains.accounts.cli:token"),
        migrations="smartspec.domains.accounts.migrations",
    ),
    Domain(
        name="registry",
        summary="Declared S3 priorities: regions, strategies, coded priorities, history, search, "
        "import and export, suggested codes, coherence with the evidence.",
        routers=("smartspec.domains.registry.api:router",),
        pages="smartspec.domains.registry.pages:attach",
        commands=("smartspec.domains.registry.cli:priorities",),
        migrations="smartspec.domains.registry.migrations",
        start="smartspec.domains.registry.actions:on_start",
    ),
    Domain(
        name="benchmark",
        summary="Benchmark regions: the most similar regions by structural conditions, activity "
        "profile and declared priorities, with the indicators that make them alike.",
        routers=("smartspec.domains.benchmark.api:router",),
        pages="smartspec.domains.benchmark.pages:attach",
        commands=("smartspec.domains.benchmark.cli:benchmark",),
    ),
    Domain(
        name="partners",
        summary="Partner regions along value chains: strength and potential per stage, partner "
        "sets, coverage matrix.",
        routers=("smartspec.domains.partners.api:router",),
        pages="smartspec.domains.partners.pages:attach",
        commands=("smartspec.domains.partners.cli:partners",),
    ),
    Domain(
        name="actors",
        summary="Innovation actors: the organisation registry (quadruple helix), collaboration "
        "networks, partner search.",
        routers=("smartspec.domains.actors.api:router",),
        pages="smartspec.domains.actors.pages:attach",
        commands=("smartspec.domains.actors.cli:actors",),
        migrations="smartspec.domains.actors.migrations",
        start="smartspec.domains.actors.actions:on_start",
    ),
    Domain(
        name="cooperation",
        summary="The EU-Mexico cooperation monitor: FP7 and Horizon 2020 participation over time, "
        "indicators, partner countries and regions.",
        routers=("smartspec.domains.cooperation.api:router",),
        pages="smartspec.domains.cooperation.pages:attach",
        commands=("smartspec.domains.cooperation.cli:cooperation",),
    ),
    Domain(
        name="monitoring",
        summary="Monitoring of strategies: objectives, actions, output/result/context "
        "indicators, targets, values (entered, imported, computed), progress.",
        routers=(
            "smartspec.domains.monitoring.api:router",
            "smartspec.domains.monitoring.api_evaluation:router",
        ),
        pages="smartspec.domains.monitoring.pages:attach",
        commands=("smartspec.domains.monitoring.cli:monitoring",),
        migrations="smartspec.domains.monitoring.migrations",
        start="smartspec.domains.monitoring.actions:on_start",
    ),
    Domain(
        name="review",
        summary="Peer review of strategies (draft, submitted, in review, completed) against the "
        "RIS3 steps and the 2021 good-governance criteria, consolidated results, self-assessment.",
        routers=("smartspec.domains.review.api:router",),
        pages="smartspec.domains.review.pages:attach",
        commands=("smartspec.domains.review.cli:review",),
        migrations="smartspec.domains.review.migrations",
    ),
    Domain(
        name="reports",
        summary="The region report: evidence profile and validity caveats, declared priorities "
        "and their coherence, monitoring progress, benchmark regions, peer-review results, as "
        "HTML, PDF or xlsx.",
        routers=("smartspec.domains.reports.api:router",),
        pages="smartspec.domains.reports.pages:attach",
        commands=("smartspec.domains.reports.cli:report",),
    ),
)
