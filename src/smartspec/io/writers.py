"""Write result tables (CSV or Parquet) and run records (JSON), atomically.

Each file is first written to a hidden temporary file in the target folder and then moved into
place with :func:`os.replace`, so a failed run never leaves a half-written file behind; the
tables of one call are all staged before any of them replaces an existing file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import ValidationError

__all__ = ["jsonable", "write_json", "write_tables"]

TableFormat = Literal["csv", "parquet"]
_FORMATS = ("csv", "parquet")


def _out_dir(out_dir: str | Path) -> Path:
    d = Path(out_dir).expanduser()
    if d.exists() and not d.is_dir():
        raise ValidationError(
            "the output path is not a folder",
            where=f"'{d}'",
            expected="a folder (created when missing)",
            found="a file",
            fix="name a folder for the results",
        )
    d.mkdir(parents=True, exist_ok=True)
    return d


def _check_name(name: str) -> None:
    if (
        not isinstance(name, str)
        or not name
        or name in (".", "..")
        or any(c in name for c in "/\\\0")
    ):
        raise ValidationError(
            "a table name must be a plain file name",
            expected="a name without folders, e.g. 'cells'",
            found=repr(name),
        )


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with mixed label types (``1`` and ``"A"``) become text, which Arrow needs."""
    out = frame
    for col in frame.columns:
        s = frame[col]
        if s.dtype == object:
            kinds = {type(x) for x in s.dropna()}
            if len(kinds) > 1:
                if out is frame:
                    out = frame.copy()
                out[col] = s.map(lambda x: x if x is None or x != x else str(x))
    out.columns = [str(c) for c in out.columns]
    return out


def _stage(directory: Path, final: Path, write: Callable[[Path], None]) -> Path:
    """Write to a temporary file next to ``final`` and return its path (removed on failure)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    format: TableFormat = "csv",
) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` (or ``.parquet``), without the index.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        File name stem -> table, written in the mapping's order.
    out_dir : str or pathlib.Path
        Folder for the files; created (with its parents) when missing.
    format : {"csv", "parquet"}
        CSV (UTF-8, comma separated, floats at full round-trip precision, missing values as
        empty cells) or Parquet.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``tables``.

    Raises
    ------
    ValidationError
        For an unknown format, a table name that is not a plain file name, or an output path
        that is a file.
    OSError
        When the folder or a file cannot be written. Nothing is replaced then: every table is
        written to a temporary file first, and only when all are written are they moved into
        place.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> [p.name for p in write_tables({"regions": pd.DataFrame({"region": ["A"]})}, d)]
    ['regions.csv']
    """
    if format not in _FORMATS:
        raise ValidationError(
            "unknown output format", expected="'csv' or 'parquet'", found=repr(format)
        )
    for name in tables:
        _check_name(name)
    directory = _out_dir(out_dir)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, frame in tables.items():
            if not isinstance(frame, pd.DataFrame):
                raise ValidationError(
                    f"table '{name}' is not a DataFrame",
                    expected="a pandas DataFrame",
                    found=type(frame).__name__,
                )
            final = directory / f"{name}.{format}"
            if format == "csv":

                def write(tmp: Path, frame: pd.DataFrame = frame) -> None:
                    frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")

            else:

                def write(tmp: Path, frame: pd.DataFrame = frame) -> None:
                    _parquet_safe(frame).to_parquet(tmp, index=False)

            staged.append((_stage(directory, final, write), final))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = []
    for tmp, final in staged:
        os.replace(tmp, final)
        written.append(final)
    return written


def jsonable(obj: Any) -> Any:
    """A copy of ``obj`` that :func:`json.dumps` accepts as strict JSON.

    numpy scalars and arrays become Python numbers and lists, NaN and infinities become ``None``,
    DataFrames become lists of records, paths and dates become strings.
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int | np.integer) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, float | np.floating):
        x = float(obj)
        return x if math.isfinite(x) else None
    if isinstance(obj, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series | pd.Index):
        return [jsonable(x) for x in obj.tolist()]
    if isinstance(obj, np.ndarray):
        return [jsonable(x) for x in obj.tolist()]
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(x) for x in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, datetime | date | pd.Timestamp):
        return obj.isoformat()
    if obj is pd.NA or obj is pd.NaT:
        return None
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    return str(obj)


def write_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as indented, strict JSON (see :func:`jsonable`), atomically.

    Parameters
    ----------
    obj : Any
        Mappings, sequences, numbers, numpy values, DataFrames...
    path : str or pathlib.Path
        The file to write; its folder is created when missing.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    final = Path(path).expanduser()
    directory = _out_dir(final.parent if str(final.parent) else ".")
    text = json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    os.replace(_stage(directory, final, write), final)
    return final
