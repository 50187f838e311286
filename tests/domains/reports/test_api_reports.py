"""``GET /api/v1/regions/{region}/report``: each format with its media type and file name, the
HTML's own security policy, the language, and the error answers (unknown dataset, region or
period; a format or language that does not exist); the dashboard's ``/report`` form."""

from __future__ import annotations

import io
from typing import Any

import pytest

URL = "/api/v1/regions/CZ06/report"
DATASET = "eu-nuts2-ardeco"


def test_formats_and_file_names(report_client: Any) -> None:
    r = report_client.get(URL, params={"dataset": DATASET, "lang": "es"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"] == (
        'inline; filename="smartspec-report-CZ06-eu-nuts2-ardeco-2019-es.html"'
    )
    assert r.headers["cache-control"] == "no-store"
    assert "script-src" not in r.headers["content-security-policy"]  # nothing runs
    assert "img-src data:" in r.headers["content-security-policy"]
    assert "Resultados de la revisión por pares" in r.text
    r = report_client.get(URL, params={"dataset": DATASET, "format": "xlsx", "period": "2015"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        'attachment; filename="smartspec-report-CZ06-eu-nuts2-ardeco-2015-en.xlsx"'
    )
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[:2] == ["About the report", "Key figures"]
    figures = {row[0].value: row[1].value for row in book["Key figures"].iter_rows(min_row=2)}
    assert figures["Period of the evidence"] == "2015"
    assert "Indicators by progress status" in book.sheetnames


def test_pdf(report_client: Any) -> None:
    r = report_client.get(URL, params={"dataset": DATASET, "format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert r.headers["content-disposition"].startswith("attachment; filename=")


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        (URL, {"dataset": "nope"}, 404, "unknown_dataset"),
        ("/api/v1/regions/XX99/report", {"dataset": DATASET}, 404, "unknown_region"),
        (URL, {"dataset": DATASET, "period": "1990"}, 404, "unknown_period"),
        (URL, {"dataset": DATASET, "format": "docx"}, 400, "bad_request.parameter"),
        (URL, {"dataset": DATASET, "lang": "fr"}, 400, "bad_request.parameter"),
        (URL, {}, 400, "bad_request.parameter"),
    ],
)
def test_errors(
    report_client: Any, path: str, params: dict[str, str], status: int, code: str
) -> None:
    r = report_client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_report_page_form_and_download(report_client: Any) -> None:
    r = report_client.get("/report", params={"lang": "es", "region": "CZ06"})
    assert r.status_code == 200
    assert 'id="report-form"' in r.text and 'value="CZ06"' in r.text
    assert "Qué contiene el informe" in r.text
    assert '<option value="eu-nuts2-ardeco" selected>' in r.text
    r = report_client.get(
        "/report",
        params={"build": "1", "region": "CZ06", "dataset": DATASET, "lang": "en", "format": "pdf"},
    )
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert "attachment" in r.headers["content-disposition"]
    r = report_client.get("/report", params={"build": "1", "region": "XX99", "dataset": DATASET})
    assert r.status_code == 404 and "XX99" in r.text


def test_private_platform_needs_an_account(
    tmp_path_factory: pytest.TempPathFactory, token_for: Any
) -> None:
    """On a private platform the report reads the registry with the account that asks: an
    anonymous request is refused (401), a viewer's token gets the report."""
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("reports-private"),
        datasets=[DATASET],
        settings={"public_read": False, "registry_example": False},
    )
    try:
        client = app.client(raise_server_exceptions=True)
        r = client.get(URL, params={"dataset": DATASET, "format": "xlsx"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
        headers = {"Authorization": f"Bearer {token_for(app, 'viewer')}"}
        r = client.get(URL, params={"dataset": DATASET, "format": "xlsx"}, headers=headers)
        assert r.status_code == 200 and r.content[:2] == b"PK"
    finally:
        app.close()
