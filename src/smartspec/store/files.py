"""Data files of the catalogue: ids, file names and endings, column mappings, bounded copies."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from ..core.errors import ValidationError, format_examples

__all__ = ["clean_mapping", "copy_limited", "file_ending", "read_names", "safe_filename", "slugify"]

_SLUG_RE = re.compile(r"[^a-z0-9]+")
_ENDINGS = (
    ".csv.gz",
    ".txt.gz",
    ".tsv.gz",
    ".csv",
    ".txt",
    ".tsv",
    ".tab",
    ".parquet",
    ".pq",
    ".parq",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
)


def slugify(text: str, *, fallback: str = "dataset", limit: int = 48) -> str:
    """A URL-safe id: lower case letters, digits and dashes.

    >>> slugify("Employment by NUTS2, 2020 (Eurostat)")
    'employment-by-nuts2-2020-eurostat'
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = _SLUG_RE.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return slug or fallback


def file_ending(filename: str) -> str:
    """The recognised ending of a data file name (``.csv.gz``, ``.xlsx``...), or ``""``."""
    lower = filename.lower()
    for ending in _ENDINGS:
        if lower.endswith(ending):
            return ending
    return ""


def safe_filename(filename: str) -> str:
    name = Path(str(filename).replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "upload"
    return name[:120]


_MAPPING_KEYS = (
    "region",
    "activity",
    "value",
    "period",
    "duplicates",
    "sheet",
    "decimal",
    "missing",
)


#: Longest text accepted in a form field: titles, licences, column names (sources are longer).
MAX_FIELD = 300
MAX_SOURCE = 2000


def check_text(field: str, value: str | None, *, limit: int = MAX_FIELD) -> str | None:
    """A text field of an upload, refused when it holds a NUL or control character or is long.

    PostgreSQL cannot store NUL in text, and control characters in a title break pages and
    exports; a 100,000-character title is not a title.

    >>> check_text("title", "Jobs by sector")
    'Jobs by sector'
    >>> check_text("title", "a" + chr(0) + "b")
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: the form field holds a control character; ...
    """
    if value is None:
        return None
    text = str(value)
    for i, ch in enumerate(text):
        if (ch < " " and ch not in "\t\n\r") or ch == "\x7f":
            raise ValidationError(
                "the form field holds a control character",
                where=f"field {field!r}",
                expected="text without NUL or control characters",
                found=f"{ch!r} at position {i}",
                fix="remove the character (copied from another program?)",
            )
    if len(text) > limit:
        raise ValidationError(
            "the form field is too long",
            where=f"field {field!r}",
            expected=f"at most {limit:,} characters",
            found=f"{len(text):,} characters",
            fix="shorten it",
        )
    return text


def clean_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in mapping.items():
        if isinstance(value, str):
            check_text(key, value)
    unknown = [k for k in mapping if k not in _MAPPING_KEYS]
    if unknown:
        raise ValidationError(
            "unknown column mapping keys",
            expected=f"keys among {', '.join(_MAPPING_KEYS)}",
            found=format_examples(unknown),
        )
    out = {k: v for k, v in mapping.items() if v not in (None, "")}
    missing = [k for k in ("region", "activity", "value") if not out.get(k)]
    if missing:
        raise ValidationError(
            "the column mapping is incomplete",
            expected="the names of the region, activity and value columns (period optional)",
            found=f"no {', '.join(missing)} column named",
            fix="name the columns of the file that hold the " + ", ".join(missing),
        )
    return {k: str(v) if k != "sheet" else v for k, v in out.items()}


def copy_limited(file: bytes | str | Path | BinaryIO, target: Path, limit: int) -> int:
    """Copy the data to ``target``; stop once more than ``limit`` bytes have been seen."""
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
        if len(data) <= limit:
            target.write_bytes(data)
        return len(data)
    if isinstance(file, str | Path):
        source = Path(file).expanduser()
        if not source.is_file():
            raise ValidationError(
                "the file does not exist", where=f"file '{source}'", found="no file"
            )
        size = source.stat().st_size
        if size <= limit:
            shutil.copyfile(source, target)
        return size
    total = 0
    with target.open("wb") as out:
        while chunk := file.read(1024 * 1024):
            total += len(chunk)
            if total > limit:
                return total
            out.write(chunk)
    return total


def read_names(
    path: Path, mapping: Mapping[str, Any], columns: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """The names of the codes from the name columns of a data file.

    ``mapping`` is the file's column mapping (as for :func:`~smartspec.io.read_table`);
    ``columns`` maps ``"region"`` and/or ``"activity"`` to the column that holds their names
    (``"region_es"`` / ``"activity_es"``: their Spanish names). Returns ``{axis: {code: name}}``
    (codes and names as text; rows without a name are skipped). A missing column, or two
    names for one code, raise :class:`ValidationError`.
    """
    from ..core._validate import TableCheck
    from ..io.readers import _as_labels, _load

    wanted = {axis: str(col) for axis, col in columns.items() if col not in (None, "")}
    if not wanted:
        return {}
    labels = [mapping[a] for a in ("region", "activity", "period") if mapping.get(a)]
    labels += [c for c in wanted.values() if c not in labels]
    frame, source, first_row, row_word = _load(
        path, labels=labels, value=mapping["value"], sheet=mapping.get("sheet"), format=None
    )
    check = TableCheck(frame, source=source, first_row=first_row, row_word=row_word)
    check.columns({f"{axis} name": col for axis, col in wanted.items()})
    out: dict[str, dict[str, str]] = {}
    for axis, col in wanted.items():
        codes = _as_labels(frame[mapping[axis.removesuffix("_es")]])  # region_es: Spanish
        names = _as_labels(frame[col])
        keep = codes.notna() & names.notna()
        pairs = pd.DataFrame({"code": codes[keep], "name": names[keep]})
        counts = pairs.drop_duplicates().groupby("code", sort=False)["name"].nunique()
        clashes = counts[counts > 1].index.tolist()
        if clashes:
            code = clashes[0]
            seen = list(dict.fromkeys(pairs.loc[pairs["code"] == code, "name"]))
            mask = (codes == code) & keep & (names != seen[0])
            raise ValidationError(
                f"{'an' if axis == 'activity' else 'a'} {axis} code has more than one name",
                where=check.where(col, check.rows(mask.to_numpy())),
                expected=f"one name per {axis} code in column '{col}'",
                found=f"{axis} '{code}' named {format_examples(seen)}"
                + (f" ({len(clashes)} codes with several names)" if len(clashes) > 1 else ""),
                fix=f"give each {axis} code a single name, or leave out the {axis} name column",
            )
        out[axis] = dict(zip(pairs["code"], pairs["name"], strict=True))
    return out
