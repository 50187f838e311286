"""The evaluation page of the monitoring domain: did a region's strategy change an indicator?
A difference-in-differences against structurally similar regions
(:func:`.evaluation.evaluate`), with the checks that qualify it shown next to the numbers.

``GET /monitoring/evaluation`` shows the form (region, dataset, measure, activities, start
year, number of control regions and how they are chosen); with a region, a dataset and a start
year it shows the estimate (ATT, and the two-way fixed-effects check), the pre/post means, the
parallel-trends check, the event study (treated region and controls' mean by year, the start
marked), the placebo p-value, the controls, and the assumptions and caveats.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from smartspec.core.errors import SmartSpecError, ValidationError
from smartspec.services.web.data import ApiError, ApiPending
from smartspec.services.web.i18n import N_, translations
from smartspec.services.web.pages_base import ERROR_TITLES, localised

from . import charts
from .evaluation import PROSE
from .pages_common import MonitoringBase

__all__ = ["ASSUMPTION_TEXTS", "NOTE_TEXTS", "EvaluationPage", "event_rows", "spoken"]

#: The assumptions of :data:`.evaluation.ASSUMPTIONS`, for translation (the same texts: a test
#: checks that they match).
ASSUMPTION_TEXTS = (
    N_(
        "Parallel trends: without the strategy, the treated region's indicator would have "
        "moved like the mean of the control regions."
    ),
    N_("No anticipation: the indicator did not react before the start year."),
    N_("No spillovers: the strategy did not change the indicator in the control regions."),
    N_(
        "Comparable controls: the control regions are structurally similar to the treated one "
        "and did not adopt a comparable policy at the same time."
    ),
    N_(
        "One treated region: there is no valid conventional standard error, so the estimate "
        "is judged against placebo estimates for the controls only."
    ),
)
#: The caveats and notes of :data:`.evaluation.NOTES`, for translation (the same texts, by
#: key: a test checks that they match).
NOTE_TEXTS = {
    "placebo": N_(
        "one treated region: the p-value comes from %(n)s placebo estimates only (the "
        "smallest possible is %(smallest)s)"
    ),
    "proof": N_("an estimate is not a proof: check the event-study gaps before the start year"),
    "pretrend": N_(
        "the gap trended before %(start)s (slope %(slope)s per year, p = %(p)s): parallel "
        "trends are doubtful and the estimate is likely biased"
    ),
    "two-pre": N_("only 2 pre years: the parallel-trends check cannot be tested (slope only)"),
    "data": N_("%(region)s: %(caveat)s"),
    "benchmark": N_("benchmark: %(note)s"),
    "structure-year": N_(
        "the structural indicators are of 2017: a similarity measured after the start year can "
        "reflect the strategy itself"
    ),
    "left-out": N_("control %(region)s left out: %(reason)s"),
    "measured-as": N_("control %(region)s left out: it is measured as %(other)s"),
    "missing-years": N_("control %(region)s left out: values missing in some years"),
    "same-country": N_(
        "controls in the same country as %(region)s (%(controls)s) share its national "
        "policies: a national effect cancels out, a spillover biases the estimate"
    ),
    "all-treated": N_(
        "every EU region had a smart specialisation strategy in 2014-2020 (an ex-ante "
        "conditionality of the ERDF): the controls are not untreated, so the estimate compares "
        "this region's path with similar regions' under their own strategies"
    ),
}


def spoken(said: list[dict[str, Any]], tr: Any) -> list[dict[str, Any]]:
    """The caveats and notes of an evaluation in the page language: ``text``, and ``english``
    when part of it quotes English prose (the data's caveats, the benchmark's notes).

    >>> from gettext import NullTranslations
    >>> spoken([{"key": "missing-years", "values": {"region": "CZ02"}}], NullTranslations())
    [{'text': 'control CZ02 left out: values missing in some years', 'english': False}]
    """
    out = []
    for s in said:
        values = s.get("values") or {}
        template = NOTE_TEXTS.get(str(s.get("key")))
        if template is None:
            out.append({"text": str(s.get("text", "")), "english": True})
            continue
        out.append({"text": tr.gettext(template) % values, "english": bool(PROSE & set(values))})
    return out


#: Fewest and most control regions the form takes (:data:`benchmark.service.MAX_TOP`).
CONTROLS = (2, 30)


def event_rows(result: dict[str, Any], treated: str, controls: str) -> list[dict[str, Any]]:
    """The event study of an evaluation as chart rows: the treated region's value and the
    controls' mean by year, each series named.

    >>> rows = event_rows(
    ...     {"did": {"event_study": [{"year": 2019, "treated": 2.0, "controls": 1.5}]}},
    ...     "CZ08", "controls")
    >>> [(r["group"], r["value"]) for r in rows]
    [('CZ08', 2.0), ('controls', 1.5)]
    """
    out: list[dict[str, Any]] = []
    for e in (result.get("did") or {}).get("event_study") or []:
        out.append({"year": e["year"], "group": treated, "value": e.get("treated")})
        out.append({"year": e["year"], "group": controls, "value": e.get("controls")})
    return out


class EvaluationPage(MonitoringBase):
    """``GET /monitoring/evaluation`` (mixed into :class:`.pages.MonitoringPages`)."""

    async def evaluation(self, request: Request) -> Response:
        """The form, and the difference-in-differences of the region asked for."""
        from smartspec.domains.benchmark.pages import MEASURE_NAMES
        from smartspec.domains.benchmark.service import MEASURES as SIMILARITY
        from smartspec.services.web import pages_calls

        from . import compute, evaluation

        q = request.query_params
        lang = self.board.language(request)
        tr = translations(lang)
        who = self.board.page_account(request)
        try:
            catalogue = await self.board.services.call(pages_calls.catalogue)
        except ApiError as exc:
            return self.board.error(request, exc)
        datasets = [
            {"id": str(d["id"]), "title": d.get("title") or d["id"]}
            for d in catalogue.get("items", [])
        ]
        measures = {
            k: (m.get("label_es") if lang == "es" else None) or m.get("label_en") or k
            for k, m in compute.MEASURES.items()
        }
        form: dict[str, str] = {
            "region": (q.get("region") or "").strip().upper()[:16],
            "dataset": (q.get("dataset") or "").strip()[:200],
            "measure": str(q.get("measure")) if q.get("measure") in measures else "share",
            "activities": (q.get("activities") or "").strip()[:2000],
            "start": (q.get("start") or "").strip()[:4],
            "controls": (q.get("controls") or "10").strip()[:3],
            "similarity": (
                str(q.get("similarity")) if q.get("similarity") in SIMILARITY else "structure"
            ),
        }
        result: dict[str, Any] | None = None
        problem: dict[str, Any] | None = None
        status = 200
        chart_specs: dict[str, Any] = {}
        if form["region"] and form["dataset"] and form["start"]:
            spec: dict[str, Any] = {"measure": form["measure"], "dataset": form["dataset"]}
            codes = [a.strip() for a in form["activities"].replace(",", ";").split(";")]
            if any(codes):
                spec["activities"] = [a for a in codes if a]
            try:
                if not form["start"].isdigit():
                    raise ValidationError(
                        "the start year is not a year",
                        where="start",
                        expected="a year such as 2014",
                        found=repr(form["start"]),
                    )
                count = int(form["controls"]) if form["controls"].isdigit() else 10
                result = await self.board.services.call(
                    evaluation.evaluate,
                    who,
                    form["region"],
                    spec=spec,
                    start=int(form["start"]),
                    controls=max(CONTROLS[0], min(CONTROLS[1], count)),
                    measure=form["similarity"],
                )
            except ApiPending as exc:
                return self.board.pending(request, exc)
            except ApiError as exc:
                status = exc.status
                title = ERROR_TITLES.get(str(exc.error.get("type")), N_("No estimate"))
                problem = {
                    "status": status,
                    "error": localised(exc.error, tr),
                    "title": tr.gettext(title),
                }
            except SmartSpecError as exc:  # a check of the form, before the service
                problem = self._form_error(request, exc)
                status = problem["status"]
        if result is not None:
            spec_chart = charts.event_study_chart(
                event_rows(
                    result,
                    str(result.get("region")),
                    tr.gettext("Mean of the control regions"),
                ),
                start=int(result["start"]),
                title=tr.gettext("Treated region and control regions by year"),
                year_label=tr.gettext("Year"),
                value_label=tr.gettext("Indicator value"),
                group_label=tr.gettext("Series of the evaluation"),
                start_label=tr.gettext("Start of the strategy"),
            )
            if spec_chart is not None:
                chart_specs["event"] = spec_chart
        return self.render(
            request,
            "monitoring/evaluation.html",
            status=status,
            form=form,
            datasets=datasets,
            measures=measures,
            similarities={k: tr.gettext(MEASURE_NAMES.get(k, k)) for k in SIMILARITY},
            controls_range=CONTROLS,
            result=result,
            problem=problem,
            assumptions=[tr.gettext(a) for a in ASSUMPTION_TEXTS],
            said=spoken(
                [*(result or {}).get("did", {}).get("said", []), *(result or {}).get("said", [])],
                tr,
            ),
            charts=chart_specs,
        )
