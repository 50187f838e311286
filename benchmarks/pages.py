"""Page speed of the dashboard: every page and download of every bundled dataset, cold and warm.

    python benchmarks/pages.py                         # all bundled datasets, both cold modes
    python benchmarks/pages.py --datasets nz-urban-industry,world-trade --repeats 3
    PYTHONPATH=/tmp/before/src python benchmarks/pages.py --json before.json   # another tree

For each mode the script starts a real server (``python -m smartspec serve`` on a free loopback
port, with its own temporary ``--data-dir``, so that no result is on disk yet) and times, for
each dataset, the pages a visitor opens: the home page showing the dataset, the dataset page, the
profile of the region with the largest total in the latest period, the profile of the largest
activity, the comparison of the two largest regions, the activity space, the validation page
(datasets with several periods), and the ``cells`` table of the latest period as CSV and as Excel
(``/api/v1/datasets/{id}/downloads/cells.{csv,xlsx}?period=P``).

Modes:

``no-warm``
    ``serve --no-warm-on-start``: nothing is computed before the first request.
``warmed``
    ``serve`` (warm-up on): the timing starts once the server's own warm-up is over (``GET
    /api/v1/jobs``: nothing queued or running).

*Cold* is the first request of a URL in its mode, in the order above (a visitor going from the
home page to the downloads: the dataset's analysis is computed by the first page that needs
it). A page whose heavy result is not ready answers 202 (the "Computing..." page that reloads by
itself) after the ``job_wait_s`` setting (10 s by default); the script then follows its
``Retry-After`` until the page is complete, and reports both the first answer (``cold_s``, with
its status) and the complete page (``cold_done_s``). *Warm* is the median of ``--repeats`` more
requests once the page is complete (``warm_s``: served by the answer cache of repeated GETs);
*uncached* the median of as many requests made new keys of that cache by a parameter the pages
ignore (``uncached_s``: the page rendered again from the cached analyses, as for a visitor with
another language or after an upload; a download's file, kept by the server once written, is not
written again).

The targets (issue 15, on the 2-core reference machine): warm under 1 s, cold under 5 s. A cold
202 page in under 5 s counts as "shows progress" (column ``202``), not as done. The table is
printed and written as JSON (``--json``, default ``benchmarks/results/pages.json``). This is a
measurement, never an assertion of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
WARM_TARGET_S = 1.0
COLD_TARGET_S = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seg(code: Any) -> str:
    return quote(str(code), safe="")


def urls_of(name: str) -> list[tuple[str, str]]:
    """(kind, URL) of the pages and downloads timed for one bundled dataset.

    The region and activity are found from the data itself (the largest totals of the latest
    period), in this process, so that the server computes nothing before the timing starts.
    """
    from smartspec.datasets import load

    m = load(name)
    period = m.periods[-1]
    regions = m.region_totals[period].sort_values(ascending=False)
    activities = m.activity_totals[period].sort_values(ascending=False)
    top_regions = [str(r) for r in regions.index[:2]]
    base = f"/datasets/{_seg(name)}"
    urls = [
        ("home", f"/?dataset={_seg(name)}"),
        ("dataset", base),
        ("region", f"{base}/regions/{_seg(top_regions[0])}"),
        ("activity", f"{base}/activities/{_seg(activities.index[0])}"),
        ("compare", f"{base}/compare?regions={','.join(_seg(r) for r in top_regions)}"),
        ("space", f"{base}/space"),
    ]
    if m.n_periods > 1:
        urls.append(("validation", f"{base}/validation"))
    for fmt in ("csv", "xlsx"):
        urls.append((f"cells.{fmt}", f"/api/v1{base}/downloads/cells.{fmt}?period={_seg(period)}"))
    return urls


def _warm_jobs(datasets: list[str]) -> int:
    """How many results the server's warm-up computes (see :mod:`smartspec.services.warm`)."""
    from smartspec.datasets import load

    n = 0
    for name in datasets:
        periods = load(name).n_periods
        n += 1 + (periods >= 2) + (periods > 2)
    return n


class Server:
    """``python -m smartspec serve`` in a child process, on a free port and a fresh data folder."""

    def __init__(self, datasets: list[str], *, warm: bool, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.TemporaryDirectory(prefix="smartspec-pages-")
        cmd = [
            sys.executable,
            "-m",
            "smartspec",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            self.folder.name,
            "--warm-on-start" if warm else "--no-warm-on-start",
        ]
        for d in datasets:
            cmd += ["--data", d]
        self.log = log.open("w")
        import smartspec

        # the server runs the smartspec this script imports (PYTHONPATH=... to time another)
        env = {**os.environ, "PYTHONPATH": str(Path(smartspec.__file__).resolve().parents[1])}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )

    def wait_ready(self, client: httpx.Client, timeout: float = 120.0) -> float:
        """Seconds until ``/api/v1/health`` answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server stopped (exit {self.proc.returncode}); see {self.log.name}"
                )
            try:
                if client.get(self.base + "/api/v1/health").status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer in time")

    def wait_warm(
        self, client: httpx.Client, expected: int, timeout: float = 1800.0, quiet: float = 30.0
    ) -> float:
        """Seconds until the server's warm-up is over: ``expected`` jobs finished (one layout
        per dataset, one or two backtests per dataset with several periods), or nothing queued
        or running for ``quiet`` seconds (the warm-up analyses a dataset between two jobs)."""
        t0 = time.perf_counter()
        seen, changed = None, t0
        while time.perf_counter() - t0 < timeout:
            jobs = client.get(self.base + "/api/v1/jobs").json()["items"]
            busy = any(j["state"] in ("queued", "running") for j in jobs)
            finished = sum(j["state"] in ("done", "failed") for j in jobs)
            now = time.perf_counter()
            if (len(jobs), finished) != seen:
                seen, changed = (len(jobs), finished), now
            if not busy and (finished >= expected or now - changed >= quiet):
                return now - t0
            time.sleep(1.0)
        raise RuntimeError("the warm-up did not end in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()
        self.folder.cleanup()


def _get(client: httpx.Client, url: str) -> tuple[float, int, int]:
    accept = "application/json" if url.startswith("/api/") else "text/html"
    t0 = time.perf_counter()
    r = client.get(url, headers={"accept": accept})
    return time.perf_counter() - t0, r.status_code, len(r.content)


def time_url(client: httpx.Client, url: str, repeats: int) -> dict[str, Any]:
    """The first answer, the complete answer (following 202s) and the warm median."""
    t0 = time.perf_counter()
    first_s, status, size = _get(client, url)
    done_status, polls = status, 0
    while done_status == 202:
        time.sleep(1.0)
        _, done_status, size = _get(client, url)
        polls += 1
    done_s = time.perf_counter() - t0
    warm = [_get(client, url) for _ in range(repeats)]
    # the same page computed again (not from the answer cache): a query parameter the pages
    # and the API ignore makes each request a new key of the cache
    sep = "&" if "?" in url else "?"
    fresh = [_get(client, f"{url}{sep}_bench={time.time_ns()}") for _ in range(repeats)]
    return {
        "cold_s": round(first_s, 3),
        "cold_status": status,
        "cold_done_s": round(done_s, 3),
        "status": done_status,
        "bytes": size,
        "warm_s": round(statistics.median(w[0] for w in warm), 4) if warm else None,
        "warm_status": sorted({w[1] for w in warm}),
        "uncached_s": round(statistics.median(w[0] for w in fresh), 4) if fresh else None,
        "uncached_status": sorted({w[1] for w in fresh}),
    }


def run_mode(mode: str, datasets: list[str], repeats: int, logs: Path) -> dict[str, Any]:
    server = Server(datasets, warm=mode == "warmed", log=logs / f"pages-{mode}.log")
    rows: list[dict[str, Any]] = []
    try:
        with httpx.Client(base_url=server.base, timeout=600.0) as client:
            startup = server.wait_ready(client)
            warmup = server.wait_warm(client, _warm_jobs(datasets)) if mode == "warmed" else None
            print(
                f"[{mode}] server ready in {startup:.1f} s"
                + (f", warm-up {warmup:.0f} s" if warmup is not None else ""),
                flush=True,
            )
            for name in datasets:
                for kind, url in urls_of(name):
                    row = {
                        "mode": mode,
                        "dataset": name,
                        "page": kind,
                        "url": url,
                        **time_url(client, url, repeats),
                    }
                    rows.append(row)
                    print(_line(row), flush=True)
    finally:
        server.stop()
    return {
        "startup_s": round(startup, 1),
        "warmup_s": None if warmup is None else round(warmup, 1),
        "rows": rows,
    }


def _ok(row: dict[str, Any]) -> tuple[str, str]:
    cold = (
        "yes"
        if row["cold_s"] < COLD_TARGET_S and row["cold_status"] == 200
        else ("202" if row["cold_s"] < COLD_TARGET_S and row["cold_status"] == 202 else "NO")
    )
    warm = "yes" if row["warm_s"] is not None and row["warm_s"] < WARM_TARGET_S else "NO"
    uncached = (
        "yes" if row["uncached_s"] is not None and row["uncached_s"] < WARM_TARGET_S else "NO"
    )
    return cold, warm, uncached


def _line(row: dict[str, Any]) -> str:
    cold_ok, warm_ok, uncached_ok = _ok(row)
    return (
        f"  {row['mode']:<8} {row['dataset']:<18} {row['page']:<10} "
        f"{row['cold_s']:>8.2f} {row['cold_status']:>4} {row['cold_done_s']:>8.2f} "
        f"{cold_ok:>4} {row['warm_s']:>8.3f} {warm_ok:>4} {row['uncached_s']:>8.3f} "
        f"{uncached_ok:>4}"
    )


HEADER = (
    f"  {'mode':<8} {'dataset':<18} {'page':<10} {'cold s':>8} {'st':>4} {'done s':>8} "
    f"{'<5s':>4} {'warm s':>8} {'<1s':>4} {'uncached':>8} {'<1s':>4}"
)


def main() -> int:
    from smartspec.datasets import list_datasets

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--datasets", default=None, help="comma-separated bundled datasets (default: all)"
    )
    ap.add_argument("--modes", default="no-warm,warmed", help="no-warm and/or warmed")
    ap.add_argument("--repeats", type=int, default=3, help="warm requests per URL (median)")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "pages.json")
    ap.add_argument(
        "--logs",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="folder for the servers' logs",
    )
    args = ap.parse_args()
    datasets = (
        args.datasets.split(",") if args.datasets else [str(n) for n in list_datasets()["name"]]
    )
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in ("no-warm", "warmed")]
    if unknown:
        ap.error(f"unknown mode(s) {unknown}: use no-warm, warmed")
    print(HEADER)
    load_before = os.getloadavg()
    results = {m: run_mode(m, datasets, args.repeats, args.logs) for m in modes}
    load_after = os.getloadavg()
    rows = [r for m in results.values() for r in m["rows"]]
    print("\n" + HEADER)
    for row in rows:
        print(_line(row))
    slow_warm = [r for r in rows if _ok(r)[1] != "yes" or _ok(r)[2] != "yes"]
    slow_cold = [r for r in rows if _ok(r)[0] == "NO"]
    print(
        f"\nwarm >= {WARM_TARGET_S:g} s (cached or not): {len(slow_warm)} of {len(rows)}; "
        f"cold >= {COLD_TARGET_S:g} s (no page, no progress): {len(slow_cold)} of {len(rows)}"
    )
    doc = {
        "targets": {"warm_s": WARM_TARGET_S, "cold_s": COLD_TARGET_S},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # other work on the machine inflates the timings: the 1-minute load
            "load_average_start_end": [round(load_before[0], 2), round(load_after[0], 2)],
        },
        "repeats": args.repeats,
        "modes": {m: {k: v for k, v in r.items() if k != "rows"} for m, r in results.items()},
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
