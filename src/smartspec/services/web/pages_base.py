"""What every dashboard page shares: the catalogue's labels, rendering in the page language,
error and progress pages, the dataset's basics, and the helpers of the page modules.

:class:`DashboardBase` holds one application's services (:class:`.data.Services`: direct calls
of the domains' service functions, no HTTP inside the process), its Jinja2 environments and the
pieces several pages use; the pages are its subclasses by group (:mod:`.pages_region`,
:mod:`.pages_explore`, :mod:`.pages_data`), put together in :class:`.pages.Dashboard`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import AuthenticationRequiredError
from smartspec.domains.evidence import views
from smartspec.services.api.deps import current_account

from ...core.errors import SmartSpecError
from ...core.lookup import match
from . import charts, pages_calls, summary
from .data import ApiClient, ApiError, ApiPending, Services, names, seg
from .i18n import COOKIE, N_, Formatter, language_name, languages, negotiate, translations
from .maps import MapMatch, match_boundaries

TEMPLATES = Path(__file__).parent / "templates"


def domain_templates() -> list[Path]:
    """The ``templates/`` folder of every registered domain package that has one
    (:data:`smartspec.domains.DOMAINS`), searched after :data:`TEMPLATES`.

    A domain keeps its templates in a folder of its own name (``domains/accounts/templates/
    accounts/login.html`` is ``"accounts/login.html"``), so that no domain hides another's;
    they extend ``base.html`` and include the dashboard's partials like any page.
    """
    from importlib.util import find_spec

    from smartspec.domains import DOMAINS

    found: list[Path] = []
    for domain in DOMAINS:
        spec = find_spec(f"smartspec.domains.{domain.name}")
        for location in (spec.submodule_search_locations or []) if spec else []:
            if (Path(location) / "templates").is_dir():
                found.append(Path(location) / "templates")
    return found


#: A dashboard route: path, endpoint, HTTP methods.
PageRoute = tuple[str, Callable[..., Any], list[str]]


def add_pages(api: FastAPI, routes: list[PageRoute]) -> None:
    """Add dashboard page routes to ``api``, outside the OpenAPI document (pages are HTML; the
    JSON API of the same services documents itself).

    Parameters
    ----------
    api : fastapi.FastAPI
        The application the pages join.
    routes : list of (path, endpoint, methods)
        The routes, in matching order.
    """
    for path, endpoint, methods in routes:
        api.add_api_route(path, endpoint, methods=methods, include_in_schema=False)


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
    "AuthenticationRequiredError": N_("Please log in"),
    "ForbiddenError": N_("Not allowed"),
    "TooManyAttemptsError": N_("Too many attempts"),
    "UnknownRecordError": N_("Not found"),
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
    "unauthenticated": N_("This needs an account: log in and try again."),
    "forbidden": N_("Your account is not allowed to do this."),
    "too_many_attempts": N_("Too many failed attempts: wait a few minutes and try again."),
    "unknown_record": N_("There is no such record on this server."),
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

#: The framework's feasibility axis (the page's ``feasibility=``).
FEASIBILITY = {
    "density": N_("Relatedness density"),
    "learned": N_("Probability of entry (learned model)"),
}

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


class DashboardBase:
    """The shared part of the page routes of one FastAPI application."""

    def __init__(self, api: FastAPI):
        app = getattr(api.state, "smartspec", None)
        wait = app.settings["page_wait_s"] if app else None
        self.client = ApiClient(api, wait=wait)  # the upload form's POST only
        self.services = Services(api, app, wait=wait)
        self._envs: dict[str, Environment] = {}
        self.rule = presence_rule(api)

    # ------------------------------------------------------------------ rendering
    def env(self, lang: str) -> Environment:
        if lang not in self._envs:
            env = Environment(
                loader=FileSystemLoader([TEMPLATES, *domain_templates()]),
                autoescape=select_autoescape(["html"]),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            # a method the jinja2.ext.i18n extension adds to the environment
            env.install_gettext_translations(  # type: ignore[attr-defined]
                translations(lang), newstyle=True
            )
            env.globals["seg"] = seg
            env.globals["presence_rule"] = self.rule_text(lang)
            self._envs[lang] = env
        return self._envs[lang]

    def rule_text(self, lang: str) -> str:
        """The presence rule in the page language (``RCA > 1``, ``VCR > 1``)."""
        return f"{translations(lang).gettext('RCA')} {self.rule}"

    @staticmethod
    def page_account(request: Request) -> Account | None:
        """Who is signed in (the session cookie; :func:`~smartspec.services.api.deps.
        current_account`), ``None`` for an anonymous visitor or an unusable login."""
        if getattr(request.app.state, "smartspec", None) is None:
            return None
        try:
            return current_account(request)
        except AuthenticationRequiredError:  # a bad bearer header: a page is then anonymous
            return None

    @staticmethod
    def csrf_token(request: Request) -> str:
        """The CSRF token of the forms of this page (one per request); :meth:`render` sets
        the browser's cookie when it has none yet."""
        issued = getattr(request.state, "csrf_issued", None)
        if issued is None:
            issued = request.app.state.csrf.issue(request)
            request.state.csrf_issued = issued
        return str(issued[0])

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
        account = self.page_account(request)
        if account is not None:  # the header's logout form
            context.setdefault("csrf_token", self.csrf_token(request))
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        html = (
            self.env(lang)
            .get_template(template)
            .render(
                lang=lang,
                languages=switch,
                fmt=fmt,
                path=request.url.path,
                here=here,
                account=account,
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
        issued = getattr(request.state, "csrf_issued", None)
        if issued is not None:
            request.app.state.csrf.set_cookie(request, response, issued[1])
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

    def service_error(
        self, request: Request, exc: SmartSpecError
    ) -> tuple[int, dict[str, Any], str]:
        """A service error's HTTP status, its error object (the meaning in the page language)
        and the title of its kind, as the error page and a form's error box show them."""
        from smartspec.services.api.errors import error_body
        from smartspec.services.api.security import server_paths

        tr = translations(self.language(request))
        status, body = error_body(exc, server_paths(request.app))
        title = tr.gettext(ERROR_TITLES.get(str(body.get("type")), N_("Something went wrong")))
        return status, localised(body, tr), title

    def fail(self, request: Request, exc: SmartSpecError) -> HTMLResponse:
        """The error page of a service error (what a domain page answers when a call fails)."""
        status, body, _ = self.service_error(request, exc)
        return self.error(request, ApiError(status, body))

    # ------------------------------------------------------------------ shared pieces
    async def dataset_basics(self, dataset: str, lang: str = "en") -> dict[str, Any]:
        """The dataset's detail, periods, and region and activity names in the page language
        (``lang=`` of the API's label lists); ``activity_langs`` is each activity name's
        language (``name_lang``), for :func:`in_sentence`."""
        call, items = self.services.call, self.services.items
        detail, periods, regions, activities = await asyncio.gather(
            call(pages_calls.dataset_detail, dataset),
            call(pages_calls.periods, dataset),
            items(pages_calls.labels, dataset, "region", lang=lang),
            items(pages_calls.labels, dataset, "activity", lang=lang),
        )
        periods = periods["items"]
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

    async def validity(self, dataset: str) -> dict[str, Any]:
        """The dataset's complexity checks (``GET .../complexity``), periods keyed as text."""
        report = await self.services.call(views.complexity_report, dataset)
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
    info = detail.get("map")
    boundaries = info.get("boundaries") if isinstance(info, dict) else None
    return boundaries or detail.get("boundaries") or None


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _text(period: Any) -> str | None:
    """A period as the services read it (text; ``None`` for the latest)."""
    return None if period is None or period == "" else str(period)


def _choice(value: str | None, choices: Mapping[str, Any], default: str) -> str:
    """``value`` where it is one of ``choices`` (a query parameter's), else ``default``."""
    return value if value is not None and value in choices else default


def _int(x: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(x)))
    except (TypeError, ValueError):
        return default


def match_regions(text: str, regions: dict[str, str]) -> list[str]:
    """The codes of the regions that ``text`` names, best first: the one resolver of the
    library, the CLI and the API (:func:`smartspec.core.lookup.match`)."""
    return match(text, regions)
