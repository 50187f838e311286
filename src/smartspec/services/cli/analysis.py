"""``smartspec analyse`` without the command line: read the input, run the analysis (in this
process or on a Dask cluster), write the tables and ``run.json``.

:func:`run_analysis` takes the command's options as one :class:`AnalyseRequest` and returns
what was written as an :class:`AnalysisRun`; the command only parses and prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from smartspec import __version__

from .errors import usage
from .loading import (
    bundled_population,
    check_microdata,
    is_microdata,
    load_matrix,
    load_microdata,
    matrix_summary,
    read_income,
    table_columns,
)
from .output import captured_warnings, progress

if TYPE_CHECKING:
    import pandas as pd

    from smartspec.core._steps import PresenceMethod
    from smartspec.core.matrix import ActivityMatrix, Duplicates
    from smartspec.io.writers import TableFormat

__all__ = ["OUTPUT_COLUMNS", "AnalyseRequest", "AnalysisRun", "ordered", "run_analysis"]

#: Columns of each output table, in this order (any further columns follow them).
OUTPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cells": ("period", "region", "activity", "value", "rca", "presence", "density", "cog"),
    "regions": ("period", "region", "diversity", "eci", "coi"),
    "activities": ("period", "activity", "ubiquity", "pci"),
    "proximity": ("period", "activity_from", "activity_to", "proximity"),
    "notes": ("period", "level", "label", "reason"),
}


@dataclass(frozen=True)
class AnalyseRequest:
    """The options of ``smartspec analyse`` (see its ``--help``), one field per option."""

    out_dir: str
    input_path: str | None = None
    region: str | None = None
    activity: str | None = None
    value: str | None = None
    period: str | None = None
    dataset: str | None = None
    duplicates: Duplicates = "error"
    sheet: str | None = None
    decimal: str = "."
    missing: str = "error"
    input_format: str | None = None
    profile: str | None = None
    presence: PresenceMethod | None = None
    threshold: float | None = None
    population: str | None = None
    population_region: str | None = None
    population_value: str = "population"
    population_period: str | None = None
    sign: str | None = None
    income: str | None = None
    income_value: str = "income"
    proximity: str | None = None
    knn: int | None = None
    weight: str | None = None
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    out_format: TableFormat = "csv"
    cells: str = "all"
    quiet: bool = False

    @property
    def columns(self) -> dict[str, str | None]:
        """``region``, ``activity``, ``value``, ``period`` -> the column of INPUT."""
        return {
            "region": self.region,
            "activity": self.activity,
            "value": self.value,
            "period": self.period,
        }

    @property
    def source(self) -> str:
        """The dataset name, or INPUT's file name (for the summary)."""
        return self.dataset or Path(str(self.input_path)).name


@dataclass(frozen=True)
class AnalysisRun:
    """What :func:`run_analysis` read and wrote."""

    source: str
    shape: tuple[int, int, int]  #: regions, activities, periods
    out_dir: Path
    files: list[tuple[str, int]]  #: (file name, rows) of each table
    run_json: Path
    checks: Any = None  #: check_complexity's table, or None
    income: dict[str, Any] | None = None  #: the income series used (run.json's "income")
    record: dict[str, Any] = field(default_factory=dict)  #: run.json's content


def ordered(frame: pd.DataFrame, name: str, default_period: Any) -> pd.DataFrame:
    """The table with the contract's columns first; a missing period column filled in."""
    if "period" not in frame.columns:
        frame = frame.assign(period=default_period)
    first = [c for c in OUTPUT_COLUMNS[name] if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame.loc[:, first + rest].reset_index(drop=True)


def run_analysis(req: AnalyseRequest) -> AnalysisRun:
    """Read the input of ``req``, analyse it and write its tables and ``run.json``.

    Warnings are printed as ``Warning: ...`` lines on stderr, and a progress bar shown on a
    terminal, unless ``req.quiet``. A Dask client started for ``--engine dask`` is closed
    before the tables are written.
    """
    if req.scheduler is not None and req.engine != "dask":
        raise usage("--scheduler needs --engine dask")
    microdata = is_microdata(req.input_path, req.weight)
    if microdata:
        check_microdata(req.dataset, req.columns)
    with _client(req.engine, req.scheduler, needed=microdata) as client:
        if microdata:
            m, described = load_microdata(
                str(req.input_path), columns=req.columns, weight=req.weight, client=client
            )
        else:
            m, described = load_matrix(
                input_path=req.input_path,
                dataset=req.dataset,
                columns=req.columns,
                column_flags={k: f"--{k}" for k in req.columns},
                duplicates=req.duplicates,
                sheet=req.sheet,
                input_format=req.input_format,
                decimal=req.decimal,
                missing=req.missing,
            )
        described.update(matrix_summary(m))
        income = read_income(
            req.income,
            dataset=req.dataset,
            value=req.income_value,
            region=req.region,
            period=req.period,
            decimal=req.decimal,
        )
        ev, population_info, warned = _analyse(m, client, req, income[0])
    return _write(ev, m, req, described, population_info, warned, income)


@contextmanager
def _client(engine: str, scheduler: str | None, *, needed: bool) -> Iterator[Any]:
    """The Dask client of ``--engine dask`` (closed at the end), else None; Dask must be
    installed when ``needed`` (microdata) too."""
    with ExitStack() as stack:
        if engine != "dask" and not needed:
            yield None
            return
        try:
            from smartspec.scale.client import dask_client
        except ImportError as exc:  # pragma: no cover - without the dask extra
            raise click.ClickException(str(exc)) from exc
        client = None
        if engine == "dask":
            try:
                client = stack.enter_context(dask_client(scheduler))
            except ImportError as exc:
                raise click.ClickException(str(exc)) from exc
            except OSError as exc:
                raise click.ClickException(
                    f"cannot reach the Dask scheduler {scheduler}: {exc}"
                ) from exc
        yield client


def _options(req: AnalyseRequest) -> dict[str, Any]:
    """The analysis options as run.json records them (None: the profile's)."""
    return {
        "profile": req.profile,
        "presence": req.presence,
        "threshold": req.threshold,
        "proximity": req.proximity,
        "knn": req.knn,
        "sign": req.sign,
    }


def _population(req: AnalyseRequest) -> tuple[Any, dict[str, Any] | None]:
    """The population of ``--population`` (or a bundled dataset's, when the presence rule needs
    one), and its description for run.json; ``(None, None)`` without one."""
    from smartspec.io import read_population

    if req.population is not None:
        pop_region = req.population_region or req.region or "region"
        pop_period, detected = req.population_period, False
        if pop_period is None and req.period is not None:
            pop_period = req.period if req.period in table_columns(req.population) else None
            detected = pop_period is not None
        series = read_population(
            req.population,
            region=pop_region,
            value=req.population_value,
            period=pop_period,
            decimal=req.decimal,
        )
        period_from = (
            "--population-period"
            if req.population_period is not None
            else "--period (a column of the same name)"
            if detected
            else None
        )
        return series, {
            "path": req.population,
            "columns": {"region": pop_region, "value": req.population_value, "period": pop_period},
            "period_from": period_from,
        }
    if req.population_region or req.population_period:
        raise usage("--population-region/--population-period need --population FILE")
    if req.presence in ("rpop", "either", "both"):
        bundled = bundled_population(req.dataset)
        if bundled is not None:
            return bundled, {"bundled": "population from the dataset's context data"}
    return None, None


def _analyse(
    m: ActivityMatrix, client: Any, req: AnalyseRequest, income: Any
) -> tuple[Any, dict[str, Any] | None, list[str]]:
    """The evidence of ``m`` (in this process when ``client`` is None, else on its cluster),
    the population's description and the warnings given."""
    from smartspec.core.evidence import analyse

    kwargs = {k: v for k, v in _options(req).items() if v is not None}
    if req.sign == "income":
        if income is None:
            raise usage(
                "--sign income needs --income FILE (or a bundled --dataset with an income series)"
            )
        kwargs["income"] = income
    population, population_info = _population(req)
    if population is not None:
        kwargs["population"] = population
    with captured_warnings(not req.quiet) as warned, progress(not req.quiet) as bar:
        if client is None:
            ev = analyse(m, progress=bar, **kwargs)
        else:
            from smartspec.scale.distributed import analyse_distributed

            ev = analyse_distributed(m, client, **kwargs)
    return ev, population_info, warned


def _write(
    ev: Any,
    m: ActivityMatrix,
    req: AnalyseRequest,
    described: dict[str, Any],
    population_info: dict[str, Any] | None,
    warned: list[str],
    income: tuple[Any, dict[str, Any] | None],
) -> AnalysisRun:
    """Write the tables and run.json of ``analyse``.

    ``cells`` and ``proximity`` are streamed to the files period by period (never formed as
    long tables); ``req.cells`` is the ``--cells`` choice (all rows by default).
    """
    from smartspec.io import TableStream, write_json, write_tables
    from smartspec.services.analysis_tables import analysis_tables, parse_cells

    default_period = m.periods[0] if m.n_periods == 1 else None
    tables = analysis_tables(
        ev,
        OUTPUT_COLUMNS,
        cells=parse_cells(req.cells),
        ordered=lambda frame, name: ordered(frame, name, default_period),
    )
    written = write_tables(tables, req.out_dir, format=req.out_format)
    rows = {name: t.rows if isinstance(t, TableStream) else len(t) for name, t in tables.items()}
    columns = {name: [str(c) for c in t.columns] for name, t in tables.items()}
    checks = complexity_checks(ev, income[0])
    record = {
        "smartspec_version": __version__,
        "command": "analyse",
        "input": described,
        "population": population_info,
        "options": {
            **_options(req),
            "engine": req.engine,
            "scheduler": req.scheduler,
            "weight": req.weight,
            "format": req.out_format,
            "duplicates": req.duplicates,
            "cells": req.cells,
        },
        "profile": getattr(ev, "settings", {}),
        "diagnostics": getattr(ev, "diagnostics", None),
        "income": income[1],
        "complexity_checks": checks,
        "warnings": warned,
        "outputs": {
            name: {"file": path.name, "rows": rows[name], "columns": columns[name]}
            for name, path in zip(tables, written, strict=True)
        },
    }
    run_json = write_json(record, Path(req.out_dir) / "run.json")
    return AnalysisRun(
        source=req.source,
        shape=(m.n_regions, m.n_activities, m.n_periods),
        out_dir=Path(req.out_dir),
        files=[(path.name, rows[name]) for name, path in zip(tables, written, strict=True)],
        run_json=run_json,
        checks=checks,
        income=income[1],
        record=record,
    )


def complexity_checks(ev: Any, income: Any) -> Any:
    """:func:`smartspec.core.complexity.check_complexity` of the analysis (a DataFrame, or
    None for a result without diagnostics)."""
    from smartspec.core.complexity import check_complexity

    if getattr(ev, "diagnostics", None) is None:
        return None
    return check_complexity(ev, income)
