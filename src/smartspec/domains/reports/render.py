"""Writing a region report: a self-contained HTML document, a PDF, an Excel workbook.

One template (``templates/reports/report.html``) makes the HTML file, the PDF and the page the
dashboard shows: styles inline (with the print rules of an A4 page and its page numbers), every
chart and map drawn beforehand by ``vl-convert`` (:func:`smartspec.reports.charts.render`) and
embedded as an SVG data URI, so the document needs no network and no script. The PDF is that
document printed by WeasyPrint; the workbook has one sheet describing the report and one sheet
per table (xlsxwriter).
"""

from __future__ import annotations

import base64
import io
import math
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape

from smartspec.core.errors import SmartSpecError
from smartspec.domains.errors import RequestError
from smartspec.io.sheets import escape_cell
from smartspec.reports.charts import CONFIG
from smartspec.reports.charts import render as render_chart
from smartspec.services.web.i18n import Formatter, translations

from .pages_text import TEXT
from .views import RegionReport, ReportChart

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "PDF_PACKAGES",
    "REPORT_CSP",
    "check_format",
    "headers",
    "print_spec",
    "render",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "report_filename",
]

TEMPLATES = Path(__file__).parent / "templates"
Format = Literal["html", "pdf", "xlsx"]
FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The Content-Security-Policy of a report served as HTML: its styles are inline and its
#: charts data URIs; it runs no script and loads nothing.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
#: The Debian packages WeasyPrint needs to draw text (``make report-deps`` installs them).
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
#: Excel's limit on a sheet name, and the characters it refuses in one.
_SHEET_NAME = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def check_format(fmt: str) -> str:
    """``fmt`` when it is one of :data:`FORMATS`, else :class:`RequestError`."""
    value = (fmt or "").strip().lower()
    if value not in FORMATS:
        raise RequestError(
            f"there is no report format {fmt!r}",
            expected=", ".join(FORMATS),
            found=repr(fmt),
            fix="ask for format=html, format=pdf or format=xlsx",
        )
    return value


def report_filename(report: RegionReport, fmt: str) -> str:
    """The report's file name: ``smartspec-report-<region>-<dataset>-<period>-<lang>.<fmt>``,
    letters, digits, dots, hyphens and underscores only."""
    stem = "-".join(("smartspec-report", report.region, report.dataset, report.period, report.lang))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem) + f".{fmt}"


def render(report: RegionReport, fmt: str) -> tuple[bytes, str, str]:
    """The report as ``(content, media type, file name)`` in ``fmt`` (html, pdf or xlsx)."""
    fmt = check_format(fmt)
    if fmt == "pdf":
        content = render_pdf(report)
    elif fmt == "xlsx":
        content = render_xlsx(report)
    else:
        content = render_html(report).encode("utf-8")
    return content, MEDIA_TYPES[fmt], report_filename(report, fmt)


def headers(fmt: str, filename: str) -> dict[str, str]:
    """The HTTP headers of a report file: ``Content-Disposition`` with its name (``inline``
    for HTML, shown in the browser; ``attachment`` for PDF and xlsx), no caching (the report
    reads live records), and for HTML :data:`REPORT_CSP`."""
    out = {
        "Content-Disposition": f"{'inline' if fmt == 'html' else 'attachment'}; "
        f'filename="{filename}"',
        "Cache-Control": "no-store",
    }
    if fmt == "html":
        out["Content-Security-Policy"] = REPORT_CSP
    return out


# ----------------------------------------------------------------------------------- HTML
@cache
def _env(lang: str) -> Environment:
    """The report templates' environment, translating with the dashboard's catalogue."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def _cell(value: Any, fmt: Formatter) -> str:
    """A table cell as text in the report's language (an en dash for a missing value)."""
    if _missing(value):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return fmt.integer(value)
    if isinstance(value, float):
        return fmt.integer(value) if value.is_integer() and abs(value) >= 1000 else fmt.auto(value)
    return str(value)


#: The font of the report's charts: the one the PDF is printed with, so that ``vl-convert``
#: measures labels as they are drawn (``make report-deps`` installs it).
CHART_FONT = "DejaVu Sans, Verdana, sans-serif"


def print_spec(chart: ReportChart, fmt: Formatter) -> dict[str, Any]:
    """A chart's spec as the report draws it: the print font, the number format of the
    report's language (Vega-Lite ``config.locale``), and a chart (not a map) fitted to its
    width, axis labels included."""
    spec = dict(chart.spec)
    spec["config"] = {
        **CONFIG,
        **(spec.get("config") or {}),
        "font": CHART_FONT,
        "locale": {"number": fmt.d3_locale()},
    }
    if chart.kind == "chart":
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _data_uri(spec: dict[str, Any]) -> str:
    svg = render_chart(spec, "svg")
    raw = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")


def render_html(report: RegionReport) -> str:
    """The report as one self-contained HTML document (inline styles, charts as SVG data
    URIs, no script)."""
    fmt = Formatter(report.lang)
    sections = []
    for s in report.sections:
        sections.append(
            {
                "section": s,
                "charts": [{"chart": c, "uri": _data_uri(print_spec(c, fmt))} for c in s.charts],
                "tables": [
                    {
                        "table": t,
                        "headers": [str(h) for h in t.frame.columns],
                        "rows": [
                            [(_cell(v, fmt), _is_number(v)) for v in row]
                            for row in t.frame.itertuples(index=False, name=None)
                        ],
                    }
                    for t in s.tables
                ],
            }
        )
    template = _env(report.lang).get_template("reports/report.html")
    return template.render(
        report=report,
        sections=sections,
        generated=fmt.date(report.generated_at),
    )


# ------------------------------------------------------------------------------------ PDF
def _unavailable(err: BaseException) -> SmartSpecError:
    return SmartSpecError(
        "PDF reports cannot be written on this server: WeasyPrint cannot load the system "
        f"libraries it draws text with ({err})",
        expected=f"the Debian packages {PDF_PACKAGES}",
        fix=f"run `make report-deps` as root, or apt-get install {PDF_PACKAGES}; the HTML "
        "and xlsx formats work without them",
    )


def render_pdf(report: RegionReport) -> bytes:
    """The report as a PDF (A4, page numbers): the HTML document printed by WeasyPrint.

    Raises
    ------
    SmartSpecError
        WeasyPrint or the system libraries it needs (Pango, a font) are missing: the message
        names the Debian packages (:data:`PDF_PACKAGES`, ``make report-deps``).
    """
    html = render_html(report)
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as err:
        raise _unavailable(err) from err
    # the document is self-contained: data URIs only, nothing from a network or a file
    fetcher = URLFetcher(allowed_protocols=("data",))
    try:
        pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    except OSError as err:  # a library or font that fails only when drawing
        raise _unavailable(err) from err
    return bytes(pdf or b"")


# ----------------------------------------------------------------------------------- xlsx
def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip().strip("'")[:_SHEET_NAME] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: _SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def render_xlsx(report: RegionReport) -> bytes:
    """The report as an Excel workbook: a first sheet with the title, the sections' texts and
    notes; then one sheet per table (header row in bold, numbers as numbers, text escaped so
    that no cell is read as a formula)."""
    import xlsxwriter  # type: ignore[import-untyped]

    tr = translations(report.lang)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    taken: set[str] = set()
    about = book.add_worksheet(_sheet_name(tr.gettext(TEXT["about"]), taken))
    about.set_column(0, 0, 110)
    lines: list[tuple[str, Any]] = [
        (report.title, head),
        (report.subtitle, bold),
        (report.dataset_title, None),
        (tr.gettext(TEXT["generated"]) % {"date": report.generated_at}, None),
        (report.source, wrap),
        (report.licence, None),
    ]
    for s in report.sections:
        lines.append(("", None))
        lines.append((s.title, bold))
        lines += [(p, wrap) for p in s.text]
        if s.empty:
            lines.append((s.empty, wrap))
        if s.notes:
            lines.append((s.notes_title, bold))
            lines += [(n, wrap) for n in s.notes]
    for i, (text, style) in enumerate(lines):
        if text:
            about.write_string(i, 0, escape_cell(text), style)
    for table in report.tables():
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        frame = table.frame
        for j, header in enumerate(frame.columns):
            sheet.write_string(0, j, escape_cell(str(header)), bold)
            sheet.set_column(j, j, max(12, min(60, len(str(header)) + 2)))
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for j, value in enumerate(row):
                if _missing(value):
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    if math.isfinite(float(value)):
                        sheet.write_number(i, j, float(value))
                else:
                    sheet.write_string(i, j, escape_cell(str(value)))
        sheet.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
