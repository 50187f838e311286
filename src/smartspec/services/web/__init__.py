"""The smartspec dashboard: server-rendered pages over the domains' services, in several
languages (the same functions and answers as the JSON API, called directly: no HTTP inside the
process; see :class:`.data.Services`).

:func:`attach` adds the pages and ``/static`` (scripts, styles, map shapes, all served by
smartspec itself: the dashboard works offline) to the FastAPI application built by
:func:`smartspec.services.api.create_api`.

Pages: ``/`` (datasets and an indicator map), ``/datasets/{id}`` (overview),
``/datasets/{id}/regions/{code}`` (region profile), ``/datasets/{id}/activities/{code}``
(activity profile), ``/datasets/{id}/space`` (activity space),
``/datasets/{id}/compare?regions=A,B``, ``/datasets/{id}/validation`` (backtests, for
datasets with several periods) and ``/upload``. The language is chosen by ``?lang=``,
then the ``smartspec_lang`` cookie, then ``Accept-Language``; a language is one catalogue file
``locales/<code>/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["STATIC", "attach"]

STATIC = Path(__file__).parent / "static"


def attach(api: FastAPI, app: Any = None) -> None:
    """Add the dashboard's page routes and ``/static`` to ``api``.

    Parameters
    ----------
    api : fastapi.FastAPI
        The application that serves the JSON API under ``/api/v1``; the pages are added to it.
    app : SmartSpecApp, optional
        The application object (kept on ``api.state.smartspec_app``); the pages call its
        domains' service functions directly.
    """
    from fastapi.staticfiles import StaticFiles

    from .pages import Dashboard
    from .pages_base import PageRoute, add_pages

    board = Dashboard(api)
    api.state.dashboard = board
    api.state.html_error = board.html_error
    if app is not None:
        api.state.smartspec_app = app
    routes: list[PageRoute] = [
        ("/", board.home, ["GET"]),
        ("/upload", board.upload_form, ["GET"]),
        ("/upload", board.upload, ["POST"]),
        ("/datasets/{dataset}", board.dataset, ["GET"]),
        ("/datasets/{dataset}/regions", board.pick_region, ["GET"]),
        ("/datasets/{dataset}/regions/{code:path}", board.region, ["GET"]),
        ("/datasets/{dataset}/activities", board.pick_activity, ["GET"]),
        ("/datasets/{dataset}/activities/{code:path}", board.activity, ["GET"]),
        ("/datasets/{dataset}/space", board.space, ["GET"]),
        ("/datasets/{dataset}/compare", board.compare, ["GET"]),
        ("/datasets/{dataset}/validation", board.validation, ["GET"]),
    ]
    add_pages(api, routes)
    from smartspec.domains import DOMAINS, load

    for domain in DOMAINS:  # the pages of every registered domain
        if domain.pages:
            load(domain.pages)(api, board)
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
