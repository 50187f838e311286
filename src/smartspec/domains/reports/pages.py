"""The dashboard page of the region report.

========================= ======================================================================
``GET /report``            the form: region, dataset, language, format, and what the report
                           holds; submitted (``build=1`` with a region and a dataset) it answers
                           the report itself: the HTML document in the browser, the PDF or the
                           workbook as a download (``Content-Disposition``)
========================= ======================================================================

The report is built by :func:`.service.build_report` in a worker thread with the signed-in
account (or none), and written by :mod:`.render` with the same template as the file the API and
the command line give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import PageRoute, add_pages

from . import render
from .pages_text import EXPLAIN, SECTIONS
from .service import build_report

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["FORMAT_NAMES", "ReportPages", "attach"]

#: The formats in the page language.
FORMAT_NAMES = {
    "html": N_("Web page (HTML, one self-contained file)"),
    "pdf": N_("PDF document (A4, for printing)"),
    "xlsx": N_("Excel workbook (one sheet per table)"),
}
#: The dataset the form proposes when the catalogue has it.
DEFAULT_DATASET = "eu-nuts2-ardeco"


class ReportPages:
    """The report page of one dashboard."""

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        self.board = board
        self.app = app

    async def form(self, request: Request) -> Response:
        """``GET /report``: the form, or (``build=1``) the report it asks for."""
        q = request.query_params
        lang = self.board.language(request)
        region = (q.get("region") or "").strip()[:120]
        dataset = (q.get("dataset") or "").strip()[:200]
        period = (q.get("period") or "").strip()[:40] or None
        wanted = (q.get("format") or "html").strip().lower()
        if q.get("build") and region and dataset:
            try:
                fmt = render.check_format(wanted)
                report = await run_in_threadpool(
                    build_report,
                    self.app,
                    self.board.page_account(request),
                    region,
                    dataset,
                    lang,
                    period,
                )
                content, media, filename = await run_in_threadpool(render.render, report, fmt)
            except SmartSpecError as exc:
                return self.board.fail(request, exc)
            return Response(content, media_type=media, headers=render.headers(fmt, filename))
        tr = translations(lang)
        datasets = [r.id for r in self.app.catalogue()]
        chosen = (
            dataset
            if dataset in datasets
            else (
                DEFAULT_DATASET
                if DEFAULT_DATASET in datasets
                else (datasets[0] if datasets else "")
            )
        )
        return self.board.render(
            request,
            "reports/form.html",
            region=region,
            dataset=chosen,
            datasets=datasets,
            period=period or "",
            format=wanted if wanted in render.FORMATS else "html",
            format_names={k: tr.gettext(v) for k, v in FORMAT_NAMES.items()},
            sections=[
                {"key": k, "title": tr.gettext(t), "text": tr.gettext(EXPLAIN[k])}
                for k, t in SECTIONS.items()
            ],
        )


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the report page to ``api``; the domain's pages hook (``Domain(pages=...)``)."""
    app = getattr(api.state, "smartspec", None)
    if app is None:
        return
    pages = ReportPages(dashboard, app)
    routes: list[PageRoute] = [("/report", pages.form, ["GET"])]
    add_pages(api, routes)
