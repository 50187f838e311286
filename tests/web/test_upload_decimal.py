"""Uploads written with a decimal comma: the API's ``decimal`` form field, kept in the dataset's
mapping (so the stored file is read again the same way), and the upload page's "Decimal
separator" option in a real Chromium."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from smartspec.app import SmartSpecApp
from smartspec.io.readers import DECIMAL_COMMA_FIX

from .conftest import csrf_token, serving
from .test_browser import CHROMIUM, browser, open_page  # noqa: F401 (the browser fixture)

REGIONS = ["ES11", "ES21", "ES30", "ES51", "ES52", "ES61"]
SECTORS = ["agri", "manuf", "ict", "tourism"]


def _rows() -> list[tuple[str, str, float, int]]:
    return [
        (r, a, 1000 * (i + 1) + 10.5 * j + (2.25 if i == j else 0), y)
        for y in (2019, 2020)
        for i, r in enumerate(REGIONS)
        for j, a in enumerate(SECTORS)
    ]


def _es(x: float) -> str:
    whole, frac = f"{x:,.2f}".split(".")
    return whole.replace(",", ".") + "," + frac


#: Six Spanish regions x four sectors x two years, as Spanish Excel saves a CSV: fields
#: separated by ';', decimals by ',', thousands by '.' (every value is above 1000).
SPANISH_CSV = "nuts;sector;empleo;year\n" + "".join(
    f"{r};{a};{_es(v)};{y}\n" for r, a, v, y in _rows()
)
#: The same values with decimal points.
PLAIN_CSV = "nuts,sector,empleo,year\n" + "".join(f"{r},{a},{v},{y}\n" for r, a, v, y in _rows())
FIELDS = {"region": "nuts", "activity": "sector", "value": "empleo", "period": "year"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[SmartSpecApp]:
    a = SmartSpecApp(data_dir=tmp_path / "data", datasets=["us-state-industry"])
    yield a
    a.close()


def _post(client, text: str, name: str = "empleo.csv", **fields: str):
    return client.post(
        "/api/v1/datasets",
        files={"file": (name, io.BytesIO(text.encode()))},
        data={**FIELDS, **fields},
    )


def test_api_upload_with_decimal_comma(app: SmartSpecApp, tmp_path: Path, as_role) -> None:
    client = as_role(app, "editor")
    r = _post(client, SPANISH_CSV, title="Empleo ES", decimal=",")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["mapping"]["decimal"] == ","
    cells = client.get(f"/api/v1/datasets/{doc['id']}/downloads/data.csv").text
    got = pd.read_csv(io.StringIO(cells))
    got = got.rename(columns={got.columns[-1]: "read"})
    want = pd.read_csv(io.StringIO(PLAIN_CSV))
    merged = got.merge(
        want, left_on=["period", "region", "activity"], right_on=["year", "nuts", "sector"]
    )
    assert len(merged) == len(want) == len(got)
    assert (merged["read"] == merged["empleo"]).all()
    # the stored file is read again with its mapping by a new process on the same folder
    again = SmartSpecApp(data_dir=tmp_path / "data", datasets=["us-state-industry"])
    try:
        m = again.matrix(doc["id"])
        assert m.equals(app.matrix(doc["id"]))
        assert 1000 < float(m.to_long()["value"].min()) < 1010
    finally:
        again.close()


def test_api_upload_without_decimal_suggests_it(app: SmartSpecApp, as_role) -> None:
    r = _post(as_role(app, "editor"), SPANISH_CSV)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["message"].startswith("values must be numbers;")
    assert error["where"].startswith("file 'empleo.csv', column 'empleo', lines 2, 3")
    assert error["fix"] == DECIMAL_COMMA_FIX
    assert [d.id for d in app.catalogue()] == ["us-state-industry"]  # nothing stored


def test_api_refuses_other_separators(app: SmartSpecApp, as_role) -> None:
    r = _post(as_role(app, "editor"), PLAIN_CSV, decimal=";")
    assert r.status_code == 400, r.text
    assert r.json()["error"]["where"] == "form field 'decimal'"
    assert r.json()["error"]["expected"] == "expected '.' or ','"
    r = _post(as_role(app, "editor"), PLAIN_CSV, decimal=",")
    assert r.status_code == 422
    assert r.json()["error"]["message"].startswith(
        "values must be numbers written with a decimal comma;"
    )


def test_form_in_process(app: SmartSpecApp, login_cookie) -> None:
    client = app.client()
    client.cookies.set(*login_cookie(app, "editor"))  # a signed-in editor may upload
    html = client.get("/upload?lang=es").text
    assert "Separador decimal" in html and 'value=","' in html
    token = csrf_token(client)
    r = client.post(
        "/upload",
        files={"file": ("e.csv", SPANISH_CSV.encode())},
        data={**FIELDS, "title": "Form", "decimal": ",", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/datasets/form")
    assert app.dataset("form").mapping["decimal"] == ","


pytestmark_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


@pytestmark_browser
def test_browser_upload_with_comma(
    browser,  # noqa: F811
    app: SmartSpecApp,
    tmp_path: Path,
    login_cookie,
) -> None:
    data = tmp_path / "empleo.csv"
    data.write_text(SPANISH_CSV, encoding="utf-8")
    name, value = login_cookie(app, "editor")  # an editor's browser may upload
    with serving(app) as url, open_page(browser, url) as page:
        page.context.add_cookies([{"name": name, "value": value, "url": url}])
        page.goto(url + "/upload?lang=es")
        page.set_input_files("#f-file", str(data))
        page.fill("#f-title", "Empleo coma")
        for field, col in (
            ("region", "nuts"),
            ("activity", "sector"),
            ("value", "empleo"),
            ("period", "year"),
        ):
            page.fill(f"#f-col-{field}", col)
        # the point is the default: the upload fails with the hint towards the comma
        assert page.is_checked("#f-decimal-point")
        page.get_by_role("button", name="Subir y analizar").click()
        alert = page.get_by_role("alert")
        assert "--decimal ," in alert.inner_text()
        assert page.input_value("#f-col-value") == "empleo"  # the form is kept
        # choosing the comma (by its Spanish label) reads the file
        page.set_input_files("#f-file", str(data))
        page.get_by_label("coma (1.234,5)").check()
        page.get_by_role("button", name="Subir y analizar").click()
        page.wait_for_url(re.compile(r"/datasets/empleo-coma.*uploaded=1"))
        assert page.locator("#regions-table tbody tr").count() == len(REGIONS)
    assert app.dataset("empleo-coma").mapping["decimal"] == ","


@pytestmark_browser
def test_browser_comma_on_a_point_file_keeps_the_choice(
    browser,  # noqa: F811
    app: SmartSpecApp,
    tmp_path: Path,
    login_cookie,
) -> None:
    data = tmp_path / "points.csv"
    data.write_text(PLAIN_CSV, encoding="utf-8")
    name, value = login_cookie(app, "editor")  # an editor's browser may upload
    with serving(app) as url, open_page(browser, url) as page:
        page.context.add_cookies([{"name": name, "value": value, "url": url}])
        page.goto(url + "/upload?lang=en")
        page.set_input_files("#f-file", str(data))
        for field, col in (
            ("region", "nuts"),
            ("activity", "sector"),
            ("value", "empleo"),
            ("period", "year"),
        ):
            page.fill(f"#f-col-{field}", col)
        page.get_by_label("comma (1.234,5)").check()
        page.get_by_role("button", name="Upload and analyse").click()
        alert = page.get_by_role("alert").inner_text()
        assert "written with a decimal comma" in alert and "decimal point" in alert
        assert page.is_checked("#f-decimal-comma")
