"""Build the structural indicators of EU NUTS 2 regions bundled with the benchmark domain.

Writes ``src/smartspec/domains/benchmark/data/indicators.csv`` (one row per region of the
``eu-nuts2-ardeco`` dataset: its code, the NUTS 2016 code whose values were used, the raw value
of every indicator and the year of the R&D values) and ``coverage.json`` (how many regions have
each indicator, and which source codes could not be mapped). The indicators, their dimensions,
units and sources are described in ``smartspec.domains.benchmark.indicators`` and
``data/SOURCES.md``.

Reference year 2017: the most recent year with near-complete coverage of GDP, population,
household income (2018 has it for 50 regions only) and R&D expenditure (collected every two
years in many countries; 2017 has 246 NUTS 2 regions, 2018 only 183). Exceptions, documented:
R&D values fall back to the nearest year in 2013-2019 (earlier year first on a tie) where 2017
is missing; EPO patent applications exist only up to 2012 (mean of 2011 and 2012).

Codes: the R&D and patent extracts mix NUTS 2010 and NUTS 2016 codes. A source code is used
when it is the region's NUTS 2016 code, or a NUTS 2003-2013 code that is a pure recode of it
(same territory; Eurostat NUTS history, ``tools/build_context.recodes_to_2016``). Codes of
regions whose territory changed (PL12, HU10, LT00, IE01/IE02, UKI1/UKI2, UKM2/UKM3...) are not
mapped: their successors get no value from them.

Usage::

    .venv/bin/python tools/build_benchmark_data.py [--source DIR] [--out DIR]

Deterministic: the same inputs give byte-identical outputs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_context import recodes_to_2016

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "smartspec" / "domains" / "benchmark" / "data"

YEAR = 2017
RD_YEARS = (2017, 2016, 2018, 2015, 2019, 2014, 2013)  # nearest first, earlier year on a tie
PATENT_YEARS = (2011, 2012)
#: ARDECO A*10 sector codes -> indicator keys (employment shares).
SECTORS = {
    "A": "emp_agriculture",
    "B-E": "emp_industry",
    "F": "emp_construction",
    "G-I": "emp_trade_transport",
    "J": "emp_ict",
    "K": "emp_finance",
    "L": "emp_real_estate",
    "M-N": "emp_business_services",
    "O-Q": "emp_public_services",
    "R-U": "emp_other_services",
}


def _area_km2(topology: dict) -> dict[str, float]:
    """Area of each NUTS 2 polygon of a quantised TopoJSON, km², on a sphere (R = 6371.0088 km).

    Each ring's area is the spherical-excess formula for small segments
    ``A = R² / 2 · |Σ (λ2 − λ1)(2 + sin φ1 + sin φ2)|`` (Chamberlain & Duquette 2007), holes
    subtracted.
    """
    scale = topology["transform"]["scale"]
    shift = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + shift[0], y * scale[1] + shift[1]))
        arcs.append(points)

    def ring(indices: list[int]) -> float:
        points: list[tuple[float, float]] = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part if not points else part[1:])
        total = 0.0
        for (l1, p1), (l2, p2) in zip(points, points[1:] + points[:1], strict=True):
            total += math.radians(l2 - l1) * (
                2 + math.sin(math.radians(p1)) + math.sin(math.radians(p2))
            )
        return abs(total) * 6371.0088**2 / 2

    areas: dict[str, float] = {}
    (objects,) = topology["objects"].values()
    for geom in objects["geometries"]:
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        area = sum(ring(p[0]) - sum(ring(h) for h in p[1:]) for p in polygons)
        areas[geom["properties"]["NUTS_ID"]] = area
    return areas


def _nesta(src: Path, name: str, recode: dict[str, str]) -> pd.DataFrame:
    """One Nesta/Eurostat extract at NUTS 2: ``year, nuts2016, value`` (codes recoded)."""
    frame = pd.read_csv(src / "eu-regional-rd-patents" / f"{name}.csv", keep_default_na=False)
    frame = frame[frame["region_level"] == 2]
    frame = frame[~frame["region_id"].str.endswith(("ZZ", "XX"))]
    frame = frame.assign(
        nuts2016=frame["region_id"].map(lambda c: recode.get(c, c)),
        value=pd.to_numeric(frame[name], errors="coerce"),
    )
    frame = frame.dropna(subset=["value"])
    # a 2016 code present itself wins over an older code recoded to it
    frame = frame.assign(own=frame["region_id"] == frame["nuts2016"])
    frame = frame.sort_values(["year", "nuts2016", "own"]).drop_duplicates(
        ["year", "nuts2016"], keep="last"
    )
    return frame[["year", "nuts2016", "region_id", "value"]]


def _nearest(frame: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """Per NUTS 2016 code, the value of the first year of ``years`` that has one."""
    rank = {y: i for i, y in enumerate(years)}
    frame = frame[frame["year"].isin(years)].assign(rank=lambda f: f["year"].map(rank))
    frame = frame.sort_values(["nuts2016", "rank"]).drop_duplicates("nuts2016")
    return frame.set_index("nuts2016")[["year", "value"]]


def build(src: Path) -> tuple[pd.DataFrame, dict]:
    """The indicator table and its coverage report."""
    sys.path.insert(0, str(REPO / "src"))
    from smartspec.datasets import context, load

    recode = recodes_to_2016(src)
    ctx = context("eu-nuts2-ardeco")
    assert ctx is not None
    ctx = ctx[ctx["period"] == YEAR].set_index("region")
    matrix = load("eu-nuts2-ardeco")
    emp = matrix.frame(YEAR)
    regions = pd.Index(sorted(str(r) for r in matrix.regions), name="region")
    nuts = ctx["nuts2016"].reindex(regions).fillna(pd.Series(regions, index=regions))
    table = pd.DataFrame(index=regions)
    table["nuts2016"] = nuts

    # socio-demographic
    table["population"] = ctx["population"].reindex(regions)
    topo = json.loads(
        (
            src / "boundaries" / "eu-nuts-svizzle" / "NUTS_RG_10M_2016_4326_LEVL_2.topojson.json"
        ).read_text(encoding="utf-8")
    )
    area = pd.Series(_area_km2(topo))
    table["area_km2"] = nuts.map(area).round(1)
    table["density"] = (table["population"] / table["area_km2"]).round(2)
    table["household_income_pps"] = ctx["household_income_pps"].reindex(regions)

    # economic structure
    table["gdp_per_head"] = ctx["gdp_per_head"].reindex(regions).round(0)
    emp = emp.reindex(regions)
    shares = emp.div(emp.sum(axis=1), axis=0)
    for code, key in SECTORS.items():
        table[key] = shares[code].round(5)

    # technology
    by_code = {
        "gerd_pc_gdp": "rd_e_gerdreg_pc_gdp_total",
        "gerd_total": "rd_e_gerdreg_mio_eur_total",
        "gerd_bes": "rd_e_gerdreg_mio_eur_bes",
        "rd_personnel": "rd_p_persreg_t_total_fte_total",
    }
    rd = {key: _nesta(src, name, recode) for key, name in by_code.items()}
    gerd = _nearest(rd["gerd_pc_gdp"], RD_YEARS)
    table["gerd_pc_gdp"] = nuts.map(gerd["value"])
    table["rd_year"] = nuts.map(gerd["year"]).astype("Int64")
    # business share and personnel: the same year as the GERD intensity
    for key in ("gerd_total", "gerd_bes", "rd_personnel"):
        keyed = rd[key].set_index(["nuts2016", "year"])["value"]
        table[key] = [
            keyed.get((n, int(y)), np.nan) if pd.notna(y) else np.nan
            for n, y in zip(nuts, table["rd_year"], strict=True)
        ]
    table["berd_share"] = (table["gerd_bes"] / table["gerd_total"]).round(4)
    pop_by_year = context("eu-nuts2-ardeco")
    assert pop_by_year is not None
    pop = pop_by_year.set_index(["region", "period"])["population"]
    pop_rd = [
        pop.get((r, int(y)), np.nan) if pd.notna(y) else np.nan
        for r, y in zip(regions, table["rd_year"], strict=True)
    ]
    table["rd_personnel_per_1000"] = (table["rd_personnel"] / np.array(pop_rd) * 1000).round(3)

    geo = pd.read_csv(src / "eu-regional-context" / "eu_all_geo_data.csv.gz", low_memory=False)
    pat = geo[
        (geo["input_var_code"] == "tgs00040") & geo["time"].isin([str(y) for y in PATENT_YEARS])
    ]
    pat = pat.assign(value=pd.to_numeric(pat["values"], errors="coerce")).dropna(subset=["value"])
    pat_mean = pat.groupby("geo")["value"].agg(["mean", "count"])
    pat_mean = pat_mean[pat_mean["count"] == len(PATENT_YEARS)]["mean"]
    pat_mean.index = [recode.get(c, c) for c in pat_mean.index]
    pat_mean = pat_mean[~pat_mean.index.duplicated()]
    table["patents_per_million"] = nuts.map(pat_mean).round(2)

    table = table.drop(columns=["gerd_total", "gerd_bes", "rd_personnel", "area_km2"])
    table = table.reset_index()
    lost = sorted(
        set(rd["gerd_pc_gdp"].query("year in @RD_YEARS")["region_id"]) - set(recode) - set(nuts)
    )
    report = {
        "reference_year": YEAR,
        "regions": len(table),
        "with_value": {
            col: int(table[col].notna().sum())
            for col in table.columns
            if col not in ("region", "nuts2016")
        },
        "rd_years": {
            str(k): int(v) for k, v in table["rd_year"].value_counts().sort_index().items()
        },
        "rd_codes_not_mapped": lost,
        "patent_codes_not_mapped": sorted(set(pat_mean.index) - set(nuts)),
    }
    return table, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table, report = build(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "indicators.csv", index=False, lineterminator="\n")
    (args.out / "coverage.json").write_text(
        json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
