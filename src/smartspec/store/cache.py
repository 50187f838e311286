"""A thread-safe LRU cache that computes each missing key once (matrices, analyses, layouts),
bounded in entries and in bytes."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["LRUCache", "footprint"]


def footprint(obj: Any, *, _seen: set[int] | None = None, _depth: int = 0) -> int:
    """Bytes held by ``obj``: numpy arrays and pandas objects by their buffers, containers and
    plain objects (their ``__dict__``, computed ``cached_property`` values included) by their
    contents; each object is counted once.

    >>> footprint(np.zeros(1000)) >= 8000
    True
    """
    seen = set() if _seen is None else _seen
    if id(obj) in seen or _depth > 8:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes) if obj.base is None or id(obj.base) not in seen else 0
    if hasattr(obj, "memory_usage") and hasattr(obj, "index"):  # pandas Series / DataFrame
        try:
            usage = obj.memory_usage(deep=False)
        except TypeError:
            usage = obj.memory_usage()
        return int(np.sum(usage))
    if hasattr(obj, "nnz") and hasattr(obj, "indptr"):  # scipy.sparse (compressed)
        return sum(
            int(getattr(obj, a).nbytes)
            for a in ("data", "indices", "indptr")
            if hasattr(getattr(obj, a, None), "nbytes")
        )
    size = sys.getsizeof(obj, 64)
    if isinstance(obj, dict):
        items = list(obj.values())
    elif isinstance(obj, list | tuple | set | frozenset):
        items = list(obj)
    elif isinstance(obj, type) or not type(obj).__module__.startswith("smartspec"):
        return size  # foreign objects: not walked (their internals are not ours to measure)
    else:
        items = list(getattr(obj, "__dict__", {}).values()) + [
            getattr(obj, name)
            for klass in type(obj).__mro__
            for name in getattr(klass, "__slots__", ())
            if hasattr(obj, name)
        ]
    return size + sum(footprint(v, _seen=seen, _depth=_depth + 1) for v in items)


class LRUCache:
    """A thread-safe least-recently-used cache that computes each missing key once.

    Parameters
    ----------
    size : int
        Entries kept; the least recently used is dropped first.
    max_bytes : int, optional
        Bytes kept (measured with :func:`footprint` when an entry is stored); the least
        recently used entries are dropped until the rest fit. The newest entry always stays.

    Examples
    --------
    >>> cache = LRUCache(2)
    >>> cache.get("a", lambda: 1), cache.get("a", lambda: 2)
    (1, 1)
    """

    def __init__(self, size: int, max_bytes: int | None = None) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._bytes: dict[Hashable, int] = {}
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """The value of ``key``; computed with ``factory()`` (once, whatever the threads) when
        missing."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                value = self._data[key]
                hit = True
            else:
                hit = False
                key_lock = self._key_locks.setdefault(key, threading.Lock())
        if hit:
            if self.max_bytes is not None:
                # entries grow after they are stored (lazily computed parts): measure again
                nbytes = footprint(value)
                with self._lock:
                    if key in self._data:
                        self._bytes[key] = nbytes
                    self._shrink()
            return value
        with key_lock:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            try:
                value = factory()
            except BaseException:
                with self._lock:
                    self._key_locks.pop(key, None)
                raise
            self.put(key, value)
            with self._lock:
                self._key_locks.pop(key, None)
            return value

    def peek(self, key: Hashable) -> Any | None:
        """The value of ``key`` (now the most recently used), or ``None``; nothing computed."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value`` under ``key`` (measured first), dropping what the bounds require."""
        nbytes = footprint(value) if self.max_bytes is not None else 0
        with self._lock:
            self._data[key] = value
            self._bytes[key] = nbytes
            self._data.move_to_end(key)
            self._shrink()

    def _shrink(self) -> None:
        """Drop least recently used entries over the bounds (the lock is held)."""
        while len(self._data) > 1 and (
            len(self._data) > self.size
            or (self.max_bytes is not None and self.nbytes > self.max_bytes)
        ):
            old, _ = self._data.popitem(last=False)
            self._bytes.pop(old, None)

    @property
    def nbytes(self) -> int:
        """Bytes held by the entries, as measured when each was stored."""
        return sum(self._bytes.values())

    def evict(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key satisfies ``predicate``."""
        with self._lock:
            for key in [k for k in self._data if predicate(k)]:
                del self._data[key]
                self._bytes.pop(key, None)

    def __len__(self) -> int:
        return len(self._data)
