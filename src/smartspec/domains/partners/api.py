"""The JSON API of the partners domain: value chains evaluated on a dataset (per-stage
rankings, partner sets, coverage matrix) and the bundled example chains.

============================================= ==============================================
``GET  /api/v1/partners/chains``               the example chains
``GET  /api/v1/partners/chains/{example}``     an example evaluated (``dataset=``...)
``POST /api/v1/partners/chains/evaluate``      a chain in the body, evaluated
============================================= ==============================================

Evaluating stores nothing. Bounds: 2 to 10 stages, 1 to 50 codes per stage, ``top`` <= 50,
``size`` 2 to 5.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from smartspec.services.api.deps import AccountDep, AppDep
from smartspec.services.api.errors import ERROR_RESPONSES

from . import service
from .views import ChainEvaluation, ChainExample, EvaluateIn

__all__ = ["router"]

router = APIRouter(tags=["partners"], responses=ERROR_RESPONSES)

Lang = Annotated[Literal["en", "es"], Query(description="Language of the names.")]


@router.get("/partners/chains", response_model=list[ChainExample], summary="Example value chains")
def chain_examples() -> list[ChainExample]:
    """The bundled example chains (NACE divisions of ``eu-nuts2-sbs``; NACE A*10 groups of
    the combined EU-US-Mexico panel), with their stages and codes."""
    return service.examples()


@router.post(
    "/partners/chains/evaluate",
    response_model=ChainEvaluation,
    summary="Evaluate a value chain",
)
def evaluate_chain(
    app: AppDep, account: AccountDep, body: EvaluateIn, lang: Lang = "en"
) -> ChainEvaluation:
    """Per stage, the regions ranked by strength (stage RCA, size) and potential (relatedness
    density, with its validity caveats); partner sets covering every stage, ranked by
    coverage, strength, complementarity and similarity of declared priorities; the coverage
    matrix. ``dataset`` may join several datasets with ``+`` (a combined panel on NACE A*10
    groups, through the bundled concordance). Stores nothing."""
    return service.evaluate(
        app,
        body.chain,
        dataset=body.dataset,
        region=body.region,
        size=body.size,
        top=body.top,
        threshold=body.threshold,
        period=body.period,
        actor=account,
        lang=lang,
    )


@router.get(
    "/partners/chains/{example}",
    response_model=ChainEvaluation,
    summary="Evaluate an example value chain",
)
def evaluate_example(
    app: AppDep,
    account: AccountDep,
    example: Annotated[str, Path(max_length=100, description="An example's id.")],
    dataset: Annotated[str | None, Query(max_length=400)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    size: Annotated[int, Query(ge=2, le=5)] = 3,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    threshold: Annotated[float, Query(gt=0, le=100)] = 1.0,
    period: Annotated[str | None, Query(max_length=20)] = None,
    lang: Lang = "en",
) -> ChainEvaluation:
    """An example chain evaluated on ``dataset`` (default: the dataset it was written for)."""
    return service.evaluate(
        app,
        service.example(example),
        dataset=dataset,
        region=region,
        size=size,
        top=top,
        threshold=threshold,
        period=period,
        actor=account,
        lang=lang,
    )
