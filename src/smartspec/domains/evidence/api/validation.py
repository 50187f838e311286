"""Backtests of the recommendations: did the pairs scored highest in a base period become
specialisations by a later period?"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from smartspec.services.api.deps import MAX_THRESHOLD, AppDep, OptionsDep
from smartspec.services.api.errors import ACCEPTED_RESPONSE, ERROR_RESPONSES
from smartspec.services.api.exports import FORMATS, download
from smartspec.services.api.schemas import Validation

from .. import methods as evidence
from .. import views

#: Bounds declared in the OpenAPI document (a dataset has far fewer periods than MAX_PERIODS).
MAX_PERIODS = 1000
MAX_K = 100_000
MAX_LIST = 20

router = APIRouter(tags=["validation"], responses=ERROR_RESPONSES)


@router.get(
    "/datasets/{dataset}/validation",
    response_model=Validation,
    summary="Backtest of the recommendations",
    responses={
        200: {
            "content": {media: {} for media, _ in FORMATS.values()},
            "description": "Summary, metrics and curves as JSON, or one table as a file "
            "(format= with table=).",
        },
        **ACCEPTED_RESPONSE,
    },
)
def validation(
    app: AppDep,
    dataset: str,
    options: OptionsDep,
    base: Annotated[
        str | None,
        Query(description="Base period: its evidence scores the pairs (default: the first)."),
    ] = None,
    end: Annotated[
        str | None, Query(description="Outcome period (default: horizon periods after base).")
    ] = None,
    horizon: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_PERIODS,
            description="Periods between base and outcome when end is not given.",
        ),
    ] = 1,
    score: Annotated[
        list[str] | None,
        Query(
            max_length=MAX_LIST,
            description="Score(s) to judge: density, cog, pci, "
            "rca_start; repeat for several (default: density and cog).",
        ),
    ] = None,
    k: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_K)]] | None,
        Query(
            max_length=MAX_LIST,
            description=f"Cut-off(s) of precision@k, each from 1 to "
            f"{MAX_K}; repeat for several (at most {MAX_LIST}; default 10).",
        ),
    ] = None,
    n_boot: Annotated[
        int,
        Query(
            ge=1,
            le=evidence.MAX_BOOT,
            description=f"Bootstrap resamples over regions (at most {evidence.MAX_BOOT}).",
        ),
    ] = 200,
    seed: Annotated[
        int, Query(ge=0, le=2**32 - 1, description="Seeds the random baseline and bootstrap.")
    ] = 0,
    max_rca_before: Annotated[
        float | None,
        Query(ge=0, le=MAX_THRESHOLD, description="At risk only if the base RCA is below this."),
    ] = None,
    min_rca_after: Annotated[
        float | None,
        Query(ge=0, le=MAX_THRESHOLD, description="An entry only if the outcome RCA reaches this."),
    ] = None,
    persistence: Annotated[
        int,
        Query(ge=0, le=MAX_PERIODS, description="The entry must hold this many periods after end."),
    ] = 0,
    format: Annotated[
        Literal["json", "csv", "xlsx", "parquet"] | None,
        Query(description="json (everything) or one table as a file (see table=)."),
    ] = None,
    table: Annotated[
        Literal["metrics", "curves", "pairs"],
        Query(
            description="With a file format: metrics, curves or pairs (every pair at risk "
            "with its scores and event)."
        ),
    ] = "metrics",
) -> Any:
    """ROC-AUC and PR-AUC with cluster-bootstrap intervals over regions, precision@k (over all
    pairs and within regions) and lift, for each score and the baselines (ubiquity, random);
    the ROC and precision-recall curves. 400 for a dataset with one period, an unknown period
    or an end that is not after the base, with the engine's message. Cached per parameters."""
    params = {
        "base": base,
        "end": end,
        "horizon": horizon,
        "scores": score or ["density", "cog"],
        "k": k or [10],
        "n_boot": n_boot,
        "seed": seed,
        "max_rca_before": max_rca_before,
        "min_rca_after": min_rca_after,
        "persistence": persistence,
        "options": options,
    }
    if format not in (None, "json"):
        frame = evidence.validation_tables(app, dataset, table, **params)
        return download(frame, format, f"{dataset}-validation-{table}", sheet=table)
    return views.validation(app, dataset, **params)
