"""Tables as downloadable files: CSV, Excel (xlsx) and Parquet."""

from __future__ import annotations

import io

import pandas as pd
from fastapi.responses import Response

from smartspec.core.errors import ValidationError

__all__ = ["FORMATS", "download", "to_bytes"]

#: Download format -> (media type, file ending).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}

_EXCEL_ROWS = 1_048_575


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns that mix types (1 and 'A') become text, as Arrow and Excel need."""
    out = frame.reset_index(drop=True)
    for col in out.columns:
        s = out[col]
        if s.dtype == object and len({type(x) for x in s.dropna()}) > 1:
            out[col] = s.map(lambda x: x if x is None or x != x else str(x))
    out.columns = [str(c) for c in out.columns]
    return out


def to_bytes(frame: pd.DataFrame, fmt: str, *, sheet: str = "data") -> bytes:
    """The table as a file in ``fmt`` (``csv``, ``xlsx`` or ``parquet``)."""
    frame = _text_safe(frame)
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "xlsx":
        if len(frame) > _EXCEL_ROWS:
            raise ValidationError(
                "the table is too long for an Excel sheet",
                expected=f"at most {_EXCEL_ROWS:,} rows",
                found=f"{len(frame):,} rows",
                fix="filter it (period=, region=, activity=) or download csv or parquet",
            )
        with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    else:
        frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def download(frame: pd.DataFrame, fmt: str, filename: str, *, sheet: str = "data") -> Response:
    """A file response with ``Content-Disposition: attachment``."""
    media, ending = FORMATS[fmt]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    return Response(
        to_bytes(frame, fmt, sheet=sheet),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{safe}.{ending}"'},
    )
