"""The pages that explore a dataset: an activity's profile, the activity space and the
comparison of regions."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from . import charts, pages_calls, sectors
from .data import ApiError, ApiPending, seg
from .i18n import Formatter, translations
from .pages_base import DashboardBase, _int, _num, _text, in_sentence, match_regions


class ExplorePages(DashboardBase):
    """The activity profile, the activity picker, the activity space and the comparison."""

    async def activity(self, request: Request, dataset: str, code: str) -> Response:
        """An activity's profile: key figures, where it is (map of RCA), the regions most
        specialised in it, related activities by proximity and PCI over periods."""
        lang = self.language(request)
        tr, fmt = translations(lang), Formatter(lang)
        q = request.query_params
        top = _int(q.get("top"), 20, 5, 50)
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            when = _text(period)
            profile, validity = await asyncio.gather(
                self.services.call(
                    pages_calls.activity_profile, dataset, code, period=when, top=top
                ),
                self.validity(dataset),
            )
            cells = await self.services.items(
                pages_calls.indicator_page, dataset, "cells", period=when, activity=[code]
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
        try:
            basics = await self.dataset_basics(dataset, lang)
            period = self.pick_period(q.get("period"), basics["periods"], basics["complete"])
            region = q.get("region") if q.get("region") in basics["regions"] else None
            net = await self.services.call(
                pages_calls.network, dataset, period=_text(period), region=region
            )
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
                    self.services.call(
                        pages_calls.comparison, dataset, chosen, period=_text(period), top=10
                    ),
                    self.validity(dataset),
                    *[
                        self.services.items(
                            pages_calls.indicator_page, dataset, "regions", region=[c]
                        )
                        for c in chosen
                    ],
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
