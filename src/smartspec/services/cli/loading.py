"""The data a command works on: a bundled dataset or an INPUT file (one loader for every
command), microdata summed with Dask, and the side tables (names, population, income)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from smartspec.core.errors import SmartSpecError, ValidationError

from .errors import usage

if TYPE_CHECKING:
    from smartspec.core.matrix import ActivityMatrix, Duplicates
    from smartspec.datasets import Axis

__all__ = [
    "bundled_population",
    "check_microdata",
    "dataset_labels",
    "is_microdata",
    "load_matrix",
    "load_microdata",
    "load_source",
    "matrix_summary",
    "period_of",
    "read_income",
    "resolve_region",
    "table_columns",
]

_DUPLICATES_HINT = (
    "combine them with --duplicates sum|mean|max|min|first|last (the default, --duplicates "
    "error, refuses them), or remove the repeated rows"
)


def load_matrix(
    *,
    input_path: str | None,
    dataset: str | None,
    columns: Mapping[str, str | None],
    column_flags: Mapping[str, str],
    duplicates: Duplicates,
    sheet: str | None,
    input_format: str | None,
    decimal: str = ".",
    missing: str = "error",
) -> tuple[ActivityMatrix, dict[str, Any]]:
    """The matrix of a file or a bundled dataset, and a description of the input for run.json.

    Parameters
    ----------
    input_path, dataset : str or None
        INPUT, or the name of a bundled dataset: exactly one of them.
    columns : mapping
        ``region``, ``activity``, ``value`` and ``period`` -> the column of INPUT (or None).
    column_flags : mapping
        The same keys -> the command's flag naming that column (for the error messages).
    duplicates, sheet, input_format, decimal, missing
        How INPUT is read (see :func:`smartspec.io.read_table`); none of them with ``dataset``.

    Returns
    -------
    tuple of ActivityMatrix and dict
        The matrix, and the ``input`` entry of run.json.
    """
    if input_path is not None and dataset is not None:
        raise usage("give either INPUT or --dataset, not both")
    if dataset is not None:
        given = [column_flags[k] for k, v in columns.items() if v is not None]
        if sheet is not None:
            given.append("--sheet")
        if input_format is not None:
            given.append("--input-format")
        if decimal != ".":
            given.append("--decimal")
        if missing != "error":
            given.append("--missing")
        if given:
            raise usage(
                f"{', '.join(given)} describe(s) an INPUT file and cannot be used with --dataset"
            )
        from smartspec.datasets import load

        m = load(dataset)
        return m, {"dataset": dataset, "source": m.source, "metadata": dict(m.metadata)}
    if input_path is None:
        raise usage("give an INPUT file (with its column options) or --dataset NAME")
    unnamed = [column_flags[k] for k in ("region", "activity", "value") if not columns.get(k)]
    if unnamed:
        raise usage(f"INPUT needs {', '.join(unnamed)} to name its columns")
    from smartspec.core.matrix import DUPLICATES_FIX
    from smartspec.io import read_table

    try:
        m = read_table(
            input_path,
            region=str(columns["region"]),
            activity=str(columns["activity"]),
            value=str(columns["value"]),
            period=columns.get("period"),
            duplicates=duplicates,
            sheet=sheet,
            format=input_format,
            decimal=decimal,
            missing=missing,
        )
    except ValidationError as exc:
        if exc.fix != DUPLICATES_FIX:
            raise
        # the library's hint names its option; on the command line it is the flag
        raise type(exc)(
            exc.problem,
            where=exc.where,
            expected=exc.expected,
            found=exc.found,
            fix=_DUPLICATES_HINT,
        ) from None
    described = {
        "path": str(input_path),
        "format": input_format,
        "sheet": sheet,
        "decimal": decimal,
        "missing": missing,
        "columns": dict(columns),
        "duplicates": duplicates,
        "source": m.source,
    }
    return m, described


def is_microdata(input_path: str | None, weight: str | None) -> bool:
    """Whether INPUT is microdata to sum with Dask: ``--weight`` given, or a folder or glob."""
    from pathlib import Path

    return input_path is not None and (
        weight is not None or any(ch in input_path for ch in "*?[") or Path(input_path).is_dir()
    )


def check_microdata(dataset: str | None, columns: Mapping[str, str | None]) -> None:
    """Refuse the options that microdata INPUT cannot take (a usage error)."""
    if dataset is not None:
        raise usage("give either INPUT or --dataset, not both")
    if columns.get("value") is not None:
        raise usage("microdata INPUT takes --weight COL (or nothing, to count rows), not --value")
    unnamed = [f"--{k}" for k in ("region", "activity") if not columns.get(k)]
    if unnamed:
        raise usage(f"microdata INPUT needs {', '.join(unnamed)} to name its columns")


def load_microdata(
    input_path: str, *, columns: Mapping[str, str | None], weight: str | None, client: Any
) -> tuple[ActivityMatrix, dict[str, Any]]:
    """Microdata summed per region, activity (and period) with Dask (on ``client``'s cluster,
    or Dask's default scheduler when None), and the ``input`` entry of run.json."""
    from smartspec.scale.distributed import aggregate_microdata

    try:
        m = aggregate_microdata(
            input_path,
            region=str(columns["region"]),
            activity=str(columns["activity"]),
            period=columns.get("period"),
            weight=weight,
            client=client,
        )
    except ImportError as exc:  # pragma: no cover - without the dask extra
        raise click.ClickException(str(exc)) from exc
    described = {
        "path": input_path,
        "format": "parquet microdata",
        "columns": {**columns, "weight": weight},
        "source": m.source,
        "metadata": dict(m.metadata),
    }
    return m, described


def load_source(opts: dict[str, Any]) -> tuple[ActivityMatrix, dict[str, str], dict[str, str]]:
    """The matrix named by :func:`~smartspec.services.cli.options.source_options` (its values
    are taken out of ``opts``), and its region and activity names (code -> name; empty for a
    file)."""
    columns = {k: opts.pop(f"{k}_col") for k in ("region", "activity", "value", "period")}
    dataset = opts.pop("dataset")
    m, _ = load_matrix(
        input_path=opts.pop("input_path"),
        dataset=dataset,
        columns=columns,
        column_flags={k: f"--{k}-col" for k in columns},
        duplicates=opts.pop("duplicates"),
        sheet=opts.pop("sheet"),
        input_format=opts.pop("input_format"),
        decimal=opts.pop("decimal"),
    )
    return m, dataset_labels(dataset, "region"), dataset_labels(dataset, "activity")


def matrix_summary(m: ActivityMatrix) -> dict[str, Any]:
    """The shape of the matrix, for run.json."""
    return {
        "value_name": m.value_name,
        "n_regions": m.n_regions,
        "n_activities": m.n_activities,
        "n_periods": m.n_periods,
        "periods": list(m.periods),
        "nonzero_cells": m.nnz,
    }


def dataset_labels(dataset: str | None, axis: Axis) -> dict[str, str]:
    """``code -> name`` of a bundled dataset's regions or activities (empty when it has none)."""
    if dataset is None:
        return {}
    try:
        from smartspec.datasets import labels

        table = labels(dataset, axis)
    except SmartSpecError:
        return {}
    if table is None:
        return {}
    if "code" not in table.columns and table.index.name == "code":
        table = table.reset_index()
    if "code" not in table.columns or "name" not in table.columns:
        return {}
    return {str(c): str(n) for c, n in zip(table["code"], table["name"], strict=False)}


def resolve_region(m: ActivityMatrix, wanted: str, names: Mapping[str, str]) -> Any:
    """The region label of ``m`` that ``wanted`` means (a code or a name, as the API and the
    dashboard read it: :func:`smartspec.core.lookup.resolve`)."""
    from smartspec.core.lookup import resolve

    as_text = {str(r): r for r in m.regions}
    code = resolve(
        wanted,
        {t: names.get(t) for t in as_text},
        axis="region",
        where=f"{m.n_regions} regions of the data",
        listing=None if names else "the region column of INPUT",
    )
    return as_text[code]


def period_of(m: ActivityMatrix, label: str | None) -> Any:
    """The period of ``m`` that ``label`` names; the latest for None."""
    return m.periods[-1] if label is None else m.periods[m.period_position(label)]


def bundled_population(dataset: str | None) -> Any:
    """A bundled dataset's population by (period, region) from its context data, or None."""
    from smartspec.datasets import population

    return None if dataset is None else population(dataset)


def table_columns(path: str) -> list[str]:
    """The column names of a table file (as :func:`smartspec.io.read_population` reads it)."""
    from smartspec.io.readers import _load

    frame = _load(path, labels=[], value="", sheet=None, format=None)[0]
    return [str(c) for c in frame.columns]


def read_income(
    path: str | None,
    *,
    dataset: str | None,
    value: str,
    region: str | None,
    period: str | None,
    decimal: str,
) -> tuple[Any, dict[str, Any] | None]:
    """The income series of ``--income FILE``, else of a bundled ``--dataset`` (its context
    data), with a description for run.json; ``(None, None)`` without one."""
    from smartspec.io import read_population

    if path is not None:
        pop_period = period if period is not None and period in table_columns(path) else None
        series = read_population(
            path, region=region or "region", value=value, period=pop_period, decimal=decimal
        )
        return series, {"path": path, "column": value, "period": pop_period}
    if dataset is None:
        return None, None
    from smartspec.datasets import income

    found = income(dataset)
    if found is not None:
        series, about = found
        return series, {
            "dataset": dataset,
            "column": about["name"],
            "unit": about["unit"],
            "source": about["source"],
        }
    return None, None
