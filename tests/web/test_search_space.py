"""Region search by typing, the framework's quadrant tables and point labels, and the activity
space's sector colours and labels, on the larger bundled datasets (EU NUTS 2 x NACE divisions,
New Zealand urban areas, world trade): in process and in a real headless Chromium.
"""

from __future__ import annotations

import re
import time

import pytest

from smartspec.datasets import labels
from smartspec.services.web import charts, sectors
from smartspec.services.web.pages import RANK_FIELD, match_regions

from .test_browser import CHROMIUM, browser, open_page, shot  # noqa: F401 (fixtures)
from .test_pages import page_data
from .test_pages_evidence import no_english_left
from .wide_app import wide_app, wide_client, wide_server  # noqa: F401 (fixtures)

browser_only = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")

SBS = "/datasets/eu-nuts2-sbs"
NZ = "/datasets/nz-urban-industry"
WORLD = "/datasets/world-trade"


def drawn(page, chart: str, timeout: int = 60_000) -> None:
    page.wait_for_selector(f"#chart-{chart}.drawn svg", timeout=timeout)


# ---------------------------------------------------------------- region search
def test_match_regions_names_codes_and_accents():
    regions = {str(k): v for k, v in labels("eu-nuts2-sbs", "region")["name"].items()}
    assert match_regions("ES51", regions) == ["ES51"]
    assert match_regions("Cataluña (ES51)", regions) == ["ES51"]  # the datalist suggestion
    assert match_regions("Catalu", regions) == ["ES51"]
    assert match_regions("  cataluna ", regions) == ["ES51"]  # case and accents ignored
    assert match_regions("es51", regions) == ["ES51"]
    andalucia = match_regions("andalucia", regions)
    assert andalucia == ["ES61"]
    assert match_regions("Bret", regions) == ["FR52"]  # Bretagne
    several = match_regions("Bra", regions)  # Brandenburg (three codes), Bratislava, Braunschweig
    assert len(several) == 5 and "SK01" in several
    assert [regions[c] for c in several] == sorted(regions[c] for c in several)
    assert match_regions("no such place", regions) == []
    assert match_regions("", regions) == []
    # an exact name beats names that merely start with it
    assert match_regions("Wien", {"AT13": "Wien", "XX1": "Wiener Neustadt"}) == ["AT13"]
    # a word of the name: "Zone" finds the Auckland zones, sorted by name
    nz = {str(k): v for k, v in labels("nz-urban-industry", "region")["name"].items()}
    zones = match_regions("zone", nz)
    assert len(zones) > 1 and [nz[c] for c in zones] == sorted(nz[c] for c in zones)


def test_pick_region_resolves_typed_names(wide_client):  # noqa: F811
    r = wide_client.get(f"{SBS}/regions?region=Catalu&period=2012", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"{SBS}/regions/ES51?period=2012"
    r = wide_client.get(f"{NZ}/regions?region=Wellington&top=5", follow_redirects=False)
    assert r.headers["location"] == f"{NZ}/regions/020?top=5"
    # several matches: a page listing them, each linking to its region
    nz = {str(k): v for k, v in labels("nz-urban-industry", "region")["name"].items()}
    expected = match_regions("Auckland", nz)
    assert len(expected) > 1
    r = wide_client.get(f"{NZ}/regions?region=Auckland&lang=en")
    assert r.status_code == 200
    assert f"{len(expected)} regions match “Auckland”" in r.text
    for code in expected:
        assert f'href="{NZ}/regions/{code}?lang=en"' in r.text
    # none: 404, said in the page's language, with the search form again
    r = wide_client.get(f"{SBS}/regions?region=Atlantis&lang=es")
    assert r.status_code == 404
    assert "Ninguna región coincide con «Atlantis»." in r.text
    assert 'id="f-find"' in r.text
    no_english_left(r.text, "find page")
    several = wide_client.get(f"{NZ}/regions?region=Auckland&lang=es").text
    assert "regiones coinciden con «Auckland»: elija una." in several
    no_english_left(several, "find page")
    compare = wide_client.get(f"{SBS}/compare?region=Catalu&region=Bra&region=Atlantis&lang=es")
    assert compare.status_code == 200
    assert "Ninguna región coincide con «Atlantis»." in compare.text
    assert "«Bra» coincide con 5 regiones" in compare.text
    assert 'value="Cataluña (ES51)"' in compare.text
    no_english_left(compare.text, "compare")


@pytest.mark.parametrize(
    "url", ["/?dataset=eu-nuts2-sbs", SBS, f"{SBS}/regions/ES30", f"{SBS}/compare?regions=ES30"]
)
def test_search_fields_and_their_suggestions(wide_client, url):  # noqa: F811
    html = wide_client.get(url + ("&" if "?" in url else "?") + "lang=es").text
    n = len(labels("eu-nuts2-sbs", "region"))
    fields = re.findall(r'<input type="search" id="([\w-]+)" name="region" list="([\w-]+)"', html)
    assert fields, url
    for _, datalist in fields:
        options = re.search(rf'<datalist id="{datalist}">(.*?)</datalist>', html, re.S).group(1)
        assert options.count("<option") == n
        assert '<option value="Cataluña (ES51)">' in options


@browser_only
def test_typing_part_of_a_name_opens_the_region(browser, wide_server):  # noqa: F811
    with open_page(browser, wide_server) as page:
        page.goto(page.base + f"{SBS}?lang=en")
        field = page.get_by_role("combobox", name="Find a region")
        field.fill("Catalu")
        field.press("Enter")
        page.wait_for_url(re.compile(r"/regions/ES51"))
        assert page.locator("h1").inner_text().startswith("Cataluña")
        # from a region page of New Zealand, in Spanish, keeping the page's settings
        page.goto(page.base + f"{NZ}/regions/001?lang=es&top=5&rank_by=cog")
        field = page.get_by_role("combobox", name="Buscar una región")
        field.press_sequentially("Wellington")
        page.get_by_role("button", name="Buscar", exact=True).click()
        page.wait_for_url(re.compile(r"/regions/020\?.*top=5"))
        assert "rank_by=cog" in page.url
        assert page.locator("h1").inner_text().startswith("Wellington Zone")
        # compare: two typed names, one without its accent
        page.goto(page.base + f"{SBS}/compare?lang=en")
        page.fill("#f-region-0", "Catalu")
        page.fill("#f-region-1", "andalucia")
        page.get_by_role("button", name="Compare").click()
        page.wait_for_selector("#compare-table")
        head = page.locator("#compare-table thead").inner_text()
        assert "Cataluña" in head and "Andalucía" in head
        assert page.input_value("#f-region-0") == "Cataluña (ES51)"
        shot(page, "compare-typed")


@browser_only
def test_region_search_works_without_javascript(browser, wide_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(wide_server + f"{NZ}?lang=en")
        page.fill("#f-find", "wellington")
        page.locator("form.region-search button[type=submit]").click()
        page.wait_for_url(re.compile(r"/regions/020"))
        assert page.locator("h1").inner_text().startswith("Wellington Zone")
    finally:
        context.close()


# ---------------------------------------------------------------- framework: quadrants, labels
def quadrant_bodies(html: str) -> dict[str, str]:
    """The HTML of each quadrant table, by quadrant code."""
    return dict(re.findall(r'id="quadrant-(\w+)">(.*?)</table>', html, re.S))


@pytest.mark.parametrize(("top", "rank_by"), [(5, "density"), (10, "cog"), (5, "pci")])
def test_quadrant_tables_list_top_rows(wide_client, top, rank_by):  # noqa: F811
    url = f"{SBS}/regions/ES51?period=2012&top={top}&rank_by={rank_by}&lang=en"
    html = wide_client.get(url).text
    api = wide_client.get(f"/api/v1{SBS}/regions/ES51/framework", params={"period": 2012}).json()
    cells = {
        str(c["activity"]): c
        for c in wide_client.get(
            f"/api/v1{SBS}/indicators/cells",
            params={"period": 2012, "region": "ES51", "limit": 1000},
        ).json()["items"]
    }
    column = {"density": 1, "pci": 2, "cog": 3}[rank_by]  # Activity, density, PCI, COG, RCA
    field = RANK_FIELD[rank_by]
    longer = 0
    for code, table in quadrant_bodies(html).items():
        members = [
            c
            for c in api["candidates"]
            if c["quadrant"] == code
            and c.get("density") is not None
            and c.get("complexity") is not None
        ]
        body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if not members:
            assert len(rows) == 1 and "No activity" in rows[0]
            continue
        assert len(rows) == min(top, len(members))
        shown = [float(re.findall(r'data-value="([^"]*)"', r)[column]) for r in rows]
        assert shown == sorted(shown, reverse=True), (code, shown)
        # the best of the quadrant, by the chosen measure (COG from the cells)
        values = sorted(
            (
                v
                for v in (
                    cells[str(c["activity"])]["cog"] if field == "cog" else c[field]
                    for c in members
                )
                if v is not None
            ),
            reverse=True,
        )
        assert shown == pytest.approx(values[: len(shown)], abs=1e-3)
        if len(members) > top:
            longer += 1
            assert f"and {len(members) - top} more" in table
            assert 'href="#table-opportunities"' in table
        else:
            assert "<tfoot>" not in table
    assert longer >= 1  # the case is exercised
    by = {
        "density": "relatedness density",
        "cog": "complexity outlook gain (COG)",
        "pci": "activity complexity (PCI)",
    }[rank_by]
    assert f"Each quadrant lists its {top} best candidates by {by}" in html


def test_framework_plane_labels_and_measure(wide_client):  # noqa: F811
    html = wide_client.get(f"{SBS}/regions/ES51?period=2012&top=5&rank_by=cog&lang=es").text
    spec = page_data(html)["charts"]["opportunities"]
    assert spec["title"] == "Oportunidades de diversificación · Complejidad de la actividad (ICP)"
    point = next(layer for layer in spec["layer"] if layer["mark"].get("type") == "point")
    assert point["encoding"]["y"]["title"] == "Complejidad de la actividad (ICP)"
    named = [r for r in spec["data"]["values"] if r.get("label")]
    best = sorted(
        (r for r in spec["data"]["values"] if r["quadrant"] == "Más atractivas"),
        key=lambda r: -(r["cog"] if r["cog"] is not None else -1e9),
    )[:5]
    assert [r["name"] for r in named] == [r["name"] for r in best]
    assert all(r["label"] == charts._short(r["name"], 32) for r in named)
    assert {r["align"] for r in named} <= {"left", "right", "center"}
    # the quadrant table of the most attractive lists the same activities, in the same order
    table = quadrant_bodies(html)["high_density_high_complexity"]
    listed = re.findall(r'<td data-value="([^"]+)"><a', table)
    assert listed == [r["name"] for r in best]
    # another complexity measure, passed in: axis, tooltip and title say it
    other = charts.framework_plane(
        named,
        title="Opportunities",
        x_label="Density",
        name_label="Activity",
        quadrant_label="Quadrant",
        cog_label="COG",
        x_cut=0.5,
        y_cut=0.0,
        legend=("Most", "Safe", "Ambitious", "Least"),
        corners=("a", "b", "c", "d"),
        measure="Economic fitness",
    )
    assert other["title"] == "Opportunities · Economic fitness"
    point = next(layer for layer in other["layer"] if layer["mark"].get("type") == "point")
    assert point["encoding"]["y"]["title"] == "Economic fitness"
    default = charts.framework_plane(
        named,
        title="Opportunities",
        x_label="Density",
        name_label="Activity",
        quadrant_label="Quadrant",
        cog_label="COG",
        x_cut=0.5,
        y_cut=0.0,
        legend=("Most", "Safe", "Ambitious", "Least"),
        corners=("a", "b", "c", "d"),
    )
    assert default["title"] == "Opportunities · Activity complexity (PCI)"
    assert not [
        layer for layer in default["layer"] if "label" in str(layer.get("transform", ""))
    ]  # label_top=0: no names


def text_boxes(page, selector: str) -> list[dict]:
    """The visible text elements under ``selector``: text and bounding box."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel))
        .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0'
                     && t.getAttribute('opacity') !== '0')
        .map(t => { const b = t.getBoundingClientRect();
                    return {text: t.textContent, x0: b.left, y0: b.top, x1: b.right,
                            y1: b.bottom}; })""",
        selector,
    )


def overlapping(boxes: list[dict], slack: float = 1.0) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
        and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > slack
    ]


@browser_only
def test_framework_plane_names_the_best_candidates(browser, wide_server):  # noqa: F811
    with open_page(browser, wide_server) as page:
        page.goto(page.base + f"{SBS}/regions/ES51?period=2012&top=10&lang=en")
        drawn(page, "opportunities")
        assert "Activity complexity (PCI)" in page.locator("#cap-opportunities").inner_text()
        table = page.locator("#quadrant-high_density_high_complexity tbody tr td:first-child")
        first = [t.strip() for t in table.all_inner_texts()][:8]
        short = {charts._short(n, 32) for n in first}
        # Vega's label transform places them: each name once (over its halo), clear of the
        # others; a name with no free place is left out, but few are
        shown = text_boxes(page, "#chart-opportunities svg g.point_labels_marks text")
        assert {b["text"] for b in shown} <= short
        assert len(shown) >= len(first) - 2, (len(shown), first)
        assert not overlapping(shown), overlapping(shown)
        halo = text_boxes(page, "#chart-opportunities svg g.point_labels_halo_marks text")
        assert sorted(b["text"] for b in halo) == sorted(b["text"] for b in shown)
        page.locator("#chart-opportunities").scroll_into_view_if_needed()
        shot(page, "framework-labels")


# ---------------------------------------------------------------- activity space
def settled(client, url: str) -> str:
    """The page at ``url`` once the API has computed it (a network's layout is computed once,
    in the background; meanwhile the page answers 202 and reloads itself)."""
    for _ in range(90):
        r = client.get(url)
        if r.status_code != 202:
            break
        time.sleep(2)
    assert r.status_code == 200, r.text[:300]
    return r.text


@pytest.mark.parametrize(
    ("url", "groups"), [(f"{WORLD}/space", 10), (f"{SBS}/space", 13), (f"{NZ}/space", 16)]
)
def test_space_colours_by_top_level_sector(wide_client, url, groups):  # noqa: F811
    html = settled(wide_client, f"{url}?lang=es")
    spec = page_data(html)["charts"]["space"]
    nodes = spec["data"][0]["values"]
    scale = next(s for s in spec["scales"] if s["name"] == "group")
    assert len(scale["domain"]) == groups
    assert len(set(scale["range"])) == len(scale["range"]) >= groups  # distinct colours
    assert {n["group"] for n in nodes} == set(scale["domain"])
    legend = next(g for g in spec["legends"] if g.get("fill") == "group")
    assert legend["title"] == "Sector"
    assert 10 <= sum(1 for n in nodes if n["label"]) <= 25
    assert 'id="space-note"' in html and "Colores: el sector" in html
    assert 'class="sort">Sector</button></th>' in html  # the table's sector column


def test_space_group_names():
    world = labels("world-trade", "activity")
    groups = sectors.top_groups(world["parent"].to_dict())
    assert sorted(set(groups.values())) == [str(d) for d in range(10)]
    assert groups["7810"] == "7"
    assert sectors.group_name("7", "SITC Rev.2 4-digit") == "Machinery and transport equipment"
    assert sectors.group_name("C", "NACE Rev.2 division") == "Manufacturing"
    assert sectors.group_name("GH", "NZSIOC 2013 industry groups") == (
        "Retail trade and accommodation"
    )
    assert sectors.group_name("Q", "Something else") == "Q"
    sbs = labels("eu-nuts2-sbs", "activity")
    assert set(sectors.top_groups(sbs["parent"].to_dict()).values()) == set(sbs["parent"])
    assert sectors.top_groups({"a": None, "b": ""}) == {}


def test_space_without_sectors_keeps_red_specialisations(client):
    spec = page_data(settled(client, "/datasets/us-state-industry/space?region=06"))["charts"][
        "space"
    ]
    assert not any(s["name"] == "group" for s in spec["scales"])
    assert spec["legends"][0]["fill"] == "colour"  # specialised (red) / not specialised
    assert sum(1 for n in spec["data"][0]["values"] if n["label"]) == 20  # 20 nodes: all


@browser_only
def test_world_trade_space_is_readable(browser, wide_server):  # noqa: F811
    with open_page(browser, wide_server) as page:
        page.goto(page.base + f"{WORLD}/space?lang=en")
        # the layout of 785 nodes may be computed on the first visit: the page waits for it,
        # reloading itself
        drawn(page, "space", timeout=180_000)
        svg = "#chart-space svg"
        assert page.locator(f"{svg} g.nodes path").count() == 785
        legend = page.locator(f"{svg} g.role-legend-label text").all_text_contents()
        assert "Machinery and transport equipment" in legend and len(legend) == 10
        labels_ = text_boxes(page, f"{svg} g.labels text")
        assert 15 <= len(labels_) <= 25, len(labels_)
        assert not overlapping(labels_), overlapping(labels_)
        # the labels are the largest activities' names (the 20 largest, spread out)
        assert any(b["text"].startswith("Crude petroleum") for b in labels_)
        page.locator("#chart-space").scroll_into_view_if_needed()
        shot(page, "space-world-trade")
        # a region: its specialisations as outlined diamonds in their sector's colour
        page.goto(page.base + f"{WORLD}/space?region=NZL&lang=es")
        drawn(page, "space")
        outlined = page.locator(f"{svg} g.nodes path[stroke='#111']").count()
        assert outlined > 20
        shape_legend = page.locator(f"{svg} g.role-legend-label text").all_text_contents()
        assert "Sin especialización" in shape_legend
        shot(page, "space-world-trade-nzl")
