"""Describe the machine a benchmark ran on and measure what its hardware allows.

``python benchmarks/hardware.py`` prints (and ``--json FILE`` writes) the CPU model, cores,
memory, numpy's BLAS, and three small probes: DGEMM and SGEMM throughput (GFLOP/s, square
products large enough to saturate the cores) and memory bandwidth (GB/s, a streaming copy of
arrays far larger than the caches). ``docs/performance.md`` compares each pipeline step with these.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def blas_info() -> dict[str, Any]:
    info: dict[str, Any] = {"numpy": np.__version__}
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        blas = cfg["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # pragma: no cover - older numpy
        info["blas"] = "unknown"
    try:
        from threadpoolctl import threadpool_info

        info["blas_threads"] = [p.get("num_threads") for p in threadpool_info()]
    except ImportError:
        pass
    return info


def _best(f, repeat: int = 5) -> float:
    f()
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def gemm_gflops(dtype: type, n: int = 2000) -> float:
    """Best-of-5 throughput of an n x n x n product (2 n^3 flops)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n)).astype(dtype)
    b = rng.random((n, n)).astype(dtype)
    dt = _best(lambda: a @ b)
    return 2 * n**3 / dt / 1e9


def memory_bandwidth_gbs(mib: int = 512) -> float:
    """Best-of-5 streaming copy (read + write) of a ``mib`` MiB float64 array, in GB/s."""
    n = mib * 2**20 // 8
    src = np.ones(n)
    dst = np.empty_like(src)
    dt = _best(lambda: np.copyto(dst, src))
    return 2 * src.nbytes / dt / 1e9


def describe(probe: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **blas_info(),
    }
    if probe:
        out["dgemm_gflops"] = round(gemm_gflops(np.float64), 1)
        out["sgemm_gflops"] = round(gemm_gflops(np.float32), 1)
        out["memory_bandwidth_gbs"] = round(memory_bandwidth_gbs(), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the description to this file")
    args = ap.parse_args()
    info = describe()
    for k, v in info.items():
        print(f"{k:>22}: {v}")
    if args.json:
        args.json.write_text(json.dumps(info, indent=2) + "\n")


if __name__ == "__main__":
    main()
