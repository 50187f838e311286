"""The sentences that open a region profile, and the caveats of complexity rankings.

Built only from the numbers the page shows (the region's profile and the dataset's complexity
checks), in the page language; every number links to the table it comes from, so a reader can
check each claim. Nothing here computes an indicator.

Examples
--------
>>> from smartspec.services.web.i18n import Formatter, translations
>>> caveats({"problems": ["negative_income"]}, translations("en"))
['ECI correlates negatively with income here: the regions ranked most complex are the poorer ones.']
>>> caveats({"problems": []}, translations("es"))
[]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from .i18n import N_, Formatter

#: What each failed complexity check means for a reader (codes of
#: ``smartspec.core.complexity.PROBLEMS``).
PROBLEM_TEXT: dict[str, str] = {
    "weak_sign": N_(
        "which end of the ranking is 'complex' is weakly determined: a small change in the "
        "data could reverse it."
    ),
    "negative_income": N_(
        "ECI correlates negatively with income here: the regions ranked most complex are the "
        "poorer ones."
    ),
    "no_income_link": N_("ECI's correlation with income cannot be told apart from zero here."),
    "tiny_gap": N_("the second and third eigenvalues are close, so the ranking is fragile."),
    "inconsistent": N_(
        "the checks fail in a third or more of this dataset's periods: the ranking is not "
        "stable over time, even in a period that passes them."
    ),
}


def caveats(period_checks: Mapping[str, Any] | None, tr: Any) -> list[str]:
    """The translated caveats of one period's complexity ranking (empty when it passes every
    check, or when there is no report)."""
    if not period_checks:
        return []
    out = []
    for code in period_checks.get("problems") or []:
        text = tr.gettext(PROBLEM_TEXT.get(code, code))
        out.append(text[:1].upper() + text[1:])
    return out


def _link(text: str, anchor: str) -> Markup:
    return Markup('<a href="#{}">{}</a>').format(anchor, text)


def _join(items: Sequence[Markup], tr: Any) -> Markup:
    """``a``, ``a and b``, ``a, b and c`` in the page language."""
    if not items:
        return Markup("")
    if len(items) == 1:
        return items[0]
    head = Markup(", ").join(items[:-1])
    return (
        Markup(escape(tr.gettext("%(first)s and %(last)s")))
        .replace("%(first)s", head)
        .replace("%(last)s", items[-1])
    )


def _sentence(template: str, tr: Any, **parts: Any) -> Markup:
    """A translated sentence with placeholders filled by (already safe) markup."""
    text = Markup(escape(tr.gettext(template)))
    for key, value in parts.items():
        text = text.replace(f"%({key})s", value if isinstance(value, Markup) else escape(value))
    return text.replace("%%", "%")


def region_summary(
    profile: Mapping[str, Any],
    *,
    region_name: str,
    name_of: Callable[[str], str],
    period_checks: Mapping[str, Any] | None,
    income_label: str | None,
    diversity_share: float | None,
    tr: Any,
    fmt: Formatter,
) -> list[Markup]:
    """The opening sentences of a region profile.

    Parameters
    ----------
    profile : mapping
        The API's region profile document.
    region_name : str
        The region's name as the page shows it.
    name_of : callable
        An activity code -> its name for a sentence of the page.
    period_checks : mapping, optional
        The period's entry of the dataset's complexity report (``GET .../complexity``).
    income_label : str, optional
        The translated name of the income series the checks used.
    diversity_share : float, optional
        Share of the period's regions that are less diversified than this one.
    tr, fmt
        The page's translations and number formatter.

    Returns
    -------
    list of markupsafe.Markup
        One paragraph each: specialisation, diversity and complexity (and how sure), the three
        most promising moves and why.
    """
    period = profile.get("period")
    region = escape(region_name)
    if not profile.get("has_data", True):
        return [
            _sentence(
                N_(
                    "%(region)s has no data in %(period)s, so this page shows no specialisations "
                    "and no recommendations. Pick another period or region."
                ),
                tr,
                region=region,
                period=str(period),
            )
        ]
    out: list[Markup] = []
    specs = list(profile.get("specialisations") or [])[:3]
    if specs:
        items = [
            _sentence(
                N_("%(activity)s (RCA %(rca)s)"),
                tr,
                activity=_link(escape(name_of(str(s["activity"]))), "spec-table"),
                rca=_link(fmt.number(s.get("rca"), 2), "spec-table"),
            )
            for s in specs
        ]
        out.append(
            _sentence(
                N_(
                    "%(region)s is specialised in %(n)s activities in %(period)s; the strongest "
                    "are %(list)s."
                ),
                tr,
                region=region,
                n=_link(fmt.integer(profile.get("diversity")), "figures-heading"),
                period=str(period),
                list=_join(items, tr),
            )
        )
    else:
        out.append(
            _sentence(
                N_("%(region)s has no specialisation in %(period)s."),
                tr,
                region=region,
                period=str(period),
            )
        )
    out.append(_complexity_sentence(profile, period_checks, income_label, diversity_share, tr, fmt))
    opps = list(profile.get("opportunities") or [])[:3]
    if opps:
        names = [_link(escape(name_of(str(o["activity"]))), "opp-table") for o in opps]
        densities = [_link(fmt.number(o.get("density"), 2), "opp-table") for o in opps]
        text = _sentence(
            N_(
                "The most promising related moves are %(list)s: of the activities the region "
                "lacks and other regions have, these are the closest to what it already does "
                "(relatedness density %(densities)s)."
            ),
            tr,
            list=_join(names, tr),
            densities=_join(densities, tr),
        )
        meaningful = bool(period_checks and period_checks.get("meaningful"))
        complex_ones = [n for n, o in zip(names, opps, strict=True) if (o.get("pci") or 0) > 0]
        if meaningful and complex_ones:
            text += Markup(" ") + _sentence(
                N_("%(list)s would also add complexity (PCI above average)."),
                tr,
                list=_join(complex_ones, tr),
            )
        out.append(text)
    else:
        out.append(
            _sentence(
                N_("No related move can be recommended in %(period)s."), tr, period=str(period)
            )
        )
    return out


def _complexity_sentence(
    profile: Mapping[str, Any],
    checks: Mapping[str, Any] | None,
    income_label: str | None,
    diversity_share: float | None,
    tr: Any,
    fmt: Formatter,
) -> Markup:
    parts: list[Markup] = []
    if diversity_share is not None:
        parts.append(
            _sentence(
                N_("It is more diversified than %(share)s of the regions."),
                tr,
                share=_link(fmt.percent(diversity_share, 0), "figures-heading"),
            )
        )
    if profile.get("eci_rank"):
        parts.append(
            _sentence(
                N_("By economic complexity it ranks %(rank)s of %(n)s (ECI %(eci)s)."),
                tr,
                rank=_link(fmt.integer(profile["eci_rank"]), "figures-heading"),
                n=fmt.integer(profile.get("n_ranked")),
                eci=_link(fmt.number(profile.get("eci"), 2), "figures-heading"),
            )
        )
    income = (checks or {}).get("income") or {}
    if checks and checks.get("meaningful") and income.get("rho") is not None:
        parts.append(
            _sentence(
                N_(
                    "The ranking passes its checks: across %(n)s regions ECI correlates %(rho)s "
                    "with %(income)s (95%% interval %(low)s to %(high)s)."
                ),
                tr,
                n=fmt.integer(income.get("n")),
                income=income_label or "",
                rho=_link(fmt.number(income["rho"], 2), "complexity-checks"),
                low=_link(fmt.number(income.get("low"), 2), "complexity-checks"),
                high=_link(fmt.number(income.get("high"), 2), "complexity-checks"),
            )
        )
    elif checks and checks.get("meaningful"):
        parts.append(
            _sentence(
                N_(
                    "The ranking passes its checks, but no income series is available to confirm "
                    "that 'complex' goes with high income."
                ),
                tr,
            )
        )
    elif checks:
        parts.append(
            _sentence(
                N_(
                    "Read the complexity figures with care: they fail %(n)s of the checks "
                    "(%(link)s)."
                ),
                tr,
                n=fmt.integer(len(checks.get("problems") or [])),
                link=_link(escape(tr.gettext("see below")), "complexity-checks"),
            )
        )
    return Markup(" ").join(parts)
