"""The dashboard pages of the actors domain: the organisation registry (search, one
organisation with the partners found for it, add and edit forms, import), and the collaboration
network with search.

Routes (none in the OpenAPI document; the JSON API of the same services is :mod:`.api`):

====================================== ==========================================================
``GET  /actors``                        search and filters (``q``, ``country``, ``helix``,
                                        ``type``, ``region``, ``topic``, ``page``)
``GET|POST /actors/new``                the new-organisation form (editors, administrators)
``GET|POST /actors/import``             the import form and its report
``GET  /actors/network``                the network (``level``, ``q``, ``programme``, ``top``)
``GET  /actors/{id}``                   one organisation, its projects, partners found
``GET|POST /actors/{id}/edit``          the edit form (editors of its region)
``POST /actors/{id}/delete``            delete it (editors of its region)
====================================== ==========================================================

Every form carries a CSRF token, checked before anything else; a write page sends an anonymous
visitor to the login page and answers 403 to an account that may not write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.pages import login_url
from smartspec.domains.accounts.rules import Account, can_edit_region
from smartspec.domains.errors import EditConflictError, ForbiddenError, UnknownRecordError
from smartspec.services.api.security import CSRF_FIELD
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import ERROR_TITLES, PageRoute, add_pages, localised
from smartspec.services.web.record_pages import Names, RecordPages

from . import actions, partners
from .helix import HELICES, TYPES, UNKNOWN
from .service import require_editor
from .views import OrganisationIn

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["PAGE_SIZE", "ActorsPages", "attach"]

#: Organisations on one page of the search.
PAGE_SIZE = 25
#: The helices in the page language.
HELIX_NAMES = {
    "research": N_("research"),
    "business": N_("business"),
    "government": N_("government"),
    "civil society": N_("civil society"),
    "unknown": N_("unknown"),
}
#: The CORDIS types in the page language.
TYPE_NAMES = {
    "HES": N_("higher education (HES)"),
    "REC": N_("research organisation (REC)"),
    "PRC": N_("company (PRC)"),
    "PUB": N_("public body (PUB)"),
    "OTH": N_("other (OTH)"),
}
LEVEL_NAMES = {
    "org": N_("one per organisation"),
    "country": N_("one per country"),
    "region": N_("one per region"),
}
MEASURE_NAMES = {"topic": N_("topic similarity"), "network": N_("network proximity")}
DONE = {
    "created": N_("The organisation is saved."),
    "saved": N_("Your changes are saved."),
    "deleted": N_("The organisation is deleted."),
}
MAX_ID = 2**31
_FIELDS = ("name", "source_id", "type", "country", "region", "city", "topics", "description")


def _field(form: Any, key: str, limit: int = 20_000) -> str:
    value = form.get(key) if form is not None else None
    return value if isinstance(value, str) and len(value) <= limit else ""


class ActorsPages(RecordPages):
    """The actors pages of one dashboard (the shared part: :class:`RecordPages`)."""

    NAMES: ClassVar[Names] = {
        "helix_names": HELIX_NAMES,
        "type_names": TYPE_NAMES,
        "measure_names": MEASURE_NAMES,
    }
    DONE = DONE

    def __init__(self, board: DashboardBase, app: SmartSpecApp) -> None:
        super().__init__(board, app)
        self.actors = actions.actors_of(app)

    def may_write(self, who: Account, region: str | None, action: str, **rule: Any) -> None:
        """The organisation registry's rule (:func:`.service.require_editor`): an organisation
        without a region is changed by the editors of its country (``rule["country"]``)."""
        require_editor(who, region, action, country=rule.get("country"))

    # ------------------------------------------------------------------ shared
    # ------------------------------------------------------------------ list
    async def browse(self, request: Request) -> Response:
        """``GET /actors``."""
        q = request.query_params
        who = self.board.page_account(request)
        filters = {k: (q.get(k) or "").strip()[:200] or None for k in ("q", "region", "topic")}
        filters["country"] = (q.get("country") or "").strip()[:2].upper() or None
        filters["helix"] = q.get("helix") if q.get("helix") in (*HELICES, UNKNOWN) else None
        filters["type"] = q.get("type") if q.get("type") in TYPES else None
        try:
            page = max(1, min(10**6, int(q.get("page") or 1)))
        except ValueError:
            page = 1
        try:
            result = await run_in_threadpool(
                self.actors.search, who, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
            )
            counts = await run_in_threadpool(self.actors.counts, who)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        given = {k: v for k, v in filters.items() if v}
        pages = max(1, -(-result.total // PAGE_SIZE))

        def url(n: int) -> str:
            return "/actors?" + urlencode({**given, "page": n})

        return self.render(
            request,
            "actors/organisations.html",
            result=result,
            counts=counts,
            filters=filters,
            page=page,
            pages=pages,
            prev_url=url(page - 1) if page > 1 else None,
            next_url=url(page + 1) if page < pages else None,
            helices=[*HELICES, UNKNOWN],
            types=TYPES,
            may_write=who is not None and who.role in ("admin", "editor"),
        )

    # ------------------------------------------------------------------ one
    async def organisation(self, request: Request, organisation_id: int) -> Response:
        """``GET /actors/{id}``: the organisation, its projects, partners found."""
        q = request.query_params
        who = self.board.page_account(request)
        measure: Literal["both", "topic", "network"] = "both"
        if q.get("measure") == "topic":
            measure = "topic"
        elif q.get("measure") == "network":
            measure = "network"
        helix = q.get("helix") if q.get("helix") in (*HELICES, UNKNOWN) else None
        country = (q.get("country") or "").strip()[:2].upper() or None
        topic = (q.get("topic") or "").strip()[:120] or None
        try:
            if not 0 < organisation_id < MAX_ID:
                raise UnknownRecordError(f"there is no organisation {organisation_id}", where="id")
            view = await run_in_threadpool(self.actors.get, who, organisation_id)
            projects = await run_in_threadpool(self.actors.participations, who, organisation_id)
            found = await run_in_threadpool(
                partners.find_partners,
                self.actors,
                who,
                organisation=organisation_id,
                measure=measure,
                country=country,
                helix=helix,
                topic=topic,
                top=10,
            )
        except SmartSpecError as exc:
            return self.fail(request, exc)
        may_edit = who is not None and (
            can_edit_region(who, view.region) if view.region else who.role in ("admin", "editor")
        )
        return self.render(
            request,
            "actors/organisation.html",
            o=view,
            projects=projects,
            found=found,
            filters={"measure": measure, "helix": helix, "country": country, "topic": topic},
            helices=[*HELICES, UNKNOWN],
            may_edit=may_edit,
        )

    # ------------------------------------------------------------------ forms
    @staticmethod
    def _values(view: Any = None) -> dict[str, str]:
        if view is None:
            return dict.fromkeys((*_FIELDS, "version"), "")
        return {
            "name": view.name,
            "source_id": view.source_id or "",
            "type": view.type,
            "country": view.country,
            "region": view.region or "",
            "city": view.city,
            "topics": "; ".join(view.topics),
            "description": view.description,
            "version": str(view.version),
        }

    @staticmethod
    def _data(values: dict[str, str]) -> OrganisationIn:
        return OrganisationIn(
            name=values["name"],
            source_id=values["source_id"].strip() or None,
            type=values["type"],
            country=values["country"],
            region=values["region"].strip() or None,
            city=values["city"],
            topics=[values["topics"]] if values["topics"].strip() else [],
            description=values["description"],
        )

    def _form(
        self,
        request: Request,
        values: dict[str, str],
        *,
        o: Any = None,
        error: SmartSpecError | None = None,
    ) -> Response:
        status: int = 200
        body: dict[str, Any] | None = None
        conflict: dict[str, Any] | None = None
        tr = translations(self.board.language(request))
        if isinstance(error, EditConflictError):
            status = 409
            current = dict(error.details or {}).get("current")
            conflict = dict(current) if isinstance(current, dict) else {}
            values = {**values, "version": str(conflict.get("version") or values["version"])}
        elif error is not None:
            from smartspec.services.api.errors import error_body
            from smartspec.services.api.security import server_paths

            status, raw = error_body(error, server_paths(request.app))
            body = localised(raw, tr)
        return self.render(
            request,
            "actors/form.html",
            status=status,
            values=values,
            o=o,
            types=TYPES,
            conflict=conflict,
            error=body,
            error_title=tr.gettext(
                ERROR_TITLES.get(
                    str((body or {}).get("type")), N_("The organisation was not saved")
                )
            ),
            csrf_token=self.board.csrf_token(request),
            action=f"/actors/{o.id}/edit" if o is not None else "/actors/new",
        )

    async def new_form(self, request: Request) -> Response:
        """``GET /actors/new``."""
        who = self.writer(request, "/actors/new", None, "adding an organisation")
        if not isinstance(who, Account):
            return who
        return self._form(request, self._values())

    async def create(self, request: Request) -> Response:
        """``POST /actors/new``."""
        form, who = await self.posted(request, "/actors/new", None, "adding an organisation")
        if not isinstance(who, Account):
            return who
        values = {k: _field(form, k) for k in (*_FIELDS, "version")}
        try:
            view = await run_in_threadpool(self.actors.create, who, self._data(values))
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return self._form(request, values, error=exc)
        return RedirectResponse(f"/actors/{view.id}?done=created", status_code=303)

    async def _stored(self, request: Request, organisation_id: int, back: str) -> Any:
        viewer = self.board.page_account(request)
        if viewer is None:
            return RedirectResponse(login_url(back), status_code=303)
        try:
            return await run_in_threadpool(self.actors.get, viewer, organisation_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)

    async def edit_form(self, request: Request, organisation_id: int) -> Response:
        """``GET /actors/{id}/edit``."""
        back = f"/actors/{organisation_id}/edit"
        view = await self._stored(request, organisation_id, back)
        if isinstance(view, Response):
            return view
        who = self.writer(
            request, back, view.region, "changing an organisation", country=view.country
        )
        if not isinstance(who, Account):
            return who
        return self._form(request, self._values(view), o=view)

    async def update(self, request: Request, organisation_id: int) -> Response:
        """``POST /actors/{id}/edit``: save from ``version``."""
        back = f"/actors/{organisation_id}/edit"
        form = await request.form()
        refused: Response | None = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        if refused is not None:
            return refused
        view = await self._stored(request, organisation_id, back)
        if isinstance(view, Response):
            return view
        who = self.writer(
            request, back, view.region, "changing an organisation", country=view.country
        )
        if not isinstance(who, Account):
            return who
        values = {k: _field(form, k) for k in (*_FIELDS, "version")}
        version = int(values["version"]) if values["version"].isdigit() else 0
        try:
            await run_in_threadpool(
                self.actors.update, who, organisation_id, self._data(values), version=version
            )
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return self._form(request, values, o=view, error=exc)
        return RedirectResponse(f"/actors/{organisation_id}?done=saved", status_code=303)

    async def delete(self, request: Request, organisation_id: int) -> Response:
        """``POST /actors/{id}/delete`` (``version``)."""
        back = f"/actors/{organisation_id}"
        form = await request.form()
        refused: Response | None = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        if refused is not None:
            return refused
        view = await self._stored(request, organisation_id, back)
        if isinstance(view, Response):
            return view
        who = self.writer(
            request, back, view.region, "deleting an organisation", country=view.country
        )
        if not isinstance(who, Account):
            return who
        text = _field(form, "version", 12)
        try:
            await run_in_threadpool(
                self.actors.delete, who, organisation_id, version=int(text) if text.isdigit() else 0
            )
        except SmartSpecError as exc:
            return self.fail(request, exc)
        return RedirectResponse("/actors?done=deleted", status_code=303)

    # ------------------------------------------------------------------ import
    async def import_form(self, request: Request) -> Response:
        """``GET /actors/import``."""
        who = self.writer(request, "/actors/import", None, "importing organisations")
        if not isinstance(who, Account):
            return who
        return self.render(
            request,
            "actors/import.html",
            csrf_token=self.board.csrf_token(request),
            report=None,
            error=None,
            form={"kind": "organisations", "dry_run": True},
        )

    async def import_file(self, request: Request) -> Response:
        """``POST /actors/import`` (multipart: ``file``, ``kind``, ``dry_run``)."""
        form, who = await self.posted(request, "/actors/import", None, "importing organisations")
        if not isinstance(who, Account):
            return who
        upload = form.get("file")
        dry_run = _field(form, "dry_run", 8) in ("1", "on", "true")
        kind: Literal["organisations", "participations"] = (
            "participations" if _field(form, "kind", 20) == "participations" else "organisations"
        )
        context: dict[str, Any] = {
            "csrf_token": self.board.csrf_token(request),
            "form": {"kind": kind, "dry_run": dry_run},
            "report": None,
            "error": None,
        }
        tr = translations(self.board.language(request))
        if upload is None or isinstance(upload, str) or not upload.filename:
            context["error"] = {"local": True, "message": tr.gettext("Choose a file to import.")}
            return self.render(request, "actors/import.html", status=400, **context)
        data = await upload.read()
        try:
            report = await run_in_threadpool(
                actions.import_organisations,
                self.app,
                who,
                data,
                upload.filename,
                kind=kind,
                dry_run=dry_run,
            )
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            from smartspec.services.api.errors import error_body
            from smartspec.services.api.security import server_paths

            status, body = error_body(exc, server_paths(request.app))
            context.update(report=getattr(exc, "report", None), error=localised(body, tr))
            return self.render(request, "actors/import.html", status=status, **context)
        context["report"] = report
        return self.render(request, "actors/import.html", **context)

    # ------------------------------------------------------------------ network
    async def network(self, request: Request) -> Response:
        """``GET /actors/network``: the network, its measures, communities and bridges."""
        from smartspec.services.web import charts

        q = request.query_params
        who = self.board.page_account(request)
        level = q.get("level") if q.get("level") in LEVEL_NAMES else "org"
        search = (q.get("q") or "").strip()[:200] or None
        programme = q.get("programme") if q.get("programme") in ("h2020", "fp7") else None
        try:
            top = max(10, min(partners.MAX_NODES, int(q.get("top") or 60)))
        except ValueError:
            top = 60
        try:
            view = await run_in_threadpool(
                partners.network_view,
                self.actors,
                who,
                level=level,  # type: ignore[arg-type]
                q=search,
                programme=programme,
                top=top,
            )
        except SmartSpecError as exc:
            return self.fail(request, exc)
        tr = translations(self.board.language(request))
        heaviest = max((e.weight for e in view.edges), default=1)
        if level == "org":
            group = {
                n.id: tr.gettext(HELIX_NAMES.get(n.helix or "unknown", n.helix)) for n in view.nodes
            }
            order = [tr.gettext(HELIX_NAMES[h]) for h in (*HELICES, UNKNOWN)]
            group_label = tr.gettext("Helix")
        else:
            group = {
                n.id: tr.gettext("Community %(n)s") % {"n": n.community + 1} for n in view.nodes
            }
            order = sorted(set(group.values()), key=lambda g: int(g.rsplit(" ", 1)[-1]))
            group_label = tr.gettext("Community")
        # sizes by strength; a vanishing tie-break keeps the size scale's domain from being one
        # point (all nodes equal), where Vega's sqrt scale gives no size
        nodes = [
            {
                "id": n.id,
                "name": n.label,
                "size": (n.strength or 0.5) + 1e-3 * (len(view.nodes) - i),
                "on": n.focus,
                "group": group[n.id],
            }
            for i, n in enumerate(view.nodes)
        ]
        edges = [
            {"source": e.source, "target": e.target, "weight": e.weight / heaviest}
            for e in view.edges
        ]
        places = _layout(view)
        for node in nodes:
            node["x"], node["y"] = places[str(node["id"])]
        chart = charts.network(
            nodes,
            edges,
            title=tr.gettext("Collaboration network"),
            legend_yes=tr.gettext("Found by the search"),
            legend_no=tr.gettext("Partner"),
            name_label=tr.gettext("Name"),
            group_label=group_label,
            groups=[g for g in order if g in set(group.values())],
            labels=12,
        )
        return self.render(
            request,
            "actors/network.html",
            view=view,
            level=level,
            levels={k: tr.gettext(v) for k, v in LEVEL_NAMES.items()},
            search=search or "",
            programme=programme or "",
            top=top,
            charts={"network": chart} if view.nodes else {},
        )


def _layout(view: Any) -> dict[str, tuple[float, float]]:
    """Places of the drawn nodes: a force-directed layout (Fruchterman-Reingold, networkx's
    ``spring_layout``, seeded: the same picture every time), ties pulling by shared projects."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in view.nodes)
    graph.add_weighted_edges_from((e.source, e.target, e.weight) for e in view.edges)
    places = nx.spring_layout(graph, seed=0, weight="weight")
    return {str(k): (round(float(v[0]), 4), round(float(v[1]), 4)) for k, v in places.items()}


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the actors pages to ``api``: the domain's pages hook (``Domain(pages=...)``)."""
    pages = ActorsPages.made_for(api, dashboard)
    if pages is None:
        return
    one = "/actors/{organisation_id:int}"
    routes: list[PageRoute] = [
        ("/actors", pages.browse, ["GET"]),
        ("/actors/new", pages.new_form, ["GET"]),
        ("/actors/new", pages.create, ["POST"]),
        ("/actors/import", pages.import_form, ["GET"]),
        ("/actors/import", pages.import_file, ["POST"]),
        ("/actors/network", pages.network, ["GET"]),
        (one, pages.organisation, ["GET"]),
        (f"{one}/edit", pages.edit_form, ["GET"]),
        (f"{one}/edit", pages.update, ["POST"]),
        (f"{one}/delete", pages.delete, ["POST"]),
    ]
    add_pages(api, routes)
