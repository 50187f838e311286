"""The region page's "Most likely next specialisations": the learned model's top five with their
probabilities and reasons in the page language (built from the factor codes, never from the
English explanation), and, where the dataset's default is density, why."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from smartspec.services.web.i18n import translations
from smartspec.services.web.next_specialisations import FACTOR_PHRASES, REASON_NOTES, reasons

NZ = "nz-urban-industry"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    # the page waits for the model's training (once per dataset) rather than showing progress
    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("next-specialisations"),
        datasets=[NZ, "mx-tamaulipas", "us-state-industry"],
        settings={"job_wait_s": 1200, "page_wait_s": 1200},
    )
    yield app
    app.close()


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[Any]:
    with app.client() as c:
        yield c


def text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def section(page: str) -> str:
    m = re.search(
        r'<section aria-labelledby="likely-heading" id="likely">(.*?)</section>', page, re.S
    )
    assert m, "no next-specialisations section"
    return m.group(1)


def rows(page: str) -> list[list[str]]:
    body = re.search(r'<table id="likely-table">.*?<tbody>(.*?)</tbody>', section(page), re.S)
    assert body, section(page)[:500]
    return [
        [text(td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def phrases(lang: str) -> list[str]:
    """The beginnings a reason may take in ``lang``."""
    tr = translations(lang)
    fixed = [tr.gettext(p) for p in FACTOR_PHRASES.values()]
    fixed.append(tr.gettext("no factor stands out from the typical candidate"))
    fixed.append(tr.gettext("related to your strengths in %(activities)s").split("%")[0])
    fixed.append(tr.gettext("common in regions like yours (%(regions)s)").split("(")[0])
    return fixed


def assert_reasons_in(cell: str, lang: str) -> None:
    for part in cell.split("; "):
        assert any(part.startswith(p) for p in phrases(lang)), (lang, part)


def learned_jobs(app: Any) -> int:
    return sum(j.kind == "learned" for j in app.jobs.all())


@pytest.fixture(scope="module")
def english(app: Any, client: Any) -> str:
    """The region page in English once the model is trained: the page offers the training
    (it never starts it by itself), ``?score=learned`` trains it, then every region shows it."""
    first = client.get(f"/datasets/{NZ}/regions/001", params={"lang": "en"})
    assert first.status_code == 200
    part = section(first.text)
    offer = re.search(r'<a href="([^"]+)" id="likely-train-link">', part)
    assert offer and "score=learned" in offer.group(1), part[:800]
    assert 'id="likely-table"' not in part and learned_jobs(app) == 0
    trained = client.get(htmllib.unescape(offer.group(1)))
    assert trained.status_code == 200 and 'id="likely-table"' in section(trained.text)
    assert learned_jobs(app) == 1
    r = client.get(f"/datasets/{NZ}/regions/001", params={"lang": "en"})
    assert r.status_code == 200 and 'id="likely-train-link"' not in r.text
    return r.text


def test_learned_section_in_english(app: Any, client: Any, english: str) -> None:
    part = section(english)
    assert "Most likely next specialisations" in part
    assert 'id="likely-pending"' not in part and 'id="likely-reason"' not in part
    table = rows(english)
    assert [r[0] for r in table] == ["1", "2", "3", "4", "5"]
    api = client.get(f"/api/v1/datasets/{NZ}/regions/001/recommendations").json()["items"]
    for row, item in zip(table, api, strict=True):
        assert row[1] == item["name"]
        assert row[2] == f"{item['probability'] * 100:.1f}%"
        assert_reasons_in(row[3], "en")
        if any(f["factor"] == "density" for f in item["factors"]) and item["related"]:
            assert row[3].startswith("related to your strengths in") or (
                "; related to your strengths in " in row[3]
            )
    assert "not SHAP values" in text(part) and "calibrated on earlier periods" in text(part)


def test_learned_section_in_spanish(client: Any, english: str) -> None:
    r = client.get(f"/datasets/{NZ}/regions/001", params={"lang": "es"})
    assert r.status_code == 200
    part = section(r.text)
    assert "Próximas especializaciones más probables" in part
    assert "no son valores SHAP" in text(part)
    api = client.get(f"/api/v1/datasets/{NZ}/regions/001/recommendations").json()["items"]
    for row, item in zip(rows(r.text), api, strict=True):
        assert re.fullmatch(r"\d+,\d\s?%", row[2]), row[2]  # decimal comma
        assert_reasons_in(row[3], "es")
        assert item["explanation"] not in row[3]  # never the English sentence
    # the English page's reasons, translated phrase by phrase
    assert [len(x[3].split("; ")) for x in rows(english)] == [
        len(x[3].split("; ")) for x in rows(r.text)
    ]


def test_reasons_are_built_from_factor_codes() -> None:
    item = {
        "factors": [
            {"factor": "density"},
            {"factor": "similar_density"},
            {"factor": "similar_rca"},
            {"factor": "pci", "direction": "below"},
        ],
        "related": [{"code": "A"}, {"code": "B"}],
        "similar": [{"code": "r1"}, {"code": "r2"}],
    }
    names = {"A": "Pesca", "B": "Industria química", "r1": "Reynosa", "r2": "Matamoros"}
    kw = {"activity": names.__getitem__, "region": names.__getitem__}
    assert reasons(item, tr=translations("es"), lang="es", **kw) == (
        "relacionada con sus fortalezas en Pesca e Industria química; común en regiones como la "
        "suya (Reynosa, Matamoros); su complejidad (ICP): menor que en una candidata típica"
    )
    assert reasons(item, tr=translations("en"), lang="en", **kw) == (
        "related to your strengths in Pesca and Industria química; common in regions like "
        "yours (Reynosa, Matamoros); its complexity (PCI): lower than for a typical candidate"
    )
    names["B"] = "Hierro"  # "hie-" is not an /i/ sound: "y" stays
    assert "Pesca y Hierro" in reasons(item, tr=translations("es"), lang="es", **kw)
    # without related activities or similar regions, the factors' own phrases
    bare = dict(item, related=[], similar=[])
    assert reasons(bare, tr=translations("es"), lang="es", **kw) == (
        "su relación con las especializaciones actuales de la región: mayor que en una "
        "candidata típica; la proporción de regiones parecidas especializadas en ella: mayor "
        "que en una candidata típica; su fuerza en regiones de perfil parecido: mayor que en "
        "una candidata típica; su complejidad (ICP): menor que en una candidata típica"
    )
    assert reasons({"factors": []}, tr=translations("en"), lang="en", **kw) == (
        "no factor stands out from the typical candidate"
    )


def test_every_factor_and_reason_is_translated() -> None:
    tr = translations("es")
    for message in [*FACTOR_PHRASES.values(), *REASON_NOTES.values()]:
        assert tr.gettext(message) != message, message


@pytest.mark.parametrize("lang", ["en", "es"])
def test_density_default_shows_why_and_a_link(client: Any, lang: str) -> None:
    page = client.get("/datasets/mx-tamaulipas/regions/28001", params={"lang": lang}).text
    part = section(page)
    tr = translations(lang)
    note = re.search(r'<p class="notice" role="note" id="likely-reason">(.*?)</p>', part, re.S)
    assert note and tr.gettext(REASON_NOTES["small_panel"]) in text(note.group(1))
    link = re.search(r'id="likely-learned-link"', part)
    assert link and "score=learned" in part
    assert 'id="likely-table"' not in part  # density is the default: no learned list


def test_one_period_dataset_explains_without_a_link(client: Any) -> None:
    part = section(client.get("/datasets/us-state-industry/regions/06?lang=es").text)
    assert translations("es").gettext(REASON_NOTES["one_period"]) in text(part)
    assert "score=learned" not in part and 'id="likely-table"' not in part


def test_another_region_reuses_the_trained_model(app: Any, client: Any, english: str) -> None:
    r = client.get(f"/datasets/{NZ}/regions/020", params={"lang": "es"})
    assert r.status_code == 200
    assert len(rows(r.text)) == 5
    assert learned_jobs(app) == 1


def test_every_factor_of_the_model_has_a_phrase() -> None:
    from smartspec.learn import FEATURES

    assert set(FACTOR_PHRASES) == set(FEATURES)


@pytest.mark.parametrize(
    ("lang", "axis", "column"),
    [
        ("en", "Probability of entry (learned model)", "Probability of entry"),
        ("es", "Probabilidad de entrada (modelo aprendido)", "Probabilidad de entrada"),
    ],
)
def test_framework_with_the_learned_probability_as_feasibility(
    app: Any, client: Any, english: str, lang: str, axis: str, column: str
) -> None:
    """The framework chart's first axis can be the learned probability (the trained model:
    no second job); the tables show the probability beside the density."""
    url = f"/datasets/{NZ}/regions/001"
    page = client.get(url, params={"lang": lang, "feasibility": "learned"})
    assert page.status_code == 200
    assert learned_jobs(app) == 1
    assert re.search(r'<option value="learned" selected>', page.text)
    assert 'id="feasibility-note"' in page.text
    assert f'"title": "{axis}"' in page.text  # the chart's axis title
    heads = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page.text, re.S)]
    assert column in heads
    api = client.get(
        f"/api/v1/datasets/{NZ}/regions/001/framework", params={"feasibility": "learned"}
    ).json()
    table = re.search(
        r'<table class="sortable" id="quadrant-high_density_high_complexity">'
        r".*?<tbody>(.*?)</tbody>",
        page.text,
        re.S,
    )
    assert table
    shares = [
        text(td) for td in re.findall(r'<td class="num" data-value="([0-9.e-]+)">', table.group(1))
    ]
    best = [c for c in api["candidates"] if c["quadrant"] == "high_density_high_complexity"]
    assert all(c["probability"] >= api["cutoffs"]["density"] for c in best)
    assert shares  # the probability column is filled
    plain = client.get(url, params={"lang": lang})
    assert 'id="feasibility-note"' not in plain.text
    assert f'"title": "{axis}"' not in plain.text


def test_one_period_dataset_has_no_feasibility_choice(client: Any) -> None:
    page = client.get("/datasets/us-state-industry/regions/06", params={"feasibility": "learned"})
    assert page.status_code == 200
    assert 'id="f-feasibility"' not in page.text and 'id="feasibility-note"' not in page.text


def test_learned_feasibility_shows_progress_while_the_model_trains(tmp_path: Any) -> None:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path,
        datasets=["mx-tamaulipas"],
        settings={"job_wait_s": 0, "page_wait_s": 0},
    )
    try:
        with app.client() as c:
            url = "/datasets/mx-tamaulipas/regions/28001"
            first = c.get(url, params={"feasibility": "learned"})
            assert first.status_code == 202  # the page that reloads by itself
            job = next(j for j in app.jobs.all() if j.kind == "learned")
            assert job.wait(300) and job.error is None
            done = c.get(url, params={"feasibility": "learned"})
            assert done.status_code == 200
            assert '"title": "Probability of entry (learned model)"' in done.text
    finally:
        app.close()
