"""Regions, activities, profiles, indicator tables, the network and comparisons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest

import smartspec as ss
from smartspec.app import SmartSpecApp
from smartspec.datasets import load

pytestmark = pytest.mark.filterwarnings("ignore::smartspec.SmartSpecWarning")

NZ = "/api/v1/datasets/nz-urban-industry"
US = "/api/v1/datasets/us-state-industry"
MX = "/api/v1/datasets/mx-tamaulipas"


# ------------------------------------------------------------------------------ labels
def test_regions_with_names(client: Any) -> None:
    d = client.get(f"{US}/regions").json()
    assert d["total"] == 51 and len(d["items"]) == 51
    assert d["items"][0] == {"code": "01", "name": "Alabama", "name_lang": "en", "parent": None}


def test_regions_search_and_pages(client: Any) -> None:
    d = client.get(f"{NZ}/regions", params={"q": "WELL"}).json()
    assert [r["name"] for r in d["items"]] == ["Wellington Zone", "Wellsford", "Cromwell"]
    page = client.get(f"{NZ}/regions", params={"limit": 10, "offset": 140}).json()
    assert (page["total"], len(page["items"]), page["offset"]) == (143, 3, 140)


def test_activities_hierarchy(client: Any) -> None:
    d = client.get(f"{NZ}/activities", params={"parent": "AA"}).json()
    assert d["total"] >= 3
    assert all(a["parent"] == "AA" and a["code"].startswith("AA") for a in d["items"])
    assert client.get(f"{MX}/regions").json()["items"][0]["parent"] == "28"


# ------------------------------------------------------------------------------ region profile
def test_region_profile_matches_the_engine(client: Any) -> None:
    d = client.get(f"{NZ}/regions/020/profile", params={"top": 5}).json()
    prof = ss.analyse(load("nz-urban-industry")).region_profile("020", top=5).to_dict()
    for key in ("region", "period", "eci", "eci_rank", "n_ranked", "diversity", "coi"):
        assert d[key] == pytest.approx(prof[key]), key
    assert [s["activity"] for s in d["specialisations"]] == [
        s["activity"] for s in prof["specialisations"]
    ]
    assert [s["activity"] for s in d["opportunities"]] == [
        s["activity"] for s in prof["opportunities"]
    ]
    assert d["region_name"] == "Wellington Zone"
    assert all(s["activity_name"] for s in d["specialisations"])
    assert [h["period"] for h in d["history"]] == [1976, 1981, 1986, 1991, 1996, 2001, 2006, 2013]
    assert d["history"][-1]["eci"] == pytest.approx(d["eci"])
    assert d["changes"]["since"] == 2006
    assert d["map"] == {"boundaries": None, "region_level": d["map"]["region_level"]}


def test_region_profile_options(client: Any) -> None:
    d = client.get(
        f"{NZ}/regions/020/profile", params={"period": "1991", "top": 3, "rank_by": "pci"}
    ).json()
    assert d["period"] == 1991 and d["rank_by"] == "pci"
    pcis = [o["pci"] for o in d["opportunities"]]
    assert pcis == sorted(pcis, reverse=True) and len(pcis) == 3
    assert d["changes"]["since"] == 1986
    first = client.get(f"{NZ}/regions/020/profile", params={"period": 1976}).json()
    assert first["changes"] is None


def test_region_by_name(client: Any) -> None:
    assert client.get(f"{NZ}/regions/Wellington/profile").json()["region"] == "020"
    assert client.get(f"{US}/regions/alabama/profile").json()["region"] == "01"


def test_single_period_has_no_changes(client: Any) -> None:
    d = client.get(f"{US}/regions/06/profile").json()
    assert d["changes"] is None and len(d["history"]) == 1
    assert d["map"]["boundaries"] == "us-states"


def test_profile_options_change_the_evidence(client: Any) -> None:
    low = client.get(f"{US}/regions/06/profile", params={"threshold": 0.5}).json()
    high = client.get(f"{US}/regions/06/profile", params={"threshold": 1.5}).json()
    assert low["diversity"] > high["diversity"]


def test_codes_with_spaces_accents_and_slashes(
    make_app: Callable[..., SmartSpecApp],
    panel_csv: bytes,
    upload_form: dict[str, str],
    as_role: Callable[..., Any],
) -> None:
    client = as_role(make_app())
    assert (
        client.post(
            "/api/v1/datasets", files={"file": ("p.csv", panel_csv)}, data=upload_form
        ).status_code
        == 201
    )
    for code in ("Île de France", "São Paulo", "Adelaide City"):
        r = client.get(f"/api/v1/datasets/p/regions/{quote(code, safe='')}/profile")
        assert r.status_code == 200, r.text
        assert r.json()["region"] == code
    r = client.get(f"/api/v1/datasets/p/activities/{quote('manu/fact', safe='')}/profile")
    assert r.status_code == 200 and r.json()["activity"] == "manu/fact"
    r = client.get("/api/v1/datasets/p/activities/manu/fact/profile")  # not encoded: works too
    assert r.json()["activity"] == "manu/fact"
    cells = client.get(
        "/api/v1/datasets/p/indicators/cells",
        params={"region": "São Paulo", "activity": "serv ices"},
    ).json()
    assert cells["total"] == 2


# ------------------------------------------------------------------------------ activity profile
def test_activity_profile(client: Any) -> None:
    d = client.get(f"{US}/activities/51/profile", params={"top": 5}).json()
    ev = ss.analyse(load("us-state-industry"))
    acts = ev.activities.set_index("activity")
    assert d["activity_name"] == "Information"
    assert d["pci"] == pytest.approx(acts.loc["51", "pci"])
    assert d["ubiquity"] == acts.loc["51", "ubiquity"]
    cells = ev.cells[(ev.cells.activity == "51") & (ev.cells.presence == 1)]
    top = cells.sort_values("rca", ascending=False).head(5)
    assert [r["region"] for r in d["regions"]] == list(top.region)
    assert d["regions"][0]["rca"] == pytest.approx(top.rca.iloc[0])
    phis = [r["proximity"] for r in d["related"]]
    assert phis == sorted(phis, reverse=True) and "51" not in [r["activity"] for r in d["related"]]
    assert 1 <= d["pci_rank"] <= d["n_ranked"] == 20


# ------------------------------------------------------------------------------ indicator tables
def test_indicator_page(client: Any) -> None:
    d = client.get(
        f"{NZ}/indicators/cells",
        params={
            "period": 2013,
            "region": "020",
            "sort": "rca",
            "order": "desc",
            "limit": 5,
            "offset": 2,
        },
    ).json()
    assert d["total"] == 65 and d["limit"] == 5 and d["offset"] == 2
    assert d["columns"] == [
        "period",
        "region",
        "region_name",
        "activity",
        "activity_name",
        "value",
        "rca",
        "presence",
        "density",
        "cog",
    ]
    rcas = [r["rca"] for r in d["items"]]
    assert rcas == sorted(rcas, reverse=True)
    ev = ss.analyse(load("nz-urban-industry"))
    expected = ev.cells[(ev.cells.period == 2013) & (ev.cells.region == "020")]
    assert rcas == pytest.approx(list(expected.rca.sort_values(ascending=False)[2:7]))


@pytest.mark.parametrize(
    ("table", "params", "total"),
    [
        ("cells", {}, 51 * 20),
        ("cells", {"presence": 1, "region": ["06", "48"]}, None),
        ("regions", {"region": ["06", "48"]}, 2),
        ("activities", {}, 20),
        ("proximity", {"activity": "51"}, 20),
        ("proximity", {"activity": "51", "activity_to": ["52", "54"]}, 2),
        ("notes", {}, None),
    ],
)
def test_indicator_filters(client: Any, table: str, params: dict, total: int | None) -> None:
    r = client.get(f"{US}/indicators/{table}", params=params)
    assert r.status_code == 200, r.text
    d = r.json()
    if total is not None:
        assert d["total"] == total
    assert len(d["items"]) == min(d["total"], 100)


def test_default_and_largest_pages(client: Any) -> None:
    assert client.get(f"{US}/indicators/cells").json()["limit"] == 100
    assert client.get(f"{US}/indicators/cells", params={"limit": 10000}).status_code == 200
    r = client.get(f"{US}/indicators/cells", params={"limit": 10001})
    assert r.status_code == 400 and r.json()["error"]["where"] == "query parameter 'limit'"


def test_sort_puts_missing_values_last(client: Any) -> None:
    d = client.get(
        f"{NZ}/indicators/regions", params={"sort": "eci", "order": "asc", "limit": 10000}
    ).json()
    ecis = [r["eci"] for r in d["items"]]
    present = [e for e in ecis if e is not None]
    assert ecis[: len(present)] == sorted(present)


# ------------------------------------------------------------------------------ network
def test_network(client: Any) -> None:
    d = client.get(f"{US}/network", params={"region": "06"}).json()
    assert len(d["nodes"]) == 20 and d["region_name"] == "California"
    mst = [e for e in d["edges"] if e["kind"] == "mst"]
    extra = [e for e in d["edges"] if e["kind"] == "extra"]
    assert len(mst) == 19  # a spanning tree of a connected proximity graph
    assert len(extra) == 20
    assert min(e["proximity"] for e in extra) <= max(e["proximity"] for e in mst)
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in d["nodes"])
    present = {n["id"] for n in d["nodes"] if n["present"]}
    ev = ss.analyse(load("us-state-industry"))
    c = ev.cells
    assert present == set(c[(c.region == "06") & (c.presence == 1)].activity)
    again = client.get(f"{US}/network", params={"region": "06"}).json()
    assert again == d  # deterministic layout


def test_network_is_the_maximum_spanning_tree(client: Any) -> None:
    from scipy.sparse.csgraph import minimum_spanning_tree

    d = client.get(f"{US}/network", params={"extra": 0}).json()
    ev = ss.analyse(load("us-state-industry"))
    phi = ev.proximity.pivot(index="activity_from", columns="activity_to", values="proximity")
    phi = np.nan_to_num(phi.to_numpy())
    np.fill_diagonal(phi, 0)
    expected = -minimum_spanning_tree(-np.triu(phi)).sum()
    assert sum(e["proximity"] for e in d["edges"]) == pytest.approx(expected)
    assert {e["kind"] for e in d["edges"]} == {"mst"}


def test_network_of_a_period(client: Any) -> None:
    d = client.get(f"{MX}/network", params={"period": 2003, "extra": 5}).json()
    assert d["period"] == 2003 and d["region"] is None
    assert "present" not in d["nodes"][0] or d["nodes"][0]["present"] is None


# ------------------------------------------------------------------------------ compare
def test_compare(client: Any) -> None:
    d = client.get(f"{US}/compare", params={"regions": "06,48,36", "top": 3}).json()
    assert [r["region"] for r in d["regions"]] == ["06", "48", "36"]
    assert [r["region_name"] for r in d["regions"]] == ["California", "Texas", "New York"]
    assert all(len(r["specialisations"]) == 3 for r in d["regions"])
    assert len(d["overlap"]) == 3
    for act in d["activities"]:
        assert set(act["rca"]) == {"06", "48", "36"}
    same = client.get(f"{US}/compare", params=[("region", "06"), ("region", "48")]).json()
    assert [r["region"] for r in same["regions"]] == ["06", "48"]
    o = same["overlap"][0]
    assert 0 <= o["jaccard"] <= 1


@pytest.mark.parametrize(
    ("params", "status", "type_"),
    [
        ({}, 400, "RequestError"),
        ({"regions": "06,XX"}, 404, "UnknownRegionError"),
        ({"regions": ",".join(["06"] * 26)}, 400, "RequestError"),
        ({"regions": "06,48", "period": "2020"}, 404, "UnknownPeriodError"),
    ],
)
def test_compare_errors(client: Any, params: dict, status: int, type_: str) -> None:
    r = client.get(f"{US}/compare", params=params)
    assert r.status_code == status
    assert r.json()["error"]["type"] == type_


def test_concurrent_requests_share_one_analysis(
    make_app: Callable[..., SmartSpecApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import smartspec.core.evidence as evidence

    calls = []
    real = evidence.analyse

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(evidence, "analyse", counting)
    client = make_app(datasets=["mx-tamaulipas"]).client()
    url = f"{MX}/regions/28032/profile"
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.get(url).json(), range(16)))
    assert all(a == answers[0] for a in answers)
    assert answers[0]["region_name"] == "Reynosa"
    assert len(calls) == 1
