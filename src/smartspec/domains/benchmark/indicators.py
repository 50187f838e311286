"""The structural indicators of EU NUTS 2 regions bundled with the benchmark domain.

``data/indicators.csv`` is built by ``tools/build_benchmark_data.py`` from the real sources in
``shared/data`` (origin and licence of every column in ``data/SOURCES.md``): one row per region
of the ``eu-nuts2-ardeco`` dataset (277 NUTS 2 regions of the EU-28, North Macedonia and
Serbia), reference year 2017. :data:`INDICATORS` says what each column is, its dimension, the
transform applied before standardising, its unit and source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import pandas as pd

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "REFERENCE_YEAR",
    "Indicator",
    "coverage",
    "indicator_table",
]

#: The year of the indicators (exceptions: R&D falls back to 2013-2019, patents 2011-2012).
REFERENCE_YEAR = 2017

#: The three dimensions of structural conditions, each weighted 1/3.
DIMENSIONS: tuple[str, ...] = ("socio-demographic", "economic structure", "technology")

Transform = Literal["none", "log", "log1p"]


@dataclass(frozen=True)
class Indicator:
    """One structural indicator: a column of ``data/indicators.csv``.

    Parameters
    ----------
    key : str
        The column.
    label, label_es : str
        Its name in English and Spanish.
    dimension : str
        One of :data:`DIMENSIONS`.
    transform : {"none", "log", "log1p"}
        Applied before the z-score: ``log`` for skewed, strictly positive sizes and levels,
        ``log1p`` (``log(1 + x)``) for skewed values that can be 0.
    unit : str
        Unit of the raw value.
    source : str
        Where the value comes from (short; details in ``data/SOURCES.md``).
    year : str
        The year(s) of the value.
    """

    key: str
    label: str
    label_es: str
    dimension: str
    transform: Transform
    unit: str
    source: str
    year: str


_ARDECO = "ARDECO SNETZ employment by NACE A*10 sector (eu-nuts2-ardeco)"
_RD = "Eurostat rd_e_gerdreg / rd_p_persreg (via nestauk/eurito_indicators)"


def _sector(key: str, label: str, label_es: str) -> Indicator:
    return Indicator(
        key, label, label_es, "economic structure", "none", "share of employment", _ARDECO, "2017"
    )


#: Every indicator, in the order of the table.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "population",
        "Population",
        "Población",
        "socio-demographic",
        "log",
        "persons, 1 January",
        "Eurostat tgs00096 (bundled context of eu-nuts2-ardeco)",
        "2017",
    ),
    Indicator(
        "density",
        "Population density",
        "Densidad de población",
        "socio-demographic",
        "log",
        "persons per km²",
        "population / area of the GISCO NUTS 2016 polygon (1:10 million)",
        "2017",
    ),
    Indicator(
        "household_income_pps",
        "Household disposable income per head",
        "Renta disponible de los hogares por habitante",
        "socio-demographic",
        "log",
        "PPS per inhabitant",
        "Eurostat tgs00026 (bundled context of eu-nuts2-ardeco)",
        "2017",
    ),
    Indicator(
        "gdp_per_head",
        "GDP per head",
        "PIB por habitante",
        "economic structure",
        "log",
        "EUR per inhabitant",
        "Eurostat tgs00003 / tgs00096 (bundled context of eu-nuts2-ardeco)",
        "2017",
    ),
    _sector("emp_agriculture", "Employment share: agriculture (A)", "Empleo: agricultura (A)"),
    _sector("emp_industry", "Employment share: industry (B-E)", "Empleo: industria (B-E)"),
    _sector("emp_construction", "Employment share: construction (F)", "Empleo: construcción (F)"),
    _sector(
        "emp_trade_transport",
        "Employment share: trade, transport, hospitality (G-I)",
        "Empleo: comercio, transporte, hostelería (G-I)",
    ),
    _sector("emp_ict", "Employment share: information and communication (J)", "Empleo: TIC (J)"),
    _sector("emp_finance", "Employment share: finance (K)", "Empleo: finanzas (K)"),
    _sector("emp_real_estate", "Employment share: real estate (L)", "Empleo: inmobiliarias (L)"),
    _sector(
        "emp_business_services",
        "Employment share: business services (M-N)",
        "Empleo: servicios a empresas (M-N)",
    ),
    _sector(
        "emp_public_services",
        "Employment share: public administration, education, health (O-Q)",
        "Empleo: administración pública, educación, sanidad (O-Q)",
    ),
    _sector(
        "emp_other_services",
        "Employment share: other services (R-U)",
        "Empleo: otros servicios (R-U)",
    ),
    Indicator(
        "gerd_pc_gdp",
        "R&D expenditure (GERD), % of GDP",
        "Gasto en I+D (GERD), % del PIB",
        "technology",
        "log1p",
        "% of GDP",
        _RD,
        "2017 (nearest of 2013-2019 where missing; see rd_year)",
    ),
    Indicator(
        "berd_share",
        "Business share of R&D expenditure",
        "Parte empresarial del gasto en I+D",
        "technology",
        "none",
        "share of GERD performed by business",
        _RD,
        "same year as GERD",
    ),
    Indicator(
        "rd_personnel_per_1000",
        "R&D personnel per 1,000 inhabitants",
        "Personal de I+D por 1.000 habitantes",
        "technology",
        "log1p",
        "full-time equivalents per 1,000 inhabitants",
        _RD,
        "same year as GERD",
    ),
    Indicator(
        "patents_per_million",
        "EPO patent applications per million inhabitants",
        "Solicitudes de patente EPO por millón de habitantes",
        "technology",
        "log1p",
        "applications per million inhabitants (priority year, by inventor region)",
        "Eurostat tgs00040 (via andrea-ballatore/open-geo-data-education)",
        "mean of 2011 and 2012",
    ),
)


@lru_cache(maxsize=1)
def indicator_table() -> pd.DataFrame:
    """The bundled indicator table, indexed by region code (raw values, not transformed).

    Returns
    -------
    pandas.DataFrame
        Index ``region`` (the ``eu-nuts2-ardeco`` code); columns ``nuts2016`` (the NUTS 2016
        code whose values were used), ``rd_year`` (year of the R&D values, <NA> without) and
        one float column per indicator of :data:`INDICATORS` (NaN where the source has none).

    Examples
    --------
    >>> t = indicator_table()
    >>> len(t), round(float(t.loc["AT13", "density"]))
    (277, 4406)
    """
    path = resources.files(__package__) / "data" / "indicators.csv"
    with path.open("rb") as fh:
        frame = pd.read_csv(
            fh, dtype={"region": str, "nuts2016": str}, keep_default_na=False, na_values=[""]
        )
    frame["rd_year"] = frame["rd_year"].astype("Int64")
    return frame.set_index("region")


@lru_cache(maxsize=1)
def coverage() -> dict[str, Any]:
    """The build's coverage report (``data/coverage.json``): regions with each indicator, the
    years of the R&D values, and the source codes that could not be mapped to NUTS 2016."""
    path = resources.files(__package__) / "data" / "coverage.json"
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result
