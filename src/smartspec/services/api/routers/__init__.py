"""One router per resource, all mounted under ``/api/v1``."""

from . import (
    activities,
    compare,
    complexity,
    datasets,
    downloads,
    framework,
    health,
    indicators,
    jobs,
    measures,
    network,
    regions,
    validation,
)

#: Routers in the order they are mounted (and listed in the OpenAPI document).
ROUTERS = (
    health.router,
    datasets.router,
    regions.router,
    activities.router,
    indicators.router,
    complexity.router,
    network.router,
    compare.router,
    downloads.router,
    framework.router,
    validation.router,
    measures.router,
    jobs.router,
)

__all__ = ["ROUTERS"]
