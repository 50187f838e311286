"""Dask: aggregate microdata larger than memory, and spread the per-period pipeline over workers.

Every indicator of the standard pipeline is computed period by period (RCA, presence, proximity,
density, ECI/PCI, COI/COG and their standardisation all stay within a period), so a period is
the unit of work: :func:`analyse_distributed` sends one period's matrix to a worker, which runs
the same code as :func:`smartspec.analyse` on it, and assembles the per-period arrays into the
same :class:`~smartspec.core.evidence.Evidence` that ``analyse`` returns.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError
from smartspec.core.matrix import ActivityMatrix

__all__ = ["aggregate_microdata", "analyse_distributed", "get_client"]

_EXTRA = "pip install 'smartspec[dask]'"


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(
            f"smartspec.scale needs Dask (dask[dataframe] and distributed): {_EXTRA} "
            "(the 'dask' extra)"
        ) from exc
    return dask


def get_client(client_or_address: Any = None) -> tuple[Any, bool]:
    """A ``distributed.Client``: the one given, one connected to a scheduler address, or a
    local cluster when None. Returns ``(client, owned)``; close an owned client when done."""
    _dask()
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover
        raise ImportError(f"smartspec.scale needs distributed: {_EXTRA}") from exc
    if client_or_address is None:
        cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        return Client(cluster), True
    if isinstance(client_or_address, str):
        return Client(client_or_address), True
    return client_or_address, False


# ----------------------------------------------------------------------------- microdata
def _parquet_files(path_or_glob: str | os.PathLike[str] | Sequence[str]) -> list[str] | str:
    if isinstance(path_or_glob, list | tuple):
        return [str(p) for p in path_or_glob]
    text = str(path_or_glob)
    if any(ch in text for ch in "*?["):
        files = sorted(glob.glob(text, recursive=True))
        if not files:
            raise ValidationError(
                "no file matches the pattern",
                where=text,
                expected="Parquet files",
                found="nothing",
                fix="check the folder and the pattern",
            )
        return files
    path = Path(text)
    if not path.exists() and "://" not in text:
        raise ValidationError(
            "the microdata path does not exist",
            where=text,
            expected="a Parquet file, a folder of Parquet files, or a glob pattern",
            found="no such file or folder",
        )
    return text  # a file, a (hive-partitioned) folder, or a remote URL


def aggregate_microdata(
    path_or_glob: str | os.PathLike[str] | Sequence[str],
    *,
    region: str,
    activity: str,
    period: str | None = None,
    weight: str | None = None,
    value_name: str | None = None,
    client: Any = None,
    split_out: int | None = None,
) -> ActivityMatrix:
    """Sum microdata to the region x activity (x period) matrix with Dask, in bounded memory.

    Parameters
    ----------
    path_or_glob : str, path or list of paths
        Partitioned Parquet: a file, a folder (hive partitions included), a glob pattern
        (``data/*.parquet``) or a list of files; local or any fsspec URL (``s3://...``).
    region, activity, period : str
        Key columns (``period=None``: one period, ``"all"``).
    weight : str, optional
        Column summed in each cell (fractional counts, employment...); without it, rows are
        counted.
    value_name : str, optional
        Name of the values (default: the weight column, or ``"count"``).
    client : distributed.Client or scheduler address, optional
        Run on that cluster; default: Dask's current scheduler (a ``Client`` created earlier,
        or threads in this process).
    split_out : int, optional
        Output partitions of the group-by (for aggregated tables too large for one partition).

    Returns
    -------
    ActivityMatrix
        The aggregated table (rows with a missing key are dropped; their number is stored in
        ``metadata["rows_with_missing_keys"]``).

    Notes
    -----
    The group-by is a tree reduction: each partition is summed to its (period, region, activity)
    cells, and the partial sums are combined; memory is a few partitions plus the aggregated
    table (at most periods x regions x activities cells), whatever the number of rows.
    """
    dask = _dask()
    import dask.dataframe as dd

    keys = [c for c in (period, region, activity) if c is not None]
    columns = [*keys, weight] if weight else keys
    source = _parquet_files(path_or_glob)
    df = dd.read_parquet(source)  # lazily: the schema, then only the columns used are read
    missing_cols = [c for c in columns if c not in df.columns]
    if missing_cols:
        raise ValidationError(
            f"column(s) {', '.join(repr(c) for c in missing_cols)} not in the microdata",
            expected=", ".join(columns),
            found=", ".join(map(str, df.columns)),
        )
    df = df[columns]
    value = weight or "__count"
    if weight is None:
        df = df.assign(__count=1.0)
    else:
        df = df.assign(**{value: df[value].astype("float64")})
    bad_keys = df[keys].isna().any(axis=1).sum()
    negative = (df[value] < 0).sum()
    grouped = df.groupby(keys, dropna=True, observed=True, sort=False)[value].sum(
        split_out=split_out
    )
    run = client.compute if client is not None and not isinstance(client, str) else None
    if isinstance(client, str):
        from distributed import Client

        with Client(client) as c:
            table, n_bad, n_neg = c.gather(c.compute([grouped, bad_keys, negative]))
    elif run is not None:
        table, n_bad, n_neg = client.gather(run([grouped, bad_keys, negative]))
    else:
        table, n_bad, n_neg = dask.compute(grouped, bad_keys, negative)
    if n_neg:
        raise ValidationError(
            "weights must be non-negative",
            where=f"column '{weight}'",
            found=f"{int(n_neg)} negative value(s)",
        )
    long = table.reset_index()
    for col in keys:  # categorical / arrow-string keys as plain labels
        if isinstance(long[col].dtype, pd.CategoricalDtype):
            long[col] = long[col].astype(long[col].cat.categories.dtype)
        elif str(long[col].dtype).startswith("string"):
            long[col] = long[col].astype(object)
    name = value_name or (weight if weight else "count")
    long = long.rename(columns={value: name})
    m = ActivityMatrix.from_long(
        long,
        region=region,
        activity=activity,
        value=name,
        period=period,
        source=str(path_or_glob),
    )
    if n_bad:
        m = m._replace(metadata={**m.metadata, "rows_with_missing_keys": int(n_bad)})
    return m


# ----------------------------------------------------------------------------- per period
#: The Steps arrays a worker sends back for its period (everything else derives from them).
_FIELDS = ("rca", "mask", "density", "cog", "coi_raw")


def _analyse_period(m: ActivityMatrix, options: dict[str, Any]) -> dict[str, Any]:
    """Worker side: the pipeline on one period, as the arrays of :data:`_FIELDS` + eigen."""
    import warnings

    from smartspec.core._steps import Steps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = Steps(m, **options)
        _ = s.cog, s.coi
        out = {name: getattr(s, name)[0] for name in _FIELDS}
        if s.computed("rpop"):
            out["rpop"] = s.rpop[0]
        e = s.eigen
        out["eigen"] = (e.eci[0], e.pci[0], e.eigenvalues[0], bool(e.sign_flipped[0]))
    return out


def analyse_distributed(
    m: ActivityMatrix,
    client_or_address: Any = None,
    **options: Any,
):
    """:func:`smartspec.analyse` with the periods computed on a Dask cluster.

    Parameters
    ----------
    m : ActivityMatrix
    client_or_address : distributed.Client, str or None
        A client, a scheduler address (``tcp://host:8786``), or None for a local cluster
        started (and closed) for this call.
    **options
        Every option of :func:`smartspec.analyse` (profile, presence, threshold, strict,
        population, proximity, diagonal, knn).

    Returns
    -------
    Evidence
        Identical to ``analyse(m, **options)``: the same code runs on each period, the
        per-period arrays are stacked in period order.
    """
    from smartspec.core import _kernels as kernels
    from smartspec.core._steps import Steps
    from smartspec.core.complexity import warn_left_out
    from smartspec.core.evidence import Evidence

    progress = options.pop("progress", None)
    steps = Steps(m, **options)  # validates every option here, before any work is sent
    client, owned = get_client(client_or_address)
    try:
        futures = [
            client.submit(_analyse_period, m.select(periods=[label]), options, pure=False)
            for label in m.periods
        ]
        parts = client.gather(futures)
    finally:
        if owned:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    stacked: dict[str, Any] = {name: np.stack([part[name] for part in parts]) for name in _FIELDS}
    if all("rpop" in part for part in parts):
        stacked["rpop"] = np.stack([part["rpop"] for part in parts])
    eig = [part["eigen"] for part in parts]
    stacked["eigen"] = kernels.Eigen(
        np.stack([e[0] for e in eig]),
        np.stack([e[1] for e in eig]),
        np.stack([e[2] for e in eig]),
        np.array([e[3] for e in eig], dtype=bool),
    )
    steps.preset(**stacked)
    _ = steps.cog, steps.coi
    warn_left_out(m, steps)
    settings = {
        "profile": steps.profile.name,
        "presence": options.get("presence", "rca"),
        "threshold": steps.profile.threshold,
        "strict": steps.profile.strict,
        "proximity": steps.profile.proximity,
        "diagonal": steps.profile.diagonal,
        "knn": options.get("knn"),
        "sign": steps.profile.sign,
        "conventions": steps.profile.to_dict(),
    }
    if progress is not None:
        progress("tables", Steps.TOTAL_STEPS, Steps.TOTAL_STEPS)
    return Evidence(matrix=m, settings=settings, _steps=steps)
