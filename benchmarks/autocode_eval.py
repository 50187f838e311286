"""Measure NACE auto-coding on the Czech RIS3 priorities with region-declared divisions.

Prints, for each method and baseline of :func:`smartspec.domains.registry.autocode.
evaluate_autocode`, the top-1 and top-5 hit rates with Wilson 95 % intervals (the table of
``docs/registry.md``, section "Auto-coding"). Deterministic; a few seconds.

Usage: ``python benchmarks/autocode_eval.py [--data FOLDER]`` (default: the bundled copy in
``registry/data/cz-ris3``, else ``../shared/data/s3-priorities``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from smartspec.domains.registry.autocode import (
    BASELINES,
    METHODS,
    czech_records,
    evaluate_autocode,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "s3-priorities"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="folder of the Czech JSON files")
    args = parser.parse_args()
    try:
        records = czech_records(args.data)
    except FileNotFoundError:
        records = czech_records(SHARED)
    regions = len({r.group for r in records})
    print(f"{len(records)} priorities with declared divisions, {regions} regions\n")
    print("| method | top-1 [95% CI] | top-5 [95% CI] |")
    print("|---|---|---|")
    for method in (*METHODS, *BASELINES):
        res = evaluate_autocode(records, method, k=5)
        if method == "chance":  # an exact expectation: no sampling interval to show
            print(f"| {method} (exact expectation) | {res['top1']:.3f} | {res['topk']:.3f} |")
            continue
        lo1, hi1 = res["top1_ci"]
        lo5, hi5 = res["topk_ci"]
        print(
            f"| {method} | {res['top1']:.3f} [{lo1:.2f}, {hi1:.2f}] "
            f"| {res['topk']:.3f} [{lo5:.2f}, {hi5:.2f}] |"
        )


if __name__ == "__main__":
    main()
