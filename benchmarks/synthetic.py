"""Seeded generator of realistic synthetic region x activity x period panels.

The panel follows the capabilities model of Hidalgo & Hausmann (2009), so that relatedness and
complexity are real and not noise:

* ``K`` latent capabilities. Each activity requires each capability with its own probability
  (drawn from a Beta distribution), so activities differ in how many capabilities they need,
  which gives heterogeneous ubiquity (few regions can do the demanding ones).
* Regions have heavy-tailed sizes (log-normal, sigma 1.5: a few metropolitan regions hold much of
  the total) and hold each capability with a probability that grows with their size.
* A region is active in an activity with probability ``exp(-lambda * missing)``, ``missing`` being
  the number of required capabilities it lacks: activities that need the same capabilities
  co-occur (proximity), and regions with more capabilities do more, and more demanding, things
  (diversity, ECI).
* Values are Poisson counts around ``size_r x scale_a x noise`` (employment-like; small regions
  have many zeros). Between periods regions gain or lose a few capabilities and the noise is
  persistent (AR(1)), so periods are similar but not identical.

``generate(R, A, P, seed)`` returns the long table of the non-zero cells (``period, region,
activity, value``; region and activity categorical); ``write(scale, path)`` writes it to Parquet,
one row group per period, without holding more than one period's dense block in memory.

Scales: S = 300 x 130 x 1, M = 300 x 650 x 10, L = 3,000 x 1,000 x 10, XL = 250 x 5,000 x 30.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

SCALES: dict[str, tuple[int, int, int]] = {
    "S": (300, 130, 1),
    "M": (300, 650, 10),
    "L": (3000, 1000, 10),
    "XL": (250, 5000, 30),
}

CACHE = Path(__file__).resolve().parent / ".cache"


def _labels(prefix: str, n: int) -> pd.Index:
    width = len(str(n - 1))
    return pd.Index([f"{prefix}{i:0{width}d}" for i in range(n)])


def periods(
    n_regions: int,
    n_activities: int,
    n_periods: int,
    *,
    seed: int = 0,
    n_capabilities: int = 24,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(year, values)`` for each period, ``values`` a dense (regions, activities) block."""
    rng = np.random.default_rng(seed)
    R, A, K = n_regions, n_activities, n_capabilities
    log_size = rng.normal(0.0, 1.5, R)
    size = np.exp(log_size)
    # capability holding: bigger regions hold more capabilities
    level = 1.0 / (1.0 + np.exp(-(0.9 * (log_size - log_size.mean()) + rng.normal(0, 0.6, R))))
    p_hold = 0.15 + 0.8 * level
    caps = rng.random((R, K)) < p_hold[:, None]
    # requirements: heterogeneous demands per activity
    demand = rng.beta(1.2, 5.0, A)
    req = (rng.random((A, K)) < demand[:, None]).astype(np.float32)
    scale = np.exp(rng.normal(0.0, 1.0, A))
    lam = 0.9
    total_per_period = 40.0 * R * A**0.5  # keeps typical cells in the tens
    noise = rng.normal(0.0, 0.5, (R, A)).astype(np.float32)
    for p in range(n_periods):
        if p:
            gain = (rng.random((R, K)) < 0.03 * p_hold[:, None]) & ~caps
            lose = (rng.random((R, K)) < 0.01) & caps
            caps = (caps | gain) & ~lose
            size *= np.exp(rng.normal(0.01, 0.03, R))
            noise *= 0.8
            noise += rng.normal(0.0, 0.3, (R, A)).astype(np.float32)
        missing = (~caps).astype(np.float32) @ req.T  # (R, A) capabilities lacking
        active = rng.random((R, A), dtype=np.float32) < np.exp(-lam * missing)
        mean = np.outer(size, scale).astype(np.float32)
        mean *= np.float32(total_per_period / mean.sum())
        mean *= np.exp(noise)
        mean *= active
        yield 2000 + p, rng.poisson(mean).astype(np.float64)


def generate(n_regions: int, n_activities: int, n_periods: int, *, seed: int = 0) -> pd.DataFrame:
    """The long table of non-zero cells: ``period, region, activity, value``."""
    return pd.concat(
        list(_frames(n_regions, n_activities, n_periods, seed=seed)), ignore_index=True
    )


def _frames(R: int, A: int, P: int, *, seed: int) -> Iterator[pd.DataFrame]:
    regions = pd.CategoricalDtype(_labels("R", R))
    activities = pd.CategoricalDtype(_labels("A", A))
    for year, values in periods(R, A, P, seed=seed):
        r, a = np.nonzero(values)
        yield pd.DataFrame(
            {
                "period": np.full(len(r), year, dtype=np.int64),
                "region": pd.Categorical.from_codes(r, dtype=regions),
                "activity": pd.Categorical.from_codes(a, dtype=activities),
                "value": values[r, a],
            }
        )


def write(scale: str, path: Path | None = None, *, seed: int = 0) -> Path:
    """Write a scale's panel to Parquet (cached: an existing file is reused)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    R, A, P = SCALES[scale]
    path = path or CACHE / f"{scale}-seed{seed}.parquet"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = None
    for frame in _frames(R, A, P, seed=seed):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    tmp.replace(path)
    return path


def describe(df: pd.DataFrame) -> dict[str, float]:
    """Shape statistics of a generated panel (for the record)."""
    P = df["period"].nunique()
    R = len(df["region"].cat.categories)
    A = len(df["activity"].cat.categories)
    last = df[df["period"] == df["period"].max()]
    region_tot = last.groupby("region", observed=False)["value"].sum()
    top = region_tot.sort_values(ascending=False)
    return {
        "rows": len(df),
        "nonzero_share": len(df) / (P * R * A),
        "top_1pct_regions_share": float(top.iloc[: max(1, R // 100)].sum() / top.sum()),
        "activities_in_half_of_regions": float(
            (last.groupby("activity", observed=False).size() > R / 2).mean()
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="write synthetic panels to benchmarks/.cache")
    ap.add_argument("--scales", nargs="+", default=list(SCALES), choices=list(SCALES))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    for s in args.scales:
        path = write(s, seed=args.seed)
        df = pd.read_parquet(path)
        print(s, path, describe(df))


if __name__ == "__main__":
    main()
