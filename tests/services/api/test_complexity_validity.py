"""Complexity that means what it says, and no advice from missing data, through the API: the
complexity checks with the ECI-income correlation, the dataset defaults (presence by RPOP on
EU SBS), regions without data, complete periods, suppressed cells and small counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartspec.app import SmartSpecApp

SBS = "/api/v1/datasets/eu-nuts2-sbs"


@pytest.fixture(scope="module")
def sbs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("sbs"), datasets=["eu-nuts2-sbs", "eu-h2020-sdg"]
    )
    with app.client() as c:
        yield c
    app.close()


def test_sbs_default_complexity_correlates_positively_with_gdp_per_head(sbs: Any) -> None:
    body = sbs.get(f"{SBS}/complexity").json()
    assert body["presence"] == "rpop" and body["sign"] == "diversity"
    assert body["income_series"]["name"] == "gdp_per_head"
    assert len(body["periods"]) == 8
    for p in body["periods"]:
        assert p["meaningful"] and p["problems"] == []
        assert p["income"]["low"] > 0.4 and p["income"]["n"] > 150
    assert sbs.get(f"{SBS}").json()["defaults"] == {"presence": "rpop"}


def test_rca_presence_on_sbs_is_flagged_as_inverted(sbs: Any) -> None:
    body = sbs.get(f"{SBS}/complexity", params={"presence_rule": "rca"}).json()
    assert body["presence"] == "rca"
    for p in body["periods"]:
        assert "negative_income" in p["problems"] and not p["meaningful"]
        assert p["income"]["high"] < 0
    assert "negative_income" in body["problems"]  # the glossary of codes
    # the income anchor turns the same ranking around, and says so
    anchored = sbs.get(
        f"{SBS}/complexity", params={"presence_rule": "rca", "sign": "income"}
    ).json()
    assert anchored["sign"] == "income"
    assert all(p["income"]["rho"] > 0.4 for p in anchored["periods"])


def test_madrid_is_among_the_most_complex_regions_by_default(sbs: Any) -> None:
    doc = sbs.get(f"{SBS}/regions/ES30/profile", params={"period": 2014}).json()
    assert doc["eci_rank"] <= 20 < doc["n_ranked"]
    assert doc["settings"]["sign"] == "diversity"


def test_a_region_without_data_gets_no_recommendations(sbs: Any) -> None:
    doc = sbs.get(f"{SBS}/regions/ITF1/profile", params={"period": 2015}).json()
    assert doc["has_data"] is False
    assert doc["specialisations"] == [] and doc["opportunities"] == []
    assert any("no data for region ITF1 in period 2015" in w for w in doc["warnings"])
    fw = sbs.get(f"{SBS}/regions/ITF1/framework", params={"period": 2015}).json()
    assert fw["candidates"] == []


def test_incomplete_periods_are_marked(sbs: Any) -> None:
    items = {p["period"]: p for p in sbs.get(f"{SBS}/periods").json()["items"]}
    assert items[2015]["complete"] is False and items[2014]["complete"] is True
    doc = sbs.get(f"{SBS}/regions/ES51/profile", params={"period": 2015}).json()
    assert doc["complete_period"] is False


def test_suppressed_cells_are_never_opportunities(sbs: Any) -> None:
    cells = sbs.get(
        f"{SBS}/indicators/cells", params={"period": 2014, "region": "ES51", "limit": 100}
    ).json()["items"]
    suppressed = {c["activity"] for c in cells if c.get("missing")}
    assert suppressed  # Catalonia has confidential cells in 2014
    assert all(c["value"] is None and c["rca"] is None for c in cells if c.get("missing"))
    doc = sbs.get(f"{SBS}/regions/ES51/profile", params={"period": 2014, "top": 100}).json()
    offered = {o["activity"] for o in doc["opportunities"]}
    assert offered and not offered & suppressed
    assert all(
        (o["value"] or 0) > 0 or o["activity"] not in suppressed for o in doc["opportunities"]
    )
    assert 0 < doc["missing_share"] < 1


def test_small_counts_are_hidden_unless_asked(sbs: Any) -> None:
    url = "/api/v1/datasets/eu-h2020-sdg/regions/ES51/profile"
    shown = sbs.get(url, params={"period": 2021, "top": 50}).json()
    every = sbs.get(url, params={"period": 2021, "top": 50, "show_unreliable": "true"}).json()
    assert all(s["reliable"] for s in shown["specialisations"])
    assert shown["hidden"] > 0
    assert any(not s["reliable"] for s in every["specialisations"] + every["opportunities"])
    assert len(every["specialisations"]) + len(every["opportunities"]) == (
        len(shown["specialisations"]) + len(shown["opportunities"]) + shown["hidden"]
    )
    for s in every["specialisations"]:
        assert s["rca_low"] <= s["rca"] <= s["rca_high"]


def test_checks_of_the_small_datasets(client: Any) -> None:
    mx = client.get("/api/v1/datasets/mx-tamaulipas/complexity").json()
    assert mx["income_series"]["name"] == "va_per_worker"
    # the sign flips between censuses: every period is flagged, even one that passes
    assert not any(p["meaningful"] for p in mx["periods"])
    assert any(p["problems"] == ["inconsistent"] for p in mx["periods"])
    us = client.get("/api/v1/datasets/us-state-industry/complexity").json()
    assert us["periods"][0]["problems"] == ["no_income_link"]
    nz = client.get("/api/v1/datasets/nz-urban-industry/complexity").json()
    assert nz["income_series"] is None
    assert all(p["income"] is None for p in nz["periods"])


def test_options_that_need_a_series_the_dataset_lacks(client: Any) -> None:
    r = client.get("/api/v1/datasets/nz-urban-industry/complexity", params={"sign": "income"})
    assert r.status_code == 422 and "income series" in r.json()["error"]["message"]
    r = client.get(
        "/api/v1/datasets/us-state-industry/regions/06/profile", params={"presence_rule": "rpop"}
    )
    assert r.status_code == 422 and "population" in r.json()["error"]["message"]
    r = client.get("/api/v1/datasets/us-state-industry/complexity", params={"sign": "gdp"})
    assert r.status_code == 400  # not one of the declared values
    assert "income" in r.text


def test_an_upload_may_keep_empty_values_as_suppressed_cells(make_app: Any, as_role: Any) -> None:
    app = make_app(datasets=[])
    body = b"r,a,v\nA,x,1\nA,y,\nB,x,3\nB,y,2\nC,x,1\nC,y,5\n"
    with as_role(app, "editor") as c:
        form = {"region": "r", "activity": "a", "value": "v"}
        refused = c.post("/api/v1/datasets", files={"file": ("m.csv", body, "text/csv")}, data=form)
        assert refused.status_code == 422
        assert "missing='flag'" in refused.json()["error"]["fix"]
        assert c.get("/api/v1/datasets").json()["items"] == []  # nothing half-stored
        made = c.post(
            "/api/v1/datasets",
            files={"file": ("m.csv", body, "text/csv")},
            data={**form, "missing": "flag"},
        )
        assert made.status_code == 201, made.text
        doc = made.json()
        assert doc["n_missing"] == 1 and doc["mapping"]["missing"] == "flag"
        prof = c.get(f"/api/v1/datasets/{doc['id']}/regions/A/profile").json()
        assert prof["missing_share"] == 0.5
        assert "y" not in {o["activity"] for o in prof["opportunities"]}
