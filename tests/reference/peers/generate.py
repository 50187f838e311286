"""Regenerate the stored peer values: ``<case>.csv`` + ``<case>.provenance.json``.

Runs the peer packages ``ecomplexity`` 0.5.3 (Harvard Growth Lab, py-ecomplexity) and
``economic-complexity`` 0.3.0 (Datawheel, OEC) on real inputs and stores what they return, one
row per (period, region, activity), so that ``tests/reference/test_peers.py`` can check smartspec
against them even where the peer packages are not installed.

Usage (from the repository root, with the ``peers`` extra installed)::

    .venv/bin/python tests/reference/peers/generate.py

The module is also imported by ``test_peers.py`` for the inputs, the peer runners and the
tolerances, so every number is defined once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent
TRADE_SAMPLE = REFERENCE / "ecomplexity-stata" / "trade_data_sample.csv"
GLOBAL_EXPORTS = REFERENCE / "datawheel" / "global_exports.csv"

#: Columns stored for every case (NaN where the peer does not compute the quantity).
COLUMNS = [
    "period",
    "region",
    "activity",
    "rca",
    "presence",
    "diversity",
    "ubiquity",
    "density",
    "eci",
    "pci",
    "coi",
    "cog",
]

#: Tolerances (rtol, atol) per peer and column, used by the live and the stored comparisons.
#: ecomplexity agrees to rounding (~1e-14). The OEC reflections lose digits: the unnormalised
#: recursion converges to a constant and the informative part shrinks like lambda_2^9, so the
#: peer keeps ~1e-11 (trade sample, global exports) to ~5e-8 (NZ 2013) absolute accuracy after
#: z-scoring; smartspec z-scores after every step and keeps full precision.
TOLERANCE: dict[str, dict[str, tuple[float, float]]] = {
    "ecomplexity": {
        "rca": (1e-12, 0.0),
        "presence": (0.0, 0.0),
        "diversity": (0.0, 0.0),
        "ubiquity": (0.0, 0.0),
        "density": (1e-12, 1e-12),
        "eci": (1e-9, 1e-9),
        "pci": (1e-9, 1e-9),
        "coi": (1e-9, 1e-9),
        "cog": (1e-9, 1e-9),
    },
    "oec": {
        "rca": (1e-12, 0.0),
        "presence": (0.0, 0.0),
        "diversity": (0.0, 0.0),
        "ubiquity": (0.0, 0.0),
        "density": (1e-12, 1e-12),
        "eci": (1e-6, 1e-6),
        "pci": (1e-6, 1e-6),
        "cog": (1e-6, 1e-6),
    },
}

PEER_PACKAGES = {"ecomplexity": "ecomplexity", "oec": "economic-complexity"}
PEER_VERSIONS = {"ecomplexity": "0.5.3", "oec": "0.3.0"}

ECOMPLEXITY_CALL = (
    "ecomplexity.ecomplexity(data, {'time': 'period', 'loc': 'region', 'prod': 'activity', "
    "'val': 'value'}, check_logsupermodularity=False, verbose=False)"
)
OEC_CALL = (
    "per period: tbl = data.pivot_table(index='region', columns='activity', values='value', "
    "aggfunc='sum'); rca = economic_complexity.rca(tbl); eci, pci = "
    "economic_complexity.complexity(rca); density = economic_complexity.relatedness(rca); "
    "cog = economic_complexity.opportunity_gain(rca, pci=pci); presence = rca >= 1"
)


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Input:
    """A real input as a long table ``period, region, activity, value`` (labels as text)."""

    name: str
    data: pd.DataFrame
    source: str
    source_sha256: str | None

    @property
    def sha256(self) -> str:
        """sha256 of the canonical long table (CSV, sorted, values at full precision)."""
        return sha256_table(self.data)


def sha256_table(data: pd.DataFrame) -> str:
    d = data.sort_values(["period", "region", "activity"]).reset_index(drop=True)
    text = d.to_csv(index=False, float_format="%.17g", lineterminator="\n")
    return hashlib.sha256(text.encode()).hexdigest()


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _exact_floats(values: pd.Series) -> np.ndarray:
    """Numbers as the correctly rounded float64 of their text, whatever pandas' CSV parser.

    pandas 2's default C parser (``float_precision="high"``) can be one unit in the last place
    off, pandas 3's is exact; reading the column as text and converting with Python's ``float``
    gives the same bits on every pandas version, so the input checksum is stable.
    """
    return np.array([float(v) for v in values.astype(str).tolist()], dtype=np.float64)


def _long(
    df: pd.DataFrame, period: str | None, region: str, activity: str, value: str
) -> pd.DataFrame:
    """The canonical long table; ``period=None``: one period labelled ``"all"``."""
    out = pd.DataFrame(
        {
            "period": df[period].astype(str) if period is not None else "all",
            "region": df[region].astype(str),
            "activity": df[activity].astype(str),
            "value": _exact_floats(df[value]),
        }
    )
    return out.reset_index(drop=True)


def trade_sample() -> Input:
    """Growth Lab fixture: 10 European countries x 30 HS92 products x 1995-1996."""
    df = pd.read_csv(TRADE_SAMPLE, dtype={"export_val": str})
    return Input(
        "trade-sample",
        _long(df, "year", "origin", "hs92", "export_val"),
        "tests/reference/ecomplexity-stata/trade_data_sample.csv",
        _file_sha(TRADE_SAMPLE),
    )


def global_exports() -> Input:
    """OEC test input: 226 exporters x 21 HS sections (BACI, 2019-2021 summed); absent = 0."""
    df = pd.read_csv(GLOBAL_EXPORTS, dtype={"Trade Value": str})
    return Input(
        "global-exports",
        _long(df, None, "Country ID", "Section ID", "Trade Value"),
        "tests/reference/datawheel/global_exports.csv",
        _file_sha(GLOBAL_EXPORTS),
    )


NZ_PERIODS = (2013,)


def nz_urban_industry() -> Input | None:
    """Bundled NZ urban areas x industries (employment), census year 2013."""
    try:
        from smartspec.datasets import load
    except ImportError:
        return None
    try:
        m = load("nz-urban-industry").select(periods=list(NZ_PERIODS))
    except Exception:  # the dataset is not bundled (yet)
        return None
    data = m.to_long()
    data = _long(data, "period", "region", "activity", "value")
    return Input(
        "nz-urban-industry",
        data,
        'smartspec.datasets.load("nz-urban-industry").select(periods=[2013]).to_long()',
        None,
    )


INPUTS: dict[str, Callable[[], Input | None]] = {
    "trade-sample": trade_sample,
    "global-exports": global_exports,
    "nz-urban-industry": nz_urban_industry,
}


# ----------------------------------------------------------------------------- peers
def run_ecomplexity(data: pd.DataFrame, **options) -> pd.DataFrame:
    """py-ecomplexity on a long table; returns :data:`COLUMNS` (one row per cell)."""
    from ecomplexity import ecomplexity

    cols = {"time": "period", "loc": "region", "prod": "activity", "val": "value"}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(data, cols, check_logsupermodularity=False, verbose=False, **options)
    out = out.rename(columns={"mcp": "presence"})
    for col in ("period", "region", "activity"):
        out[col] = out[col].astype(str)
    return _tidy(out)


def run_oec(data: pd.DataFrame, *, cutoff: float = 1.0, iterations: int = 20) -> pd.DataFrame:
    """economic-complexity on each period of a long table; returns :data:`COLUMNS`."""
    import economic_complexity as ecx

    frames = []
    for period, d in data.groupby("period", sort=True):
        tbl = d.pivot_table(index="region", columns="activity", values="value", aggfunc="sum")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rca = ecx.rca(tbl)
            eci, pci = ecx.complexity(rca, cutoff=cutoff, iterations=iterations)
            density = ecx.relatedness(rca, cutoff=cutoff)
            cog = ecx.opportunity_gain(rca, pci=pci, cutoff=cutoff)
        presence = rca.ge(cutoff).astype(int)
        cells = (
            pd.DataFrame(
                {
                    "rca": rca.stack(),
                    "presence": presence.stack(),
                    "density": density.stack(),
                    "cog": cog.stack(),
                }
            )
            .rename_axis(["region", "activity"])
            .reset_index()
        )
        cells["period"] = str(period)
        cells["eci"] = cells["region"].map(eci)
        cells["pci"] = cells["activity"].map(pci)
        cells["diversity"] = cells["region"].map(presence.sum(axis=1))
        cells["ubiquity"] = cells["activity"].map(presence.sum(axis=0))
        cells["coi"] = np.nan  # the OEC package has no complexity outlook index
        frames.append(cells)
    return _tidy(pd.concat(frames, ignore_index=True))


def oec_proximity(data: pd.DataFrame) -> pd.DataFrame:
    """economic-complexity's proximity (one period): activity x activity."""
    import economic_complexity as ecx

    tbl = data.pivot_table(index="region", columns="activity", values="value", aggfunc="sum")
    return ecx.proximity(ecx.rca(tbl))


def _tidy(out: pd.DataFrame) -> pd.DataFrame:
    out = out[COLUMNS].copy()
    for col in ("region", "activity", "period"):
        out[col] = out[col].astype(str)
    for col in COLUMNS[3:]:
        out[col] = out[col].astype(np.float64)
    return out.sort_values(["period", "region", "activity"]).reset_index(drop=True)


PEERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "ecomplexity": run_ecomplexity,
    "oec": run_oec,
}

PEER_CALLS = {"ecomplexity": ECOMPLEXITY_CALL, "oec": OEC_CALL}

#: The smartspec profile that reproduces each peer.
PEER_PROFILE = {"ecomplexity": "ecomplexity", "oec": "oec"}

#: Stored cases: name -> (peer, input).
CASES: dict[str, tuple[str, str]] = {
    "ecomplexity-trade-sample": ("ecomplexity", "trade-sample"),
    "ecomplexity-global-exports": ("ecomplexity", "global-exports"),
    "ecomplexity-nz-urban-industry": ("ecomplexity", "nz-urban-industry"),
    "oec-trade-sample": ("oec", "trade-sample"),
    "oec-global-exports": ("oec", "global-exports"),
    "oec-nz-urban-industry": ("oec", "nz-urban-industry"),
}


# ----------------------------------------------------------------------------- smartspec
def run_smartspec(data: pd.DataFrame, profile, **options) -> pd.DataFrame:
    """smartspec's analyse() on a long table; returns :data:`COLUMNS`."""
    from smartspec import ActivityMatrix, analyse

    m = ActivityMatrix.from_long(
        data, region="region", activity="activity", value="value", period="period"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = analyse(m, profile=profile, **options)
    out = ev.cells.merge(ev.regions, on=["period", "region"]).merge(
        ev.activities, on=["period", "activity"]
    )
    return _tidy(out)


# ----------------------------------------------------------------------------- storage
def provenance(case: str, inp: Input, peer: str) -> dict:
    from smartspec.core.profiles import PROFILES

    prof = PROFILES[PEER_PROFILE[peer]]
    import importlib.metadata as md

    return {
        "kind": "peer",
        "case": case,
        "package": PEER_PACKAGES[peer],
        "version": md.version(PEER_PACKAGES[peer]),
        "call": PEER_CALLS[peer],
        "input": {
            "name": inp.name,
            "source": inp.source,
            "source_sha256": inp.source_sha256,
            "long_table_sha256": inp.sha256,
            "long_table": "columns period, region, activity, value as text/float64, sorted; "
            "sha256 of its CSV with float_format '%.17g'",
            "dropped": "nothing (absent cells are 0)",
        },
        "columns": COLUMNS,
        "tolerance": {k: {"rtol": v[0], "atol": v[1]} for k, v in TOLERANCE[peer].items()},
        "smartspec_profile": prof.name,
        "conventions": prof.to_dict(),
        "generated_by": "tests/reference/peers/generate.py",
        "environment": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
    }


def main() -> None:
    for peer in PEERS:
        want = PEER_VERSIONS[peer]
        import importlib.metadata as md

        have = md.version(PEER_PACKAGES[peer])
        if have != want:
            raise SystemExit(f"{PEER_PACKAGES[peer]} {have} installed, {want} expected")
    inputs: dict[str, Input | None] = {}
    for case, (peer, input_name) in CASES.items():
        if input_name not in inputs:
            inputs[input_name] = INPUTS[input_name]()
        inp = inputs[input_name]
        if inp is None:
            print(f"skip {case}: input {input_name} not available")
            continue
        out = PEERS[peer](inp.data)
        out.to_csv(HERE / f"{case}.csv", index=False, float_format="%.17g", lineterminator="\n")
        meta = provenance(case, inp, peer)
        meta["rows"] = len(out)
        (HERE / f"{case}.provenance.json").write_text(json.dumps(meta, indent=2) + "\n")
        print(f"wrote {case}: {len(out)} rows")


if __name__ == "__main__":
    main()
