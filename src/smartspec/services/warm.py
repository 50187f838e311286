"""Compute every dataset's heavy default results in the background when the server starts.

The first visitor of a validation page or an activity space should not wait for a backtest or a
layout. :func:`warm` asks, for each dataset of the catalogue, for what those pages and the API
show by default: the activity space of the latest period, the learned entry model where the
region pages list its recommendations, then the backtest of the validation
page (first period to last) and of the API (first period, one step on). Each goes through the
same path as a request (:meth:`smartspec.app.SmartSpecApp.heavy`), so the results land in the
memory and disk caches under the keys the requests use; results already on disk are only read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from smartspec.core.errors import SmartSpecError

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = ["warm", "warm_in_background"]

logger = logging.getLogger("smartspec.warm")


def _tasks(app: SmartSpecApp) -> Iterator[tuple[str, str, Callable[[], Any]]]:
    """(what, dataset, compute) for each default heavy result: layouts first (quick), then
    backtests."""
    from smartspec.domains.evidence.methods import _backtest
    from smartspec.domains.evidence.service import network

    records = app.catalogue()
    for r in records:
        yield "network", r.id, partial(network, app, r.id, wait=None)
    for r in records:  # the region pages of these datasets list the learned recommendations
        if app.recommender(r.id)["score"] == "learned":
            yield "entry model", r.id, partial(app.entry_model, r.id, wait=None)
    for r in records:
        periods = [str(p) for p in r.periods]
        if len(periods) < 2:
            continue
        yield (
            "backtest",
            r.id,
            partial(_backtest, app, r.id, base=periods[0], end=periods[-1], wait=None),
        )
        if len(periods) > 2:
            yield "backtest", r.id, partial(_backtest, app, r.id, wait=None)


def warm(app: SmartSpecApp, stop: threading.Event | None = None) -> dict[str, int]:
    """Compute the default heavy results of every dataset, one after the other.

    Parameters
    ----------
    app : SmartSpecApp
        The platform.
    stop : threading.Event, optional
        Set it to stop after the current result.

    Returns
    -------
    dict
        How many results were computed or read (``done``) and how many could not be
        (``failed``: a dataset whose backtest is impossible, for example).
    """
    counts = {"done": 0, "failed": 0}
    for what, dataset, compute in _tasks(app):
        if stop is not None and stop.is_set():
            break
        try:
            compute()
            counts["done"] += 1
        except SmartSpecError as err:
            counts["failed"] += 1
            logger.info("warm-up: no %s for %s (%s)", what, dataset, err.problem)
        except Exception:  # never take the server down from the background
            counts["failed"] += 1
            logger.exception("warm-up: the %s of %s failed", what, dataset)
    logger.info("warm-up done: %(done)s results ready, %(failed)s not possible", counts)
    return counts


def warm_in_background(app: SmartSpecApp) -> threading.Thread:
    """Start :func:`warm` in a daemon thread (it stops with the server)."""
    thread = threading.Thread(target=warm, args=(app,), name="smartspec-warm", daemon=True)
    thread.start()
    return thread
