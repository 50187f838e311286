"""The names of the monitoring domain's values in the page language (statuses, kinds of
indicator, origins of a value, kinds of target), for the monitoring pages and the region report.

Marked with :func:`~smartspec.services.web.i18n.N_` and translated where they are shown; kept
apart from the page modules so that the report can use them without the web framework.
"""

from __future__ import annotations

from smartspec.services.web.i18n import N_

__all__ = ["KIND_NAMES", "ORIGIN_NAMES", "STATUS_NAMES", "TARGET_KINDS"]

#: The statuses of :func:`.progress.assess` in the page language.
STATUS_NAMES = {
    "on track": N_("on track"),
    "at risk": N_("at risk"),
    "off track": N_("off track"),
    "not assessable": N_("not assessable"),
}
#: The kinds of indicator.
KIND_NAMES = {
    "output": N_("output indicator"),
    "result": N_("result indicator"),
    "context": N_("context indicator"),
}
#: Where a recorded value came from.
ORIGIN_NAMES = {
    "manual": N_("entered by hand"),
    "import": N_("imported from a file"),
    "computed": N_("computed from a dataset"),
}
#: The kinds of a point of the target trajectory.
TARGET_KINDS = {"milestone": N_("interim milestone"), "target": N_("final target")}
