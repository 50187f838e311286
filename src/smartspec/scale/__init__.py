"""Scale: large activity spaces on one machine, and Dask beyond it.

* :func:`sparse_proximity`, :func:`sparse_density`: top-k relatedness for 20,000+ activities
  without a dense activity x activity matrix (numpy / scipy only).
* :func:`aggregate_microdata`: microdata (one row per patent-inventor, establishment, project
  participant...) in partitioned Parquet, far larger than memory, summed with Dask to the
  region x activity x period :class:`~smartspec.ActivityMatrix`.
* :func:`analyse_distributed`: :func:`smartspec.analyse` with the per-period computations spread
  over a Dask cluster; the same :class:`~smartspec.core.evidence.Evidence`, the same numbers.

Dask is imported only when a Dask function is called; install it with
``pip install 'smartspec[dask]'``.
"""

from __future__ import annotations

from typing import Any

from .sparse import SparseRelatedness, sparse_density, sparse_presence, sparse_proximity

__all__ = [
    "SparseRelatedness",
    "aggregate_microdata",
    "analyse_distributed",
    "sparse_density",
    "sparse_presence",
    "sparse_proximity",
]


def __getattr__(name: str) -> Any:
    if name in ("aggregate_microdata", "analyse_distributed", "get_client"):
        from . import distributed

        return getattr(distributed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
