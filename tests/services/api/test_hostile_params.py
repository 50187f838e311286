"""Hostile parameters are refused before any work is done (issue: one GET could kill the server)."""

from __future__ import annotations

import tracemalloc

import pytest

from smartspec.core.dynamics import transitions
from smartspec.core.errors import ValidationError
from smartspec.datasets import load


def test_huge_persistence_is_refused_before_allocating():
    """The bound was checked after building ``range(p1, p1 + persistence + 1)`` as a list."""
    m = load("au-sa3-industry")
    tracemalloc.start()
    with pytest.raises(ValidationError, match="persistence") as err:
        transitions(m, start=m.periods[0], end=m.periods[1], persistence=10**7)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MiB allocated before refusing"
    assert "np." not in str(err.value)  # plain values in messages, not np.int64(2016)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("persistence=1234171714", "persistence"),
        ("n_boot=501", "n_boot"),
        ("horizon=100000", "horizon"),
        ("k=0", "k"),
        ("k=" + "&k=".join(["5"] * 50), "k"),
        ("seed=99999999999999", "seed"),
        ("knn=10000000", "knn"),
        ("threshold=1e300", "threshold"),
    ],
)
def test_validation_parameters_are_bounded(client, query, name):
    r = client.get(f"/api/v1/datasets/nz-urban-industry/validation?{query}")
    assert r.status_code == 400, r.text
    assert name in r.json()["error"]["where"]


@pytest.mark.parametrize("path", ["regions", "activities", "indicators/cells"])
def test_page_size_is_bounded(client, path):
    r = client.get(f"/api/v1/datasets/nz-urban-industry/{path}?limit=10001")
    assert r.status_code == 400
    assert "limit" in r.json()["error"]["where"]
    r = client.get(f"/api/v1/datasets/nz-urban-industry/{path}?offset=10000000000000")
    assert r.status_code == 400


def test_times_carry_their_zone(client):
    created = client.get("/api/v1/datasets/nz-urban-industry").json()["created_at"]
    assert created.endswith(("Z", "+00:00")), created


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Jobs\x00", "control character"),
        ("title", "x" * 100_000, "too long"),
        ("licence", "CC\x07BY", "control character"),
        ("region", "geo\x00", "control character"),
    ],
)
def test_hostile_form_fields_are_refused_and_nothing_is_stored(
    make_app, as_role, field, value, message
):
    app = make_app()
    client = as_role(app)
    form = {"region": "geo", "activity": "sector", "value": "jobs", field: value}
    r = client.post(
        "/api/v1/datasets",
        data=form,
        files={"file": ("j.csv", b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n")},
    )
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]["message"] and field in r.json()["error"]["where"]
    assert app.store.list_datasets("uploaded") == []
