"""The service functions the dashboard's pages call, answering as the API routes do.

Each API route returns its service function's result through the route's response model: the
result is checked, defaults the model declares are filled in (``rca_low``, ``reliable`` of a
compared region's specialisations; ``present`` of a network node without a region) and fields
it does not declare are left out; the JSON writes NaN as ``null``. The pages call the same
functions through the same models and serialisation (:func:`answered`), so a page reads exactly
what a request to the API would have read.

Each function takes the application first, as :meth:`.data.Services.call` calls it, then the
arguments the route gives its service function.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic import BaseModel

from smartspec.domains.datasets import service as datasets
from smartspec.domains.evidence import methods, service, views
from smartspec.services.api.schemas import (
    DatasetDetail,
    DatasetList,
    IndicatorPage,
    LabelList,
    MeasurePage,
    PeriodList,
)

__all__ = [
    "activity_profile",
    "answered",
    "backtest",
    "catalogue",
    "comparison",
    "dataset_detail",
    "indicator_page",
    "labels",
    "measure_page",
    "network",
    "periods",
]


def answered(model: type[BaseModel], func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` answering as its API route: its result validated by the route's response
    ``model`` (:meth:`.data.Services.call` then writes it as the API does: NaN and infinities
    as ``null``).

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The route's ``response_model``.
    func : callable
        The route's service function, ``func(app, *args, **kwargs)``.

    Returns
    -------
    callable
        ``func`` with the same arguments, returning the validated answer.
    """

    def call(app: Any, *args: Any, **kwargs: Any) -> BaseModel:
        return model.model_validate(func(app, *args, **kwargs))

    call.__name__ = call.__qualname__ = getattr(func, "__name__", "call")
    call.__doc__ = func.__doc__
    return call


def _dataset_list(app: Any) -> dict[str, Any]:
    """Every dataset served (``GET /datasets``: the route's own body)."""
    return {"items": [datasets.dataset_document(app, r) for r in app.catalogue()]}


#: ``GET /datasets``
catalogue = answered(DatasetList, _dataset_list)
#: ``GET /datasets/{id}/regions`` and ``.../activities`` (``labels(app, dataset, axis, ...)``)
labels = answered(LabelList, datasets.labels_page)
#: ``GET /datasets/{id}``
dataset_detail = answered(DatasetDetail, partial(datasets.dataset_document, detail=True))
#: ``GET /datasets/{id}/periods``
periods = answered(PeriodList, datasets.periods)
#: ``GET /datasets/{id}/indicators/{table}``
indicator_page = answered(IndicatorPage, service.indicator_table)
#: ``GET /datasets/{id}/measures/{name}``
measure_page = answered(MeasurePage, methods.measure_page)
#: The evidence domain's typed views (:meth:`.data.Services.call` writes them as the API does).
activity_profile = views.activity_profile
network = views.network
comparison = views.comparison
backtest = views.validation
