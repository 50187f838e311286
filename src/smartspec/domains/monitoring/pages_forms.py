"""The forms of the monitoring pages (an editor's): add an objective, an action, an indicator;
adopt starter indicators; import values; record or delete a value; set the targets; delete an
indicator.

Each POST handler checks the CSRF token first, then the login (none: the login page, coming
back to the page of the form), then that the record exists, then that the account may change
its region (else the 403 page); the service checks the grant again. A refused entry shows the
page again with an error box and what was typed; a done one goes back to the page with a
``done=`` note (303, so a reload sends nothing twice).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from smartspec.core.errors import SmartSpecError, ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import ForbiddenError, UnknownRecordError
from smartspec.services.web.i18n import translations

from .pages_common import MAX_ID, MonitoringBase, field, number

__all__ = ["INDICATOR_FIELDS", "MonitoringForms", "indicator_in"]

#: The fields of the new-indicator form.
INDICATOR_FIELDS = (
    "kind", "name", "definition", "unit", "source", "direction", "baseline_year",
    "baseline_value", "milestone_year", "milestone_value", "target_year", "target_value",
    "place", "measure", "dataset", "activities", "period_from",
)  # fmt: skip


def _year(text: str, what: str) -> int | None:
    """A year typed in a form (``None`` when blank)."""
    if not text:
        return None
    if text.isdigit() and 1900 <= int(text) <= 2100:
        return int(text)
    raise ValidationError(
        f"the {what} is not a year",
        expected="a year between 1900 and 2100",
        found=repr(text[:40]),
        fix=f"type the {what} as four digits",
    )


def _value(text: str, what: str) -> float | None:
    """A number typed in a form (``None`` when blank)."""
    if not text:
        return None
    value = number(text)
    if value is None:
        raise ValidationError(
            f"the {what} is not a number",
            expected="a number (decimal comma or point)",
            found=repr(text[:40]),
            fix=f"type the {what} as a number, such as 12.5",
        )
    return value


def _ids(place: str) -> tuple[int | None, int | None, int | None]:
    """Where an indicator is placed in the tree (``"priority/objective/action"`` ids, each
    optional).

    >>> _ids("3/7/"), _ids(""), _ids("//12")
    ((3, 7, None), (None, None, None), (None, None, 12))
    """
    parts = [*place.split("/"), "", "", ""][:3]
    found = [int(p) if p.isdigit() and 0 < int(p) < MAX_ID else None for p in parts]
    return found[0], found[1], found[2]


def indicator_in(values: dict[str, str]) -> Any:
    """The :class:`~.views.IndicatorIn` of the new-indicator form's ``values``.

    A measure chosen makes it a computed indicator (``computed``: measure, dataset, activities
    separated by semicolons or commas, first year); the milestone and the target, when both
    year and value are given, are its targets.
    """
    from pydantic import ValidationError as PydanticError

    from .views import IndicatorIn, TargetIn

    priority_id, objective_id, action_id = _ids(values.get("place", ""))
    targets: list[TargetIn] = []
    for kind in ("milestone", "target"):
        year = _year(values.get(f"{kind}_year", ""), f"{kind} year")
        value = _value(values.get(f"{kind}_value", ""), f"{kind} value")
        if (year is None) != (value is None):
            raise ValidationError(
                f"the {kind} needs both a year and a value",
                expected="a year and a value, or neither",
                found=f"year {year or '–'}, value {value if value is not None else '–'}",
                fix=f"complete the {kind}, or clear both of its fields",
            )
        if year is not None:
            targets.append(TargetIn(year=year, value=value, kind=kind))  # type: ignore[arg-type]
    computed: dict[str, Any] | None = None
    if values.get("measure"):
        activities = [a.strip() for a in values.get("activities", "").replace(",", ";").split(";")]
        computed = {
            "measure": values["measure"],
            "dataset": values.get("dataset", ""),
            "activities": [a for a in activities if a],
        }
        first = _year(values.get("period_from", ""), "first year")
        if first is not None:
            computed["period_from"] = first
    try:
        return IndicatorIn(
            kind=values.get("kind") or "result",  # type: ignore[arg-type]
            name=values.get("name", ""),
            definition=values.get("definition", ""),
            unit=values.get("unit", ""),
            source=values.get("source", ""),
            higher_is_better=values.get("direction") != "lower",
            baseline_year=_year(values.get("baseline_year", ""), "baseline year"),
            baseline_value=_value(values.get("baseline_value", ""), "baseline value"),
            priority_id=priority_id,
            objective_id=objective_id,
            action_id=action_id,
            computed=computed,
            targets=targets or None,
        )
    except PydanticError as exc:
        first_error = exc.errors()[0]
        raise ValidationError(
            "the indicator cannot be saved as it is",
            expected=str(first_error.get("msg")),
            found=".".join(str(p) for p in first_error.get("loc", ())),
            fix="correct that field and send the form again",
        ) from exc


class MonitoringForms(MonitoringBase):
    """The POST handlers of the monitoring pages (the pages they show again are
    :class:`.pages.MonitoringPages`')."""

    async def _strategy_page(
        self,
        request: Request,
        strategy_id: int,
        *,
        status: int = 200,
        problem: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
        report: Any = None,
    ) -> Response:
        raise NotImplementedError  # :class:`.pages.MonitoringPages` renders the page

    async def _indicator_page(
        self,
        request: Request,
        indicator_id: int,
        *,
        status: int = 200,
        problem: dict[str, Any] | None = None,
        values: dict[str, str] | None = None,
    ) -> Response:
        raise NotImplementedError  # :class:`.pages.MonitoringPages` renders the page

    # ------------------------------------------------------------------ checks
    async def _strategy_writer(
        self, request: Request, strategy_id: int, action: str
    ) -> tuple[Any, Account | Response]:
        """The posted form and who may change the strategy's monitoring (CSRF token, login,
        the strategy, the grant: in this order), else the answer to send."""
        form, who = await self.signed_post(request, f"/monitoring/strategies/{strategy_id}")
        if not isinstance(who, Account):
            return form, who
        try:
            if not 0 < strategy_id < MAX_ID:
                raise UnknownRecordError(f"there is no strategy {strategy_id}", where="id")
            strategy = await self.run(self.app.registry.get_strategy, who, strategy_id)
            self.may_write(who, strategy.region, action)
        except SmartSpecError as exc:
            return form, self.fail(request, exc)
        return form, who

    async def _done_or_shown(
        self, request: Request, strategy_id: int, call: Any, done: str, values: dict[str, str]
    ) -> Response:
        """Run ``call()``; back to the strategy page with ``done``, or the page again with the
        error box (403 as the error page)."""
        try:
            await self.run(call)
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            problem = self._form_error(request, exc)
            return await self._strategy_page(
                request, strategy_id, status=problem["status"], problem=problem, values=values
            )
        return RedirectResponse(
            f"/monitoring/strategies/{strategy_id}?done={done}", status_code=303
        )

    # ------------------------------------------------------------------ strategy forms
    async def add_objective(self, request: Request, strategy_id: int) -> Response:
        """``POST /monitoring/strategies/{id}/objectives`` (``title``, ``description``,
        ``priority_id``)."""
        form, who = await self._strategy_writer(request, strategy_id, "adding an objective")
        if not isinstance(who, Account):
            return who
        values = {k: field(form, k) for k in ("title", "description", "priority_id")}
        values["form"] = "objective"
        priority = values["priority_id"]
        return await self._done_or_shown(
            request,
            strategy_id,
            lambda: self.monitoring.add_objective(
                who,
                strategy_id,
                values["title"],
                description=values["description"],
                priority_id=int(priority) if priority.isdigit() else None,
            ),
            "objective",
            values,
        )

    async def add_action(self, request: Request, strategy_id: int) -> Response:
        """``POST /monitoring/strategies/{id}/actions`` (``objective_id``, ``title``,
        ``instrument``, ``budget``, ``description``)."""
        form, who = await self._strategy_writer(request, strategy_id, "adding an action")
        if not isinstance(who, Account):
            return who
        keys = ("objective_id", "title", "instrument", "budget", "description")
        values = {k: field(form, k) for k in keys}
        values["form"] = "action"

        def call() -> Any:
            objective = values["objective_id"]
            if not objective.isdigit():
                raise ValidationError(
                    "the action needs an objective",
                    expected="one of the strategy's objectives",
                    found="none chosen",
                    fix="add an objective first, then choose it",
                )
            return self.monitoring.add_action(
                who,
                int(objective),
                values["title"],
                instrument=values["instrument"],
                budget=_value(values["budget"], "budget"),
                description=values["description"],
            )

        return await self._done_or_shown(request, strategy_id, call, "action", values)

    async def add_indicator(self, request: Request, strategy_id: int) -> Response:
        """``POST /monitoring/strategies/{id}/indicators`` (:data:`INDICATOR_FIELDS`)."""
        form, who = await self._strategy_writer(request, strategy_id, "adding an indicator")
        if not isinstance(who, Account):
            return who
        values = {k: field(form, k) for k in INDICATOR_FIELDS}
        values["form"] = "indicator"
        return await self._done_or_shown(
            request,
            strategy_id,
            lambda: self.monitoring.add_indicator(who, strategy_id, indicator_in(values)),
            "indicator",
            values,
        )

    async def adopt_starter(self, request: Request, strategy_id: int) -> Response:
        """``POST /monitoring/strategies/{id}/starter`` (``key``: the checked starter
        indicators; ``priority_id``)."""
        form, who = await self._strategy_writer(request, strategy_id, "adopting indicators")
        if not isinstance(who, Account):
            return who
        keys = [k for k in form.getlist("key") if isinstance(k, str) and 0 < len(k) <= 64]
        priority = field(form, "priority_id", 12)
        values = {"form": "starter", "keys": ";".join(keys)}

        def call() -> Any:
            if not keys:
                raise ValidationError(
                    "no starter indicator was chosen",
                    expected="at least one checked indicator",
                    found="none",
                    fix="check the indicators to add to the plan",
                )
            return self.monitoring.adopt_starter(
                who,
                strategy_id,
                keys,
                priority_id=int(priority) if priority.isdigit() else None,
                lang=self.board.language(request),
            )

        return await self._done_or_shown(request, strategy_id, call, "starter", values)

    async def import_values(self, request: Request, strategy_id: int) -> Response:
        """``POST /monitoring/strategies/{id}/import`` (multipart: ``file``, ``dry_run``): the
        strategy page with the import's report."""
        form, who = await self._strategy_writer(request, strategy_id, "importing values")
        if not isinstance(who, Account):
            return who
        upload = form.get("file")
        dry_run = field(form, "dry_run", 8) in ("1", "on", "true")
        values = {"form": "import", "dry_run": "1" if dry_run else ""}
        if upload is None or isinstance(upload, str) or not upload.filename:
            tr = translations(self.board.language(request))
            problem: dict[str, Any] = {
                "status": 400,
                "title": tr.gettext("The file could not be imported"),
                "error": {"local": True, "message": tr.gettext("Choose a file to import.")},
            }
            return await self._strategy_page(
                request, strategy_id, status=400, problem=problem, values=values
            )
        data = await upload.read()
        try:
            report = await self.run(
                self.monitoring.import_values, who, data, upload.filename, dry_run=dry_run
            )
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            problem = self._form_error(request, exc)
            tr = translations(self.board.language(request))
            found = getattr(exc, "report", None)
            if found is not None:
                problem["title"] = tr.gettext("The file has problems: nothing was stored")
            return await self._strategy_page(
                request,
                strategy_id,
                status=problem["status"],
                problem=problem,
                values=values,
                report=found,
            )
        return await self._strategy_page(request, strategy_id, values=values, report=report)

    # ------------------------------------------------------------------ indicator forms
    async def indicator_post(self, request: Request, indicator_id: int) -> Response:
        """``POST /monitoring/indicators/{id}``: ``action`` ``value`` (``year``, ``value``,
        ``note``), ``delete-value`` (``year``), ``targets`` (``target_year_N``,
        ``target_value_N``, ``target_kind_N``) or ``delete`` (``version``)."""
        back = f"/monitoring/indicators/{indicator_id}"
        form, who = await self.signed_post(request, back)
        if not isinstance(who, Account):
            return who
        try:
            if not 0 < indicator_id < MAX_ID:
                raise UnknownRecordError(f"there is no indicator {indicator_id}", where="id")
            ind = await self.run(self.monitoring.indicator, who, indicator_id)
        except SmartSpecError as exc:
            return self.fail(request, exc)
        writer = self.writer(request, back, ind.region, "changing an indicator")
        if not isinstance(writer, Account):
            return writer
        action = field(form, "action", 20)
        values = {k: field(form, k) for k in ("year", "value", "note", "version")}
        values["form"] = action
        done = {"value": "value", "delete-value": "value-deleted", "targets": "targets"}
        monitoring = self.monitoring

        def call() -> Any:
            if action == "value":
                year = _year(values["year"], "year")
                value = _value(values["value"], "value")
                if year is None or value is None:
                    raise ValidationError(
                        "a value needs its year and the number",
                        expected="a year and a value",
                        found=f"year {values['year'] or '–'}, value {values['value'] or '–'}",
                        fix="fill in both fields",
                    )
                return monitoring.record_value(
                    writer, indicator_id, year, value, note=values["note"]
                )
            if action == "delete-value":
                year = _year(values["year"], "year")
                if year is None:
                    raise ValidationError(
                        "no year given", expected="the year of the value", found="none"
                    )
                return monitoring.delete_value(writer, indicator_id, year)
            if action == "targets":
                return monitoring.set_targets(writer, indicator_id, _target_rows(form))
            if action == "delete":
                version = int(values["version"]) if values["version"].isdigit() else 0
                return monitoring.delete_indicator(writer, indicator_id, version)
            raise ValidationError(
                "the form asked for nothing known",
                expected="action value, delete-value, targets or delete",
                found=repr(action),
            )

        try:
            await self.run(call)
        except ForbiddenError as exc:
            return self.fail(request, exc)
        except SmartSpecError as exc:
            problem = self._form_error(request, exc)
            return await self._indicator_page(
                request, indicator_id, status=problem["status"], problem=problem, values=values
            )
        if action == "delete":
            return RedirectResponse(
                f"/monitoring/strategies/{ind.strategy_id}?done=indicator-deleted",
                status_code=303,
            )
        return RedirectResponse(f"{back}?done={done[action]}", status_code=303)


def _target_rows(form: Any) -> list[tuple[int, float, str]]:
    """The rows of the targets form that have a year (``target_year_N``, ``target_value_N``,
    ``target_kind_N``, N from 0); a row with a year and no readable value is refused."""
    rows: list[tuple[int, float, str]] = []
    for n in range(40):
        year_text = field(form, f"target_year_{n}", 8)
        value_text = field(form, f"target_value_{n}", 40)
        if not year_text and not value_text:
            continue
        year = _year(year_text, "year of a milestone")
        value = _value(value_text, "value of a milestone")
        if year is None or value is None:
            raise ValidationError(
                "a milestone or target needs both a year and a value",
                expected="a year and a value on each row used",
                found=f"year {year_text or '–'}, value {value_text or '–'}",
                fix="complete the row, or clear both of its fields",
            )
        kind = "target" if field(form, f"target_kind_{n}", 12) == "target" else "milestone"
        rows.append((year, value, kind))
    return rows
