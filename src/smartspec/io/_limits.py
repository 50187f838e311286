"""How large a file the readers agree to read, and the checks that hold a file to it.

Hostile inputs (a compression bomb, a sheet of millions of near-empty rows, a ``.gz`` text that
expands without end) are refused before they are parsed: a workbook by the sizes its zip
declares and then by streaming its worksheets in constant memory, a ``.gz`` text by streaming
it. The errors name the file and say what to do (:func:`_too_large`, :func:`_unreadable`).
"""

from __future__ import annotations

import gzip
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ValidationError

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
