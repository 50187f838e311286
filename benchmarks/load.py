"""Load test of a running platform: N users on the main pages and API reads, loopback only.

    smartspec serve --port 8765 &                     # the platform on every bundled dataset
    python benchmarks/load.py --base http://127.0.0.1:8765 --users 50 --seconds 60

Each user loops over the URLs below (a fixed, seeded order per user) for ``--seconds``, waits
for each answer, then "reads" for ``--think`` seconds on average (uniform 0.5x-1.5x, like
locust's ``between``; ``--think 0`` hammers without pause). Before the timed run every URL is
requested once, so the figures are those of a warm server ("cold" requests are reported
separately). The script first waits until the server's own warm-up at start (``GET
/api/v1/jobs``: nothing queued or running) is over; during its own warm-up pass a 202 answer
(a heavy result still being computed) is asked again after its ``Retry-After``.
Prints the number of requests, errors (status >= 400 or a failed connection),
requests per second and the latency percentiles, overall and per URL; ``--json FILE`` also
writes them.

The target (issue 14) on the 2-core reference machine: zero errors and p95 under 300 ms once
warm. Requests go to the given base URL only, which must be a loopback address.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlparse

import httpx

PAGES = [
    "/",
    "/datasets/eu-nuts2-ardeco",
    "/datasets/eu-nuts2-ardeco/regions/ES30",
    "/datasets/eu-nuts2-ardeco/activities/J",
    "/datasets/nz-urban-industry/regions/020",
    "/datasets/us-state-industry/regions/06",
    "/datasets/eu-nuts2-ardeco/compare?regions=ES30,ES51",
    "/datasets/nz-urban-industry/space",
    "/datasets/eu-nuts2-ardeco/validation",
    "/datasets/au-sa3-industry/validation",  # the heaviest backtest (70 s cold in issue 14)
]
API = [
    "/api/v1/datasets",
    "/api/v1/datasets/eu-nuts2-ardeco/regions?limit=50",
    "/api/v1/datasets/eu-nuts2-ardeco/regions/ES30/profile",
    "/api/v1/datasets/eu-nuts2-ardeco/activities/J/profile",
    "/api/v1/datasets/nz-urban-industry/indicators/regions?limit=100",
    "/api/v1/datasets/us-state-industry/indicators/cells?limit=100",
    "/api/v1/datasets/eu-nuts2-ardeco/framework?limit=50",
    "/api/v1/datasets/nz-urban-industry/network",
    "/api/v1/datasets/us-state-industry/compare?regions=06&regions=48",
    "/api/v1/datasets/world-trade/network",  # the heaviest layout (14 s cold in issue 14)
    "/api/v1/datasets/au-sa3-industry/validation",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


async def user(
    client: httpx.AsyncClient,
    urls: list[str],
    seed: int,
    stop: float,
    out: list[tuple[str, float, int]],
    think: float,
) -> None:
    rng = random.Random(seed)
    order = urls[:]
    rng.shuffle(order)
    i = 0
    while time.monotonic() < stop:
        url = order[i % len(order)]
        i += 1
        t0 = time.perf_counter()
        try:
            r = await client.get(
                url,
                headers={
                    "accept": "text/html" if not url.startswith("/api") else "application/json"
                },
            )
            status = r.status_code
        except httpx.HTTPError:
            status = 0
        out.append((url, time.perf_counter() - t0, status))
        if think > 0:  # a person reads the page before the next click (locust's between())
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


async def run(base: str, users: int, seconds: float, think: float) -> dict:
    urls = PAGES + API
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        t0 = time.perf_counter()
        while any(
            j["state"] in ("queued", "running")  # the server's own warm-up at start
            for j in (await client.get("/api/v1/jobs")).json()["items"]
        ):
            await asyncio.sleep(1)
        started = round(time.perf_counter() - t0, 1)
        cold = {}
        for url in urls:  # warm-up: every URL once, until it answers (202: being computed)
            t0 = time.perf_counter()
            r = await client.get(url)
            accepted = r.status_code == 202
            while r.status_code == 202:
                await asyncio.sleep(float(r.headers.get("retry-after", 1)))
                r = await client.get(url)
            cold[url] = {
                "seconds": round(time.perf_counter() - t0, 3),
                "status": r.status_code,
                "answered_202_first": accepted,
            }
        out: list[tuple[str, float, int]] = []
        stop = time.monotonic() + seconds
        t0 = time.monotonic()
        await asyncio.gather(*(user(client, urls, s, stop, out, think) for s in range(users)))
        elapsed = time.monotonic() - t0
    latencies = [d for _, d, _ in out]
    errors = [(u, s) for u, _, s in out if s == 0 or s >= 400]
    pending = sum(s == 202 for _, _, s in out)
    per_url = {
        url: {
            "n": len(ds := [d for u, d, _ in out if u == url]),
            "p50_ms": round(1000 * percentile(ds, 50), 1),
            "p95_ms": round(1000 * percentile(ds, 95), 1),
        }
        for url in urls
    }
    return {
        "users": users,
        "think_s": think,
        "seconds": round(elapsed, 1),
        "requests": len(out),
        "errors": len(errors),
        "error_examples": errors[:5],
        "answered_202": pending,
        "waited_for_start_warmup_s": started,
        "rps": round(len(out) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1),
        "cold": cold,
        "per_url": per_url,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="http://127.0.0.1:8765")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user waits between answers (uniform 0.5x-1.5x; 0: none)",
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    host = urlparse(args.base).hostname or ""
    if host != "localhost" and not ip_address(host).is_loopback:
        raise SystemExit(f"refusing to load {host}: loopback addresses only")
    result = asyncio.run(run(args.base, args.users, args.seconds, args.think))
    print(
        f"{result['users']} users, {result['seconds']} s: {result['requests']} requests, "
        f"{result['errors']} errors, {result['rps']} req/s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
    )
    for url, s in result["per_url"].items():
        print(f"  {s['p50_ms']:>8} {s['p95_ms']:>8} ms  n={s['n']:<5} {url}")
    slow = sorted(result["cold"].items(), key=lambda kv: -kv[1]["seconds"])[:5]
    print("cold (first request):", ", ".join(f"{u} {c['seconds']} s" for u, c in slow))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
