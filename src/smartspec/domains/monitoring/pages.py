"""The dashboard pages of the monitoring domain: strategies and their progress across regions,
one strategy's intervention logic with its indicators and their progress, one indicator with
its values and targets, and the evaluation of a policy by difference-in-differences.

:func:`attach` is the domain's pages hook (``Domain(pages=...)``). Every page calls the
monitoring service (:class:`~.service.Monitoring`, by :func:`.actions.monitoring_of`) directly,
in a worker thread, and renders with the dashboard's
:class:`~smartspec.services.web.pages_base.DashboardBase`; the templates are in this package's
``templates/monitoring/``.

Routes (none in the OpenAPI document; the JSON API of the same services is :mod:`.api`):

================================================= ============================================
``GET  /monitoring``                               strategies with plans, statuses by region,
                                                   progress across regions (``starter``,
                                                   ``year``)
``GET  /monitoring/strategies/{id}``               the intervention logic as a tree, the
                                                   indicators with their status and charts;
                                                   an editor's forms
``POST /monitoring/strategies/{id}/objectives``    add an objective
``POST /monitoring/strategies/{id}/actions``       add an action to an objective
``POST /monitoring/strategies/{id}/indicators``    add an indicator (entered or computed)
``POST /monitoring/strategies/{id}/starter``       adopt starter indicators (the ones checked)
``POST /monitoring/strategies/{id}/import``        import values (CSV or Excel; dry run)
``GET|POST /monitoring/indicators/{id}``           one indicator: values, targets; record or
                                                   delete a value, set the targets
``GET  /monitoring/evaluation``                    difference-in-differences of a policy
================================================= ============================================

Every form carries a CSRF token, checked before anything else; a form sent without a login goes
to the login page, and one sent by an account that may not change the strategy's region gets
the 403 page. A status is always written out with an icon, never shown by colour alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response

from smartspec.core.errors import SmartSpecError
from smartspec.domains.accounts.rules import can_edit_region
from smartspec.domains.errors import UnknownRecordError
from smartspec.services.web.data import ApiError
from smartspec.services.web.i18n import translations
from smartspec.services.web.pages_base import PageRoute, add_pages

from . import charts
from .core import period_start
from .pages_common import MAX_ID, STATUS_NAMES, to_dict
from .pages_evaluation import EvaluationPage
from .pages_forms import MonitoringForms

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["MonitoringPages", "attach", "indicator_chart", "plan_tree"]


def plan_tree(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan's indicators placed in its tree: priorities → objectives → actions → indicators.

    An indicator sits under its action when it has one, else under its objective, else under
    its priority; one with none of them belongs to the whole strategy.

    Parameters
    ----------
    plan : dict
        :meth:`PlanView.to_dict <.views.PlanView.to_dict>`.

    Returns
    -------
    dict
        ``priorities`` (each with ``objectives``, each with ``actions`` and their
        ``indicators``, and the objective's own ``indicators``; and the priority's own
        ``indicators``), ``unassigned`` objectives (no priority) alike, and ``general``: the
        indicators of the whole strategy.

    Examples
    --------
    >>> plan = {"priorities": [{"id": 1, "title": "P", "objectives": [
    ...     {"id": 5, "title": "O", "actions": [{"id": 9, "title": "A"}]}]}],
    ...     "unassigned": [], "indicators": [
    ...     {"id": 1, "priority_id": 1, "objective_id": 5, "action_id": 9},
    ...     {"id": 2, "priority_id": 1, "objective_id": 5, "action_id": None},
    ...     {"id": 3, "priority_id": 1, "objective_id": None, "action_id": None},
    ...     {"id": 4, "priority_id": None, "objective_id": None, "action_id": None}]}
    >>> t = plan_tree(plan)
    >>> o = t["priorities"][0]["objectives"][0]
    >>> [i["id"] for i in o["actions"][0]["indicators"]], [i["id"] for i in o["indicators"]]
    ([1], [2])
    >>> [i["id"] for i in t["priorities"][0]["indicators"]], [i["id"] for i in t["general"]]
    ([3], [4])
    """
    indicators = list(plan.get("indicators") or [])
    placed: set[int] = set()

    def take(test: Any) -> list[dict[str, Any]]:
        found = [i for i in indicators if i["id"] not in placed and test(i)]
        placed.update(i["id"] for i in found)
        return found

    def objective(o: dict[str, Any]) -> dict[str, Any]:
        actions = [
            {**a, "indicators": take(lambda i, a=a: i.get("action_id") == a["id"])}
            for a in o.get("actions") or []
        ]
        return {
            **o,
            "actions": actions,
            "indicators": take(lambda i: i.get("objective_id") == o["id"]),
        }

    priorities = []
    for p in plan.get("priorities") or []:
        objectives = [objective(o) for o in p.get("objectives") or []]
        priorities.append(
            {
                **p,
                "objectives": objectives,
                "indicators": take(lambda i, p=p: i.get("priority_id") == p["id"]),
            }
        )
    unassigned = [objective(o) for o in plan.get("unassigned") or []]
    return {
        "priorities": priorities,
        "unassigned": unassigned,
        "general": [i for i in indicators if i["id"] not in placed],
    }


def indicator_chart(ind: dict[str, Any], tr: Any) -> dict[str, Any] | None:
    """The progress chart of one indicator (:func:`.charts.progress_chart`), its labels in the
    language of ``tr``."""
    base = ind.get("baseline") or {}
    baseline = (
        (int(base["year"]), float(base["value"]))
        if base.get("year") is not None and base.get("value") is not None
        else None
    )
    labels = {
        "year": tr.gettext("Year"),
        "value": tr.gettext("Indicator value"),
        "plan": tr.gettext("Baseline, milestones and target"),
        "recorded": tr.gettext("Recorded value"),
        "point": tr.gettext("Point of the trajectory"),
        "baseline": tr.gettext("baseline of the indicator"),
        "milestone": tr.gettext("interim milestone"),
        "target": tr.gettext("final target"),
    }
    return charts.progress_chart(
        baseline=baseline,
        points=[
            (int(t["year"]), float(t["value"]), t.get("kind") or "milestone")
            for t in ind.get("targets") or []
        ],
        values=[
            (int(v["year"]), float(v["value"]))
            for v in ind.get("values") or []
            if v.get("value") is not None
        ],
        title=tr.gettext("Progress of %(name)s") % {"name": ind.get("name", "")},
        labels=labels,
        unit=str(ind.get("unit") or ""),
    )


class MonitoringPages(MonitoringForms, EvaluationPage):
    """The monitoring pages of one dashboard (reading here; forms and evaluation mixed in)."""

    # ------------------------------------------------------------------ overview
    async def overview(self, request: Request) -> Response:
        """``GET /monitoring``: strategies with plans, statuses by region, progress across
        regions, filtered by starter indicator (``starter``) and year (``year``)."""
        q = request.query_params
        who = self.board.page_account(request)
        tr = translations(self.board.language(request))
        starter_key = (q.get("starter") or "").strip()[:64] or None
        text = (q.get("year") or "").strip()
        year = int(text) if text.isdigit() and 1900 <= int(text) <= 2100 else None
        try:
            strategies = await self.run(self.app.registry.list_strategies, who)
            across = to_dict(
                await self.run(
                    self.monitoring.progress_across_regions, who, year=year, starter_key=starter_key
                )
            )
            starters = to_dict(await self.run(self.monitoring.starter_set))
        except SmartSpecError as exc:
            return self.fail(request, exc)
        lang = self.board.language(request)
        rows = list(across.get("rows") or [])
        counts: dict[str, dict[str, int]] = dict(across.get("counts") or {})
        by_strategy: dict[int, dict[str, int]] = {}
        for r in rows:
            tally = by_strategy.setdefault(int((r.get("strategy") or {}).get("id") or 0), {})
            status = str(r.get("status") or "not assessable")
            tally[status] = tally.get(status, 0) + 1
        status_names = {k: tr.gettext(v) for k, v in STATUS_NAMES.items()}
        chart = charts.status_chart(
            counts,
            title=tr.gettext("Indicators by status and region"),
            status_names=status_names,
            region_label=tr.gettext("Region of the strategy"),
            count_label=tr.gettext("Number of indicators"),
            status_label=tr.gettext("Progress status"),
        )
        return self.render(
            request,
            "monitoring/overview.html",
            strategies=strategies,
            by_strategy=by_strategy,
            rows=rows,
            counts=counts,
            statuses=charts.STATUS_ORDER,
            starters=[
                {"key": s["key"], "name": _pick(s.get("name"), lang)} for s in starters or []
            ],
            starter=starter_key or "",
            year=year,
            charts={"status": chart} if chart else {},
        )

    # ------------------------------------------------------------------ one strategy
    async def strategy(self, request: Request, strategy_id: int) -> Response:
        """``GET /monitoring/strategies/{id}``: the plan as a tree, the indicators with their
        status, rule and chart, and an editor's forms."""
        return await self._strategy_page(request, strategy_id)

    async def _strategy_page(
        self,
        request: Request,
        strategy_id: int,
        *,
        status: int = 200,
        problem: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
        report: Any = None,
    ) -> Response:
        """The strategy page; after a refused form, with its error box (``problem``: status,
        error, title; ``values``: what was typed) or an import's report."""
        who = self.board.page_account(request)
        tr = translations(self.board.language(request))
        lang = self.board.language(request)
        try:
            if not 0 < strategy_id < MAX_ID:
                raise UnknownRecordError(f"there is no strategy {strategy_id}", where="id")
            plan = to_dict(await self.run(self.monitoring.plan, who, strategy_id))
        except SmartSpecError as exc:
            return self.fail(request, exc)
        region = str(plan["strategy"].get("region") or "")
        may_edit = can_edit_region(who, region)
        context: dict[str, Any] = {}
        if may_edit:
            context = await self._editor_context(request, lang)
        indicators = plan.get("indicators") or []
        chart_specs = {
            f"indicator-{i['id']}": spec
            for i in indicators
            if (spec := indicator_chart(i, tr)) is not None
        }
        return self.render(
            request,
            "monitoring/strategy.html",
            status=status,
            plan=plan,
            tree=plan_tree(plan),
            rules={i["id"]: self.rule_text(request, i.get("progress")) for i in indicators},
            may_edit=may_edit,
            csrf_token=self.board.csrf_token(request) if may_edit else None,
            problem=problem,
            values=values or {},
            report=to_dict(report) if report is not None else None,
            charts=chart_specs,
            **context,
        )

    async def _editor_context(self, request: Request, lang: str) -> dict[str, Any]:
        """What an editor's forms offer: starter indicators, measures, datasets."""
        from smartspec.services.web import pages_calls

        from . import compute

        starters = to_dict(await self.run(self.monitoring.starter_set))
        try:
            catalogue = await self.board.services.call(pages_calls.catalogue)
            datasets = [
                {"id": str(d["id"]), "title": d.get("title") or d["id"]}
                for d in catalogue.get("items", [])
            ]
        except ApiError:  # the forms still work for entered values
            datasets = []
        return {
            "starters": [
                {
                    **s,
                    "name_text": _pick(s.get("name"), lang),
                    "definition_text": _pick(s.get("definition"), lang),
                }
                for s in starters or []
            ],
            "measures": {
                k: (m.get("label_es") if lang == "es" else None) or m.get("label_en") or k
                for k, m in compute.MEASURES.items()
            },
            "datasets": datasets,
        }

    # ------------------------------------------------------------------ one indicator
    async def indicator(self, request: Request, indicator_id: int) -> Response:
        """``GET /monitoring/indicators/{id}``: definition, targets, values, status, chart."""
        return await self._indicator_page(request, indicator_id)

    async def _indicator_page(
        self,
        request: Request,
        indicator_id: int,
        *,
        status: int = 200,
        problem: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
    ) -> Response:
        who = self.board.page_account(request)
        tr = translations(self.board.language(request))
        try:
            if not 0 < indicator_id < MAX_ID:
                raise UnknownRecordError(f"there is no indicator {indicator_id}", where="id")
            ind = to_dict(await self.run(self.monitoring.indicator, who, indicator_id))
            strategy = await self.run(self.app.registry.get_strategy, who, ind["strategy_id"])
        except SmartSpecError as exc:
            return self.fail(request, exc)
        may_edit = can_edit_region(who, ind["region"])
        spec = indicator_chart(ind, tr)
        targets = sorted(ind.get("targets") or [], key=lambda t: t["year"])
        return self.render(
            request,
            "monitoring/indicator.html",
            status=status,
            ind=ind,
            strategy=strategy,
            rule=self.rule_text(request, ind.get("progress")),
            may_edit=may_edit,
            csrf_token=self.board.csrf_token(request) if may_edit else None,
            problem=problem,
            values=values or {},
            target_rows=[*targets, *({"year": "", "value": "", "kind": "milestone"},) * 3],
            charts={"progress": spec} if spec else {},
            eval_start=evaluation_start(ind, strategy.period),
        )


def evaluation_start(ind: dict[str, Any], period: str | None) -> int | None:
    """The start year the "evaluate this indicator" link proposes: the strategy's first year
    when the indicator's values have two years before it and one from it (what the
    difference-in-differences needs), else 2014, the start of the first smart specialisation
    strategies (an ex-ante conditionality of the ERDF 2014-2020), when that fits; else none
    (the user picks one on the evaluation page).

    >>> evaluation_start({"values": [{"year": y} for y in range(2008, 2016)]}, "2021-2027")
    2014
    >>> evaluation_start({"values": [{"year": 2019}]}, "2021-2027") is None
    True
    """
    years = sorted({int(v["year"]) for v in ind.get("values") or []})
    first = period_start(period or "")
    for start in (first, 2014):
        if start is not None and len([y for y in years if y < start]) >= 2:
            if any(y >= start for y in years):
                return start
    return None


def _pick(text: Any, lang: str) -> str:
    """A text given in several languages (``{"en": ..., "es": ...}``) in ``lang``."""
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("en") or next(iter(text.values()), ""))
    return str(text or "")


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the monitoring pages to ``api``: the domain's pages hook (``Domain(pages=...)``)."""
    pages = MonitoringPages.made_for(api, dashboard)
    if pages is None:
        return
    one = "/monitoring/strategies/{strategy_id:int}"
    ind = "/monitoring/indicators/{indicator_id:int}"
    routes: list[PageRoute] = [
        ("/monitoring", pages.overview, ["GET"]),
        ("/monitoring/evaluation", pages.evaluation, ["GET"]),
        (one, pages.strategy, ["GET"]),
        (f"{one}/objectives", pages.add_objective, ["POST"]),
        (f"{one}/actions", pages.add_action, ["POST"]),
        (f"{one}/indicators", pages.add_indicator, ["POST"]),
        (f"{one}/starter", pages.adopt_starter, ["POST"]),
        (f"{one}/import", pages.import_values, ["POST"]),
        (ind, pages.indicator, ["GET"]),
        (ind, pages.indicator_post, ["POST"]),
    ]
    add_pages(api, routes)
