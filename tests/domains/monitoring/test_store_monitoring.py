"""The monitoring tables and the first-start example: the migration creates them, the example
plan loads once, from the registry's Czech strategy and real data (checked against the bundled
dataset file), and the starter set is adopted through the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import inspect

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import ForbiddenError
from smartspec.domains.monitoring import actions
from smartspec.domains.monitoring.actions import monitoring_of

ADMIN = Account(1, "root", "admin")
EDITOR_ES = Account(4, "eva", "editor", frozenset({"ES51"}))
TABLES = {
    "monitoring_objectives",
    "monitoring_actions",
    "monitoring_indicators",
    "monitoring_targets",
    "monitoring_values",
    "monitoring_history",
    "monitoring_meta",
}


def test_example_loads_once_from_real_data(tmp_path: Path) -> None:
    from smartspec.datasets._registry import data_file
    from smartspec.domains.registry.actions import on_start as registry_start

    app = SmartSpecApp(data_dir=tmp_path, datasets=["eu-nuts2-sbs"])
    try:
        assert TABLES <= set(inspect(app.store.engine).get_table_names())
        registry_start(app)
        actions.on_start(app)
        strategy = app.registry.list_strategies(None, "CZ080")[0]
        plan = monitoring_of(app).plan(None, strategy.id)
        actions.on_start(app)  # a second start loads nothing
        assert actions.load_example_once(app) is None
        assert len(monitoring_of(app).plan(None, strategy.id).indicators) == len(plan.indicators)
        kinds = [i.kind for i in plan.indicators]
        assert kinds.count("context") == 2 and kinds.count("result") >= 5
        assert all(i.computed is not None for i in plan.indicators)  # nothing typed in
        assert all(i.targets == [] for i in plan.indicators)  # no invented targets
        automotive = next(p for p in plan.priorities if p["codes"].get("nace") == ["29"])
        (objective,) = automotive["objectives"]
        (indicator,) = objective["indicators"]
        # the share of C29 in CZ08's persons employed, from the bundled file itself
        frame = pd.read_csv(data_file("eu-nuts2-sbs.csv.gz"))
        cz = frame[(frame["region"] == "CZ08") & (frame["period"] == 2015)]
        expected = 100 * cz.loc[cz["activity"] == "C29", "value"].sum() / cz["value"].sum()
        latest = indicator.latest
        assert latest is not None and latest["year"] == 2015
        assert latest["value"] == pytest.approx(expected)
        assert indicator.baseline == {"year": 2015, "value": latest["value"]}
        assert monitoring_of(app).meta(actions.EXAMPLE_KEY) is not None
    finally:
        app.close()


def test_example_off(tmp_path: Path) -> None:
    app = SmartSpecApp(data_dir=tmp_path, datasets=[], settings={"registry_example": False})
    try:
        actions.on_start(app)
        assert monitoring_of(app).meta(actions.EXAMPLE_KEY) is None
    finally:
        app.close()


def test_adopt_starter(planned: tuple[SmartSpecApp, Any]) -> None:
    app, ids = planned
    mon = monitoring_of(app)
    keys = [e["key"] for e in mon.starter_set()]
    assert "rco07-research-organisations" in keys and "ctx-share-priority" in keys
    with pytest.raises(ForbiddenError):
        mon.adopt_starter(EDITOR_ES, ids.cz, ["rco07-research-organisations"])
    made = mon.adopt_starter(
        ADMIN,
        ids.cz,
        ["rco07-research-organisations", "ctx-share-priority"],
        ids.software,
        lang="es",
    )
    assert [m.starter_key for m in made] == ["rco07-research-organisations", "ctx-share-priority"]
    assert made[0].name.startswith("Organizaciones de investigación")
    assert made[0].computed is None and made[0].values == []
    assert made[1].computed is not None
    assert made[1].computed["activities"] == ["62", "63"]  # the priority's NACE codes
    assert made[1].values and made[1].priority_id == ids.software
    across = mon.progress_across_regions(None, starter_key="ctx-share-priority")
    assert [r["indicator"]["id"] for r in across["rows"]] == [made[1].id]


def test_on_postgresql(tmp_path: Path, new_plan: Any, postgres_url: str) -> None:
    """The same tables and rules on PostgreSQL: the migration, versions, values, history,
    an import and a computed indicator."""
    from smartspec.domains.errors import EditConflictError
    from smartspec.domains.monitoring.views import IndicatorIn, TargetIn

    app, ids = new_plan(str(tmp_path), postgres_url)
    try:
        assert TABLES <= set(inspect(app.store.engine).get_table_names())
        mon = monitoring_of(app)
        objective = mon.add_objective(ADMIN, ids.cz, "Cars", priority_id=ids.automotive)
        view = mon.add_indicator(
            ADMIN,
            ids.cz,
            IndicatorIn(
                name="Jobs",
                objective_id=objective["id"],
                baseline_year=2020,
                baseline_value=100,
                targets=[TargetIn(year=2027, value=200, kind="target")],
            ),
        )
        assert view.priority_id == ids.automotive
        renamed = IndicatorIn(
            name="R&D jobs", objective_id=objective["id"], baseline_year=2020, baseline_value=100
        )
        changed = mon.update_indicator(ADMIN, view.id, renamed, 1)  # targets kept
        assert changed.version == 2 and changed.targets == view.targets
        with pytest.raises(EditConflictError):
            mon.update_indicator(ADMIN, view.id, IndicatorIn(name="x"), 1)
        data = f"indicator_id,year,value\n{view.id},2024,150\n".encode()
        assert mon.import_values(ADMIN, data, "v.csv").stored == 1
        # planned for 2024: 100 + 100 * 4/7 = 157.1; 150 is 50 of 57.1 = 87.5 %: on track
        progress = mon.indicator(None, view.id).progress
        assert progress is not None and progress["status"] == "on track"
        assert [h["action"] for h in mon.history(None, view.id)] == ["create", "update", "value"]
        spec = {"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["29"]}
        computed = mon.add_indicator(ADMIN, ids.cz, IndicatorIn(name="Cars", computed=spec))
        assert computed.values and computed.computed is not None
        assert mon.strategy_progress(None, ids.cz)["counts"]["on track"] == 1
    finally:
        app.close()
