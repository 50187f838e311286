"""The dashboard pages: Jinja2 templates rendered from the JSON API, one language per request.

Every route reads its data from ``/api/v1`` (:mod:`.data`), formats numbers with Babel in the
page language (:mod:`.i18n`) and hands chart specs (:mod:`.charts`) to a small script that draws
them with the vendored vega-embed. Every chart has a table alternative in the page.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from smartspec.services.api.security import CSRF_FIELD

from ...core.lookup import match
from . import charts, sectors, summary
from .data import ApiClient, ApiError, ApiPending, names, seg
from .i18n import COOKIE, N_, Formatter, language_name, languages, negotiate, translations
from .maps import MapMatch, match_boundaries

TEMPLATES = Path(__file__).parent / "templates"


#: Names of the income series of ``GET .../complexity`` (``SmartSpecApp.income``).
INCOME_NAMES: dict[str, str] = {
    "gdp_per_head": N_("GDP per head"),
    "gva_per_worker": N_("gross value added per worker"),
    "va_per_worker": N_("value added per worker"),
    "payroll_per_employee": N_("payroll per employee"),
}


#: Indicators the home map can show: key -> (label, API table, column)
INDICATORS: dict[str, tuple[str, str]] = {
    "eci": (N_("Economic complexity index (ECI)"), "regions"),
    "coi": (N_("Complexity outlook index (COI)"), "regions"),
    "diversity": (N_("Diversity (activities with %(rule)s)"), "regions"),
    "rca": (N_("Specialisation in one activity (RCA)"), "cells"),
    "density": (N_("Relatedness density to one activity"), "cells"),
}

#: Short names for legends.
SHORT = {
    "eci": N_("ECI"),
    "coi": N_("COI"),
    "diversity": N_("Diversity"),
    "rca": N_("RCA"),
    "density": N_("Relatedness density"),
}

RANK_BY = {
    "density": N_("relatedness density"),
    "cog": N_("complexity outlook gain (COG)"),
    "pci": N_("activity complexity (PCI)"),
}

#: The column of the framework's rows each ranking sorts by (quadrant tables, point labels).
RANK_FIELD = {"density": "density", "cog": "cog", "pci": "complexity"}

#: The most candidates named on the framework plane (fewer when the page lists fewer).
PLANE_LABELS = 8

ERROR_TITLES = {
    "UnknownDatasetError": N_("Unknown dataset"),
    "UnknownRegionError": N_("Unknown region"),
    "UnknownActivityError": N_("Unknown activity"),
    "UnknownPeriodError": N_("Unknown period"),
    "RequestError": N_("The request could not be understood"),
    "UploadTooLargeError": N_("The file is too large"),
    "ConflictError": N_("This cannot be done with this dataset"),
    "ValidationError": N_("The data cannot be used as it is"),
    "NotFound": N_("Page not found"),
    "MethodNotAllowed": N_("This page cannot be used that way"),
    "InternalError": N_("Something went wrong on our side"),
    "ReadOnlyError": N_("This server is read-only"),
    "CrossOriginError": N_("Request from another site refused"),
    "CsrfTokenError": N_("The form could not be accepted"),
    "HostNotAllowedError": N_("Unknown server name"),
}

#: What an error means, in the page's language, by its stable code (the API's ``error.code``;
#: docs/api.md, "Error codes"). The engine's own message, in English, and its details are shown
#: below it.
ERROR_MESSAGES = {
    "unknown_dataset": N_("There is no dataset with this name on this server."),
    "unknown_region": N_("This region is not in the dataset."),
    "unknown_activity": N_("This activity is not in the dataset."),
    "unknown_period": N_("This period is not in the dataset."),
    "unknown_table": N_("This table or download does not exist."),
    "unknown_job": N_(
        "The server does not know this computation (it may have restarted): load the page again."
    ),
    "bad_request": N_("A parameter of the request cannot be used as it is."),
    "bad_request.parameter": N_(
        "A parameter of the address has the wrong type or is out of range."
    ),
    "bad_request.page_too_large": N_(
        "The page asked for has more rows than the server gives at once."
    ),
    "bad_request.too_few_periods": N_("A backtest needs a dataset with at least two periods."),
    "bad_request.period_order": N_("The outcome period must come after the base period."),
    "invalid": N_("The data or the options cannot be used as they are."),
    "invalid.upload": N_(
        "The uploaded file cannot be used as it is: the details say where and why."
    ),
    "invalid.file_format": N_(
        "The file format cannot be told from the file name: upload a "
        "CSV, TSV, Parquet or Excel file with its usual ending."
    ),
    "invalid.file_missing": N_(
        "The data file of this dataset is missing on the server: there is no data to show."
    ),
    "upload_too_large": N_("The file is too large for this server."),
    "conflict": N_("This cannot be done with this dataset."),
    "compute_budget": N_(
        "This computation needs more time or memory than the server gives one: ask for less."
    ),
    "queue_full": N_("The server is busy with other computations: try again in a moment."),
    "method_not_allowed": N_("This address cannot be used that way."),
    "read_only": N_("This server is read-only: nothing can be uploaded or deleted."),
    "cross_origin": N_("The request came from another site's page and was refused."),
    "csrf": N_("The form could not be accepted: load the page again and send it again."),
    "host_not_allowed": N_("This server does not answer to this name."),
}

#: Strings the page script needs (rendered per page as a JSON block, translated).
JS_STRINGS = (
    N_("Chart could not be drawn; the data table below shows the same values."),
    N_("sorted ascending"),
    N_("sorted descending"),
    N_("Loading…"),
)

QUADRANTS = (
    N_("Related and complex: best bets"),
    N_("Complex but distant: ambitious"),
    N_("Related but simple: safe, low gain"),
    N_("Distant and simple: least attractive"),
)

#: The framework's quadrants (Balland et al. 2019), in the API's order: name and meaning.
QUADRANT_NAMES = {
    "high_density_high_complexity": (
        N_("Most attractive"),
        N_("related and complex: low risk, high gain"),
    ),
    "high_density_low_complexity": (N_("Safe"), N_("related but less complex: low risk, low gain")),
    "low_density_high_complexity": (
        N_("Ambitious"),
        N_("complex but distant: high risk, high gain"),
    ),
    "low_density_low_complexity": (N_("Least attractive"), N_("distant and less complex")),
}

#: Where the framework plane is cut (the page's ``cutoff=``).
CUTOFFS = {"mean": N_("Means of the candidates"), "median": N_("Medians of the candidates")}

#: Scores and baselines of a backtest.
SCORES = {
    "density": N_("Relatedness density"),
    "cog": N_("Complexity outlook gain (COG)"),
    "pci": N_("Activity complexity (PCI)"),
    "rca_start": N_("RCA in the base period"),
}
BASELINES = {"ubiquity": N_("Ubiquity (common activities)"), "random": N_("Random order")}

#: Concentration measures of the dataset overview: catalogue name -> column label.
CONCENTRATION = {
    "krugman": N_("Krugman specialisation index"),
    "entropy": N_("Entropy"),
    "related_variety": N_("Related variety"),
    "unrelated_variety": N_("Unrelated variety"),
}


def presence_rule(api: FastAPI) -> str:
    """How the dashboard's profile defines presence, after "RCA": ``> 1`` (atlas, as the Growth
    Lab's Stata package) or ``≥ 1`` (the profiles of the Python and R peers)."""
    from smartspec.core.profiles import get_profile

    app = getattr(api.state, "smartspec", None)
    name = app.settings.get("default_profile", "atlas") if app is not None else "atlas"
    try:
        profile = get_profile(name)
    except Exception:  # an unknown profile fails elsewhere, with its message
        profile = get_profile("atlas")
    return f"{'>' if profile.strict else '≥'} {profile.threshold:g}"


class Dashboard:
    """The page routes of one FastAPI application."""

    def __init__(self, api: FastAPI):
        app = getattr(api.state, "smartspec", None)
        self.client = ApiClient(api, wait=app.settings["page_wait_s"] if app else None)
        self._envs: dict[str, Environment] = {}
        self.rule = presence_rule(api)

    # ------------------------------------------------------------------ rendering
    def env(self, lang: str) -> Environment:
        if lang not in self._envs:
            env = Environment(
                loader=FileSystemLoader(TEMPLATES),
                autoescape=select_autoescape(["html"]),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(translations(lang), newstyle=True)
            env.globals["seg"] = seg
            env.globals["presence_rule"] = self.rule_text(lang)
            self._envs[lang] = env
        return self._envs[lang]

    def rule_text(self, lang: str) -> str:
        """The presence rule in the page language (``RCA > 1``, ``VCR > 1``)."""
        return f"{translations(lang).gettext('RCA')} {self.rule}"

    @staticmethod
    def language(request: Request) -> str:
        return negotiate(
            request.query_params.get("lang"),
            request.cookies.get(COOKIE),
            request.headers.get("accept-language"),
        )

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = self.language(request)
        tr = translations(lang)
        basics = context.get("basics")
        presence = ((basics or {}).get("detail") or {}).get("defaults", {}).get("presence")
        if presence in ("rpop", "either", "both"):  # the dataset's own rule, in every label
            word = {
                "rpop": "RPOP",
                "either": tr.gettext("RCA or RPOP"),
                "both": tr.gettext("RCA and RPOP"),
            }[presence]
            context.setdefault("presence_rule", f"{word} {self.rule}")
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        switch = [
            {
                "code": code,
                "name": language_name(code),
                "url": request.url.path + "?" + urlencode([*query, ("lang", code)]),
                "current": code == lang,
            }
            for code in languages()
        ]
        fmt = Formatter(lang)
        html = (
            self.env(lang)
            .get_template(template)
            .render(
                lang=lang,
                languages=switch,
                fmt=fmt,
                path=request.url.path,
                read_only=bool(getattr(request.app.state, "read_only", False)),
                js={
                    "strings": {m: tr.gettext(m) for m in JS_STRINGS},
                    "locale": fmt.d3_locale(),
                    "timeLocale": fmt.d3_time_locale(),
                },
                charts=context.pop("charts", {}),
                **context,
            )
        )
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") == lang:
            response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
        return response

    def pending(self, request: Request, exc: ApiPending) -> HTMLResponse:
        """The page shown while the API computes a heavy result: it reloads by itself."""
        tr = translations(self.language(request))
        body = exc.body
        query = request.url.query
        return self.render(
            request,
            "pending.html",
            status=202,
            title=tr.gettext("Computing…"),
            job=body.get("job") or {},
            retry=int(body.get("retry_after_s") or 2),
            status_url=body.get("status_url", "/api/v1/jobs"),
            path_qs=request.url.path + (f"?{query}" if query else ""),
        )

    def error(self, request: Request, exc: ApiError) -> HTMLResponse:
        tr = translations(self.language(request))
        kind = str(exc.error.get("type", ""))
        title = tr.gettext(ERROR_TITLES.get(kind, N_("Something went wrong")))
        return self.render(
            request, "error.html", status=exc.status, title=title, error=localised(exc.error, tr)
        )

    # ------------------------------------------------------------------ shared pieces
    async def dataset_basics(self, dataset: str, lang: str = "en") -> dict[str, Any]:
        """The dataset's detail, periods, and region and activity names in the page language
        (``lang=`` of the API's label lists); ``activity_langs`` is each activity name's
        language (``name_lang``), for :func:`in_sentence`."""
        detail, periods, regions, activities = await asyncio.gather(
            self.client.get(f"/datasets/{seg(dataset)}"),
            self.client.items(f"/datasets/{seg(dataset)}/periods"),
            self.client.items(f"/datasets/{seg(dataset)}/regions", lang=lang),
            self.client.items(f"/datasets/{seg(dataset)}/activities", lang=lang),
        )
        period_list = [p["period"] if isinstance(p, dict) else p for p in periods]
        complete = {
            str(p["period"]): bool(p.get("complete", True)) for p in periods if isinstance(p, dict)
        }
        region_names = names(regions)
        match = match_boundaries(region_names, _hint(detail))
        if match is not None:  # codes without names (uploads): the name of their shape
            for code, name in region_names.items():
                if name == code:
                    region_names[code] = match.name(code) or code
        return {
            "detail": detail,
            "periods": period_list,
            "complete": complete,
            "regions": region_names,
            "activities": names(activities),
            "activity_langs": {str(a["code"]): a.get("name_lang") for a in activities},
            "map": match,
        }

    @staticmethod
    def pick_period(
        value: str | None, periods: list[Any], complete: dict[str, bool] | None = None
    ) -> Any:
        """The period asked for (matched as text), else the latest complete one (the latest
        when none is marked complete)."""
        for p in periods:
            if value is not None and str(p) == str(value):
                return p
        done = [p for p in periods if (complete or {}).get(str(p), True)]
        return (done or periods)[-1] if periods else None

    # ------------------------------------------------------------------ pages
    async def home(self, request: Request) -> Response:
        q = request.query_params
        lang = self.language(request)
        tr = translations(lang)
        fmt = Formatter(self.language(request))
        try:
            datasets = (await self.client.get("/datasets")).get("items", [])
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
        indicator = q.get("indicator") if q.get("indicator") in INDICATORS else "eci"
        period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
        activity = q.get("activity") if q.get("activity") in basics["activities"] else None
        table = INDICATORS[indicator][1]
        if table == "cells" and activity is None and basics["activities"]:
            activity = next(iter(basics["activities"]))
        try:
            rows = await self.client.items(
                f"/datasets/{seg(chosen)}/indicators/{table}",
                period=period,
                activity=activity if table == "cells" else None,
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

    def map_chart(
        self,
        dataset: str,
        match: MapMatch | None,
        values: list[dict[str, Any]],
        *,
        title: str,
        tr: Any,
        fmt: Formatter,
        indicator: str = "eci",
        highlight: str | None = None,
    ) -> dict[str, Any] | None:
        if match is None:
            return None
        digits = 0 if indicator == "diversity" else 2
        rows = [
            {
                "id": match.ids[v["code"]],
                "value": v["value"],
                "label": f"{fmt.number(v['value'], digits)} ({v['name']})",
                "href": f"/datasets/{seg(dataset)}/regions/{seg(v['code'])}",
            }
            for v in values
            if v["code"] in match.ids
        ]
        prefix = None
        if highlight is not None and match.key.startswith("nuts"):
            prefix = match.ids.get(highlight, "")[:2] or None
        return charts.choropleth(
            rows,
            url=match.url,
            projection=match.projection,
            title=title,
            legend=tr.gettext(SHORT.get(indicator, "Value")),
            value_label=tr.gettext("Value"),
            name_label=tr.gettext("Region"),
            value_format=",.0f" if digits == 0 else ",.2f",
            highlight=match.ids.get(highlight) if highlight is not None else None,
            only_prefix=prefix,
            height=300 if highlight is not None else 440,
        )

    async def dataset(self, request: Request, dataset: str) -> Response:
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(
                request.query_params.get("period"), basics["periods"], basics["complete"]
            )
            regions, activities, validity = await asyncio.gather(
                self.client.items(f"/datasets/{seg(dataset)}/indicators/regions", period=period),
                self.client.items(f"/datasets/{seg(dataset)}/indicators/activities", period=period),
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
        path = f"/datasets/{seg(dataset)}/measures"
        calls = [
            self.client.items(
                f"{path}/{name}", period=period, groups="auto" if name.endswith("variety") else None
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
            labels = await self.client.items(f"/datasets/{seg(dataset)}/activities")
            has_parent = bool(labels) and all(a.get("parent") for a in labels)
            variety["groups"] = "parent" if has_parent else "prefix"
        return list(by_region.values()), variety

    async def region(self, request: Request, dataset: str, code: str) -> Response:
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        q = request.query_params
        top = _int(q.get("top"), 10, 3, 50)
        rank_by = q.get("rank_by") if q.get("rank_by") in RANK_BY else "density"
        cutoff = q.get("cutoff") if q.get("cutoff") in CUTOFFS else "mean"
        base = f"/datasets/{seg(dataset)}"
        unreliable = q.get("show_unreliable") == "1"
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            profile, cells, fw, validity, region_rows = await asyncio.gather(
                self.client.get(
                    f"{base}/regions/{seg(code)}/profile",
                    period=period,
                    top=top,
                    rank_by=rank_by,
                    show_unreliable=str(unreliable).lower(),
                ),
                self.client.items(f"{base}/indicators/cells", period=period, region=code),
                self.client.get(
                    f"{base}/regions/{seg(code)}/framework",
                    period=period,
                    density_cutoff=cutoff,
                    complexity_cutoff=cutoff,
                ),
                self.validity(dataset),
                self.client.items(f"{base}/indicators/regions", period=period),
            )
        except ApiError as exc:
            return self.error(request, exc)
        anames = basics["activities"]
        code_found = str(profile.get("region", code))  # the code (the URL may give a name)
        name = (
            basics["regions"].get(code_found) or profile.get("region_name") or str(code)
        )  # a place's own name: never quoted
        # names in the page language (the profile's activity_name is the English one)
        specs = [
            dict(
                s,
                name=anames.get(str(s["activity"]), str(s["activity"])),
                activity_name=anames.get(str(s["activity"])),
            )
            for s in profile.get("specialisations", [])
        ]
        opps = [
            dict(
                o,
                name=anames.get(str(o["activity"]), str(o["activity"])),
                activity_name=anames.get(str(o["activity"])),
            )
            for o in profile.get("opportunities", [])
        ]
        cog = {str(c["activity"]): _num(c.get("cog")) for c in cells}
        qnames = {k: tr.gettext(v[0]) for k, v in QUADRANT_NAMES.items()}
        scatter = [
            {
                "activity": str(c["activity"]),
                "name": anames.get(str(c["activity"]), str(c["activity"])),
                "density": _num(c.get("density")),
                "complexity": _num(c.get("complexity")),
                "rca": _num(c.get("rca")),
                "cog": cog.get(str(c["activity"])),
                "code": c["quadrant"],
                "quadrant": qnames.get(c["quadrant"], c["quadrant"]),
            }
            for c in fw.get("candidates", [])
            if _num(c.get("density")) is not None and _num(c.get("complexity")) is not None
        ]
        # each quadrant's table: its `top` best rows by the page's ranking, and how many more
        quadrants = [
            {
                "code": key,
                "name": qnames[key],
                "meaning": tr.gettext(meaning),
                "count": fw.get("counts", {}).get(key, 0),
                **_leading([s for s in scatter if s["code"] == key], RANK_FIELD[rank_by], top),
            }
            for key, (_, meaning) in QUADRANT_NAMES.items()
        ]
        cuts = fw.get("cutoffs") or {}
        eci_rows = [
            {
                "period": h["period"],
                "value": _num(h.get("eci")),
                "series": name,
                "rank": h.get("eci_rank"),
                "n_ranked": h.get("n_ranked"),
                "diversity": h.get("diversity"),
            }
            for h in profile.get("history", [])
        ]
        chart_specs: dict[str, Any] = {}
        if specs:
            chart_specs["specialisations"] = charts.bar_rca(
                specs,
                title=tr.gettext("Top specialisations by RCA"),
                rca_label=tr.gettext("Revealed comparative advantage (RCA)"),
                activity_label=tr.gettext("Activity"),
            )
        if scatter and cuts.get("density") is not None and cuts.get("complexity") is not None:
            chart_specs["opportunities"] = charts.framework_plane(
                scatter,
                title=tr.gettext("Diversification opportunities"),
                x_label=tr.gettext("Relatedness density"),
                measure=tr.gettext("Activity complexity (PCI)"),
                name_label=tr.gettext("Activity"),
                quadrant_label=tr.gettext("Quadrant"),
                cog_label=tr.gettext("Complexity outlook gain (COG)"),
                x_cut=cuts["density"],
                y_cut=cuts["complexity"],
                legend=tuple(qnames.values()),  # type: ignore[arg-type]
                corners=tuple(tr.gettext(qd) for qd in QUADRANTS),  # type: ignore[arg-type]
                label_top=min(top, PLANE_LABELS),  # the first rows of "most attractive"
                label_by=RANK_FIELD[rank_by],
            )
        if len([r for r in eci_rows if r["value"] is not None]) > 1:
            chart_specs["eci"] = charts.line_over_periods(
                eci_rows,
                title=tr.gettext("Economic complexity over time"),
                x_label=tr.gettext("Period"),
                y_label=tr.gettext("ECI"),
            )
        values = [{"code": str(code), "name": name, "value": 1.0}]
        location = self.map_chart(
            dataset,
            basics["map"],
            values,
            title=tr.gettext("Where the region is"),
            tr=tr,
            fmt=fmt,
            highlight=str(code),
        )
        if location and str(code) in (basics["map"].ids if basics["map"] else {}):
            chart_specs["location"] = location
        return self.render(
            request,
            "region.html",
            dataset=dataset,
            basics=basics,
            code=str(code),
            name=name,
            period=period,
            profile=profile,
            specs=specs,
            opps=opps,
            scatter=scatter,
            eci_rows=eci_rows,
            top=top,
            rank_by=rank_by,
            rank_choices=RANK_BY,
            cutoff=cutoff,
            cutoff_choices=CUTOFFS,
            cuts=cuts,
            quadrants=quadrants,
            has_shape=basics["map"] is not None and str(code) in basics["map"].ids,
            charts=chart_specs,
            **self.region_brief(profile, name, validity, region_rows, basics, lang, tr, fmt),
            show_unreliable=unreliable,
        )

    async def validity(self, dataset: str) -> dict[str, Any]:
        """The dataset's complexity checks (``GET .../complexity``), periods keyed as text."""
        report = await self.client.get(f"/datasets/{seg(dataset)}/complexity")
        report["by_period"] = {str(p["period"]): p for p in report.get("periods", [])}
        return report

    @staticmethod
    def validity_context(report: dict[str, Any], period: Any, tr: Any) -> dict[str, Any]:
        """What a page needs to qualify a complexity ranking: the period's checks, their
        translated caveats, the income series' translated name and the sign rule."""
        checks = report.get("by_period", {}).get(str(period))
        income = report.get("income_series") or {}
        return {
            "checks": checks,
            "caveats": summary.caveats(checks, tr),
            "income_label": tr.gettext(INCOME_NAMES[income["name"]])
            if income.get("name") in INCOME_NAMES
            else None,
            "sign": report.get("sign"),
        }

    def region_brief(
        self,
        profile: dict[str, Any],
        name: str,
        report: dict[str, Any],
        region_rows: list[dict[str, Any]],
        basics: dict[str, Any],
        lang: str,
        tr: Any,
        fmt: Formatter,
    ) -> dict[str, Any]:
        """The region page's opening summary, notices and complexity checks."""
        validity = self.validity_context(report, profile.get("period"), tr)
        diversities = [r.get("diversity") or 0 for r in region_rows if (r.get("diversity") or 0)]
        mine = profile.get("diversity") or 0
        share = (
            sum(d < mine for d in diversities) / len(diversities) if diversities and mine else None
        )
        anames, langs = basics["activities"], basics.get("activity_langs", {})

        def name_of(code: str) -> str:
            return in_sentence(anames.get(code, code), langs.get(code), lang)

        notices = []
        if profile.get("has_data", True) and (profile.get("missing_share") or 0) > 0:
            notices.append(
                tr.gettext(
                    "%(share)s of this region's activity cells are suppressed or confidential "
                    "in the source: they are left out, never read as zero, and never recommended."
                )
                % {"share": fmt.percent(profile["missing_share"], 0)}
            )
        if profile.get("hidden"):
            notices.append(
                tr.gettext(
                    "%(n)s activities rest on counts too small to tell specialisation from its "
                    "absence and are not listed."
                )
                % {"n": fmt.integer(profile["hidden"])}
            )
        if not profile.get("complete_period", True):
            notices.append(
                tr.gettext(
                    "This period is incomplete: fewer regions have data than in the other periods, "
                    "so comparisons with them are unreliable."
                )
            )
        return {
            "brief": summary.region_summary(
                profile,
                region_name=name,
                name_of=name_of,
                period_checks=validity["checks"],
                income_label=validity["income_label"],
                diversity_share=share,
                tr=tr,
                fmt=fmt,
            ),
            "notices": notices,
            "validity": validity,
        }

    async def activity(self, request: Request, dataset: str, code: str) -> Response:
        """An activity's profile: key figures, where it is (map of RCA), the regions most
        specialised in it, related activities by proximity and PCI over periods."""
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        q = request.query_params
        top = _int(q.get("top"), 20, 5, 50)
        base = f"/datasets/{seg(dataset)}"
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            profile, validity = await asyncio.gather(
                self.client.get(f"{base}/activities/{seg(code)}/profile", period=period, top=top),
                self.validity(dataset),
            )
            cells = await self.client.items(
                f"{base}/indicators/cells", period=period, activity=code
            )
        except ApiError as exc:
            return self.error(request, exc)
        rnames, anames = basics["regions"], basics["activities"]
        code_found = str(profile.get("activity", code))  # the code (the URL may give a name)
        # the heading and the sentences name it in the page language, else in quotation marks
        name = in_sentence(
            anames.get(code_found) or profile.get("activity_name") or str(code),
            basics["activity_langs"].get(code_found),
            lang,
        )
        regions = [
            dict(r, code=str(r["region"]), name=rnames.get(str(r["region"]), str(r["region"])))
            for r in profile.get("regions", [])
        ]
        related = [
            dict(
                r, code=str(r["activity"]), name=anames.get(str(r["activity"]), str(r["activity"]))
            )
            for r in profile.get("related", [])
        ]
        everywhere = [
            {
                "code": str(c["region"]),
                "name": rnames.get(str(c["region"]), str(c["region"])),
                "value": _num(c.get("rca")),
                "amount": _num(c.get("value")),
            }
            for c in cells
        ]
        everywhere.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
        pci_rows = [
            {
                "period": h["period"],
                "value": _num(h.get("pci")),
                "series": name,
                "ubiquity": h.get("ubiquity"),
                "total": _num(h.get("total")),
            }
            for h in profile.get("history", [])
        ]
        chart_specs: dict[str, Any] = {}
        location = self.map_chart(
            dataset,
            basics["map"],
            everywhere,
            tr=tr,
            fmt=fmt,
            indicator="rca",
            title=tr.gettext("Specialisation in %(name)s (RCA)") % {"name": name},
        )
        if location:
            chart_specs["map"] = location
        if regions:
            chart_specs["regions"] = charts.bar_rca(
                regions,
                title=tr.gettext("Regions most specialised, by RCA"),
                rca_label=tr.gettext("Revealed comparative advantage (RCA)"),
                activity_label=tr.gettext("Region"),
            )
        if len([r for r in pci_rows if r["value"] is not None]) > 1:
            chart_specs["pci"] = charts.line_over_periods(
                pci_rows,
                title=tr.gettext("Activity complexity over time"),
                x_label=tr.gettext("Period"),
                y_label=tr.gettext("PCI"),
            )
        return self.render(
            request,
            "activity.html",
            dataset=dataset,
            basics=basics,
            code=str(code),
            name=name,
            period=period,
            validity=self.validity_context(validity, period, tr),
            profile=profile,
            regions=regions,
            related=related,
            everywhere=everywhere,
            pci_rows=pci_rows,
            top=top,
            charts=chart_specs,
        )

    async def pick_activity(self, request: Request, dataset: str) -> Response:
        """``?activity=CODE`` (the activity picker without script) -> the activity's page."""
        q = request.query_params
        code = q.get("activity", "")
        if not code:
            return RedirectResponse(f"/datasets/{seg(dataset)}", status_code=303)
        extra = urlencode([(k, v) for k, v in q.multi_items() if k != "activity"])
        return RedirectResponse(
            f"/datasets/{seg(dataset)}/activities/{seg(code)}" + (f"?{extra}" if extra else ""),
            status_code=303,
        )

    async def space(self, request: Request, dataset: str) -> Response:
        lang = self.language(request)
        tr = translations(lang)
        q = request.query_params
        base = f"/datasets/{seg(dataset)}"
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            region = q.get("region") if q.get("region") in basics["regions"] else None
            net = await self.client.get(f"{base}/network", period=period, region=region)
        except ApiError as exc:
            return self.error(request, exc)
        except ApiPending as pending:
            return self.pending(request, pending)
        nodes, edges = _network(net, basics["activities"], region is not None)
        # colours: the top-level sector of each activity (its parent, coarsened if need be)
        top = sectors.top_groups({n["id"]: n.get("parent") for n in nodes})
        scheme = basics["detail"].get("activity_classification")
        group_names = {g: sectors.group_name(g, scheme) for g in sorted(set(top.values()))}
        for n in nodes:
            n["group"] = group_names.get(top.get(n["id"], ""))
        chart = charts.network(
            nodes,
            edges,
            title=tr.gettext("Activity space"),
            legend_yes=tr.gettext("Specialised (%(rule)s)") % {"rule": self.rule_text(lang)},
            legend_no=tr.gettext("Not specialised"),
            name_label=tr.gettext("Activity"),
            group_label=tr.gettext("Sector"),
            groups=list(group_names.values()),
        )
        return self.render(
            request,
            "space.html",
            dataset=dataset,
            basics=basics,
            period=period,
            region=region,
            nodes=sorted(nodes, key=lambda n: (not n["on"], -(n.get("degree") or 0))),
            edges=sorted(edges, key=lambda e: -(e.get("weight") or 0))[:100],
            n_edges=len(edges),
            charts={"space": chart} if nodes else {},
        )

    async def compare(self, request: Request, dataset: str) -> Response:
        lang = self.language(request)
        tr = translations(lang)
        q = request.query_params
        base = f"/datasets/{seg(dataset)}"
        try:
            basics = await self.dataset_basics(dataset, lang)
        except ApiError as exc:
            return self.error(request, exc)
        chosen: list[str] = []
        unmatched: list[dict[str, Any]] = []  # typed names that name no region, or several
        for raw in [*q.get("regions", "").split(","), *q.getlist("region")]:
            found = match_regions(raw, basics["regions"]) if raw.strip() else []
            if len(found) == 1 and found[0] not in chosen:
                chosen.append(found[0])
            elif len(found) != 1 and raw.strip():
                unmatched.append(
                    {
                        "text": raw.strip(),
                        "found": [(c, basics["regions"][c]) for c in found[:8]],
                        "n": len(found),
                    }
                )
        chosen = chosen[:4]
        period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
        context: dict[str, Any] = {
            "regions": [],
            "activities": [],
            "overlap": [],
            "shared": [],
            "eci_rows": [],
        }
        chart_specs: dict[str, Any] = {}
        if chosen:
            try:
                comparison, validity, *histories = await asyncio.gather(
                    self.client.get(f"{base}/compare", region=chosen, period=period, top=10),
                    self.validity(dataset),
                    *[self.client.items(f"{base}/indicators/regions", region=c) for c in chosen],
                )
            except ApiError as exc:
                return self.error(request, exc)
            context["validity"] = self.validity_context(validity, period, tr)
            anames, rnames = basics["activities"], basics["regions"]
            regions = comparison.get("regions", [])
            for r in regions:
                r["name"] = rnames.get(str(r["region"])) or r.get("region_name") or r["region"]
                for s in r.get("specialisations") or []:  # the names of the page language
                    s["activity_name"] = anames.get(str(s.get("activity"))) or s.get(
                        "activity_name"
                    )
            label = {str(r["region"]): r["name"] for r in regions}
            activities = comparison.get("activities", [])
            for a in activities:
                a["name"] = (
                    anames.get(str(a["activity"])) or a.get("activity_name") or a["activity"]
                )  # in the page language where known
                a["activity_name"] = a["name"]
            rca_rows = [
                {
                    "series": label[code],
                    "activity": a["activity"],
                    "name": a["name"],
                    "rca": _num(a.get("rca", {}).get(code)),
                }
                for a in activities
                for code in label
            ]
            shared = [
                a["name"]
                for a in activities
                if a.get("present") and all(a["present"].get(c) for c in label)
            ]
            if rca_rows:
                chart_specs["rca"] = charts.grouped_rca(
                    rca_rows,
                    title=tr.gettext("Specialisations side by side (RCA)"),
                    rca_label=tr.gettext("Revealed comparative advantage (RCA)"),
                )
            eci_rows = [
                {"series": rnames.get(c, c), "period": h["period"], "value": _num(h.get("eci"))}
                for c, hs in zip(chosen, histories, strict=True)
                for h in hs
            ]
            if len({r["period"] for r in eci_rows}) > 1:
                chart_specs["eci"] = charts.line_over_periods(
                    eci_rows,
                    title=tr.gettext("Economic complexity over time"),
                    x_label=tr.gettext("Period"),
                    y_label=tr.gettext("ECI"),
                )
            overlap = [
                dict(
                    o, a_name=label.get(str(o["a"]), o["a"]), b_name=label.get(str(o["b"]), o["b"])
                )
                for o in comparison.get("overlap", [])
            ]
            context.update(
                {
                    "regions": regions,
                    "activities": activities,
                    "overlap": overlap,
                    "shared": shared,
                    "eci_rows": eci_rows,
                }
            )
        return self.render(
            request,
            "compare.html",
            dataset=dataset,
            basics=basics,
            period=period,
            chosen=chosen,
            unmatched=unmatched,
            charts=chart_specs,
            **context,
        )

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
                result = await self.client.get(f"{base_url}/validation", **params)
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
        notice instead of the form when the server is read-only."""
        if getattr(request.app.state, "read_only", False):
            return self.render(request, "upload.html", status=403, form={}, error=None)
        csrf = request.app.state.csrf
        token, cookie = csrf.issue(request)
        response = self.render(request, "upload.html", status=status, csrf_token=token, **context)
        csrf.set_cookie(request, response, cookie)
        return response

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
        content = await upload.read() if hasattr(upload, "read") else b""
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
            created = await self.client.post_file("/datasets", filename, content, fields)
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

    async def pick_region(self, request: Request, dataset: str) -> Response:
        """``?region=`` a code, a name, ``Name (CODE)`` (the search field's suggestions) or
        part of a name -> the region's page; several or no matching regions -> a page listing
        the matches (404 when there is none). Works without script (a plain form GET)."""
        q = request.query_params
        text = q.get("region", "").strip()
        if not text:
            return RedirectResponse(f"/datasets/{seg(dataset)}", status_code=303)
        extra = urlencode([(k, v) for k, v in q.multi_items() if k != "region"])
        try:  # the names in the page language, as the search field suggested them
            basics = await self.dataset_basics(dataset, self.language(request))
        except ApiError as exc:
            return self.error(request, exc)
        found = match_regions(text, basics["regions"])
        if len(found) == 1:
            return RedirectResponse(
                f"/datasets/{seg(dataset)}/regions/{seg(found[0])}"
                + (f"?{extra}" if extra else ""),
                status_code=303,
            )
        tr = translations(self.language(request))
        return self.render(
            request,
            "find_region.html",
            status=200 if found else 404,
            title=tr.gettext("Find a region"),
            dataset=dataset,
            basics=basics,
            text=text,
            found=[(c, basics["regions"][c]) for c in found[:100]],
            n_found=len(found),
            extra=extra,
            keep=[(k, v) for k, v in q.multi_items() if k not in ("region", "lang")],
        )

    def html_error(self, request: Request, body: dict[str, Any]) -> Response:
        """The error page for a browser (``api.state.html_error``): any failure outside /api.

        An unknown URL, a bad parameter or a bug answers the same page as a failed API call,
        in the request's language, with the status of the error and a link back home.
        """
        tr = translations(self.language(request))
        status = int(body.get("status") or 500)
        error = dict(body)
        if status == 404 and error.get("type") == "NotFound":
            error = {
                "status": 404,
                "type": "NotFound",
                "local": True,
                "code": "not_found",
                "message": tr.gettext(N_("There is no page at %(path)s."))
                % {"path": request.url.path},
            }
        elif status >= 500:
            error = {
                "status": status,
                "type": "InternalError",
                "local": True,
                "code": body.get("code") or "internal",
                "message": tr.gettext(
                    N_(
                        "This page could not be produced: this is a bug in smartspec. Please "
                        "report it with the address of the page."
                    )
                ),
                "where": body.get("where"),
            }
        return self.error(request, ApiError(status, error))


# ---------------------------------------------------------------------- helpers
#: Quotation marks of each page language, around a name in another language.
QUOTES = {"es": ("«", "»"), "en": ("“", "”")}


def localised(error: dict[str, Any], tr: Any) -> dict[str, Any]:
    """An API error for a page: ``translated`` is what its code means in the page's language
    (:data:`ERROR_MESSAGES`), absent for codes without a message; the engine's fields are kept.
    """
    message = ERROR_MESSAGES.get(str(error.get("code", "")))
    return dict(error, translated=tr.gettext(message)) if message else dict(error)


def in_sentence(name: str, name_lang: str | None, lang: str) -> str:
    """An activity name for a heading or a sentence of a page in ``lang``.

    A name in the page language, or of unknown language (names given on upload), is shown as
    it is; a name in another language (an English NACE title on a Spanish page where no Spanish
    title exists, a Spanish SCIAN title on an English page) is quoted, as a proper name, so
    that no heading reads half in one language and half in another.

    >>> in_sentence("Fabricación de bebidas", "es", "es")
    'Fabricación de bebidas'
    >>> in_sentence("Dairy cattle farming", "en", "es")
    '«Dairy cattle farming»'
    >>> in_sentence("Minería", "es", "en")
    '“Minería”'
    >>> in_sentence("Widgets", None, "es")
    'Widgets'
    """
    if not name_lang or name_lang == lang:
        return name
    left, right = QUOTES.get(lang, QUOTES["en"])
    return f"{left}{name}{right}"


def _hint(detail: dict[str, Any]) -> str | None:
    """The registry's boundary set of a dataset (``map.boundaries`` in the API), if any."""
    info = detail.get("map") if isinstance(detail.get("map"), dict) else {}
    return info.get("boundaries") or detail.get("boundaries") or None


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _int(x: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(x)))
    except (TypeError, ValueError):
        return default


def match_regions(text: str, regions: dict[str, str]) -> list[str]:
    """The codes of the regions that ``text`` names, best first: the one resolver of the
    library, the CLI and the API (:func:`smartspec.core.lookup.match`)."""
    return match(text, regions)


def _leading(rows: list[dict[str, Any]], column: str, n: int) -> dict[str, Any]:
    """``rows`` (the first ``n`` by ``column``, highest first, missing values last) and
    ``more`` (how many were left out)."""
    ordered = sorted(
        rows, key=lambda r: (_num(r.get(column)) is None, -(_num(r.get(column)) or 0.0))
    )
    return {"rows": ordered[:n], "more": max(0, len(ordered) - n)}


def _rank(rows: list[dict[str, Any]], column: str) -> None:
    """Add ``<column>_rank`` (1 = highest; ``None`` where the value is missing)."""
    valued = sorted(
        (r for r in rows if _num(r.get(column)) is not None), key=lambda r: -_num(r.get(column))
    )
    for r in rows:
        r[f"{column}_rank"] = None
    for i, r in enumerate(valued, start=1):
        r[f"{column}_rank"] = i


def _network(
    net: dict[str, Any], anames: dict[str, str], highlight: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges of the API's network in the shape the chart expects."""
    nodes = [
        {
            "id": str(n["id"]),
            "name": anames.get(str(n["id"])) or n.get("name") or str(n["id"]),
            "size": _num(n.get("total")) or 1.0,
            "on": bool(n.get("present")) and highlight,
            "x": _num(n.get("x")),
            "y": _num(n.get("y")),
            "pci": _num(n.get("pci")),
            "parent": n.get("parent"),
            "rca": _num(n.get("rca")),
            "density": _num(n.get("density")),
        }
        for n in net.get("nodes", [])
    ]
    degree: dict[str, int] = {}
    edges = []
    for e in net.get("edges", []):
        s, t = str(e["source"]), str(e["target"])
        edges.append(
            {
                "source": s,
                "target": t,
                "weight": _num(e.get("proximity")),
                "source_name": anames.get(s, s),
                "target_name": anames.get(t, t),
            }
        )
        degree[s] = degree.get(s, 0) + 1
        degree[t] = degree.get(t, 0) + 1
    for n in nodes:
        n["degree"] = degree.get(n["id"], 0)
    return nodes, edges
