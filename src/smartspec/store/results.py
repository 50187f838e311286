"""Heavy results kept on disk, under a key of the dataset's version and the options.

Backtests and network layouts take seconds to minutes on the larger panels. Once computed they
are written here, one pickle per result, so that every process on the data folder and every
restart finds them. Files are written to a temporary name and renamed (a crash leaves no half
file), read back in full or not at all (a damaged file is removed and the result computed
again), and the folder is bounded in bytes: the least recently used files go first.

The folder belongs to the server: results are pickles and are only ever read from the
platform's own data folder (never from an upload).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

__all__ = ["ResultCache", "digest"]


def digest(*parts: Hashable) -> str:
    """A stable hexadecimal key of ``parts`` (their ``repr``, hashed with SHA-256).

    Examples
    --------
    >>> digest("backtest", "nz", (("n_boot", 200),)) == digest("backtest", "nz", (("n_boot", 200),))
    True
    >>> len(digest("network"))
    40
    """
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


class ResultCache:
    """Pickled results in a folder, bounded in bytes, grouped by dataset.

    Parameters
    ----------
    folder : path
        Where the results are kept (created when missing).
    max_bytes : int
        Bytes the folder may hold; the least recently used files are removed first (the newest
        always stays). 0 keeps nothing on disk.
    """

    def __init__(self, folder: str | Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = int(max_bytes)
        self._lock = threading.Lock()

    @staticmethod
    def _group(dataset_id: str) -> str:
        return hashlib.sha256(dataset_id.encode()).hexdigest()[:16]

    def path(self, dataset_id: str, key: str) -> Path:
        """The file of result ``key`` of dataset ``dataset_id`` (it may not exist)."""
        return self.folder / self._group(dataset_id) / f"{key}.pickle"

    def load(self, dataset_id: str, key: str) -> Any | None:
        """The stored result, or ``None`` when there is none (or it could not be read back)."""
        path = self.path(dataset_id, key)
        try:
            with path.open("rb") as f:
                value = pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:  # damaged or from an incompatible version: compute it again
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        return value

    def save(self, dataset_id: str, key: str, value: Any) -> Path | None:
        """Write ``value`` under ``key`` (atomically), then prune the folder to its bound."""
        if self.max_bytes <= 0:
            return None
        path = self.path(dataset_id, key)
        write_atomic(path, value)
        self.prune(keep=path)
        return path

    def prune(self, keep: Path | None = None) -> list[Path]:
        """Remove the least recently used files until the folder fits ``max_bytes``."""
        with self._lock:
            files = []
            for p in self.folder.glob("*/*.pickle"):
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                files.append((st.st_mtime, st.st_size, p))
            total = sum(size for _, size, _ in files)
            removed = []
            for _, size, p in sorted(files, key=lambda t: t[0]):
                if total <= self.max_bytes:
                    break
                if p == keep:
                    continue
                p.unlink(missing_ok=True)
                total -= size
                removed.append(p)
            return removed

    def drop(self, dataset_id: str) -> None:
        """Remove every result of a dataset (deleted, or its data changed)."""
        shutil.rmtree(self.folder / self._group(dataset_id), ignore_errors=True)

    @property
    def nbytes(self) -> int:
        """Bytes the stored results take."""
        return sum(p.stat().st_size for p in self.folder.glob("*/*.pickle") if p.exists())


def write_atomic(path: Path, value: Any) -> None:
    """Pickle ``value`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
