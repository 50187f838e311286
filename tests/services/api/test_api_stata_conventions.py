"""API options for Stata's conventions (issue 13): proximity=asymmetric, and the errors of bad
proximity or presence values (422, the API's error shape)."""

from __future__ import annotations

import numpy as np
import pytest

import smartspec as ss
from smartspec.datasets import load

US = "/api/v1/datasets/us-state-industry"


def test_proximity_asymmetric_reaches_the_analysis(client):
    r = client.get(f"{US}/measures/density", params={"proximity": "asymmetric", "limit": 5000})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["options"]["proximity"] == "asymmetric"
    want = ss.relatedness_density(load("us-state-industry"), proximity="asymmetric")
    got = {(i["period"], i["region"], i["activity"]): i["density"] for i in doc["items"]}
    for (p, reg, act), d in list(got.items())[:50]:
        expected = want.loc[(p, reg), act]
        assert d == (None if np.isnan(expected) else pytest.approx(expected))
    a = client.get(f"{US}/regions/06/profile", params={"proximity": "asymmetric"}).json()
    b = client.get(f"{US}/regions/06/profile").json()
    assert a["coi"] != b["coi"]


def test_bad_proximity_is_a_422_with_the_choices(client):
    r = client.get(f"{US}/regions/06/profile", params={"proximity": "asym"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["found"] == "'asym'" and "asymmetric" in err["expected"] and err["fix"]


def test_population_rules_need_a_population_the_api_cannot_give(client):
    for spelling in ("presence=either", "method=either"):  # method: the old name, kept
        r = client.get(f"{US}/measures/presence", params={"option": spelling, "limit": 1})
        assert r.status_code == 422
        assert "population" in r.json()["error"]["message"]
