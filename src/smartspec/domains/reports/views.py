"""The typed result of the region report: sections of text, tables and charts, already in the
report's language; :mod:`.render` writes it as HTML, PDF or an Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

__all__ = ["RegionReport", "ReportChart", "ReportSection", "ReportTable"]


@dataclass(frozen=True)
class ReportTable:
    """One table of a section.

    Parameters
    ----------
    key : str
        A stable name (``"specialisations"``), the same in every language.
    title : str
        The table's title in the report's language.
    frame : pandas.DataFrame
        The rows, with translated column headers; missing values are ``None`` or NaN.
    """

    key: str
    title: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class ReportChart:
    """One chart or map of a section: a self-contained Vega-Lite spec (inline data, shapes
    included), drawn by ``vl-convert`` without a network."""

    key: str
    title: str
    spec: dict[str, Any]
    kind: Literal["chart", "map"] = "chart"
    caption: str = ""


@dataclass(frozen=True)
class ReportSection:
    """One section: title, explanation, facts, tables, charts and the notes that qualify them.

    ``empty`` says why a section has nothing to show (no monitoring plan recorded...)."""

    key: str
    title: str
    text: list[str]
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[ReportChart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    notes_title: str = ""
    empty: str | None = None


@dataclass(frozen=True)
class RegionReport:
    """A region's report on one dataset and period, in one language."""

    region: str
    region_name: str
    dataset: str
    dataset_title: str
    period: str
    lang: str
    generated_at: str
    title: str
    subtitle: str
    sections: list[ReportSection]
    source: str = ""
    licence: str = ""

    def section(self, key: str) -> ReportSection:
        """The section named ``key`` (``KeyError`` when there is none)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def tables(self) -> list[ReportTable]:
        """Every table of the report, in the order of the sections."""
        return [t for s in self.sections for t in s.tables]
