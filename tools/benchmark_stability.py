"""Report the stability of the benchmark domain's structural neighbours, over all regions, and
their overlap with the peer groups the Orkestra / S3 Platform tool published.

For every comparable region, the top-k neighbour set is recomputed under resampled indicators
(bootstrap within dimensions), ±noise on the values, and both, and compared with the original
set by the Jaccard overlap (``smartspec.domains.benchmark.similarity.stability``). Prints a
Markdown section (the one in ``docs/benchmark.md``, "Stability") and, with ``--json FILE``,
writes the per-region values.

Usage::

    .venv/bin/python tools/benchmark_stability.py [--k 10] [--draws 50] [--noise 0.1]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from smartspec.domains.benchmark import service
from smartspec.domains.benchmark.similarity import jaccard, top_neighbours

#: Published reference regions (Orkestra / JRC S3 Platform "Benchmarking Regional Structure"
#: tool, tools.orkestra.deusto.es/s3platform/benchmark; the nearest regions as the tool's page
#: lists them, NUTS 2010 codes; only the part of each list we could read).
PUBLISHED = {
    "AT11": ["AT21", "AT33", "ITH2", "AT22", "AT31", "AT32", "AT12", "AT34", "ITI2", "DK03"],
    "AT21": ["AT22", "AT33", "AT12", "AT11", "AT31"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--draws", type=int, default=50)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write the per-region values here")
    args = parser.parse_args(argv)
    for k in sorted({5, args.k}):
        view = service.stability_check(k=k, draws=args.draws, noise=args.noise, seed=args.seed)
        values = {m: [r[m] for r in view.regions.values()] for m in view.summary}
        print(
            f"\n#### top-{k}, {view.draws} draws, noise ±{view.noise:.0%}, "
            f"{len(view.regions)} regions\n"
        )
        print("| resampling | mean Jaccard | median | 10th percentile |")
        print("|---|---|---|---|")
        for mode, mean in view.summary.items():
            v = np.array(values[mode])
            print(f"| {mode} | {mean:.3f} | {np.median(v):.3f} | {np.quantile(v, 0.1):.3f} |")
        if args.json:
            args.json.write_text(json.dumps(view.model_dump(), indent=1), encoding="utf-8")
    m = service.model()
    print("\n#### Published peer groups (Orkestra / S3 Platform tool)\n")
    print("| region | published (first n) | ours, top n | overlap | Jaccard |")
    print("|---|---|---|---|---|")
    for region, peers in PUBLISHED.items():
        ours = top_neighbours(m.distance, m.coverage, region, top=len(peers)).index.tolist()
        shared = sorted(set(ours) & set(peers))
        print(
            f"| {region} | {', '.join(peers)} | {', '.join(ours)} | {len(shared)} "
            f"({', '.join(shared)}) | {jaccard(ours, peers):.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
