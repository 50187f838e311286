"""Names and helpers shared by the relatedness family and the density variants: the measures,
the options they accept, and the presence pipeline they start from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from .._steps import PresenceMethod, Steps
from ..errors import ValidationError
from ..matrix import ActivityMatrix
from ..profiles import Profile

Measure = Literal[
    "proximity",
    "conditional",
    "cosine",
    "jaccard",
    "association_strength",
    "correlation",
    "observed_expected",
    "validated",
]
MEASURES: tuple[str, ...] = (
    "proximity",
    "conditional",
    "cosine",
    "jaccard",
    "association_strength",
    "correlation",
    "observed_expected",
    "validated",
)
On = Literal["presence", "rca", "values"]
#: What each measure compares by default, and what else it accepts (``on=``).
_ON: dict[str, tuple[str, ...]] = {
    "cosine": ("presence", "rca", "values"),
    "jaccard": ("presence", "rca", "values"),
    "correlation": ("rca", "presence", "values"),
}
Null = Literal["permutation", "hypergeometric"]
Correction = Literal["bh", "bonferroni", "none"]
CogVariant = Literal["atlas", "oec", "coi_change"]


def _choice(value: object, allowed: Sequence[str], name: str) -> None:
    if value not in allowed:
        raise ValidationError(
            f"unknown {name} {value!r}",
            expected=f"one of {', '.join(allowed)}",
            found=repr(value),
        )


def _steps(
    m: ActivityMatrix,
    presence: PresenceMethod,
    threshold: float | None,
    strict: bool | None,
    population: pd.Series | None,
    profile: str | Profile,
    *,
    diagonal: str | None = None,
    knn: int | None = None,
) -> Steps:
    return Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        diagonal=diagonal,
        knn=knn,
    )


def _min_conditional_only(steps: Steps, name: str) -> None:
    """The leave-one-region-out kernels compute the min-conditional proximity only."""
    if steps.profile.proximity != "min_conditional":
        raise ValidationError(
            f"{name} computes the min-conditional proximity only",
            expected="a profile with proximity='min_conditional'",
            found=f"proximity={steps.profile.proximity!r}",
            fix="use relatedness_density(m, proximity=...) for the other measures",
        )
