"""Draw the scaling curves of benchmarks/results/scaling-vm.json as docs/performance-scaling.svg.

python benchmarks/scaling_chart.py [results.json] [out.svg]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from smartspec.reports.charts import SCHEMA, save

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks/results/scaling-vm.json"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs/performance-scaling.svg"
    data = json.loads(src.read_text())
    panels = []
    for axis, label in (
        ("periods", "periods (3,000 regions × 1,000 activities)"),
        ("regions", "regions (1,000 activities × 10 periods)"),
    ):
        pts = pd.DataFrame(data[axis]["points"])
        fixed = data[axis]["fixed_s"]
        pts = pts.assign(x=pts[axis], net_s=pts["wall_s"] - fixed)
        values = pd.concat(
            [
                pts.assign(series="whole process (s)", y=pts["wall_s"]),
                pts.assign(series="minus fixed start-up (s)", y=pts["net_s"]),
            ]
        )[["x", "y", "series"]].to_dict("records")
        panels.append(
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", "title": label},
                    "y": {"field": "y", "type": "quantitative", "title": "seconds"},
                    "color": {"field": "series", "type": "nominal", "title": None},
                },
                "width": 260,
                "height": 200,
                "title": f"fitted exponent {data[axis]['exponent_net']:.2f}",
            }
        )
    spec = {
        "$schema": SCHEMA,
        "title": "smartspec standard pipeline: cost growth",
        "hconcat": panels,
        "config": {"legend": {"orient": "bottom"}},
    }
    save(spec, out)
    print(f"written: {out}")


if __name__ == "__main__":
    main()
