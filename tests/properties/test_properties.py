"""Invariants that hold for any input (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import smartspec as ss
from smartspec import ActivityMatrix, SmartSpecWarning

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw, min_side=3, max_side=9, periods=(1, 3)):
    n_p = draw(st.integers(*periods))
    n_r = draw(st.integers(min_side, max_side))
    n_a = draw(st.integers(min_side, max_side))
    values = draw(
        arrays(
            np.float64,
            (n_p, n_r, n_a),
            elements=st.one_of(st.just(0.0), st.floats(0.5, 1e6, allow_nan=False)),
        )
    )
    return ActivityMatrix.from_dense(
        values,
        regions=[f"r{i}" for i in range(n_r)],
        activities=[f"a{j}" for j in range(n_a)],
        periods=list(range(2000, 2000 + n_p)),
    )


@st.composite
def panels(draw):
    """Realistic panels: heavy-tailed region sizes and activity sizes, some zeros."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_p = draw(st.integers(1, 3))
    n_r = draw(st.integers(6, 14))
    n_a = draw(st.integers(5, 12))
    rng = np.random.default_rng(seed)
    size_r = rng.pareto(1.5, n_r) + 1
    size_a = rng.pareto(1.5, n_a) + 1
    values = rng.gamma(0.6, 1.0, (n_p, n_r, n_a)) * size_r[None, :, None] * size_a[None, None, :]
    values[rng.random(values.shape) < 0.15] = 0.0
    return ActivityMatrix.from_dense(
        values * 100,
        regions=[f"r{i}" for i in range(n_r)],
        activities=[f"a{j}" for j in range(n_a)],
        periods=list(range(2000, 2000 + n_p)),
    )


def no_ties(m: ActivityMatrix) -> bool:
    """No RCA within rounding of the threshold, where presence legitimately flips."""
    r = ss.rca(m).to_numpy()
    return not np.any(np.abs(r[np.isfinite(r)] - 1.0) < 1e-9)


def well_defined(m: ActivityMatrix) -> bool:
    """ECI is unique: no repeated leading eigenvalue, a clear spectral gap, lambda_2 > 0."""
    d = quiet(ss.complexity, m).diagnostics
    gaps = np.r_[d.eigenvalue_1 - d.eigenvalue_2, d.eigenvalue_2 - d.eigenvalue_3, d.eigenvalue_2]
    if not (np.all(np.isfinite(gaps)) and np.all(gaps > 1e-6)):
        return False
    ev = quiet(ss.analyse, m)
    for _, grp in ev.regions.dropna().groupby("period"):
        # the sign rule needs ECI to correlate with diversity one way or the other
        if grp.diversity.std() == 0 or abs(np.corrcoef(grp.eci, grp.diversity)[0, 1]) < 1e-3:
            return False
    return True


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmartSpecWarning)
        return fn(*args, **kwargs)


@SETTINGS
@given(matrices(), st.floats(0.01, 1e4))
def test_rca_and_eci_are_scale_invariant(m, c):
    assume(no_ties(m))
    scaled = ActivityMatrix.from_dense(
        m.to_dense() * c, regions=m.regions, activities=m.activities, periods=m.periods
    )
    a, b = quiet(ss.analyse, m), quiet(ss.analyse, scaled)
    np.testing.assert_allclose(a.cells.rca, b.cells.rca, rtol=1e-9, equal_nan=True)
    np.testing.assert_array_equal(a.cells.presence, b.cells.presence)
    np.testing.assert_allclose(a.regions.eci, b.regions.eci, rtol=1e-6, atol=1e-8, equal_nan=True)


@SETTINGS
@given(panels(), st.randoms(use_true_random=False))
def test_results_permute_with_the_labels(m, rnd):
    assume(no_ties(m) and well_defined(m))
    regions = list(m.regions)
    activities = list(m.activities)
    rnd.shuffle(regions)
    rnd.shuffle(activities)
    shuffled = m.select(regions=regions, activities=activities)
    a, b = quiet(ss.analyse, m), quiet(ss.analyse, shuffled)
    key = ["period", "region", "activity"]
    ca = a.cells.set_index(key).sort_index()
    cb = b.cells.set_index(key).sort_index()
    for col in ["rca", "presence", "density", "cog"]:
        np.testing.assert_allclose(ca[col], cb[col], rtol=1e-9, atol=1e-9, equal_nan=True)
    ra = a.regions.set_index(["period", "region"]).sort_index()
    rb = b.regions.set_index(["period", "region"]).sort_index()
    np.testing.assert_allclose(ra.eci, rb.eci, rtol=1e-6, atol=1e-8, equal_nan=True)


@SETTINGS
@given(matrices())
def test_long_object_long_round_trip(m):
    long = m.to_long()
    back = (
        ActivityMatrix.from_long(
            long, region="region", activity="activity", value="value", period="period"
        )
        if long.region.nunique() > 1 and long.activity.nunique() > 1
        else None
    )
    if back is not None:
        pd.testing.assert_frame_equal(back.to_long(), long)
    full = m.to_long(zeros=True)
    again = ActivityMatrix.from_long(
        full, region="region", activity="activity", value="value", period="period"
    )
    assert again.equals(m)


@SETTINGS
@given(matrices(), st.one_of(st.none(), st.integers(1, 5)))
def test_density_within_bounds(m, knn):
    d = quiet(ss.relatedness_density, m, knn=knn).to_numpy()
    finite = d[np.isfinite(d)]
    assert ((finite >= -1e-12) & (finite <= 1 + 1e-12)).all()


@SETTINGS
@given(panels())
def test_eci_is_the_mean_pci_of_a_regions_activities(m):
    assume(well_defined(m))
    ev = quiet(ss.analyse, m)
    cells = ev.cells.merge(ev.activities, on=["period", "activity"])
    mean_pci = cells[cells.presence == 1].groupby(["period", "region"]).pci.mean()
    eci = ev.regions.set_index(["period", "region"]).eci.dropna()
    if len(eci):
        # only regions whose activities all have a PCI
        common = eci.index.intersection(mean_pci.dropna().index)
        np.testing.assert_allclose(eci[common], mean_pci[common], rtol=1e-6, atol=1e-7)


@SETTINGS
@given(matrices(min_side=4))
def test_standardised_eci_has_mean_zero(m):
    ev = quiet(ss.analyse, m)
    for _, grp in ev.regions.groupby("period"):
        eci = grp.eci.dropna()
        if len(eci) > 2 and np.isfinite(eci).all():
            assert abs(eci.mean()) < 1e-8


@SETTINGS
@given(matrices())
def test_every_cell_region_and_activity_is_in_the_output(m):
    ev = quiet(ss.analyse, m)
    P, R, A = m.shape
    assert len(ev.cells) == P * R * A
    assert len(ev.regions) == P * R
    assert len(ev.activities) == P * A
    assert len(ev.proximity) == P * A * A
