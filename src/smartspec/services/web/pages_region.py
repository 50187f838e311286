"""The region pages: a region's profile, and finding a region by name."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from smartspec.domains.evidence import methods, views

from . import charts, pages_calls, summary
from .data import ApiError, ApiPending, seg
from .i18n import Formatter, translations
from .next_specialisations import next_specialisations
from .pages_base import (
    CUTOFFS,
    FEASIBILITY,
    PLANE_LABELS,
    QUADRANT_NAMES,
    QUADRANTS,
    RANK_BY,
    RANK_FIELD,
    DashboardBase,
    _choice,
    _int,
    _num,
    _text,
    in_sentence,
    match_regions,
)


class RegionPages(DashboardBase):
    """The region profile (``/datasets/{id}/regions/{code}``) and the region finder."""

    async def region(self, request: Request, dataset: str, code: str) -> Response:
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        q = request.query_params
        top = _int(q.get("top"), 10, 3, 50)
        rank_by = _choice(q.get("rank_by"), RANK_BY, "density")
        cutoff = _choice(q.get("cutoff"), CUTOFFS, "mean")
        feasibility = _choice(q.get("feasibility"), FEASIBILITY, "density")
        unreliable = q.get("show_unreliable") == "1"
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            if len(basics["periods"]) < 2 or period == basics["periods"][0]:
                feasibility = "density"  # the model needs an earlier period to learn from
            call, items, when = self.services.call, self.services.items, _text(period)
            profile, cells, fw, validity, region_rows, likely = await asyncio.gather(
                call(
                    views.region_profile,
                    dataset,
                    code,
                    period=when,
                    top=top,
                    rank_by=rank_by,
                    show_unreliable=unreliable,
                ),
                items(pages_calls.indicator_page, dataset, "cells", period=when, region=[code]),
                call(
                    views.region_framework,
                    dataset,
                    code,
                    period=when,
                    cutoffs={
                        "density_cutoff": methods.parse_cutoff(cutoff, "density_cutoff"),
                        "complexity_cutoff": methods.parse_cutoff(cutoff, "complexity_cutoff"),
                        "scope": "region",
                    },
                    feasibility=feasibility,
                ),
                self.validity(dataset),
                items(pages_calls.indicator_page, dataset, "regions", period=when),
                next_specialisations(
                    self.services, request, dataset, code, when, basics, lang, tr, fmt
                ),
            )
        except ApiError as exc:
            return self.error(request, exc)
        except ApiPending as pending:  # the learned model of feasibility=learned is training
            return self.pending(request, pending)
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
                "probability": _num(c.get("probability")),
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
        learned = feasibility == "learned"
        if scatter and cuts.get("density") is not None and cuts.get("complexity") is not None:
            chart_specs["opportunities"] = charts.framework_plane(
                # the plane's first axis: density, or the learned probability in its place
                [dict(s, density=s["probability"]) for s in scatter] if learned else scatter,
                title=tr.gettext("Diversification opportunities"),
                x_label=tr.gettext(FEASIBILITY[feasibility]),
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
            feasibility=feasibility,
            feasibility_choices=FEASIBILITY if len(basics["periods"]) > 1 else {},
            cuts=cuts,
            quadrants=quadrants,
            has_shape=basics["map"] is not None and str(code) in basics["map"].ids,
            charts=chart_specs,
            **self.region_brief(profile, name, validity, region_rows, basics, lang, tr, fmt),
            show_unreliable=unreliable,
            likely=likely,
        )

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


def _leading(rows: list[dict[str, Any]], column: str, n: int) -> dict[str, Any]:
    """``rows`` (the first ``n`` by ``column``, highest first, missing values last) and
    ``more`` (how many were left out)."""
    ordered = sorted(
        rows, key=lambda r: (_num(r.get(column)) is None, -(_num(r.get(column)) or 0.0))
    )
    return {"rows": ordered[:n], "more": max(0, len(ordered) - n)}
