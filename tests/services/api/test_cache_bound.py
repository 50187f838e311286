"""The cache is bounded in memory: new analysis options cannot grow the server without end."""

from __future__ import annotations

import numpy as np

from smartspec.app import SmartSpecApp
from smartspec.store.cache import LRUCache, footprint


def test_lru_drops_least_recent_entries_over_the_byte_bound():
    cache = LRUCache(100, max_bytes=3 * 8_000_000)
    for i in range(6):
        cache.get(i, lambda: np.zeros(1_000_000))  # 8 MB each
    assert len(cache) == 3 and cache.nbytes <= 3 * 8_000_000
    assert cache.get(5, lambda: None) is not None  # the newest are kept


def test_entries_that_grow_after_storing_are_measured_again():
    class Lazy:
        def __init__(self) -> None:
            self.parts: list[np.ndarray] = []

    cache = LRUCache(100, max_bytes=20_000_000)
    first = cache.get("a", Lazy)
    cache.get("b", Lazy)
    first.parts.append(np.zeros(2_000_000))  # 16 MB computed later
    cache.get("a", Lazy)  # a hit measures again
    cache.get("c", lambda: np.zeros(1_000_000))
    assert cache.nbytes <= 20_000_000


def test_many_thresholds_stay_within_cache_mb(tmp_path):
    app = SmartSpecApp(data_dir=tmp_path, datasets=["nz-urban-industry"], settings={"cache_mb": 40})
    client = app.client()
    for i in range(12):
        r = client.get(
            f"/api/v1/datasets/nz-urban-industry/regions/020/profile?threshold={1 + i / 10}"
        )
        assert r.status_code == 200, r.text
    assert app._cache.nbytes <= 40 * 2**20
    assert footprint(app.matrix("nz-urban-industry")) > 0
    app.close()
