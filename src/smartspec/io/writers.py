"""Write result tables (CSV or Parquet) and run records (JSON), atomically.

Each file is first written to a hidden temporary file in the target folder and then moved into
place with :func:`os.replace`, so a failed run never leaves a half-written file behind; the
tables of one call are all staged before any of them replaces an existing file. Files are
created with the permissions the user's umask gives a new file.

A table is a :class:`pandas.DataFrame`, or a :class:`TableStream` for a table too long to hold
in memory (``analyse``'s ``cells``: every region x activity x period): its batches are written
one after the other (Parquet: one row group each, label columns dictionary-encoded from their
codes; CSV: appended), and give the same file as the whole table would.

:func:`xlsx_bytes` writes a table as an Excel workbook directly (the API's downloads), ten times
faster than pandas' ``to_excel``.

CSV files are neutralised against formula injection (see :func:`neutralise_formulas`): a text
cell (or column name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is written with a single quote ``'`` in front, so that a spreadsheet opening the file shows it
as text instead of running it as a formula; numbers are never touched. Parquet and JSON are
data formats, read by programs rather than spreadsheets: they keep every value exactly.

The text rules live in ``smartspec.io._safe_text`` (formulas quoted, mixed types as text) and
the Excel writer in ``smartspec.io._xlsx``; their public names are importable from here.
"""

from __future__ import annotations

import json
import math
import os
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from ..core.errors import ValidationError
from ._safe_text import (
    FORMULA_PREFIXES,
    csv_quoting,
    mixed_types_as_text,
    neutralise_formulas,
    neutralise_text,
)
from ._xlsx import XLSX_MAX_COLUMNS as XLSX_MAX_COLUMNS
from ._xlsx import XLSX_MAX_ROWS as XLSX_MAX_ROWS
from ._xlsx import XLSX_MAX_TEXT as XLSX_MAX_TEXT
from ._xlsx import _xlsx_by_pandas as _xlsx_by_pandas
from ._xlsx import xlsx_bytes

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FORMULA_PREFIXES",
    "Coded",
    "TableStream",
    "csv_quoting",
    "jsonable",
    "mixed_types_as_text",
    "neutralise_formulas",
    "neutralise_text",
    "write_json",
    "write_tables",
    "xlsx_bytes",
]

TableFormat = Literal["csv", "parquet"]
_T = TypeVar("_T")
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


def _temporary(directory: Path, final: Path) -> Path:
    """Create an empty hidden file next to ``final``, with the permissions of a new file.

    Unlike :func:`tempfile.mkstemp` (always ``0o600``), the file is created with mode ``0o666``
    less the process's umask, as ``open(path, "w")`` would create it, so the result files
    follow the user's umask (``-rw-r--r--`` under the usual ``022``).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = directory / f".{final.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary file name next to '{final}'")  # pragma: no cover


class Coded(NamedTuple):
    """A label column of a :class:`TableStream` batch, as codes into its labels.

    The column is ``labels.take(codes)``; Parquet stores it dictionary-encoded straight from the
    codes, so no long array of label objects is ever formed.

    Attributes
    ----------
    codes : numpy.ndarray
        Integer positions into ``labels``, one per row.
    labels : pandas.Index
        The distinct labels (regions, activities, periods).
    """

    codes: np.ndarray
    labels: pd.Index


@dataclass
class TableStream:
    """A table given batch by batch, written without ever being whole in memory.

    Parameters
    ----------
    columns : tuple of str
        The columns, in the file's order; every batch has exactly these.
    batches : iterable of mapping
        Consecutive blocks of rows: column name -> numpy array, or :class:`Coded` for a label
        column. Consumed once, when the table is written.
    dictionary : tuple of str
        Numeric columns with few distinct values (counts, proximities) that Parquet stores
        dictionary-encoded; label and integer columns always are, other numeric columns are
        stored plain (on mostly distinct values dictionary encoding only costs time).

    Attributes
    ----------
    rows : int
        The rows written (set by :func:`write_tables`).

    Examples
    --------
    >>> import tempfile
    >>> labels = pd.Index(["A", "B"])
    >>> batches = [{"region": Coded(np.array([0, 1, 0]), labels), "x": np.array([1.0, 2.0, 3.0])}]
    >>> stream = TableStream(("region", "x"), batches)
    >>> [p.name for p in write_tables({"t": stream}, tempfile.mkdtemp())], stream.rows
    (['t.csv'], 3)
    """

    columns: tuple[str, ...]
    batches: Iterable[Mapping[str, np.ndarray | Coded]]
    dictionary: tuple[str, ...] = ()
    rows: int = field(default=0, init=False)


def _batch_frame(batch: Mapping[str, np.ndarray | Coded], columns: Sequence[str]) -> pd.DataFrame:
    """One batch as a DataFrame, label columns spelled out (as the whole table would hold them)."""
    data: dict[str, Any] = {}
    for col in columns:
        x = batch[col]
        data[col] = x.labels.take(x.codes) if isinstance(x, Coded) else x
    return pd.DataFrame(data, columns=list(columns))


def _prefetched(items: Iterable[_T], depth: int = 1) -> Iterator[_T]:
    """``items``, produced in a background thread at most ``depth`` ahead of the consumer.

    Preparing the next batch (numpy, Arrow) then overlaps writing this one (Parquet encoding):
    both release the GIL. An exception of the producer is raised in the consumer; a consumer
    that stops early stops the producer.
    """
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
        except BaseException as exc:  # handed to the consumer
            put(("error", exc))
        else:
            put(("done", None))

    thread = threading.Thread(target=produce, name="smartspec-batches", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "done":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


#: Rows formatted at a time by the CSV writer (text is several times the size of the numbers).
_CSV_ROWS = 1 << 18


def _csv_frames(stream: TableStream) -> Iterator[pd.DataFrame]:
    """The stream's batches as DataFrames of at most :data:`_CSV_ROWS` rows, labels spelled out.

    Formula-like text is neutralised (:func:`neutralise_formulas`): a label column through its
    labels, once per distinct labels object (never row by row); other text columns per block;
    the column names once.
    """
    names = pd.Index(stream.columns, dtype=object)
    header = neutralise_formulas(names)
    safe_labels: dict[int, tuple[pd.Index, pd.Index]] = {}  # id -> (labels kept alive, safe)

    def safe(labels: pd.Index) -> pd.Index:
        known = safe_labels.get(id(labels))
        if known is None or known[0] is not labels:
            known = safe_labels[id(labels)] = (labels, neutralise_formulas(labels))
        return known[1]

    for batch in stream.batches:
        n = len(next(iter(batch.values()))) if batch else 0
        for start in range(0, max(n, 1), _CSV_ROWS):
            rows = slice(start, start + _CSV_ROWS)
            part = {
                c: Coded(x.codes[rows], safe(x.labels)) if isinstance(x, Coded) else x[rows]
                for c, x in batch.items()
            }
            frame = _batch_frame(part, stream.columns)
            text = [
                i
                for i, c in enumerate(stream.columns)
                if not isinstance(part[c], Coded) and np.asarray(part[c]).dtype.kind in "OUS"
            ]
            if text:
                frame = frame.copy(deep=False)
                for i in text:
                    frame.isetitem(i, neutralise_formulas(frame.iloc[:, i]))
            if header is not names:
                frame.columns = header
            yield frame


def _write_csv_stream(tmp: Path, stream: TableStream) -> None:
    """Append each batch to the CSV file: the same text as ``to_csv`` of the whole table
    (formula-like text neutralised, as :func:`write_tables` does for a DataFrame). A batch
    with a carriage return in a text cell has its text fields quoted (:func:`csv_quoting`)."""
    frames = _csv_frames(stream)
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        header = True
        for frame in _prefetched(frames):
            frame.to_csv(
                f, index=False, header=header, lineterminator="\n", quoting=csv_quoting(frame)
            )
            header = False
            stream.rows += len(frame)
        if header:  # no batch at all: the header alone
            empty = _batch_frame({c: np.empty(0) for c in stream.columns}, stream.columns)
            empty = neutralise_formulas(empty)
            empty.to_csv(f, index=False, lineterminator="\n", quoting=csv_quoting(empty))


#: Arrow types stored in Parquet so that they read back the same without the Arrow schema.
_PLAIN_TYPES = ("bool", "int", "uint", "float", "double", "string", "large_string")


def _stream_schema(
    batch: Mapping[str, np.ndarray | Coded], columns: Sequence[str]
) -> tuple[pa.Schema, dict[str, pa.Array]]:
    """The Arrow schema (and pandas metadata) the whole table would get from ``to_parquet``,
    and the labels of each label column as Arrow arrays (the dictionaries)."""
    import pyarrow as pa

    sample: dict[str, Any] = {}
    dictionaries: dict[str, pa.Array] = {}
    for col in columns:
        x = batch[col]
        if isinstance(x, Coded):
            labels = mixed_types_as_text(x.labels)
            dictionaries[col] = pa.array(labels, from_pandas=True)
            sample[col] = labels[:1] if len(labels) else labels
        else:
            sample[col] = np.zeros(1, dtype=x.dtype)
    lengths = {len(v) for v in sample.values()}
    frame = pd.DataFrame({c: v[: min(lengths)] for c, v in sample.items()}, columns=list(columns))
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    for col, labels_arrow in dictionaries.items():  # the labels' own type (a sample can be empty)
        i = schema.get_field_index(col)
        schema = schema.set(i, schema.field(i).with_type(labels_arrow.type))
    return schema, dictionaries


def _record_batches(stream: TableStream) -> Iterator[tuple[pa.RecordBatch, dict[str, Any]]]:
    """Each batch of ``stream`` as an Arrow record batch, with the writer's options.

    Label columns become Arrow dictionary arrays straight from their codes (Parquet stores them
    dictionary-encoded without ever spelling the labels out); that needs the Arrow schema left
    out of the file, which would say "dictionary" and make pandas read categories. With a
    column of another type (dates...) the Arrow schema is needed: labels are then spelled out.
    """
    import pyarrow as pa

    columns = list(stream.columns)
    options: dict[str, Any] = {}
    dictionaries: dict[str, pa.Array] = {}
    encoded: set[str] = set()
    for batch in stream.batches:
        if not options:
            schema, dictionaries = _stream_schema(batch, columns)
            plain = all(str(f.type).startswith(_PLAIN_TYPES) for f in schema)
            encoded = set(dictionaries) if plain else set()
            keys = [
                f.name
                for f in schema
                if f.name in dictionaries
                or pa.types.is_integer(f.type)
                or pa.types.is_boolean(f.type)
            ]
            options = {
                "schema": pa.schema(
                    [
                        f.with_type(pa.dictionary(pa.int32(), f.type)) if f.name in encoded else f
                        for f in schema
                    ],
                    metadata=schema.metadata,
                ),
                # dictionary encoding for labels, integers and the columns the stream names;
                # statistics (min/max) for labels and integers (on other floats they cost a
                # quarter of the writing time and select no row group of such a table)
                "use_dictionary": [*keys, *stream.dictionary],
                "write_statistics": keys,
                "store_schema": not plain,
            }
        arrays = []
        for col in columns:
            x = batch[col]
            if isinstance(x, Coded):
                codes = pa.array(np.asarray(x.codes, dtype=np.int32))
                if col in encoded:
                    arrays.append(pa.DictionaryArray.from_arrays(codes, dictionaries[col]))
                else:
                    arrays.append(dictionaries[col].take(codes))
            else:
                arrays.append(pa.array(x, from_pandas=True))  # NaN as null, as to_parquet
        yield pa.record_batch(arrays, schema=options["schema"]), options


def _write_parquet_stream(tmp: Path, stream: TableStream) -> None:
    """Write each batch as one row group (of at most 2^20 rows) of the Parquet file.

    The file reads back as ``to_parquet`` of the whole table would: the same pandas metadata,
    so the same pandas dtypes, and the same values (NaN stored as null). The Arrow schema is
    not stored when every column is a number or text, so Arrow readers see ``string`` where
    the whole table would say ``large_string``: the same Parquet column.
    """
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    try:
        for record, options in _prefetched(_record_batches(stream)):
            if writer is None:
                kwargs = {k: v for k, v in options.items() if k != "schema"}
                writer = pq.ParquetWriter(tmp, options["schema"], **kwargs)
            writer.write_batch(record, row_group_size=1 << 20)
            stream.rows += record.num_rows
        if writer is None:  # no batch at all: an empty table
            columns = list(stream.columns)
            _batch_frame({c: np.empty(0) for c in columns}, columns).to_parquet(tmp, index=False)
    finally:
        if writer is not None:
            writer.close()


def _stage(directory: Path, final: Path, write: Callable[[Path], None]) -> Path:
    """Write to a temporary file next to ``final`` and return its path (removed on failure)."""
    tmp = _temporary(directory, final)
    try:
        write(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_tables(
    tables: Mapping[str, pd.DataFrame | TableStream],
    out_dir: str | Path,
    *,
    format: TableFormat = "csv",
) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` (or ``.parquet``), without the index.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame or TableStream
        File name stem -> table, written in the mapping's order. A :class:`TableStream` is
        written batch by batch (its ``rows`` then says how many rows were written).
    out_dir : str or pathlib.Path
        Folder for the files; created (with its parents) when missing.
    format : {"csv", "parquet"}
        CSV (UTF-8, comma separated, floats at full round-trip precision, missing values as
        empty cells, text a spreadsheet would run as a formula quoted: see
        :func:`neutralise_formulas`) or Parquet (every value exactly as given).

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
    jobs: list[tuple[Path, Callable[[Path], None]]] = []
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame | TableStream):
            raise ValidationError(
                f"table '{name}' is not a DataFrame",
                expected="a pandas DataFrame (or a TableStream)",
                found=type(frame).__name__,
            )
        jobs.append((directory / f"{name}.{format}", _table_writer(frame, format)))
    staged: list[tuple[Path, Path]] = []
    streams = sum(isinstance(t, TableStream) for t in tables.values())
    if streams > 1:
        # two long tables: written side by side (Parquet encoding releases the GIL)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="smartspec-write") as pool:
            futures = [pool.submit(_stage, directory, final, write) for final, write in jobs]
        failed: BaseException | None = None
        for future, (final, _) in zip(futures, jobs, strict=True):
            try:
                staged.append((future.result(), final))
            except BaseException as exc:
                failed = failed or exc
        if failed is not None:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise failed
    else:
        try:
            for final, write in jobs:
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


def _table_writer(table: pd.DataFrame | TableStream, format: str) -> Callable[[Path], None]:
    """The function that writes ``table`` to a (temporary) file in ``format``."""
    if isinstance(table, TableStream):
        if format == "csv":
            return lambda tmp: _write_csv_stream(tmp, table)
        return lambda tmp: _write_parquet_stream(tmp, table)
    if format == "csv":
        safe = neutralise_formulas(table)
        return lambda tmp: safe.to_csv(
            tmp, index=False, encoding="utf-8", lineterminator="\n", quoting=csv_quoting(safe)
        )
    return lambda tmp: mixed_types_as_text(table).to_parquet(tmp, index=False)


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
