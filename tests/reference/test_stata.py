"""The atlas profile against the Growth Lab's Stata output (golden reference).

Tolerances and the run settings of each file come from ``provenance.json`` beside the data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec import ActivityMatrix, analyse

HERE = Path(__file__).parent / "ecomplexity-stata"
PROVENANCE = json.loads((HERE / "provenance.json").read_text())
TOL = PROVENANCE["tolerance"]
KEYS = ["year", "origin", "hs92"]


def _input() -> ActivityMatrix:
    trade = pd.read_csv(HERE / "trade_data_sample.csv", dtype={"hs92": str})
    trade["export_val"] = trade["export_val"].astype(np.float32).astype(np.float64)
    return ActivityMatrix.from_long(
        trade, region="origin", activity="hs92", value="export_val", period="year"
    )


def _ours(ev) -> pd.DataFrame:
    cells = ev.cells.rename(columns={"period": "year", "region": "origin", "activity": "hs92"})
    regions = ev.regions.rename(columns={"period": "year", "region": "origin"})
    acts = ev.activities.rename(columns={"period": "year", "activity": "hs92"})
    out = cells.merge(regions, on=["year", "origin"]).merge(acts, on=["year", "hs92"])
    return out.rename(columns={"presence": "M"}).set_index(KEYS).sort_index()


def _compare(ours: pd.DataFrame, ref: pd.DataFrame, column: str) -> None:
    a = ours[column].reindex(ref.index).to_numpy(dtype=float)
    b = ref[column].to_numpy(dtype=float)
    tol = TOL[column]
    if tol.get("exact"):
        np.testing.assert_array_equal(a, b, err_msg=column)
    else:
        np.testing.assert_allclose(a, b, rtol=tol["rtol"], atol=1e-12, err_msg=column)


def test_inputs_are_the_recorded_files():
    for name, digest in PROVENANCE["input_sha256"].items():
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize(
    ("case", "threshold"),
    [("stata_ground_truth.csv", 1.0), ("stata_rca_05.csv", 0.5)],
    ids=["default", "rca-0.5"],
)
def test_full_pipeline_matches_stata(case, threshold):
    ref = pd.read_csv(HERE / case, dtype={"hs92": str}).set_index(KEYS).sort_index()
    ev = analyse(_input(), profile="atlas", threshold=threshold)
    ours = _ours(ev)
    for column in ["rca", "M", "diversity", "ubiquity", "density", "eci", "pci", "coi", "cog"]:
        _compare(ours, ref, column)


def test_single_year_is_computed_alone():
    ref = pd.read_csv(HERE / "stata_single_year_1995.csv", dtype={"hs92": str})
    ref = ref.set_index(KEYS).sort_index()
    m = _input().select(periods=[1995])
    ours = _ours(analyse(m))
    for column in ["rca", "M", "density", "eci", "pci", "coi", "cog"]:
        _compare(ours, ref, column)


def test_manual_presence_gives_the_default_results():
    mcp = pd.read_csv(HERE / "manual_mcp_sample.csv", dtype={"hs92": str})
    m = ActivityMatrix.from_long(mcp, region="origin", activity="hs92", value="mcp", period="year")
    ref = pd.read_csv(HERE / "stata_manual_mcp.csv", dtype={"hs92": str})
    ref = ref.rename(columns={"binary_presence": "M"}).set_index(KEYS).sort_index()
    ours = _ours(analyse(m, presence="manual"))
    for column in ["M", "diversity", "ubiquity", "density", "eci", "pci", "coi", "cog"]:
        _compare(ours, ref, column)


def test_proximity_matches_genproximity():
    codes = {"hs92_1": str, "hs92_2": str}
    ref = pd.read_csv(HERE / "stata_proximity_discrete_sym.csv", dtype=codes)
    ref["year"] = np.repeat([1995, 1996], 900)
    ref = ref.set_index(["year", "hs92_1", "hs92_2"]).sort_index()
    prox = analyse(_input()).proximity.set_index(["period", "activity_from", "activity_to"])
    ours = prox["proximity"].reindex(ref.index).to_numpy()
    np.testing.assert_allclose(ours, ref["proximity"].to_numpy(), rtol=TOL["proximity"]["rtol"])
