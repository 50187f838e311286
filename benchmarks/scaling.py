"""How cost grows: smartspec's whole-process time and memory against periods and regions.

    python benchmarks/scaling.py --runs 3

Periods: 3,000 regions x 1,000 activities with 1, 2, 5 and 10 periods (expected: linear).
Regions: 1,000 activities x 10 periods with 500, 1,000, 2,000, 3,000 and 6,000 regions
(expected: sub-quadratic; the products are linear in regions at fixed activities). Each point is
the median of ``--runs`` fresh processes (``pipeline.run_once``). Prints the table with the
fitted exponent ``b`` of ``time = a x n^b`` and writes ``benchmarks/results/scaling-<host>.json``.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pipeline  # noqa: E402
import synthetic  # noqa: E402

PERIODS = [(3000, 1000, p) for p in (1, 2, 5, 10)]
REGIONS = [(r, 1000, 10) for r in (500, 1000, 2000, 3000, 6000)]


def point(shape: tuple[int, int, int], runs: int) -> dict[str, float]:
    R, A, P = shape
    path = synthetic.CACHE / f"shape-{R}x{A}x{P}.parquet"
    if not path.exists():
        synthetic.SCALES[path.stem] = shape
        synthetic.write(path.stem, path)
    recs = [pipeline.run_once("smartspec", path, 600) for _ in range(runs)]
    ok = [r for r in recs if r["status"] == "ok"]
    return {
        "regions": R,
        "activities": A,
        "periods": P,
        "wall_s": statistics.median(r["wall_s"] for r in ok),
        "peak_mib": statistics.median(r["peak_mib"] for r in ok),
        "runs": len(ok),
    }


def exponent(xs: list[float], ys: list[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out = {}
    for name, shapes, key in (("periods", PERIODS, "periods"), ("regions", REGIONS, "regions")):
        rows = [point(s, args.runs) for s in shapes]
        b = exponent([r[key] for r in rows], [r["wall_s"] for r in rows])
        # the fixed cost (interpreter, imports) flattens the curve: also fit time - fixed
        fixed = pipeline_fixed_cost()
        b_net = exponent([r[key] for r in rows], [max(r["wall_s"] - fixed, 1e-3) for r in rows])
        out[name] = {"points": rows, "exponent": b, "exponent_net": b_net, "fixed_s": fixed}
        print(f"\n{name}: time ~ n^{b:.2f} (n^{b_net:.2f} without the {fixed:.2f} s fixed cost)")
        print(f"{'regions':>8} {'acts':>6} {'periods':>8} {'wall s':>8} {'peak MiB':>9}")
        for r in rows:
            print(
                f"{r['regions']:>8} {r['activities']:>6} {r['periods']:>8} "
                f"{r['wall_s']:>8.2f} {r['peak_mib']:>9.0f}"
            )
    path = HERE / "results" / f"scaling-{socket.gethostname()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"\nwritten: {path}")


_FIXED: list[float] = []


def pipeline_fixed_cost() -> float:
    """Whole-process time of the smallest run (S): interpreter, imports, I/O (median of 3)."""
    if not _FIXED:
        path = synthetic.write("S")
        _FIXED.append(
            statistics.median(pipeline.run_once("smartspec", path, 600)["wall_s"] for _ in range(3))
        )
    return _FIXED[0]


if __name__ == "__main__":
    main()
