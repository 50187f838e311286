"""Analyses run side by side, each with its own notices.

The core reports through :func:`smartspec.core.errors.notify`, which a computation collects in
its own context (:func:`~smartspec.core.errors.collect_notices`): no process-wide lock, and two
analyses computed at the same time in two threads never see each other's warnings.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from smartspec.core.errors import SmartSpecWarning, collect_notices, notify
from smartspec.jobs import recorded

NZ = "nz-urban-industry"
MX = "mx-tamaulipas"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("parallel"), datasets=[NZ, MX])
    yield app
    app.close()


def test_notify_outside_a_collector_is_a_python_warning() -> None:
    with pytest.warns(SmartSpecWarning, match="few regions"):
        notify("few regions")


def test_collectors_are_per_thread() -> None:
    """Both computations are inside their collector at the same time (the barrier would time
    out if they ran one after the other), and each keeps only its own notices."""
    barrier = threading.Barrier(2, timeout=20)

    def work(name: str) -> Any:
        def factory() -> str:
            notify(f"{name} before")
            barrier.wait()  # the other computation is running now
            notify(f"{name} after")
            return name

        return recorded(factory)

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(work, ["a", "b"])
    assert a.value == "a" and a.warnings == ("a before", "a after")
    assert b.value == "b" and b.warnings == ("b before", "b after")


def test_app_runs_two_analyses_at_once(app: Any) -> None:
    """Two cached computations of the app block on each other: with a lock around analyses
    (as before) this deadlocks and the barrier raises."""
    barrier = threading.Barrier(2, timeout=20)

    def work(name: str) -> tuple[Any, list[str]]:
        def factory() -> str:
            notify(f"{name} started")
            barrier.wait()
            return name

        return app.cached_with_warnings(("parallel-test", name), factory)  # type: ignore[no-any-return]

    with ThreadPoolExecutor(2) as pool:
        (va, wa), (vb, wb) = pool.map(work, ["one", "two"])
    assert (va, wa) == ("one", ["one started"])
    assert (vb, wb) == ("two", ["two started"])


def test_real_analyses_in_threads_match_one_at_a_time(app: Any, tmp_path: Any) -> None:
    """The warnings of each dataset's analysis are the same whether it runs alone or beside
    another one (Tamaulipas warns about regions and activities left out; NZ differs)."""
    from smartspec.app import SmartSpecApp

    alone = {}
    for name in (NZ, MX):
        solo = SmartSpecApp(data_dir=tmp_path / name, datasets=[name])
        alone[name] = solo.evidence_warnings(name)
        solo.close()
    with ThreadPoolExecutor(2) as pool:
        together = dict(zip((NZ, MX), pool.map(app.evidence_warnings, (NZ, MX)), strict=True))
    assert together == alone
    assert any(alone.values())  # the comparison has warnings to compare


def test_collect_notices_leaves_the_warnings_filters_alone() -> None:
    before = list(warnings.filters)
    with collect_notices() as notices:
        notify("kept")
    assert notices == ["kept"]
    assert warnings.filters == before
