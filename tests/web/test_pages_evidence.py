"""The evidence-in-depth pages: the framework on the region page, the validation page and the
concentration section of the dataset overview, in both languages."""

from __future__ import annotations

import re

import pytest

from .test_pages import ENGLISH, interface_strings, page_data, visible_text

ARDECO = "/datasets/eu-nuts2-ardeco"

NEW_PAGES = [
    f"{ARDECO}/validation",
    f"{ARDECO}/validation?base=2010&end=2019&score=density&score=pci&k=20",
    f"{ARDECO}/regions/ES61?cutoff=median",
    "/datasets/mx-tamaulipas/validation",
]


def no_english_left(html: str, url: str) -> None:
    text = visible_text(html)
    leftovers = [
        s for s in {*ENGLISH, *interface_strings()}
        if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
    ]  # fmt: skip
    assert not leftovers, f"untranslated on {url}: {leftovers}"


@pytest.mark.parametrize("url", NEW_PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_new_pages_render(client, url, lang):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}lang={lang}")
    assert r.status_code == 200, r.text[:500]
    assert f'<html lang="{lang}">' in r.text
    data = page_data(r.text)
    for key in data["charts"]:
        assert f'id="table-{key}"' in r.text, f"chart {key} has no table alternative"
    if lang == "es":
        no_english_left(r.text, url)


def test_region_page_uses_the_framework(client):
    html = client.get(f"{ARDECO}/regions/ES61?period=2019&lang=es").text
    api = client.get(f"/api/v1{ARDECO}/regions/ES61/framework", params={"period": 2019}).json()
    spec = page_data(html)["charts"]["opportunities"]
    points = next(layer for layer in spec["layer"] if layer["mark"].get("type") == "point")
    colour = points["encoding"]["color"]
    assert colour["field"] == "quadrant"
    assert colour["scale"]["domain"] == ["Más atractivas", "Seguras", "Ambiciosas",
                                         "Menos atractivas"]  # fmt: skip
    rules = [layer["encoding"] for layer in spec["layer"] if layer["mark"].get("type") == "rule"]
    assert rules[0]["x"]["datum"] == pytest.approx(api["cutoffs"]["density"])
    assert rules[1]["y"]["datum"] == pytest.approx(api["cutoffs"]["complexity"])
    texts = [layer["mark"].get("text") for layer in spec["layer"]]
    assert "Relacionadas y complejas: mejores apuestas" in texts  # corner labels, translated
    # every candidate is drawn with its quadrant; the tables per quadrant add up
    assert len(spec["data"]["values"]) == api["total"]
    for q in api["quadrants"]:
        body = re.search(rf'id="quadrant-{q["quadrant"]}">.*?<tbody>(.*?)</tbody>', html, re.S)
        assert body, q
        rows = body.group(1).count("<tr>")
        assert rows == max(q["count"], 1)
    assert 'id="f-cutoff"' in html and "Medias de las candidatas" in html
    # median cut-offs: the lines move to the medians
    med = page_data(client.get(f"{ARDECO}/regions/ES61?period=2019&cutoff=median").text)
    api_med = client.get(
        f"/api/v1{ARDECO}/regions/ES61/framework",
        params={"period": 2019, "density_cutoff": "median", "complexity_cutoff": "median"},
    ).json()
    layer = med["charts"]["opportunities"]["layer"][0]
    assert layer["encoding"]["x"]["datum"] == pytest.approx(api_med["cutoffs"]["density"])


def test_presence_is_worded_as_the_profile_defines_it(client):
    """atlas (the default profile) uses RCA > 1, as the Growth Lab's Stata package."""
    for url in (f"{ARDECO}/regions/ES61", f"{ARDECO}/compare?regions=ES61,ES30", "/",
                f"{ARDECO}/space?region=ES61"):  # fmt: skip
        sep = "&" if "?" in url else "?"
        en = client.get(f"{url}{sep}lang=en").text.replace("\\u003e", "&gt;")
        es = client.get(f"{url}{sep}lang=es").text.replace("\\u003e", "&gt;")
        assert "≥ 1" not in en and "≥ 1" not in es, url
        assert "RCA &gt; 1" in en, url
        assert "VCR &gt; 1" in es, url


def test_validation_page_content(client):
    html = client.get(f"{ARDECO}/validation?base=2000&end=2019&lang=en").text
    assert 'id="metrics-table"' in html
    body = re.search(r'id="metrics-table">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert body.count("<tr") == 4 and body.count('class="baseline"') == 2
    assert "Relatedness density" in body and "Random order" in body
    assert "How to read the results" in html
    data = page_data(html)
    spec = data["charts"]["curves"]
    assert [p["title"]["text"] for p in spec["hconcat"]] == ["ROC curve", "Precision-recall curve"]
    assert {v["curve"] for v in spec["data"]["values"]} == {"roc", "pr"}
    # the downloads are the API's answers
    links = re.findall(r'href="(/api/v1/datasets/eu-nuts2-ardeco/validation\?[^"]+)"', html)
    assert len(links) == 4
    for link in links:
        r = client.get(link.replace("&amp;", "&"))
        assert r.status_code == 200, link
    # Spanish: numbers with a decimal comma, the explanation translated
    es = client.get(f"{ARDECO}/validation?base=2000&end=2019&lang=es").text
    assert "Cómo leer los resultados" in es and "referencia" in es
    assert re.search(r'data-value="0\.\d+">0,\d{3}</td>', es)


def test_validation_page_errors_and_nav(client):
    bad = client.get(f"{ARDECO}/validation?base=2019&end=2001&lang=es")
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text and "La prueba retrospectiva no se puede ejecutar" in bad.text
    assert 'name="base"' in bad.text  # the form stays
    one = client.get("/datasets/us-state-industry/validation?lang=en").text
    assert "one period only" in one
    assert "/validation" not in re.search(r'<nav class="subnav".*?</nav>',
                                          client.get("/datasets/us-state-industry").text,
                                          re.S).group(0)  # fmt: skip
    nav = re.search(r'<nav class="subnav".*?</nav>', client.get(ARDECO).text, re.S).group(0)
    assert f'href="{ARDECO}/validation"' in nav


def test_overview_concentration_section(client):
    html = client.get(f"{ARDECO}?period=2019&lang=en").text
    assert 'id="concentration-table"' in html
    head = re.search(r'id="concentration-table">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    for label in ("Diversity", "ECI", "Krugman index", "Entropy"):
        assert label in head
    assert "Related variety" not in head  # ARDECO's A*10 sectors have no hierarchy
    assert "Related and unrelated variety are not shown" in html
    params = {"period": 2019, "region": "ES61"}
    api = client.get(f"/api/v1{ARDECO}/measures/krugman", params=params).json()
    value = api["items"][0]["krugman"]
    assert f'data-value="{value}"' in html
    es = client.get(f"{ARDECO}?period=2019&lang=es").text
    assert "Concentración y variedad" in es and "Índice de Krugman" in es


@pytest.fixture(scope="module")
def nz_client(tmp_path_factory):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("nz"), datasets=["nz-urban-industry"])
    yield app.client(raise_server_exceptions=True)
    app.close()


def test_overview_variety_with_an_activity_hierarchy(nz_client):
    html = nz_client.get("/datasets/nz-urban-industry?lang=en").text
    head = re.search(r'id="concentration-table">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert "Related variety" in head and "Unrelated variety" in head
    assert "parent categories in the dataset's classification" in html
    assert "measures/related_variety?period=2013&amp;groups=auto&format=csv" in html
