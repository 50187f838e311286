"""Read long region x activity tables (CSV, TSV, Parquet, Excel) into an :class:`ActivityMatrix`.

Every problem with a file (missing, unreadable, unknown format, missing sheet or column, bad
values) is raised as a :class:`~smartspec.core.errors.ValidationError` that names the file, the
column and the line or row, never as a pandas or pyarrow traceback.

Label columns (region, activity) are read as text, so that codes such as ``"01"`` or ``"NA"``
(Namibia) keep their exact spelling; a period column becomes integers when every period is a
plain integer (``2013``), text otherwise (``"2013Q1"``).

Values are written with a decimal point (``1234.5``) unless ``decimal=","`` is given, for the
decimal comma of Spanish and most European spreadsheets (see :data:`DECIMALS` for the rule).
"""

from __future__ import annotations

import csv
import difflib
import gzip
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core._validate import TableCheck
from ..core.errors import ValidationError, format_examples
from ..core.matrix import ActivityMatrix, Duplicates

__all__ = [
    "DECIMALS",
    "DECIMAL_COMMA_FIX",
    "FORMATS",
    "MAX_CELLS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED",
    "Limits",
    "read_population",
    "read_table",
]

Format = Literal["csv", "tsv", "parquet", "excel"]

#: The formats :func:`read_table` understands, and the file name endings that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".txt", ".txt.gz"),
    "tsv": (".tsv", ".tsv.gz", ".tab"),
    "parquet": (".parquet", ".pq", ".parq"),
    "excel": (".xlsx", ".xlsm", ".xls", ".ods"),
}

# Cells that mean "no value" in a value column. Label columns only treat an empty cell as missing,
# so that real codes such as "NA" (Namibia) or "NULL" survive.
_NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "-NaN", "-nan", "#N/A", "None"]
_INT_RE = re.compile(r"^[+-]?(0|[1-9][0-9]*)$")

#: The decimal separators the readers understand, with what each means.
#:
#: ``"."`` (the default): ``1234.5``; numbers are read as pandas reads them.
#: ``","``: ``1234,5`` or ``1.234,5``, as Spanish and most European spreadsheets write them. The
#: comma separates the decimals; a point (or a space, a no-break space or a narrow no-break
#: space, as in French) may only separate groups of three digits before it, the same separator
#: throughout a number: ``1.234.567,89`` is 1234567.89 and ``1.234`` is 1234, while ``1.5`` or
#: ``1234.5`` are refused (a decimal point where a comma was announced) rather than misread.
#: An exponent (``1,5E3``) and a sign are allowed. Cells that are numbers already (Excel's
#: numeric cells, Parquet's numeric columns) are kept as they are; text cells follow the rule.
DECIMALS: dict[str, str] = {
    ".": "a decimal point: 1234.5",
    ",": "a decimal comma: 1234,5 or 1.234,5 (a point only between groups of three digits)",
}
_GROUPED = r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d{1,3}(?:\u00a0\d{3})+|\d{1,3}(?:\u202f\d{3})+"
_EXPONENT = r"(?:[eE][+-]?\d+)?"
_COMMA_NUMBER = re.compile(rf"[+-]?(?:(?:{_GROUPED}|\d+)(?:,\d+)?|,\d+){_EXPONENT}")
_GROUP_SEPARATORS = re.compile(r"[. \u00a0\u202f]")
# what a number with a decimal point (and perhaps thousands commas) looks like
_POINT_NUMBER = re.compile(rf"[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)?\.\d+{_EXPONENT}")
# an English number with thousands commas (1,234 or 1,234,567.5): not a sure decimal comma
_THOUSANDS_COMMAS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")

#: The hint of an error about values that look like numbers written with a decimal comma.
DECIMAL_COMMA_FIX = (
    "the values look like numbers written with a decimal comma ('12,5', '1.234,5'): give the "
    "decimal separator ',' (--decimal , on the command line, decimal=',' in Python and the "
    "API, 'comma' on the upload page)"
)
_DECIMAL_POINT_FIX = (
    "the values look like numbers written with a decimal point ('1234.5'): read the file with "
    "the decimal separator '.' (the default: leave out --decimal , or decimal=',')"
)

#: Most data rows a file may hold (the header not counted).
MAX_ROWS = 5_000_000
#: Most cells (rows x columns) a file may hold.
MAX_CELLS = 50_000_000
#: Most bytes the compressed parts of a file (a workbook's XML, a ``.gz`` text) may expand to.
MAX_UNCOMPRESSED = 500 * 1024 * 1024
#: Highest expansion ratio (uncompressed / compressed size) of a workbook's XML part.
MAX_RATIO = 100.0
# Parts smaller than this are not held to MAX_RATIO: small repetitive sheets compress very well.
_RATIO_FLOOR = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_SPLIT_FIX = (
    "save the sheet as CSV (compressed as .csv.gz if need be), split the file into several "
    "smaller ones, or keep only the periods, regions or activities needed"
)


@dataclass(frozen=True)
class Limits:
    """How large a file :func:`read_table` agrees to read.

    Parameters
    ----------
    max_rows : int
        Most data rows (default :data:`MAX_ROWS`).
    max_cells : int
        Most cells, rows x columns (default :data:`MAX_CELLS`).
    max_uncompressed : int
        Most bytes the compressed parts may expand to (default :data:`MAX_UNCOMPRESSED`).
    max_ratio : float
        Highest expansion ratio of a large compressed part (default :data:`MAX_RATIO`).
    """

    max_rows: int = MAX_ROWS
    max_cells: int = MAX_CELLS
    max_uncompressed: int = MAX_UNCOMPRESSED
    max_ratio: float = MAX_RATIO

    @classmethod
    def of(
        cls,
        max_rows: int | None = None,
        max_cells: int | None = None,
        max_uncompressed: int | None = None,
        max_ratio: float | None = None,
    ) -> Limits:
        """The limits given, the module's defaults (read now) for those left out."""
        return cls(
            MAX_ROWS if max_rows is None else int(max_rows),
            MAX_CELLS if max_cells is None else int(max_cells),
            MAX_UNCOMPRESSED if max_uncompressed is None else int(max_uncompressed),
            MAX_RATIO if max_ratio is None else float(max_ratio),
        )

    def rows(self, p: Path, found: str, *, n_rows: int) -> None:
        """Raise when ``n_rows`` data rows are more than :attr:`max_rows`."""
        if n_rows > self.max_rows:
            raise _too_large(p, "too many rows", f"at most {self.max_rows:,} data rows", found)

    def cells(self, p: Path, found: str, *, n_cells: int) -> None:
        """Raise when ``n_cells`` cells are more than :attr:`max_cells`."""
        if n_cells > self.max_cells:
            raise _too_large(p, "too many cells", f"at most {self.max_cells:,} cells", found)


def _too_large(p: Path, what: str, expected: str, found: str) -> ValidationError:
    return ValidationError(
        f"the file is too large to read: {what}",
        where=f"file '{p.name}'",
        expected=expected,
        found=found,
        fix=_SPLIT_FIX,
    )


# ---------------------------------------------------------------------------------------- helpers
def _path(path: str | Path) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        parent = p.parent if str(p.parent) else Path(".")
        close: list[str] = []
        if parent.is_dir():
            close = difflib.get_close_matches(p.name, [c.name for c in parent.iterdir()], n=3)
        raise ValidationError(
            "the file does not exist",
            where=f"file '{p}'",
            expected="the path of an existing CSV, TSV, Parquet or Excel file",
            found=f"no file at '{p}'",
            fix=(f"did you mean {format_examples(close)}? " if close else "")
            + "check the path and the current directory",
        )
    if not p.is_file():
        raise ValidationError(
            "the path is not a file",
            where=f"file '{p}'",
            expected="a CSV, TSV, Parquet or Excel file",
            found="a directory" if p.is_dir() else "not a regular file",
            fix="name the data file itself",
        )
    return p


def _format(p: Path, format: str | None) -> str:
    if format is not None:
        fmt = str(format).lower().lstrip(".")
        aliases = {"xlsx": "excel", "xls": "excel", "ods": "excel", "pq": "parquet", "txt": "csv"}
        fmt = aliases.get(fmt, fmt)
        if fmt not in FORMATS:
            raise ValidationError(
                "unknown file format",
                where=f"file '{p.name}'",
                expected=f"one of {', '.join(FORMATS)}",
                found=repr(format),
            )
        return fmt
    name = p.name.lower()
    for fmt, endings in FORMATS.items():
        if name.endswith(endings):
            return fmt
    known = ", ".join(e for endings in FORMATS.values() for e in endings)
    raise ValidationError(
        "cannot tell the file format from the file name",
        where=f"file '{p.name}'",
        expected=f"a name ending in one of {known}",
        found=f"'{''.join(p.suffixes) or 'no extension'}'",
        fix="rename the file, or give the format explicitly (format='csv', 'tsv', 'parquet' "
        "or 'excel'; --input-format on the command line)",
    )


def _unreadable(p: Path, what: str, exc: BaseException, fix: str | None = None) -> ValidationError:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return ValidationError(
        f"the file cannot be read as {what}",
        where=f"file '{p.name}'",
        expected=f"a readable {what} file",
        found=f"{type(exc).__name__}: {detail}",
        fix=fix or "check that the file is complete and in the format its name says",
    )


def _sample(p: Path, n: int = 65536) -> bytes:
    opener = gzip.open if p.name.lower().endswith(".gz") else open
    try:
        with opener(p, "rb") as fh:
            return fh.read(n)
    except (OSError, EOFError) as exc:
        raise _unreadable(p, "text", exc) from None


def _utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when NUL bytes fill every other byte, else None.

    Text in UTF-16 without a byte-order mark shows itself by its NULs: ASCII characters
    (the header, digits, separators) have a zero high byte, second (LE) or first (BE).
    """
    head = sample[: 4096 - 4096 % 2]
    if len(head) < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _encoding(sample: bytes, p: Path | None = None) -> str:
    """The text encoding of a file from its first bytes.

    A byte-order mark says UTF-8, UTF-16 (LE or BE) or UTF-32; UTF-16 without one is told by
    its NUL bytes; text that is not UTF-8 is read as Windows-1252. Other bytes with NULs (a
    binary file, an unknown encoding) raise :class:`ValidationError`.
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if sample.startswith(bom):
            return encoding
    bomless = _utf16_without_bom(sample)
    if bomless is not None:
        return bomless
    if b"\x00" in sample:
        name = f"'{p.name}'" if p is not None else "the file"
        raise ValidationError(
            "the file's text encoding cannot be read",
            where=f"file {name}",
            expected="text in UTF-8, UTF-16 (with or without a byte-order mark) or Windows-1252",
            found="NUL bytes that are not UTF-16 text (a binary file, or another encoding)",
            fix="save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8), or upload the "
            "workbook itself (.xlsx)",
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a cut in the middle of a multi-byte character at the end of the sample is fine
        if exc.start < len(sample) - 4:
            return "cp1252"
    return "utf-8-sig"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _zip_members(p: Path) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]] | None:
    """The open zip of a workbook and its XML parts, or None when the file is not a zip."""
    try:
        book = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip (an .xls, a broken file): the reader says what is wrong
    return book, [i for i in book.infolist() if i.filename.lower().endswith(".xml")]


def _check_zip(p: Path, limits: Limits) -> None:
    """Refuse a workbook whose parts expand too much, before any of it is parsed.

    First the sizes the zip declares (the total, and the ratio of each large XML part); then
    the worksheets (``xl/worksheets/*.xml``, an OpenDocument ``content.xml``) are decompressed
    as a stream, in constant memory, counting their rows and cells up to the limits and their
    bytes up to :attr:`Limits.max_uncompressed` (declared sizes can lie).
    """
    opened = _zip_members(p)
    if opened is None:
        return
    book, members = opened
    with book:
        total = sum(i.file_size for i in book.infolist())
        if total > limits.max_uncompressed:
            raise _too_large(
                p,
                "the workbook expands to too many bytes",
                f"a workbook whose parts expand to at most {_mb(limits.max_uncompressed)}",
                f"parts declaring {_mb(total)} uncompressed ({_mb(p.stat().st_size)} on disk)",
            )
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
                raise _too_large(
                    p,
                    "a part of the workbook expands too much (a compression bomb, or a sheet "
                    "of millions of near-empty rows)",
                    f"parts larger than {_mb(_RATIO_FLOOR)} compressed at most "
                    f"{limits.max_ratio:g}:1",
                    f"'{info.filename}': {_mb(info.compress_size)} expanding to "
                    f"{_mb(info.file_size)} ({ratio:,.0f}:1)",
                )
        for info in members:
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") or name == "content.xml":
                _count_xml(p, book, info, limits, ods=name == "content.xml")


_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="(\d+)"')


def _count_xml(
    p: Path, book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, *, ods: bool
) -> None:
    """Stream one worksheet part, counting rows and cells; raise at the first limit passed."""
    rows = cells = size = 0
    tail = b""
    found = f"'{info.filename}'"
    try:
        with book.open(info) as fh:
            first = True
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_uncompressed:
                    raise _too_large(
                        p,
                        "a sheet expands to too many bytes",
                        f"sheets of at most {_mb(limits.max_uncompressed)} uncompressed",
                        f"{found}: more than {_mb(limits.max_uncompressed)}",
                    )
                buf = tail + chunk
                cut = buf.rfind(b"<")  # a tag is counted once it is whole
                cut = len(buf) if cut < 0 else cut
                part, tail = buf[:cut], buf[cut:]
                if len(tail) > 4096:  # no tag is this long: a '<' in text
                    part, tail = buf, b""
                if first:
                    m = re.search(rb"<(\w+:)?(?:worksheet|document-content)\b", part)
                    prefix = m.group(1) or b"" if m else b""
                    if ods:
                        row_tags, cell_tags = [b"<table:table-row"], [b"<table:table-cell"]
                    else:
                        row_tags = [b"<" + prefix + b"row ", b"<" + prefix + b"row>"]
                        cell_tags = [b"<" + prefix + b"c ", b"<" + prefix + b"c>"]
                    first = False
                if ods:
                    rows += _ods_count(part, row_tags[0], b"rows")
                    cells += _ods_count(part, cell_tags[0], b"columns")
                else:
                    rows += sum(part.count(t) for t in row_tags)
                    cells += sum(part.count(t) for t in cell_tags)
                limits.rows(p, f"{found}: more than {max(rows - 1, 0):,} rows", n_rows=rows - 1)
                limits.cells(p, f"{found}: more than {cells:,} cells", n_cells=cells)
    except zipfile.BadZipFile as exc:
        raise _unreadable(p, "a spreadsheet", exc) from None


def _ods_count(part: bytes, tag: bytes, axis: bytes) -> int:
    """Elements ``tag`` in ``part``; a repeated cell holding a value counted as it repeats."""
    n = 0
    start = part.find(tag)
    while start >= 0:
        end = part.find(b">", start)
        head = part[start : end if end >= 0 else len(part)]
        if head[len(tag) : len(tag) + 1] in (b" ", b">", b"/", b""):
            m = _ODS_REPEAT.search(head)
            repeat = int(m.group(1)) if m and axis in m.group(0) else 1
            # Rows count once: LibreOffice pads sheets with repeated empty rows, and calamine
            # skips them. A repeated cell with a value counts as often as it repeats; an empty
            # one (self-closing) once.
            n += 1 if axis == b"rows" or head.endswith(b"/") else repeat
        start = part.find(tag, start + len(tag))
    return n


def _check_gzip(p: Path, limits: Limits) -> None:
    """Decompress a ``.gz`` text as a stream, refusing it past the size or row limit."""
    size = lines = 0
    try:
        with gzip.open(p, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                lines += chunk.count(b"\n")
                if size > limits.max_uncompressed:
                    raise _too_large(
                        p,
                        "the compressed file expands to too many bytes",
                        f"at most {_mb(limits.max_uncompressed)} once decompressed",
                        f"more than {_mb(limits.max_uncompressed)} from "
                        f"{_mb(p.stat().st_size)} compressed",
                    )
                limits.rows(p, f"more than {lines - 1:,} lines", n_rows=lines - 1)
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise _unreadable(p, "text", exc) from None


# ---------------------------------------------------------------------------------------- decimals
def _check_decimal(decimal: Any) -> str:
    """``decimal`` when it is one of :data:`DECIMALS`; a :class:`ValidationError` otherwise."""
    if isinstance(decimal, str) and decimal in DECIMALS:
        return decimal
    raise ValidationError(
        "unknown decimal separator",
        expected="'.' (1234.5, the default) or ',' (1234,5 or 1.234,5)",
        found=repr(decimal),
        fix="give decimal='.' or decimal=',' (--decimal . or --decimal , on the command line)",
    )


def _parse_comma_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct texts read with a decimal comma: (float64 values, NaN where missing or bad;
    mask of the texts that are neither a number so written nor a "no value" marker)."""
    text = pd.Series(texts, dtype=object).str.strip()
    missing = text.isin(_NA_VALUES).to_numpy()
    ok = text.str.fullmatch(_COMMA_NUMBER, na=False).to_numpy(dtype=bool)
    plain = text.where(ok).str.replace(_GROUP_SEPARATORS, "", regex=True)
    numbers = pd.to_numeric(plain.str.replace(",", ".", regex=False), errors="coerce")
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan), ~ok & ~missing


def _decimal_comma_values(
    frame: pd.DataFrame, value: str, *, source: str, first_row: int, row_word: str, noun: str
) -> None:
    """Replace the text cells of ``frame[value]`` by the numbers they write with a decimal comma.

    Cells that are numbers already are kept; "no value" markers (``NA``, ``#N/A``...) become
    missing. Text that is not a number so written (``1.5``, ``12 kg``) raises
    :class:`ValidationError`, naming the rows, with a hint when it looks like numbers written
    with a decimal point.
    """
    if value not in frame.columns:
        return  # the missing column is reported by the checks that follow
    col = frame[value]
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        return
    cells = col.to_numpy(dtype=object)
    is_text = np.fromiter((isinstance(x, str) for x in cells), dtype=bool, count=len(cells))
    if not is_text.any():
        return
    codes, distinct = pd.factorize(cells[is_text])
    numbers, bad_distinct = _parse_comma_texts(np.asarray(distinct, dtype=object))
    bad = np.zeros(len(cells), dtype=bool)
    bad[is_text] = bad_distinct[codes]
    if bad.any():
        check = TableCheck(frame, source=source, first_row=first_row, row_word=row_word)
        rows = check.rows(bad)
        sample = [str(cells[i]) for i in np.flatnonzero(bad)[:3]]
        pointed = any(_POINT_NUMBER.fullmatch(x.strip()) for x in sample)
        raise ValidationError(
            f"{noun} must be numbers written with a decimal comma",
            where=check.where(value, rows),
            expected="numbers such as 1234,5 or 1.234,5 (decimal separator ','; a point only "
            "between groups of three digits)",
            found=f"{format_examples(sample, limit=3)} in {int(bad.sum())} row(s)",
            fix=_DECIMAL_POINT_FIX
            if pointed
            else "remove footnote flags or text from the column, or name the right column",
        )
    if is_text.all():
        frame[value] = pd.Series(numbers[codes], index=col.index, name=col.name)
        return
    out = cells.copy()
    out[is_text] = numbers[codes]
    frame[value] = pd.Series(out, index=col.index, name=col.name, dtype=object)


def _looks_decimal_comma(col: pd.Series) -> bool:
    """Whether the cells of ``col`` that are not numbers look like numbers with a decimal comma.

    ``12,5`` and ``1.234,5`` do; ``1,234`` alone does not (an English thousands separator as
    much as a decimal comma).
    """
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        return False
    texts = [
        x.strip()
        for x in pd.unique(col.dropna().to_numpy(dtype=object))[:1000]
        if isinstance(x, str)
    ]
    return any(
        "," in x and _COMMA_NUMBER.fullmatch(x) and not _THOUSANDS_COMMAS.fullmatch(x)
        for x in texts
    )


def _decimal_hint(exc: ValidationError, frame: pd.DataFrame, value: str) -> ValidationError | None:
    """``exc`` with the hint to read a decimal comma, when it is about values that look so."""
    if not exc.problem.endswith("must be numbers") or value not in frame.columns:
        return None
    if not _looks_decimal_comma(frame[value]):
        return None
    return type(exc)(
        exc.problem,
        where=exc.where,
        expected=exc.expected,
        found=exc.found,
        fix=DECIMAL_COMMA_FIX,
    )


def _label_columns(region: str | None, activity: str | None, period: str | None) -> list[str]:
    return [c for c in (region, activity, period) if c is not None]


def _read_csv(
    p: Path, fmt: str, labels: list[str], value: str, limits: Limits, *, decimal: str = "."
) -> pd.DataFrame:
    if p.name.lower().endswith(".gz"):
        _check_gzip(p, limits)
    sample = _sample(p)
    if not sample.strip():
        raise ValidationError(
            "the file is empty",
            where=f"file '{p.name}'",
            expected="a header line naming the columns, then one line per region and activity",
            found="no content",
            fix="check the export that produced the file",
        )
    encoding = _encoding(sample, p)
    if encoding.startswith("utf-16") and len(sample) % 2:
        sample = sample[:-1]
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    sep = "\t" if fmt == "tsv" else _delimiter(first_line)
    try:
        header = next(csv.reader([first_line], delimiter=sep))
    except (csv.Error, StopIteration):
        header = []
    present = [c for c in labels if c in header]
    na_values: dict[str, list[str]] = {c: [""] for c in present}
    if value in header and value not in present:
        na_values[value] = _NA_VALUES
    as_text = present + ([value] if decimal == "," and value in na_values else [])
    # read one row more than allowed: more rows than that mean the file is over the limit
    most = min(limits.max_rows, limits.max_cells // max(len(header), 1))
    try:
        frame = pd.read_csv(
            p,
            sep=sep,
            dtype=dict.fromkeys(as_text, str),
            keep_default_na=False,
            na_values=na_values,
            encoding=encoding,
            skipinitialspace=True,
            compression="infer",
            float_precision="round_trip",
            nrows=most + 1,
        )
    except pd.errors.EmptyDataError:
        raise ValidationError(
            "the file is empty",
            where=f"file '{p.name}'",
            expected="a header line naming the columns, then one line per region and activity",
            found="no columns",
        ) from None
    except pd.errors.ParserError as exc:
        msg = str(exc)
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            raise ValidationError(
                "a line has more fields than the header",
                where=f"file '{p.name}', line {m.group(2)}",
                expected=f"{m.group(1)} fields separated by {sep!r}",
                found=f"{m.group(3)} fields",
                fix="quote text that contains the separator, or remove the extra fields"
                + (
                    " (numbers with a decimal comma in a comma-separated file must be quoted, "
                    "or the fields separated by ';' as Spanish spreadsheets save them)"
                    if sep == "," and decimal == ","
                    else ""
                ),
            ) from None
        raise _unreadable(p, "CSV", exc) from None
    except UnicodeDecodeError as exc:
        raise _unreadable(
            p,
            f"CSV in the {encoding} encoding found from its first bytes",
            exc,
            fix="save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8)",
        ) from None
    except (OSError, EOFError, ValueError) as exc:
        raise _unreadable(p, "CSV", exc) from None
    if len(frame) > most:
        found = f"more than {most:,} lines of {len(frame.columns)} fields"
        limits.rows(p, found, n_rows=len(frame))
        limits.cells(p, found, n_cells=len(frame) * len(frame.columns))
    return frame


def _read_parquet(p: Path, limits: Limits) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(p).metadata
    except Exception as exc:  # pyarrow raises many unrelated types for a broken file
        raise _unreadable(p, "Parquet", exc) from None
    found = f"{meta.num_rows:,} rows of {meta.num_columns} columns"
    limits.rows(p, found, n_rows=meta.num_rows)
    limits.cells(p, found, n_cells=meta.num_rows * meta.num_columns)
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > limits.max_uncompressed:
        raise _too_large(
            p,
            "the data expand to too many bytes",
            f"at most {_mb(limits.max_uncompressed)} of uncompressed column data",
            f"{_mb(size)} of column data in {_mb(p.stat().st_size)} on disk",
        )
    try:
        return pq.read_table(p).to_pandas()
    except Exception as exc:  # pyarrow raises many unrelated types for a broken file
        raise _unreadable(p, "Parquet", exc) from None


def _read_excel(
    p: Path, sheet: str | int | None, labels: list[str], value: str, limits: Limits
) -> tuple[pd.DataFrame, str]:
    _check_zip(p, limits)
    try:
        book = pd.ExcelFile(p, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for a broken workbook
        raise _unreadable(p, "a spreadsheet", exc) from None
    with book:
        names = [str(s) for s in book.sheet_names]
        if not names:
            raise ValidationError(
                "the workbook has no sheets", where=f"file '{p.name}'", found="no sheets"
            )
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ValidationError(
                    "the sheet is not in the workbook",
                    where=f"file '{p.name}'",
                    expected=f"a sheet number from 0 to {len(names) - 1}",
                    found=str(sheet),
                    fix=f"name one of the sheets {format_examples(names, limit=10)}",
                )
            sheet_name = names[sheet]
        elif str(sheet) in names:
            sheet_name = str(sheet)
        else:
            by_case = [n for n in names if n.lower() == str(sheet).lower()]
            close = by_case or difflib.get_close_matches(str(sheet), names, n=1, cutoff=0.5)
            raise ValidationError(
                f"the sheet '{sheet}' is not in the workbook",
                where=f"file '{p.name}'",
                expected=f"one of the sheets {format_examples(names, limit=10)}",
                found=repr(str(sheet)),
                fix=(f"did you mean '{close[0]}'? " if close else "")
                + "name a sheet that exists (sheet names are case-sensitive)",
            )
        _check_sheet(p, book, sheet_name, limits)
        try:
            head = book.parse(sheet_name, nrows=0)
            header = [str(c) for c in head.columns]
            present = [c for c in labels if c in header]
            na_values: dict[str, list[str]] = {c: [""] for c in present}
            if value in header and value not in present:
                na_values[value] = _NA_VALUES
            frame = book.parse(
                sheet_name,
                dtype=dict.fromkeys(present, str),
                keep_default_na=False,
                na_values=na_values,
            )
        except Exception as exc:
            raise _unreadable(p, f"a spreadsheet (sheet '{sheet_name}')", exc) from None
    return frame, sheet_name


def _check_sheet(p: Path, book: pd.ExcelFile, sheet_name: str, limits: Limits) -> None:
    """Refuse a sheet larger than the limits once calamine has loaded it, before pandas reads it.

    The loaded sheet is kept for pandas' reads of the same book, so that it is loaded once.
    """
    reader = getattr(book, "_reader", None)
    try:
        loaded = book.book.get_sheet_by_name(sheet_name)
    except Exception as exc:
        raise _unreadable(p, f"a spreadsheet (sheet '{sheet_name}')", exc) from None
    end = loaded.end
    if end is not None:
        n_rows, n_cols = end[0] + 1, end[1] + 1
        found = f"sheet '{sheet_name}': {n_rows:,} rows of {n_cols:,} columns"
        limits.rows(p, found, n_rows=n_rows - 1)
        limits.cells(p, found, n_cells=n_rows * n_cols)
    if reader is not None and hasattr(reader, "get_sheet_by_name"):
        load = reader.get_sheet_by_name

        def cached(name: str) -> Any:
            return loaded if name == sheet_name else load(name)

        reader.get_sheet_by_name = cached


def _clean_label(x: Any) -> Any:
    """One label as text (whole numbers without '.0', surrounding blanks removed), or NaN."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return np.nan
    if isinstance(x, float | np.floating) and float(x).is_integer():
        return str(int(x))
    if isinstance(x, bytes):
        return x.decode("utf-8", errors="replace")
    return str(x).strip()


def _as_labels_by_row(col: pd.Series) -> pd.Series:
    """Text labels cleaned one cell at a time (object Series, missing cells as NaN)."""
    out = col.map(_clean_label).astype(object)
    return out.where(out.ne(""), np.nan)


def _distinct_first(col: pd.Series) -> bool:
    """Whether cleaning each distinct value of ``col`` once gives what cleaning each cell gives.

    True for categorical, text (string dtype, or object holding only ``str``), boolean and
    numeric columns. Object columns of other or mixed types (bytes, ``1`` beside ``True``...)
    are cleaned cell by cell: :func:`pandas.factorize` treats values that compare equal as one
    (``1``, ``1.0`` and ``True``), though they are cleaned to different labels (``"1"`` and
    ``"True"``).
    """
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype):
        return True
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return not pd.api.types.is_complex_dtype(dtype)
    if pd.api.types.is_object_dtype(dtype):
        return pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    return False


def _factorised_labels(col: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Integer codes (-1: missing) of a label column into its distinct cleaned labels.

    Each distinct value (a categorical column's used categories; otherwise found by
    :func:`pandas.factorize`) is cleaned once, as :func:`_clean_label` cleans a cell; values
    that clean to the same text (``" A"`` and ``"A"``) share a code, and values that clean to
    nothing (empty text) are missing. None where cleaning distinct values could differ from
    cleaning cells (see :func:`_distinct_first`).
    """
    if not _distinct_first(col):
        return None
    if isinstance(col.dtype, pd.CategoricalDtype):
        raw = col.cat.codes.to_numpy()
        categories = col.cat.categories
        seen = np.zeros(len(categories) + 1, dtype=bool)
        seen[raw] = True  # a missing cell (code -1) marks the last entry
        used = seen[:-1]
        if used.all():
            distinct: Any = categories
        else:  # only the categories in use, as mapping the cells would see them
            keep = np.flatnonzero(used)
            renumber = np.full(len(categories) + 1, -1, dtype=np.int64)
            renumber[keep] = np.arange(len(keep))
            raw = renumber[raw]
            distinct = categories[keep]
    else:
        raw, distinct = pd.factorize(col, use_na_sentinel=True)
    # as Series.map passes them: each distinct value as a Python object
    values = np.asarray(distinct, dtype=object) if len(distinct) else np.empty(0, dtype=object)
    cleaned = np.empty(len(values), dtype=object)
    cleaned[:] = [_clean_label(x) for x in values]
    blank = np.array([isinstance(x, str) and x == "" for x in cleaned], dtype=bool)
    cleaned[blank] = np.nan
    merged, labels = pd.factorize(cleaned, use_na_sentinel=True)
    if np.array_equal(merged, np.arange(len(merged))):  # nothing merged or blanked
        return raw, pd.Index(labels, dtype=object)
    lookup = np.append(merged, -1)  # a missing cell (code -1) picks the last entry: -1
    return lookup[raw], pd.Index(labels, dtype=object)


def _labelled(codes: np.ndarray, labels: pd.Index, like: pd.Series, categorical: bool) -> pd.Series:
    """The Series (index and name of ``like``) of ``labels[codes]``, -1 missing."""
    if categorical:
        return pd.Series(
            pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(labels)),
            index=like.index,
            name=like.name,
        )
    table = np.empty(len(labels) + 1, dtype=object)
    table[:-1] = labels.to_numpy(dtype=object)
    table[-1] = np.nan  # code -1 picks the last entry
    return pd.Series(table[codes], index=like.index, name=like.name, dtype=object)


def _as_labels(col: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Text labels, missing cells kept as NaN (whole numbers written without '.0').

    A categorical column (Parquet's dictionary-encoded columns), a text column or a numeric one
    is factorised and each distinct value cleaned once; other columns are cleaned cell by cell.
    Either way the labels, and which cells are missing, are the same. The result is an object
    Series of ``str`` and NaN, or, with ``categorical=True`` (where the column could be
    factorised), a categorical Series whose categories are the cleaned labels: no Python string
    is then made per cell, and :meth:`ActivityMatrix.from_long` keys the column by its codes.
    """
    factorised = _factorised_labels(col)
    if factorised is None:
        return _as_labels_by_row(col)
    codes, labels = factorised
    return _labelled(codes, labels, col, categorical)


def _as_periods(col: pd.Series, *, categorical: bool = False) -> pd.Series:
    """Integer periods when every period is a plain integer, text labels otherwise.

    Text periods are returned as :func:`_as_labels` returns labels (``categorical`` alike);
    with a missing period, integer periods are an object Series of ``int`` and NaN.
    """
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(np.int64) if not col.isna().any() else col
    factorised = _factorised_labels(col)
    if factorised is None:
        labels = _as_labels_by_row(col)
        present = labels.dropna()
        if len(present) and present.map(lambda s: bool(_INT_RE.match(s))).all():
            as_int = pd.Series(np.nan, index=labels.index, dtype=object)
            as_int[present.index] = [int(s) for s in present]
            return as_int if labels.isna().any() else as_int.astype(np.int64)
        return labels
    codes, distinct = factorised
    if len(distinct) and all(_INT_RE.match(s) for s in distinct):
        numbers = [int(s) for s in distinct]
        if not (codes < 0).any():
            return pd.Series(
                np.asarray(numbers, dtype=np.int64)[codes], index=col.index, name=col.name
            )
        return _labelled(codes, pd.Index(numbers, dtype=object), col, categorical=False)
    return _labelled(codes, distinct, col, categorical)


def _load(
    path: str | Path,
    *,
    labels: list[str],
    value: str,
    sheet: str | int | None,
    format: str | None,
    limits: Limits | None = None,
    decimal: str = ".",
) -> tuple[pd.DataFrame, str, int, str]:
    """Read the raw frame; return it with its source name, first data row number and row word.

    ``limits`` (the module's defaults when None) bound the rows, cells and decompressed bytes.
    With ``decimal=","`` a text file's value column is read as text, for
    :func:`_decimal_comma_values` to parse.
    """
    limits = limits or Limits.of()
    decimal = _check_decimal(decimal)
    p = _path(path)
    fmt = _format(p, format)
    if sheet is not None and fmt != "excel":
        raise ValidationError(
            "a sheet was named for a file that has no sheets",
            where=f"file '{p.name}'",
            expected="an Excel or OpenDocument workbook (.xlsx, .xls, .ods) when a sheet is named",
            found=f"a {fmt.upper()} file",
            fix="leave out the sheet",
        )
    if fmt in ("csv", "tsv"):
        frame = _read_csv(p, fmt, labels, value, limits, decimal=decimal)
        source, first_row, row_word = p.name, 2, "line"
    elif fmt == "parquet":
        frame = _read_parquet(p, limits)
        source, first_row, row_word = p.name, 1, "row"
    else:
        frame, sheet_name = _read_excel(p, sheet, labels, value, limits)
        source, first_row, row_word = f"{p.name}[{sheet_name}]", 2, "row"
    frame.columns = [str(c).strip() if isinstance(c, str) else str(c) for c in frame.columns]
    return frame, source, first_row, row_word


# ---------------------------------------------------------------------------------------- public
def read_table(
    path: str | Path,
    *,
    region: str,
    activity: str,
    value: str,
    period: str | None = None,
    duplicates: Duplicates = "error",
    sheet: str | int | None = None,
    format: Format | str | None = None,
    max_rows: int | None = None,
    max_cells: int | None = None,
    max_uncompressed: int | None = None,
    max_ratio: float | None = None,
    decimal: str = ".",
    missing: str = "error",
) -> ActivityMatrix:
    """Read a long table (one row per region, activity and period) from a file.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV (``.csv``, ``.csv.gz``, ``.txt``; comma, semicolon, tab or pipe separated, found
        from the header line), TSV (``.tsv``), Parquet (``.parquet``) or Excel / OpenDocument
        (``.xlsx``, ``.xls``, ``.ods``) file with a header row.
    region, activity, value : str
        Names of the columns that hold the region label, the activity label and the value.
    period : str, optional
        Name of the period column. Without it the whole file is one period, ``"all"``.
    duplicates : {"error", "sum", "mean", "max", "min", "first", "last"}
        What to do with rows that repeat a (region, activity, period) key.
    sheet : str or int, optional
        Sheet name (or 0-based position) of a workbook; the first sheet by default.
    format : {"csv", "tsv", "parquet", "excel"}, optional
        The file format, when the file name does not say it.
    max_rows, max_cells : int, optional
        Most data rows (default :data:`MAX_ROWS`, 5,000,000) and cells, rows x columns (default
        :data:`MAX_CELLS`, 50,000,000), the file may hold.
    max_uncompressed : int, optional
        Most bytes a workbook's parts or a ``.gz`` text may expand to (default
        :data:`MAX_UNCOMPRESSED`, 500 MB).
    max_ratio : float, optional
        Highest expansion ratio of a workbook's large XML parts (default :data:`MAX_RATIO`,
        100). A workbook is checked by the sizes its zip declares, then by streaming its
        worksheets, before any of it is parsed; a text file as it is read.
    decimal : {".", ","}
        The decimal separator of the values: ``"."`` (``1234.5``, the default) or ``","``
        (``1234,5`` or ``1.234,5``, as Spanish and most European spreadsheets write them; a
        point is then only allowed between groups of three digits, so ``1.234`` is 1234 and
        ``1.5`` is refused, see :data:`DECIMALS`). Excel's numeric cells are numbers whatever
        the setting; its text cells follow it.
    missing : {"error", "flag"}
        What an empty value cell means: an error (default), or a value suppressed or
        confidential in the source (``"flag"``), kept as a missing cell, never read as zero
        (see :attr:`smartspec.ActivityMatrix.missing`). Write suppression markers such as
        ``:`` or ``c`` as empty cells first.

    Returns
    -------
    ActivityMatrix
        With ``source`` set to the file name (and sheet, as ``book.xlsx[Sheet]``).

    Raises
    ------
    ValidationError
        For a missing or unreadable file, an unknown format, a file larger than the limits, a
        missing sheet or column, and any bad value; the message names the file, column and
        line (text files, counting the header as line 1) or row (workbooks, as numbered in the
        spreadsheet; Parquet, from 1). Values that are not numbers but look like numbers with a
        decimal comma (``12,5``) get the hint to give ``decimal=","``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "jobs.csv").write_text("nuts;nace;jobs\\nAT11;01;5\\nAT11;02;1\\nAT12;01;7\\n")
    >>> m = read_table(d / "jobs.csv", region="nuts", activity="nace", value="jobs")
    >>> list(m.activities)
    ['01', '02']
    >>> es = "nuts;nace;empleo\\nES30;01;1.234,5\\nES30;02;0,5\\nES51;01;7\\n"
    >>> _ = (d / "es.csv").write_text(es)
    >>> read_table(d / "es.csv", region="nuts", activity="nace", value="empleo",
    ...            decimal=",").to_long()["value"].tolist()
    [1234.5, 0.5, 7.0]
    """
    labels = _label_columns(region, activity, period)
    limits = Limits.of(max_rows, max_cells, max_uncompressed, max_ratio)
    frame, source, first_row, row_word = _load(
        path,
        labels=labels,
        value=value,
        sheet=sheet,
        format=format,
        limits=limits,
        decimal=decimal,
    )
    if decimal == ",":
        _decimal_comma_values(
            frame, value, source=source, first_row=first_row, row_word=row_word, noun="values"
        )
    for col in (region, activity):
        if col in frame.columns:
            frame[col] = _as_labels(frame[col], categorical=True)
    if period is not None and period in frame.columns:
        frame[period] = _as_periods(frame[period], categorical=True)
    try:
        m = ActivityMatrix.from_long(
            frame,
            region=region,
            activity=activity,
            value=value,
            period=period,
            duplicates=duplicates,
            source=source,
            first_row=first_row,
            row_word=row_word,
            missing=missing,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        hinted = _decimal_hint(exc, frame, value) if decimal == "." else None
        if hinted is None:
            raise
        raise hinted from None
    return m


def read_population(
    path: str | Path,
    *,
    region: str,
    value: str,
    period: str | None = None,
    sheet: str | int | None = None,
    format: Format | str | None = None,
    decimal: str = ".",
) -> pd.Series:
    """Read region populations (for population-based presence, ``presence="rpop"``).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV, TSV, Parquet or Excel file, as for :func:`read_table`.
    region, value : str
        Names of the region column and the population column.
    period : str, optional
        Name of the period column, when populations differ by period.
    sheet : str or int, optional
        Sheet of a workbook.
    format : {"csv", "tsv", "parquet", "excel"}, optional
        The file format, when the file name does not say it.
    decimal : {".", ","}
        The decimal separator of the populations, as for :func:`read_table`.

    Returns
    -------
    pandas.Series
        Named ``"population"``, indexed by region (``"region"``), or by a ``(period, region)``
        MultiIndex when ``period`` is given.

    Raises
    ------
    ValidationError
        For a missing or unreadable file, a missing column, missing labels, repeated regions, and
        values that are not positive numbers; the message names the file, column and line.
    """
    labels = _label_columns(region, None, period)
    frame, source, first_row, row_word = _load(
        path, labels=labels, value=value, sheet=sheet, format=format, decimal=decimal
    )
    if decimal == ",":
        _decimal_comma_values(
            frame, value, source=source, first_row=first_row, row_word=row_word, noun="populations"
        )
    check = TableCheck(frame, source=source, first_row=first_row, row_word=row_word)
    roles = {"region": region, "population": value}
    if period is not None:
        roles["period"] = period
    check.columns(roles)
    check.not_empty("one row per region")
    keys: dict[str, pd.Series] = {}
    if period is not None:
        keys["period"] = _as_periods(frame[period])
        check.labels(period, keys["period"])
    keys["region"] = _as_labels(frame[region])
    check.labels(region, keys["region"])
    try:
        values = check.numbers(
            value,
            noun="populations",
            strict=True,
            expected="positive numbers (residents)",
            fix_range="correct the values; leave out regions without residents",
        )
    except ValidationError as exc:
        hinted = _decimal_hint(exc, frame, value) if decimal == "." else None
        if hinted is None:
            raise
        raise hinted from None
    key_frame = pd.DataFrame({k: v.to_numpy() for k, v in keys.items()})
    check.unique_keys(
        key_frame,
        what="a region" + (" of the same period" if period is not None else ""),
        fix="remove the repeated rows"
        + ("" if period is not None else ", or name the period column"),
    )
    if period is not None:
        index = pd.MultiIndex.from_arrays(
            [key_frame["period"], key_frame["region"]], names=["period", "region"]
        )
    else:
        index = pd.Index(key_frame["region"], name="region")
    return pd.Series(values, index=index, name="population")
