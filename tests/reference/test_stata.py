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


# ------------------------------------------------------------------ issue 13: Stata's options
# No Stata run with knn(), asym or rpop() is stored: these tests combine the stored Stata
# outputs (presence, genproximity) with the rules of Stata's source (calculate_density.ado,
# proxdiscrete.ado, ecomplexity.ado), read in github.com/cid-harvard/ecomplexity.
def _stata_proximity() -> pd.DataFrame:
    codes = {"hs92_1": str, "hs92_2": str}
    ref = pd.read_csv(HERE / "stata_proximity_discrete_sym.csv", dtype=codes)
    ref["year"] = np.repeat([1995, 1996], 900)
    return ref


@pytest.mark.parametrize("k", [1, 3, 5, 10])
def test_knn_density_follows_stata_on_its_proximity(k):
    """calculate_density.ado: in each column i, keep proximity[., i] where it is >= the k-th
    value of the column sorted in descending order (ties included), then density = M W / colsum.
    Computed here from Stata's own presence and proximity."""
    ref = pd.read_csv(HERE / "stata_ground_truth.csv", dtype={"hs92": str})
    prox = _stata_proximity()
    ev = analyse(_input(), knn=k)
    ours = ev.cells.set_index(["period", "region", "activity"])["density"]
    ties = 0
    for year in (1995, 1996):
        phi = prox[prox.year == year].pivot(index="hs92_1", columns="hs92_2", values="proximity")
        M = ref[ref.year == year].pivot(index="origin", columns="hs92", values="M")[phi.index]
        W = np.zeros_like(phi.to_numpy())
        for i in range(W.shape[1]):
            col = phi.to_numpy()[:, i]
            kth = np.sort(col)[::-1][k - 1]
            W[:, i] = np.where(col >= kth, col, 0.0)
            ties += int((col >= kth).sum() > k)
        expected = (M.to_numpy() @ W) / W.sum(axis=0)
        got = ours.loc[year].unstack()[phi.index].reindex(M.index).to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=f"{year}, k={k}")
    if k in (1, 3):
        assert ties > 0  # the sample has ties at the k-th proximity: the rule is exercised


def test_asymmetric_proximity_is_the_conditional_whose_minimum_is_genproximity():
    """proxdiscrete.ado: P1 = C :/ (J(A, R, 1) M), i.e. C_ij / k_j; asym returns P1 - I and the
    symmetric default (P1 + P2 - |P1 - P2|) / 2 - I = min(P1, P1') - I."""
    ref = _stata_proximity().set_index(["year", "hs92_1", "hs92_2"]).sort_index()
    ev = analyse(_input(), proximity="asymmetric")
    asym = ev.proximity.set_index(["period", "activity_from", "activity_to"])["proximity"]
    ubiq = ev.activities.set_index(["period", "activity"])["ubiquity"]
    for year in (1995, 1996):
        P1 = asym.loc[year].unstack()
        k = ubiq.loc[year].reindex(P1.columns).to_numpy()
        C = P1.to_numpy() * k[None, :]  # C_ij = P1_ij k_j: whole co-occurrence counts
        off = ~np.eye(len(k), dtype=bool)
        np.testing.assert_allclose(C[off], np.round(C[off]), atol=1e-12)
        sym = np.minimum(P1.to_numpy(), P1.to_numpy().T)
        want = ref.loc[year]["proximity"].unstack().reindex(index=P1.index, columns=P1.columns)
        np.testing.assert_allclose(sym, want.to_numpy(), rtol=TOL["proximity"]["rtol"])
        assert not np.allclose(P1.to_numpy(), P1.to_numpy().T)  # really asymmetric


@pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")
def test_either_presence_on_the_reference_population():
    """ecomplexity.ado with rca() and rpop(): M = (RCA > rca) + (RPOP > rpop) > 0 ("either",
    help ecomplexity); populations of the sample differ by year and are used per year."""
    from smartspec.io import read_population

    pop = read_population(
        HERE / "population_data_sample.csv", region="origin", value="population", period="year"
    )
    m = _input()
    either = analyse(m, presence="either", population=pop).cells
    both = analyse(m, presence="both", population=pop).cells
    X = m.to_dense()
    rca_m = X / X.sum(2, keepdims=True) / (X.sum(1, keepdims=True) / X.sum((1, 2), keepdims=True))
    P = np.stack([pop.loc[y].reindex(m.regions).to_numpy() for y in m.periods])[:, :, None]
    with np.errstate(invalid="ignore"):
        rpop_m = (X / P) / (X.sum(1, keepdims=True) / np.nansum(P, axis=1, keepdims=True))
        want_either = (rca_m > 1) | (rpop_m > 1)
        want_both = (rca_m > 1) & (rpop_m > 1)
    np.testing.assert_allclose(either["rpop"].to_numpy(), rpop_m.reshape(-1), rtol=1e-12)
    np.testing.assert_array_equal(either["presence"].to_numpy(), want_either.reshape(-1))
    np.testing.assert_array_equal(both["presence"].to_numpy(), want_both.reshape(-1))
    rca_only = analyse(m).cells["presence"].to_numpy()
    assert (either["presence"].to_numpy() != rca_only).sum() > 0  # RPOP adds presence here
    # blx has no population: it keeps its RCA test (Stata drops the country; see conventions)
    blx = either[either.region == "blx"]
    np.testing.assert_array_equal(
        blx["presence"].to_numpy(), rca_only[(either.region == "blx").to_numpy()]
    )
