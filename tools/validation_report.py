"""Run the backtests reported in docs/validation.md and print their tables (Markdown).

    .venv/bin/python tools/validation_report.py > /tmp/validation-tables.md

Deterministic (seeded); takes about a minute.
"""

from __future__ import annotations

import warnings
from itertools import pairwise

import pandas as pd
from complexity_validity import markdown  # tools/ is on the path when run as a script

from smartspec.core.validation import backtest
from smartspec.datasets import load

SCORES = ("density", "cog", "pci", "rca_start")


def row(name: str, bt) -> list[dict]:
    out = []
    s = bt.summary
    for r in bt.metrics.to_dict("records"):
        out.append(
            {
                "dataset": name,
                "window": f"{s['base']}→{s['end']}",
                "at risk": s["at_risk"],
                "entry rate": f"{s['entry_rate']:.3f}",
                "score": r["score"],
                "ROC-AUC [95% CI]": f"{r['roc_auc']:.3f} [{r['roc_auc_low']:.3f}, "
                f"{r['roc_auc_high']:.3f}]",
                "PR-AUC": f"{r['pr_auc']:.3f}",
                "region P@5": f"{r['region_precision_at_5']:.3f}",
            }
        )
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    rows: list[dict] = []
    nz = load("nz-urban-industry")
    periods = list(nz.periods)
    for a, b in pairwise(periods):
        rows += row(
            "nz-urban-industry",
            backtest(nz, base=a, end=b, scores=SCORES, k=(5,), n_boot=200, seed=0),
        )
    rows += row(
        "nz-urban-industry",
        backtest(nz, base=1976, end=2013, scores=SCORES, k=(5,), n_boot=200, seed=0),
    )
    rows += row(
        "nz-urban-industry (filtered)",
        backtest(
            nz,
            base=1976,
            end=2006,
            scores=SCORES,
            k=(5,),
            n_boot=200,
            seed=0,
            max_rca_before=0.5,
            persistence=1,
        ),
    )
    au = load("au-sa3-industry")
    for a, b in ((2011, 2016), (2016, 2021), (2011, 2021)):
        rows += row(
            "au-sa3-industry",
            backtest(au, base=a, end=b, scores=SCORES, k=(5,), n_boot=200, seed=0),
        )
    rows += row(
        "au-sa3-industry (filtered)",
        backtest(
            au,
            base=2011,
            end=2016,
            scores=SCORES,
            k=(5,),
            n_boot=200,
            seed=0,
            max_rca_before=0.5,
            persistence=1,
        ),
    )
    print(markdown(pd.DataFrame(rows), index=False))


if __name__ == "__main__":
    main()
