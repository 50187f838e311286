"""Crawl the whole platform as it ships: every bundled dataset, every page kind, both languages,
and every GET endpoint of the OpenAPI document. No answer may be a server error (5xx).

The page crawl starts at the home page and follows every link and every GET form (submitted
with the values it shows) that stays on the site. A dataset has hundreds of region and activity
pages built from the same route, so the crawl visits a bounded number of instances of each page
*kind* (route template with its query-parameter names, per dataset): every kind of page reachable
from home is opened, on every dataset, in English and in Spanish.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlparse

import pytest

from smartspec.datasets import list_datasets
from smartspec.domains.evidence.api.downloads import DOWNLOADS
from smartspec.domains.evidence.service import TABLES
from smartspec.services.api.exports import FORMATS
from smartspec.services.web.i18n import COOKIE

from .test_browser import CHROMIUM, browser, open_page  # noqa: F401 (the browser fixture)

BUNDLED = [str(name) for name in list_datasets()["name"]]
LANGS = ["en", "es"]
#: Measures that run a permutation null (minutes on the large panels): crawled on the smallest
#: bundled dataset only; the others on every dataset.
HEAVY_MEASURES = {"relatedness_validated"}
SMALLEST = "us-state-industry"
#: Instances of one page kind to open (different codes / query values).
PER_KIND = 2
#: Upper bound on requests per crawl, so that a link explosion fails loudly instead of hanging.
MAX_REQUESTS = 400
#: A missing value printed into a page instead of a blank.
LEAKED = re.compile(r">\s*(nan|NaN|None|<NA>|NaT)\s*<")


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory):
    """The platform on every bundled dataset, as `smartspec serve` starts it."""
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("crawl"))
    yield app
    app.close()


@pytest.fixture(scope="module")
def http(platform):
    return platform.client(raise_server_exceptions=False)


class _Page(HTMLParser):
    """Links (``a[href]``) and GET forms with their default values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = (a.get("action", ""), [])
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form[1].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif self._select is not None and tag == "option":
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            if self._select_value is not None:
                self._form[1].append((self._select, self._select_value))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _kind(path: str, query: str) -> tuple[str, tuple[str, ...]]:
    """The page kind of a URL: codes in the path replaced by '*', query names kept."""
    template = re.sub(r"/(regions|activities)/[^?]+", r"/\1/*", path)
    return template, tuple(sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)}))


def _targets(base: str, html: str) -> Iterator[str]:
    page = _Page()
    page.feed(html)
    for href in page.links:
        yield urljoin(base, href)
    for action, fields in page.forms:
        target = urljoin(base, action or base)
        yield target.split("?", 1)[0] + ("?" + urlencode(fields) if fields else "")


def crawl(http, start: str, lang: str, *, within: str | None = None) -> tuple[list[str], list]:
    """Breadth-first crawl from ``start``; returns (URLs opened, server errors)."""
    headers = {"accept": "text/html", "cookie": f"{COOKIE}={lang}"}
    seen_kinds: dict[tuple, int] = {}
    queue: deque[str] = deque([start])
    visited: set[str] = set()
    opened: list[str] = []
    errors: list[tuple[str, int, str]] = []
    while queue:
        url = queue.popleft()
        parts = urlparse(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        if parts.fragment and not parts.path:
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in visited or "lang=" in parts.query:
            continue
        if (
            local != start
            and within is not None
            and not local.startswith((within, "/static", "/api"))
        ):
            continue
        kind = _kind(parts.path, parts.query)
        if seen_kinds.get(kind, 0) >= PER_KIND:
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        visited.add(local)
        assert len(opened) < MAX_REQUESTS, f"crawl from {start} exceeded {MAX_REQUESTS} pages"
        r = http.get(local, headers=headers, follow_redirects=True)
        opened.append(local)
        if r.status_code >= 500:
            errors.append((local, r.status_code, r.text[:300]))
            continue
        if "text/html" in r.headers.get("content-type", ""):
            leaked = LEAKED.findall(r.text)
            if leaked:
                errors.append((local, r.status_code, f"missing values shown as {set(leaked)}"))
            queue.extend(_targets(f"http://testserver{local}", r.text))
    return opened, errors


@pytest.mark.parametrize("lang", LANGS)
def test_home_links_every_bundled_dataset(http, lang):
    opened, errors = crawl(http, "/", lang, within="/upload")
    assert not errors, errors
    r = http.get("/", headers={"accept": "text/html", "cookie": f"{COOKIE}={lang}"})
    assert r.status_code == 200
    assert f'<html lang="{lang}"' in r.text
    for name in BUNDLED:
        assert f'href="/datasets/{name}"' in r.text, f"home does not link {name}"
    assert "/upload" in opened


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("dataset", BUNDLED)
def test_crawl_every_page_kind_of_every_dataset(http, dataset, lang):
    opened, errors = crawl(http, f"/datasets/{dataset}", lang, within=f"/datasets/{dataset}")
    assert not errors, "errors:\n" + "\n".join(f"{s} {u}: {t}" for u, s, t in errors)
    kinds = {_kind(*urlparse(u)[2:5:2])[0] for u in opened}
    for page in ("", "/regions/*", "/activities/*"):
        assert f"/datasets/{dataset}{page}" in kinds, (page, sorted(kinds))


# ----------------------------------------------------------------------------- the API
def _get_operations(http) -> list[tuple[str, dict]]:
    doc = http.get("/api/openapi.json").json()
    return [(path, ops["get"]) for path, ops in doc["paths"].items() if "get" in ops]


def _first(http, dataset: str, axis: str) -> str:
    items = http.get(f"/api/v1/datasets/{dataset}/{axis}", params={"limit": 1}).json()["items"]
    return items[0]["code"]


def _fill(http, path: str, op: dict, dataset: str) -> list[str]:
    """Concrete URLs for a GET operation on ``dataset`` (each enumerated path value)."""
    values: dict[str, list[str]] = {}
    for p in op.get("parameters", []):
        if p.get("in") != "path":
            continue
        name, schema = p["name"], p.get("schema", {})
        if name in ("dataset", "dataset_id"):
            values[name] = [dataset]
        elif name in ("region", "code") and "/regions/" in path:
            values[name] = [_first(http, dataset, "regions")]
        elif name in ("activity", "code") and "/activities/" in path:
            values[name] = [_first(http, dataset, "activities")]
        elif name == "table":
            values[name] = list(TABLES)
        elif name == "filename":
            # every table as CSV, and one small table in every format
            values[name] = [f"{t}.csv" for t in DOWNLOADS] + [f"regions.{f}" for f in FORMATS]
        elif name == "name" and "/measures/" in path:
            values[name] = [
                m["name"]
                for m in http.get("/api/v1/indicators").json()["items"]
                if m["name"] not in HEAVY_MEASURES or dataset == SMALLEST
            ]
        elif name == "job_id":  # the jobs this crawl started, and one that does not exist
            values[name] = [j["id"] for j in http.get("/api/v1/jobs").json()["items"][:3]]
            values[name].append("no-such-job")
        elif name == "priority_id":  # a registry record, and one that does not exist
            values[name] = ["1", "2147483647"]
        elif name in ("region", "other") and path.startswith("/api/v1/benchmark/"):
            values[name] = ["ES21"] if name == "region" else ["DE21"]
        elif name == "example":  # every bundled value chain
            values[name] = [c["id"] for c in http.get("/api/v1/partners/chains").json()]
        elif name == "organisation_id":  # an organisation, and one that does not exist
            values[name] = ["1", "2147483647"]
        elif name == "review_id":  # a peer review, and one that does not exist
            values[name] = ["1", "2147483647"]
        elif name in ("strategy_id", "indicator_id"):  # a monitoring record, and none
            values[name] = ["1", "2147483647"]
        elif "enum" in schema:
            values[name] = [str(v) for v in schema["enum"]]
        else:
            raise AssertionError(f"no value for path parameter {name!r} of {path}: add it here")
    urls = [path]
    for name, choices in values.items():
        urls = [u.replace("{" + name + "}", v) for u in urls for v in choices]
    return urls


@pytest.mark.slow
@pytest.mark.parametrize("dataset", BUNDLED)
def test_every_get_endpoint_of_the_openapi_document(http, dataset):
    errors, checked = [], []
    for path, op in _get_operations(http):
        for url in _fill(http, path, op, dataset):
            r = http.get(url, params={"limit": 5} if "/measures/" in url else None)
            checked.append(url)
            if r.status_code >= 500:
                errors.append(f"{r.status_code} GET {url}: {r.text[:300]}")
    assert not errors, "\n".join(errors)
    assert any(f"/datasets/{dataset}/regions" in u for u in checked)


# ----------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def platform_server(platform):
    from .conftest import serving

    with serving(platform) as url:
        yield url


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("dataset", BUNDLED)
def test_main_pages_of_every_dataset_in_a_browser(browser, platform_server, http, dataset):  # noqa: F811
    """Dataset page (English, then Spanish) and a region and an activity page: every chart drawn
    or replaced by its table, no script error, no console error, nothing fetched from outside."""
    region = _first(http, dataset, "regions")
    activity = _first(http, dataset, "activities")
    pages = [
        (f"/datasets/{dataset}", "en"),
        (f"/datasets/{dataset}?lang=es", "es"),
        (f"/datasets/{dataset}/regions/{quote(region, safe='')}?lang=en", "en"),
        (f"/datasets/{dataset}/activities/{quote(activity, safe='')}", "en"),
    ]
    with open_page(browser, platform_server) as pg:
        for path, lang in pages:
            response = pg.goto(platform_server + path)
            assert response is not None and response.status == 200, (path, response)
            assert pg.locator("html").get_attribute("lang") == lang
            # every chart ends drawn (SVG) or marked failed with its table still in the page
            pg.wait_for_function(
                "() => [...document.querySelectorAll('[data-chart]')].every("
                "el => el.classList.contains('drawn') || el.classList.contains('failed'))",
                timeout=30_000,
            )
            failed = pg.locator("[data-chart].failed").count()
            assert failed == 0, f"{failed} chart(s) could not be drawn on {path}"


def test_missing_labels_are_null_in_json(http):
    """us-state-industry has names but no parents: ``parent`` is null, never NaN or 'nan'."""
    items = http.get("/api/v1/datasets/us-state-industry/regions").json()["items"]
    assert items and all(item["parent"] is None for item in items)
    assert all(isinstance(item["name"], str) and item["name"] for item in items)
    profile = http.get(f"/api/v1/datasets/us-state-industry/regions/{items[0]['code']}/profile")
    assert profile.status_code == 200 and profile.json()["parent"] is None
