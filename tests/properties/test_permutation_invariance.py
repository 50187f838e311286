"""Permuting the order of regions and of activities leaves every output unchanged, for every
presence rule, proximity measure and kNN setting (issue 13: kNN keeps ties, so no neighbour is
chosen by its position)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smartspec as ss
from smartspec import ActivityMatrix, SmartSpecWarning
from smartspec.core._steps import PRESENCE_METHODS, PROXIMITY_MEASURES

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw, presence: str):
    """Small whole-number panels (proximities tie often) with a population by region, and a
    shuffle of the regions and of the activities."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_p = draw(st.integers(1, 2))
    n_r = draw(st.integers(4, 9))
    n_a = draw(st.integers(4, 9))
    if presence == "manual":
        values = (rng.random((n_p, n_r, n_a)) < 0.45).astype(float)
    else:
        values = rng.integers(0, 6, (n_p, n_r, n_a)).astype(float)
        values *= rng.integers(1, 4, (1, n_r, 1))  # region sizes
    values[:, :, 0] += 1.0  # every region has a positive total
    values[:, 0, :] += 1.0  # every activity has a positive total
    if presence == "manual":
        values = np.minimum(values, 1.0)
    m = ActivityMatrix.from_dense(
        values,
        regions=[f"r{i}" for i in range(n_r)],
        activities=[f"a{j}" for j in range(n_a)],
        periods=list(range(2000, 2000 + n_p)),
    )
    population = pd.Series(rng.integers(1, 20, n_r).astype(float), index=m.regions)
    knn = draw(st.one_of(st.none(), st.integers(1, n_a)))
    regions = list(rng.permutation(m.regions))
    activities = list(rng.permutation(m.activities))
    return m, population, knn, regions, activities


def _analyse(m, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        return ss.analyse(m, **options)


def _unique_eci(ev) -> bool:
    """ECI is defined by the data alone: a clear spectral gap and a clear sign."""
    d = ev.diagnostics
    gaps = np.r_[d.eigenvalue_1 - d.eigenvalue_2, d.eigenvalue_2 - d.eigenvalue_3, d.eigenvalue_2]
    return bool(
        np.all(np.isfinite(gaps))
        and np.all(gaps > 1e-6)
        and np.all(np.abs(d.sign_correlation) > 1e-3)
    )


def _coi_spread(ev) -> bool:
    """The raw COI varies across regions by more than rounding (when every region's raw COI is
    the same up to rounding, z-scoring it standardises the rounding noise: a known limit)."""
    raw = ev._steps.coi_raw
    spread = np.nanstd(raw, axis=1)
    scale = np.nanmax(np.abs(raw), axis=1)
    return bool(np.all(np.isfinite(spread)) and np.all(spread > 1e-9 * np.maximum(scale, 1.0)))


def _same(a: pd.DataFrame, b: pd.DataFrame, key: list[str], columns: list[str]) -> None:
    a, b = a.set_index(key).sort_index(), b.set_index(key).sort_index()
    for col in columns:
        if col in ("presence", "diversity", "ubiquity"):
            np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy(), err_msg=col)
        else:
            np.testing.assert_allclose(
                a[col].to_numpy(),
                b[col].to_numpy(),
                rtol=1e-9,
                atol=1e-9,
                equal_nan=True,
                err_msg=col,
            )


@pytest.mark.parametrize("proximity", PROXIMITY_MEASURES)
@pytest.mark.parametrize("presence", PRESENCE_METHODS)
def test_every_output_is_invariant_to_the_order_of_regions_and_activities(presence, proximity):
    @SETTINGS
    @given(cases(presence))
    def check(case):
        m, population, knn, regions, activities = case
        options = {"presence": presence, "proximity": proximity, "knn": knn}
        if presence in ("rpop", "either", "both"):
            options["population"] = population
        a = _analyse(m, **options)
        b = _analyse(m.select(regions=regions, activities=activities), **options)
        cell_cols = ["value", "rca", "presence", "density"]
        if "rpop" in a.cells.columns:
            cell_cols.append("rpop")
        region_cols, activity_cols = ["diversity"], ["ubiquity"]
        if _unique_eci(a):
            cell_cols.append("cog")
            region_cols.append("eci")
            activity_cols.append("pci")
            if _coi_spread(a):
                region_cols.append("coi")
        _same(a.cells, b.cells, ["period", "region", "activity"], cell_cols)
        _same(a.regions, b.regions, ["period", "region"], region_cols)
        _same(a.activities, b.activities, ["period", "activity"], activity_cols)
        _same(a.proximity, b.proximity, ["period", "activity_from", "activity_to"], ["proximity"])

    check()


def test_the_old_position_rule_was_not_invariant():
    """The property above fails for kNN by position: a case where it matters (ties)."""
    m = ActivityMatrix.from_dense(
        [[1, 1, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1]],
        regions=["R1", "R2", "R3", "R4"],
        activities=["a", "b", "c", "d"],
    )
    phi = ss.proximity(m, presence="manual").loc["all"]
    col = phi["a"].drop("a")
    by_position = col.sort_values(ascending=False, kind="stable").head(2).index
    by_position_rev = col[::-1].sort_values(ascending=False, kind="stable").head(2).index
    assert set(by_position) != set(by_position_rev)  # the old rule depends on the order
    a = ss.relatedness_density(m, presence="manual", knn=2).loc["all"]
    b = ss.relatedness_density(
        m.select(activities=["d", "c", "b", "a"]), presence="manual", knn=2
    ).loc["all"]
    pd.testing.assert_frame_equal(a, b[a.columns])
