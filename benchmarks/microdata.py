"""Microdata at scale: write a 100-million-row partitioned Parquet set, then sum it with Dask.

    python benchmarks/microdata.py --rows 100_000_000 --workers 2 --memory-limit 3GB

Generation writes one Parquet file per chunk (``--chunk`` rows, default 5 million), so memory
stays at one chunk whatever ``--rows`` is. Each row is one patent-inventor (or establishment,
project participant): ``region`` (NUTS2-like code, heavy-tailed: a few regions hold most rows),
``cpc`` (activity; each region favours the activities near its own latent specialisation),
``year`` and ``share`` (a fractional count).

Aggregation is :func:`smartspec.scale.aggregate_microdata` on a ``distributed.LocalCluster``
with ``--workers`` single-threaded worker processes, each capped at ``--memory-limit`` (Dask
spills or pauses a worker before it exceeds it). Reported: rows, files and bytes on disk,
generation time, aggregation wall time, rows per second, and peak resident memory of the client
process and of each worker (``ru_maxrss``), so the bound on memory is visible. ``--analyse``
also runs the pipeline on the aggregated matrix. Results go to
``benchmarks/results/microdata-<host>.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def generate(
    folder: Path,
    rows: int,
    chunk: int,
    *,
    regions: int = 300,
    activities: int = 650,
    years: int = 10,
    seed: int = 0,
) -> dict[str, float]:
    """Write ``rows`` rows in files of ``chunk`` rows (never more in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    r_weight = np.exp(rng.normal(0, 1.5, regions))
    r_weight /= r_weight.sum()
    r_focus = rng.integers(0, activities, regions)  # latent specialisation of each region
    region_labels = pa.array([f"R{i:03d}" for i in range(regions)])
    cpc_labels = pa.array([f"C{i:04d}" for i in range(activities)])
    t0 = time.perf_counter()
    written, n_files = 0, 0
    while written < rows:
        n = min(chunk, rows - written)
        r = rng.choice(regions, n, p=r_weight).astype(np.int32)
        # activities near the region's focus (wrapped), plus a uniform background
        near = r_focus[r] + np.rint(rng.normal(0, activities / 12, n)).astype(np.int64)
        a = np.where(rng.random(n) < 0.8, near % activities, rng.integers(0, activities, n)).astype(
            np.int32
        )
        table = pa.table(
            {
                "region": pa.DictionaryArray.from_arrays(pa.array(r), region_labels),
                "cpc": pa.DictionaryArray.from_arrays(pa.array(a), cpc_labels),
                "year": pa.array(2010 + rng.integers(0, years, n).astype(np.int16)),
                "share": pa.array(rng.choice([1.0, 0.5, 1 / 3, 0.25], n, p=[0.5, 0.3, 0.1, 0.1])),
            }
        )
        pq.write_table(table, folder / f"part-{n_files:05d}.parquet")
        written += n
        n_files += 1
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    return {"rows": rows, "files": n_files, "bytes": size, "generate_s": time.perf_counter() - t0}


def _worker_peak_mib() -> float:
    import resource as res

    return res.getrusage(res.RUSAGE_SELF).ru_maxrss / 1024


def aggregate(folder: Path, workers: int, memory_limit: str, analyse: bool) -> dict[str, object]:
    from distributed import Client, LocalCluster

    from smartspec.scale import aggregate_microdata

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit,
        dashboard_address=None,
    )
    client = Client(cluster)
    try:
        t0 = time.perf_counter()
        m = aggregate_microdata(
            str(folder / "*.parquet"),
            region="region",
            activity="cpc",
            period="year",
            weight="share",
            client=client,
        )
        wall = time.perf_counter() - t0
        peaks = client.run(_worker_peak_mib)
        out: dict[str, object] = {
            "aggregate_s": wall,
            "matrix": repr(m),
            "total_weight": float(m.data.sum()),
            "worker_peak_mib": sorted(peaks.values()),
            "workers": workers,
            "memory_limit": memory_limit,
        }
        if analyse:
            from smartspec import analyse as run

            t1 = time.perf_counter()
            ev = run(m)
            out["analyse_s"] = time.perf_counter() - t1
            out["eci_periods"] = len(ev.diagnostics)
    finally:
        client.close()
        cluster.close()
    out["client_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="100-million-row microdata aggregated with Dask")
    ap.add_argument("--rows", type=lambda s: int(float(s)), default=100_000_000)
    ap.add_argument("--chunk", type=lambda s: int(float(s)), default=5_000_000)
    ap.add_argument("--folder", type=Path, default=HERE / ".cache" / "microdata")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="3GB", help="per worker")
    ap.add_argument("--analyse", action="store_true", help="also run the pipeline")
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args()

    folder = args.folder / f"rows-{args.rows}"
    info: dict[str, object] = {}
    if args.regenerate or not any(folder.glob("*.parquet")):
        info.update(generate(folder, args.rows, args.chunk))
        print(
            f"generated {info['rows']:,} rows in {info['files']} files, "
            f"{int(info['bytes']) / 2**30:.2f} GiB, {info['generate_s']:.1f} s",
            flush=True,
        )
    else:
        info.update(
            rows=args.rows,
            files=len(list(folder.glob("*.parquet"))),
            bytes=sum(f.stat().st_size for f in folder.glob("*.parquet")),
        )
    info.update(aggregate(folder, args.workers, args.memory_limit, args.analyse))
    info["rows_per_s"] = args.rows / float(info["aggregate_s"])  # type: ignore[arg-type]
    from hardware import describe

    info["machine"] = describe(probe=False)
    for k, v in info.items():
        print(f"{k:>16}: {v}")
    out = HERE / "results" / f"microdata-{socket.gethostname()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=1, default=str) + "\n")
    print(f"written: {out}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE))
    main()
