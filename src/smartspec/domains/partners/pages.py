"""The dashboard pages of the partners domain: the value-chain builder and its results.

``GET /partners`` is one page: the builder (a plain HTML form: the dataset, the chain's name,
up to ten stages each with a name and a multiple select of the dataset's activities, an
optional anchor region, the set size and the number of regions shown) and, once stages are
given, the results: the proposed partner sets, the coverage matrix (a table and a Vega-Lite
heatmap) and the regions of each stage by strength and by potential, with the caveats. The
form is sent by GET: evaluating stores nothing, so no CSRF token is needed, and a result has
an address to share. ``?example=<id>`` fills the form with an example chain and evaluates it.

The page calls :func:`.service.evaluate` directly in a worker thread
(:meth:`smartspec.services.web.data.Services.call`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response

from smartspec.core.errors import SmartSpecError
from smartspec.services.web.data import ApiError, ApiPending
from smartspec.services.web.i18n import translations
from smartspec.services.web.pages_base import PageRoute, add_pages, localised

from . import panels, service
from .chains import MAX_STAGES, MIN_STAGES, ValueChain, parse_chain

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["PartnersPages", "attach"]

#: Stage rows of an empty form.
EMPTY_STAGES = 4
#: The dataset the builder starts with, when served.
DEFAULT_DATASET = "eu-nuts2-sbs"


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(text or default)))
    except ValueError:
        return default


def _float(text: str | None, default: float) -> float:
    try:
        value = float(text or default)
    except ValueError:
        return default
    return value if 0 < value <= 100 else default


def _choices(app: SmartSpecApp, dataset: str, lang: str) -> dict[str, list[dict[str, str]]]:
    """The activities a chain on ``dataset`` may use (for the pickers) and its regions with
    data (for the anchor's suggestions)."""
    panel = panels.load_panel(app, dataset, lang=lang)
    return {
        "activities": [{"code": c, "name": n} for c, n in panel.activity_names.items()],
        "regions": [
            {"code": str(r), "name": panel.region_names.get(str(r), str(r))}
            for r in panel.values.index
        ],
    }


def _evaluate(app: SmartSpecApp, chain: ValueChain, **kwargs: Any) -> dict[str, Any]:
    """The evaluation and its heatmap (for :meth:`.data.Services.call`)."""
    labels = kwargs.pop("labels")
    view = service.evaluate(app, chain, **kwargs)
    chart = service.coverage_chart(view.matrix, **labels)
    return {"view": view, "chart": chart}


class PartnersPages:
    """The partners pages of one dashboard."""

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        self.board = board
        self.app = app

    def _datasets(self) -> list[dict[str, str]]:
        served = {d.id: d for d in self.app.catalogue()}
        out = [{"id": d.id, "title": d.title or d.id} for d in served.values()]
        for combo in panels.combinations():
            if all(d in served for d in combo["datasets"]):
                out.append({"id": combo["id"], "title": combo["title"]})
        return out

    async def builder(self, request: Request) -> Response:
        """``GET /partners``: the builder, and the results when stages are given."""
        q = request.query_params
        lang = self.board.language(request)
        tr = translations(lang)
        datasets = self._datasets()
        ids = [d["id"] for d in datasets]
        example_id = (q.get("example") or "").strip()[:100]
        chain: ValueChain | None = None
        problem = None
        if example_id:
            try:
                chain = service.example(example_id)
            except SmartSpecError as exc:  # an unknown example: the error page
                return self.board.fail(request, exc)
        dataset = (q.get("dataset") or "").strip()[:400]
        if dataset not in ids:
            dataset = (chain.dataset if chain and chain.dataset in ids else None) or (
                DEFAULT_DATASET if DEFAULT_DATASET in ids else (ids[0] if ids else "")
            )
        name = (q.get("name") or "").strip()[:200]
        stages: list[dict[str, Any]] = []
        if chain is not None:
            name = chain.name
            stages = [{"name": s.name, "activities": list(s.activities)} for s in chain.stages]
        else:
            for i in range(1, MAX_STAGES + 1):
                stage_name = (q.get(f"stage{i}") or "").strip()[:200]
                codes = [c.strip()[:40] for c in q.getlist(f"codes{i}")[:50] if c.strip()]
                typed = (q.get(f"typed{i}") or "")[:2000]
                codes += [c.strip() for c in typed.replace(";", ",").split(",") if c.strip()]
                if stage_name or codes:
                    stages.append({"name": stage_name or f"{i}", "activities": codes})
        region = (q.get("region") or "").strip()[:100]
        size = _int(q.get("size"), 3, 2, 5)
        top = _int(q.get("top"), 10, 1, 50)
        threshold = _float(q.get("threshold"), 1.0)
        try:
            choices = (
                await self.board.services.call(_choices, dataset, lang)
                if dataset
                else {"activities": [], "regions": []}
            )
        except ApiError as exc:
            return self.board.error(request, exc)
        result, charts, status = None, {}, 200
        if stages and not q.get("pick"):
            try:
                chain = parse_chain(
                    {"name": name or tr.gettext("My value chain"), "stages": stages},
                    where="the form",
                )
            except SmartSpecError as exc:
                status, problem = self.board.service_error(request, exc)[:2]
        # "Use this dataset" (pick=1) lists the new dataset's activities and evaluates nothing
        if stages and problem is None and chain is not None:
            labels = {
                "title": tr.gettext("Coverage matrix: stage RCA of each region"),
                "rca_label": tr.gettext("Stage RCA"),
                "stage_label": tr.gettext("Stage"),
                "region_label": tr.gettext("Region"),
                "covered_label": tr.gettext("Covered"),
                "density_label": tr.gettext("Relatedness density"),
            }
            try:
                found = await self.board.services.call(
                    _evaluate,
                    chain,
                    dataset=dataset,
                    region=region or None,
                    size=size,
                    top=top,
                    threshold=threshold,
                    lang=lang,
                    actor=self.board.page_account(request),
                    labels=labels,
                )
                result, charts = found["view"], {"coverage": found["chart"]}
            except ApiPending as exc:
                return self.board.pending(request, exc)
            except ApiError as exc:
                status, problem = exc.status, localised(exc.error, tr)
        rows = max(len(stages) + (0 if result else 1), EMPTY_STAGES)
        rows = max(MIN_STAGES, min(MAX_STAGES, rows))
        stages += [{"name": "", "activities": []} for _ in range(rows - len(stages))]
        return self.board.render(
            request,
            "partners/chains.html",
            status=status,
            datasets=datasets,
            dataset=dataset,
            activities=choices["activities"],
            regions=choices["regions"],
            examples=service.examples(),
            example=example_id,
            name=name,
            stages=stages,
            region=region,
            size=size,
            top=top,
            threshold=threshold,
            result=result,
            problem=problem,
            charts=charts,
        )


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the partners pages to ``api``; the domain's pages hook (``Domain(pages=...)``)."""
    app = getattr(api.state, "smartspec", None)
    if app is None:
        return
    pages = PartnersPages(dashboard, app)
    routes: list[PageRoute] = [("/partners", pages.builder, ["GET"])]
    add_pages(api, routes)
