"""The names of the coherence classes in the page language, for the registry's pages and the
region report (kept apart from the page modules so that the report can use them without the
web framework)."""

from __future__ import annotations

from smartspec.services.web.i18n import N_

__all__ = ["CLASS_NAMES"]

#: The coherence classes (:data:`.coherence.CLASSES`) in the page language.
CLASS_NAMES = {
    "evidence-backed": N_("evidence-backed"),
    "emerging": N_("emerging"),
    "weakly grounded": N_("weakly grounded"),
    "not assessable": N_("not assessable"),
}
