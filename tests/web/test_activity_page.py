"""The activity profile page: renders in both languages, is linked from the other pages."""

from __future__ import annotations

import json
import re

import pytest

from .test_browser import CHROMIUM, browser, drawn, page, shot  # noqa: F401 (fixtures)
from .test_pages import ENGLISH, interface_strings, page_data, visible_text
from .test_search_space import settled

PAGES = [
    ("/datasets/us-state-industry/activities/51", {"map", "regions"}),  # one period
    ("/datasets/eu-nuts2-ardeco/activities/J", {"map", "regions", "pci"}),  # several periods
    ("/datasets/mx-tamaulipas/activities/72", {"regions", "pci"}),  # no shapes: tables only
]


@pytest.mark.parametrize(("url", "expected"), PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_activity_page_renders(client, url, expected, lang):
    r = client.get(f"{url}?lang={lang}")
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert f'<html lang="{lang}">' in html
    data = page_data(html)
    assert set(data["charts"]) == expected
    for key in data["charts"]:
        assert f'id="table-{key}"' in html, f"chart {key} has no table alternative"
    assert 'id="regions-table"' in html and 'id="related-table"' in html
    if "map" not in expected:  # every region's RCA still gets its table
        assert 'id="rca-table"' in html
        assert ("No map is available" if lang == "en" else "No hay mapa disponible") in html
    if lang == "es":
        text = visible_text(html)
        leftovers = [
            s
            for s in {*ENGLISH, *interface_strings()}
            if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
        ]
        assert not leftovers, f"untranslated on {url}: {leftovers}"
        assert "Perfil de la actividad" in html and "Actividades relacionadas" in html
    else:
        assert "Activity profile" in html and "Related activities" in html


def test_activity_page_content(client):
    html = client.get("/datasets/us-state-industry/activities/51?lang=en").text
    assert "<h1>Information" in html
    data = page_data(html)
    # the map shows every region's RCA, each shape linking to its region page
    spec = json.dumps(data["charts"]["map"])
    assert "/datasets/us-state-industry/regions/53" in spec
    assert data["charts"]["regions"]["data"]["values"][0]["region"] == "53"
    assert 'id="fig-pci"' in html and 'id="fig-ubiquity"' in html
    # specialised regions link to their pages, related activities to theirs
    table = html.split('id="regions-table"')[1].split("</table>")[0]
    assert '<a href="/datasets/us-state-industry/regions/53?period=2021">Washington</a>' in table
    related = html.split('id="related-table"')[1].split("</table>")[0]
    assert re.search(r'<a href="/datasets/us-state-industry/activities/\d+\?period=2021">', related)
    assert "/api/v1/datasets/us-state-industry/indicators/cells?activity=51&amp;period=2021" in html


def test_activity_page_is_linked(client):
    link = re.compile(r'href="/datasets/eu-nuts2-ardeco/activities/[^"?]+\?period=\d+"')
    for url in (
        "/datasets/eu-nuts2-ardeco/regions/ES61",  # specialisations, opportunities
        "/datasets/eu-nuts2-ardeco",  # the overview's table of activities
        "/datasets/eu-nuts2-ardeco/space?region=ES61",  # the activity space's table
    ):
        html = settled(client, url)  # the space's layout is computed once, meanwhile 202
        assert link.search(html), f"no activity link on {url}"
    html = client.get("/datasets/eu-nuts2-ardeco/regions/ES61").text
    spec = html.split('id="spec-table"')[1].split("</table>")[0]
    assert "/activities/" in spec


def test_activity_picker_redirects(client):
    r = client.get("/datasets/eu-nuts2-ardeco/activities?activity=B-E&period=2010",
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/datasets/eu-nuts2-ardeco/activities/B-E?period=2010"


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Unknown activity"), ("es", "Actividad desconocida")]
)
def test_unknown_activity_is_a_404_page(client, lang, title):
    r = client.get(f"/datasets/eu-nuts2-ardeco/activities/XX99?lang={lang}")
    assert r.status_code == 404
    assert f"<h1>{title}</h1>" in r.text
    assert 'role="alert"' in r.text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_activity_page_in_a_browser(page):  # noqa: F811 (the fixture)
    """The activity page in headless Chromium: map and bar chart drawn, the related table's
    links lead to other activities; a screenshot is kept."""
    page.goto(page.base + "/datasets/eu-nuts2-ardeco/activities/J?lang=en")
    for chart in ("map", "regions", "pci"):
        drawn(page, chart)
    shot(page, "activity")
    page.click("#related-table tbody a >> nth=0")
    page.wait_for_load_state()
    assert re.search(r"/datasets/eu-nuts2-ardeco/activities/[^/?]+\?period=", page.url)
    assert page.locator("h1").inner_text() != ""
