"""One error shape for every failure, with the fitting status; the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from smartspec.app import SmartSpecApp

ERROR_KEYS = {"status", "type", "code", "message", "expected", "found", "where", "fix"}
NZ = "/api/v1/datasets/nz-urban-industry"


def _check_shape(r: Any, status: int, type_: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == ERROR_KEYS
    assert err["status"] == status
    assert isinstance(err["message"], str) and err["message"]
    for key in ("expected", "found", "where", "fix"):
        assert err[key] is None or isinstance(err[key], str)
    if type_ is not None:
        assert err["type"] == type_
    return err


@pytest.mark.parametrize(
    ("method", "url", "status", "type_"),
    [
        ("get", "/api/v1/datasets/nope", 404, "UnknownDatasetError"),
        ("get", f"{NZ}/regions/nowhere/profile", 404, "UnknownRegionError"),
        ("get", f"{NZ}/activities/ZZ999/profile", 404, "UnknownActivityError"),
        ("get", f"{NZ}/regions/020/profile?period=1900", 404, "UnknownPeriodError"),
        ("get", f"{NZ}/activities/AA111/profile?period=x", 404, "UnknownPeriodError"),
        ("get", f"{NZ}/network?period=1900", 404, "UnknownPeriodError"),
        ("get", f"{NZ}/network?region=nowhere", 404, "UnknownRegionError"),
        ("get", f"{NZ}/indicators/nope", 404, "UnknownTableError"),
        ("get", f"{NZ}/indicators/cells?period=1900", 404, "UnknownPeriodError"),
        ("get", f"{NZ}/indicators/cells?region=nowhere", 404, "UnknownRegionError"),
        ("get", f"{NZ}/indicators/cells?activity=ZZ", 404, "UnknownActivityError"),
        ("get", f"{NZ}/indicators/cells?sort=nope", 400, "RequestError"),
        ("get", f"{NZ}/indicators/regions?activity=AA111", 400, "RequestError"),
        ("get", f"{NZ}/indicators/regions?presence=1", 400, "RequestError"),
        ("get", f"{NZ}/indicators/cells?order=up", 400, "InvalidRequest"),
        ("get", f"{NZ}/indicators/cells?limit=0", 400, "InvalidRequest"),
        ("get", f"{NZ}/indicators/cells?limit=abc", 400, "InvalidRequest"),
        ("get", f"{NZ}/indicators/cells?offset=-1", 400, "InvalidRequest"),
        ("get", f"{NZ}/indicators/cells?limit=100000", 400, "InvalidRequest"),
        ("get", f"{NZ}/indicators/cells?format=pdf", 400, "InvalidRequest"),
        ("get", f"{NZ}/regions/020/profile?top=0", 400, "InvalidRequest"),
        ("get", f"{NZ}/regions/020/profile?rank_by=size", 400, "InvalidRequest"),
        ("get", f"{NZ}/regions/020/profile?profile=nope", 422, "ValidationError"),
        ("get", f"{NZ}/regions/020/profile?threshold=-1", 400, "InvalidRequest"),
        ("get", f"{NZ}/regions?limit=0", 400, "InvalidRequest"),
        ("get", f"{NZ}/downloads/cells.pdf", 404, "UnknownTableError"),
        ("get", f"{NZ}/downloads/nope.csv", 404, "UnknownTableError"),
        ("get", "/api/v1/nothing", 404, "NotFound"),
        ("get", "/api/v2/datasets", 404, "NotFound"),
        ("put", "/api/v1/datasets", 405, "MethodNotAllowed"),
        ("delete", "/api/v1/datasets/nz-urban-industry", 409, "ConflictError"),
        ("delete", "/api/v1/datasets/nope", 404, "UnknownDatasetError"),
        ("post", "/api/v1/datasets", 400, "InvalidRequest"),
    ],
)
def test_error_shape(
    client: Any, admin_client: Any, method: str, url: str, status: int, type_: str
) -> None:
    writer = admin_client if method in ("post", "delete") else client  # writes need an account
    err = _check_shape(getattr(writer, method)(url), status, type_)
    assert err["message"].endswith(".")


def test_error_fields_come_from_the_engine(client: Any) -> None:
    err = _check_shape(client.get(f"{NZ}/regions/020/profile?period=1900"), 404)
    assert err["expected"].startswith("one of 1976, 1981")
    assert err["found"] == "'1900'"
    err = _check_shape(client.get(f"{NZ}/regions/020/profile?profile=nope"), 422)
    assert err["expected"].startswith("one of ") and "atlas" in err["expected"]


def test_method_not_allowed_says_which(client: Any) -> None:
    err = _check_shape(client.put("/api/v1/datasets"), 405)
    assert "GET" in err["fix"] and "POST" in err["fix"]


def test_no_500_for_bad_input(client: Any) -> None:
    """A sweep of odd inputs on every GET endpoint: never a server error."""
    odd = ["", " ", "%", "..", "nan", "-1", "1e309", "ÿ", "a,b", "0" * 300]
    paths = [
        f"{NZ}/regions/{{x}}/profile?period={{x}}&top=3",
        f"{NZ}/activities/{{x}}/profile?period={{x}}",
        f"{NZ}/indicators/cells?period={{x}}&region={{x}}&sort={{x}}",
        f"{NZ}/indicators/{{x}}",
        f"{NZ}/network?region={{x}}&period={{x}}",
        f"{NZ}/compare?regions={{x}}&period={{x}}",
        f"{NZ}/regions?q={{x}}&parent={{x}}",
        f"{NZ}/downloads/{{x}}",
        "/api/v1/datasets/{x}",
        f"{NZ}/regions/020/profile?threshold={{x}}&knn={{x}}",
    ]
    from urllib.parse import quote

    for template in paths:
        for x in odd:
            url = template.replace("{x}", quote(x, safe=""))
            r = client.get(url)
            assert r.status_code < 500, (url, r.text)
            if r.status_code >= 400:
                _check_shape(r, r.status_code)


def test_unexpected_errors_keep_the_shape(
    make_app: Callable[..., SmartSpecApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(app.store, "list_datasets", broken)
    r = app.client(raise_server_exceptions=False).get("/api/v1/datasets")
    err = _check_shape(r, 500, "InternalError")
    assert "bug in smartspec" in err["message"]


# ------------------------------------------------------------------------------ OpenAPI
def test_openapi_documents_every_route(client: Any) -> None:
    from fastapi.routing import APIRoute

    from smartspec.services.api import API_PREFIX, routers

    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "smartspec"
    routes = [rt for router in routers() for rt in router.routes if isinstance(rt, APIRoute)]
    assert len(routes) >= 15
    for route in routes:
        path = API_PREFIX + route.path.replace(":path}", "}")
        assert path in doc["paths"], route.path
        for method in route.methods:
            op = doc["paths"][path][method.lower()]
            assert op.get("summary"), (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
    n_operations = sum(len(ops) for ops in doc["paths"].values())
    assert n_operations == sum(len(rt.methods) for rt in routes)
    # every path under /api/v1, nothing else (the pages of the dashboard stay out)
    assert all(p.startswith("/api/v1/") for p in doc["paths"])


def test_openapi_is_consistent(client: Any) -> None:
    doc = client.get("/api/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert "ErrorResponse" in schemas and "HTTPValidationError" not in schemas

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            out = [node["$ref"]] if "$ref" in node else []
            return out + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    for path, ops in doc["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] == "path":
                    assert "{" + param["name"] + "}" in path
            for code, resp in op["responses"].items():
                if code[0] in "45":
                    schema = resp["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (path, code)
    prof = doc["paths"]["/api/v1/datasets/{dataset}/regions/{code}/profile"]["get"]
    assert set(prof["responses"]) >= {"200", "400", "404", "422"}
    upload = doc["paths"]["/api/v1/datasets"]["post"]
    assert "413" in upload["responses"] and "201" in upload["responses"]


def test_docs_page_works_offline(client: Any) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200 and "/api/v1/health" in r.text
    assert "<script" not in r.text and "cdn" not in r.text.lower()
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_html_error_hook_for_pages(make_app: Callable[..., SmartSpecApp]) -> None:
    """The dashboard may render errors of its pages as HTML; the API stays JSON."""
    from fastapi.responses import HTMLResponse

    app = make_app()
    api = app.asgi()
    api.state.html_error = lambda request, error: HTMLResponse(
        f"<p>{error['message']}</p>", status_code=error["status"]
    )
    client = app.client()
    page = client.get("/no/such/page", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.text.startswith("<p>no such endpoint")
    api_err = client.get("/api/v1/datasets/nope", headers={"accept": "text/html"})
    assert api_err.headers["content-type"].startswith("application/json")
    _check_shape(api_err, 404, "UnknownDatasetError")
