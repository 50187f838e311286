"""One resolver: the same typed name finds the same region in the library, the command line,
the API and the dashboard (``smartspec.core.lookup``), and a name that is unknown or ambiguous is
refused by all of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from smartspec.core.errors import UnknownRegionError
from smartspec.core.lookup import resolve
from smartspec.datasets import labels
from smartspec.services.cli import main

NZ = "nz-urban-industry"
#: typed text -> the region code every interface must find
FOUND = {
    "Awamutu": "008",  # a word of 'Te Awamutu Zone'
    "te awamutu zone": "008",  # the whole name, any case
    "wellington": "020",  # the start of 'Wellington Zone'
    "Hamilton Zone (006)": "006",  # the search field's suggestion
    "020": "020",
}
REFUSED = ["Atlantis", "Zone"]  # unknown; ambiguous (every NZ name ends with 'Zone')


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("lookup"), datasets=[NZ])
    with app.client() as c:
        yield c
    app.close()


def _library(text: str) -> str:
    names = labels(NZ, "region")["name"].to_dict()
    return resolve(text, names, axis="region")


def _cli(text: str) -> str | None:
    res = CliRunner().invoke(main, ["profile", "--dataset", NZ, "-r", text, "--json"])
    if res.exit_code != 0:
        return None
    import json

    return json.loads(res.output)["region"]


def _api(client: Any, text: str) -> str | None:
    r = client.get(f"/api/v1/datasets/{NZ}/regions/{text}/profile")
    return r.json()["region"] if r.status_code == 200 else None


def _dashboard(client: Any, text: str) -> str | None:
    r = client.get(f"/datasets/{NZ}/regions", params={"region": text}, follow_redirects=False)
    if r.status_code != 303:
        return None
    return r.headers["location"].split("/regions/")[1].split("?")[0]


@pytest.mark.parametrize("text", list(FOUND))
def test_every_interface_finds_the_same_region(client: Any, text: str) -> None:
    want = FOUND[text]
    assert _library(text) == want
    assert _cli(text) == want
    assert _api(client, text) == want
    assert _dashboard(client, text) == want


@pytest.mark.parametrize("text", REFUSED)
def test_every_interface_refuses_the_same_names(client: Any, text: str) -> None:
    with pytest.raises(UnknownRegionError):
        _library(text)
    assert _cli(text) is None
    assert _api(client, text) is None
    assert _dashboard(client, text) is None  # a page listing the choices (or none) instead


def test_cli_profile_json_is_the_api_document(client: Any) -> None:
    """One region-profile view: ``smartspec profile --json`` prints what the API answers."""
    import json

    res = CliRunner().invoke(
        main, ["profile", "--dataset", NZ, "-r", "Wellington", "--top", "5", "--json"]
    )
    assert res.exit_code == 0, res.output
    cli = json.loads(res.output)
    api = client.get(f"/api/v1/datasets/{NZ}/regions/020/profile", params={"top": 5}).json()
    assert cli == api
    assert {"history", "changes", "map", "settings", "total"} <= set(cli)


def test_a_view_field_reaches_every_interface(client: Any) -> None:
    """``share_of_total`` was added to the region-profile view alone (views.py): the API, its
    OpenAPI schema and ``profile --json`` carry it without other edits."""
    import json

    api = client.get(f"/api/v1/datasets/{NZ}/regions/020/profile").json()
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["RegionProfile"]
    res = CliRunner().invoke(main, ["profile", "--dataset", NZ, "-r", "020", "--json"])
    assert "share_of_total" in schema["properties"]
    assert json.loads(res.output)["share_of_total"] == api["share_of_total"]
    assert 0 < api["share_of_total"] < 1
    periods = client.get(f"/api/v1/datasets/{NZ}/periods").json()["items"]
    total = next(p["total"] for p in periods if str(p["period"]) == str(api["period"]))
    assert api["share_of_total"] == pytest.approx(api["total"] / total, rel=1e-12)
