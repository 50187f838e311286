"""Stable error codes: every error class has its own, every code is documented, the API's error
answers and failed jobs carry it, and the dashboard explains the codes users meet."""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
import re
from pathlib import Path

import pytest

import smartspec
from smartspec.core.errors import (
    ERROR_CODES,
    SmartSpecError,
    UnknownRegionError,
    ValidationError,
)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "smartspec"


def _error_classes() -> list[type[SmartSpecError]]:
    """Every SmartSpecError subclass defined anywhere in the package (all modules imported)."""
    for mod in pkgutil.walk_packages(smartspec.__path__, "smartspec."):
        if mod.name.endswith(("__main__", "build_maps")):
            continue  # runs a command line / a build tool, not part of the platform
        try:
            importlib.import_module(mod.name)
        except ImportError:  # an optional extra that is not installed
            continue
    found: list[type[SmartSpecError]] = []
    todo = [SmartSpecError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.startswith("smartspec")]


CLASSES = _error_classes()


def test_the_classes_users_meet_are_all_found():
    names = {c.__name__ for c in CLASSES}
    assert {
        "ValidationError",
        "UnknownRegionError",
        "UnknownActivityError",
        "UnknownPeriodError",
        "UnknownDatasetError",
        "RequestError",
        "UploadTooLargeError",
        "ConflictError",
        "ComputeBudgetError",
        "JobQueueFullError",
        "UnknownTableError",
        "UnknownJobError",
    } <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_has_its_own_documented_code(cls):
    assert "code" in vars(cls), f"{cls.__name__} inherits its code instead of having its own"
    assert re.fullmatch(r"[a-z_]+", cls.code), cls.code
    assert cls.code in ERROR_CODES, cls.code


def test_class_codes_are_unique():
    codes = [c.code for c in CLASSES]
    assert len(codes) == len(set(codes)), sorted(codes)


def _code_arguments() -> list[tuple[str, str, str]]:
    """Every ``code="..."`` given to an error in the source: (file, raised class, code)."""
    out = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                    out.append((path.name, node.func.id, kw.value.value))
    return out


def test_every_specific_code_is_documented_and_under_its_class_code():
    by_name = {c.__name__: c for c in CLASSES}
    given = [(f, cls, code) for f, cls, code in _code_arguments() if cls in by_name]
    assert len(given) >= 6, given  # the raise sites that have a specific code
    for file, cls, code in given:
        assert code in ERROR_CODES, (file, code)
        assert code.split(".")[0] == by_name[cls].code, (file, cls, code)


def test_a_specific_code_overrides_the_class_code_and_survives_pickling():
    err = ValidationError("cannot tell", where="file 'x'", code="invalid.file_format")
    assert err.code == "invalid.file_format" and ValidationError.code == "invalid"
    assert ValidationError("other").code == "invalid"
    again = pickle.loads(pickle.dumps(err))  # uploads are read in a child process
    assert again.code == "invalid.file_format" and again.where == "file 'x'"
    assert err.to_dict()["code"] == "invalid.file_format"
    assert UnknownRegionError("gone").to_dict()["code"] == "unknown_region"


# ----------------------------------------------------------------------------- the API
fastapi = pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("codes"),
        datasets=["mx-tamaulipas"],
        settings={"max_page_size": 50},
    )
    yield app
    app.close()


@pytest.fixture(scope="module")
def client(app):
    return app.client(raise_server_exceptions=False)


@pytest.fixture(scope="module")
def admin_client(app, as_role):
    """A client acting as an administrator (uploads and deletes need an account)."""
    return as_role(app, "admin", raise_server_exceptions=False)


MX = "/api/v1/datasets/mx-tamaulipas"


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code"),
    [
        ("get", f"{MX}/regions/28999/profile", {}, 404, "unknown_region"),
        ("get", f"{MX}/activities/77/profile", {}, 404, "unknown_activity"),
        ("get", f"{MX}/regions/28032/profile", {"params": {"period": 1999}}, 404, "unknown_period"),
        ("get", "/api/v1/datasets/nope", {}, 404, "unknown_dataset"),
        ("get", f"{MX}/indicators/nope", {}, 404, "unknown_table"),
        ("get", "/api/v1/jobs/nope", {}, 404, "unknown_job"),
        (
            "get",
            f"{MX}/indicators/cells",
            {"params": {"limit": 51}},
            400,
            "bad_request.page_too_large",
        ),
        ("get", f"{MX}/indicators/cells", {"params": {"sort": "nope"}}, 400, "bad_request"),
        ("get", f"{MX}/regions", {"params": {"limit": "many"}}, 400, "bad_request.parameter"),
        (
            "get",
            f"{MX}/validation",
            {"params": {"base": 2018, "end": 2008}},
            400,
            "bad_request.period_order",
        ),
        ("delete", f"{MX}", {}, 409, "conflict"),
        ("get", "/api/v1/no/such/endpoint", {}, 404, "not_found"),
    ],
)
def test_error_answers_carry_their_code(client, admin_client, method, url, kwargs, status, code):
    r = getattr(admin_client if method == "delete" else client, method)(url, **kwargs)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code, error
    from smartspec.services.api.errors import error_codes

    assert code in error_codes()


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("jobs.xyz", b"r,a,v\nx,y,1\n", "invalid.file_format"),
        ("jobs.csv", b"r,a,v\nx,y,-1\n", "invalid.upload"),
        ("jobs.csv", b"r,a,nothing\nx,y,1\n", "invalid.upload"),
    ],
)
def test_upload_problems_have_their_codes(admin_client, filename, content, code):
    r = admin_client.post(
        "/api/v1/datasets",
        files={"file": (filename, content)},
        data={"region": "r", "activity": "a", "value": "v"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code


def test_the_openapi_error_shape_declares_the_code(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "code" in schema["ErrorBody"]["properties"]
    assert "code" in schema["JobError"]["properties"]


def test_a_failed_job_carries_its_code(tmp_path):
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(data_dir=tmp_path, datasets=["mx-tamaulipas"], settings={"job_memory_mb": 1})
    try:
        client = app.client()
        r = client.get(f"{MX}/validation", params={"base": 2008, "horizon": 2, "n_boot": 20})
        assert r.status_code == 422 and r.json()["error"]["code"] == "compute_budget"
        (job,) = client.get("/api/v1/jobs").json()["items"]
        assert job["error"]["code"] == "compute_budget"
    finally:
        app.close()


# ----------------------------------------------------------------------------- docs, pages
def test_every_code_is_documented_in_the_api_docs():
    from smartspec.services.api.errors import error_codes

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    rows = section.split("|---|---|---|", 1)[1]  # the table's rows, after its header
    listed = re.findall(r"^\| `([a-z_.]+)` \|", rows, re.M)
    assert sorted(listed) == sorted(error_codes())


def test_the_dashboard_explains_documented_codes_in_every_language():
    from smartspec.services.api.errors import error_codes
    from smartspec.services.web.i18n import languages, translations
    from smartspec.services.web.pages import ERROR_MESSAGES

    assert set(ERROR_MESSAGES) <= set(error_codes())
    users_meet = {
        "unknown_region",
        "unknown_activity",
        "unknown_period",
        "unknown_dataset",
        "bad_request",
        "bad_request.parameter",
        "invalid.upload",
        "invalid.file_format",
        "invalid.file_missing",
        "upload_too_large",
        "compute_budget",
        "queue_full",
    }
    assert users_meet <= set(ERROR_MESSAGES)
    for lang in languages():
        if lang == "en":
            continue
        tr = translations(lang)
        for code, message in ERROR_MESSAGES.items():
            assert tr.gettext(message) != message, (lang, code)
