"""The dashboard pages: Jinja2 templates rendered from the domains' services, one language per
request.

Every route reads its data from the same service functions as the JSON API, called directly
(:class:`.data.Services`, through the API routes' response models: :mod:`.pages_calls`), formats
numbers with Babel in the page language (:mod:`.i18n`) and hands chart specs (:mod:`.charts`) to
a small script that draws them with the vendored vega-embed. Every chart has a table alternative
in the page.

The routes are grouped by page: :mod:`.pages_region` (region profile, region finder),
:mod:`.pages_explore` (activity profile, activity space, comparison), :mod:`.pages_data` (home,
dataset overview, backtests, upload), over what they share in :mod:`.pages_base` (rendering,
error and progress pages, the dataset's basics); :class:`Dashboard` puts them together.
"""

from __future__ import annotations

from .pages_base import (
    BASELINES,
    CONCENTRATION,
    CUTOFFS,
    ERROR_MESSAGES,
    ERROR_TITLES,
    INCOME_NAMES,
    INDICATORS,
    JS_STRINGS,
    PLANE_LABELS,
    QUADRANT_NAMES,
    QUADRANTS,
    QUOTES,
    RANK_BY,
    RANK_FIELD,
    SCORES,
    SHORT,
    TEMPLATES,
    DashboardBase,
    in_sentence,
    localised,
    match_regions,
    presence_rule,
)
from .pages_data import DataPages
from .pages_explore import ExplorePages
from .pages_region import RegionPages

__all__ = [
    "BASELINES",
    "CONCENTRATION",
    "CUTOFFS",
    "ERROR_MESSAGES",
    "ERROR_TITLES",
    "INCOME_NAMES",
    "INDICATORS",
    "JS_STRINGS",
    "PLANE_LABELS",
    "QUADRANTS",
    "QUADRANT_NAMES",
    "QUOTES",
    "RANK_BY",
    "RANK_FIELD",
    "SCORES",
    "SHORT",
    "TEMPLATES",
    "Dashboard",
    "DashboardBase",
    "in_sentence",
    "localised",
    "match_regions",
    "presence_rule",
]


class Dashboard(RegionPages, ExplorePages, DataPages):
    """The page routes of one FastAPI application (:func:`smartspec.services.web.attach`).

    Parameters
    ----------
    api : fastapi.FastAPI
        The application serving the JSON API; its ``state.smartspec`` is the
        :class:`~smartspec.app.SmartSpecApp` whose services the pages call.
    """
