"""The data pages: the home page (datasets and an indicator map), a dataset's overview, the
backtest of the recommendations and the upload form."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from smartspec.domains.datasets.api import UPLOADERS
from smartspec.services.api.deps import SESSION_COOKIE
from smartspec.services.api.security import CSRF_FIELD

from . import charts, pages_calls
from .data import ApiError, ApiPending, seg
from .i18n import N_, Formatter, translations
from .pages_base import (
    BASELINES,
    CONCENTRATION,
    ERROR_TITLES,
    INDICATORS,
    SCORES,
    DashboardBase,
    _choice,
    _hint,
    _int,
    _num,
    _text,
    in_sentence,
    localised,
)


class DataPages(DashboardBase):
    """The home page, the dataset overview, the backtest page and the upload form."""

    async def home(self, request: Request) -> Response:
        q = request.query_params
        lang = self.language(request)
        tr = translations(lang)
        fmt = Formatter(self.language(request))
        try:
            datasets = (await self.services.call(pages_calls.catalogue)).get("items", [])
        except ApiError as exc:
            return self.error(request, exc)
        context: dict[str, Any] = {"datasets": datasets, "indicators": INDICATORS}
        ids = [str(d["id"]) for d in datasets]
        chosen = q.get("dataset") if q.get("dataset") in ids else None
        if chosen is None and datasets:
            chosen = next((str(d["id"]) for d in datasets if _hint(d)), ids[0])
        if chosen is None:
            return self.render(request, "home.html", **context)
        try:
            basics = await self.dataset_basics(chosen, lang)
        except ApiError as exc:
            return self.error(request, exc)
        indicator = _choice(q.get("indicator"), INDICATORS, "eci")
        period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
        activity = q.get("activity") if q.get("activity") in basics["activities"] else None
        table = INDICATORS[indicator][1]
        if table == "cells" and activity is None and basics["activities"]:
            activity = next(iter(basics["activities"]))
        try:
            rows = await self.services.items(
                pages_calls.indicator_page,
                chosen,
                table,
                period=_text(period),
                activity=[activity] if table == "cells" and activity is not None else [],
            )
            if indicator in ("eci", "coi"):  # a complexity ranking: qualified where it misleads
                context["validity"] = self.validity_context(await self.validity(chosen), period, tr)
        except ApiError as exc:
            return self.error(request, exc)
        values = [
            {
                "code": str(r["region"]),
                "name": basics["regions"].get(str(r["region"]), r["region"]),
                "value": _num(r.get(indicator)),
            }
            for r in rows
        ]
        values.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
        label = tr.gettext(INDICATORS[indicator][0]) % {"rule": self.rule_text(lang)}
        if activity is not None and table == "cells":
            label = f"{label}: " + in_sentence(
                basics["activities"].get(activity, activity),
                basics["activity_langs"].get(activity),
                lang,
            )
        chart = self.map_chart(
            chosen, basics["map"], values, title=label, tr=tr, fmt=fmt, indicator=indicator
        )
        context.update(
            dataset=chosen,
            basics=basics,
            indicator=indicator,
            indicator_label=label,
            activity=activity,
            period=period,
            values=values,
            digits=0 if indicator == "diversity" else 2,
            charts={"map": chart} if chart else {},
        )
        return self.render(request, "home.html", **context)

    async def dataset(self, request: Request, dataset: str) -> Response:
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(
                request.query_params.get("period"), basics["periods"], basics["complete"]
            )
            items, when = self.services.items, _text(period)
            regions, activities, validity = await asyncio.gather(
                items(pages_calls.indicator_page, dataset, "regions", period=when),
                items(pages_calls.indicator_page, dataset, "activities", period=when),
                self.validity(dataset),
            )
        except ApiError as exc:
            return self.error(request, exc)
        for row in regions:
            row["code"] = str(row["region"])
            row["name"] = basics["regions"].get(row["code"], row["code"])
        with_data = sorted((r["name"], r["code"]) for r in regions if (r.get("diversity") or 0) > 0)
        default_region = with_data[0][1] if with_data else None  # never one without data
        _rank(regions, "eci")
        regions.sort(key=lambda r: (r["eci_rank"] is None, r["eci_rank"] or 0))
        for row in activities:
            row["code"] = str(row["activity"])
            row["name"] = basics["activities"].get(row["code"], row["code"])
        activities.sort(key=lambda r: (_num(r.get("pci")) is None, -(_num(r.get("pci")) or 0)))
        values = [
            {"code": r["code"], "name": r["name"], "value": _num(r.get("eci"))} for r in regions
        ]
        chart = self.map_chart(
            dataset,
            basics["map"],
            values,
            title=tr.gettext("Economic complexity index (ECI)"),
            tr=tr,
            fmt=fmt,
        )
        concentration, variety = await self.concentration(dataset, period, regions)
        return self.render(
            request,
            "dataset.html",
            dataset=dataset,
            basics=basics,
            period=period,
            regions=regions,
            activities=activities,
            concentration=concentration,
            variety=variety,
            measure_labels=CONCENTRATION,
            default_region=default_region,
            validity=self.validity_context(validity, period, tr),
            uploaded=request.query_params.get("uploaded") == "1",
            charts={"map": chart} if chart else {},
        )

    async def concentration(
        self, dataset: str, period: Any, regions: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Rows of the overview's concentration table (one per region, as ``regions``: diversity
        and ECI, plus each measure of :data:`CONCENTRATION`) and how variety was grouped.

        Related and unrelated variety need an activity hierarchy: the API's ``groups=auto``
        takes the activities' parents, else the first letter of NACE-like codes, else answers
        400 and the page says why they are missing.
        """
        calls = [
            self.services.items(
                pages_calls.measure_page,
                dataset,
                name,
                period=_text(period),
                groups="auto" if name.endswith("variety") else None,
            )
            for name in CONCENTRATION
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
        by_region: dict[str, dict[str, Any]] = {
            r["code"]: {
                "code": r["code"],
                "name": r["name"],
                "diversity": r.get("diversity"),
                "eci": _num(r.get("eci")),
            }
            for r in regions
        }
        variety: dict[str, Any] = {"shown": False, "groups": None, "reason": None}
        for name, result in zip(CONCENTRATION, results, strict=True):
            if isinstance(result, ApiError):
                if name.endswith("variety"):
                    variety["reason"] = result.error.get("message")
                    continue
                raise result
            if isinstance(result, BaseException):
                raise result
            if name.endswith("variety"):
                variety["shown"] = True
            for row in result:
                target = by_region.get(str(row["region"]))
                if target is not None:
                    target[name] = _num(row.get(name))
        if variety["shown"]:
            labels = await self.services.items(pages_calls.labels, dataset, "activity")
            has_parent = bool(labels) and all(a.get("parent") for a in labels)
            variety["groups"] = "parent" if has_parent else "prefix"
        return list(by_region.values()), variety

    async def validation(self, request: Request, dataset: str) -> Response:
        """Backtest of the recommendations: pick periods and scores, read the metrics."""
        lang = self.language(request)
        tr = translations(lang)
        q = request.query_params
        base_url = f"/datasets/{seg(dataset)}"
        try:
            basics = await self.dataset_basics(dataset, lang)
        except ApiError as exc:
            return self.error(request, exc)
        periods = basics["periods"]
        context: dict[str, Any] = {
            "result": None,
            "problem": None,
            "metrics": [],
            "curve_rows": [],
            "links": {},
        }
        chosen = [s for s in q.getlist("score") if s in SCORES] or ["density", "cog"]
        k = _int(q.get("k"), 10, 1, 1000)
        first = periods[0] if periods else None
        base = next((p for p in periods if str(p) == q.get("base")), first)
        end = self.pick_period(q.get("end"), periods)
        chart_specs: dict[str, Any] = {}
        if len(periods) > 1:
            params = {"base": base, "end": end, "score": chosen, "k": k, "n_boot": 200}
            try:
                result = await self.services.call(
                    pages_calls.backtest,
                    dataset,
                    base=_text(base),
                    end=_text(end),
                    scores=chosen,
                    k=[k],
                    n_boot=params["n_boot"],
                )
            except ApiPending as pending:
                return self.pending(request, pending)
            except ApiError as exc:
                if exc.status != 400:
                    return self.error(request, exc)
                problem = localised(exc.error, tr)  # what it means in the page language
                context["problem"] = dict(
                    problem, message=problem.get("translated") or problem.get("message")
                )
                result = None
            query = urlencode(
                [
                    (key, v)
                    for key, val in params.items()
                    for v in (val if isinstance(val, list) else [val])
                ]
            )
            api = f"/api/v1{base_url}/validation?{query}"
            context["links"] = {
                "json": api,
                "metrics": f"{api}&format=csv&table=metrics",
                "curves": f"{api}&format=csv&table=curves",
                "pairs": f"{api}&format=csv&table=pairs",
            }
            if result is not None:
                label = {
                    **{key: tr.gettext(v) for key, v in SCORES.items()},
                    **{key: tr.gettext(v) for key, v in BASELINES.items()},
                }
                metrics = []
                for m in result.get("metrics", []):
                    row = {
                        key: _num(v) if key not in ("score", "kind") else v for key, v in m.items()
                    }
                    row["label"] = label.get(m["score"], m["score"])
                    row["p_at_k"] = _num(m.get(f"precision_at_{k}"))
                    row["region_p_at_k"] = _num(m.get(f"region_precision_at_{k}"))
                    row["lift_at_k"] = _num(m.get(f"lift_at_{k}"))
                    metrics.append(row)
                curves = [
                    {
                        "series": label.get(c["score"], c["score"]),
                        "curve": c["curve"],
                        "x": _num(c.get("x")),
                        "y": _num(c.get("y")),
                    }
                    for c in result.get("curves", [])
                ]
                summary = result.get("summary", {})
                chart_specs["curves"] = charts.backtest_curves(
                    curves,
                    title=tr.gettext("How well the scores found the entries"),
                    roc_title=tr.gettext("ROC curve"),
                    pr_title=tr.gettext("Precision-recall curve"),
                    fpr_label=tr.gettext("False positive rate"),
                    tpr_label=tr.gettext("True positive rate"),
                    recall_label=tr.gettext("Recall (entries found)"),
                    precision_label=tr.gettext("Precision"),
                    score_label=tr.gettext("Score"),
                    chance_label=tr.gettext("Chance"),
                    base_rate=_num(summary.get("entry_rate")),
                    scores=[label[x] for x in chosen],
                    baselines=[label[x] for x in BASELINES],
                )
                # the table alternative: every tenth point of each curve
                by_curve: dict[tuple[str, str], list[dict[str, Any]]] = {}
                for c in curves:
                    by_curve.setdefault((c["series"], c["curve"]), []).append(c)
                context["curve_rows"] = [
                    dict(
                        c,
                        curve_label=tr.gettext("ROC")
                        if c["curve"] == "roc"
                        else tr.gettext("Precision-recall"),
                    )
                    for rows in by_curve.values()
                    for i, c in enumerate(rows)
                    if i % 10 == 0 or i == len(rows) - 1
                ]
                context.update(result=result, summary=summary, metrics=metrics)
        return self.render(
            request,
            "validation.html",
            status=400 if context["problem"] else 200,
            dataset=dataset,
            basics=basics,
            base=base,
            end=end,
            k=k,
            chosen=chosen,
            score_choices=SCORES,
            charts=chart_specs,
            **context,
        )

    def upload_page(self, request: Request, *, status: int = 200, **context: Any) -> HTMLResponse:
        """The upload form with its CSRF token (the cookie set when the browser has none); a
        notice instead of the form when the server is read-only, and for a visitor who may not
        upload (a link to the login page, or what the account's role does not allow)."""
        if getattr(request.app.state, "read_only", False):
            return self.render(request, "upload.html", status=403, form={}, error=None)
        account = self.page_account(request)
        return self.render(
            request,
            "upload.html",
            status=status,
            csrf_token=self.csrf_token(request),
            may_upload=account is not None and account.role in UPLOADERS,
            **context,
        )

    async def upload_form(self, request: Request) -> Response:
        return self.upload_page(request, form={}, error=None)

    async def upload(self, request: Request) -> Response:
        form = await request.form()
        refused = request.app.state.csrf.refusal(request, form.get(CSRF_FIELD))
        if refused is not None:
            return refused
        fields = {
            k: str(form.get(k) or "").strip()
            for k in (
                "region",
                "activity",
                "value",
                "period",
                "title",
                "region_name",
                "activity_name",
                "decimal",
                "missing",
            )
        }
        upload = form.get("file")
        filename = getattr(upload, "filename", None) or ""
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        if not filename or not content:
            tr = translations(self.language(request))
            error = {
                "status": 400,
                "type": "RequestError",
                "local": True,
                "message": tr.gettext("Choose a data file to upload."),
            }
            return self.upload_page(request, status=400, form=fields, error=error)
        try:
            login = {SESSION_COOKIE: request.cookies.get(SESSION_COOKIE, "")}
            created = await self.client.post_file(
                "/datasets", filename, content, fields, cookies=login
            )
        except ApiError as exc:
            tr = translations(self.language(request))
            title = tr.gettext(
                ERROR_TITLES.get(str(exc.error.get("type")), "") or N_("Something went wrong")
            )
            return self.upload_page(
                request,
                status=exc.status,
                form=fields,
                error=localised(exc.error, tr),
                error_title=title,
            )
        new_id = created.get("id") if isinstance(created, dict) else None
        return RedirectResponse(f"/datasets/{seg(new_id)}?uploaded=1", status_code=303)


def _rank(rows: list[dict[str, Any]], column: str) -> None:
    """Add ``<column>_rank`` (1 = highest; ``None`` where the value is missing)."""
    valued = sorted(
        (r for r in rows if _num(r.get(column)) is not None),
        key=lambda r: -(_num(r.get(column)) or 0.0),
    )
    for r in rows:
        r[f"{column}_rank"] = None
    for i, r in enumerate(valued, start=1):
        r[f"{column}_rank"] = i
