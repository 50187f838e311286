"""The monitoring service's rules: who may change a plan (region grants), versions and history,
validation, links of the intervention logic, progress statuses, computed indicators."""

from __future__ import annotations

from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ConflictError,
    EditConflictError,
    ForbiddenError,
    UnknownRecordError,
)
from smartspec.domains.monitoring.actions import monitoring_of
from smartspec.domains.monitoring.service import Monitoring
from smartspec.domains.monitoring.views import IndicatorIn, TargetIn

ADMIN = Account(1, "root", "admin")
EDITOR_CZ = Account(2, "ana", "editor", frozenset({"CZ080"}))
EDITOR_CZ0 = Account(3, "jan", "editor", frozenset({"CZ0"}))
EDITOR_ES = Account(4, "eva", "editor", frozenset({"ES51"}))
VIEWER = Account(5, "vera", "viewer")
REVIEWER = Account(6, "rita", "reviewer", frozenset({"ES51"}))
Plan = Any


@pytest.fixture
def service(planned: tuple[SmartSpecApp, Plan]) -> Monitoring:
    return monitoring_of(planned[0])


@pytest.fixture
def ids(planned: tuple[SmartSpecApp, Plan]) -> Plan:
    return planned[1]


def _jobs(**kw: Any) -> IndicatorIn:
    """Baseline 100 in 2020, milestone 130 in 2023, target 200 in 2027."""
    return IndicatorIn(
        **{
            "kind": "result",
            "name": "Jobs in R&D",
            "unit": "persons",
            "baseline_year": 2020,
            "baseline_value": 100,
            "targets": [
                TargetIn(year=2023, value=130),
                TargetIn(year=2027, value=200, kind="target"),
            ],
            **kw,
        }
    )


def test_every_write_checks_the_region(service: Monitoring, ids: Plan) -> None:
    writes = [
        lambda who: service.add_objective(who, ids.cz, "More R&D"),
        lambda who: service.add_indicator(who, ids.cz, _jobs()),
    ]
    for write in writes:
        with pytest.raises(AuthenticationRequiredError):
            write(None)
        for who in (VIEWER, REVIEWER, EDITOR_ES):
            with pytest.raises(ForbiddenError):
                write(who)
    objective = service.add_objective(EDITOR_CZ, ids.cz, "More R&D", priority_id=ids.automotive)
    assert (objective["version"], objective["priority_id"]) == (1, ids.automotive)
    view = service.add_indicator(EDITOR_CZ0, ids.cz, _jobs())  # CZ0 covers CZ080
    assert (view.region, view.version, view.updated_by) == ("CZ080", 1, "jan")
    per_indicator = [
        lambda who: service.add_action(who, objective["id"], "Vouchers", "grant", 1e6),
        lambda who: service.set_targets(who, view.id, [(2027, 210.0, "target")]),
        lambda who: service.record_value(who, view.id, 2022, 120.0),
        lambda who: service.update_indicator(who, view.id, _jobs(name="R&D jobs"), 1),
    ]
    for write in per_indicator:
        with pytest.raises(AuthenticationRequiredError):
            write(None)
        for who in (VIEWER, REVIEWER, EDITOR_ES):
            with pytest.raises(ForbiddenError):
                write(who)
    action = service.add_action(ADMIN, objective["id"], "Vouchers", "grant", 1e6)
    assert action["budget"] == 1e6
    for who in (None, VIEWER, EDITOR_ES):
        with pytest.raises((AuthenticationRequiredError, ForbiddenError)):
            service.delete_indicator(who, view.id, 1)
        with pytest.raises((AuthenticationRequiredError, ForbiddenError)):
            service.delete_value(who, view.id, 2022)
    service.delete_indicator(ADMIN, view.id, 1)
    with pytest.raises(UnknownRecordError):
        service.indicator(None, view.id)


def test_versions_and_history(service: Monitoring, ids: Plan) -> None:
    view = service.add_indicator(EDITOR_CZ, ids.cz, _jobs())
    same = service.update_indicator(EDITOR_CZ, view.id, _jobs(), 1)
    assert same.version == 1  # nothing changed: the same version
    second = service.update_indicator(EDITOR_CZ, view.id, _jobs(unit="FTE"), 1)
    assert (second.version, second.unit) == (2, "FTE")
    with pytest.raises(EditConflictError) as caught:
        service.update_indicator(EDITOR_CZ, view.id, _jobs(unit="heads"), 1)
    assert caught.value.details["current"]["unit"] == "FTE"  # type: ignore[index]
    assert caught.value.details["yours"]["unit"] == "heads"  # type: ignore[index]
    with pytest.raises(EditConflictError):
        service.delete_indicator(EDITOR_CZ, view.id, 1)
    with pytest.raises(EditConflictError):
        service.set_targets(EDITOR_CZ, view.id, [(2027, 210.0, "target")], version=1)
    third = service.set_targets(EDITOR_CZ, view.id, [(2027, 210.0, "target")], version=2)
    assert third.version == 3
    assert third.targets == [{"year": 2027, "value": 210.0, "kind": "target"}]
    service.record_value(EDITOR_CZ, view.id, 2024, 150, "statistics office")
    service.record_value(EDITOR_CZ, view.id, 2024, 155, "corrected")
    history = service.history(None, view.id)
    assert [h["action"] for h in history] == [
        "create",
        "update",
        "targets",
        "value",
        "value",
    ]
    assert history[1]["changes"] == {"unit": ["persons", "FTE"]}
    assert history[-1]["changes"]["value"] == [150, 155]
    assert [h["actor"] for h in history] == ["ana"] * 5
    service.delete_value(EDITOR_CZ, view.id, 2024)
    assert service.indicator(None, view.id).values == []
    with pytest.raises(UnknownRecordError):
        service.delete_value(EDITOR_CZ, view.id, 2024)


def test_validation_says_what_is_wrong(service: Monitoring, ids: Plan) -> None:
    with pytest.raises(ValidationError, match="name is empty"):
        service.add_indicator(ADMIN, ids.cz, _jobs(name="  "))
    with pytest.raises(ValidationError, match="wrong way") as caught:
        service.add_indicator(ADMIN, ids.cz, _jobs(targets=[TargetIn(year=2027, value=50)]))
    assert "at least the baseline 100" in (caught.value.expected or "")
    with pytest.raises(ValidationError, match="not after the baseline"):
        service.add_indicator(ADMIN, ids.cz, _jobs(targets=[TargetIn(year=2019, value=150)]))
    with pytest.raises(ValidationError, match="not the last point"):
        service.add_indicator(
            ADMIN,
            ids.cz,
            _jobs(
                targets=[
                    TargetIn(year=2025, value=150, kind="target"),
                    TargetIn(year=2027, value=200),
                ]
            ),
        )
    with pytest.raises(ValidationError, match="priority is not of this strategy"):
        service.add_indicator(ADMIN, ids.cz, _jobs(priority_id=ids.tourism))
    with pytest.raises(ValidationError, match="priority is not of this strategy"):
        service.add_objective(ADMIN, ids.cz, "x", priority_id=ids.tourism)
    spain = service.add_objective(ADMIN, ids.es, "Hotels")
    with pytest.raises(ValidationError, match="objective is not of this strategy"):
        service.add_indicator(ADMIN, ids.cz, _jobs(objective_id=spain["id"]))
    with pytest.raises(ValidationError, match="baseline value has no year"):
        service.add_indicator(ADMIN, ids.cz, _jobs(baseline_year=None))
    view = service.add_indicator(ADMIN, ids.cz, _jobs())
    with pytest.raises(ValidationError, match="not a year"):
        service.record_value(ADMIN, view.id, 1850, 1.0)
    with pytest.raises(ValidationError, match="not a number"):
        service.record_value(ADMIN, view.id, 2024, float("nan"))
    with pytest.raises(ValidationError, match="budget is negative"):
        service.add_action(ADMIN, spain["id"], "x", budget=-1)
    with pytest.raises(UnknownRecordError):
        service.add_indicator(ADMIN, 10**6, _jobs())
    with pytest.raises(UnknownRecordError):
        service.record_value(ADMIN, 10**6, 2024, 1.0)
    with pytest.raises(ValidationError, match="unknown measure"):
        service.add_indicator(ADMIN, ids.cz, _jobs(computed={"measure": "magic"}))


def test_links_follow_the_intervention_logic(service: Monitoring, ids: Plan) -> None:
    objective = service.add_objective(ADMIN, ids.cz, "Software skills", priority_id=ids.software)
    action = service.add_action(ADMIN, objective["id"], "Courses", "grant")
    view = service.add_indicator(ADMIN, ids.cz, _jobs(kind="output", action_id=action["id"]))
    # the action sets its objective, the objective its priority
    assert (view.action_id, view.objective_id, view.priority_id) == (
        action["id"],
        objective["id"],
        ids.software,
    )
    plan = service.plan(None, ids.cz)
    software = next(p for p in plan.priorities if p["id"] == ids.software)
    shown = next(o for o in software["objectives"] if o["id"] == objective["id"])
    assert shown["actions"][0]["title"] == "Courses"
    assert [i.id for i in shown["indicators"]] == [view.id]
    assert view.id in {i.id for i in plan.indicators}
    assert plan.strategy["region"] == "CZ080"
    data = plan.to_dict()
    assert data["indicators"][0]["baseline"] == {"year": 2020, "value": 100.0}


def test_progress_statuses(service: Monitoring, new_plan: Any, tmp_path: Any) -> None:
    app, ids = new_plan(str(tmp_path))
    try:
        mon = monitoring_of(app)
        jobs = mon.add_indicator(ADMIN, ids.cz, _jobs())
        assert jobs.progress is not None and jobs.progress["status"] == "not assessable"
        # 2023: 128 of the 130 planned, 28 of 30 = 93 %: on track
        view = mon.record_value(ADMIN, jobs.id, 2023, 128)
        assert view.progress is not None
        assert view.progress["status"] == "on track"
        assert view.progress["achievement"] == pytest.approx(28 / 30)
        # 2025: planned 130 + 70 * 2/4 = 165; 150 is 50 of 65 = 77 %: at risk
        view = mon.record_value(ADMIN, jobs.id, 2025, 150)
        assert view.progress is not None
        assert (view.progress["expected"], view.progress["status"]) == (165.0, "at risk")
        assert view.latest == {"year": 2025, "value": 150.0}
        fewer = mon.add_indicator(
            ADMIN,
            ids.cz,
            IndicatorIn(
                name="Early school leavers",
                unit="%",
                higher_is_better=False,
                baseline_year=2020,
                baseline_value=40,
                targets=[TargetIn(year=2027, value=26, kind="target")],
            ),
        )
        mon.record_value(ADMIN, fewer.id, 2024, 45)  # the wrong way: off track
        context = mon.add_indicator(ADMIN, ids.cz, IndicatorIn(kind="context", name="GDP"))
        assert context.progress is None
        result = mon.strategy_progress(None, ids.cz)
        assert result["counts"] == {
            "on track": 0,
            "at risk": 1,
            "off track": 1,
            "not assessable": 1,
        }
        by_id = {r["id"]: r for r in result["indicators"]}
        assert by_id[context.id]["reason"] == "no baseline or target"
        assert by_id[fewer.id]["status"] == "off track"
        # up to 2023, the 2023 value: on track
        earlier = mon.strategy_progress(None, ids.cz, year=2023)
        assert {r["id"]: r["status"] for r in earlier["indicators"]}[jobs.id] == "on track"
        # across regions and by region
        mon.add_indicator(ADMIN, ids.es, _jobs(starter_key="rd_jobs"))
        across = mon.progress_across_regions(None)
        assert set(across["counts"]) == {"CZ080", "ES51"}
        assert across["counts"]["CZ080"]["at risk"] == 1
        only = mon.progress_across_regions(None, starter_key="rd_jobs")
        assert [r["region"] for r in only["rows"]] == ["ES51"]
        region = mon.region_progress(None, "cz080")
        assert region["region"] == "CZ080"
        assert [s["strategy"]["id"] for s in region["strategies"]] == [ids.cz]
    finally:
        app.close()


def test_private_platform_needs_an_account(new_plan: Any, tmp_path: Any) -> None:
    app, ids = new_plan(str(tmp_path))
    try:
        app.settings["public_read"] = False
        app.__dict__.pop("_monitoring_service", None)
        mon = monitoring_of(app)
        with pytest.raises(AuthenticationRequiredError):
            mon.plan(None, ids.cz)
        with pytest.raises(AuthenticationRequiredError):
            mon.progress_across_regions(None)
        assert mon.plan(VIEWER, ids.cz).strategy["id"] == ids.cz
    finally:
        app.close()


def test_computed_indicator(service: Monitoring, ids: Plan) -> None:
    spec = {"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["29"]}
    view = service.add_indicator(
        EDITOR_CZ, ids.cz, IndicatorIn(name="Automotive share", computed=spec)
    )
    assert view.values and {v["origin"] for v in view.values} == {"computed"}
    assert view.computed is not None and view.computed["data_version"].startswith("eu-nuts2-sbs@")
    assert any("CZ08" in c for c in view.computed["caveats"])
    # no baseline given: the last year before the period (2021) that has a value
    years = [v["year"] for v in view.values]
    assert view.baseline["year"] == max(y for y in years if y < 2021)
    assert view.baseline["value"] == next(
        v["value"] for v in view.values if v["year"] == max(years)
    )
    with pytest.raises(ConflictError, match="computed"):
        service.record_value(EDITOR_CZ, view.id, 2024, 1.0)
    with pytest.raises(ForbiddenError):
        service.refresh_computed(EDITOR_ES, view.id)
    again = service.refresh_computed(EDITOR_CZ, view.id)
    assert again.values == view.values
    plain = service.add_indicator(EDITOR_CZ, ids.cz, _jobs())
    with pytest.raises(ConflictError, match="not computed"):
        service.refresh_computed(EDITOR_CZ, plain.id)


def test_stale_computed_values_are_refreshed_on_reading(service: Monitoring, ids: Plan) -> None:
    from sqlalchemy import update

    from smartspec.domains.monitoring.models import IndicatorRow, ValueRow

    spec = {"measure": "share", "dataset": "eu-nuts2-sbs", "activities": ["62", "63"]}
    view = service.add_indicator(ADMIN, ids.cz, IndicatorIn(name="Software share", computed=spec))
    current = view.computed["data_version"] if view.computed else None
    # as if the values had been computed from an older version of the data
    with service.store.session() as s:
        s.execute(
            update(IndicatorRow).where(IndicatorRow.id == view.id).values(computed_version="old@0")
        )
        s.execute(update(ValueRow).where(ValueRow.indicator_id == view.id).values(value=-1.0))
    fresh = service.indicator(None, view.id)
    assert fresh.computed is not None and fresh.computed["data_version"] == current
    assert fresh.values == view.values  # recomputed from the data, not the stale -1
    last = service.history(None, view.id)[-1]
    assert (last["action"], last["actor"]) == ("compute", "smartspec")
    # the same version: reading computes nothing more
    count = len(service.history(None, view.id))
    service.indicator(None, view.id)
    service.plan(None, ids.cz)
    assert len(service.history(None, view.id)) == count


def test_objectives_and_actions_change_and_delete(service: Monitoring, ids: Plan) -> None:
    objective = service.add_objective(EDITOR_CZ, ids.cz, "Skills", "first")
    action = service.add_action(EDITOR_CZ, objective["id"], "Courses", "grant", 1000)
    for who in (None, VIEWER, EDITOR_ES):
        with pytest.raises((AuthenticationRequiredError, ForbiddenError)):
            service.update_objective(who, objective["id"], "x", version=1)
        with pytest.raises((AuthenticationRequiredError, ForbiddenError)):
            service.delete_action(who, action["id"], version=1)
    same = service.update_objective(EDITOR_CZ, objective["id"], "Skills", "first", version=1)
    assert same["version"] == 1
    moved = service.update_objective(
        EDITOR_CZ, objective["id"], "Skills", "first", ids.software, version=1
    )
    assert (moved["version"], moved["priority_id"]) == (2, ids.software)
    with pytest.raises(EditConflictError) as caught:
        service.update_objective(EDITOR_CZ, objective["id"], "Other", version=1)
    assert caught.value.details["current"]["priority_id"] == ids.software  # type: ignore[index]
    changed = service.update_action(EDITOR_CZ, action["id"], "Courses", "voucher", 500, version=1)
    assert (changed["instrument"], changed["budget"], changed["version"]) == ("voucher", 500, 2)
    with pytest.raises(ValidationError, match="budget is negative"):
        service.update_action(EDITOR_CZ, action["id"], "Courses", budget=-5, version=2)
    measured = service.add_indicator(EDITOR_CZ, ids.cz, _jobs(action_id=action["id"]))
    with pytest.raises(ConflictError, match="measured by 1 indicator"):
        service.delete_action(EDITOR_CZ, action["id"], version=2)
    with pytest.raises(ConflictError, match="1 action"):
        service.delete_objective(EDITOR_CZ, objective["id"], version=2)
    service.delete_indicator(EDITOR_CZ, measured.id, 1)
    with pytest.raises(EditConflictError):
        service.delete_action(EDITOR_CZ, action["id"], version=1)
    service.delete_action(EDITOR_CZ, action["id"], version=2)
    service.delete_objective(EDITOR_CZ, objective["id"], version=2)
    plan = service.plan(None, ids.cz)
    every = [o for p in plan.priorities for o in p["objectives"]] + plan.unassigned
    assert objective["id"] not in {o["id"] for o in every}
    with pytest.raises(UnknownRecordError):
        service.update_action(EDITOR_CZ, action["id"], "x", version=2)
