"""One size limit for every upload path, enforced while reading, in bounded memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from smartspec.app import SmartSpecApp
from smartspec.services.server import running

LIMIT_MB = 1
ROW = b"A,x,1\n"
BOUNDARY = b"smartspec-test-boundary"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SmartSpecApp]]:
    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("limits"),
        datasets=[],
        settings={"max_upload_mb": LIMIT_MB},
    )
    with running(app) as url:
        yield url, app
    app.close()


@pytest.fixture(scope="module")
def editor(server: tuple[str, SmartSpecApp], login_cookie: Any) -> dict[str, str]:
    """The headers of a signed-in editor (its session cookie): who may upload."""
    name, value = login_cookie(server[1], "editor")
    return {"cookie": f"{name}={value}"}


def _multipart_chunks(size_mb: int) -> Iterator[bytes]:
    """A multipart upload streamed in 64 KiB chunks without a Content-Length (chunked)."""
    yield (
        b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; '
        b'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\ngeo,sector,jobs\n'
    )
    chunk = ROW * (65536 // len(ROW))
    for _ in range(size_mb * 16):
        yield chunk
    yield b"\r\n--" + BOUNDARY + b"--\r\n"


HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY.decode()}"}


def _nothing_stored(app: SmartSpecApp) -> None:
    assert app.store.list_datasets("uploaded") == []
    uploads = app.data_dir / "uploads"
    assert not [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else True


@pytest.mark.parametrize("path", ["/api/v1/datasets?region=geo", "/upload"])
def test_chunked_upload_over_the_limit_is_refused_while_reading(server, editor, path):
    url, app = server
    tracemalloc.start()
    r = httpx.post(
        url + path,
        content=_multipart_chunks(40),
        timeout=60,
        headers={**HEADERS, **editor, "accept": "text/html" if path == "/upload" else "*/*"},
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert r.status_code == 413, r.text[:300]
    if path == "/upload":
        assert r.headers["content-type"].startswith("text/html")
        assert "The file is too large" in r.text
    else:
        assert r.json()["error"]["type"] == "UploadTooLargeError"
    # 40 MB were offered; the server (in this process) held a bounded part of it
    assert peak < 12 * 2**20, f"{peak / 2**20:.0f} MiB held for a {LIMIT_MB} MB limit"
    _nothing_stored(app)


@pytest.mark.parametrize("path", ["/api/v1/datasets", "/upload"])
def test_declared_size_over_the_limit_is_refused_before_reading(server, editor, path):
    url, app = server
    body = b"".join(_multipart_chunks(3))
    r = httpx.post(url + path, content=body, headers={**HEADERS, **editor}, timeout=60)
    assert r.status_code == 413
    assert f"{len(body):,} bytes" in r.json()["error"]["found"]
    _nothing_stored(app)


def test_a_file_under_the_limit_is_accepted(server, editor, as_role):
    url, app = server
    r = httpx.post(
        url + "/api/v1/datasets",
        files={"file": ("ok.csv", b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n")},
        data={"region": "geo", "activity": "sector", "value": "jobs"},
        headers=editor,
        timeout=60,
    )
    assert r.status_code == 201, r.text
    client = as_role(app, "admin")
    assert client.delete(f"/api/v1/datasets/{r.json()['id']}").status_code == 204
