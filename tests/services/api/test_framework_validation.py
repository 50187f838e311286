"""The evidence-in-depth endpoints: the smart-specialisation framework, backtests (validation),
the indicator catalogue and any indicator as a long table (measures), with their error paths."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from smartspec.core.framework import QUADRANTS, framework
from smartspec.core.validation import backtest
from smartspec.datasets import load

NZ = "/api/v1/datasets/nz-urban-industry"
MX = "/api/v1/datasets/mx-tamaulipas"
US = "/api/v1/datasets/us-state-industry"


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text[:500]
    body = r.json()["error"]
    assert body["status"] == status and body["message"]
    return body


# ---------------------------------------------------------------------------- framework
def test_framework_region_view_is_paginated_and_matches_the_library(client):
    r = client.get(f"{NZ}/framework", params={"period": 2013, "limit": 5, "offset": 2})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["table"] == "framework" and doc["total"] == 143
    assert doc["limit"] == 5 and doc["offset"] == 2 and len(doc["items"]) == 5
    assert doc["settings"]["density_cutoff"] == "mean" and doc["settings"]["scope"] == "region"
    for col in (
        "region_name",
        "candidates",
        *(f"n_{q}" for q in QUADRANTS),
        "mean_density",
        "density_cutoff",
        "complexity_cutoff",
    ):
        assert col in doc["columns"]
    fw = framework(load("nz-urban-industry"))
    expected = fw.regions[fw.regions["period"] == 2013].iloc[2:7]
    got = pd.DataFrame(doc["items"])
    assert got["region"].tolist() == expected["region"].tolist()
    assert got["candidates"].tolist() == expected["candidates"].tolist()
    row = doc["items"][0]
    assert row["candidates"] == sum(row[f"n_{q}"] for q in QUADRANTS)


def test_framework_region_view_filters_sorts_and_downloads(client):
    r = client.get(f"{NZ}/framework", params={"region": ["Wellington", "001"], "sort": "candidates",
                                              "order": "desc"})  # fmt: skip
    items = r.json()["items"]
    assert {i["region"] for i in items} == {"020", "001"} and len(items) == 16  # 8 periods
    assert [i["candidates"] for i in items] == sorted((i["candidates"] for i in items),
                                                      reverse=True)  # fmt: skip
    f = client.get(f"{NZ}/framework", params={"period": 2013, "format": "csv"})
    assert f.status_code == 200 and "attachment" in f.headers["content-disposition"]
    frame = pd.read_csv(io.StringIO(f.text))
    assert len(frame) == 143 and "region_name" in frame.columns


def test_region_framework_candidates_quadrants_and_cutoffs(client):
    r = client.get(f"{NZ}/regions/Wellington/framework", params={"period": 2013})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["region"] == "020" and doc["region_name"] == "Wellington Zone"
    assert doc["period"] == 2013
    assert [q["quadrant"] for q in doc["quadrants"]] == list(QUADRANTS)
    assert sum(doc["counts"].values()) == doc["total"] == len(doc["candidates"])
    first = doc["candidates"][0]
    assert first["quadrant"] == "high_density_high_complexity" and first["activity_name"]
    # the cut-offs are the means of the region's own candidates (Balland et al.'s default)
    cands = pd.DataFrame(doc["candidates"])
    assert doc["cutoffs"]["density"] == pytest.approx(cands["density"].mean())
    assert doc["cutoffs"]["complexity"] == pytest.approx(cands["complexity"].mean())
    high = cands["density"] >= doc["cutoffs"]["density"]
    assert (cands.loc[high, "quadrant"].str.startswith("high_density")).all()
    # median cut-offs, a fixed complexity cut-off, one quadrant only
    r = client.get(f"{NZ}/regions/020/framework", params={
        "period": 2013, "density_cutoff": "median", "complexity_cutoff": "0",
        "quadrant": "low_density_high_complexity"})  # fmt: skip
    doc2 = r.json()
    assert doc2["settings"]["density_cutoff"] == "median"
    assert doc2["cutoffs"]["complexity"] == 0.0
    assert doc2["cutoffs"]["density"] == pytest.approx(cands["density"].median())
    assert {c["quadrant"] for c in doc2["candidates"]} <= {"low_density_high_complexity"}
    assert len(doc2["candidates"]) == doc2["counts"]["low_density_high_complexity"]
    # the period scope: one yardstick for every region
    a = client.get(f"{NZ}/regions/020/framework", params={"scope": "period"}).json()
    b = client.get(f"{NZ}/regions/001/framework", params={"scope": "period"}).json()
    assert a["cutoffs"] == b["cutoffs"]


def test_framework_errors(client):
    body = error_of(client.get(f"{NZ}/framework", params={"density_cutoff": "high"}), 400)
    assert body["where"] == "query parameter 'density_cutoff'" and "median" in body["expected"]
    error_of(client.get(f"{NZ}/framework", params={"complexity_cutoff": "nan"}), 400)
    error_of(client.get(f"{NZ}/framework", params={"scope": "world"}), 400)
    error_of(client.get(f"{NZ}/framework", params={"sort": "nope"}), 400)
    error_of(client.get(f"{NZ}/framework", params={"period": 1900}), 404)
    error_of(client.get(f"{NZ}/regions/Nowhere/framework"), 404)
    error_of(client.get(f"{NZ}/regions/020/framework", params={"quadrant": "best"}), 400)
    error_of(client.get("/api/v1/datasets/nope/framework"), 404)


# ---------------------------------------------------------------------------- validation
def test_validation_summary_metrics_and_curves(client):
    params = {"base": 2003, "end": 2023, "score": ["density", "cog"], "k": 10, "n_boot": 30,
              "seed": 1}  # fmt: skip
    r = client.get(f"{MX}/validation", params=params)
    assert r.status_code == 200, r.text
    doc = r.json()
    s = doc["summary"]
    assert (s["base"], s["end"], s["n_boot"]) == (2003, 2023, 30)
    assert 0 < s["entries"] < s["at_risk"]
    metrics = {m["score"]: m for m in doc["metrics"]}
    assert list(metrics) == ["density", "cog", "ubiquity", "random"]
    assert metrics["random"]["kind"] == "baseline" and metrics["density"]["kind"] == "score"
    d = metrics["density"]
    assert d["roc_auc_low"] <= d["roc_auc"] <= d["roc_auc_high"]
    assert "precision_at_10" in doc["columns"] and "region_precision_at_10" in doc["columns"]
    assert {(c["score"], c["curve"]) for c in doc["curves"]} >= {("density", "roc"),
                                                                ("density", "pr")}  # fmt: skip
    # the engine's numbers
    bt = backtest(load("mx-tamaulipas"), base=2003, end=2023, k=(10,), n_boot=30, seed=1)
    assert d["roc_auc"] == pytest.approx(bt.metrics.iloc[0]["roc_auc"])
    assert d["roc_auc_high"] == pytest.approx(bt.metrics.iloc[0]["roc_auc_high"])


def test_validation_is_cached_and_downloads(client, shared_app):
    def jobs() -> int:
        return sum(
            j.kind == "backtest" and j.dataset == "mx-tamaulipas" for j in shared_app.jobs.all()
        )

    before = jobs()
    params = {"base": 2008, "horizon": 2, "n_boot": 20, "seed": 7}
    first = client.get(f"{MX}/validation", params=params).json()
    again = client.get(f"{MX}/validation", params=params).json()
    assert first == again and first["summary"]["end"] == 2018
    csv = client.get(f"{MX}/validation", params={**params, "format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("score,kind")
    curves = client.get(f"{MX}/validation", params={**params, "format": "csv", "table": "curves"})
    assert curves.text.startswith("score,curve,x,y")
    pairs = client.get(f"{MX}/validation", params={**params, "format": "csv", "table": "pairs"})
    assert "region_name" in pairs.text.splitlines()[0]
    assert jobs() == before + 1  # computed once, for the JSON and every table


@pytest.mark.parametrize(
    ("url", "params", "where"),
    [
        (US, {}, "dataset 'us-state-industry'"),  # one period
        (MX, {"base": 1999}, "query parameter 'base'"),
        (MX, {"end": "later"}, "query parameter 'end'"),
        (MX, {"base": 2013, "end": 2008}, "query parameters 'base' and 'end'"),
        (MX, {"base": 2023}, "query parameters 'base' and 'horizon'"),
        (MX, {"n_boot": 501}, "query parameter 'n_boot'"),
        (MX, {"score": "magic"}, "query parameter 'score'"),
        (MX, {"k": 0}, "query parameter 'k.0'"),
    ],
)
def test_validation_errors_are_400_with_the_reason(client, url, params, where):
    body = error_of(client.get(f"{url}/validation", params=params), 400)
    assert body["where"] == where
    if url == US:
        assert "at least two periods" in body["message"]


def test_validation_unknown_dataset_and_bad_types(client):
    error_of(client.get("/api/v1/datasets/nope/validation"), 404)
    error_of(client.get(f"{MX}/validation", params={"n_boot": "many"}), 400)
    error_of(client.get(f"{MX}/validation", params={"table": "everything", "format": "csv"}), 400)


# ---------------------------------------------------------------------------- measures
def test_indicator_catalogue(client):
    r = client.get("/api/v1/indicators")
    assert r.status_code == 200
    items = {i["name"]: i for i in r.json()["items"]}
    assert {"eci", "krugman", "entropy", "related_variety", "rpop", "rca"} <= set(items)
    assert items["krugman"]["level"] == "region" and items["krugman"]["reference"]
    assert items["rpop"]["required"] == ["population"]
    assert items["related_variety"]["required"] == ["groups"]
    assert "reference" in items["krugman"]["options"]


def test_measure_long_table_with_names_and_filters(client):
    r = client.get(f"{NZ}/measures/krugman", params={"period": 2013, "limit": 3})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["columns"] == ["period", "region", "region_name", "krugman"]
    assert doc["total"] == 143 and len(doc["items"]) == 3 and doc["level"] == "region"
    cells = client.get(f"{US}/measures/rca", params={"region": "06", "activity": ["51", "11"]})
    items = cells.json()["items"]
    assert {i["activity"] for i in items} == {"51", "11"} and items[0]["region_name"]
    pairs = client.get(f"{US}/measures/proximity", params={"activity": "51", "limit": 2}).json()
    assert pairs["columns"][:3] == ["period", "activity_from", "activity_from_name"]
    assert {i["activity_from"] for i in pairs["items"]} == {"51"}
    rest = client.get(f"{US}/measures/krugman", params={"option": "reference=rest"}).json()
    assert rest["options"] == {"reference": "rest"}
    knn = client.get(f"{US}/measures/density", params={"knn": 3, "limit": 1}).json()
    assert knn["options"]["knn"] == 3
    f = client.get(f"{NZ}/measures/entropy", params={"period": 2013, "format": "csv"})
    assert f.status_code == 200 and f.text.startswith("period,region,region_name,entropy")


def test_measure_variety_groups(client):
    auto = client.get(f"{NZ}/measures/related_variety", params={"groups": "auto", "limit": 1})
    assert auto.status_code == 200 and auto.json()["options"] == {"groups": "parent"}
    prefix = client.get(f"{US}/measures/unrelated_variety", params={"groups": 1, "limit": 1})
    assert prefix.status_code == 200 and prefix.json()["options"] == {"groups": "prefix 1"}
    body = error_of(client.get(f"{US}/measures/related_variety", params={"groups": "auto"}), 400)
    assert "hierarchy" in body["message"] and "groups=K" in body["fix"]
    error_of(client.get(f"{US}/measures/related_variety", params={"groups": "parent"}), 400)
    body = error_of(client.get(f"{US}/measures/related_variety"), 400)
    assert body["where"] == "query parameter 'groups'"
    error_of(client.get(f"{US}/measures/krugman", params={"groups": "auto"}), 400)


@pytest.mark.parametrize(
    ("name", "params", "status", "text"),
    [
        ("nope", {}, 404, "unknown indicator"),
        ("kurgman", {}, 404, "krugman"),  # a close match is suggested
        ("rpop", {}, 400, "population"),
        ("krugman", {"option": "nope=1"}, 400, "no option 'nope'"),
        ("krugman", {"option": "reference"}, 400, "KEY=VALUE"),
        ("krugman", {"option": "population=3"}, 400, "population"),
        ("krugman", {"knn": 3}, 400, "does not take knn"),
        ("eci", {"knn": 3}, 400, "bad options"),
        ("eci", {"activity": "51"}, 400, "cannot be filtered by activity"),
        ("eci", {"region": "XX"}, 404, "not in the data"),
        ("eci", {"period": 1900}, 404, "1900"),
    ],
)
def test_measure_errors(client, name, params, status, text):
    body = error_of(client.get(f"{US}/measures/{name}", params=params), status)
    assert text in body["message"] + (body["fix"] or ""), body


def test_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/datasets/{dataset}/framework",
                 "/api/v1/datasets/{dataset}/regions/{code}/framework",
                 "/api/v1/datasets/{dataset}/validation", "/api/v1/indicators",
                 "/api/v1/datasets/{dataset}/measures/{name}"):  # fmt: skip
        assert path in paths, sorted(paths)
