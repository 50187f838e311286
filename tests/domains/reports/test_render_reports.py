"""Writing the region report: the HTML document is self-contained, the PDF (WeasyPrint) has
several A4 pages with the text in the report's language and charts and maps drawn (read back
with pypdfium2), the workbook (openpyxl) has a sheet per table with the service's numbers."""

from __future__ import annotations

import io
import math
import re
from typing import Any

import numpy as np
import pytest

from smartspec.domains.reports import render
from smartspec.domains.reports.service import build_report
from smartspec.services.web.i18n import translations

REGION, DATASET = "CZ06", "eu-nuts2-ardeco"
#: The bars' colour (smartspec.reports.charts.BASE, #1f5f99) as RGB.
BAR = (0x1F, 0x5F, 0x99)
A4 = (595.0, 842.0)  # points


@pytest.fixture(scope="module", params=["en", "es"])
def report(request: pytest.FixtureRequest, report_app: Any) -> Any:
    return build_report(report_app, None, REGION, DATASET, request.param)


def _text(page: Any) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def test_html_is_self_contained(report: Any) -> None:
    html = render.render_html(report)
    assert f'<html lang="{report.lang}">' in html
    assert "<script" not in html
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == sum(len(s.charts) for s in report.sections) >= 4
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert not re.search(r'(src|href)="https?:', html)
    for section in report.sections:
        assert f'id="section-{section.key}"' in html and section.title in html
    assert "@page" in html and "counter(pages)" in html


def test_pdf_pages_text_and_drawings(report: Any) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(render.render_pdf(report))
    assert len(pdf) >= 2
    width, height = pdf[0].get_size()
    assert math.isclose(width, A4[0], abs_tol=1) and math.isclose(height, A4[1], abs_tol=1)
    text = " ".join(_text(pdf[i]) for i in range(len(pdf)))
    tr = translations(report.lang)
    assert "Jihovýchod" in text
    for section in report.sections:
        assert section.title in text
    assert f"{tr.gettext('Page')} 1 / {len(pdf)}" in text
    other = translations("es" if report.lang == "en" else "en")
    assert other.gettext("Evidence profile of the region") not in text  # one language only
    # the evidence section's page: its bar chart and map drawn as vector paths, bars in colour
    heading = f"1. {report.sections[0].title}"  # the section's heading, not the contents
    first = next(i for i in range(len(pdf)) if heading in _text(pdf[i]))
    assert first >= 1
    page = pdf[first]
    paths = [o for o in page.get_objects(max_depth=5) if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH]
    assert len(paths) > 100  # bars, axes and hundreds of region shapes
    pixels = np.asarray(page.render(scale=1).to_pil().convert("RGB"), dtype=int)
    bar_pixels = int((np.abs(pixels - np.array(BAR)).max(axis=2) < 12).sum())
    assert bar_pixels > 2000


def test_xlsx_sheets_headers_and_values(report: Any) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report)))
    tr = translations(report.lang)
    tables = report.tables()
    assert book.sheetnames[0] == tr.gettext("About the report")
    assert len(book.sheetnames) == 1 + len(tables)
    assert book.sheetnames[1] == tr.gettext("Key figures")
    about = [c.value for c in book.worksheets[0]["A"] if c.value]
    assert about[0] == report.title and all(s.title in about for s in report.sections)
    specs = next(t for t in tables if t.key == "specialisations")
    sheet = book.worksheets[2]  # Excel cuts a sheet's name at 31 characters
    assert sheet.title == tr.gettext("Top specialisations by RCA")[:31].strip()
    header = [c.value for c in sheet[1]]
    assert header == list(specs.frame.columns)
    assert header[3] == tr.gettext("Revealed comparative advantage (RCA)")
    first = [c.value for c in sheet[2]]
    assert first[0] == specs.frame.iloc[0, 0] == "B-E"
    assert math.isclose(first[3], specs.frame.iloc[0, 3], rel_tol=1e-12)


def test_formats_names_and_refusals(report: Any) -> None:
    content, media, name = render.render(report, "xlsx")
    assert content[:2] == b"PK" and media.startswith("application/vnd.openxml")
    assert name == f"smartspec-report-CZ06-eu-nuts2-ardeco-2019-{report.lang}.xlsx"
    headers = render.headers("pdf", "x.pdf")
    assert headers["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert "Content-Security-Policy" in render.headers("html", "x.html")
    with pytest.raises(Exception, match="html, pdf, xlsx"):
        render.render(report, "docx")


def test_pdf_error_names_the_debian_packages() -> None:
    err = render._unavailable(OSError("cannot load library 'libpango-1.0-0'"))
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in err.message
    assert "make report-deps" in err.message
