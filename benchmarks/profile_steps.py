"""Where the time goes: each step of the pipeline at one scale, against what the hardware allows.

    python benchmarks/profile_steps.py --scale L

Times every step in one process (best of ``--repeat``), and for the matrix products computes the
floating-point work (GFLOP) and for the elementwise steps the bytes moved, then divides by the
machine's measured DGEMM / SGEMM throughput and memory bandwidth (``hardware.py``): the
``efficiency`` column is (time the hardware needs at its measured peak) / (time taken).
Writes ``benchmarks/results/profile-<scale>-<host>.json``.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import hardware  # noqa: E402
import synthetic  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="L", choices=list(synthetic.SCALES))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    hw = hardware.describe()
    from smartspec import ActivityMatrix
    from smartspec.core._steps import Steps

    path = synthetic.write(args.scale)
    t = time.perf_counter()
    df = pd.read_parquet(path)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    m = ActivityMatrix.from_long(
        df, region="region", activity="activity", value="value", period="period"
    )
    t_long = time.perf_counter() - t
    P, R, A = m.shape
    del df

    def best(fn) -> float:
        times = []
        for _ in range(args.repeat):
            s = Steps(m)
            fn(s, prepare=True)
            t0 = time.perf_counter()
            fn(s, prepare=False)
            times.append(time.perf_counter() - t0)
        return min(times)

    def step(*names_before: str, target: str):
        def fn(s, prepare):
            if prepare:
                for n in names_before:
                    getattr(s, n)
            else:
                getattr(s, target)

        return fn

    s0 = Steps(m)
    _ = s0.mask
    nnz = int(s0.mask.sum())
    small = min(R, A)
    cells = P * R * A
    rows = []
    # (step, seconds, work, kind): kind "flop64" / "flop32" (GFLOP) or "bytes" (GB)
    rows.append(("read parquet", t_read, None, None))
    rows.append(("from_long (build the sparse matrix)", t_long, None, None))
    rows.append(
        ("rca (sparse -> dense, 3 passes)", best(step(target="rca")), cells * 8 * 3 / 1e9, "bytes")
    )
    rows.append(("presence mask", best(step("rca", target="mask")), cells * 9 / 1e9, "bytes"))
    rows.append(("eci/pci (Lanczos or dense eigh)", best(step("mask", target="eigen")), None, None))
    # cog pass: co-occurrence (sgemm A x R x A), density + cog numerators (dgemm 2R x A x A)
    t_cog = best(step("mask", "eigen", "eci", "pci", target="cog"))
    rows.append(
        ("co-occurrence M'M (float32, part of the pass)", None, 2 * P * A * A * R / 1e9, "flop32")
    )
    rows.append(
        ("[M; G] @ W density+COG numerators (float64)", None, 2 * P * 2 * R * A * A / 1e9, "flop64")
    )
    rows.append(("proximity+density+COG pass (total)", t_cog, None, None))
    rows.append(
        (
            "coi",
            best(step("mask", "eigen", "eci", "pci", "cog", target="coi")),
            cells * 8 * 3 / 1e9,
            "bytes",
        )
    )

    peak = {
        "flop64": hw["dgemm_gflops"],
        "flop32": hw["sgemm_gflops"],
        "bytes": hw["memory_bandwidth_gbs"],
    }
    # the pass: time the two products would need at peak, against the measured pass
    gemm_floor = (2 * P * A * A * R / 1e9) / peak["flop32"] + (2 * P * 2 * R * A * A / 1e9) / peak[
        "flop64"
    ]
    out = []
    print(
        f"\n{args.scale}: {P} periods x {R} regions x {A} activities, presence {nnz:,} cells "
        f"({nnz / cells:.1%}); smaller side {small}"
    )
    print(
        f"machine: {hw['cpu']}, {hw['cores']} cores, DGEMM {hw['dgemm_gflops']} GFLOP/s, "
        f"SGEMM {hw['sgemm_gflops']} GFLOP/s, memory {hw['memory_bandwidth_gbs']} GB/s\n"
    )
    print(f"{'step':<50} {'s':>7} {'work':>10} {'at peak s':>10} {'efficiency':>10}")
    for name, sec, work, kind in rows:
        unit = {"flop64": "GFLOP", "flop32": "GFLOP", "bytes": "GB"}.get(kind or "", "")
        floor = work / peak[kind] if work is not None and kind else None
        if name.startswith("proximity+density"):
            floor = gemm_floor
        eff = floor / sec if floor is not None and sec else None
        out.append(
            {
                "step": name,
                "seconds": sec,
                "work": work,
                "unit": unit,
                "seconds_at_peak": floor,
                "efficiency": eff,
            }
        )
        print(
            f"{name:<50} {'' if sec is None else f'{sec:7.3f}':>7} "
            f"{'' if work is None else f'{work:.1f} {unit}':>10} "
            f"{'' if floor is None else f'{floor:.3f}':>10} "
            f"{'' if eff is None else f'{eff:.0%}':>10}"
        )
    res = HERE / "results" / f"profile-{args.scale}-{socket.gethostname()}.json"
    res.parent.mkdir(parents=True, exist_ok=True)
    res.write_text(
        json.dumps(
            {"machine": hw, "shape": [P, R, A], "presence_cells": nnz, "steps": out}, indent=1
        )
        + "\n"
    )
    print(f"\nwritten: {res}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
