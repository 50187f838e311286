"""The upload form's "empty cells are suppressed values" box: without it an empty value is
refused with the reader's message (and nothing is stored); with it the cells are kept missing
and the region page says how much of the region is suppressed."""

from __future__ import annotations

import re

from .conftest import csrf_token

CSV = "nuts,sector,jobs\nES11,agri,5\nES11,ict,\nES21,agri,3\nES21,ict,7\nES30,agri,1\nES30,ict,9\n"


def test_the_upload_form_keeps_empty_values_as_suppressed_cells(
    editor_client, smartspec_app, as_role
) -> None:
    client = editor_client  # a signed-in editor may upload
    form = client.get("/upload?lang=en").text
    assert 'name="missing" type="checkbox" value="flag"' in form
    fields = {
        "region": "nuts",
        "activity": "sector",
        "value": "jobs",
        "period": "",
        "title": "Suppressed test",
    }
    before = len(client.get("/api/v1/datasets").json()["items"])
    refused = client.post(
        "/upload?lang=en",
        files={"file": ("s.csv", CSV.encode(), "text/csv")},
        data={**fields, "csrf_token": csrf_token(client)},
    )
    assert refused.status_code == 422
    assert "values are missing" in refused.text
    assert len(client.get("/api/v1/datasets").json()["items"]) == before
    made = client.post(
        "/upload?lang=en",
        files={"file": ("s.csv", CSV.encode(), "text/csv")},
        data={**fields, "missing": "flag", "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:600]
    dataset = re.search(r"/datasets/([^?]+)", made.headers["location"]).group(1)
    page = client.get(f"/datasets/{dataset}/regions/ES11?lang=es").text
    assert "El 50" in page and "suprimidas o son confidenciales" in page
    assert as_role(smartspec_app).delete(f"/api/v1/datasets/{dataset}").status_code == 204


def test_the_region_page_can_list_small_counts_marked(client) -> None:
    url = "/datasets/mx-tamaulipas/regions/28010?lang=en"
    hidden = client.get(url).text
    assert 'id="f-unreliable"' in hidden
    assert "rest on counts too small to tell" in hidden
    assert "(small count)" not in hidden
    shown = client.get(url + "&show_unreliable=1").text
    assert 'class="unreliable"' in shown and "(small count)" in shown
    assert 'id="f-unreliable" name="show_unreliable" type="checkbox" value="1" checked' in shown
