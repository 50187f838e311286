"""The monitoring domain's actions: the service of an app (what the API, the CLI, the pages and
the region report call), and the first-start hook that loads an example monitoring plan.

The example (:func:`load_example_once`) is built only from what the platform holds, never from
invented figures: for the Moravian-Silesian region (``CZ080``) of the registry's bundled Czech
strategies, one objective per declared specialisation domain that carries NACE codes (titled
as the domain; its wording is the region's to write), under each a **computed** result
indicator, the domain's share of the region's persons employed (Eurostat structural business
statistics, the bundled ``eu-nuts2-sbs`` dataset, NUTS 2 ``CZ08``, which is the same territory
as the NUTS 3 ``CZ080``), and two **context** indicators of the region (R&D intensity, patent
applications per head) from the benchmark domain's bundled Eurostat table. No target is set:
targets are the strategy's to decide, so the example's progress is "not assessable" until a
region enters them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .service import Monitoring
from .views import IndicatorIn, IndicatorView

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "EXAMPLE_DATASET",
    "EXAMPLE_KEY",
    "EXAMPLE_REGION",
    "load_example_once",
    "monitoring_of",
    "on_start",
]

#: The domain setting that says the example plan was loaded.
EXAMPLE_KEY = "example_loaded"
#: The region of the example plan (a NUTS 3 region that is a whole NUTS 2 region, CZ08).
EXAMPLE_REGION = "CZ080"
#: The dataset of the example's computed indicators.
EXAMPLE_DATASET = "eu-nuts2-sbs"


def monitoring_of(app: SmartSpecApp) -> Monitoring:
    """The monitoring service on ``app`` (made once per app and store)."""
    found = app.__dict__.get("_monitoring_service")
    if not isinstance(found, Monitoring) or found.store is not app.store:
        found = Monitoring(app)
        app.__dict__["_monitoring_service"] = found
    return found


def _example(app: SmartSpecApp) -> list[IndicatorView]:
    from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

    service = monitoring_of(app)
    strategies = app.registry.list_strategies(SYSTEM_ACCOUNT, EXAMPLE_REGION)
    if not strategies:
        return []
    strategy = strategies[0]
    priorities = [
        p
        for p in app.registry.region_priorities(SYSTEM_ACCOUNT, EXAMPLE_REGION)
        if p.strategy_id == strategy.id and p.codes.get("nace")
    ]
    made: list[IndicatorView] = []
    for p in priorities:
        codes, left_out = _computable(app, list(p.codes["nace"]))
        if not codes:
            continue
        objective = service.add_objective(
            SYSTEM_ACCOUNT,
            strategy.id,
            p.title,
            "Set up from the declared specialisation domain (bundled example): write the "
            "objective in the strategy's own words.",
            priority_id=p.id,
        )
        spec: dict[str, Any] = {
            "measure": "share",
            "dataset": EXAMPLE_DATASET,
            "activities": codes,
        }
        definition = (
            "Persons employed in the NACE divisions of the domain as % of the persons employed "
            "in the region's business economy (SBS scope)"
        )
        if left_out:
            definition += (
                f"; NACE {', '.join(left_out)} left out: not in the dataset (outside the "
                "scope of the structural business statistics)"
            )
        made.append(
            service.add_indicator(
                SYSTEM_ACCOUNT,
                strategy.id,
                IndicatorIn(
                    kind="result",
                    name=f"Employment share: {p.title}"[:300],
                    definition=definition,
                    source="Eurostat structural business statistics (V16110), bundled dataset "
                    f"{EXAMPLE_DATASET}",
                    objective_id=objective["id"],
                    computed=spec,
                ),
            )
        )
    for measure, name in (
        ("rd_intensity", "R&D expenditure (GERD), % of GDP"),
        ("patents_per_head", "EPO patent applications per million inhabitants"),
    ):
        made.append(
            service.add_indicator(
                SYSTEM_ACCOUNT,
                strategy.id,
                IndicatorIn(
                    kind="context",
                    name=name,
                    definition="Context of the region (one reference year)",
                    source="Eurostat (rd_e_gerdreg, tgs00040), the benchmark domain's bundled "
                    "indicators",
                    computed={"measure": measure},
                ),
            )
        )
    return made


def _computable(app: SmartSpecApp, codes: list[str]) -> tuple[list[str], list[str]]:
    """The codes of a priority the example's dataset can measure, and those it cannot."""
    from smartspec.core.errors import SmartSpecError

    from . import compute

    keep: list[str] = []
    drop: list[str] = []
    for code in codes:
        spec = {"measure": "share", "dataset": EXAMPLE_DATASET, "activities": [code]}
        try:
            series = compute.compute_series(app, spec, EXAMPLE_REGION)
        except SmartSpecError:
            drop.append(code)
            continue
        (keep if series.values else drop).append(code)
    return keep, drop


def load_example_once(app: SmartSpecApp) -> list[IndicatorView] | None:
    """Load the example plan (see the module) into a database that never had it; ``None`` when
    it had (or another process is loading it now). The first process to insert the
    ``example_loaded`` key loads it; when loading fails, the claim is withdrawn."""
    from sqlalchemy.exc import IntegrityError

    from .models import MonitoringMetaRow

    try:
        with app.store.session() as s:
            if s.get(MonitoringMetaRow, EXAMPLE_KEY) is not None:
                return None
            s.add(MonitoringMetaRow(key=EXAMPLE_KEY, value="loading"))
            s.flush()
    except IntegrityError:
        return None
    try:
        made = _example(app)
    except BaseException:
        with app.store.session() as s:
            row = s.get(MonitoringMetaRow, EXAMPLE_KEY)
            if row is not None:
                s.delete(row)
        raise
    monitoring_of(app).set_meta(EXAMPLE_KEY, f"{len(made)} indicators of {EXAMPLE_REGION}")
    return made


def on_start(app: SmartSpecApp) -> None:
    """The monitoring domain's first-start work: the example plan, when the
    ``registry_example`` setting is on (after the registry's example: the domains start in
    their order)."""
    if app.settings.get("registry_example", True):
        load_example_once(app)
