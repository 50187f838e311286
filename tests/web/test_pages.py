"""The dashboard pages through the in-process client: status, key elements, both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smartspec.services import web
from smartspec.services.web import i18n
from smartspec.services.web.maps import BOUNDARIES, MAPS, match_boundaries

from .conftest import UPLOAD_CSV, csrf_token

WEB = Path(web.__file__).parent

PAGES = [
    "/",
    "/?dataset=us-state-industry&indicator=rca&activity=51",
    "/datasets/eu-nuts2-ardeco",
    "/datasets/eu-nuts2-ardeco/regions/ES61",
    "/datasets/eu-nuts2-ardeco/space?region=ES61",
    "/datasets/eu-nuts2-ardeco/compare?regions=ES61,ES30",
    "/datasets/us-state-industry/regions/06",
    "/datasets/mx-tamaulipas",
    "/datasets/mx-tamaulipas/regions/28032",
    "/upload",
]

#: English interface strings that must not survive on a Spanish page.
ENGLISH = [
    "Skip to content", "Home", "Upload data", "Region profile", "Activity space",
    "Compare regions", "Show the data as a table", "Key figures", "Top specialisations",
    "Diversification opportunities", "Period", "Download this table", "Economic complexity",
    "Indicator map", "Datasets", "Relatedness density", "Licence",
]  # fmt: skip


def interface_strings() -> list[str]:
    """English interface strings (msgids without placeholders) whose Spanish differs."""
    t = i18n.translations("es")
    with i18n.catalogue_path("es").open("rb") as fh:
        from babel.messages.pofile import read_po

        ids = [m.id for m in read_po(fh) if isinstance(m.id, str) and m.id]
    return [m for m in ids if "%(" not in m and len(m) > 3 and t.gettext(m) != m]


def visible_text(html: str) -> str:
    """The page's text without scripts, tags and data that is not interface (lang="en")."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"<option.*?</option>", " ", html, flags=re.S)  # region / dataset names
    html = re.sub(r"<tbody>.*?</tbody>", " ", html, flags=re.S)  # data rows (names)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert m, "the page has no #page-data block"
    return json.loads(m.group(1))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_renders(client, url, lang):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}lang={lang}")
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert f'<html lang="{lang}">' in html
    assert 'class="skip" href="#main"' in html
    assert '<main id="main"' in html
    assert 'nav class="lang"' in html  # the language switcher on every page
    assert "https://" not in html.replace("https://vega.github.io/schema", "")  # no CDN
    assert '<script src="http' not in html and '<link rel="stylesheet" href="http' not in html
    data = page_data(html)
    for key, spec in data["charts"].items():
        assert f'data-chart="{key}"' in html
        assert f'id="table-{key}"' in html, f"chart {key} has no table alternative"
        assert spec.get("$schema", "").startswith("https://vega.github.io/schema/")
    if lang == "es":
        text = visible_text(html)
        leftovers = [
            s
            for s in {*ENGLISH, *interface_strings()}
            if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
        ]
        assert not leftovers, f"untranslated on {url}: {leftovers}"
        assert data["js"]["locale"]["decimal"] == ","
        assert all(v != k for k, v in data["js"]["strings"].items() if k != "Loading…")


def test_region_profile_content(client):
    html = client.get("/datasets/eu-nuts2-ardeco/regions/ES61?period=2019&lang=es").text
    assert "Andalucía" in html
    data = page_data(html)
    assert set(data["charts"]) == {"location", "specialisations", "opportunities", "eci"}
    assert data["charts"]["location"]["layer"][1]["transform"][0]["filter"] == "datum.id === 'ES61'"
    # Spanish number format: decimal comma in the key figures
    eci = re.search(r'<dd id="fig-eci">([^<]+)</dd>', html).group(1)
    assert re.fullmatch(r"−?-?\d+,\d\d", eci), eci
    # the opportunity chart has the four quadrants, translated
    texts = [layer["mark"].get("text") for layer in data["charts"]["opportunities"]["layer"]]
    assert "Relacionadas y complejas: mejores apuestas" in texts
    # sortable tables and download links
    assert 'class="sortable" id="spec-table"' in html
    assert "/api/v1/datasets/eu-nuts2-ardeco/indicators/cells?region=ES61&amp;period=2019" in html


def test_english_number_format(client):
    html = client.get("/datasets/eu-nuts2-ardeco/regions/ES61?period=2019&lang=en").text
    eci = re.search(r'<dd id="fig-eci">([^<]+)</dd>', html).group(1)
    assert re.fullmatch(r"-?\d+\.\d\d", eci), eci


def test_language_negotiation(client):
    # Accept-Language, then the cookie set by ?lang=, and ?lang= over both
    fresh = client.__class__(client.app, base_url=str(client.base_url))
    assert '<html lang="es">' in fresh.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert '<html lang="en">' in fresh.get("/", headers={"Accept-Language": "de, en;q=0.5"}).text
    r = fresh.get("/upload?lang=es")
    assert r.cookies.get(i18n.COOKIE) == "es"
    assert '<html lang="es">' in fresh.get("/upload").text  # the cookie is remembered
    assert '<html lang="en">' in fresh.get("/upload?lang=en").text
    # the switcher keeps the other query parameters
    html = fresh.get("/datasets/eu-nuts2-ardeco/compare?regions=ES61,ES30&lang=es").text
    assert 'href="/datasets/eu-nuts2-ardeco/compare?regions=ES61%2CES30&amp;lang=en"' in html


def test_no_shapes_notice(client):
    for lang, text in [("en", "No map is available"), ("es", "No hay mapa disponible")]:
        html = client.get(f"/datasets/mx-tamaulipas?lang={lang}").text
        assert text in html
        assert "regions-table" in html and "Nuevo Laredo" in html
        assert "map" not in page_data(html)["charts"]


def test_errors_are_pages_in_the_users_language(client):
    r = client.get("/datasets/eu-nuts2-ardeco/regions/XX99?lang=es")
    assert r.status_code == 404
    assert "Región desconocida" in r.text and "Cómo corregirlo" in r.text
    r = client.get("/datasets/no-such-data?lang=en")
    assert r.status_code == 404 and "Unknown dataset" in r.text


def test_region_picker_redirects(client):
    r = client.get("/datasets/eu-nuts2-ardeco/regions?region=ES30&period=2010",
                   follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/datasets/eu-nuts2-ardeco/regions/ES30?period=2010"


def test_upload_then_analysis_and_error(editor_client):
    client = editor_client
    r = client.post(
        "/upload?lang=es",
        files={"file": ("spain.csv", UPLOAD_CSV.encode(), "text/csv")},
        data={"region": "nuts", "activity": "sector", "value": "jobs", "period": "year",
              "title": "Spain test", "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text[:800]
    page = client.get(r.headers["location"] + "&lang=es")
    assert page.status_code == 200
    assert "Su conjunto de datos se ha subido y analizado." in page.text
    assert "map" in page_data(page.text)["charts"]  # NUTS codes found their shapes
    assert "Subido el" in page.text  # with the upload date, in Spanish
    assert ">Andalucía</a>" in page.text  # names of the NUTS shapes for bare codes
    bad = client.post(
        "/upload?lang=es",
        files={"file": ("bad.csv", UPLOAD_CSV.encode(), "text/csv")},
        data={
            "region": "nope",
            "activity": "sector",
            "value": "jobs",
            "period": "year",
            "csrf_token": csrf_token(client),
        },
    )
    assert bad.status_code in (400, 422)
    assert 'role="alert"' in bad.text and "Se esperaba" in bad.text
    assert 'value="nope"' in bad.text  # the form keeps what was typed


def test_static_assets_are_local_and_licensed():
    vendor = WEB / "static" / "vendor"
    for name in ("vega-5.33.1.min.js", "vega-lite-5.23.0.min.js", "vega-embed-6.29.0.min.js"):
        assert (vendor / name).stat().st_size > 10_000
    for name in ("LICENSE-vega.txt", "LICENSE-vega-lite.txt", "LICENSE-vega-embed.txt"):
        assert "Redistribution and use" in (vendor / name).read_text()
    assert "sourceMappingURL" not in (vendor / "vega-5.33.1.min.js").read_text()
    total = sum(p.stat().st_size for p in (WEB / "static").rglob("*") if p.is_file())
    assert total < 6 * 1024 * 1024
    sources = (MAPS / "SOURCES.md").read_text()
    for file, _ in BOUNDARIES.values():
        assert (MAPS / file).exists() and file.split("-")[0][:4] in sources


@pytest.mark.parametrize(
    ("codes", "hint", "key"),
    [
        (["ES61", "FR10", "DE21"], "nuts2021-2", "nuts2021-2"),
        (["HR04", "NO01", "NO03", "DE21"], "nuts2021-2", "nuts2016-2"),  # older codes
        (["DE", "FR", "ES"], None, "nuts2021-0"),
        (["06", "36", "48", "53"], None, "us-states"),
        (["CA", "NY", "TX", "WA", "FL"], None, "us-states"),  # postal codes
        ([f"{i:02d}" for i in range(1, 33)], None, "mx-states"),
        (["DEU", "MEX", "BRA", "CHN"], "world", "world"),
    ],
)
def test_boundary_matching(codes, hint, key):
    assert match_boundaries(codes, hint).key == key


def test_catalogues_are_complete():
    """Every message of the templates and the code has a translation in every language."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    msgids = {
        m[2] if isinstance(m[2], str) else m[2][0]
        for m in extract_from_dir(str(WEB), method_map, options_map=options)
    }
    assert len(msgids) > 100
    for lang in i18n.languages():
        if lang == i18n.DEFAULT:
            continue
        with i18n.catalogue_path(lang).open("rb") as fh:
            catalog = read_po(fh)
        missing = sorted(
            m for m in msgids
            if m not in catalog or not catalog[m].string
            or (isinstance(catalog[m].string, tuple) and not all(catalog[m].string))
            or catalog[m].fuzzy
        )  # fmt: skip
        assert not missing, f"{lang}: {len(missing)} untranslated: {missing[:10]}"
        for m in msgids:
            source = set(re.findall(r"%\((\w+)\)s", m))
            target = catalog[m].string
            for t in target if isinstance(target, tuple) else [target]:
                assert set(re.findall(r"%\((\w+)\)s", t)) == source, (lang, m)


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    fr = tmp_path / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Home"\nmsgstr "Accueil"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.languages.cache_clear()
    i18n.translations.cache_clear()
    try:
        assert i18n.languages() == ("fr",)
        assert i18n.translations("fr").gettext("Home") == "Accueil"
        assert i18n.Formatter("fr").number(1234.5, 1) == "1\u202f234,5"
    finally:
        i18n.languages.cache_clear()
        i18n.translations.cache_clear()
