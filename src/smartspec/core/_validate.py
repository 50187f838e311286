"""Checks of a long input table, shared by every reader of region-keyed tables.

One place says how a missing column, an empty table, a missing label, a non-numeric, missing,
infinite or out-of-range value, or a repeated key is reported: what was expected, what was found,
where (file, column, rows) and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ValidationError, format_examples


class TableCheck:
    """Validate one long table; every failure raises :class:`ValidationError`.

    Parameters
    ----------
    data : pandas.DataFrame
    source : str, optional
        File name for messages.
    first_row : int
        Number of the table's first row in messages (2 for a file with a header line).
    row_word : str
        Word for a row in messages (``"line"`` for text files).
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        source: str | None = None,
        first_row: int = 1,
        row_word: str = "row",
    ) -> None:
        self.data = data
        self.source = source
        self.first_row = first_row
        self.row_word = row_word

    @property
    def in_file(self) -> str | None:
        return f"file '{self.source}'" if self.source else None

    def rows(self, mask: np.ndarray) -> list[int]:
        """Row numbers (as the user sees them) where ``mask`` is true."""
        return [int(i) + self.first_row for i in np.flatnonzero(mask)]

    def where(self, column: str, bad: Sequence[int]) -> str:
        plural = "s" if len(bad) > 1 else ""
        prefix = f"{self.in_file}, " if self.source else ""
        return f"{prefix}column '{column}', {self.row_word}{plural} {format_examples(bad)}"

    def columns(self, roles: Mapping[str, str]) -> None:
        """Every named column exists (with a did-you-mean), and no column has two roles."""
        given = [str(c) for c in self.data.columns]
        for role, col in roles.items():
            if col not in self.data.columns:
                close = difflib.get_close_matches(str(col), given, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise ValidationError(
                    f"the {role} column '{col}' is not in the table",
                    where=self.in_file,
                    expected=f"a column named '{col}' holding the {role}",
                    found=f"columns {format_examples(given, limit=12)}",
                    fix=f"{hint}name the {role} column that exists in the table",
                )
        if len(set(roles.values())) < len(roles):
            raise ValidationError(
                "the same column is named for two roles",
                expected="a distinct column for each of " + ", ".join(roles),
                found=", ".join(f"{k}='{v}'" for k, v in roles.items()),
            )

    def not_empty(self, expected: str) -> None:
        """The table has rows."""
        if len(self.data) == 0:
            raise ValidationError(
                "the table is empty",
                where=self.in_file,
                expected=expected,
                found="0 rows",
                fix="check the file, sheet or filter that produced the table",
            )

    def labels(self, column: str, values: pd.Series | None = None) -> None:
        """No missing label in ``column`` (or in ``values``, the column as parsed)."""
        missing = (self.data[column] if values is None else values).isna().to_numpy()
        if missing.any():
            raise ValidationError(
                "labels are missing",
                where=self.where(column, self.rows(missing)),
                expected=f"a label in every row of '{column}'",
                found=f"{int(missing.sum())} empty cell(s)",
                fix="fill in the labels or remove those rows",
            )

    def numbers(
        self,
        column: str,
        *,
        noun: str = "values",
        minimum: float = 0.0,
        strict: bool = False,
        expected: str = "counts or amounts >= 0",
        fix_range: str = "correct or remove the negative values (net flows are not activity sizes)",
        allow_missing: bool = False,
    ) -> np.ndarray:
        """The column as float64: numbers, present, finite and at least (or above) ``minimum``.

        With ``allow_missing``, empty cells are returned as NaN (a suppressed or unknown value)
        instead of refused."""
        raw = self.data[column]
        if pd.api.types.is_bool_dtype(raw):
            numeric = pd.Series(np.nan, index=raw.index)
        elif pd.api.types.is_numeric_dtype(raw):
            numeric = raw
        else:
            numeric = pd.to_numeric(raw, errors="coerce")
        not_number = (numeric.isna() & raw.notna()).to_numpy()
        if not_number.any():
            bad = self.rows(not_number)
            sample = [raw.iloc[i - self.first_row] for i in bad[:3]]
            raise ValidationError(
                f"{noun} must be numbers",
                where=self.where(column, bad),
                expected=expected,
                found=f"{format_examples(sample, limit=3)} in {int(not_number.sum())} row(s)",
                fix="remove footnote flags, thousands separators or text from the column, "
                "or name the right column",
            )
        values = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
        nan = np.isnan(values)
        if nan.any() and not allow_missing:
            raise ValidationError(
                f"{noun} are missing",
                where=self.where(column, self.rows(nan)),
                expected="a number in every row",
                found=f"{int(nan.sum())} empty or NaN value(s)",
                fix="write 0 where the absence of a value means zero, or keep empty cells as "
                "suppressed / unknown with missing='flag' (--missing flag)",
            )
        inf = np.isinf(values)
        if inf.any():
            bad = self.rows(inf)
            raise ValidationError(
                f"{noun} must be finite",
                where=self.where(column, bad),
                expected="finite numbers",
                found=f"infinite value(s) at {self.row_word}s {format_examples(bad)}",
                fix="correct the values (a division by zero upstream?)",
            )
        out_of_range = values <= minimum if strict else values < minimum
        if out_of_range.any():
            bad = self.rows(out_of_range)
            word = "positive" if strict and minimum == 0 else "non-negative"
            raise ValidationError(
                f"{noun} must be {word}",
                where=self.where(column, bad),
                expected=expected,
                found=f"{float(values[out_of_range][0])!r} at {self.row_word} {bad[0]}"
                + (f" and {len(bad) - 1} more" if len(bad) > 1 else ""),
                fix=fix_range,
            )
        return values

    def unique_keys(self, keys: pd.DataFrame, *, what: str, fix: str) -> np.ndarray:
        """Rows whose key repeats (a boolean mask); raises unless ``fix`` is empty."""
        dup = keys.duplicated(keep=False).to_numpy()
        if dup.any() and fix:
            first = keys[dup].iloc[0].to_dict()
            prefix = f"{self.in_file}, " if self.source else ""
            raise ValidationError(
                f"{what} appears in more than one row",
                where=f"{prefix}{self.row_word}s {format_examples(self.rows(dup))}",
                expected="one row per key",
                found=f"{int(dup.sum())} rows share keys, e.g. {first}",
                fix=fix,
            )
        return dup
