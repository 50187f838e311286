"""The dashboard pages of the priorities registry: browse and search the declared priorities,
read one with its history, create and edit them (with suggested codes), import a file, a
region's strategy with its coherence with the evidence, and regions side by side.

:func:`attach` is the domain's pages hook (``Domain(pages=...)``). Every page calls the
registry's service (:class:`~.service.Registry`) and :mod:`.actions` directly, in a worker
thread (no HTTP inside the process), and renders with the dashboard's
:class:`~smartspec.services.web.pages_base.DashboardBase` (language, header, error pages); the
templates are in this package's ``templates/registry/``.

Routes (none in the OpenAPI document; the JSON API of the same services is :mod:`.api`):

============================================ ================================================
``GET  /priorities``                          search (``q``, ``region``, ``code``,
                                              ``country``, ``period``, ``page``), export links
``GET|POST /priorities/new``                  the new-priority form (editors, administrators)
``GET|POST /priorities/import``               the import form and its report
``GET  /priorities/compare?regions=A,B``      regions side by side
``GET  /priorities/{id}``                     one priority
``GET|POST /priorities/{id}/edit``            the edit form (editors of its region)
``GET  /priorities/{id}/history``             every version, with restore buttons
``POST /priorities/{id}/restore``             bring back a version (editors of its region)
``GET  /regions/{code}/strategy``             a region's priorities, coherence, similar regions
============================================ ================================================

Every form carries a CSRF token and every POST checks it before anything else. A write page
sends an anonymous visitor to ``/login?next=<page>`` and answers 403 to an account that may not
change the region. The form's "Suggest codes" button posts the form to its own page, which
comes back with NACE divisions suggested for the text (:func:`.actions.suggest`) as
checkboxes; the checked ones are added to the NACE codes when the form is sent again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.pages import login_url
from smartspec.domains.accounts.rules import Account, can_edit_region
from smartspec.domains.errors import EditConflictError, ForbiddenError, UnknownRecordError
from smartspec.services.web.data import ApiError, ApiPending
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import PageRoute, add_pages, localised
from smartspec.services.web.record_pages import Names, RecordPages

from . import actions, codes
from .pages_names import CLASS_NAMES
from .views import PriorityIn

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.app import SmartSpecApp
    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["CLASS_NAMES", "PAGE_SIZE", "RegistryPages", "attach", "split_codes"]

#: Priorities on one page of the search.
PAGE_SIZE = 25
#: The code schemes the form edits (tags have a field of their own).
FORM_SCHEMES = tuple(s for s in codes.SCHEMES if s != "tag")
#: The schemes' names in the page language.
SCHEME_NAMES = {
    "nace": N_("NACE Rev. 2 activities"),
    "ford": N_("Fields of research (FORD)"),
    "ipc": N_("Patent classes (IPC)"),
    "cpc": N_("Patent classes (CPC)"),
    "sdg": N_("Sustainable Development Goals"),
    "po": N_("Cohesion policy objectives"),
    "tag": N_("Tags"),
}
#: The actions of a history entry.
ACTION_NAMES = {
    "create": N_("created the priority"),
    "update": N_("changed fields"),
    "delete": N_("deleted the priority"),
    "restore": N_("restored a version"),
    "import": N_("imported from a file"),
}
#: The similarity measures of the strategy page.
SIMILAR_BY = {
    "codes": N_("declared codes"),
    "text": N_("priority texts"),
    "both": N_("codes and texts"),
}
#: What a finished change says on the page it returns to (``?done=<key>``).
DONE = {
    "created": N_("The priority is saved."),
    "saved": N_("Your changes are saved."),
    "restored": N_("The version is restored: it is now the current one."),
}
#: Largest record id (the API's bound); a larger one is unknown.
MAX_ID = 2**31
#: Longest text field the forms take (the service bounds each field more tightly).
MAX_FIELD = 100_000

_SPLIT = re.compile(r"[;\n\r]+")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")


def split_codes(text: str) -> list[str]:
    """Codes typed in a field, separated by semicolons or new lines (a comma is part of a
    code: ``28,11``).

    >>> split_codes(" 28; 26.1 ;\\n C ;; ")
    ['28', '26.1', 'C']
    """
    return [c.strip() for c in _SPLIT.split(text or "") if c.strip()]


def _field(form: Any, key: str, limit: int = 2000) -> str:
    """A text field of a form (``""`` when absent, a file, or longer than ``limit``)."""
    value = form.get(key) if form is not None else None
    return value if isinstance(value, str) and len(value) <= limit else ""


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _show(value: Any) -> str:
    """A field's value in a history row: lists joined by ``;``, code dicts by scheme."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, dict):
        return " · ".join(f"{k}: {_show(v)}" for k, v in value.items() if v)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


class RegistryPages(RecordPages):
    """The registry's pages of one dashboard (the shared part: :class:`RecordPages`).

    Parameters
    ----------
    board : DashboardBase
        The dashboard whose rendering, language and error pages the pages use.
    app : SmartSpecApp
        The application whose registry they call.
    """

    NAMES: ClassVar[Names] = {"scheme_names": SCHEME_NAMES, "class_names": CLASS_NAMES}
    DONE = DONE

    # ------------------------------------------------------------------ search
    async def browse(self, request: Request) -> Response:
        """``GET /priorities``: search and filters, one page of results, export links."""
        q = request.query_params
        who = self.board.page_account(request)
        filters = {k: (q.get(k) or "").strip()[:500] or None for k in ("q", "region", "code")}
        filters["country"] = (q.get("country") or "").strip()[:2] or None
        filters["period"] = (q.get("period") or "").strip()[:20] or None
        try:
            page = max(1, min(10**6, int(q.get("page") or 1)))
        except ValueError:
            page = 1
        registry = self.app.registry
        try:
            result = await self.run(
                registry.search,
                who,
                limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE,
                **filters,
            )
            regions = await self.run(registry.list_regions, who)
            strategies = await self.run(registry.list_strategies, who)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        given = {k: v for k, v in filters.items() if v}
        pages = max(1, -(-result.total // PAGE_SIZE))

        def url(n: int) -> str:
            return "/priorities?" + urlencode({**given, "page": n})

        return self.render(
            request,
            "registry/priorities.html",
            result=result,
            filters=filters,
            regions=regions,
            countries=sorted({r.country for r in regions if r.country}),
            periods=sorted({s.period for s in strategies}),
            page=page,
            pages=pages,
            prev_url=url(page - 1) if page > 1 else None,
            next_url=url(page + 1) if page < pages else None,
            export={
                f: "/api/v1/priorities/export?" + urlencode({**given, "format": f})
                for f in ("csv", "xlsx")
            },
            may_write=who is not None and who.role in ("admin", "editor"),
        )

    # ------------------------------------------------------------------ one priority
    async def priority(self, request: Request, priority_id: int) -> Response:
        """``GET /priorities/{id}``."""
        if not 0 < priority_id < MAX_ID:
            return self.fail(request, _unknown(priority_id))
        who = self.board.page_account(request)
        try:
            view = await self.run(self.app.registry.get_priority, who, priority_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        coded = {
            scheme: [(c, codes.title_of(scheme, c)) for c in items]
            for scheme, items in view.codes.items()
            if items and scheme in codes.SCHEMES
        }
        return self.render(
            request,
            "registry/priority.html",
            p=view,
            coded=coded,
            may_edit=can_edit_region(who, view.region),
        )

    async def history(self, request: Request, priority_id: int) -> Response:
        """``GET /priorities/{id}/history``: every version, with restore buttons."""
        if not 0 < priority_id < MAX_ID:
            return self.fail(request, _unknown(priority_id))
        who = self.board.page_account(request)
        try:
            changes = await self.run(self.app.registry.history, who, priority_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        last = changes[-1].snapshot if changes else {}
        region = str(last.get("region") or "")
        tr = translations(self.board.language(request))
        rows = [
            {
                "change": c,
                "action": tr.gettext(ACTION_NAMES.get(c.action, c.action)),
                "fields": [
                    (f.field, _show(f.old), _show(f.new))
                    for f in c.changes
                    if f.field not in ("version", "updated_at", "updated_by", "created_at")
                ],
            }
            for c in reversed(changes)
        ]
        may_edit = can_edit_region(who, region)
        return self.render(
            request,
            "registry/history.html",
            priority_id=priority_id,
            title=str(last.get("title") or priority_id),
            region=region,
            rows=rows,
            current=changes[-1].version if changes else None,
            deleted=bool(changes) and changes[-1].action == "delete",
            may_edit=may_edit,
            csrf_token=self.board.csrf_token(request) if may_edit else None,
        )

    async def restore(self, request: Request, priority_id: int) -> Response:
        """``POST /priorities/{id}/restore`` (``version``)."""
        if not 0 < priority_id < MAX_ID:
            return self.fail(request, _unknown(priority_id))
        back = f"/priorities/{priority_id}/history"
        form, who = await self.signed_post(request, back)
        if isinstance(who, Response):
            return who
        try:
            version = int(_field(form, "version", 12))
        except ValueError:
            version = 0
        try:
            await self.run(self.app.registry.restore, who, priority_id, version)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        return RedirectResponse(f"{back}?done=restored", status_code=303)

    # ------------------------------------------------------------------ the form
    def _blank(self, request: Request) -> dict[str, Any]:
        q = request.query_params
        return {
            "strategy_id": (q.get("strategy") or "")[:12],
            "region": (q.get("region") or "")[:16].upper(),
            "period": (q.get("period") or "2021-2027")[:20],
            "title": "",
            "description": "",
            "language": self.board.language(request),
            "codes": dict.fromkeys(FORM_SCHEMES, ""),
            "tags": "",
            "version": "",
        }

    @staticmethod
    def _filled(view: Any) -> dict[str, Any]:
        return {
            "strategy_id": str(view.strategy_id),
            "region": view.region,
            "period": view.period,
            "title": view.title,
            "description": view.description,
            "language": view.language,
            "codes": {s: "; ".join(view.codes.get(s, [])) for s in FORM_SCHEMES},
            "tags": "; ".join(view.tags),
            "version": str(view.version),
        }

    @staticmethod
    def _read_form(form: Any) -> dict[str, Any]:
        """The form's fields, with the checked suggestions added to the NACE codes."""
        values = {
            k: _field(form, k, MAX_FIELD)
            for k in ("strategy_id", "region", "period", "title", "description", "language")
        }
        found = {s: _field(form, f"codes_{s}", MAX_FIELD) for s in FORM_SCHEMES}
        added = [v for v in form.getlist("add_nace") if isinstance(v, str) and len(v) <= 8]
        nace = split_codes(found["nace"])
        nace += [c for c in added if c.strip() and c.strip() not in nace]
        found["nace"] = "; ".join(nace)
        return {
            **values,
            "codes": found,
            "tags": _field(form, "tags", MAX_FIELD),
            "version": _field(form, "version", 12),
        }

    @staticmethod
    def _data(values: dict[str, Any]) -> PriorityIn:
        strategy = values["strategy_id"].strip()
        chosen = int(strategy) if strategy.isdigit() else None
        return PriorityIn(
            strategy_id=chosen,
            region=None if chosen else values["region"].strip() or None,
            period=None if chosen else values["period"].strip() or None,
            title=values["title"],
            description=values["description"],
            language=values["language"].strip() or "en",
            codes={s: split_codes(t) for s, t in values["codes"].items() if split_codes(t)},
            tags=split_codes(values["tags"]),
        )

    async def _form_page(
        self,
        request: Request,
        who: Account,
        values: dict[str, Any],
        *,
        priority: Any = None,
        status: int = 200,
        error: SmartSpecError | None = None,
        suggestions: list[Any] | None = None,
    ) -> Response:
        """The new or edit form with ``values``; an error box, the stored version next to
        the visitor's after a conflict, and suggested codes, when given."""
        strategies = await self.run(self.app.registry.list_strategies, who)
        strategies = [
            s
            for s in strategies
            if can_edit_region(who, s.region) or str(s.id) == values["strategy_id"]
        ]
        context: dict[str, Any] = {"error": None, "error_title": None, "conflict": None}
        if isinstance(error, EditConflictError):
            status = 409
            details: dict[str, Any] = dict(error.details or {})
            current = details.get("current") or {}
            context["conflict"] = {"current": current, "yours": self._data(values), "sent": values}
            values = {**values, "version": str(current.get("version") or values["version"])}
        elif error is not None:
            status, body, _ = self.error(request, error)
            tr = translations(self.board.language(request))
            context.update(error=body, error_title=tr.gettext("The priority was not saved"))
        nace = set(split_codes(values["codes"]["nace"]))
        return self.render(
            request,
            "registry/form.html",
            status=status,
            values=values,
            priority=priority,
            strategies=strategies,
            schemes=FORM_SCHEMES,
            suggestions=suggestions,
            present=nace,
            csrf_token=self.board.csrf_token(request),
            action=f"/priorities/{priority.id}/edit" if priority is not None else "/priorities/new",
            **context,
        )

    async def new_form(self, request: Request) -> Response:
        """``GET /priorities/new``."""
        who = self.writer(request, _here(request), None, "adding a priority")
        if not isinstance(who, Account):
            return who
        return await self._form_page(request, who, self._blank(request))

    async def edit_form(self, request: Request, priority_id: int) -> Response:
        """``GET /priorities/{id}/edit``."""
        if not 0 < priority_id < MAX_ID:
            return self.fail(request, _unknown(priority_id))
        viewer = self.board.page_account(request)
        back = f"/priorities/{priority_id}/edit"
        if viewer is None:
            return RedirectResponse(login_url(back), status_code=303)
        try:
            view = await self.run(self.app.registry.get_priority, viewer, priority_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        who = self.writer(request, back, view.region, "changing a priority")
        if not isinstance(who, Account):
            return who
        return await self._form_page(request, who, self._filled(view), priority=view)

    async def _suggest(self, request: Request, who: Account, values: dict[str, Any]) -> list[Any]:
        text = f"{values['title']}\n{values['description']}".strip()
        if not text:
            return []
        lang = self.board.language(request)
        return list(
            await self.run(actions.suggest, self.app, who, text[:20_000], language=lang, limit=10)
        )

    async def create(self, request: Request) -> Response:
        """``POST /priorities/new``: save, or suggest codes (``action=suggest``)."""
        form, who = await self.posted(request, "/priorities/new", None, "adding a priority")
        if not isinstance(who, Account):
            return who
        values = self._read_form(form)
        try:
            if _field(form, "action", 20) == "suggest":
                found = await self._suggest(request, who, values)
                return await self._form_page(request, who, values, suggestions=found)
            view = await self.run(self.app.registry.create_priority, who, self._data(values))
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return await self._form_page(request, who, values, error=exc)
        return RedirectResponse(f"/priorities/{view.id}?done=created", status_code=303)

    async def update(self, request: Request, priority_id: int) -> Response:
        """``POST /priorities/{id}/edit``: save from ``version``, or suggest codes."""
        if not 0 < priority_id < MAX_ID:
            return self.fail(request, _unknown(priority_id))
        back = f"/priorities/{priority_id}/edit"
        form, viewer = await self.signed_post(request, back)
        if isinstance(viewer, Response):
            return viewer
        try:
            view = await self.run(self.app.registry.get_priority, viewer, priority_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        who = self.writer(request, back, view.region, "changing a priority")
        if not isinstance(who, Account):
            return who
        values = self._read_form(form)
        version = int(values["version"]) if values["version"].isdigit() else 0
        try:
            if _field(form, "action", 20) == "suggest":
                found = await self._suggest(request, who, values)
                return await self._form_page(request, who, values, priority=view, suggestions=found)
            await self.run(
                self.app.registry.update_priority,
                who,
                priority_id,
                self._data(values),
                version=version,
            )
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            return await self._form_page(request, who, values, priority=view, error=exc)
        return RedirectResponse(f"/priorities/{priority_id}?done=saved", status_code=303)

    # ------------------------------------------------------------------ import
    async def import_form(self, request: Request) -> Response:
        """``GET /priorities/import``."""
        who = self.writer(request, "/priorities/import", None, "importing priorities")
        if not isinstance(who, Account):
            return who
        return self.render(
            request,
            "registry/import.html",
            csrf_token=self.board.csrf_token(request),
            report=None,
            error=None,
            form={"invalid_codes": "refuse", "dry_run": True},
        )

    async def import_file(self, request: Request) -> Response:
        """``POST /priorities/import`` (multipart: ``file``, ``dry_run``, ``invalid_codes``):
        the report, stored or not."""
        form, who = await self.posted(request, "/priorities/import", None, "importing priorities")
        if not isinstance(who, Account):
            return who
        upload = form.get("file")
        dry_run = _field(form, "dry_run", 8) in ("1", "on", "true")
        invalid = "set-aside" if _field(form, "invalid_codes", 12) == "set-aside" else "refuse"
        context: dict[str, Any] = {
            "csrf_token": self.board.csrf_token(request),
            "form": {"invalid_codes": invalid, "dry_run": dry_run},
            "report": None,
            "error": None,
        }
        tr = translations(self.board.language(request))
        if upload is None or isinstance(upload, str) or not upload.filename:
            context["error"] = {"local": True, "message": tr.gettext("Choose a file to import.")}
            return self.render(request, "registry/import.html", status=400, **context)
        data = await upload.read()
        try:
            report = await self.run(
                actions.import_priorities,
                self.app,
                who,
                data,
                upload.filename,
                dry_run=dry_run,
                invalid_codes=invalid,
            )
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            status, body, _ = self.error(request, exc)
            context.update(report=getattr(exc, "report", None), error=body)
            return self.render(request, "registry/import.html", status=status, **context)
        context["report"] = report
        return self.render(request, "registry/import.html", **context)

    # ------------------------------------------------------------------ regions
    async def _datasets(self) -> list[dict[str, Any]]:
        from smartspec.services.web import pages_calls

        found: list[dict[str, Any]] = (await self.board.services.call(pages_calls.catalogue)).get(
            "items", []
        )
        return found

    @staticmethod
    def _default_dataset(region: str, datasets: list[dict[str, Any]]) -> str | None:
        """The dataset the coherence section shows first: of those classified by NACE (and
        by NUTS regions, for a NUTS code), the one with the finest activities."""
        nace = [d for d in datasets if "nace" in str(d.get("activity_classification")).lower()]
        if _NUTS.match(region):
            nace = [d for d in nace if str(d.get("region_level") or "").upper().startswith("NUTS")]
        best = max(nace, key=lambda d: int(d.get("n_activities") or 0), default=None)
        return str(best["id"]) if best else None

    async def strategy(self, request: Request, code: str) -> Response:
        """``GET /regions/{code}/strategy``: the region's strategies and priorities, their
        coherence with a dataset (``dataset=``), and similar regions (``by=``)."""
        q = request.query_params
        who = self.board.page_account(request)
        registry = self.app.registry
        code = code.strip().upper()[:16]
        by = q.get("by") if q.get("by") in SIMILAR_BY else "codes"
        try:
            region = await self.run(registry.get_region, who, code)
            strategies = await self.run(registry.list_strategies, who, region.code)
            priorities = await self.run(registry.region_priorities, who, region.code)
            similar = await self.run(registry.similar_regions, who, region.code, by=by, limit=10)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        try:
            datasets = await self._datasets()
        except ApiError:
            datasets = []
        ids = [str(d["id"]) for d in datasets]
        dataset = q.get("dataset") if q.get("dataset") in ids else None
        dataset = dataset or self._default_dataset(region.code, datasets)
        coherence, problem, charts = None, None, {}
        if dataset is not None:
            try:
                found = await self.board.services.call(_coherence, who, region.code, dataset)
                coherence, charts = found["view"], {"coherence": found["chart"]}
            except ApiPending as exc:
                return self.board.pending(request, exc)
            except ApiError as exc:
                tr = translations(self.board.language(request))
                problem = localised(exc.error, tr)
        tr = translations(self.board.language(request))
        return self.render(
            request,
            "registry/strategy.html",
            region=region,
            strategies=strategies,
            priorities=priorities,
            similar=similar,
            by=by,
            by_names={k: tr.gettext(v) for k, v in SIMILAR_BY.items()},
            datasets=datasets,
            dataset=dataset,
            coherence=coherence,
            coherence_error=problem,
            charts=charts,
            may_edit=can_edit_region(who, region.code),
        )

    async def compare(self, request: Request) -> Response:
        """``GET /priorities/compare?regions=A,B``: regions side by side."""
        text = (request.query_params.get("regions") or "")[:400]
        wanted = [c.strip().upper() for c in re.split(r"[\s,;]+", text) if c.strip()]
        who = self.board.page_account(request)
        comparison = None
        if wanted:
            try:
                if not 2 <= len(wanted) <= 20:
                    from smartspec.domains.errors import RequestError

                    raise RequestError(
                        "a comparison needs between 2 and 20 regions",
                        where="regions",
                        expected="regions=A,B[,C...]",
                        found=f"{len(wanted)} region(s)",
                    )
                comparison = await self.run(self.app.registry.compare, who, wanted)
            except SmartSpecError as exc:
                return self.fail(request, exc)
        try:
            regions = await self.run(self.app.registry.list_regions, who)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        return self.render(
            request,
            "registry/compare.html",
            comparison=comparison,
            wanted=", ".join(wanted),
            regions=regions,
        )


def _unknown(priority_id: int) -> UnknownRecordError:
    return UnknownRecordError(f"there is no priority {priority_id}", where="id")


def _coherence(app: SmartSpecApp, who: Account | None, region: str, dataset: str) -> Any:
    """The coherence view and its chart (for :meth:`.data.Services.call`)."""
    view = actions.region_coherence(app, who, region, dataset)
    return {"view": view, "chart": actions.coherence_chart(view)}


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the registry's pages to ``api``: the domain's pages hook (``Domain(pages=...)``)."""
    pages = RegistryPages.made_for(api, dashboard)
    if pages is None:
        return
    one = "/priorities/{priority_id:int}"
    routes: list[PageRoute] = [
        ("/priorities", pages.browse, ["GET"]),
        ("/priorities/new", pages.new_form, ["GET"]),
        ("/priorities/new", pages.create, ["POST"]),
        ("/priorities/import", pages.import_form, ["GET"]),
        ("/priorities/import", pages.import_file, ["POST"]),
        ("/priorities/compare", pages.compare, ["GET"]),
        (one, pages.priority, ["GET"]),
        (f"{one}/edit", pages.edit_form, ["GET"]),
        (f"{one}/edit", pages.update, ["POST"]),
        (f"{one}/history", pages.history, ["GET"]),
        (f"{one}/restore", pages.restore, ["POST"]),
        ("/regions/{code}/strategy", pages.strategy, ["GET"]),
    ]
    add_pages(api, routes)
