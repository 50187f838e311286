"""schemathesis against the live OpenAPI document of a real server: zero 5xx, zero answers that
break the schema they declare, and the bounds the schema states are the ones the code enforces.

Bounded in time: a fixed number of generated cases per operation (``MAX_EXAMPLES``), on two small
bundled datasets; half of the cases that name a dataset are pointed at a real one, so that the
generated parameters reach the computations and not only the 404 for an unknown dataset.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator

import pytest

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
)

from smartspec.app import SmartSpecApp  # noqa: E402
from smartspec.services.server import running  # noqa: E402

DATASETS = ["us-state-industry", "mx-tamaulipas"]
MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# The document is the app's own, taken in-process; the cases are sent to a real server below.
_doc_dir = tempfile.TemporaryDirectory()
_doc_app = SmartSpecApp(data_dir=_doc_dir.name, datasets=[])
DOC = _doc_app.asgi().openapi()
_doc_app.close()
schema = schemathesis.openapi.from_dict(DOC)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = SmartSpecApp(data_dir=tmp_path_factory.mktemp("fuzz"), datasets=DATASETS)
    with running(app) as url:
        yield url
    app.close()


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_no_server_error_and_no_schema_violation(case, base_url):
    params = case.path_parameters or {}
    if "dataset" in params and zlib.crc32(repr(sorted((case.query or {}).items())).encode()) % 2:
        params["dataset"] = DATASETS[0]
    case.call_and_validate(base_url=base_url, checks=CHECKS)


def test_the_bounds_are_declared_in_the_document():
    """Limits the code enforces appear in the OpenAPI document (clients and fuzzers see them)."""
    params = {
        (path, p["name"]): p["schema"]
        for path, ops in DOC["paths"].items()
        if "get" in ops
        for p in ops["get"].get("parameters", [])
    }

    def bound(path: str, name: str) -> float | None:
        sch = params[(path, name)]
        options = sch.get("anyOf", [sch])
        return next((o["maximum"] for o in options if "maximum" in o), None)

    validation = "/api/v1/datasets/{dataset}/validation"
    assert bound(validation, "n_boot") == 500
    assert bound(validation, "persistence") is not None
    assert bound(validation, "horizon") is not None
    assert bound("/api/v1/datasets/{dataset}/regions", "limit") == 10_000
    assert bound("/api/v1/datasets/{dataset}/indicators/{table}", "limit") == 10_000
    assert bound(validation, "knn") is not None
