"""Reproduce the learned-model tables of docs/validation.md: strict and loose backtests of
density, ubiquity, the logistic baseline and the learned model on every bundled panel with an
earlier window to train on, margins with region-bootstrap intervals, exits, calibration and
the training time on Australia's SA3 panel.

    .venv/bin/python benchmarks/learned.py                 # everything (about 10 minutes)
    .venv/bin/python benchmarks/learned.py --quick         # New Zealand and Australia only

Deterministic (seeded). Prints Markdown tables; ``--out DIR`` also writes every metric as CSV.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError
from smartspec.core.validation import Backtest
from smartspec.datasets import load
from smartspec.learn import MODEL_SCORES, backtest, fit_entry_model

SCORES = ("density", "rca_start", *MODEL_SCORES)
#: Windows with at least one earlier window to train on.
PANELS: dict[str, list[tuple[int, int]]] = {
    "nz-urban-industry": [
        (1981, 1986),
        (1986, 1991),
        (1991, 1996),
        (1996, 2001),
        (2001, 2006),
        (2006, 2013),
    ],
    "au-sa3-industry": [(2016, 2021)],
    "mx-tamaulipas": [(2008, 2013), (2013, 2018), (2018, 2023)],
    "eu-h2020-sdg": [(2016, 2017), (2018, 2019), (2020, 2021)],
    "eu-nuts2-sbs": [(2010, 2011), (2013, 2014)],
    "eu-nuts2-ardeco": [(2005, 2006), (2012, 2013), (2018, 2019)],
}
QUICK = ("nz-urban-industry", "au-sa3-industry")


def markdown(frame: pd.DataFrame, index: bool = False) -> str:
    """A Markdown table of ``frame`` (every cell as text)."""
    if index:
        frame = frame.reset_index()
    head = [str(c) for c in frame.columns]
    rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _ci(x: float, low: float, high: float, signed: bool = False) -> str:
    f = "{:+.3f}" if signed else "{:.3f}"
    return f"{f.format(x)} [{f.format(low)}, {f.format(high)}]"


def summarise(name: str, bt: Backtest) -> dict[str, Any]:
    """One row of the headline tables."""
    s, met = bt.summary, bt.metrics.set_index("score")
    mar = bt.margins.set_index(["score", "against", "metric"])
    best = "max(density, ubiquity)"

    def margin(score: str, against: str, metric: str = "roc_auc") -> str:
        r = mar.loc[(score, against, metric)]
        return _ci(r["margin"], r["margin_low"], r["margin_high"], signed=True)

    return {
        "dataset": name,
        "window": f"{s['base']}→{s['end']}",
        "at risk": s["at_risk"],
        "events": s["entries"],
        "density": f"{met.loc['density', 'roc_auc']:.3f}",
        "ubiquity": f"{met.loc['ubiquity', 'roc_auc']:.3f}",
        "logistic": f"{met.loc['logistic', 'roc_auc']:.3f}",
        "learned": _ci(*met.loc["learned", ["roc_auc", "roc_auc_low", "roc_auc_high"]]),
        "learned − best baseline": margin("learned", best),
        "without size": margin("learned_no_size", best),
        "learned − logistic": margin("learned", "logistic"),
        "region P@5 density": f"{met.loc['density', 'region_precision_at_5']:.3f}",
        "region P@5 learned": f"{met.loc['learned', 'region_precision_at_5']:.3f}",
        "region P@5 learned − density": margin("learned", "density", "region_precision_at_5"),
    }


def others(name: str, bt: Backtest, kind: str) -> dict[str, Any]:
    """The other scores against the learned model (and the baselines)."""
    s, met = bt.summary, bt.metrics.set_index("score")
    row = {
        "dataset": name,
        "window": f"{s['base']}→{s['end']}",
        "kind": kind,
        "events": s["entries"],
        "at risk": s["at_risk"],
    }
    for score in (
        "density",
        "rca_start",
        "ubiquity",
        "learned_density",
        "similar_density",
        "logistic",
        "learned",
    ):
        row[score] = f"{met.loc[score, 'roc_auc']:.3f}"
    return row


def pooled_precision(frames: list[pd.DataFrame], n_boot: int = 200) -> dict[str, Any]:
    """Region precision@5 of learned minus density over all windows of a panel, with a
    bootstrap interval resampling regions (each region keeps its windows)."""
    from smartspec.core.validation import precision_at_k

    rows = []
    for i, pairs in enumerate(frames):
        for region, g in pairs.groupby("region", sort=False):
            y = g["event"].to_numpy()
            rows.append(
                (
                    region,
                    i,
                    precision_at_k(y, g["learned"].to_numpy(), 5),
                    precision_at_k(y, g["density"].to_numpy(), 5),
                )
            )
    t = pd.DataFrame(rows, columns=["region", "window", "learned", "density"])
    by = t.groupby("region")[["learned", "density"]].sum()
    n = len(t)
    rng = np.random.default_rng(0)
    idx = np.arange(len(by))
    diffs = []
    for _ in range(n_boot):
        pick = by.iloc[rng.choice(idx, len(idx))]
        diffs.append((pick["learned"].sum() - pick["density"].sum()) / len(pick) * len(by) / n)
    low, high = np.quantile(diffs, [0.025, 0.975])
    return {
        "learned": t["learned"].mean(),
        "density": t["density"].mean(),
        "difference": t["learned"].mean() - t["density"].mean(),
        "low": low,
        "high": high,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--n-boot", type=int, default=200)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    panels = {k: v for k, v in PANELS.items() if not args.quick or k in QUICK}
    definitions = ("strict",) if args.quick else ("strict", "loose")
    heads: dict[str, list[dict]] = {d: [] for d in definitions}
    rest: list[dict] = []
    skipped: list[dict] = []
    metrics, calibration, strict_pairs = [], [], {}
    rates: dict[str, dict[str, Any]] = {}  # the last strict window of each panel
    for name, windows in panels.items():
        m = load(name)
        for base, end in windows:
            for definition in definitions:
                try:
                    bt = backtest(
                        m,
                        base=base,
                        end=end,
                        scores=SCORES,
                        definition=definition,
                        k=(5,),
                        n_boot=args.n_boot,
                        seed=0,
                    )
                except ValidationError as exc:  # e.g. no strict entry in the earlier windows
                    print(f"<!-- {name} {base}->{end} {definition}: {exc.message} -->", flush=True)
                    skipped.append(
                        {
                            "dataset": name,
                            "window": f"{base}→{end}",
                            "definition": definition,
                            "why": exc.message,
                        }
                    )
                    continue
                heads[definition].append(summarise(name, bt))
                print(
                    f"<!-- {name} {base}->{end} {definition}: {heads[definition][-1]} -->",
                    flush=True,
                )
                metrics.append(
                    bt.metrics.assign(dataset=name, base=base, end=end, definition=definition)
                )
                if definition == "strict":
                    rest.append(others(name, bt, "entry"))
                    strict_pairs.setdefault(name, []).append(bt.pairs)
                    calibration.append(bt.calibration.assign(dataset=name, base=base, end=end))
                    trained = bt.summary["models"]["learned"]
                    rates[name] = {
                        "dataset": name,
                        "window": f"{base}→{end}",
                        "entry rate learned from": f"{trained['events'] / trained['pairs']:.3f}",
                        "entry rate of the window": f"{bt.summary['entry_rate']:.3f}",
                    }
            if name in QUICK:
                ex = backtest(
                    m,
                    base=base,
                    end=end,
                    scores=SCORES,
                    definition="strict",
                    kind="exit",
                    k=(5,),
                    n_boot=args.n_boot,
                    seed=0,
                )
                rest.append(others(name, ex, "exit"))
    for definition, rows in heads.items():
        print(f"\n### {definition.capitalize()} entries: ROC-AUC and margins [95% CI]\n")
        print(markdown(pd.DataFrame(rows)))
    if skipped:
        print("\n### Windows without a learned model\n")
        print(markdown(pd.DataFrame(skipped)))
    print("\n### Region precision@5 over all windows (strict)\n")
    pooled = [
        {
            "dataset": k,
            **{
                a: f"{b:+.3f}" if a in ("difference", "low", "high") else f"{b:.3f}"
                for a, b in pooled_precision(v).items()
            },
        }
        for k, v in strict_pairs.items()
        if k in QUICK
    ]
    print(markdown(pd.DataFrame(pooled)))
    print("\n### Every score against the learned model (ROC-AUC, strict)\n")
    print(markdown(pd.DataFrame(rest)))
    cal = pd.concat(calibration, ignore_index=True)
    print("\n### Calibration of the learned probability (deciles, strict)\n")
    shown = cal[(cal["score"] == "learned") & cal["dataset"].isin(QUICK)]
    last = shown.groupby("dataset")["base"].transform("max") == shown["base"]
    print(
        markdown(
            shown[last][["dataset", "base", "end", "bin", "n", "predicted", "observed"]].round(3)
        )
    )
    print("\nThe entry rate the model learned from and that of the window it predicted:\n")
    print(markdown(pd.DataFrame([r for k, r in rates.items() if k in QUICK])))
    au = load("au-sa3-industry")
    start = time.perf_counter()
    model = fit_entry_model(au, base=2016, seed=0)
    grid = model.grid()
    seconds = time.perf_counter() - start
    print(
        f"\nau-sa3-industry: trained ({model.training['pairs']} pairs, "
        f"{model.training['events']} entries, {model.params}) and predicted "
        f"{grid.size} pairs in {seconds:.1f} s"
    )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        pd.concat(metrics, ignore_index=True).to_csv(args.out / "metrics.csv", index=False)
        cal.to_csv(args.out / "calibration.csv", index=False)
        for definition, rows in heads.items():
            pd.DataFrame(rows).to_csv(args.out / f"headline-{definition}.csv", index=False)


if __name__ == "__main__":
    main()
