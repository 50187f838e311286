"""Reading delimited text (CSV, TSV, compressed or not): its encoding and delimiter found from
its first bytes, label columns read as text, the size held to the :class:`Limits`."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pandas as pd

from ..core.errors import ValidationError
from ._limits import Limits, _check_gzip, _unreadable
from ._values import _NA_VALUES


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
