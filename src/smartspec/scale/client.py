"""A Dask client for the length of a ``with`` block, closed (with the cluster it started) at
its end: what a command or a script needs around :func:`~smartspec.scale.analyse_distributed`
and :func:`~smartspec.scale.aggregate_microdata`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["dask_client"]


@contextmanager
def dask_client(address: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` connected to the scheduler at ``address``, or to a new local
    cluster when None; closed when the block ends, and the local cluster shut down.

    Parameters
    ----------
    address : str, optional
        A scheduler address (``tcp://host:8786``); None starts a local cluster (one process per
        core, one thread each).

    Yields
    ------
    distributed.Client

    Raises
    ------
    ImportError
        Without Dask and distributed (the ``dask`` extra).
    OSError
        When the scheduler cannot be reached.
    """
    from .distributed import get_client

    client, owned = get_client(address)
    try:
        yield client
    finally:
        if owned:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
