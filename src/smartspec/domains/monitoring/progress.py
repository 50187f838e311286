"""Progress of a monitoring indicator against its target trajectory: on track, at risk, off track.

An indicator has a baseline (value and year), milestones and a target (values by year) and a
direction (higher or lower is better). Its **trajectory** is the straight line from the
baseline through each milestone to the target; the **planned change** by year *t* is the
trajectory's value at *t* minus the baseline. The **achievement** of an observed value *v* at *t*
is the share of the planned change that happened:

.. math::

    a(t) = \\frac{v(t) - b}{T(t) - b}

with *b* the baseline and *T(t)* the trajectory (linear between the points given; the final
target after the last year). The formula holds for both directions, since a fall is planned as a
negative change and achieved as one.

The rule is the one the EU cohesion-policy performance framework applies to milestones
(Commission Implementing Regulation (EU) No 215/2014, Article 6): a milestone counts as
achieved when the indicator reaches **at least 85 %** of it, and a value **below 65 %** is a
serious failure. Here:

==================  =====================================================================
``on track``        :math:`a \\ge 0.85` (or no change planned, and the value is no worse
                    than the baseline)
``at risk``         :math:`0.65 \\le a < 0.85`
``off track``       :math:`a < 0.65` (a value that moved the wrong way is below 0)
``not assessable``  no value, a year before the baseline, or the baseline year itself
==================  =====================================================================

The thresholds are parameters: a monitoring committee may set its own, and the result always
states the rule it applied (:attr:`Progress.rule`).

Examples
--------
>>> plan = Trajectory(baseline=(2020, 100.0), points={2023: 130.0, 2027: 200.0})
>>> plan.expected(2025)
165.0
>>> assess(plan, 2025, 150.0).status   # 50 of the 65 planned: 77 %
'at risk'
>>> fewer = Trajectory(baseline=(2020, 40.0), points={2027: 26.0}, higher_is_better=False)
>>> assess(fewer, 2027, 27.0).status   # 13 of the 14 fewer: 93 %
'on track'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from smartspec.core.errors import ValidationError

__all__ = ["AT_RISK", "ON_TRACK", "Progress", "Status", "Trajectory", "assess"]

Status = Literal["on track", "at risk", "off track", "not assessable"]

#: Achievement from which an indicator is on track (Implementing Regulation 215/2014, Art. 6).
ON_TRACK = 0.85
#: Achievement below which an indicator is off track (a "serious failure" in the regulation).
AT_RISK = 0.65


@dataclass(frozen=True)
class Trajectory:
    """An indicator's baseline, its milestones and target, and its direction.

    Parameters
    ----------
    baseline : (int, float)
        The baseline year and value.
    points : dict of int to float
        Milestones and the target by year, all after the baseline year.
    higher_is_better : bool
        The direction: ``False`` for an indicator that should fall (emissions, early
        school leavers).
    """

    baseline: tuple[int, float]
    points: dict[int, float] = field(default_factory=dict)
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        year, value = self.baseline
        if not math.isfinite(value):
            raise ValidationError(
                "the baseline has no value",
                expected="a finite baseline value",
                found=repr(value),
                fix="enter the indicator's value in its baseline year",
            )
        if not self.points:
            raise ValidationError(
                "the indicator has no target",
                expected="a target (and optionally milestones) by year",
                found="none",
                fix="add the target value and its year",
            )
        early = sorted(y for y in self.points if y <= year)
        if early:
            raise ValidationError(
                "a milestone or target is not after the baseline year",
                expected=f"years after the baseline year {year}",
                found=", ".join(map(str, early)),
                fix="move the baseline earlier or the milestone later",
            )
        bad = sorted(y for y, v in self.points.items() if not math.isfinite(v))
        if bad:
            raise ValidationError(
                "a milestone or target has no value",
                expected="finite values",
                found=", ".join(map(str, bad)),
                fix="enter a value for every milestone and the target",
            )
        final = self.points[max(self.points)]
        if (final < value) if self.higher_is_better else (final > value):
            raise ValidationError(
                "the target moves the indicator the wrong way",
                expected=(
                    f"a target {'at least' if self.higher_is_better else 'at most'} the "
                    f"baseline {value:g} ({'higher' if self.higher_is_better else 'lower'} "
                    "is better)"
                ),
                found=f"{final:g}",
                fix="check the target, or the indicator's direction",
            )

    @property
    def target(self) -> tuple[int, float]:
        """The last point: the target year and value."""
        year = max(self.points)
        return year, self.points[year]

    def expected(self, year: int) -> float:
        """The trajectory's value in ``year``: linear between the baseline, the milestones and
        the target; the target after its year; the baseline before the first point."""
        known = [self.baseline, *sorted(self.points.items())]
        if year <= known[0][0]:
            return known[0][1]
        for (y0, v0), (y1, v1) in pairwise(known):
            if year <= y1:
                return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
        return known[-1][1]


@dataclass(frozen=True)
class Progress:
    """An observed value against the trajectory: the status and how it was reached."""

    year: int
    value: float | None
    expected: float
    achievement: float | None
    status: Status
    rule: str


def _rule(on_track: float, at_risk: float) -> str:
    return (
        f"achievement = (value - baseline) / (planned value - baseline); on track from "
        f"{on_track:.0%}, at risk from {at_risk:.0%}, off track below (EU performance "
        "framework, Implementing Regulation 215/2014 Art. 6)"
    )


def assess(
    plan: Trajectory,
    year: int,
    value: float | None,
    *,
    on_track: float = ON_TRACK,
    at_risk: float = AT_RISK,
) -> Progress:
    """Whether ``value``, observed in ``year``, is on track against ``plan`` (see the module).

    Parameters
    ----------
    plan : Trajectory
        Baseline, milestones, target and direction.
    year : int
        The year of the observed value.
    value : float or None
        The observed value (``None`` or NaN: not assessable).
    on_track, at_risk : float
        The thresholds of achievement (defaults 0.85 and 0.65).

    Returns
    -------
    Progress
        The planned value, the achievement, the status and the rule in words.
    """
    if not 0 <= at_risk <= on_track:
        raise ValidationError(
            "the progress thresholds are out of order",
            expected="0 <= at_risk <= on_track (e.g. 0.65 and 0.85)",
            found=f"at_risk={at_risk}, on_track={on_track}",
            fix="give the lower threshold as at_risk",
        )
    rule = _rule(on_track, at_risk)
    planned = plan.expected(year)
    base_year, base = plan.baseline
    if value is None or not math.isfinite(value) or year <= base_year:
        return Progress(year, value, planned, None, "not assessable", rule)
    change = planned - base
    if change == 0:  # nothing planned yet: on track unless it got worse
        worse = value < base if plan.higher_is_better else value > base
        return Progress(year, value, planned, None, "off track" if worse else "on track", rule)
    achieved = (value - base) / change
    status: Status = (
        "on track" if achieved >= on_track else "at risk" if achieved >= at_risk else "off track"
    )
    return Progress(year, value, planned, achieved, status, rule)
