"""The region page is served by direct calls of the domains' services: no HTTP request inside
the process (the dashboard's in-process API client is made to fail, and the page still renders
with the same figures as the API answers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

NZ = "nz-urban-industry"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("direct"), datasets=[NZ], settings={"page_wait_s": 60}
    )
    with app.client() as c:
        yield c
    app.close()


@pytest.fixture
def no_internal_http(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from smartspec.services.web import data

    calls: list[str] = []

    def refuse(self: Any) -> Any:
        calls.append("http")
        raise AssertionError("the page made an HTTP request to its own API")

    monkeypatch.setattr(data.ApiClient, "_client", refuse)
    return calls


@pytest.mark.parametrize("lang", ["en", "es"])
def test_region_page_without_internal_http(
    client: Any, no_internal_http: list[str], lang: str
) -> None:
    r = client.get(f"/datasets/{NZ}/regions/020", params={"lang": lang})
    assert r.status_code == 200, r.text[:500]
    assert no_internal_http == []
    profile = client.get(f"/api/v1/datasets/{NZ}/regions/020/profile").json()
    assert profile["region_name"] in r.text
    top = profile["specialisations"][0]["activity"]
    assert top in r.text  # the API's first specialisation is on the page


def test_region_page_errors_as_the_api_does(client: Any, no_internal_http: list[str]) -> None:
    """An unknown region gets the API's 404 error, as a page, without HTTP."""
    r = client.get(f"/datasets/{NZ}/regions/Atlantis", headers={"accept": "text/html"})
    api = client.get(f"/api/v1/datasets/{NZ}/regions/Atlantis/profile")
    assert r.status_code == api.status_code == 404
    assert "Atlantis" in r.text
    assert no_internal_http == []


#: Every page that reads data, by what it shows: its path (``{region}``, ``{other}``: region
#: codes, ``{activity}``: an activity code of the dataset), the status it answers and a text
#: from the API's own answer the page must show (``None``: a redirect).
PAGES = {
    "home": ("/?dataset={ds}", 200, "region_name"),
    "home-cells": ("/?dataset={ds}&indicator=rca&activity={activity}", 200, "activity_name"),
    "dataset": ("/datasets/{ds}", 200, "region_name"),
    "activity": ("/datasets/{ds}/activities/{activity}", 200, "activity_name"),
    "space": ("/datasets/{ds}/space", 200, "activity_name"),
    "space-region": ("/datasets/{ds}/space?region={region}", 200, "region_name"),
    "compare": ("/datasets/{ds}/compare?regions={region},{other}", 200, "other_name"),
    "validation": ("/datasets/{ds}/validation?score=density&k=5", 200, "entries"),
    "pick-region": ("/datasets/{ds}/regions?region={region_name}", 303, None),
    "pick-activity": ("/datasets/{ds}/activities?activity={activity}", 303, None),
}


@pytest.fixture(scope="module")
def labels(client: Any) -> dict[str, str]:
    """Codes and names of the dataset, and figures of the API's answers, for the pages."""
    regions = client.get(f"/api/v1/datasets/{NZ}/regions", params={"limit": 2}).json()["items"]
    activity = client.get(f"/api/v1/datasets/{NZ}/activities", params={"limit": 1}).json()
    activity = activity["items"][0]
    backtest = client.get(
        f"/api/v1/datasets/{NZ}/validation", params={"score": "density", "k": 5}
    ).json()
    return {
        "ds": NZ,
        "region": regions[0]["code"],
        "region_name": regions[0]["name"],
        "other": regions[1]["code"],
        "other_name": regions[1]["name"],
        "activity": activity["code"],
        "activity_name": activity["name"],
        # the number of entries the backtest found, as the page writes it
        "entries": f"{backtest['summary']['entries']:,}",
    }


@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_without_internal_http(
    client: Any, labels: dict[str, str], no_internal_http: list[str], page: str
) -> None:
    """Each page renders (or redirects) from direct service calls, with the API's data."""
    from urllib.parse import quote

    path, status, shown = PAGES[page]
    url = path.format(**{k: quote(v, safe="") for k, v in labels.items()})
    url += ("&" if "?" in url else "?") + "lang=en"
    r = client.get(url, follow_redirects=False)
    assert r.status_code == status, r.text[:500]
    assert no_internal_http == []
    if shown is not None:
        assert labels[shown] in r.text
    else:
        assert r.headers["location"].startswith(f"/datasets/{NZ}/")


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/datasets/{ds}/activities/Atlantis", "/datasets/{ds}/activities/Atlantis/profile"),
        (
            "/datasets/{ds}/validation?base=2013&end=1976",
            "/datasets/{ds}/validation?base=2013&end=1976",
        ),
        ("/datasets/nope", "/datasets/nope"),
    ],
)
def test_page_errors_as_the_api_does(
    client: Any, no_internal_http: list[str], path: str, api: str
) -> None:
    """An unknown activity or dataset, periods in the wrong order: the API's status and
    message, as a page."""
    r = client.get(path.format(ds=NZ), headers={"accept": "text/html"})
    answer = client.get("/api/v1" + api.format(ds=NZ))
    assert r.status_code == answer.status_code >= 400
    assert no_internal_http == []
    message = answer.json()["error"]["message"]
    assert message.split(";")[0].split("'")[0].lower() in r.text.lower()


def test_progress_page_without_internal_http(tmp_path: Any, no_internal_http: list[str]) -> None:
    """A backtest not computed in the page's wait: the 202 progress page, as the API's 202."""
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path, datasets=[NZ], settings={"page_wait_s": 0})
    try:
        with app.client() as c:
            r = c.get(f"/datasets/{NZ}/validation", params={"score": "pci", "k": 3})
        assert r.status_code == 202, r.text[:500]
        assert 'http-equiv="refresh"' in r.text and "/api/v1/jobs/" in r.text
        assert no_internal_http == []
    finally:
        app.close()
