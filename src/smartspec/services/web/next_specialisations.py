"""The region page's "Most likely next specialisations": the learned entry model's top activities
with their probabilities and their reasons, in the page language.

The reasons are built here from the factor codes of the answer (never from its English
``explanation``): the region's closest specialisations for relatedness density, the similar
regions for the factors about them, a phrase per code for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from smartspec.domains.evidence.recommendations import region_recommendations

from .data import ApiError, ApiPending, Services
from .i18n import N_, Formatter
from .pages_base import in_sentence

__all__ = ["FACTOR_PHRASES", "REASON_NOTES", "next_specialisations", "reasons"]

#: How many activities the section lists.
TOP = 5

#: Each factor of the learned model (smartspec.learn.features.FEATURES) as a phrase of a
#: reason; density and the similar regions' factors name the activities and regions instead.
FACTOR_PHRASES: dict[str, str] = {
    "density": N_("its relatedness to the region's current specialisations"),
    "ubiquity": N_("the number of regions specialised in it"),
    "log_rca": N_("its presence in the region (RCA)"),
    "rca_change": N_("the change of the region's advantage in it since the previous period"),
    "rca_before": N_("the region's highest advantage in it so far"),
    "similar_density": N_("the share of similar regions specialised in it"),
    "similar_rca": N_("its strength in regions with a similar profile"),
    "log_share": N_("its share of the region's total"),
    "activity_size": N_("its size across all regions"),
    "activity_growth": N_("its growth across all regions since the previous period"),
    "cell_growth": N_("its growth in the region since the previous period"),
    "density_rel": N_("its relatedness compared with the region's other candidates"),
    "log_rca_rel": N_("its presence compared with the region's other candidates"),
    "similar_density_rel": N_(
        "its share of similar regions compared with the region's other candidates"
    ),
    "cell_growth_rel": N_("its growth in the region compared with the other candidates"),
    "rca_before_rel": N_("its earlier advantage compared with the region's other candidates"),
    "pci": N_("its complexity (PCI)"),
    "cog": N_("the complexity it would add (complexity outlook gain)"),
    "region_size": N_("the region's size"),
    "cell_size": N_("its size in the region"),
    "diversity": N_("the region's number of specialisations"),
    "region_growth": N_("the region's growth since the previous period"),
}

#: Why a dataset is shown with relatedness density rather than the learned score, by the
#: registry's reason code (smartspec.datasets.RECOMMENDER_REASONS).
REASON_NOTES: dict[str, str] = {
    "one_period": N_(
        "This dataset has a single period, so there is no earlier change to learn from: its "
        "opportunities are ranked by relatedness density."
    ),
    "small_panel": N_(
        "This dataset has too few regions, activities or entries for the learned model to "
        "beat simpler scores: its opportunities are ranked by relatedness density."
    ),
    "not_validated": N_(
        "The learned model has not yet been checked against relatedness density on this "
        "dataset: its opportunities are ranked by relatedness density."
    ),
}

#: Factors told by the region's closest specialisations (smartspec.learn.explain.RELATED).
_RELATED = ("density", "density_rel")
#: Factors told by the similar regions that have the activity (smartspec.learn.explain.SIMILAR).
_SIMILAR = ("similar_density", "similar_rca", "similar_density_rel")


def joined(items: list[str], tr: Any, lang: str) -> str:
    """``items`` as one phrase: "A", "A and B", "A, B and C" (Spanish: "y", "e" before an
    /i/ sound: "A e Ibiza")."""
    if len(items) < 2:
        return "".join(items)
    text = tr.gettext("%(first)s and %(last)s") % {
        "first": ", ".join(items[:-1]),
        "last": items[-1],
    }
    if lang == "es" and _i_sound(items[-1]):
        text = text.replace(f" y {items[-1]}", f" e {items[-1]}")
    return text


def _i_sound(word: str) -> bool:
    """Whether a Spanish word begins with the vowel /i/ (i-, hi- but not hie-, hia-...)."""
    w = word.lstrip("«“\"'(").lower()
    if w.startswith(("i", "í")):
        return True
    return w.startswith(("hi", "hí")) and w[2:3] not in ("a", "e", "o", "u")


def reasons(
    item: dict[str, Any],
    *,
    tr: Any,
    lang: str,
    activity: Callable[[str], str],
    region: Callable[[str], str],
) -> str:
    """The reasons of one recommendation in the page language, from its factor codes: e.g.
    "related to your strengths in X and Y; common in regions like yours (A, B)"."""
    parts: list[str] = []
    related = [activity(x["code"]) for x in item.get("related") or []]
    similar = [region(x["code"]) for x in item.get("similar") or []]
    for f in item.get("factors") or []:
        code = f.get("factor", "")
        if code in _RELATED and related:
            text = tr.gettext("related to your strengths in %(activities)s") % {
                "activities": joined(related, tr, lang)
            }
        elif code in _SIMILAR and similar:
            text = tr.gettext("common in regions like yours (%(regions)s)") % {
                "regions": ", ".join(similar)
            }
        elif code in FACTOR_PHRASES:
            template = (
                tr.gettext("%(factor)s: lower than for a typical candidate")
                if f.get("direction") == "below"
                else tr.gettext("%(factor)s: higher than for a typical candidate")
            )
            text = template % {"factor": tr.gettext(FACTOR_PHRASES[code])}
        else:
            continue
        if text not in parts:
            parts.append(text)
    if not parts:
        return tr.gettext("no factor stands out from the typical candidate")
    return "; ".join(parts)


async def next_specialisations(
    services: Services,
    request: Request,
    dataset: str,
    code: str,
    period: str | None,
    basics: dict[str, Any],
    lang: str,
    tr: Any,
    fmt: Formatter,
) -> dict[str, Any]:
    """The section's context: ``show`` (the learned list is shown), ``items`` (with
    ``probability`` as a percentage and ``reasons``), ``pending`` (the model is being trained:
    its status), ``problem`` (why it could not be computed), ``note`` (why the dataset is shown
    with density), ``learned_url`` (the page with ``?score=learned``) and ``offer_url`` (the
    same, to train the model: a page never starts the training unless asked, since it takes
    the server's job slot for a while; once trained, the model serves every region)."""
    default = await services.call(_default_score, dataset)
    asked = request.query_params.get("score") == "learned"
    out: dict[str, Any] = {
        "show": default["score"] == "learned" or asked,
        "default": default["score"],
        "items": [],
        "pending": None,
        "problem": None,
        "note": None,
        "learned_url": None,
        "offer_url": None,
    }
    if default["score"] != "learned":
        reason = default.get("reason") or "not_validated"
        out["note"] = tr.gettext(REASON_NOTES.get(reason, REASON_NOTES["not_validated"]))
        if reason != "one_period" and not asked:
            url = request.url.include_query_params(score="learned")
            out["learned_url"] = f"{url.path}?{url.query}"
    if not out["show"]:
        return out
    try:
        if not asked:  # the training takes the server's job slot: only on request
            state = await services.call(_model_state, dataset, period)
            if state == "absent":
                url = request.url.include_query_params(score="learned")
                out["offer_url"] = f"{url.path}?{url.query}"
                return out
        body = await services.call(
            region_recommendations, dataset, code, period=period, top=TOP, score="learned"
        )
    except ApiPending as pending:
        out["pending"] = pending.body
        return out
    except ApiError as exc:
        if exc.error.get("code") == "bad_request.too_few_periods":
            out["problem"] = tr.gettext(
                "The learned model needs an earlier period to learn from: choose a later period."
            )
        else:
            out["problem"] = tr.gettext("The learned model could not be computed: %(message)s") % {
                "message": exc.error.get("message", "")
            }
        return out
    anames, rnames = basics["activities"], basics["regions"]
    langs = basics.get("activity_langs", {})

    def activity(c: str) -> str:
        return in_sentence(anames.get(c, c), langs.get(c), lang)

    def region(c: str) -> str:
        return str(rnames.get(c) or c)

    out["items"] = [
        {
            "activity": item["activity"],
            "name": anames.get(item["activity"], item.get("name") or item["activity"]),
            "rank": item["rank"],
            "probability": item.get("probability"),
            "percent": fmt.percent(item["probability"], 1)
            if item.get("probability") is not None
            else "–",
            "reasons": reasons(item, tr=tr, lang=lang, activity=activity, region=region),
        }
        for item in body.get("items", [])
    ]
    return out


def _model_state(app: Any, dataset: str, period: str | None) -> str:
    """Whether the dataset's learned model is trained, being trained or neither."""
    return str(app.entry_model_state(dataset, period=period))


def _default_score(app: Any, dataset: str) -> dict[str, Any]:
    """The dataset's default score and, for density, its reason code."""
    return dict(app.recommender(dataset))
