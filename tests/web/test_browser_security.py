"""Cross-site request forgery in a real headless Chromium: a page served on another local port
(another origin) posts to a real smartspec server, as a hostile web page would, and is refused.

Also: the dashboard's own pages draw their charts under the Content-Security-Policy (no inline
script, no eval, no inline style) without a single violation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from smartspec.app import SmartSpecApp

from .conftest import serving
from .test_browser import CHROMIUM, browser, drawn  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
    "with apt-get when run as root",
)

CSV = "geo,sector,jobs\\nA,x,1\\nA,y,2\\nB,x,3\\nB,y,1\\n"

#: The hostile page: a form to the dashboard's upload, and a script that posts to the API.
HOSTILE = """<!doctype html><html><head><meta charset="utf-8"><title>win a prize</title></head>
<body>
<form id="f" method="post" action="{target}/upload" enctype="multipart/form-data">
  <input name="region" value="geo"><input name="activity" value="sector">
  <input name="value" value="jobs"><input name="title" value="Planted by a form">
  <input id="file" name="file" type="file">
</form>
<script>
function api() {{
  var fd = new FormData();
  fd.append("file", new Blob(["{csv}"], {{type: "text/csv"}}), "planted.csv");
  fd.append("region", "geo"); fd.append("activity", "sector"); fd.append("value", "jobs");
  fd.append("title", "Planted by a script");
  return fetch("{target}/api/v1/datasets", {{method: "POST", body: fd, mode: "no-cors"}})
    .then(function () {{ return "sent"; }}, function (e) {{ return "failed: " + e; }});
}}
</script>
</body></html>"""


@contextmanager
def hostile_site(target: str) -> Iterator[str]:
    """A plain web server on another local port serving :data:`HOSTILE`."""
    body = HOSTILE.format(target=target, csv=CSV).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[tuple[str, SmartSpecApp]]:
    """A real smartspec server with one uploaded dataset (``victim``)."""
    app = SmartSpecApp(data_dir=tmp_path / "data", datasets=["us-state-industry"])
    app.add_dataset(
        CSV.replace("\\n", "\n").encode(),
        {"region": "geo", "activity": "sector", "value": "jobs"},
        "victim",
        filename="victim.csv",
    )
    with serving(app) as url:
        yield url, app
    app.close()


def test_a_page_of_another_origin_cannot_upload(browser, victim, tmp_path, login_cookie):  # noqa: F811
    """(A DELETE, or a JSON body, from another origin never leaves the browser without a CORS
    preflight, which the server does not grant; the API tests send those by hand.)"""
    url, app = victim
    name, value = login_cookie(app, "admin")  # the victim's browser is signed in
    signed_in = [{"name": name, "value": value, "url": url}]
    data = tmp_path / "planted.csv"
    data.write_text(CSV.replace("\\n", "\n"), encoding="utf-8")
    seen: list[tuple[str, int]] = []
    with hostile_site(url) as evil:
        context = browser.new_context()
        context.add_cookies(signed_in)
        page = context.new_page()
        page.on("response", lambda r: seen.append((f"{r.request.method} {r.url}", r.status)))
        page.goto(evil + "/")
        # a script: fetch() in no-cors mode, the classic blind write
        assert page.evaluate("api()") == "sent"
        page.wait_for_timeout(300)
        # a form: the browser navigates to the answer
        page.set_input_files("#file", str(data))
        with page.expect_navigation():
            page.evaluate("document.getElementById('f').submit()")
        assert page.url == url + "/upload"
        assert "Request from another site refused" in page.inner_text("h1")
        context.close()
    assert (f"POST {url}/api/v1/datasets", 403) in seen, seen
    assert (f"POST {url}/upload", 403) in seen, seen
    assert [d.id for d in app.store.list_datasets("uploaded")] == ["victim"]
    # the control: a write from the server's own origin goes through
    context = browser.new_context()
    context.add_cookies(signed_in)
    page = context.new_page()
    page.goto(url + "/api/docs")
    status = page.evaluate(
        "fetch('/api/v1/datasets/victim', {method: 'DELETE'}).then(function (r) {"
        " return r.status; })"
    )
    context.close()
    assert status == 204
    assert app.store.list_datasets("uploaded") == []


def test_charts_draw_under_the_content_security_policy(browser, live_server):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.sourceFile); });"
    )
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    response = page.goto(live_server + "/datasets/eu-nuts2-ardeco/regions/ES61?lang=en")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for chart in ("location", "specialisations", "opportunities"):
        drawn(page, chart)
    box = page.locator("#chart-location svg path").nth(10).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    context.close()
    assert not problems, problems
