"""The registry's dashboard pages (smartspec.domains.registry.pages) with the in-process client,
on a real app (SQLite store) with the bundled Czech example loaded: every page renders, search
folds accents, Spanish pages, the permission matrix of every write page, CSRF refusals (nothing
changed), the edit conflict page, suggested codes, and the import report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.conftest import csrf_of, signed_clients

pytest.importorskip("fastapi")

#: The roles of the permission matrix: (role, regions) or None for an anonymous visitor.
WHO: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "anonymous": None,
    "viewer": ("viewer", ()),
    "reviewer": ("reviewer", ()),
    "editor": ("editor", ("CZ064",)),
    "other-editor": ("editor", ("CZ080",)),
    "admin": ("admin", ()),
}
#: Who may change the records of CZ064 (the region of the priorities the tests edit).
WRITERS = {"editor", "admin"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.registry.actions import load_example_once

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("registry-pages"), datasets=["eu-nuts2-ardeco"]
    )
    report = load_example_once(app)
    assert report is not None and report.stored == 91
    yield app
    app.close()


@pytest.fixture(scope="module")
def client_of(app: Any) -> Callable[[str], Any]:
    """A client (own cookies) signed in as one of :data:`WHO`, in English."""
    return signed_clients(app, WHO)


def token(client: Any) -> str:
    """The CSRF token a browser gets with a form (the client keeps the cookie)."""
    return csrf_of(client, "/priorities")


def jhm(app: Any) -> Any:
    """A priority of Jihomoravský kraj (CZ064), fresh from the service."""
    return app.registry.region_priorities(None, "CZ064")[0]


def form_of(view: Any, **change: str) -> dict[str, str]:
    """The edit form's fields for ``view`` (as the page fills them), with ``change``."""
    fields = {
        "strategy_id": str(view.strategy_id),
        "region": view.region,
        "period": view.period,
        "title": view.title,
        "description": view.description,
        "language": view.language,
        "tags": "; ".join(view.tags),
        "version": str(view.version),
        "action": "save",
    }
    fields.update({f"codes_{s}": "; ".join(c) for s, c in view.codes.items()})
    fields.update(change)
    return fields


def csv_file(title: str, region: str = "CZ064", nace: str = "28") -> bytes:
    return (
        "region_code,strategy_period,priority_title,description,language,nace\n"
        f'{region},2021-2027,{title},"Imported in a test",en,{nace}\n'
    ).encode()


# ------------------------------------------------------------------------------ reading
@pytest.mark.parametrize(
    "path",
    [
        "/priorities",
        "/priorities?q=inovace&region=CZ064&page=1",
        "/priorities?code=nace:28&country=CZ&period=2021-2027",
        "/priorities/compare",
        "/priorities/compare?regions=CZ064,CZ080",
        "/regions/CZ064/strategy",
        "/regions/CZ064/strategy?by=text",
        "/regions/CZ080/strategy?by=both&dataset=eu-nuts2-ardeco",
    ],
)
def test_reading_pages_render(client_of: Callable[[str], Any], path: str) -> None:
    r = client_of("anonymous").get(path)
    assert r.status_code == 200, r.text[:400]
    assert r.headers["cache-control"] == "no-store"
    assert 'href="/priorities"' in r.text  # the header's link


def test_priority_and_history_pages(app: Any, client_of: Callable[[str], Any]) -> None:
    p = jhm(app)
    page = client_of("anonymous").get(f"/priorities/{p.id}").text
    assert p.title in page and "Jihomoravský kraj" in page
    assert "Computer programming, consultancy and related activities" in page  # code title
    assert f'href="/priorities/{p.id}/history"' in page
    assert f'href="/priorities/{p.id}/edit"' not in page  # an anonymous visitor may not edit
    assert f'href="/priorities/{p.id}/edit"' in client_of("editor").get(f"/priorities/{p.id}").text
    other = client_of("other-editor").get(f"/priorities/{p.id}").text
    assert "/edit" not in other.split("<main")[1]
    history = client_of("anonymous").get(f"/priorities/{p.id}/history").text
    assert 'id="version-1"' in history and "imported from a file" in history
    assert "restore-" not in history  # buttons for editors of the region only
    assert client_of("anonymous").get("/priorities/987654").status_code == 404
    assert client_of("anonymous").get("/priorities/98765432109876543210987").status_code == 404


def test_set_aside_code_is_shown_with_a_note(app: Any, client_of: Callable[[str], Any]) -> None:
    found = app.registry.search(None, q="Nové materiály", region="CZ080").items
    item = next(i for i in found if i.set_aside_codes)
    page = client_of("anonymous").get(f"/priorities/{item.id}").text
    assert 'id="set-aside"' in page and "<code>34</code>" in page


def test_search_folds_accents_and_case(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("anonymous")
    page = client.get("/priorities", params={"q": "inovace"}).text
    total = app.registry.search(None, q="inovace").total
    assert total > 0
    assert f"{total} priorities found" in page
    assert "Netechnické inovace podporující transformaci" in page
    folded = client.get("/priorities", params={"q": "LAZENSTVI"}).text
    assert "Lázeňství, balneologie a cestovní ruch" in folded
    none = client.get("/priorities", params={"q": "zzzqqq"}).text
    assert 'id="no-results"' in none and "0 priorities found" in none


def test_search_pages_and_export_links(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("anonymous")
    total = app.registry.search(None, country="CZ").total
    pages = -(-total // 25)
    first = client.get("/priorities", params={"country": "CZ"}).text
    assert f"Page 1 of {pages}" in first and 'id="next-page"' in first
    assert "/api/v1/priorities/export?country=CZ&amp;format=csv" in first
    last = client.get("/priorities", params={"country": "CZ", "page": str(pages)}).text
    assert 'id="prev-page"' in last and 'id="next-page"' not in last
    assert len(re.findall(r'class="priority-link"', last)) == total - (pages - 1) * 25
    export = client.get("/api/v1/priorities/export?country=CZ&region=CZ064&format=csv")
    assert export.status_code == 200 and "Aerospace" in export.text


def test_spanish_pages(app: Any, client_of: Callable[[str], Any]) -> None:
    client = app.client()
    page = client.get("/priorities", params={"lang": "es", "q": "inovace"}).text
    assert '<html lang="es">' in page
    assert "Prioridades declaradas" in page and "prioridades encontradas" in page
    strategy = client.get("/regions/CZ064/strategy", params={"lang": "es"}).text
    assert "Coherencia con la evidencia" in strategy and "respaldada por la evidencia" in strategy
    p = jhm(app)
    assert "Historial" in client.get(f"/priorities/{p.id}/history?lang=es").text


@pytest.mark.parametrize(
    "path",
    [
        "/priorities?q=inovace",
        "/priorities/compare?regions=CZ064,CZ080",
        "/regions/CZ064/strategy",
        "/priorities/new",
        "/priorities/import",
        "{id}",
        "{id}/history",
        "{id}/edit",
    ],
)
def test_spanish_pages_leave_no_english(
    app: Any, client_of: Callable[[str], Any], path: str
) -> None:
    from tests.web.test_pages import interface_strings, visible_text

    url = path.format(id=f"/priorities/{jhm(app).id}")
    html = client_of("admin").get(url, params={"lang": "es"}).text
    html = re.sub(r'<(?!html)(\w+)[^>]* lang="(en|cs)"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r'<ul class="priorities">.*?</ul>', " ", html, flags=re.S)  # record texts
    text = visible_text(html)
    leftovers = [
        s for s in interface_strings() if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
    ]
    assert not leftovers, leftovers


def test_strategy_page_coherence_and_similar(app: Any, client_of: Callable[[str], Any]) -> None:
    page = client_of("anonymous").get("/regions/CZ064/strategy").text
    assert 'id="coherence-table"' in page and 'data-chart="coherence"' in page
    assert '"charts": {"coherence"' in page  # the spec for app.js, no inline script
    assert "evidence-backed" in page and "Jihovýchod (CZ06)" in page  # the parent region
    assert 'id="coherence-caveats"' in page and 'id="coherence-rule"' in page
    assert "Jaccard" in page  # the similarity measure is stated
    assert "/priorities/compare?regions=CZ064%2C" in page
    assert client_of("anonymous").get("/regions/XX999/strategy").status_code == 404


def test_compare_page(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("anonymous")
    page = client.get("/priorities/compare", params={"regions": "CZ064,CZ080"}).text
    comparison = app.registry.compare(None, ["CZ064", "CZ080"])
    assert 'id="divisions-table"' in page
    for row in comparison.divisions:
        assert f"<code>{row.code}</code>" in page
    for shared in comparison.shared.get("nace", []):
        assert f"<code>{shared}</code>" in page.split('id="shared-codes"')[1]
    assert client.get("/priorities/compare", params={"regions": "CZ064"}).status_code == 400
    assert client.get("/priorities/compare", params={"regions": "CZ064,QQ1"}).status_code == 404


# ------------------------------------------------------------------------------ writing
def expected(name: str, allowed: bool, ok: int) -> int:
    if name == "anonymous":
        return 303
    return ok if allowed else 403


@pytest.mark.parametrize("name", list(WHO))
def test_permissions_of_the_forms(app: Any, client_of: Callable[[str], Any], name: str) -> None:
    client = client_of(name)
    p = jhm(app)
    writer = name in ("editor", "other-editor", "admin")  # any editor may add or import
    cases = [
        ("/priorities/new", expected(name, writer, 200)),
        (f"/priorities/{p.id}/edit", expected(name, name in WRITERS, 200)),
        ("/priorities/import", expected(name, writer, 200)),
    ]
    for path, status in cases:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == status, (name, path, r.text[:300])
        if status == 303:
            assert r.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("name", list(WHO))
def test_permissions_of_the_posts(app: Any, client_of: Callable[[str], Any], name: str) -> None:
    client = client_of(name)
    csrf = token(client)
    allowed = name in WRITERS
    before = app.registry.search(None, region="CZ064").total

    new = {
        "csrf_token": csrf,
        "region": "CZ064",
        "period": "2021-2027",
        "action": "save",
        "title": f"Hydrogen valleys ({name})",
        "language": "en",
        "codes_nace": "35; 20",
    }
    r = client.post("/priorities/new", data=new, follow_redirects=False)
    assert r.status_code == expected(name, allowed, 303), (name, r.text[:300])
    if allowed:
        assert re.fullmatch(r"/priorities/\d+\?done=created", r.headers["location"])
    after = app.registry.search(None, region="CZ064").total
    assert after == before + (1 if allowed else 0)

    p = jhm(app)
    edit = form_of(p, title=f"{p.title} ({name})", csrf_token=csrf)
    r = client.post(f"/priorities/{p.id}/edit", data=edit, follow_redirects=False)
    assert r.status_code == expected(name, allowed, 303), (name, r.text[:300])
    assert (jhm(app).title == edit["title"]) is allowed

    r = client.post(
        f"/priorities/{p.id}/restore",
        data={"csrf_token": csrf, "version": "1"},
        follow_redirects=False,
    )
    assert r.status_code == expected(name, allowed, 303), (name, r.text[:300])
    assert (jhm(app).title == p.title and jhm(app).version > p.version) is allowed

    r = client.post(
        "/priorities/import",
        data={"csrf_token": csrf, "invalid_codes": "refuse"},
        files={"file": ("mine.csv", csv_file(f"Imported for {name}"), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == expected(name, allowed, 200), (name, r.text[:300])
    stored = app.registry.search(None, q=f"Imported for {name}", region="CZ064").total
    assert stored == (1 if allowed else 0)


@pytest.mark.parametrize("name", ["anonymous", "viewer", "editor", "admin"])
def test_every_post_needs_the_csrf_token(
    app: Any, client_of: Callable[[str], Any], name: str
) -> None:
    client = client_of(name)
    p = jhm(app)
    total = app.registry.search(None).total
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/priorities/new", {"data": {"region": "CZ064", "period": "2021-2027", "title": "x"}}),
        (f"/priorities/{p.id}/edit", {"data": form_of(p, title="Changed without a token")}),
        (f"/priorities/{p.id}/restore", {"data": {"version": "1"}}),
        ("/priorities/import", {"files": {"file": ("f.csv", csv_file("No token"), "text/csv")}}),
    ]
    for path, body in posts:
        for bad in (None, "0" * 64):
            if bad is not None:
                body.setdefault("data", {})["csrf_token"] = bad
            r = client.post(path, follow_redirects=False, **body)
            assert r.status_code == 403, (path, r.status_code)
            assert "csrf" in r.text
    after = jhm(app)
    assert (after.title, after.version) == (p.title, p.version)
    assert app.registry.search(None).total == total


def test_edit_conflict_shows_both_versions(app: Any, client_of: Callable[[str], Any]) -> None:
    editor, admin = client_of("editor"), client_of("admin")
    p = jhm(app)
    # both open the form at the same version
    assert f'name="version" value="{p.version}"' in editor.get(f"/priorities/{p.id}/edit").text
    assert f'name="version" value="{p.version}"' in admin.get(f"/priorities/{p.id}/edit").text
    first = form_of(p, title="Software and IT services (first)", csrf_token=token(editor))
    r = editor.post(f"/priorities/{p.id}/edit", data=first, follow_redirects=False)
    assert r.status_code == 303
    second = form_of(p, title="Software and IT services (second)", csrf_token=token(admin))
    second["description"] = "My own longer description, not lost."
    r = admin.post(f"/priorities/{p.id}/edit", data=second, follow_redirects=False)
    assert r.status_code == 409
    page = r.text
    assert 'id="conflict"' in page
    assert "Software and IT services (first)" in page  # the stored version
    assert "Software and IT services (second)" in page  # yours, in the table and the form
    assert "My own longer description, not lost." in page
    assert f"version {p.version + 1}" in page
    stored = jhm(app)
    assert stored.title == "Software and IT services (first)" and stored.version == p.version + 1
    # the form now carries the stored version: saving again is a deliberate overwrite
    assert f'name="version" value="{p.version + 1}"' in page
    again = dict(second, version=str(p.version + 1))
    r = admin.post(f"/priorities/{p.id}/edit", data=again, follow_redirects=False)
    assert r.status_code == 303
    assert jhm(app).title == "Software and IT services (second)"


def test_unknown_code_returns_the_form(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("editor")
    p = jhm(app)
    data = form_of(p, title="Kept title", codes_nace="62; 34", csrf_token=token(client))
    r = client.post(f"/priorities/{p.id}/edit", data=data, follow_redirects=False)
    assert r.status_code == 422
    assert 'id="form-error"' in r.text and "invalid.code" in r.text
    assert 'value="Kept title"' in r.text and 'value="62; 34"' in r.text
    assert jhm(app).version == p.version


def test_suggested_codes_are_added_when_ticked(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("editor")
    csrf = token(client)
    data = {
        "csrf_token": csrf,
        "region": "CZ064",
        "period": "2021-2027",
        "language": "en",
        "title": "Software development and IT consulting",
        "action": "suggest",
    }
    before = app.registry.search(None, region="CZ064").total
    r = client.post("/priorities/new", data=data, follow_redirects=False)
    assert r.status_code == 200 and 'id="suggestions"' in r.text
    assert 'name="add_nace" value="62"' in r.text
    assert app.registry.search(None, region="CZ064").total == before  # nothing stored
    r = client.post(
        "/priorities/new", data={**data, "action": "save", "add_nace": "62"}, follow_redirects=False
    )
    assert r.status_code == 303
    new_id = int(r.headers["location"].split("/")[2].split("?")[0])
    assert app.registry.get_priority(None, new_id).codes == {"nace": ["62"]}


def test_import_report_of_a_malformed_file(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("admin")
    total = app.registry.search(None).total
    bad = (
        b"region_code,strategy_period,priority_title,nace\n"
        b"CZ064,2021-2027,Fine row,28\n"
        b"CZ064,2021-2027,Bad code row,34\n"
        b"CZ064,,No period,28\n"
    )
    r = client.post(
        "/priorities/import",
        data={"csrf_token": token(client), "invalid_codes": "refuse"},
        files={"file": ("bad.csv", bad, "text/csv")},
    )
    assert r.status_code == 422
    page = r.text
    assert 'id="problems-table"' in page and "nothing was stored" in page
    assert '<td class="num">3</td><td><code>nace</code></td>' in page
    assert '<td class="num">4</td><td><code>strategy_period</code></td>' in page
    assert app.registry.search(None).total == total
    garbage = client.post(
        "/priorities/import",
        data={"csrf_token": token(client)},
        files={"file": ("bad.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert garbage.status_code == 422 and 'id="import-error"' in garbage.text
    assert app.registry.search(None).total == total


def test_import_dry_run_and_set_aside(app: Any, client_of: Callable[[str], Any]) -> None:
    client = client_of("editor")
    total = app.registry.search(None).total
    r = client.post(
        "/priorities/import",
        data={"csrf_token": token(client), "dry_run": "1", "invalid_codes": "set-aside"},
        files={"file": ("dry.csv", csv_file("Dry run priority", nace="28; 34"), "text/csv")},
    )
    assert r.status_code == 200
    assert 'id="dry-run-note"' in r.text and 'id="set-aside-table"' in r.text
    assert 'id="report-rows">1<' in r.text and 'id="report-stored">0<' in r.text
    assert app.registry.search(None).total == total
