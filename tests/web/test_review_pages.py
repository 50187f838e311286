"""The review domain's dashboard pages (smartspec.domains.review.pages) with the in-process
client, on a real app (SQLite store) with the bundled Czech strategies: every page in English
and Spanish, who reads what, CSRF first, anonymous forms sent to the login page, wrong roles
answered 403, state buttons shown only to who may use them, a whole review through its forms
with the consolidated results computed by hand, and self-assessments with their charts."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.conftest import csrf_of, signed_clients

pytest.importorskip("fastapi")

#: The accounts of the tests: (role, regions) or None for an anonymous visitor.
WHO: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anonymous": None,
    "viewer": ("viewer", ()),
    "reviewer": ("reviewer", ()),
    "reviewer-es": ("reviewer", ("ES51",)),
    "reviewer-cz": ("reviewer", ("CZ064",)),
    "editor": ("editor", ("CZ064",)),
    "other-editor": ("editor", ("CZ080",)),
    "admin": ("admin", ()),
}
#: The regions of the Czech example the tests use.
OWN, OTHER, FLOW = "CZ064", "CZ080", "CZ072"


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, login_cookie: Callable[..., Any]
) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("review-pages"), datasets=[])
    load_example_once(app)
    for who in WHO.values():  # every test account exists before any page lists them
        if who is not None:
            login_cookie(app, *who)
    yield app
    app.close()


@pytest.fixture(scope="module")
def client_of(app: Any) -> Callable[[str], Any]:
    """A client (own cookies) signed in as one of :data:`WHO`, in English."""
    return signed_clients(app, WHO)


def token(client: Any) -> str:
    """The CSRF token a browser gets with a form (the client keeps the cookie)."""
    return csrf_of(client, "/reviews")


def strategy_of(app: Any, region: str) -> int:
    return int(app.registry.list_strategies(None, region)[0].id)


def account_id(app: Any, name: str) -> int:
    role, regions = WHO[name]  # type: ignore[misc]
    return int(app.__dict__["_test_accounts"][(role, tuple(sorted(regions)))]["view"].id)


def reviews(app: Any) -> Any:
    from smartspec.domains.review.actions import reviews_of

    return reviews_of(app)


def draft(app: Any, region: str) -> int:
    """A new draft review of ``region``'s strategy, made through the service as its editor."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    return int(reviews(app).create(CLI_ACCOUNT, strategy_of(app, region)).id)


def page_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert found, "the page has no #page-data block"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(
        path, data={"csrf_token": token(client), **(data or {})}, follow_redirects=False
    )


@pytest.fixture(scope="module")
def own_review(app: Any) -> int:
    """A draft review of CZ064 (the editor's region)."""
    return draft(app, OWN)


# ------------------------------------------------------------------------------ reading
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    "path",
    [
        "/reviews",
        "/reviews?state=draft&region=CZ064",
        "/reviews/{id}",
        "/self-assessment",
        "/self-assessment?regions=CZ064,CZ080",
    ],
)
def test_pages_render_in_both_languages(
    client_of: Callable[[str], Any], own_review: int, path: str, lang: str
) -> None:
    r = client_of("editor").get(path.replace("{id}", str(own_review)), params={"lang": lang})
    assert r.status_code == 200, r.text[:400]
    assert f'<html lang="{lang}">' in r.text
    expected = {
        "en": ("Peer review", "Self-assessment"),
        "es": ("Revisión por pares", "Autoevaluación"),
    }[lang]
    assert any(word in r.text for word in expected)
    assert 'id="nav-reviews"' in r.text


def test_spanish_review_page_shows_the_rubric_in_spanish(
    app: Any, client_of: Callable[[str], Any]
) -> None:
    review_id = draft(app, "CZ010")
    admin = client_of("admin")
    assert (
        post(admin, f"/reviews/{review_id}/invite", {"reviewer": "test-reviewer"}).status_code
        == 303
    )
    assert post(admin, f"/reviews/{review_id}/submit").status_code == 303
    assert post(admin, f"/reviews/{review_id}/start").status_code == 303
    html = client_of("reviewer").get(f"/reviews/{review_id}", params={"lang": "es"}).text
    assert "Activos regionales y base de conocimiento" in html  # the rubric's Spanish title
    assert "¿Analiza la estrategia la estructura económica" in html  # its guiding question
    assert "Guardar mis puntuaciones" in html
    assert "en revisión" in html


def test_anonymous_reads_completed_reviews_only(
    app: Any, client_of: Callable[[str], Any], own_review: int
) -> None:
    anonymous = client_of("anonymous")
    assert anonymous.get("/reviews").status_code == 200
    assert f'href="/reviews/{own_review}"' not in anonymous.get("/reviews").text  # a draft
    assert f'href="/reviews/{own_review}"' in client_of("editor").get("/reviews").text
    r = anonymous.get(f"/reviews/{own_review}", follow_redirects=False)
    assert (
        r.status_code == 303 and r.headers["location"] == f"/login?next=%2Freviews%2F{own_review}"
    )
    assert client_of("other-editor").get(f"/reviews/{own_review}").status_code == 403
    assert client_of("anonymous").get("/reviews/2147483647").status_code == 404
    assert client_of("anonymous").get("/self-assessment").status_code == 200


def test_new_review_form_only_for_editors(client_of: Callable[[str], Any]) -> None:
    for name in ("anonymous", "viewer", "reviewer"):
        assert 'id="new-review-form"' not in client_of(name).get("/reviews").text, name
    html = client_of("editor").get("/reviews").text
    assert 'id="new-review-form"' in html
    options = re.findall(r'<option value="(\d+)"[^>]*>([A-Z0-9]+) ·', html)
    assert {region for _, region in options} == {OWN}  # only the strategies it may edit


# ------------------------------------------------------------------------------ refusals
def test_csrf_is_checked_before_anything(
    app: Any, client_of: Callable[[str], Any], own_review: int
) -> None:
    editor = client_of("editor")
    for path in (f"/reviews/{own_review}/submit", "/reviews", "/self-assessment"):
        r = editor.post(path, data={"strategy_id": "1"}, follow_redirects=False)
        assert r.status_code == 403, path
    assert reviews(app).review(_cli(), own_review).state == "draft"


def _cli() -> Any:
    from smartspec.domains.accounts.service import CLI_ACCOUNT

    return CLI_ACCOUNT


@pytest.mark.parametrize(
    "path",
    [
        "/reviews",
        "/reviews/{id}/submit",
        "/reviews/{id}/invite",
        "/reviews/{id}/score",
        "/self-assessment",
    ],
)
def test_forms_send_anonymous_visitors_to_login(
    client_of: Callable[[str], Any], own_review: int, path: str
) -> None:
    target = path.replace("{id}", str(own_review))
    r = post(client_of("anonymous"), target, {"strategy_id": "1"})
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_wrong_roles_are_refused_with_403(
    app: Any, client_of: Callable[[str], Any], own_review: int
) -> None:
    own = strategy_of(app, OWN)
    for name in ("viewer", "reviewer", "other-editor"):
        client = client_of(name)
        assert post(client, "/reviews", {"strategy_id": str(own)}).status_code == 403, name
        assert post(client, f"/reviews/{own_review}/submit").status_code == 403, name
    answer = post(
        client_of("other-editor"),
        "/self-assessment",
        {"region": OWN, "year": "2025", "score-context-assets": "3"},
    )
    assert answer.status_code == 403
    assert reviews(app).review(_cli(), own_review).state == "draft"


def test_wrong_state_answers_409_on_the_review_page(
    client_of: Callable[[str], Any], own_review: int
) -> None:
    r = post(client_of("editor"), f"/reviews/{own_review}/complete")
    assert r.status_code == 409
    assert 'id="form-error"' in r.text and "draft" in r.text
    assert 'id="review-title"' in r.text  # the review page, with the error on it


def test_a_reviewer_of_the_region_cannot_be_invited(
    client_of: Callable[[str], Any], own_review: int
) -> None:
    editor = client_of("editor")
    html = editor.get(f"/reviews/{own_review}").text
    offered = re.findall(r'<option value="\d+">([^ <]+) \(', html)
    assert "test-reviewer" in offered and "test-reviewer-cz064" not in offered
    r = post(editor, f"/reviews/{own_review}/invite", {"reviewer": "test-reviewer-cz064"})
    assert r.status_code == 422
    assert "cannot review their own region" in r.text


# ------------------------------------------------------------------------------ a review
def buttons(html: str) -> set[str]:
    return set(re.findall(r'id="do-(submit|withdraw|start|complete)"', html))


def test_a_review_through_its_forms(app: Any, client_of: Callable[[str], Any]) -> None:
    from smartspec.domains.review.rubric import rubric

    admin = client_of("admin")
    created = post(
        admin, "/reviews", {"strategy_id": str(strategy_of(app, FLOW)), "note": "Look at step 4"}
    )
    assert created.status_code == 303
    review_id = int(re.search(r"/reviews/(\d+)\?done=created", created.headers["location"])[1])
    page = admin.get(created.headers["location"]).text
    assert "The review draft is created." in page
    assert re.search(r'id="review-note">Look at step 4<', page)
    assert buttons(page) == {"submit"}
    for name in ("viewer", "reviewer", "editor", "anonymous"):  # CZ072: not the editor's
        assert buttons(client_of(name).get(f"/reviews/{review_id}").text) == set(), name
    for who in ("reviewer", "reviewer-es"):
        r = post(admin, f"/reviews/{review_id}/invite", {"reviewer": str(account_id(app, who))})
        assert r.status_code == 303
    page = admin.get(f"/reviews/{review_id}").text
    assert page.count('class="invitee"') == 2
    assert post(admin, f"/reviews/{review_id}/submit").status_code == 303
    assert buttons(admin.get(f"/reviews/{review_id}").text) == {"withdraw", "start"}
    assert post(admin, f"/reviews/{review_id}/start").status_code == 303
    assert 'id="rubric-form"' not in admin.get(f"/reviews/{review_id}").text
    keys = rubric().keys
    first = {f"score-{k}": "4" for k in keys} | {"score-gg-body": "2", "comment-gg-body": "Thin"}
    second = {f"score-{k}": "na" for k in keys} | {"score-gg-body": "5", "score-gg-edp": "3"}
    for name, form in (("reviewer", first), ("reviewer-es", second)):
        client = client_of(name)
        html = client.get(f"/reviews/{review_id}").text
        assert 'id="rubric-form"' in html and buttons(html) == set()
        r = post(client, f"/reviews/{review_id}/score", form)
        assert r.status_code == 303, r.text[:300]
    again = client_of("reviewer").get(f"/reviews/{review_id}").text
    assert re.search(r'name="score-gg-body" value="2" checked', again)
    assert client_of("viewer").get(f"/reviews/{review_id}").status_code == 403
    assert post(client_of("reviewer"), f"/reviews/{review_id}/complete").status_code == 403
    context = [c.key for c in rubric().step("context").criteria]
    reviews(app).save_self_assessment(_cli(), FLOW, dict(zip(context, (1, 2, 3), strict=True)))
    assert post(admin, f"/reviews/{review_id}/complete").status_code == 303
    html = client_of("anonymous").get(f"/reviews/{review_id}").text
    assert buttons(html) == set() and 'id="rubric-form"' not in html
    assert "review completed" in html
    row = re.search(r'<tr id="result-gg-body">(.*?)</tr>', html, re.S)[1]  # type: ignore[index]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # scores 2 and 5: mean 3.5, sample standard deviation sqrt(((2-3.5)²+(5-3.5)²)/1) = 2.12
    assert cells == ["3.50", f"{math.sqrt(4.5):.2f}", "2", "5", "2"]
    assert "Thin" in row and "test-reviewer" not in row  # anonymised for readers
    edp = re.search(r'<tr id="result-gg-edp">(.*?)</tr>', html, re.S)[1]  # type: ignore[index]
    assert re.findall(r'<td class="num">([^<]*)</td>', edp)[0] == "3.50"  # 4 and 3
    charts = page_data(html)["charts"]
    assert set(charts) == {"radar", "spread"}
    points = charts["radar"]["layer"][-1]["data"]["values"]
    own = [p for p in points if p["series"].endswith("self-assessment")]
    assert [(p["step"], p["value"]) for p in own] == [("context", 2.0)]  # (1 + 2 + 3) / 3
    governance = next(
        p for p in points if p["step"] == "governance-2021" and p["series"].endswith("review")
    )
    # step mean = mean of its 7 criteria's means: 3.5 (gg-body), 3.5 (gg-edp), 4 x 5 others
    assert governance["value"] == pytest.approx((3.5 + 3.5 + 4 * 5) / 7)
    assert "2 reviewers from other regions are invited" in html  # names hidden from readers
    audit = html.split('id="audit-table"')[1]
    for note in ("review created", "submitted to the peers", "review started",
                 "review completed by the region"):  # fmt: skip
        assert f"<td>{note}</td>" in audit, note
    managed = admin.get(f"/reviews/{review_id}", params={"lang": "es"}).text
    trail = managed.split('id="audit-table"')[1]
    assert "revisor invitado: test-reviewer" in trail
    assert f"puntuaciones guardadas: {len(keys)} criterios" in trail


# ------------------------------------------------------------------------------ self-assessment
def test_self_assessment_form_radar_and_comparison(
    app: Any, client_of: Callable[[str], Any]
) -> None:
    from smartspec.domains.review.rubric import rubric

    assert 'id="self-form"' not in client_of("viewer").get("/self-assessment").text
    assert 'id="self-form"' not in client_of("reviewer").get("/self-assessment").text
    editor = client_of("editor")
    html = editor.get("/self-assessment").text
    assert 'id="self-form"' in html and f'name="region" value="{OWN}"' in html
    context = rubric().step("context").criteria
    answers = {f"score-{c.key}": str(v) for c, v in zip(context, (2, 3, 5), strict=True)}
    for year, extra in (("2024", {}), ("2025", {"score-vision-shared": "na"})):
        r = post(editor, "/self-assessment", {"region": OWN, "year": year, **answers, **extra})
        assert r.status_code == 303, r.text[:300]
        assert "done=saved" in r.headers["location"]
    other = client_of("other-editor")
    r = post(
        other, "/self-assessment", {"region": OTHER, "year": "2025", "score-context-assets": "1"}
    )
    assert r.status_code == 303
    html = client_of("anonymous").get("/self-assessment", params={"regions": f"{OWN},{OTHER}"}).text
    charts = page_data(html)["charts"]
    assert set(charts) == {"radar", "time"}
    points = charts["radar"]["layer"][-1]["data"]["values"]
    mine = {p["step"]: p["value"] for p in points if p["series"] == f"{OWN} 2025"}
    assert mine == {"context": pytest.approx((2 + 3 + 5) / 3)}  # n/a and unanswered left out
    assert {p["series"] for p in points} == {f"{OWN} 2025", f"{OTHER} 2025"}
    years = {(r["region"], r["year"]) for r in charts["time"]["data"]["values"]}
    assert years == {(OWN, 2024), (OWN, 2025), (OTHER, 2025)}
    spanish = (
        client_of("anonymous").get("/self-assessment", params={"regions": OWN, "lang": "es"}).text
    )
    assert "Autoevaluación" in spanish and "1. Análisis del contexto" in spanish


def test_self_assessment_errors_stay_on_the_form(client_of: Callable[[str], Any]) -> None:
    r = post(
        client_of("editor"),
        "/self-assessment",
        {"region": OWN, "year": "1850", "score-context-assets": "3"},
    )
    assert r.status_code == 422
    assert 'id="form-error"' in r.text and 'id="self-form"' in r.text


# ------------------------------------------------------------------------------ charts
def test_radar_geometry_and_rendering() -> None:
    from smartspec.domains.review import charts
    from smartspec.reports.charts import render

    steps = [{"key": k, "label": f"Step {k}"} for k in "abcd"]
    rows = [
        {"series": "R", "step": "a", "value": 4},
        {"series": "R", "step": "b", "value": None},  # n/a: left out of the polygon
        {"series": "R", "step": "c", "value": 2},
        {"series": "R", "step": "d", "value": 3},
    ]
    spec = charts.radar(rows, steps, title="T", score_label="Score")
    points = spec["layer"][-1]["data"]["values"]
    # four spokes: a up (θ = 0), b right, c down, d left; x = r·sin θ, y = r·cos θ
    assert [(p["step"], p["x"], p["y"]) for p in points] == [
        ("a", 0.0, 4.0),
        ("c", 0.0, -2.0),
        ("d", -3.0, 0.0),
    ]
    polygon = spec["layer"][-2]["data"]["values"]
    assert polygon[-1] == {**points[0], "order": 4}  # closed on its first vertex
    rings = spec["layer"][0]["data"]["values"]
    assert {(p["x"], p["y"]) for p in rings if p["ring"] == 5} == {
        (0.0, 5.0),
        (5.0, 0.0),
        (0.0, -5.0),
        (-5.0, 0.0),
    }
    assert render(spec).startswith("<svg")  # a valid Vega-Lite spec (compiled by vl-convert)


def test_criterion_spread_and_over_time_render() -> None:
    from smartspec.domains.review import charts
    from smartspec.reports.charts import render

    rows = [
        {"criterion": "C1", "step": "S", "mean": 4.5, "sd": 1.0, "min": 3.0, "max": 5.0, "n": 2},
        {"criterion": "C2", "step": "S", "mean": None, "sd": None, "min": None, "max": None,
         "n": 0},
    ]  # fmt: skip
    spec = charts.criterion_spread(
        rows, title="T", score_label="S", step_label="St", mean_label="M", sd_label="SD",
        range_label="R", n_label="n",
    )  # fmt: skip
    data = spec["data"]["values"]
    assert [(d["criterion"], d["low"], d["high"], d["range"]) for d in data] == [
        ("C1", 3.5, 5, "3–5")  # mean ± sd clipped to the 1-5 scale; C2 has no score
    ]
    assert render(spec).startswith("<svg")
    time = charts.over_time(
        [{"step": "S", "region": "A", "year": y, "value": v} for y, v in ((2024, 2.0), (2025, 3))],
        title="T", year_label="Y", score_label="S", region_label="R", step_order=["S"],
    )  # fmt: skip
    assert "width" not in time and time["spec"]["width"] == 190
    assert render(time).startswith("<svg")
