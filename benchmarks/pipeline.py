"""One command that times the standard pipeline: smartspec against the peer packages.

    python benchmarks/pipeline.py --scales S M L XL --runs 3 --peers

The standard pipeline is RCA -> presence -> diversity / ubiquity -> ECI / PCI -> proximity ->
density -> COI / COG, for every period, starting from the long table on disk (Parquet). Every
run is a fresh Python process, so the wall time and the peak memory (the child's ``VmHWM``, its
peak resident set; ``ru_maxrss`` from ``os.wait4`` for R) are whole-process: interpreter start,
imports, reading the file and the computation. Runs alternate between the tools (smartspec,
peer, smartspec, peer, ...), and the table reports the median of the runs and the ratio
peer / smartspec.

Tools:

* ``smartspec``: ``ActivityMatrix.from_long`` + ``analyse`` (atlas profile), then every
  indicator array (RCA, presence, diversity, ubiquity, ECI, PCI, proximity, density, COI, COG)
  and the per-period diagnostics are read. The long output tables are not built (neither do the
  peers below build more than their own return value): this is the engine.
* ``analyse``: the whole command a user runs, ``smartspec analyse INPUT --region region
  --activity activity --value value --period period --format parquet --out DIR`` (in the child
  process, through the click entry point): reading, the engine, and writing every output table
  (``cells``: every region x activity x period) and ``run.json``. ``--analyse-args`` adds
  options (e.g. ``--analyse-args="--cells present"``); the output folder is removed after each
  run.
* ``ecomplexity`` (Growth Lab, PyPI 0.5.3): ``ecomplexity(df, cols)``, which returns every
  indicator for every period as one long table.
* ``oec`` (Datawheel ``economic-complexity``, PyPI 0.3.0), per period: pivot,
  ``rca``, ``complexity``, ``relatedness`` (density, through ``proximity``) and
  ``opportunity_gain`` (it has no COI).
* ``econgeo`` (R EconGeo), only when ``Rscript`` and the package are installed: ``RCA``,
  ``co.occurrence``, ``relatedness``, ``relatedness.density``, ``KCI``, ``TCI`` per period.

The peers take minutes at L and XL: ``--peer-runs-large`` (default 1) sets how many runs they
get there. Results go to ``benchmarks/results/pipeline-<host>.json`` with the machine description
of ``benchmarks/hardware.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

DATASETS = ("nz-urban-industry", "eu-nuts2-ardeco", "world-trade")
LARGE = ("L", "XL")
TOOLS = ("smartspec", "analyse", "ecomplexity", "oec", "econgeo")


# ----------------------------------------------------------------------------- inputs
def input_path(name: str) -> Path:
    """Parquet long table for a synthetic scale or a bundled dataset (cached)."""
    if name in synthetic.SCALES:
        return synthetic.write(name)
    path = synthetic.CACHE / f"{name}.parquet"
    if not path.exists():
        from smartspec.datasets import load

        long = load(name).to_long()
        for col in ("region", "activity"):
            long[col] = long[col].astype(str).astype("category")
        long["period"] = long["period"].astype(str)
        path.parent.mkdir(parents=True, exist_ok=True)
        long.to_parquet(path, index=False)
    return path


# ----------------------------------------------------------------------------- children
def child_smartspec(path: str) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from smartspec import ActivityMatrix, analyse

    df = pd.read_parquet(path)
    m = ActivityMatrix.from_long(
        df, region="region", activity="activity", value="value", period="period"
    )
    del df
    ev = analyse(m)
    s = ev._steps
    # every indicator array (proximity is computed period by period for density and COG, as
    # the peers compute it inside their density; the (P, A, A) stack is not kept)
    arrays = [s.rca, s.mask, s.diversity, s.ubiquity, s.eci, s.pci, s.density, s.coi, s.cog]
    diag = ev.diagnostics
    return {
        # a strided sample, so that the check costs no copy of the arrays
        "checksum": float(sum(np.nansum(a.reshape(-1)[::101]) for a in arrays)),
        "eci_first": float(np.nanmax(s.eci)),
        "periods": len(diag),
    }


def child_analyse(path: str) -> dict[str, Any]:
    import shlex
    import tempfile

    from smartspec.services.cli import main

    out = Path(tempfile.mkdtemp(prefix="smartspec-analyse-"))
    try:
        args = [
            "analyse",
            path,
            "--region",
            "region",
            "--activity",
            "activity",
            "--value",
            "value",
            "--period",
            "period",
            "--format",
            "parquet",
            "--out",
            str(out),
            "--quiet",
            *shlex.split(os.environ.get("ANALYSE_ARGS", "")),
        ]
        main(args, standalone_mode=False)
        record = json.loads((out / "run.json").read_text())
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
        rec = {
            "cells_rows": record["outputs"]["cells"]["rows"],
            "output_mb": round(sum(sizes.values()) / 1e6, 1),
            "cells_mb": round(sizes.get("cells.parquet", 0) / 1e6, 1),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rec


def child_ecomplexity(path: str) -> dict[str, Any]:
    import contextlib
    import io
    import warnings

    import pandas as pd
    from ecomplexity import ecomplexity

    df = pd.read_parquet(path)
    for col in ("region", "activity"):
        df[col] = df[col].astype(str)
    cols = {"time": "period", "loc": "region", "prod": "activity", "val": "value"}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(df, cols, check_logsupermodularity=False, verbose=False)
    return {"rows": len(out), "eci_first": float(out["eci"].max())}


def child_oec(path: str) -> dict[str, Any]:
    import warnings

    import economic_complexity as ecx
    import pandas as pd

    df = pd.read_parquet(path)
    for col in ("region", "activity"):
        df[col] = df[col].astype(str)
    n = 0
    eci_first = float("nan")
    for _, d in df.groupby("period", sort=True):
        tbl = d.pivot_table(
            index="region", columns="activity", values="value", aggfunc="sum", fill_value=0
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rca = ecx.rca(tbl)
            eci, pci = ecx.complexity(rca)
            density = ecx.relatedness(rca)
            cog = ecx.opportunity_gain(rca, pci=pci)
        n += density.size + cog.size
        eci_first = float(eci.max())
    return {"cells": n, "eci_first": eci_first}


R_SCRIPT = r"""
suppressMessages(library(EconGeo)); suppressMessages(library(arrow))
df <- as.data.frame(read_parquet(commandArgs(TRUE)[1]))
for (p in sort(unique(df$period))) {
  d <- df[df$period == p, ]
  mat <- xtabs(value ~ region + activity, d)
  mat <- matrix(mat, nrow(mat), dimnames = dimnames(mat))
  b <- RCA(mat, binary = TRUE)
  c <- co.occurrence(t(b))
  r <- relatedness(c)
  rd <- relatedness.density(b, r)
  k <- KCI(b); t <- TCI(b)
}
cat("done\n")
"""


def econgeo_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    ok = subprocess.run(["Rscript", "-e", "library(EconGeo); library(arrow)"], capture_output=True)
    return ok.returncode == 0


CHILDREN = {
    "smartspec": child_smartspec,
    "analyse": child_analyse,
    "ecomplexity": child_ecomplexity,
    "oec": child_oec,
}


# ----------------------------------------------------------------------------- one run
def _vm_hwm_mib() -> float | None:
    """Peak resident set of this process (``VmHWM``; fresh after exec, unlike ``ru_maxrss``,
    which a forked child inherits from a large parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def machine_description() -> dict[str, Any]:
    """``hardware.describe()`` in a separate process, so that this one stays small."""
    out = subprocess.run(
        [sys.executable, "-c", "import json, hardware; print(json.dumps(hardware.describe()))"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_once(tool: str, path: Path, timeout: float) -> dict[str, Any]:
    """One fresh process: wall time (s), peak RSS (MiB) and what the child reported."""
    if tool == "econgeo":
        script = synthetic.CACHE / "econgeo.R"
        script.write_text(R_SCRIPT)
        cmd = ["Rscript", str(script), str(path)]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", tool, str(path)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = start + timeout
    status = None
    while status is None:
        pid, st, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status = st
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, st, usage = os.wait4(proc.pid, 0)
            return {
                "tool": tool,
                "status": "timeout",
                "wall_s": timeout,
                "peak_mib": usage.ru_maxrss / 1024,
            }
        time.sleep(0.005)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    rec: dict[str, Any] = {"tool": tool, "wall_s": wall, "peak_mib": usage.ru_maxrss / 1024}
    if proc.returncode != 0:
        rec["status"] = "failed"
        rec["error"] = err.strip().splitlines()[-1:] or ["?"]
    else:
        rec["status"] = "ok"
        last = out.strip().splitlines()[-1] if out.strip() else "{}"
        try:
            rec["result"] = json.loads(last)
        except json.JSONDecodeError:
            rec["result"] = {}
        if rec["result"].get("vm_hwm_mib"):
            rec["peak_mib"] = rec["result"]["vm_hwm_mib"]
    return rec


# ----------------------------------------------------------------------------- table
def summarise(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    inputs = list(dict.fromkeys(r["input"] for r in results))
    for name in inputs:
        runs = [r for r in results if r["input"] == name and r["status"] == "ok"]
        med: dict[str, tuple[float, float, int]] = {}
        for tool in TOOLS:
            t = [r for r in runs if r["tool"] == tool]
            if t:
                med[tool] = (
                    statistics.median(r["wall_s"] for r in t),
                    statistics.median(r["peak_mib"] for r in t),
                    len(t),
                )
        failed = {
            r["tool"]: r["status"] for r in results if r["input"] == name and r["status"] != "ok"
        }
        for tool, (wall, mem, n) in med.items():
            row = {"input": name, "tool": tool, "runs": n, "wall_s": wall, "peak_mib": mem}
            if tool != "smartspec" and "smartspec" in med:  # analyse: command / engine
                row["speedup"] = wall / med["smartspec"][0]
                row["memory_ratio"] = mem / med["smartspec"][1]
            rows.append(row)
        for tool, status in failed.items():
            if tool not in med:
                rows.append({"input": name, "tool": tool, "runs": 0, "status": status})
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'input':<20} {'tool':<12} {'runs':>4} {'wall s':>9} {'peak MiB':>9} "
        f"{'tool/smartspec time':>20} {'tool/smartspec mem':>19}"
    )
    for r in rows:
        if "wall_s" not in r:
            print(f"{r['input']:<20} {r['tool']:<12} {0:>4} {r['status']:>9}")
            continue
        sp = f"{r['speedup']:.1f}x" if "speedup" in r else ""
        mr = f"{r['memory_ratio']:.1f}x" if "memory_ratio" in r else ""
        print(
            f"{r['input']:<20} {r['tool']:<12} {r['runs']:>4} {r['wall_s']:>9.2f} "
            f"{r['peak_mib']:>9.0f} {sp:>20} {mr:>19}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description="time the standard pipeline against the peers")
    ap.add_argument(
        "--scales",
        nargs="+",
        default=["S", "M", "L", "XL"],
        help=f"synthetic scales ({', '.join(synthetic.SCALES)}) and/or bundled "
        f"dataset names ({', '.join(DATASETS)}); 'datasets' means all of those",
    )
    ap.add_argument("--runs", type=int, default=3, help="runs per tool (median reported)")
    ap.add_argument("--peers", action="store_true", help="also run the installed peers")
    ap.add_argument(
        "--no-analyse",
        action="store_true",
        help="do not time the whole 'smartspec analyse' command",
    )
    ap.add_argument(
        "--analyse-args",
        default="",
        help="further options of the timed 'smartspec analyse' (e.g. '--cells present')",
    )
    ap.add_argument("--only-peers", action="store_true", help="run the peers, not smartspec")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, help="exactly these tools")
    ap.add_argument(
        "--peer-runs-large",
        type=int,
        default=1,
        help="runs of each peer at L and XL (they take minutes)",
    )
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    ap.add_argument("--out", type=Path, default=None, help="JSON results file")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        tool, path = args.child
        rec = CHILDREN[tool](path)
        rec["vm_hwm_mib"] = _vm_hwm_mib()
        print(json.dumps(rec))
        return

    names = []
    for s in args.scales:
        names.extend(DATASETS if s == "datasets" else [s])
    tools = ["smartspec"] if args.no_analyse else ["smartspec", "analyse"]
    os.environ["ANALYSE_ARGS"] = args.analyse_args
    if args.peers or args.only_peers:
        tools += ["ecomplexity", "oec"]
        if econgeo_available():
            tools.append("econgeo")
        else:
            print("note: R EconGeo not available (no Rscript or package): not run")
    if args.only_peers:
        tools = [t for t in tools if t not in ("smartspec", "analyse")]
    if args.tools:
        tools = list(args.tools)
    machine = machine_description()
    print(json.dumps(machine))
    results: list[dict[str, Any]] = []
    for name in names:
        path = input_path(name)
        for i in range(args.runs):
            for tool in tools:
                peer = tool not in ("smartspec", "analyse")
                if peer and name in LARGE and i >= args.peer_runs_large:
                    continue
                rec = run_once(tool, path, args.timeout)
                rec.update(input=name, run=i)
                results.append(rec)
                print(
                    f"{name:<20} {tool:<12} run {i}: {rec['status']:<8} "
                    f"{rec['wall_s']:8.2f} s {rec['peak_mib']:8.0f} MiB",
                    flush=True,
                )
    rows = summarise(results)
    print_table(rows)
    out = args.out or HERE / "results" / f"pipeline-{socket.gethostname()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"machine": machine, "runs": results, "summary": rows}, indent=1, default=str)
        + "\n"
    )
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
