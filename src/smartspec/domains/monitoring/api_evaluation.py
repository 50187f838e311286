"""The evaluation API of the monitoring domain: did a region's strategy change an indicator?

``GET /monitoring/evaluation`` answers a difference-in-differences of a computed indicator
(:func:`.evaluation.evaluate`): the region against similar regions (the benchmark domain) or
the controls named, with the parallel-trends check, the event study, the placebo p-value, and
the assumptions and caveats. Reading needs an account only on a private platform. Answers are
computed from the data and not stored (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from smartspec.domains.errors import RequestError
from smartspec.services.api.deps import NO_STORE, AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES

from . import compute, evaluation

__all__ = ["parse_controls", "router"]

router = APIRouter(tags=["monitoring"], responses=ERROR_RESPONSES)

#: Fewest and most similar regions taken as controls.
CONTROLS = (2, 30)


def parse_controls(text: str | None) -> int | list[str]:
    """``controls`` as given: a number of similar regions (``"10"``) or region codes
    (``"CZ02,CZ03"``).

    >>> parse_controls("12"), parse_controls("CZ02, CZ03")
    (12, ['CZ02', 'CZ03'])
    """
    raw = (text or "").strip() or "10"
    if raw.isdigit():
        count = int(raw)
        if not CONTROLS[0] <= count <= CONTROLS[1]:
            raise RequestError(
                "the number of control regions is out of bounds",
                where="query parameter 'controls'",
                expected=f"{CONTROLS[0]} to {CONTROLS[1]}, or region codes separated by commas",
                found=raw,
            )
        return count
    codes = [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]
    if len(codes) < 2:
        raise RequestError(
            "too few control regions",
            where="query parameter 'controls'",
            expected="a number of similar regions, or at least 2 region codes",
            found=raw,
        )
    return codes


@router.get("/monitoring/evaluation", summary="Difference-in-differences of a region's strategy")
def evaluate(
    app: AppDep,
    account: AccountDep,
    response: Response,
    region: Annotated[str, Query(max_length=80, description="The region (code or name).")],
    start: Annotated[int, Query(ge=1900, le=2100, description="First year of the strategy.")],
    measure: Annotated[
        str,
        Query(
            max_length=40, description=f"The indicator's measure: {', '.join(compute.MEASURES)}."
        ),
    ] = "share",
    dataset: Annotated[
        str | None, Query(max_length=200, description="The dataset (activity measures).")
    ] = None,
    activities: Annotated[
        str | None,
        Query(max_length=2000, description="Activity (or NACE) codes, separated by commas."),
    ] = None,
    period_from: Annotated[
        int | None, Query(ge=1900, le=2100, description="Only years from this one.")
    ] = None,
    controls: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="How many similar regions (2-30, default 10), or region codes "
            "separated by commas.",
        ),
    ] = None,
    similarity: Annotated[
        Literal["structure", "activity", "priorities", "combined"],
        Query(description="How the similar regions are chosen (the benchmark's measures)."),
    ] = "structure",
) -> dict[str, Any]:
    """The 2x2 ATT and the two-way fixed-effects estimate, the treated and control means, the
    pre-trend test, the event study, the placebo p-value, the controls and the series, with
    the assumptions and caveats (``docs/monitoring.md``, "Evaluation")."""
    spec: dict[str, Any] = {"measure": measure}
    if dataset:
        spec["dataset"] = dataset
    if activities:
        spec["activities"] = [a.strip() for a in activities.split(",") if a.strip()]
    if period_from is not None:
        spec["period_from"] = period_from
    result = evaluation.evaluate(
        app,
        account,
        region,
        spec=spec,
        start=start,
        controls=parse_controls(controls),
        measure=similarity,
    )
    response.headers.update(NO_STORE)
    return result
