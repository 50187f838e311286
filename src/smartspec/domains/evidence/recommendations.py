"""A region's most likely next specialisations: the learned entry model
(:mod:`smartspec.learn`, calibrated probabilities and their reasons) or relatedness density, the
dataset's default score or the one a request asks for (the API and the region page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from smartspec.domains.errors import RequestError

from .analyses import check_top
from .service import view

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "METHODS",
    "SCORES",
    "Factor",
    "Label",
    "Recommendation",
    "Recommendations",
    "region_recommendations",
]

#: The scores a region's next specialisations can be ranked by.
SCORES = ("learned", "density")
#: How each score is computed, as the answers state it.
METHODS = {
    "learned": "histogram gradient boosting, calibrated (Platt); explanations: ceteris-paribus "
    "contrasts",
    "density": "relatedness density: the share of the activity's related activities the region "
    "specialises in",
}


class Factor(BaseModel):
    """One reason of a learned recommendation: a factor that raises the probability."""

    factor: str = Field(description="The factor's code (smartspec.learn.features.FEATURES).")
    words: str = Field(description="What the factor says, in English.")
    contribution: float = Field(
        description="Change in probability when this factor alone is moved to its median over "
        "the period's candidates (a ceteris-paribus contrast, not a SHAP value)."
    )
    direction: Literal["above", "below"] = Field(
        description="Whether the pair's value of the factor is above or below the typical "
        "candidate's (the median)."
    )


class Label(BaseModel):
    """A region or an activity: its code and name."""

    code: str
    name: str | None = None


class Recommendation(BaseModel):
    """One activity the region may specialise in next."""

    activity: str
    name: str | None = None
    rank: int
    probability: float | None = Field(
        default=None,
        description="Calibrated probability of entry by the next period (learned only).",
    )
    density: float | None = Field(default=None, description="Relatedness density of the activity.")
    factors: list[Factor] = Field(
        default_factory=list, description="The reasons, largest first (learned only)."
    )
    related: list[Label] = Field(
        default_factory=list,
        description="The region's specialisations closest to the activity (highest proximity).",
    )
    similar: list[Label] = Field(
        default_factory=list,
        description="Regions with a similar profile that specialise in it (learned only).",
    )
    explanation: str | None = Field(
        default=None, description="The reasons in English (learned only)."
    )


class Recommendations(BaseModel):
    """A region's most likely next specialisations."""

    dataset: str
    region: str
    region_name: str | None = None
    score: Literal["learned", "density"] = Field(description="The score of this answer.")
    default_score: Literal["learned", "density"] = Field(
        description="The score the dataset is shown with unless a request asks for another."
    )
    reason: str | None = Field(
        default=None,
        description="Why the default is density: one_period, small_panel or not_validated "
        "(null when it is the learned score).",
    )
    method: str
    period: int | str
    items: list[Recommendation]


def region_recommendations(
    app: SmartSpecApp,
    dataset: str,
    code: str,
    *,
    period: str | None = None,
    top: int = 5,
    score: str | None = None,
    options: Mapping[str, Any] | None = None,
    wait: float | Literal["setting"] | None = "setting",
) -> Recommendations:
    """The ``top`` activities ``code`` is most likely to specialise in next, by ``score``
    (default: the dataset's, :meth:`smartspec.app.SmartSpecApp.recommender`).

    ``learned`` answers calibrated probabilities with their reasons (the model is trained once
    per dataset by a background job: :class:`smartspec.jobs.Pending` while it runs, after
    ``wait`` seconds); ``density`` the region's candidates by relatedness density.
    """
    options = {k: x for k, x in (options or {}).items() if x is not None}
    default = app.recommender(dataset)
    chosen = default["score"] if score in (None, "") else score
    if chosen not in SCORES:
        raise RequestError(
            f"unknown score {score!r}",
            where="query parameter 'score'",
            expected=" or ".join(SCORES),
            found=repr(score),
        )
    v = view(app, dataset, **options)
    r = v.region(code)
    p = v.period(period)
    region = v.region_codes[r]
    names, rnames = v.activity_names, v.region_names
    if chosen == "learned":
        frame = app.recommendations(
            dataset,
            region=region,
            period=v.matrix.periods[p],
            top=top,
            wait=wait,
            **options,
        )
        items = [
            Recommendation(
                activity=str(row["activity"]),
                name=names.get(str(row["activity"])),
                rank=int(row["rank"]),
                probability=float(row["probability"]),
                density=_number(v.density[p, r, v.activity(str(row["activity"]))]),
                factors=[
                    Factor(**{k: f[k] for k in ("factor", "words", "contribution", "direction")})
                    for f in row["factors"]
                ],
                related=[Label(code=str(c), name=names.get(str(c))) for c in row["related"]],
                similar=[Label(code=str(c), name=rnames.get(str(c))) for c in row["similar"]],
                explanation=row["explanation"],
            )
            for row in frame.to_dict("records")
        ]
    else:
        check_top(top)
        items = _by_density(v, p, r, top)
    return Recommendations(
        dataset=dataset,
        region=region,
        region_name=rnames.get(region),
        score=chosen,  # type: ignore[arg-type]
        default_score=default["score"],
        reason=default["reason"],
        method=METHODS[chosen],
        period=v.period_label(p),
        items=items,
    )


def _by_density(v: Any, p: int, r: int, top: int) -> list[Recommendation]:
    """The region's candidates (no presence yet, not suppressed) by relatedness density."""
    density = v.density[p, r]
    ok = np.flatnonzero(~v.presence[p, r] & np.isfinite(density) & np.isfinite(v.value[p, r]))
    best = ok[np.argsort(-density[ok], kind="stable")[:top]]
    present = np.flatnonzero(v.presence[p, r])
    phi = v.phi[p]
    names = v.activity_names
    items = []
    for rank, a in enumerate(best, start=1):
        close = present[np.argsort(-phi[present, a], kind="stable")[:2]]
        items.append(
            Recommendation(
                activity=v.activity_codes[a],
                name=names.get(v.activity_codes[a]),
                rank=rank,
                density=_number(density[a]),
                related=[
                    Label(code=v.activity_codes[k], name=names.get(v.activity_codes[k]))
                    for k in close
                ],
            )
        )
    return items


def _number(x: Any) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None
