"""Spanish beyond the interface: activity names in the page language, headings never half in
one language and half in another, and engine errors explained in the page language (by code)."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from smartspec.datasets import labels
from smartspec.services.web.pages import in_sentence

from .conftest import serving
from .test_browser import CHROMIUM, open_page

#: NACE divisions with Spanish names, SCIAN sectors (Spanish only), NZ groups (English only).
DATASETS = ["eu-nuts2-sbs", "mx-tamaulipas", "nz-urban-industry"]
HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("spanish"), datasets=DATASETS)
    yield app
    app.close()


@pytest.fixture(scope="module")
def client(app):
    return app.client(raise_server_exceptions=True)


def text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def h1_name(page: str) -> str:
    """The name in the page's heading (without the code beside it)."""
    m = re.search(r"<h1>(.*?)<span class=\"code\">", page, re.S)
    assert m, "no heading with a code"
    return text(m.group(1))


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page, re.S)
    assert m, "the page has no #page-data block"
    return json.loads(m.group(1))


def english_only(dataset: str) -> set[str]:
    """The dataset's English activity names that differ from their Spanish ones."""
    en, es = labels(dataset, "activity"), labels(dataset, "activity", lang="es")
    return {n for n, s in zip(en["name"], es["name"], strict=True) if n != s}


def found_in(page: str, names: set[str]) -> list[str]:
    """The names that appear in the page, as text or inside its JSON (charts)."""
    return sorted(
        n for n in names if htmllib.escape(n) in page or n in page or json.dumps(n)[1:-1] in page
    )


# ----------------------------------------------------------------------------- the API
def test_labels_route_gives_spanish_names_and_their_language(client):
    url = "/api/v1/datasets/eu-nuts2-sbs/activities"
    es = client.get(url, params={"lang": "es"}).json()["items"]
    en = client.get(url).json()["items"]
    assert len(es) == len(en) == 68
    by_code = {i["code"]: i for i in es}
    assert by_code["C21"]["name"] == "Fabricación de productos farmacéuticos"
    assert by_code["C10"]["name"] == "Industria de la alimentación"
    assert all(i["name_lang"] == "es" for i in es)
    assert {i["code"]: i["name"] for i in en}["C21"].startswith("Manufacture of basic pharma")
    assert all(i["name_lang"] == "en" for i in en)
    # search in the names of the language asked for
    found = client.get(url, params={"lang": "es", "q": "farmacéuticos"}).json()["items"]
    assert [i["code"] for i in found] == ["C21"]
    nz = client.get(
        "/api/v1/datasets/nz-urban-industry/activities", params={"lang": "es", "limit": 3}
    ).json()["items"]
    assert all(i["name_lang"] == "en" for i in nz)  # no Spanish source: English, said so
    bad = client.get(url, params={"lang": "fr"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request.parameter"


# ----------------------------------------------------------------------------- pages
def test_region_page_in_spanish_names_activities_in_spanish(client):
    page = client.get("/datasets/eu-nuts2-sbs/regions/ES30?lang=es").text
    es = labels("eu-nuts2-sbs", "activity", lang="es")["name"]
    links = re.findall(
        r'href="/datasets/eu-nuts2-sbs/activities/([A-Z]\d\d)\?[^"]*">([^<]+)</a>', page
    )
    assert len(links) >= 10
    for code, shown in links:
        assert htmllib.unescape(shown) == es[code], code
    assert found_in(page, english_only("eu-nuts2-sbs")) == []  # not even in the charts' data
    chart = page_data(page)["charts"]["specialisations"]
    assert {r["name"] for r in chart["data"]["values"]} <= set(es)


def test_activity_page_heading_and_map_title_are_spanish(client):
    page = client.get("/datasets/eu-nuts2-sbs/activities/C21?lang=es").text
    assert h1_name(page) == "Fabricación de productos farmacéuticos"
    assert "<title>Fabricación de productos farmacéuticos" in page
    title = re.search(r'<figcaption id="cap-map"[^>]*>(.*?)</figcaption>', page, re.S)
    assert title and re.fullmatch(
        r"Especialización en Fabricación de productos farmacéuticos \(VCR\) · \d{4}",
        text(title.group(1)),
    )
    assert page_data(page)["charts"]["map"]["title"] == (
        "Especialización en Fabricación de productos farmacéuticos (VCR)"
    )
    assert found_in(page, english_only("eu-nuts2-sbs")) == []
    english = client.get("/datasets/eu-nuts2-sbs/activities/C21?lang=en").text
    assert h1_name(english) == labels("eu-nuts2-sbs", "activity").loc["C21", "name"]


def test_scian_names_on_tamaulipas_pages(client):
    region = client.get("/datasets/mx-tamaulipas/regions/28032?lang=es").text
    assert h1_name(region) == "Reynosa"
    names = set(labels("mx-tamaulipas", "activity", lang="es")["name"])
    shown = {
        htmllib.unescape(n)
        for n in re.findall(
            r'href="/datasets/mx-tamaulipas/activities/[^"?]+\?[^"]*">([^<]+)</a>', region
        )
    }
    assert shown and shown <= names
    assert "Industrias manufactureras" in shown
    assert h1_name(client.get("/datasets/mx-tamaulipas/activities/21?lang=es").text) == "Minería"


@pytest.mark.parametrize(
    ("dataset", "code", "lang", "heading"),
    [
        ("eu-nuts2-sbs", "C21", "es", "Fabricación de productos farmacéuticos"),
        (
            "eu-nuts2-sbs",
            "C21",
            "en",
            "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
        ),
        ("nz-urban-industry", "AA131", "es", "«Dairy cattle farming»"),  # no Spanish name
        ("nz-urban-industry", "AA131", "en", "Dairy cattle farming"),
        ("mx-tamaulipas", "21", "es", "Minería"),
        ("mx-tamaulipas", "21", "en", "“Minería”"),  # no English name
    ],
)
def test_no_heading_mixes_two_languages(client, dataset, code, lang, heading):
    page = client.get(f"/datasets/{dataset}/activities/{code}?lang={lang}").text
    assert h1_name(page) == heading
    label = client.get(
        f"/api/v1/datasets/{dataset}/activities", params={"lang": lang, "q": code}
    ).json()["items"]
    item = next(i for i in label if i["code"] == code)
    assert heading == in_sentence(item["name"], item["name_lang"], lang)
    for caption in re.findall(r"<caption>(.*?)</caption>", page, re.S):
        if item["name"] in text(caption):
            assert heading in text(caption), caption


def test_home_map_label_in_spanish(client):
    page = client.get("/?dataset=eu-nuts2-sbs&indicator=rca&activity=C21&lang=es").text
    assert (
        "Especialización en una actividad (VCR): Fabricación de productos farmacéuticos"
        in htmllib.unescape(page)
    )


def test_uploaded_spanish_names_are_served_and_shown(tmp_path, login_cookie):
    from smartspec.app import SmartSpecApp, labels_path

    rows = "".join(
        f"R{r},Region {r},{a},{en},{es},{(r * 5 + i * 3) % 7 + 1}\n"
        for r in range(1, 5)
        for i, (a, en, es) in enumerate(
            [
                ("x", "Farming", "Agricultura"),
                ("y", "Software", "Programación"),
                ("z", "Tourism", ""),
            ]
        )  # no Spanish name for z
    )
    csv = "geo,geo_label,sector,sector_en,sector_es,jobs\n" + rows
    app = SmartSpecApp(data_dir=tmp_path, datasets=[])
    try:
        client = app.client()
        client.cookies.set(*login_cookie(app, "editor"))  # who may upload
        r = client.post(
            "/api/v1/datasets",
            files={"file": ("named.csv", csv.encode())},
            data={
                "region": "geo",
                "activity": "sector",
                "value": "jobs",
                "title": "Named",
                "region_name": "geo_label",
                "activity_name": "sector_en",
                "activity_name_es": "sector_es",
            },
        )
        assert r.status_code == 201, r.text
        sidecar = json.loads(labels_path(app.file_of(app.dataset("named"))).read_text())
        assert sidecar["activity_es"] == {"x": "Agricultura", "y": "Programación"}
        url = "/api/v1/datasets/named/activities"
        es = {
            i["code"]: (i["name"], i["name_lang"])
            for i in client.get(url, params={"lang": "es"}).json()["items"]
        }
        assert es == {
            "x": ("Agricultura", "es"),
            "y": ("Programación", "es"),
            "z": ("Tourism", None),
        }
        en = {i["code"]: (i["name"], i["name_lang"]) for i in client.get(url).json()["items"]}
        assert en == {"x": ("Farming", None), "y": ("Software", None), "z": ("Tourism", None)}
        assert h1_name(client.get("/datasets/named/activities/y?lang=es").text) == "Programación"
        assert h1_name(client.get("/datasets/named/activities/y?lang=en").text) == "Software"
    finally:
        app.close()


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("lang", "title", "meaning", "engine"),
    [
        (
            "es",
            "Región desconocida",
            "Esta región no está en el conjunto de datos.",
            "Detalles del motor de análisis",
        ),
        (
            "en",
            "Unknown region",
            "This region is not in the dataset.",
            "Details from the analysis engine",
        ),
    ],
)
def test_unknown_region_page_explains_the_error_in_the_page_language(
    client, lang, title, meaning, engine
):
    r = client.get(f"/datasets/eu-nuts2-sbs/regions/XX99?lang={lang}", headers=HTML)
    assert r.status_code == 404
    page = htmllib.unescape(r.text)
    assert f'<html lang="{lang}"' in page
    assert f"<h1>{title}</h1>" in page
    assert f'<p class="message" id="error-meaning">{meaning}</p>' in page
    assert engine in page  # the engine's own words follow, in English
    assert "the region 'XX99' is not in the data" in page
    assert "'XX99'" in page  # found: the details are still shown
    assert '<code id="error-code">unknown_region</code>' in page


def test_unknown_dataset_page_in_spanish(client):
    r = client.get("/datasets/nope?lang=es", headers=HTML)
    assert r.status_code == 404
    assert "No hay ningún conjunto de datos con este nombre en este servidor." in r.text
    assert '<code id="error-code">unknown_dataset</code>' in r.text


def test_upload_problem_explained_in_spanish(app, login_cookie):
    from .conftest import csrf_token

    client = app.client(raise_server_exceptions=True)
    client.cookies.set(*login_cookie(app, "editor"))  # who may upload
    r = client.post(
        "/upload?lang=es",
        files={"file": ("datos.xyz", b"a,b,c\n1,2,3\n", "text/plain")},
        data={"region": "a", "activity": "b", "value": "c", "csrf_token": csrf_token(client)},
    )
    assert r.status_code == 422
    page = htmllib.unescape(r.text)
    assert "El nombre del archivo no indica su formato" in page
    assert "invalid.file_format" in page
    assert "cannot tell the file format from the file name" in page  # the engine's words too


# ----------------------------------------------------------------------------- a browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_spanish_pages_in_a_browser(app):
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    with serving(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            with open_page(browser, base) as pg:
                pg.goto(f"{base}/datasets/eu-nuts2-sbs/activities/C21?lang=es")
                pg.wait_for_selector("#chart-map.drawn svg", timeout=15_000)
                assert pg.inner_text("h1").startswith("Fabricación de productos farmacéuticos")
                assert "Especialización en Fabricación de productos farmacéuticos (VCR)" in (
                    pg.inner_text("body")
                )
                pg.goto(f"{base}/datasets/eu-nuts2-sbs/regions/XX99?lang=es")
                assert pg.inner_text("h1") == "Región desconocida"
                assert pg.inner_text("#error-meaning") == (
                    "Esta región no está en el conjunto de datos."
                )
                assert pg.inner_text("#error-code") == "unknown_region"
        finally:
            browser.close()
