"""Latency of the main API endpoints on the bundled data: p50 / p95 per endpoint, once warm.

Not a test: run it by hand and read the table.

    .venv/bin/python benchmarks/api_latency.py                 # in-process client
    .venv/bin/python benchmarks/api_latency.py --server        # also over a real socket (uvicorn)
    .venv/bin/python benchmarks/api_latency.py -n 200 --dataset eu-nuts2-sbs

The goal: the region profile answers in under 200 ms at p95 once warm.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import quote

import numpy as np


def _endpoints(dataset: str, region: str, activity: str) -> dict[str, str]:
    base = f"/api/v1/datasets/{dataset}"
    return {
        "health": "/api/v1/health",
        "datasets": "/api/v1/datasets",
        "region profile": f"{base}/regions/{quote(region, safe='')}/profile",
        "activity profile": f"{base}/activities/{quote(activity, safe='')}/profile",
        "indicators page": f"{base}/indicators/cells?sort=rca&order=desc&limit=100",
        "network": f"{base}/network",
        "network + region": f"{base}/network?region={quote(region, safe='')}",
        "compare": f"{base}/compare?region={quote(region, safe='')}",
    }


def _measure(get: Callable[[str], int], path: str, n: int, warmup: int) -> tuple[float, ...]:
    for _ in range(warmup):
        status = get(path)
        if status >= 400:
            raise SystemExit(f"{path} answered {status}")
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - t0) * 1000)
    arr = np.array(times)
    return (
        float(np.percentile(arr, 50)),
        float(np.percentile(arr, 95)),
        float(arr.max()),
        statistics.fmean(times),
    )


def _table(title: str, rows: dict[str, tuple[float, ...]], cold: dict[str, float]) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<18} {'cold ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, (p50, p95, mx, _) in rows.items():
        print(f"{name:<18} {cold.get(name, float('nan')):>9.1f} {p50:>8.2f} {p95:>8.2f} {mx:>8.2f}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="nz-urban-industry")
    parser.add_argument("--region", default=None, help="Region code (default: the first).")
    parser.add_argument("-n", type=int, default=100, help="Requests per endpoint.")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--server", action="store_true", help="Also measure over a socket.")
    args = parser.parse_args()

    from smartspec.app import SmartSpecApp

    data_dir = tempfile.mkdtemp(prefix="smartspec-bench-")
    app = SmartSpecApp(data_dir=data_dir, datasets=[args.dataset])
    m = app.matrix(args.dataset)
    region = args.region or str(m.regions[0])
    activity = str(m.activities[0])
    endpoints = _endpoints(args.dataset, region, activity)
    print(
        f"{args.dataset}: {m}; region {region!r}; {args.n} requests per endpoint after "
        f"{args.warmup} warm-up requests"
    )

    client = app.client()
    cold: dict[str, float] = {}
    for name, path in endpoints.items():
        t0 = time.perf_counter()
        client.get(path)
        cold[name] = (time.perf_counter() - t0) * 1000
    rows = {
        name: _measure(lambda p: client.get(p).status_code, path, args.n, args.warmup)
        for name, path in endpoints.items()
    }
    _table("in-process client (fastapi TestClient)", rows, cold)

    if args.server:
        port = _free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from smartspec.services.cli import main; main()",
                "serve",
                "--data",
                args.dataset,
                "--port",
                str(port),
                "--data-dir",
                data_dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        base = f"http://127.0.0.1:{port}"

        def get(path: str) -> int:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                r.read()
                return r.status

        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    get("/api/v1/health")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            cold = {}
            for name, path in endpoints.items():
                t0 = time.perf_counter()
                get(path)
                cold[name] = (time.perf_counter() - t0) * 1000
            rows = {
                name: _measure(get, path, args.n, args.warmup) for name, path in endpoints.items()
            }
            _table(f"real server (uvicorn, {base})", rows, cold)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=15)
    app.close()


if __name__ == "__main__":
    main()
