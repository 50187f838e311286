"""Value cells: the cells that mean "no value", and numbers written with a decimal comma."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..core._validate import TableCheck
from ..core.errors import ValidationError, format_examples

# Cells that mean "no value" in a value column. Label columns only treat an empty cell as missing,
# so that real codes such as "NA" (Namibia) or "NULL" survive.
_NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "-NaN", "-nan", "#N/A", "None"]

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
