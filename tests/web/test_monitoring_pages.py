"""The monitoring domain's dashboard pages (smartspec.domains.monitoring.pages) with the
in-process client, on a real app (SQLite store) with the registry's Czech example: every page
renders in English and Spanish, an editor builds a plan through the forms (objective, action,
indicator, starter indicators, values, targets, import) and the status follows the EU
performance-framework rule, the permission matrix of every form (login redirect, 403, CSRF
refusal: nothing stored), and the evaluation page's difference-in-differences."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.conftest import csrf_of, signed_clients

pytest.importorskip("fastapi")

#: The accounts of the permission matrix: (role, regions) or None for an anonymous visitor.
WHO: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anonymous": None,
    "viewer": ("viewer", ()),
    "editor": ("editor", ("CZ064",)),
    "other-editor": ("editor", ("CZ080",)),
    "admin": ("admin", ()),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("monitoring-pages"), datasets=["eu-nuts2-ardeco"]
    )
    assert load_example_once(app) is not None
    yield app
    app.close()


@pytest.fixture(scope="module")
def client_of(app: Any) -> Callable[[str], Any]:
    """A client (own cookies) signed in as one of :data:`WHO`, in English."""
    return signed_clients(app, WHO, follow_redirects=False)


def token(client: Any) -> str:
    """The CSRF token a browser gets with a form (the client keeps the cookie)."""
    return csrf_of(client, "/monitoring")


def strategy_of(app: Any, region: str) -> Any:
    return app.registry.list_strategies(None, region)[0]


def plan_of(app: Any, strategy_id: int) -> dict[str, Any]:
    from smartspec.domains.monitoring.actions import monitoring_of

    result: dict[str, Any] = monitoring_of(app).plan(None, strategy_id).to_dict()
    return result


def text(html: str) -> str:
    """The visible text of a page, tags removed, spaces collapsed."""
    import html as lib

    body = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", lib.unescape(re.sub(r"<[^>]+>", " ", body)))


INDICATOR = {
    "name": "Jobs in advanced manufacturing",
    "kind": "result",
    "unit": "persons",
    "definition": "Persons employed in NACE C26-C28",
    "source": "Czech Statistical Office",
    "direction": "higher",
    "baseline_year": "2020",
    "baseline_value": "100",
    "milestone_year": "2023",
    "milestone_value": "130",
    "target_year": "2027",
    "target_value": "200",
}


# ----------------------------------------------------------------------------- reading
@pytest.mark.parametrize(
    ("lang", "h1"),
    [("en", "Monitoring of the strategies"), ("es", "Seguimiento de las estrategias")],
)
def test_overview_renders_in_both_languages(client_of: Any, lang: str, h1: str) -> None:
    r = client_of("anonymous").get(f"/monitoring?lang={lang}")
    assert r.status_code == 200
    assert f'<html lang="{lang}"' in r.text
    assert f"<h1>{h1}</h1>" in r.text
    assert 'id="strategies-table"' in r.text and 'id="nav-monitoring"' in r.text
    assert r.headers["cache-control"] == "no-store"


def test_strategy_page_anonymous_has_no_forms(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    for lang in ("en", "es"):
        r = client_of("anonymous").get(f"/monitoring/strategies/{s.id}?lang={lang}")
        assert r.status_code == 200
        assert 'id="plan-tree"' in r.text
        assert 'id="objective-form"' not in r.text and 'id="indicator-form"' not in r.text
    assert "Lógica de intervención" in r.text  # Spanish: the tree's heading


def test_unknown_records_answer_404(client_of: Any) -> None:
    anonymous = client_of("anonymous")
    for path in ("/monitoring/strategies/999999", "/monitoring/indicators/999999"):
        r = anonymous.get(path)
        assert r.status_code == 404, path
        assert 'id="error-code"' in r.text
    assert anonymous.get("/monitoring/strategies/2147483648").status_code == 404


# ----------------------------------------------------------------------------- an editor
def test_editor_builds_a_plan_and_records_values(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    editor = client_of("editor")
    page = editor.get(f"/monitoring/strategies/{s.id}")
    assert 'id="objective-form"' in page.text and 'id="starter-form"' in page.text
    csrf = token(editor)
    base = f"/monitoring/strategies/{s.id}"
    priority = plan_of(app, s.id)["priorities"][0]["id"]
    r = editor.post(
        f"{base}/objectives",
        data={"csrf_token": csrf, "title": "More firms in advanced manufacturing",
              "priority_id": str(priority)},
    )  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"{base}?done=objective"
    objective = plan_of(app, s.id)["priorities"][0]["objectives"][0]
    assert objective["title"] == "More firms in advanced manufacturing"
    r = editor.post(
        f"{base}/actions",
        data={"csrf_token": csrf, "objective_id": str(objective["id"]),
              "title": "Innovation vouchers", "instrument": "vouchers", "budget": "1 500 000"},
    )  # fmt: skip
    assert r.status_code == 303
    action = plan_of(app, s.id)["priorities"][0]["objectives"][0]["actions"][0]
    assert (action["title"], action["budget"]) == ("Innovation vouchers", 1_500_000.0)
    place = f"{priority}/{objective['id']}/{action['id']}"
    r = editor.post(f"{base}/indicators", data={"csrf_token": csrf, "place": place, **INDICATOR})
    assert r.status_code == 303 and r.headers["location"].endswith("done=indicator")
    ind = plan_of(app, s.id)["indicators"][-1]
    assert ind["name"] == INDICATOR["name"] and ind["action_id"] == action["id"]
    assert ind["baseline"] == {"year": 2020, "value": 100.0}
    assert [(t["year"], t["value"], t["kind"]) for t in ind["targets"]] == [
        (2023, 130.0, "milestone"),
        (2027, 200.0, "target"),
    ]
    page = editor.get(f"{base}?done=indicator")
    assert 'id="done"' in page.text and "The indicator is added." in page.text
    row = re.search(rf'<tr id="indicator-row-{ind["id"]}">.*?</tr>', page.text, re.S)
    assert row is not None and "not assessable" in text(row.group(0))
    assert f'data-chart="indicator-{ind["id"]}"' in page.text  # the trajectory is drawn

    # 2025: planned 130 + (200 - 130) * 2/4 = 165; 150 is 50 of the 65 planned: 77 % -> at risk
    one = f"/monitoring/indicators/{ind['id']}"
    r = editor.post(one, data={"csrf_token": csrf, "action": "value", "year": "2025",
                               "value": "150", "note": "first count"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"{one}?done=value"
    page = editor.get(one)
    status = text(re.search(r'<p id="indicator-status">.*?</p>', page.text, re.S).group(0))
    assert "! at risk" in status and "77%" in status and "165" in status
    assert "entered by hand" in text(page.text) and "first count" in page.text
    # 160 is 60 of 65: 92 % -> on track, with its icon and word (never colour alone)
    editor.post(one, data={"csrf_token": csrf, "action": "value", "year": "2025",
                           "value": "160"})  # fmt: skip
    page = editor.get(one)
    assert "✓ on track" in text(re.search(r'<p id="indicator-status">.*?</p>', page.text,
                                          re.S).group(0))  # fmt: skip
    assert 'class="tag status status-on-track"' in page.text
    # the strategy page and the overview show the same status
    row = re.search(rf'<tr id="indicator-row-{ind["id"]}">.*?</tr>', editor.get(base).text, re.S)
    assert "✓ on track" in text(row.group(0)) and "92%" in text(row.group(0))
    overview = client_of("anonymous").get("/monitoring")
    assert INDICATOR["name"] in overview.text and "CZ064" in overview.text
    # as of 2024 the indicator has no value yet: not assessable
    earlier = client_of("anonymous").get("/monitoring", params={"year": "2024"}).text
    row = re.search(rf'<tr>(?:(?!</tr>).)*?/monitoring/indicators/{ind["id"]}".*?</tr>', earlier,
                    re.S)  # fmt: skip
    assert row is not None and "? not assessable" in text(row.group(0))

    # targets: the form replaces them; a value deleted goes
    r = editor.post(one, data={"csrf_token": csrf, "action": "targets",
                               "target_year_0": "2027", "target_value_0": "180",
                               "target_kind_0": "target"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].endswith("done=targets")
    after = plan_of(app, s.id)["indicators"][-1]
    assert [(t["year"], t["value"]) for t in after["targets"]] == [(2027, 180.0)]
    r = editor.post(one, data={"csrf_token": csrf, "action": "delete-value", "year": "2025"})
    assert r.status_code == 303
    assert plan_of(app, s.id)["indicators"][-1]["values"] == []


def test_a_refused_entry_keeps_what_was_typed(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    editor = client_of("editor")
    before = len(plan_of(app, s.id)["indicators"])
    wrong = {**INDICATOR, "name": "Half a milestone", "milestone_value": ""}
    r = editor.post(
        f"/monitoring/strategies/{s.id}/indicators", data={"csrf_token": token(editor), **wrong}
    )
    assert r.status_code == 422
    assert 'id="form-error"' in r.text and "the milestone needs both a year and a value" in r.text
    assert 'value="Half a milestone"' in r.text  # the form is shown again, filled
    assert '<details id="indicator-section" open>' in r.text
    assert len(plan_of(app, s.id)["indicators"]) == before


def test_starter_indicators_are_offered_not_imposed(app: Any, client_of: Any) -> None:
    from smartspec.domains.monitoring.starter import starter_set

    s = strategy_of(app, "CZ064")
    editor = client_of("editor")
    keys = [e["key"] for e in starter_set() if not e.get("computed")][:2]
    page = editor.get(f"/monitoring/strategies/{s.id}")
    boxes = re.findall(r'<input type="checkbox" name="key" value="([^"]+)"[^>]*>', page.text)
    assert set(keys) <= set(boxes) and "checked" not in "".join(
        re.findall(r'<input type="checkbox" name="key"[^>]*>', page.text)
    )
    before = {i["starter_key"] for i in plan_of(app, s.id)["indicators"]}
    r = editor.post(
        f"/monitoring/strategies/{s.id}/starter?lang=es",
        data={"csrf_token": token(editor), "key": keys},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=starter")
    after = plan_of(app, s.id)["indicators"]
    assert {i["starter_key"] for i in after} - before == set(keys)
    spanish = {e["key"]: e["name"]["es"] for e in starter_set()}
    assert {i["name"] for i in after if i["starter_key"] in keys} == {spanish[k] for k in keys}
    # the overview filtered by one starter indicator lists that indicator only
    overview = client_of("anonymous").get("/monitoring", params={"starter": keys[0]})
    names = re.findall(r'class="indicator-link">([^<]+)<', overview.text)
    assert names == [spanish[keys[0]]]
    assert f'<option value="{keys[0]}" selected>' in overview.text


def test_import_values_dry_run_then_stored(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    editor = client_of("editor")
    csrf = token(editor)
    ind = plan_of(app, s.id)["indicators"][0]
    csv = f"indicator_id,year,value,note\n{ind['id']},2022,41.5,survey\n{ind['id']},2023,44,\n"
    url = f"/monitoring/strategies/{s.id}/import"
    files = {"file": ("values.csv", csv.encode(), "text/csv")}
    r = editor.post(url, data={"csrf_token": csrf, "dry_run": "1"}, files=files)
    assert r.status_code == 200
    assert 'id="dry-run-note"' in r.text and 'id="report-rows">2<' in r.text
    assert plan_of(app, s.id)["indicators"][0]["values"] == []
    r = editor.post(url, data={"csrf_token": csrf}, files=files)
    assert r.status_code == 200 and 'id="stored-note"' in r.text
    stored = plan_of(app, s.id)["indicators"][0]["values"]
    assert [(v["year"], v["value"], v["origin"]) for v in stored] == [
        (2022, 41.5, "import"),
        (2023, 44.0, "import"),
    ]
    bad = f"indicator_id,year,value\n{ind['id']},20x2,1\n"
    r = editor.post(
        url, data={"csrf_token": csrf}, files={"file": ("bad.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code in (400, 422) and 'id="problems-table"' in r.text
    assert len(plan_of(app, s.id)["indicators"][0]["values"]) == 2  # all or nothing
    page = editor.get(f"/monitoring/indicators/{ind['id']}")
    assert "imported from a file" in text(page.text)


def test_computed_indicator_through_the_form_then_deleted(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    editor = client_of("editor")
    csrf = token(editor)
    r = editor.post(
        f"/monitoring/strategies/{s.id}/indicators",
        data={"csrf_token": csrf, "name": "Share of industry", "kind": "context",
              "measure": "share", "dataset": "eu-nuts2-ardeco", "activities": "B-E",
              "period_from": "2010"},
    )  # fmt: skip
    assert r.status_code == 303, text(r.text)[:1500]
    ind = next(i for i in plan_of(app, s.id)["indicators"] if i["name"] == "Share of industry")
    assert ind["computed"]["measure"] == "share" and ind["computed"]["activities"] == ["B-E"]
    assert ind["values"] and {v["origin"] for v in ind["values"]} == {"computed"}
    assert min(v["year"] for v in ind["values"]) >= 2010
    one = f"/monitoring/indicators/{ind['id']}"
    page = editor.get(one)
    version = ind["values"][0]["data_version"]
    assert version and f"<code>{version}</code>" in page.text
    assert "computed from a dataset" in text(page.text)
    assert 'id="computed-note"' in page.text and 'id="value-form"' not in page.text
    link = re.search(r'id="evaluate-link" href="([^"]+)"', page.text)
    # the values end in 2019, before the 2021-2027 strategy: the link proposes 2014, the start
    # of the first smart specialisation strategies, which the values straddle
    assert link is not None and "region=CZ064" in link.group(1) and "start=2014" in link.group(1)
    # a stale version is refused (409) and nothing is deleted; the current one deletes it
    r = editor.post(one, data={"csrf_token": csrf, "action": "delete", "version": "99"})
    assert r.status_code == 409 and 'id="form-error"' in r.text
    r = editor.post(
        one, data={"csrf_token": csrf, "action": "delete", "version": str(ind["version"])}
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/monitoring/strategies/{s.id}?done=indicator-deleted"
    assert editor.get(one).status_code == 404


# ----------------------------------------------------------------------------- permissions
@pytest.mark.parametrize("name", ["anonymous", "viewer", "other-editor"])
def test_who_may_not_write_changes_nothing(app: Any, client_of: Any, name: str) -> None:
    s = strategy_of(app, "CZ064")
    client = client_of(name)
    before = plan_of(app, s.id)
    base = f"/monitoring/strategies/{s.id}"
    page = client.get(base)
    assert page.status_code == 200 and 'id="indicator-form"' not in page.text
    csrf = token(client)
    posts = [
        (f"{base}/objectives", {"title": "Not allowed"}),
        (f"{base}/indicators", {"name": "Not allowed", **INDICATOR}),
        (f"{base}/starter", {"key": "x"}),
    ]
    if before["indicators"]:
        posts.append((
            f"/monitoring/indicators/{before['indicators'][0]['id']}",
            {"action": "value", "year": "2024", "value": "1"},
        ))  # fmt: skip
    for url, data in posts:
        r = client.post(url, data={"csrf_token": csrf, **data})
        if name == "anonymous":
            assert r.status_code == 303, url
            back = url.rsplit("/", 1)[0] if "/strategies/" in url else url
            assert r.headers["location"].startswith("/login?next=")
            assert back.replace("/", "%2F") in r.headers["location"]
        else:
            assert r.status_code == 403, url
            assert "Not allowed" in r.text and 'id="error-code">forbidden<' in r.text
    assert plan_of(app, s.id) == before


def test_every_post_checks_the_csrf_token_first(app: Any, client_of: Any) -> None:
    s = strategy_of(app, "CZ064")
    before = plan_of(app, s.id)
    for name in ("editor", "anonymous"):
        client = client_of(name)
        for url in (
            f"/monitoring/strategies/{s.id}/objectives",
            f"/monitoring/strategies/{s.id}/import",
            "/monitoring/indicators/1",
        ):
            r = client.post(url, data={"title": "No token", "action": "value"})
            assert r.status_code == 403, (name, url)
            assert "csrf" in r.text
    assert plan_of(app, s.id) == before


# ----------------------------------------------------------------------------- evaluation
def test_assumption_texts_match_the_method() -> None:
    from smartspec.domains.monitoring.evaluation import ASSUMPTIONS
    from smartspec.domains.monitoring.pages_evaluation import ASSUMPTION_TEXTS

    assert tuple(ASSUMPTION_TEXTS) == tuple(ASSUMPTIONS)


def test_caveats_are_said_in_the_page_language() -> None:
    """The caveats' templates are the pages' msgids (the same texts, by key); in Spanish a
    caveat is translated with its values, and one quoting English prose is marked as such."""
    from smartspec.domains.monitoring.evaluation import NOTES, say
    from smartspec.domains.monitoring.pages_evaluation import NOTE_TEXTS, spoken
    from smartspec.services.web.i18n import translations

    assert NOTE_TEXTS == NOTES
    tr = translations("es")
    said = spoken(
        [say("missing-years", region="CZ02"), say("benchmark", note="few regions match")], tr
    )
    assert said[0] == {"text": tr.gettext(NOTES["missing-years"]) % {"region": "CZ02"},
                       "english": False}  # fmt: skip
    assert said[0]["text"] != say("missing-years", region="CZ02")["text"]  # translated
    assert "CZ02" in said[0]["text"] and said[1]["english"] is True


def test_evaluation_page_form_and_estimate(client_of: Any) -> None:
    anonymous = client_of("anonymous")
    r = anonymous.get("/monitoring/evaluation?lang=es")
    assert r.status_code == 200 and 'id="evaluation-form"' in r.text
    assert 'id="estimate"' not in r.text
    query = {"region": "CZ08", "dataset": "eu-nuts2-ardeco", "measure": "employment",
             "activities": "B-E", "start": "2014", "controls": "5",
             "similarity": "structure", "lang": "en"}  # fmt: skip
    r = anonymous.get("/monitoring/evaluation", params=query)
    assert r.status_code == 200, text(r.text)[:2000]
    assert 'data-chart="event"' in r.text and 'id="means-table"' in r.text
    # the ATT shown is the 2x2 difference of the means in the event-study table, by hand
    rows = re.findall(
        r"<tr><td class=\"num\">(\d{4})</td><td class=\"num\">(-?\d+)</td>"
        r"<td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td>",
        r.text,
    )
    assert rows, "no event-study rows"
    years = [(int(y), float(t.replace(",", "")), float(c.replace(",", ""))) for y, _, t, c in rows]
    pre = [(t, c) for y, t, c in years if y < 2014]
    post = [(t, c) for y, t, c in years if y >= 2014]
    att = (sum(t for t, _ in post) / len(post) - sum(t for t, _ in pre) / len(pre)) - (
        sum(c for _, c in post) / len(post) - sum(c for _, c in pre) / len(pre)
    )
    shown = float(re.search(r'id="att">([^<]+)<', r.text).group(1).replace(",", ""))
    # the table shows one decimal (values near 190): each mean is within 0.05 of the exact one
    assert shown == pytest.approx(att, abs=0.06) and abs(shown) > 0.5
    assert "Parallel trends: without the strategy" in r.text  # assumptions next to the numbers
    assert 'id="caveats"' in r.text and 'id="placebo-p"' in r.text


def test_evaluation_refusal_is_shown_on_the_page(client_of: Any) -> None:
    r = client_of("anonymous").get(
        "/monitoring/evaluation",
        params={"region": "CZ08", "dataset": "eu-nuts2-ardeco", "measure": "share",
                "activities": "B-E", "start": "20x4"},
    )  # fmt: skip
    assert r.status_code == 422 and 'id="form-error"' in r.text and "start year" in r.text


# ----------------------------------------------------------------------------- chart specs
def test_progress_chart_draws_trajectory_and_values() -> None:
    from smartspec.domains.monitoring.pages import indicator_chart
    from smartspec.services.web.i18n import translations

    spec = indicator_chart(
        {"name": "Jobs", "unit": "persons", "baseline": {"year": 2020, "value": 100.0},
         "targets": [{"year": 2027, "value": 200.0, "kind": "target"},
                     {"year": 2023, "value": 130.0, "kind": "milestone"}],
         "values": [{"year": 2025, "value": 150.0}]},
        translations("es"),
    )  # fmt: skip
    assert spec is not None
    line, plan_points, recorded = spec["layer"]
    assert line["mark"]["type"] == "line"
    assert [(r["year"], r["value"]) for r in line["data"]["values"]] == [
        (2020, 100.0),
        (2023, 130.0),
        (2027, 200.0),
    ]
    kinds = [r["kind"] for r in plan_points["data"]["values"]]
    assert kinds == ["línea de base del indicador", "hito intermedio", "meta final"]
    assert [(r["year"], r["value"]) for r in recorded["data"]["values"]] == [(2025, 150.0)]
    assert recorded["encoding"]["shape"]["scale"]["range"] == ["circle", "square"]
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Valor del indicador (persons)"


# ----------------------------------------------------------------------------- Spanish
def test_spanish_pages_leave_no_interface_string_in_english(app: Any, client_of: Any) -> None:
    """Every interface string of the monitoring pages, forms included, is Spanish on a Spanish
    page (the check of tests/web/test_pages.py: a msgid whose Spanish differs must not show)."""
    from smartspec.domains.accounts.service import CLI_ACCOUNT
    from smartspec.domains.monitoring.actions import monitoring_of
    from smartspec.domains.monitoring.views import IndicatorIn, TargetIn

    from .test_pages import interface_strings, visible_text

    s = strategy_of(app, "CZ064")
    ind = monitoring_of(app).add_indicator(
        CLI_ACCOUNT,
        s.id,
        IndicatorIn(name="Empleo en manufactura avanzada", unit="personas",
                    baseline_year=2020, baseline_value=10.0,
                    targets=[TargetIn(year=2027, value=20.0, kind="target")]),
    )  # fmt: skip
    monitoring_of(app).record_value(CLI_ACCOUNT, ind.id, 2024, 13.0)
    strings = interface_strings()
    pages = [
        "/monitoring",
        f"/monitoring/strategies/{s.id}",
        f"/monitoring/indicators/{ind.id}",
        "/monitoring/evaluation?region=CZ08&dataset=eu-nuts2-ardeco&measure=employment"
        "&activities=B-E&start=2014&controls=4",
    ]
    for url in pages:
        r = client_of("editor").get(url + ("&" if "?" in url else "?") + "lang=es")
        assert r.status_code == 200, url
        # texts of the method and the data in English are marked lang="en": not interface
        text_es = visible_text(re.sub(r'<(\w+)[^>]*lang="en"[^>]*>.*?</\1>', " ", r.text))
        leftovers = [
            m for m in strings if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text_es)
        ]
        assert not leftovers, f"untranslated on {url}: {leftovers}"
    page = client_of("editor").get(f"/monitoring/indicators/{ind.id}?lang=es")
    assert "✗ desviado" in text(page.text)  # 3 of the 5.7 planned by 2024: 53 %
