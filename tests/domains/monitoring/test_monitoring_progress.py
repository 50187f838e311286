"""The progress rule of monitoring indicators on hand-computed cases, its edges included."""

from __future__ import annotations

import math

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.monitoring.progress import AT_RISK, ON_TRACK, Trajectory, assess

# baseline 0 in 2020, target 100 in 2030: the trajectory expects 50 in 2025
PLAN = Trajectory(baseline=(2020, 0.0), points={2030: 100.0})


@pytest.mark.parametrize(
    ("value", "achievement", "status"),
    [
        (50.0, 1.0, "on track"),
        (42.5, 0.85, "on track"),  # exactly the 85 % of the regulation
        (42.0, 0.84, "at risk"),
        (32.5, 0.65, "at risk"),  # exactly 65 %
        (32.0, 0.64, "off track"),
        (0.0, 0.0, "off track"),
        (-10.0, -0.2, "off track"),  # moved the wrong way
        (80.0, 1.6, "on track"),  # ahead of the trajectory
    ],
)
def test_thresholds(value: float, achievement: float, status: str) -> None:
    got = assess(PLAN, 2025, value)
    assert got.expected == 50.0
    assert got.achievement == pytest.approx(achievement)
    assert got.status == status
    assert "85%" in got.rule and "65%" in got.rule and "215/2014" in got.rule


def test_milestones_make_the_trajectory_piecewise_linear() -> None:
    plan = Trajectory(baseline=(2020, 10.0), points={2022: 20.0, 2030: 20.0})
    assert [plan.expected(y) for y in (2019, 2020, 2021, 2022, 2026, 2030, 2035)] == [
        10.0, 10.0, 15.0, 20.0, 20.0, 20.0, 20.0,
    ]  # fmt: skip
    assert assess(plan, 2021, 13.0).status == "off track"  # 3 of the 5 planned: 60 %
    assert assess(plan, 2021, 13.0).achievement == pytest.approx(0.6)
    assert assess(plan, 2035, 18.5).status == "on track"  # 8.5 of 10 after the target year


def test_lower_is_better() -> None:
    plan = Trajectory(baseline=(2020, 40.0), points={2027: 26.0}, higher_is_better=False)
    assert assess(plan, 2027, 27.0).achievement == pytest.approx(13 / 14)
    assert assess(plan, 2027, 27.0).status == "on track"
    assert assess(plan, 2027, 45.0).status == "off track"  # rose instead of falling
    assert assess(plan, 2027, 45.0).achievement == pytest.approx(-5 / 14)


def test_not_assessable_and_nothing_planned() -> None:
    assert assess(PLAN, 2025, None).status == "not assessable"
    assert assess(PLAN, 2025, math.nan).status == "not assessable"
    assert assess(PLAN, 2019, 5.0).status == "not assessable"  # before the baseline
    assert assess(PLAN, 2020, 5.0).status == "not assessable"  # the baseline year itself
    keep = Trajectory(baseline=(2020, 70.0), points={2030: 70.0})  # maintain the level
    assert assess(keep, 2025, 70.0).status == "on track"
    assert assess(keep, 2025, 71.0).status == "on track"
    assert assess(keep, 2025, 69.0).status == "off track"
    assert assess(keep, 2025, 69.0).achievement is None


def test_thresholds_are_parameters() -> None:
    strict = assess(PLAN, 2025, 45.0, on_track=0.95, at_risk=0.9)
    assert strict.status == "at risk" and "95%" in strict.rule
    assert (ON_TRACK, AT_RISK) == (0.85, 0.65)
    with pytest.raises(ValidationError, match="out of order"):
        assess(PLAN, 2025, 45.0, on_track=0.5, at_risk=0.8)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": (2020, 1.0), "points": {}}, "no target"),
        ({"baseline": (2020, 1.0), "points": {2020: 2.0}}, "not after the baseline"),
        ({"baseline": (2020, 1.0), "points": {2025: math.inf}}, "has no value"),
        ({"baseline": (2020, math.nan), "points": {2025: 2.0}}, "baseline has no value"),
        ({"baseline": (2020, 5.0), "points": {2025: 2.0}}, "wrong way"),
        (
            {"baseline": (2020, 5.0), "points": {2025: 9.0}, "higher_is_better": False},
            "wrong way",
        ),
    ],
)
def test_bad_trajectories_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        Trajectory(**kwargs)
    assert info.value.expected and info.value.fix
